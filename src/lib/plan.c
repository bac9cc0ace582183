#include "config.h"

#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "strtab.h"

TT_STRTAB(tt_plan_action, enum tt_plan_action,
    "refuse", [TT_PLAN_WRITE] = "write", [TT_PLAN_KEEP] = "keep", [TT_PLAN_REFUSE] = "refuse")

/* Why a key the profile sets has no file here. */
static void
absent_reason(const struct tt_snapshot *snap, const struct tt_key *k, char *why, size_t len)
{
	const char *kernel = snap->kernel[0] ? snap->kernel : "unknown";
	enum tt_absent_why w = tt_key_absent_why(k);
	char kv[16];

	/* Outside a child namespace a host-only key is missing from the kernel. */
	if (w == TT_ABSENT_HOST_ONLY && snap->netns != 0)
		w = k->since != 0 ? TT_ABSENT_NEWER : TT_ABSENT_UNKNOWN;
	switch (w) {
	case TT_ABSENT_REMOVED:
		snprintf(why, len,
		    "%s was removed in Linux %s and this kernel (%s) does "
		    "not have it. %s",
		    k->name, tt_kv_format(k->removed, kv, sizeof(kv)), kernel,
		    k->history ? k->history : "");
		break;
	case TT_ABSENT_HOST_ONLY:
		snprintf(why, len,
		    "%s exists only in the host's initial network namespace; "
		    "this is a child namespace (a container?), where it cannot be set",
		    k->name);
		break;
	case TT_ABSENT_VENDOR:
		snprintf(why, len,
		    "%s exists only on some vendor kernels, not on this one "
		    "(%s)",
		    k->name, kernel);
		break;
	case TT_ABSENT_NEWER:
		snprintf(why, len,
		    "%s first appeared in Linux %s; this kernel (%s) does not "
		    "have it",
		    k->name, tt_kv_format(k->since, kv, sizeof(kv)), kernel);
		break;
	case TT_ABSENT_UNKNOWN:
		snprintf(why, len, "this kernel (%s) has no %s", kernel, k->name);
		break;
	}
}

/*
 * tcp_tw_recycle gets its own judgement: turning it on silently drops
 * connections from clients that share an address, so it is only allowed
 * where the profile says nat = no and nothing suggests otherwise.
 */
static bool
refuse_tw_recycle(const struct tt_plan *plan, const struct tt_plan_item *it, char *why, size_t len)
{
	if (it->target.v[0] == 0)
		return false;
	switch (plan->nat) {
	case TT_NATQ_NO:
		return false;
	case TT_NATQ_YES:
		snprintf(why, len,
		    "tcp_tw_recycle=1 is refused because clients may reach "
		    "this host through NAT (declared by the profile or seen on the host). "
		    "Clients behind one address each have their own timestamp clock; "
		    "recycling drops the SYNs of those whose clock seems older, silently "
		    "and only for some of them. This refusal cannot be overridden.");
		return true;
	case TT_NATQ_UNKNOWN:
		break;
	}
	snprintf(why, len,
	    "tcp_tw_recycle=1 is refused because nothing shows that "
	    "clients do not come through NAT (the profile says nat = auto and there "
	    "is no evidence either way). Behind NAT, recycling silently drops the SYNs "
	    "of some clients. Only a profile declaring nat = no, with no sign of NAT "
	    "on the host, may turn it on; nothing else overrides this.");
	return true;
}

void
tt_plan_make(const struct tt_snapshot *snap, const struct tt_profile *prof, struct tt_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->nat = tt_nat_answer(snap, prof);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_reading *r = &snap->sysctl[i];
		struct tt_plan_item *it;
		char why[256];

		if (!prof->sysctl[i].set)
			continue;
		/* "-key" (sysctl.d): nothing to do where the kernel lacks it. */
		if (prof->sysctl[i].optional && r->state == TT_ST_ABSENT)
			continue;
		it = &plan->items[plan->n++];
		it->id = (enum tt_key_id)i;
		it->target = prof->sysctl[i].val;
		it->line = prof->sysctl[i].line;
		if (r->state == TT_ST_OK)
			it->current = r->val;
		it->action = TT_PLAN_REFUSE;

		/* A fixture or odd kernel that still shows a removed key: the
		 * release decides, as it does for the kernel. */
		if (r->state == TT_ST_ABSENT || (k->removed != 0 && snap->kv >= k->removed)) {
			absent_reason(snap, k, it->why, sizeof(it->why));
		} else if (r->state != TT_ST_OK) {
			snprintf(it->why, sizeof(it->why),
			    "the current value of %s cannot be "
			    "read (%s), so it could not be restored: refused",
			    k->name, tt_state_name(r->state));
		} else if (tt_key_check_safe(k, &it->target, why, sizeof(why)) < 0) {
			snprintf(it->why, sizeof(it->why), "%s: %s", k->name, why);
		} else if (it->id == TT_K_TW_RECYCLE &&
		    refuse_tw_recycle(plan, it, it->why, sizeof(it->why))) {
			/* it->why is set */
		} else if (tt_val_eq(&it->current, &it->target)) {
			it->action = TT_PLAN_KEEP;
			snprintf(it->why, sizeof(it->why), "%s",
			    prof->sysctl[i].note[0] ? prof->sysctl[i].note :
						      "already at the target");
		} else {
			it->action = TT_PLAN_WRITE;
			if (prof->sysctl[i].note[0]) /* tuned's >N or <N */
				snprintf(it->why, sizeof(it->why), "%s line %d: %s",
				    tt_setting_file(prof, &prof->sysctl[i]), it->line,
				    prof->sysctl[i].note);
			else if (prof->sysctl[i].file > 0) /* from a tuned include */
				snprintf(it->why, sizeof(it->why), "%s line %d: %s",
				    tt_setting_file(prof, &prof->sysctl[i]), it->line,
				    k->summary ? k->summary : k->name);
			else
				snprintf(it->why, sizeof(it->why), "profile line %d: %s", it->line,
				    k->summary ? k->summary : k->name);
		}
		if (it->action != TT_PLAN_REFUSE &&
		    tt_key_caution(k, &it->target, why, sizeof(why)) < 0)
			snprintf(it->caution, sizeof(it->caution), "%s", why);
		switch (it->action) {
		case TT_PLAN_WRITE:
			plan->nwrite++;
			break;
		case TT_PLAN_KEEP:
			plan->nkeep++;
			break;
		case TT_PLAN_REFUSE:
			plan->nrefuse++;
			break;
		}
	}
}
