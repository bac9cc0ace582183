/*
 * Unit tests of the plan: hand-made snapshots and profiles, no kernel.
 */
#include "config.h"

#include "testutil.h"
#include "lib/nat.h"
#include "lib/plan.h"

/* A 6.18 host with every key at its default. */
static void
snap_618(struct tt_snapshot *s, int netns)
{
	test_snapshot(s, TT_KV(6, 18), netns, "6.18.0");
}

static void
snap_49(struct tt_snapshot *s)
{
	snap_618(s, 1);
	strcpy(s->kernel, "4.9.0-19-amd64");
	s->kv = TT_KV(4, 9);
	s->sysctl[TT_K_TW_RECYCLE].state = TT_ST_OK;
	s->sysctl[TT_K_TW_RECYCLE].val = (struct tt_val){ 1, { 0 } };
	s->sysctl[TT_K_TW_REUSE_DELAY].state = TT_ST_ABSENT;
}

static void
set(struct tt_profile *p, enum tt_key_id id, long long a, long long b)
{
	p->sysctl[id].set = true;
	p->sysctl[id].line = 10 + (int)id;
	p->sysctl[id].val.n = tt_key_get(id)->nfields;
	p->sysctl[id].val.v[0] = a;
	p->sysctl[id].val.v[1] = b;
}

static const struct tt_plan_item *
item(const struct tt_plan *plan, enum tt_key_id id)
{
	for (int i = 0; i < plan->n; i++)
		if (plan->items[i].id == id)
			return &plan->items[i];
	static const struct tt_plan_item none = { .action = (enum tt_plan_action) - 1 };

	fail_msg("key %d not in the plan", (int)id);
	return &none;
}

static void
test_write_keep(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_AUTO };
	struct tt_plan plan;

	(void)state;
	snap_618(&s, 0);
	set(&p, TT_K_FIN_TIMEOUT, 30, 0);
	set(&p, TT_K_KEEPALIVE_TIME, 7200, 0);
	set(&p, TT_K_LOCAL_PORT_RANGE, 10240, 65001);
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(plan.n, 3);
	assert_int_equal(plan.nwrite, 2);
	assert_int_equal(plan.nkeep, 1);
	assert_int_equal(plan.nrefuse, 0);
	/* catalog order, the order apply writes in */
	assert_int_equal(plan.items[0].id, TT_K_KEEPALIVE_TIME);
	assert_int_equal(item(&plan, TT_K_KEEPALIVE_TIME)->action, TT_PLAN_KEEP);
	assert_int_equal(item(&plan, TT_K_FIN_TIMEOUT)->action, TT_PLAN_WRITE);
	assert_int_equal(item(&plan, TT_K_FIN_TIMEOUT)->current.v[0], 60);
	assert_int_equal(item(&plan, TT_K_LOCAL_PORT_RANGE)->target.v[1], 65001);
	assert_non_null(strstr(item(&plan, TT_K_FIN_TIMEOUT)->why, "line"));
}

static enum tt_plan_action
recycle_action(enum tt_nat_decl nat, const char **why)
{
	static struct tt_plan plan;
	struct tt_snapshot s;
	struct tt_profile p = { .nat = nat };

	snap_49(&s);
	set(&p, TT_K_TW_RECYCLE, 1, 0);
	tt_plan_make(&s, &p, &plan);
	*why = item(&plan, TT_K_TW_RECYCLE)->why;
	return item(&plan, TT_K_TW_RECYCLE)->action;
}

static void
test_tw_recycle_nat(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(recycle_action(TT_NAT_YES, &why), TT_PLAN_REFUSE);
	assert_non_null(strstr(why, "NAT"));
	assert_non_null(strstr(why, "cannot be overridden"));
	assert_int_equal(recycle_action(TT_NAT_AUTO, &why), TT_PLAN_REFUSE);
	assert_non_null(strstr(why, "nat = auto"));
	/* nat = no: allowed exactly when the one NAT answer is NO (with
	 * the evidence this snapshot carries, which is none). */
	{
		struct tt_snapshot s;
		struct tt_profile p = { .nat = TT_NAT_NO };
		enum tt_plan_action a = recycle_action(TT_NAT_NO, &why);

		snap_49(&s);
		assert_int_equal(
		    a, tt_nat_answer(&s, &p) == TT_NATQ_NO ? TT_PLAN_WRITE : TT_PLAN_REFUSE);
	}
}

/* The evidence decides with the declaration: nat = no and evidence of none
 * allows it; evidence of NAT refuses it whatever the profile says. */
static void
test_tw_recycle_evidence(void **state)
{
	static const struct {
		enum tt_nat_decl decl;
		enum tt_nat_verdict verdict;
		enum tt_plan_action want;
	} cases[] = {
		{ TT_NAT_NO, TT_NATV_NONE, TT_PLAN_WRITE },
		{ TT_NAT_NO, TT_NATV_TRANSLATES, TT_PLAN_REFUSE },
		{ TT_NAT_NO, TT_NATV_BEHIND, TT_PLAN_REFUSE },
		{ TT_NAT_NO, TT_NATV_UNKNOWN, TT_PLAN_REFUSE },
		{ TT_NAT_AUTO, TT_NATV_NONE, TT_PLAN_REFUSE },
		{ TT_NAT_YES, TT_NATV_NONE, TT_PLAN_REFUSE },
	};
	struct tt_nat nat;
	struct tt_snapshot s;
	struct tt_plan plan;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tt_profile p = { .nat = cases[i].decl };

		tt_nat_init(&nat);
		nat.verdict = cases[i].verdict;
		snap_49(&s);
		s.nat = &nat;
		set(&p, TT_K_TW_RECYCLE, 1, 0);
		tt_plan_make(&s, &p, &plan);
		if (item(&plan, TT_K_TW_RECYCLE)->action != cases[i].want)
			fail_msg("case %zu: action %d, want %d", i,
			    (int)item(&plan, TT_K_TW_RECYCLE)->action, (int)cases[i].want);
	}
}

static void
test_tw_recycle_off_allowed(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_YES };
	struct tt_plan plan;

	(void)state;
	snap_49(&s);
	s.sysctl[TT_K_TW_RECYCLE].val.v[0] = 1;
	set(&p, TT_K_TW_RECYCLE, 0, 0); /* turning it off is always fine */
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(item(&plan, TT_K_TW_RECYCLE)->action, TT_PLAN_WRITE);
}

static void
test_tw_recycle_removed(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_NO };
	struct tt_plan plan;
	const struct tt_plan_item *it;

	(void)state;
	snap_618(&s, 1);
	set(&p, TT_K_TW_RECYCLE, 1, 0);
	tt_plan_make(&s, &p, &plan);
	it = item(&plan, TT_K_TW_RECYCLE);
	assert_int_equal(it->action, TT_PLAN_REFUSE);
	assert_non_null(strstr(it->why, "removed in Linux 4.12"));

	/* A tree that shows the file on a release after the removal: the
	 * release decides. */
	s.sysctl[TT_K_TW_RECYCLE].state = TT_ST_OK;
	s.sysctl[TT_K_TW_RECYCLE].val = (struct tt_val){ 1, { 0 } };
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(item(&plan, TT_K_TW_RECYCLE)->action, TT_PLAN_REFUSE);
	assert_int_equal(plan.nrefuse, 1);
}

static void
test_host_only_in_child(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_AUTO };
	struct tt_plan plan;

	(void)state;
	snap_618(&s, 0);
	set(&p, TT_K_MAX_ORPHANS, 65536, 0);
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(item(&plan, TT_K_MAX_ORPHANS)->action, TT_PLAN_REFUSE);
	assert_non_null(strstr(item(&plan, TT_K_MAX_ORPHANS)->why, "initial network namespace"));

	snap_618(&s, 1);
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(item(&plan, TT_K_MAX_ORPHANS)->action, TT_PLAN_WRITE);
}

static void
test_unsafe_and_unreadable(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_AUTO };
	struct tt_plan plan;

	(void)state;
	snap_618(&s, 1);
	set(&p, TT_K_FIN_TIMEOUT, 5, 0);            /* below the safe 10 */
	set(&p, TT_K_LOCAL_PORT_RANGE, 500, 60000); /* below 1024 */
	set(&p, TT_K_SOMAXCONN, 8192, 0);
	s.sysctl[TT_K_SOMAXCONN].state = TT_ST_NOPERM;
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(plan.nrefuse, 3);
	assert_int_equal(plan.nwrite, 0);
	assert_non_null(strstr(item(&plan, TT_K_FIN_TIMEOUT)->why, "safe range"));
	assert_non_null(strstr(item(&plan, TT_K_LOCAL_PORT_RANGE)->why, "safe range"));
	assert_non_null(strstr(item(&plan, TT_K_SOMAXCONN)->why, "cannot be read"));
}

static void
test_absent_kinds(void **state)
{
	struct tt_snapshot s;
	struct tt_profile p = { .nat = TT_NAT_AUTO };
	struct tt_plan plan;

	(void)state;
	snap_49(&s);
	set(&p, TT_K_TW_REUSE_DELAY, 1000, 0);
	set(&p, TT_K_TW_TIMEOUT, 30, 0);
	tt_plan_make(&s, &p, &plan);
	assert_int_equal(plan.nrefuse, 2);
	assert_non_null(strstr(item(&plan, TT_K_TW_TIMEOUT)->why, "vendor"));
	assert_non_null(strstr(item(&plan, TT_K_TW_REUSE_DELAY)->why, "4.9.0-19-amd64"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_keep),
		cmocka_unit_test(test_tw_recycle_nat),
		cmocka_unit_test(test_tw_recycle_evidence),
		cmocka_unit_test(test_tw_recycle_off_allowed),
		cmocka_unit_test(test_tw_recycle_removed),
		cmocka_unit_test(test_host_only_in_child),
		cmocka_unit_test(test_unsafe_and_unreadable),
		cmocka_unit_test(test_absent_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
