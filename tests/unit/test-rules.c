/* Every rule on hand-made snapshots and profiles: no I/O involved. */
#include "config.h"

#include "testutil.h"
#include "lib/journal.h"
#include "lib/nat.h"
#include "lib/rules.h"

/* A 6.18 host at kernel defaults (or 4.9 with tw_recycle present). */
/* A host on release kv with every key at its default. */
static void
host(struct tt_snapshot *s, unsigned kv)
{
	char kernel[32];

	snprintf(kernel, sizeof(kernel), "%u.%u.0-test", kv >> 16, (kv >> 8) & 0xff);
	test_snapshot(s, kv, 1, kernel);
}

static void
set(struct tt_snapshot *s, enum tt_key_id k, long long v)
{
	s->sysctl[k].state = TT_ST_OK;
	s->sysctl[k].val = (struct tt_val){ .n = 1, .v = { v } };
}

static void
want(struct tt_profile *p, enum tt_key_id k, long long v, int line)
{
	p->sysctl[k].set = true;
	p->sysctl[k].line = line;
	p->sysctl[k].val = (struct tt_val){ .n = 1, .v = { v } };
}

static struct tt_profile *
profile(enum tt_nat_decl nat)
{
	struct tt_profile *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->path = strdup("test.ini");
	p->nat = nat;
	p->nat_given = true;
	tt_thresholds_default(&p->thr);
	return p;
}

struct result {
	struct tt_findings fs;
	struct tt_thresholds thr;
};

static void
run(struct result *r, const struct tt_snapshot *s, const struct tt_profile *p)
{
	struct tt_rule_input in = { .snap = s, .prof = p, .thr = &r->thr };

	memset(r, 0, sizeof(*r));
	if (p != NULL)
		r->thr = p->thr;
	else
		tt_thresholds_default(&r->thr);
	assert_int_equal(tt_rules_run(&in, &r->fs), 0);
}

/* The finding with this id (the nth one), or NULL. */
static const struct tt_finding *
get(const struct result *r, const char *id, int nth)
{
	for (size_t i = 0; i < r->fs.n; i++)
		if (strcmp(r->fs.v[i].id, id) == 0 && nth-- == 0)
			return &r->fs.v[i];
	return NULL;
}

static enum tt_severity
sev(const struct result *r, const char *id)
{
	const struct tt_finding *f = get(r, id, 0);

	if (f == NULL)
		fail_msg("no finding %s", id);
	return f->sev;
}

static void
defaults_are_clean(void **state)
{
	struct tt_snapshot s;
	struct result r;
	unsigned c[4];

	(void)state;
	host(&s, TT_KV(6, 18));
	run(&r, &s, NULL);
	tt_findings_count(&r.fs, c);
	assert_int_equal(c[TT_SEV_WARN] + c[TT_SEV_CRITICAL] + c[TT_SEV_INFO], 0);
	assert_true(c[TT_SEV_OK] >= 5);
	/* rules about a profile stay silent without one */
	assert_null(get(&r, "profile_mismatch", 0));
	assert_null(get(&r, "tw_recycle_requested", 0));
	assert_int_equal(tt_findings_worst(&r.fs), TT_SEV_OK);
	tt_findings_free(&r.fs);
}

static void
tw_recycle_on(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p;
	struct result r;

	(void)state;
	host(&s, TT_KV(4, 9));
	set(&s, TT_K_TW_RECYCLE, 1);
	run(&r, &s, NULL);
	assert_int_equal(sev(&r, "tw_recycle_enabled"), TT_SEV_WARN);
	tt_findings_free(&r.fs);

	p = profile(TT_NAT_YES);
	run(&r, &s, p);
	assert_int_equal(sev(&r, "tw_recycle_enabled"), TT_SEV_CRITICAL);
	assert_non_null(strstr(get(&r, "tw_recycle_enabled", 0)->evidence, "nat = yes"));
	assert_string_equal(get(&r, "tw_recycle_enabled", 0)->explain, "tcp_tw_recycle");
	/* most severe first */
	assert_string_equal(r.fs.v[0].id, "tw_recycle_enabled");
	tt_findings_free(&r.fs);
	tt_profile_free(p);

	set(&s, TT_K_TW_RECYCLE, 0);
	run(&r, &s, NULL);
	assert_int_equal(sev(&r, "tw_recycle_enabled"), TT_SEV_OK);
	tt_findings_free(&r.fs);
}

static void
tw_recycle_requested(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p = profile(TT_NAT_YES);
	struct result r;

	(void)state;
	want(p, TT_K_TW_RECYCLE, 1, 7);
	host(&s, TT_KV(4, 9));
	run(&r, &s, p);
	assert_int_equal(sev(&r, "tw_recycle_requested"), TT_SEV_CRITICAL);
	assert_non_null(strstr(get(&r, "tw_recycle_requested", 0)->evidence, "line 7"));
	assert_int_equal(tt_findings_worst(&r.fs), TT_SEV_CRITICAL);
	tt_findings_free(&r.fs);

	p->nat = TT_NAT_NO;
	run(&r, &s, p);
	assert_int_equal(sev(&r, "tw_recycle_requested"), TT_SEV_WARN);
	tt_findings_free(&r.fs);

	/* on a kernel without the key: absent, said once, as removed */
	host(&s, TT_KV(6, 18));
	run(&r, &s, p);
	assert_int_equal(sev(&r, "tw_recycle_requested"), TT_SEV_OK);
	assert_int_equal(sev(&r, "profile_key_absent"), TT_SEV_WARN);
	assert_non_null(
	    strstr(get(&r, "profile_key_absent", 0)->evidence, "removed from Linux in 4.12"));
	assert_null(get(&r, "profile_mismatch", 1));
	tt_findings_free(&r.fs);
	tt_profile_free(p);
}

static void
timestamps_and_reuse(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p = profile(TT_NAT_AUTO);
	struct result r;

	(void)state;
	host(&s, TT_KV(6, 18));
	set(&s, TT_K_TIMESTAMPS, 0);
	run(&r, &s, NULL);
	assert_int_equal(sev(&r, "timestamps_off"), TT_SEV_WARN);
	/* default tw_reuse 2 (loopback) is reuse too */
	assert_int_equal(sev(&r, "tw_reuse_without_timestamps"), TT_SEV_WARN);
	/* timestamps have a rule of their own: the generic one stays quiet */
	assert_int_equal(sev(&r, "unsafe_value"), TT_SEV_OK);
	tt_findings_free(&r.fs);

	/* the profile fixes timestamps: both findings stay, since the host is
	 * at risk now, and say that the profile fixes them */
	want(p, TT_K_TIMESTAMPS, 1, 3);
	run(&r, &s, p);
	assert_int_equal(sev(&r, "timestamps_off"), TT_SEV_WARN);
	assert_non_null(
	    strstr(get(&r, "timestamps_off", 0)->message, "(warn now; fixed by this profile)"));
	assert_int_equal(sev(&r, "tw_reuse_without_timestamps"), TT_SEV_WARN);
	assert_int_equal(sev(&r, "profile_mismatch"), TT_SEV_WARN);
	tt_findings_free(&r.fs);

	/* reuse off: nothing to lose once the profile is applied */
	p->sysctl[TT_K_TIMESTAMPS].set = false;
	want(p, TT_K_TW_REUSE, 0, 4);
	run(&r, &s, p);
	assert_non_null(strstr(get(&r, "tw_reuse_without_timestamps", 0)->message,
	    "(warn now; fixed by this profile)"));
	assert_int_equal(sev(&r, "timestamps_off"), TT_SEV_WARN);
	assert_non_null(
	    strstr(get(&r, "timestamps_off", 0)->message, "(warn now; warn with this profile)"));
	tt_findings_free(&r.fs);

	/* fine now, the profile would turn timestamps off */
	set(&s, TT_K_TIMESTAMPS, 1);
	p->sysctl[TT_K_TW_REUSE].set = false;
	want(p, TT_K_TIMESTAMPS, 0, 5);
	run(&r, &s, p);
	assert_int_equal(sev(&r, "timestamps_off"), TT_SEV_WARN);
	assert_non_null(
	    strstr(get(&r, "timestamps_off", 0)->message, "(ok now; caused by this profile)"));
	tt_findings_free(&r.fs);
	tt_profile_free(p);
}

static void
keepalive_against_nat_idle(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p = profile(TT_NAT_YES);
	const struct tt_finding *f;
	struct result r;

	(void)state;
	host(&s, TT_KV(6, 18));
	run(&r, &s, p);
	f = get(&r, "keepalive_exceeds_nat_idle", 0);
	assert_int_equal(f->sev, TT_SEV_WARN);
	/* 7200 + 75 x 9 */
	assert_non_null(strstr(f->evidence, "= 7875 s"));
	assert_non_null(strstr(f->evidence, "nat_idle_timeout = 240 s"));
	assert_int_equal(f->nkeys, 3);
	tt_findings_free(&r.fs);

	/* the profile fixes it; the host is at risk until it is applied */
	want(p, TT_K_KEEPALIVE_TIME, 120, 5);
	run(&r, &s, p);
	f = get(&r, "keepalive_exceeds_nat_idle", 0);
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "(warn now; fixed by this profile)"));
	assert_non_null(strstr(f->evidence, "tcp_keepalive_time = 7200 s (current)"));
	tt_findings_free(&r.fs);

	/* the threshold comes from the profile */
	p->thr.nat_idle_timeout = 100;
	run(&r, &s, p);
	assert_int_equal(sev(&r, "keepalive_exceeds_nat_idle"), TT_SEV_WARN);
	tt_findings_free(&r.fs);

	p->nat = TT_NAT_NO;
	p->sysctl[TT_K_KEEPALIVE_TIME].set = false;
	run(&r, &s, p);
	assert_int_equal(sev(&r, "keepalive_exceeds_nat_idle"), TT_SEV_OK);
	tt_findings_free(&r.fs);
	tt_profile_free(p);
}

static void
bounds_and_profile_differences(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p = profile(TT_NAT_AUTO);
	const struct tt_finding *f;
	struct result r;

	(void)state;
	host(&s, TT_KV(6, 18));
	set(&s, TT_K_FIN_TIMEOUT, 2);
	run(&r, &s, NULL);
	f = get(&r, "unsafe_value", 0);
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_int_equal(f->keys[0], TT_K_FIN_TIMEOUT);
	assert_non_null(strstr(f->evidence, "10..300"));
	tt_findings_free(&r.fs);

	want(p, TT_K_FIN_TIMEOUT, 1, 9);
	want(p, TT_K_KEEPALIVE_TIME, 7200, 10); /* equal: no mismatch */
	s.sysctl[TT_K_SOMAXCONN].state = TT_ST_NOPERM;
	want(p, TT_K_SOMAXCONN, 8192, 11);
	run(&r, &s, p);
	f = get(&r, "profile_unsafe_value", 0);
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "test.ini line 9"));
	f = get(&r, "profile_mismatch", 0);
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "current 2, profile 1"));
	f = get(&r, "profile_mismatch", 1);
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->evidence, "not permitted"));
	assert_null(get(&r, "profile_mismatch", 2));
	tt_findings_free(&r.fs);
	tt_profile_free(p);
}

static void
absent_keys_in_a_profile(void **state)
{
	struct tt_snapshot s;
	struct tt_profile *p = profile(TT_NAT_AUTO);
	struct result r;

	(void)state;
	host(&s, TT_KV(6, 18));
	s.sysctl[TT_K_MAX_ORPHANS].state = TT_ST_ABSENT;
	want(p, TT_K_TW_TIMEOUT, 30, 2);
	want(p, TT_K_MAX_ORPHANS, 65536, 3);
	run(&r, &s, p);
	assert_non_null(strstr(get(&r, "profile_key_absent", 0)->evidence, "vendor kernels only"));
	assert_non_null(
	    strstr(get(&r, "profile_key_absent", 1)->evidence, "initial network namespace"));
	tt_findings_free(&r.fs);
	tt_profile_free(p);
}

static void
nat_answer(void **state)
{
	struct tt_snapshot s;
	struct tt_nat nat;
	struct tt_profile *p = profile(TT_NAT_AUTO);

	(void)state;
	host(&s, TT_KV(6, 18));
	assert_int_equal(tt_nat_answer(&s, NULL), TT_NATQ_UNKNOWN);
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_UNKNOWN);
	p->nat = TT_NAT_YES;
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_YES);
	/* nat = no alone is not enough: the evidence must say none. */
	p->nat = TT_NAT_NO;
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_UNKNOWN);
	tt_nat_init(&nat);
	s.nat = &nat;
	nat.verdict = TT_NATV_NONE;
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_NO);
	nat.verdict = TT_NATV_UNKNOWN;
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_UNKNOWN);
	/* Evidence of NAT wins over nat = no. */
	nat.verdict = TT_NATV_BEHIND;
	assert_int_equal(tt_nat_answer(&s, p), TT_NATQ_YES);
	nat.verdict = TT_NATV_TRANSLATES;
	assert_int_equal(tt_nat_answer(&s, NULL), TT_NATQ_YES);
	tt_profile_free(p);
}

/* Each enum's names go both ways through its one table. */
static void
names_both_ways(void **state)
{
	(void)state;
	for (int s = TT_SEV_OK; s <= TT_SEV_CRITICAL; s++)
		assert_int_equal(tt_severity_from_name(tt_severity_name((enum tt_severity)s)), s);
	assert_string_equal(tt_severity_name((enum tt_severity)9), "ok");
	assert_int_equal(tt_state_from_name("not permitted"), TT_ST_NOPERM);
	assert_string_equal(tt_state_name(TT_ST_UNREAD), "not read");
	assert_int_equal(tt_journal_state_from_name("rolling-back"), TT_J_ROLLING_BACK);
	assert_int_equal(tt_journal_state_from_name("rolled-back"), -EINVAL);
	assert_string_equal(tt_journal_state_name((enum tt_journal_state)7), "unknown");
	assert_string_equal(tt_nat_answer_name(TT_NATQ_NO), "no");
	assert_int_equal(tt_nat_verdict_from_name("behind_nat_likely"), TT_NATV_BEHIND);
	assert_int_equal(tt_nat_verdict_from_name(NULL), -EINVAL);
	assert_string_equal(tt_netns_name(0), "child");
	assert_string_equal(tt_netns_name(-1), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_clean),
		cmocka_unit_test(tw_recycle_on),
		cmocka_unit_test(tw_recycle_requested),
		cmocka_unit_test(timestamps_and_reuse),
		cmocka_unit_test(keepalive_against_nat_idle),
		cmocka_unit_test(bounds_and_profile_differences),
		cmocka_unit_test(absent_keys_in_a_profile),
		cmocka_unit_test(nat_answer),
		cmocka_unit_test(names_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
