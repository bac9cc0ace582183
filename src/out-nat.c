/*
 * The NAT part of `tcptune check`: the verdict with its evidence in text
 * and JSON.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/nat.h"
#include "lib/rules.h"
#include "out-nat.h"

/* Where the declaration and the evidence disagree, in words; NULL if not. */
static const char *
disagreement(const struct tt_nat *nat, const struct tt_profile *prof)
{
	if (prof == NULL)
		return NULL;
	if (prof->nat == TT_NAT_NO &&
	    (nat->verdict == TT_NATV_TRANSLATES || nat->verdict == TT_NATV_BEHIND))
		return "the profile says nat = no, the evidence says NAT: NAT wins";
	if (prof->nat == TT_NAT_YES && nat->verdict == TT_NATV_NONE)
		return "the profile says nat = yes, the evidence shows none: the "
		       "declaration wins";
	return NULL;
}

void
out_nat_text(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	const struct tt_nat *nat = snap->nat;
	const char *dis;

	if (nat == NULL)
		return;
	fprintf(f,
	    "\nNAT\n  verdict:  %s (declared: %s; NAT in play for safety "
	    "decisions: %s)\n",
	    tt_nat_verdict_name(nat->verdict), prof ? tt_nat_decl_name(prof->nat) : "no profile",
	    tt_nat_answer_name(tt_nat_answer(snap, prof)));
	dis = disagreement(nat, prof);
	if (dis != NULL)
		fprintf(f, "  conflict: %s\n", dis);
	fputs("  sources: ", f);
	for (int s = 0; s < TT_NATSRC__COUNT; s++)
		fprintf(f, " %s %s%s", tt_nat_source_name((enum tt_nat_source)s),
		    tt_nat_source_state_name(nat->source[s]),
		    s + 1 < TT_NATSRC__COUNT ? "," : "\n");
	/* The reasons first: what points to NAT, strongest first; then what
	 * could not be seen; then what shows no NAT; context last. */
	for (int rank = 0; rank < 4 * 4; rank++) {
		static const enum tt_nat_points order[4][2] = { { TT_NATP_TRANSLATES,
								    TT_NATP_BEHIND },
			{ TT_NATP_UNKNOWN, TT_NATP_UNKNOWN }, { TT_NATP_NO_NAT, TT_NATP_NO_NAT },
			{ TT_NATP_INFO, TT_NATP_INFO } };
		const enum tt_nat_points *want = order[rank / 4];
		enum tt_nat_strength strength = (enum tt_nat_strength)(TT_NATS_STRONG - rank % 4);

		for (size_t i = 0; i < nat->n; i++) {
			const struct tt_nat_evidence *e = &nat->ev[i];
			char head[64];

			if ((e->points != want[0] && e->points != want[1]) ||
			    e->strength != strength)
				continue;
			snprintf(head, sizeof(head), "  %-6s %-10s %-15s ",
			    tt_nat_strength_name(e->strength), tt_nat_points_name(e->points),
			    tt_nat_kind_name(e->kind));
			fputs(head, f);
			cmd_wrap(f, e->detail, (int)strlen(head), 100);
		}
	}
	if (nat->dropped > 0)
		fprintf(f, "  (%u more items not shown)\n", nat->dropped);
}

void
out_nat_json(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	const struct tt_nat *nat = snap->nat;
	const char *dis;

	if (nat == NULL) {
		json_null(j, "nat");
		return;
	}
	json_obj_begin(j, "nat");
	json_str(j, "verdict", tt_nat_verdict_name(nat->verdict));
	json_str(j, "declared", prof ? tt_nat_decl_name(prof->nat) : NULL);
	json_str(j, "nat_in_play", tt_nat_answer_name(tt_nat_answer(snap, prof)));
	dis = disagreement(nat, prof);
	json_str(j, "conflict", dis);
	json_obj_begin(j, "sources");
	for (int s = 0; s < TT_NATSRC__COUNT; s++)
		json_str(j, tt_nat_source_name((enum tt_nat_source)s),
		    tt_nat_source_state_name(nat->source[s]));
	json_obj_end(j);
	if (nat->source[TT_NATSRC_CONNTRACK] == TT_NATSS_OK) {
		json_obj_begin(j, "conntrack");
		json_int(j, "total", (long long)nat->ct_total);
		json_int(j, "snat", (long long)nat->ct_snat);
		json_int(j, "dnat", (long long)nat->ct_dnat);
		json_int(j, "read", (long long)nat->ct_read);
		json_bool(j, "lower_bound", nat->ct_lower_bound);
		json_obj_end(j);
	} else {
		json_null(j, "conntrack");
	}
	json_arr_begin(j, "evidence");
	for (size_t i = 0; i < nat->n; i++) {
		const struct tt_nat_evidence *e = &nat->ev[i];

		json_obj_begin(j, NULL);
		json_str(j, "kind", tt_nat_kind_name(e->kind));
		json_str(j, "detail", e->detail);
		json_str(j, "strength", tt_nat_strength_name(e->strength));
		json_str(j, "points", tt_nat_points_name(e->points));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_int(j, "dropped", nat->dropped);
	json_obj_end(j);
}
