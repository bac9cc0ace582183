/*
 * The verdict a text report opens with: one line that names the worst
 * finding (or says nothing is wrong) with the counts, so an operator
 * under pressure reads the answer first.
 */
#ifndef TCPTUNE_OUT_VERDICT_H
#define TCPTUNE_OUT_VERDICT_H

#include <stddef.h>

#include "lib/rules.h"

/* How wide a verdict line gets at most; a long message is cut with "...". */
#define OUT_VERDICT_WIDTH 120

/*
 * "WARN: census_close_wait: 150 sockets in CLOSE_WAIT: ... (0 critical,
 * 2 warn, 1 info, 16 ok)" for the worst finding when it is warn or
 * critical, else "OK: nothing wrong (0 critical, 0 warn, 1 info, 18 ok)",
 * into buf; returns buf.
 */
char *out_verdict(const struct tt_findings *fs, char *buf, size_t len);

/*
 * The line for several namespaces: "WARN: 3 network namespaces, 1 with
 * a warning or worse; worst NAME: id: message (totals)", or "OK: 3
 * network namespaces, nothing wrong (totals)".  worst_name and worst may
 * be NULL when nothing is wrong; counts are the totals.
 */
char *out_verdict_ns(size_t n, size_t not_ok, const char *worst_name,
    const struct tt_finding *worst, const unsigned counts[4], char *buf, size_t len);

#endif
