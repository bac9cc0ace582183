/*
 * check --format prometheus: metrics for node_exporter's textfile
 * collector (docs/fleet.md lists them).
 */
#ifndef TCPTUNE_OUT_PROMETHEUS_H
#define TCPTUNE_OUT_PROMETHEUS_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/ctx.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"

void prom_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs);
/* What a check that failed before its report leaves: tcptune_last_run_success
 * 0 and the time, so that a stale or failing check can be alerted on. */
void prom_failure(FILE *f);

/* The run's own lines, once: last run and when the check ran. */
void prom_begin(FILE *f);
/* One namespace's metrics, every sample labelled netns="NETNS"; parts
 * are put together by prom_merge(). */
void prom_report_ns(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_findings *fs, const char *netns);
/* Writes the parts' families one by one: each family's HELP and TYPE once,
 * then its samples of every part, as the exposition format wants. */
void prom_merge(FILE *f, const char *const *parts, size_t nparts);

/* One label, name="value" (escaped), after a comma unless first. */
void prom_label(FILE *f, const char *name, const char *value, bool first);

#endif
