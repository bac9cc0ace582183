/* The NAT part of reports: the verdict and the evidence behind it. */
#ifndef TCPTUNE_OUT_NAT_H
#define TCPTUNE_OUT_NAT_H

#include <stdio.h>

#include "json.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

/* A "NAT" section for the text report; nothing when NAT was not gathered. */
void out_nat_text(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* The "nat" member of a JSON report (null when not gathered). */
void out_nat_json(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);

#endif
