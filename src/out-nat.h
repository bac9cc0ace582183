/* The NAT part of reports: the verdict and the evidence behind it. */
#ifndef TCPTUNE_OUT_NAT_H
#define TCPTUNE_OUT_NAT_H

#include <stdio.h>

#include "json.h"
#include "lib/ctx.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

/*
 * Gathers NAT evidence into a new object for snap->nat.  Returns NULL (and
 * says why on standard error) only when out of memory: a source that cannot
 * be read is evidence, not an error.  Free with out_nat_free().
 */
struct tt_nat *out_nat_gather(const struct tt_ctx *ctx);
void out_nat_free(const struct tt_nat *nat);

/* A "NAT" section for the text report; nothing when NAT was not gathered. */
void out_nat_text(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* The "nat" member of a JSON report (null when not gathered). */
void out_nat_json(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);

#endif
