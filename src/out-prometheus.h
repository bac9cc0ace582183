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
 * are put together by a prom_merger. */
void prom_report_ns(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_findings *fs, const char *netns);
/*
 * Puts several namespaces' parts together as the exposition format wants
 * them: each family once, its HELP and TYPE from the first part that has
 * them, then its samples of every part, families in the order they first
 * come.  The lines are fed one part after the other; each family's go to a
 * temporary file of its own until prom_merger_finish() writes them, so
 * memory does not grow with the number of namespaces.
 */
struct prom_merger;
struct prom_merger *prom_merger_new(void);
/* One line of the current part, without its newline. */
void prom_merger_line(struct prom_merger *m, const char *line, size_t len);
/* The current part is over: the next line starts another. */
void prom_merger_next_part(struct prom_merger *m);
/* Writes every family to f and frees m.  0, or -EIO when a family's
 * lines could not be kept (they are missing from f). */
int prom_merger_finish(struct prom_merger *m, FILE *f);

/* One label, name="value" (escaped), after a comma unless first. */
void prom_label(FILE *f, const char *name, const char *value, bool first);
/* A gauge family's HELP and TYPE lines. */
void prom_family(FILE *f, const char *name, const char *help);

#endif
