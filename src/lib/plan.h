/*
 * The plan: the writes a profile needs on this host, the keys already at
 * their target, and the refusals.  Pure over a snapshot, a profile and the
 * NAT answer, so every refusal is tested without a kernel.
 */
#ifndef TCPTUNE_PLAN_H
#define TCPTUNE_PLAN_H

#include <stdbool.h>

#include "catalog.h"
#include "profile.h"
#include "rules.h"
#include "snapshot.h"

enum tt_plan_action {
	TT_PLAN_WRITE = 0, /* current differs from the target */
	TT_PLAN_KEEP,      /* already at the target */
	TT_PLAN_REFUSE,    /* not written; why says why */
};

const char *tt_plan_action_name(enum tt_plan_action v);
int tt_plan_action_from_name(const char *s);

struct tt_plan_item {
	enum tt_key_id id;
	enum tt_plan_action action;
	struct tt_val current; /* n == 0 when it could not be read */
	struct tt_val target;
	int line;      /* in the profile */
	char why[512]; /* the reason for a write or a refusal */
	/* A caution about a value written or kept (tt_key_caution()), or "" */
	char caution[256];
};

struct tt_plan {
	enum tt_nat_answer nat;
	int n, nwrite, nkeep, nrefuse;
	struct tt_plan_item items[TT_K__COUNT]; /* in catalog order */
};

/*
 * Fills plan with one item for each key the profile sets.  Never fails:
 * everything that stands in the way of a write is a refusal in the plan.
 */
void
tt_plan_make(const struct tt_snapshot *snap, const struct tt_profile *prof, struct tt_plan *plan);

#endif
