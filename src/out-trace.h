/*
 * tcptune trace's report: text, JSON (docs/json.md) and Prometheus
 * (docs/trace.md).
 */
#ifndef TCPTUNE_OUT_TRACE_H
#define TCPTUNE_OUT_TRACE_H

#include <stdio.h>

#include "lib/netns.h"
#include "lib/trace.h"

enum trace_format {
	TRACE_TEXT,
	TRACE_JSON,
	TRACE_PROMETHEUS
};

/* names: every namespace, to name each row's; NULL when one was traced. */
void out_trace(FILE *f, enum trace_format format, const struct tt_trace_report *r,
    const struct tt_netns_list *names);

struct json;
/* check --interval: the trace as member key (null when none was made),
 * and as a text section (nothing when none). */
void out_trace_json(struct json *j, const char *key, const struct tt_trace_report *r);
void out_trace_text(FILE *f, const struct tt_trace_report *r);
/* watch's line: " opener COMM[PID] (WORKLOAD) R/s, N EADDRNOTAVAIL" for
 * the busiest opener, nothing when none. */
void out_trace_top(FILE *f, const struct tt_trace_report *r);

#endif
