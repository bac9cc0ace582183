/*
 * The socket census in check's report: gathering it for the front end,
 * and showing it as text or JSON.
 */
#ifndef TCPTUNE_OUT_CENSUS_H
#define TCPTUNE_OUT_CENSUS_H

#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "lib/census.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

/*
 * Counts the sockets of this network namespace and hangs the census on
 * snap.  Skipped (NULL) when the proc root is not the live /proc, since
 * the sockets would then not belong to the tree being audited.  A failed
 * dump is reported and the audit goes on without it.  Free with free(3).
 */
struct tt_census *
out_census_gather(struct cmd_env *env, struct tt_snapshot *snap, const struct tt_thresholds *thr);

void out_census_text(FILE *f, const struct tt_census *c);
/* Adds "census", "sockets", "top_destinations", "close_wait_owners" and
 * "counters" to the current object (null when c is NULL). */
void out_census_json(struct json *j, const struct tt_census *c);

#endif
