/*
 * Rules about NAT itself: the profile's declaration against the evidence,
 * and what a host that translates for others should know about TIME_WAIT
 * reuse and timestamps.  The rules that merely depend on NAT (tw_recycle,
 * keepalive) ask tt_nat_answer() and live with the keys they judge.
 */
#include "config.h"

#include <stdio.h>

#include "nat.h"
#include "rules-internal.h"

/* The first item that points the way the verdict went, for evidence. */
static const char *
reason(const struct tt_nat *nat)
{
	enum tt_nat_points want = nat->verdict == TT_NATV_TRANSLATES ? TT_NATP_TRANSLATES :
	    nat->verdict == TT_NATV_BEHIND                           ? TT_NATP_BEHIND :
								       TT_NATP_NO_NAT;
	const struct tt_nat_evidence *best = NULL;

	for (size_t i = 0; i < nat->n; i++)
		if (nat->ev[i].points == want &&
		    (best == NULL || nat->ev[i].strength > best->strength))
			best = &nat->ev[i];
	return best ? best->detail : "no item";
}

static void
rule_nat_declaration(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_nat *nat = in->snap->nat;
	struct tt_finding *f;

	if (in->prof == NULL || nat == NULL || in->prof->nat == TT_NAT_AUTO)
		return;
	if (in->prof->nat == TT_NAT_NO &&
	    (nat->verdict == TT_NATV_TRANSLATES || nat->verdict == TT_NATV_BEHIND)) {
		f = tt_finding_add(out, TT_SEV_WARN, NULL);
		TT_SAY(f->message, "the profile declares nat = no, but the evidence says %s",
		    tt_nat_verdict_name(nat->verdict));
		TT_SAY(f->evidence, "%s: nat = no; %s", in->prof->path, reason(nat));
		TT_SAY(f->advice,
		    "tcptune treats NAT as in play, so settings unsafe behind NAT stay "
		    "refused. Set nat = yes or auto in the profile if the evidence is "
		    "right.");
	} else if (in->prof->nat == TT_NAT_YES && nat->verdict == TT_NATV_NONE) {
		f = tt_finding_add(out, TT_SEV_INFO, NULL);
		TT_SAY(f->message,
		    "the profile declares nat = yes, but nothing on this host shows NAT");
		TT_SAY(f->evidence, "%s: nat = yes; %s", in->prof->path, reason(nat));
		TT_SAY(f->advice,
		    "Nothing to do if clients reach this host through a NAT elsewhere "
		    "(no host can see that); the declaration keeps NAT-safe choices.");
	}
}

static void
rule_nat_translator(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_nat *nat = in->snap->nat;
	const struct tt_val *reuse = tt_snapshot_value(in->snap, TT_K_TW_REUSE);
	const struct tt_val *ts = tt_snapshot_value(in->snap, TT_K_TIMESTAMPS);
	struct tt_finding *f;

	if (nat == NULL || nat->verdict != TT_NATV_TRANSLATES)
		return;
	f = tt_finding_add(out, TT_SEV_INFO, "tcp_tw_reuse");
	tt_finding_key(f, TT_K_TW_REUSE);
	tt_finding_key(f, TT_K_TIMESTAMPS);
	TT_SAY(f->message,
	    "this host translates addresses for others: its TIME_WAIT and timestamp "
	    "keys govern only its own connections");
	TT_SAY(f->evidence,
	    "%s; tcp_tw_reuse = %lld, "
	    "tcp_timestamps = %lld",
	    reason(nat), reuse ? reuse->v[0] : -1LL, ts ? ts->v[0] : -1LL);
	TT_SAY(f->advice,
	    "Translated connections pass through without a local socket, so "
	    "tcp_tw_reuse and tcp_timestamps here change nothing for them. Keep "
	    "timestamps on: the clients behind this NAT share its address, and "
	    "servers they reach must never run tcp_tw_recycle.");
}

const struct tt_rule tt_rules_nat[] = {
	{ .id = "nat_declaration_conflict",
	    .fn = rule_nat_declaration,
	    .ok_message = "the profile's nat declaration agrees with the evidence",
	    OWNS_NONE,
	    .needs_profile = true },
	{ .id = "nat_translating_host",
	    .fn = rule_nat_translator,
	    .ok_message = "no evidence that this host translates addresses for others",
	    OWNS_NONE },
};
const size_t tt_rules_nat_n = sizeof(tt_rules_nat) / sizeof(tt_rules_nat[0]);
