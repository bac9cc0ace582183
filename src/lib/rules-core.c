/*
 * The core rules: the keys every host has, judged alone or against a
 * profile, and the generic safe-range rules for keys no other rule owns.
 */
#include "config.h"

#include <stdio.h>

#include "census.h"
#include "nat.h"
#include "rules-internal.h"

static const char *
nat_decl_words(const struct tt_rule_input *in)
{
	if (in->prof == NULL)
		return "no profile declares whether clients come through NAT";
	switch (in->prof->nat) {
	case TT_NAT_YES:
		return "the profile declares nat = yes";
	case TT_NAT_NO:
		return "the profile declares nat = no";
	case TT_NAT_AUTO:
		break;
	}
	return "the profile leaves nat = auto";
}

/* The declaration and, when gathered, the evidence's verdict.  The buffer
 * is static: a rule uses the words at once, and rules run one at a time. */
static const char *
nat_words(const struct tt_rule_input *in)
{
	static char buf[160];
	const struct tt_nat *nat = in->snap->nat;

	if (nat == NULL)
		return nat_decl_words(in);
	snprintf(buf, sizeof(buf), "%s; NAT evidence: %s", nat_decl_words(in),
	    tt_nat_verdict_name(nat->verdict));
	return buf;
}

/* --- the rules --------------------------------------------------------- */

static void
rule_tw_recycle_enabled(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_val *v = tt_rule_current(in, TT_K_TW_RECYCLE);
	struct tt_finding *f;
	bool nat;

	if (v == NULL || v->v[0] == 0)
		return;
	nat = tt_rule_nat_likely(in);
	f = tt_finding_add(out, nat ? TT_SEV_CRITICAL : TT_SEV_WARN, "tcp_tw_recycle");
	tt_finding_key(f, TT_K_TW_RECYCLE);
	TT_SAY(
	    f->message, "tcp_tw_recycle is on: SYNs from clients behind NAT are dropped silently");
	TT_SAY(f->evidence, "net.ipv4.tcp_tw_recycle = %lld on kernel %s; %s", v->v[0],
	    in->snap->kernel[0] ? in->snap->kernel : "(unknown)", nat_words(in));
	TT_SAY(f->advice,
	    "Set net.ipv4.tcp_tw_recycle = 0 now and remove it from sysctl.conf; "
	    "use tcp_tw_reuse = 1 with tcp_timestamps = 1 for outgoing churn.");
}

static void
rule_tw_recycle_requested(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_val *t = tt_rule_target(in, TT_K_TW_RECYCLE);
	struct tt_finding *f;
	bool nat;

	/* On a kernel without the key, profile_key_absent says so. */
	if (t == NULL || t->v[0] == 0 || tt_rule_current(in, TT_K_TW_RECYCLE) == NULL)
		return;
	nat = tt_rule_nat_likely(in);
	f = tt_finding_add(out, nat ? TT_SEV_CRITICAL : TT_SEV_WARN, "tcp_tw_recycle");
	tt_finding_key(f, TT_K_TW_RECYCLE);
	TT_SAY(f->message, "the profile asks for tcp_tw_recycle = 1%s",
	    nat ? " behind NAT: clients would be dropped silently" : "");
	TT_SAY(f->evidence, "%s line %d sets net.ipv4.tcp_tw_recycle = 1; %s", in->prof->path,
	    in->prof->sysctl[TT_K_TW_RECYCLE].line, nat_words(in));
	TT_SAY(f->advice,
	    "Remove it from the profile; tcptune apply refuses it unless the "
	    "profile says nat = no and nothing shows NAT.");
}

static void
rule_tw_reuse_without_timestamps(const struct tt_rule_input *in, struct tt_findings *out)
{
	const char *rf, *tf;
	const struct tt_val *reuse = tt_rule_effective(in, TT_K_TW_REUSE, &rf);
	const struct tt_val *ts = tt_rule_effective(in, TT_K_TIMESTAMPS, &tf);
	struct tt_finding *f;

	if (reuse == NULL || ts == NULL || reuse->v[0] == 0 || ts->v[0] != 0)
		return;
	f = tt_finding_add(out, TT_SEV_WARN, "tcp_tw_reuse");
	tt_finding_key(f, TT_K_TW_REUSE);
	tt_finding_key(f, TT_K_TIMESTAMPS);
	TT_SAY(f->message, "tcp_tw_reuse has no effect while tcp_timestamps is 0");
	TT_SAY(
	    f->evidence, "tcp_tw_reuse = %lld (%s), tcp_timestamps = 0 (%s)", reuse->v[0], rf, tf);
	TT_SAY(f->advice,
	    "Set net.ipv4.tcp_timestamps = 1; reuse of a TIME_WAIT port needs "
	    "the timestamps of the old connection.");
}

static void
rule_timestamps_off(const struct tt_rule_input *in, struct tt_findings *out)
{
	const char *from;
	const struct tt_val *ts = tt_rule_effective(in, TT_K_TIMESTAMPS, &from);
	struct tt_finding *f;

	if (ts == NULL || ts->v[0] != 0)
		return;
	f = tt_finding_add(out, TT_SEV_WARN, "tcp_timestamps");
	tt_finding_key(f, TT_K_TIMESTAMPS);
	TT_SAY(f->message, "TCP timestamps are off: PAWS protection and tcp_tw_reuse are lost");
	TT_SAY(f->evidence, "tcp_timestamps = 0 (%s)", from);
	TT_SAY(f->advice,
	    "Set net.ipv4.tcp_timestamps = 1. Turning timestamps off was folk "
	    "advice against tcp_tw_recycle trouble; remove tw_recycle instead.");
}

/* On an idle connection whose peer answers, keepalive packets cross a
 * middlebox every max(keepalive_time, keepalive_intvl) seconds: after a
 * probe the timer re-arms at the interval, and a probe goes out only once
 * the connection has been idle for keepalive_time. */
static long long
keepalive_period(const struct tt_val *t, const struct tt_val *i)
{
	return i != NULL && i->v[0] > t->v[0] ? i->v[0] : t->v[0];
}

/* The idle timeout keepalive must beat: the threshold, or this host's own
 * conntrack established timeout where conntrack tracks connections here
 * and forgets them sooner.  *ct says which. */
static long long
nat_idle(const struct tt_rule_input *in, bool *ct)
{
	const struct tt_nat *nat = in->snap->nat;
	long long idle = in->thr->nat_idle_timeout;

	*ct = nat != NULL && nat->ct_est_timeout >= 0 && nat->ct_total > 0 &&
	    nat->ct_est_timeout < idle;
	return *ct ? nat->ct_est_timeout : idle;
}

/* The census's side: connections beyond the NAT, their timers, owners. */
static void
keepalive_far_evidence(const struct tt_census *c, long long idle, struct tt_finding *f)
{
	uint64_t late = tt_census_far_later_than(c, (uint64_t)idle * 1000);

	ADD(f->evidence,
	    "; ESTABLISHED to public addresses: %llu, %llu with keepalive, %llu of them with "
	    "a timer over %lld s (longest %u s)",
	    (unsigned long long)c->est_far, (unsigned long long)c->est_far_keepalive,
	    (unsigned long long)late, idle, c->est_far_timer_max_ms / 1000);
	for (size_t i = 0; tt_census_owners_of(c, TT_CI_FAR) && i < c->nfar_owner && i < 4; i++)
		ADD(f->evidence, "%s pid %d (%s) to port %u: %llu, timer up to %u s",
		    i ? "," : "; held by", c->far_owner[i].pid, c->far_owner[i].comm,
		    c->far_owner[i].port, (unsigned long long)c->far_owner[i].count,
		    c->far_owner[i].age.oldest_ms / 1000);
}

static void
keepalive_nat_say(const struct tt_rule_input *in, long long idle, bool ct, struct tt_finding *f)
{
	const char *f1, *f2, *f3;
	const struct tt_val *t = tt_rule_effective(in, TT_K_KEEPALIVE_TIME, &f1);
	const struct tt_val *i = tt_rule_effective(in, TT_K_KEEPALIVE_INTVL, &f2);
	const struct tt_val *p = tt_rule_effective(in, TT_K_KEEPALIVE_PROBES, &f3);
	const struct tt_census *c = in->snap->census;
	long long period = keepalive_period(t, i);

	if (period >= idle)
		TT_SAY(f->message,
		    "keepalive packets cross the NAT every %lld s on an idle connection, after its "
		    "idle timeout of %lld s: idle connections are forgotten before they are probed",
		    period, idle);
	else
		TT_SAY(f->message,
		    "connections beyond the NAT still run keepalive timers longer than its idle "
		    "timeout of %lld s: they are forgotten before their next probe",
		    idle);
	TT_SAY(f->evidence, "tcp_keepalive_time = %lld s (%s)", t->v[0], f1);
	if (i != NULL)
		ADD(f->evidence,
		    ", tcp_keepalive_intvl = %lld s (%s): a probe every max of the two = %lld s",
		    i->v[0], f2, period);
	ADD(f->evidence, "; nat_idle_timeout = %lld s", in->thr->nat_idle_timeout);
	if (ct)
		ADD(f->evidence,
		    ", conntrack here forgets after %lld s (nf_conntrack_tcp_timeout_established)",
		    idle);
	if (i != NULL && p != NULL)
		ADD(f->evidence, "; dead-peer detection takes %lld + %lld x %lld = %lld s", t->v[0],
		    i->v[0], p->v[0], t->v[0] + i->v[0] * p->v[0]);
	if (c != NULL)
		keepalive_far_evidence(c, idle, f);
	ADD(f->evidence, "; %s", nat_words(in));
}

static void
rule_keepalive_nat_idle(const struct tt_rule_input *in, struct tt_findings *out)
{
	const char *from;
	const struct tt_val *t = tt_rule_effective(in, TT_K_KEEPALIVE_TIME, &from);
	const struct tt_val *i = tt_rule_effective(in, TT_K_KEEPALIVE_INTVL, &from);
	const struct tt_census *c = in->snap->census;
	const struct tt_nat *nat = in->snap->nat;
	bool ct, declared = in->prof != NULL && in->prof->nat == TT_NAT_YES;
	long long idle = nat_idle(in, &ct), want;
	uint64_t late = 0;
	struct tt_finding *f;

	if (!tt_rule_nat_likely(in) || t == NULL)
		return;
	/* A router's own keepalive does nothing for the flows it forwards. */
	if (nat != NULL && nat->verdict == TT_NATV_TRANSLATES && !declared)
		return;
	/* With a census, only connections that can go idle across the NAT
	 * with keepalive on count: none, nothing to warn about. */
	if (c != NULL && c->est_far_keepalive == 0)
		return;
	if (c != NULL)
		late = tt_census_far_later_than(c, (uint64_t)idle * 1000);
	if (keepalive_period(t, i) < idle && late == 0)
		return;
	f = tt_finding_add(
	    out, c != NULL || declared ? TT_SEV_WARN : TT_SEV_INFO, "tcp_keepalive_time");
	tt_finding_key(f, TT_K_KEEPALIVE_TIME);
	tt_finding_key(f, TT_K_KEEPALIVE_INTVL);
	tt_finding_key(f, TT_K_KEEPALIVE_PROBES);
	keepalive_nat_say(in, idle, ct, f);
	want = idle > 120 ? idle / 2 : idle - 10 > 10 ? idle - 10 : 10;
	TT_SAY(f->advice,
	    "Set net.ipv4.tcp_keepalive_time and tcp_keepalive_intvl both below %lld (e.g. "
	    "%lld) so probes keep the NAT entry alive; applications must still enable "
	    "SO_KEEPALIVE.",
	    idle, want);
	if (c != NULL && c->est_far_keepalive > 0)
		ADD(f->advice,
		    " Connections open now keep their timers and pick a lowered value up only "
		    "when those fire, within %u s (the longest now); restart them to have it at "
		    "once.",
		    c->est_far_timer_max_ms / 1000);
	else if (c == NULL)
		ADD(f->advice,
		    " No socket census was taken: whether any connection crosses the NAT is "
		    "unknown.");
}

static void
rule_profile_mismatch(const struct tt_rule_input *in, struct tt_findings *out)
{
	if (in->prof == NULL)
		return;
	for (int k = 0; k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *t = tt_rule_target(in, (enum tt_key_id)k);
		const struct tt_reading *r = &in->snap->sysctl[k];
		char tb[TT_VAL_STRLEN], cb[TT_VAL_STRLEN];
		struct tt_finding *f;

		if (t == NULL || r->state == TT_ST_ABSENT)
			continue;
		if (r->state == TT_ST_OK && tt_val_eq(&r->val, t))
			continue;
		f = tt_finding_add(
		    out, r->state == TT_ST_OK ? TT_SEV_WARN : TT_SEV_INFO, tt_key_short(key));
		tt_finding_key(f, (enum tt_key_id)k);
		tt_val_format(t, tb, sizeof(tb));
		if (r->state == TT_ST_OK) {
			TT_SAY(f->message, "%s differs from the profile", key->name);
			TT_SAY(f->evidence, "current %s, profile %s (%s line %d)",
			    tt_val_format(&r->val, cb, sizeof(cb)), tb, in->prof->path,
			    in->prof->sysctl[k].line);
			if (in->pod)
				TT_SAY(f->advice,
				    "A value applied in this pod's namespace is lost when the pod is "
				    "restarted or replaced, which starts from the kernel's defaults. "
				    "What survives is the pod spec: `tcptune export %s` writes its "
				    "securityContext.sysctls; keys a pod cannot set belong on the "
				    "node.",
				    in->prof->path);
			else
				TT_SAY(f->advice,
				    "Run `tcptune plan %s` to see the change, then apply it.",
				    in->prof->path);
		} else {
			TT_SAY(f->message, "%s could not be compared with the profile", key->name);
			TT_SAY(f->evidence, "current value %s, profile %s", tt_state_name(r->state),
			    tb);
			TT_SAY(f->advice, "Run tcptune as root to read it.");
		}
	}
}

/* tt_key_absent_why() in a few words, for evidence. */
static const char *const absent_words[] = {
	[TT_ABSENT_REMOVED] = "removed from Linux",
	[TT_ABSENT_HOST_ONLY] = "only the initial network namespace has it",
	[TT_ABSENT_VENDOR] = "vendor kernels only",
	[TT_ABSENT_NEWER] = "newer kernels only",
	[TT_ABSENT_UNKNOWN] = "not on this kernel",
};

static void
rule_profile_key_absent(const struct tt_rule_input *in, struct tt_findings *out)
{
	if (in->prof == NULL)
		return;
	for (int k = 0; k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		struct tt_finding *f;
		const char *why;
		char kv[16];

		if (tt_rule_target(in, (enum tt_key_id)k) == NULL ||
		    in->snap->sysctl[k].state != TT_ST_ABSENT || in->prof->sysctl[k].optional)
			continue;
		why = absent_words[tt_key_absent_why(key)];
		f = tt_finding_add(out, TT_SEV_WARN, tt_key_short(key));
		tt_finding_key(f, (enum tt_key_id)k);
		TT_SAY(
		    f->message, "the profile sets %s, which this kernel does not have", key->name);
		if (key->removed != 0)
			TT_SAY(f->evidence, "%s line %d; %s in %s; kernel %s", in->prof->path,
			    in->prof->sysctl[k].line, why,
			    tt_kv_format(key->removed, kv, sizeof(kv)), in->snap->kernel);
		else
			TT_SAY(f->evidence, "%s line %d; %s; kernel %s", in->prof->path,
			    in->prof->sysctl[k].line, why, in->snap->kernel);
		TT_SAY(f->advice,
		    "Remove it from the profile (apply refuses it); "
		    "`tcptune explain %s` tells more.",
		    tt_key_short(key));
	}
}

/* A safe value with a caution (a port range of one parity): a warning,
 * never a refusal. */
static void
caution_finding(const struct tt_rule_input *in, struct tt_findings *out, enum tt_key_id k,
    const struct tt_val *v, bool profile)
{
	const struct tt_key *key = tt_key_get(k);
	char why[256], vb[TT_VAL_STRLEN];
	struct tt_finding *f;

	if (tt_key_caution(key, v, why, sizeof(why)) == 0)
		return;
	f = tt_finding_add(out, TT_SEV_WARN, tt_key_short(key));
	tt_finding_key(f, k);
	tt_val_format(v, vb, sizeof(vb));
	if (profile) {
		TT_SAY(
		    f->message, "the profile sets %s = %s, ends of the same parity", key->name, vb);
		TT_SAY(
		    f->evidence, "%s line %d: %s", in->prof->path, in->prof->sysctl[k].line, why);
	} else {
		TT_SAY(f->message, "%s = %s has ends of the same parity", key->name, vb);
		TT_SAY(f->evidence, "%s", why);
	}
	TT_SAY(f->advice,
	    "Nothing fails: plan and apply write it, and so does the boot unit. Make one end odd "
	    "and the other even to balance the ports of connect() and bind().");
}

static void
bounds_finding(const struct tt_rule_input *in, struct tt_findings *out, bool profile)
{
	for (int k = 0; k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *v = profile ? tt_rule_target(in, (enum tt_key_id)k) :
						   tt_rule_current(in, (enum tt_key_id)k);
		char why[160], vb[TT_VAL_STRLEN];
		struct tt_finding *f;

		if (v == NULL || tt_rule_key_owned((enum tt_key_id)k))
			continue;
		if (tt_key_check_safe(key, v, why, sizeof(why)) == 0) {
			caution_finding(in, out, (enum tt_key_id)k, v, profile);
			continue;
		}
		f = tt_finding_add(out, TT_SEV_WARN, tt_key_short(key));
		tt_finding_key(f, (enum tt_key_id)k);
		tt_val_format(v, vb, sizeof(vb));
		if (profile) {
			TT_SAY(f->message, "the profile sets %s = %s, outside tcptune's safe range",
			    key->name, vb);
			TT_SAY(f->evidence, "%s line %d: %s", in->prof->path,
			    in->prof->sysctl[k].line, why);
			TT_SAY(f->advice, "apply refuses it. %s", key->risks);
		} else {
			TT_SAY(
			    f->message, "%s = %s is outside tcptune's safe range", key->name, vb);
			TT_SAY(f->evidence, "%s", why);
			TT_SAY(f->advice, "%s %s", key->risks, key->advice);
		}
	}
}

static void
rule_unsafe_value(const struct tt_rule_input *in, struct tt_findings *out)
{
	bounds_finding(in, out, false);
}

static void
rule_profile_unsafe_value(const struct tt_rule_input *in, struct tt_findings *out)
{
	if (in->prof != NULL)
		bounds_finding(in, out, true);
}

const struct tt_rule tt_rules_core[] = {
	{ .id = "tw_recycle_enabled",
	    .fn = rule_tw_recycle_enabled,
	    .ok_message = "tcp_tw_recycle is off or absent",
	    OWNS(TT_K_TW_RECYCLE) },
	{ .id = "tw_recycle_requested",
	    .fn = rule_tw_recycle_requested,
	    .ok_message = "the profile does not ask for tcp_tw_recycle",
	    OWNS_NONE,
	    .needs_profile = true },
	{ .id = "timestamps_off",
	    .fn = rule_timestamps_off,
	    .ok_message = "TCP timestamps are on",
	    OWNS(TT_K_TIMESTAMPS),
	    .weighs_profile = true },
	{ .id = "tw_reuse_without_timestamps",
	    .fn = rule_tw_reuse_without_timestamps,
	    .ok_message = "tcp_tw_reuse can work (timestamps on, or reuse off)",
	    OWNS_NONE,
	    .weighs_profile = true },
	{ .id = "keepalive_exceeds_nat_idle",
	    .fn = rule_keepalive_nat_idle,
	    .ok_message = "keepalive probes start before a NAT idle timeout, or no NAT",
	    OWNS_NONE,
	    .weighs_profile = true },
	{ .id = "unsafe_value",
	    .fn = rule_unsafe_value,
	    .ok_message = "every value is within tcptune's safe ranges",
	    OWNS_NONE },
	{ .id = "profile_unsafe_value",
	    .harm = TT_HARM_DRIFT,
	    .fn = rule_profile_unsafe_value,
	    .ok_message = "the profile's values are within the safe ranges",
	    OWNS_NONE,
	    .needs_profile = true },
	{ .id = "profile_key_absent",
	    .harm = TT_HARM_DRIFT,
	    .fn = rule_profile_key_absent,
	    .ok_message = "every key the profile sets exists here",
	    OWNS_NONE,
	    .needs_profile = true },
	{ .id = "profile_mismatch",
	    .harm = TT_HARM_DRIFT,
	    .fn = rule_profile_mismatch,
	    .ok_message = "the host matches the profile",
	    OWNS_NONE,
	    .needs_profile = true },
};
const size_t tt_rules_core_n = sizeof(tt_rules_core) / sizeof(tt_rules_core[0]);
