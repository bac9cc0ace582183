/*
 * The guard's arithmetic (thresholds, the streak, noise, counters gone
 * back), its [guard] settings, and its verdict's line in the journal.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/guard.h"
#include "lib/journal.h"

/* A reading at time t with one counter at v (the others absent). */
static struct tt_guard_reading
reading(double t, enum tt_counter_id id, uint64_t v)
{
	struct tt_guard_reading r;

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.have[id] = true;
	r.v[id] = v;
	return r;
}

/* A guard on id with a baseline of base per second over 5 s. */
static void
start(struct tt_guard *g, enum tt_counter_id id, double base, uint64_t *v)
{
	struct tt_guard_config cfg;
	struct tt_guard_reading r[2] = { reading(0, id, 1000), reading(5, id, 1000) };

	tt_guard_config_default(&cfg);
	r[1].v[id] = 1000 + (uint64_t)(base * 5);
	*v = r[1].v[id];
	tt_guard_start(g, &cfg, r, 2, 5);
}

static void
test_threshold(void **state)
{
	struct tt_guard g;
	uint64_t v;

	(void)state;
	start(&g, TT_CTR_LISTEN_DROPS, 0, &v);
	/* No drops before: 5/s more is harm (the absolute floor). */
	assert_true(tt_guard_threshold(&g, TT_CTR_LISTEN_DROPS) == 5.0);
	start(&g, TT_CTR_LISTEN_DROPS, 100, &v);
	/* 100/s before: twice that (the relative bound is the larger). */
	assert_true(tt_guard_threshold(&g, TT_CTR_LISTEN_DROPS) == 200.0);
	start(&g, TT_CTR_TW_OVERFLOW, 0, &v);
	assert_true(tt_guard_threshold(&g, TT_CTR_TW_OVERFLOW) == 1.0);
	/* A counter missing from the readings is not watched. */
	assert_false(g.cfg.watch[TT_CTR_LISTEN_DROPS]);
}

static void
test_streak(void **state)
{
	struct tt_guard g;
	struct tt_guard_verdict vd;
	uint64_t v;
	struct tt_guard_reading r;

	(void)state;
	start(&g, TT_CTR_TW_OVERFLOW, 0, &v);
	/* One bad sample is not yet harm ... */
	v += 200;
	r = reading(6, TT_CTR_TW_OVERFLOW, v);
	assert_false(tt_guard_sample(&g, &r, &vd));
	assert_int_equal(vd.outcome, TT_GUARD_HEALTHY);
	/* ... a good one resets the run ... */
	r = reading(7, TT_CTR_TW_OVERFLOW, v);
	assert_false(tt_guard_sample(&g, &r, &vd));
	v += 200;
	r = reading(8, TT_CTR_TW_OVERFLOW, v);
	assert_false(tt_guard_sample(&g, &r, &vd));
	/* ... two in a row are. */
	v += 300;
	r = reading(9, TT_CTR_TW_OVERFLOW, v);
	assert_true(tt_guard_sample(&g, &r, &vd));
	assert_int_equal(vd.outcome, TT_GUARD_WORSE);
	assert_int_equal(vd.counter, TT_CTR_TW_OVERFLOW);
	assert_true(vd.after == 4.0);
	assert_true(vd.threshold == 1.0);
	assert_int_equal(vd.nsamples, 4);
	assert_true(vd.samples[0] == 200.0 && vd.samples[1] == 0.0 && vd.samples[3] == 300.0);
}

/* +-30 % around a baseline of 100/s, sample after sample: no harm. */
static void
test_noise(void **state)
{
	static const int rates[] = { 70, 130, 100, 125, 75, 130, 70, 110, 90, 130 };
	struct tt_guard g;
	struct tt_guard_verdict vd;
	uint64_t v;

	(void)state;
	start(&g, TT_CTR_LISTEN_DROPS, 100, &v);
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct tt_guard_reading r;

		v += (uint64_t)rates[i];
		r = reading(6 + (double)i, TT_CTR_LISTEN_DROPS, v);
		assert_false(tt_guard_sample(&g, &r, &vd));
	}
}

/* The baseline is the highest rate between two readings: a counter that
 * jumps by 20 in one second of five had 20/s of noise before, and 30/s
 * after is not twice that. */
static void
test_baseline_peak(void **state)
{
	struct tt_guard_config cfg;
	struct tt_guard g;
	struct tt_guard_verdict vd;
	struct tt_guard_reading r[6], s;

	(void)state;
	tt_guard_config_default(&cfg);
	for (int k = 0; k < 6; k++)
		r[k] = reading(k, TT_CTR_OUT_RSTS, k < 3 ? 100 : 120);
	tt_guard_start(&g, &cfg, r, 6, 5);
	assert_true(g.base[TT_CTR_OUT_RSTS] == 20.0);
	assert_true(tt_guard_threshold(&g, TT_CTR_OUT_RSTS) == 40.0);
	for (int k = 0; k < 3; k++) {
		s = reading(6 + k, TT_CTR_OUT_RSTS, 120 + 30 * (uint64_t)(k + 1));
		assert_false(tt_guard_sample(&g, &s, &vd));
	}
}

/* A counter that went back (the namespace was made anew) is no harm. */
static void
test_gone_back(void **state)
{
	struct tt_guard g;
	struct tt_guard_verdict vd;
	struct tt_guard_reading r;
	uint64_t v;

	(void)state;
	start(&g, TT_CTR_TW_OVERFLOW, 0, &v);
	for (int i = 0; i < 4; i++) {
		r = reading(6 + i, TT_CTR_TW_OVERFLOW, 0);
		assert_false(tt_guard_sample(&g, &r, &vd));
	}
}

static void
test_settings(void **state)
{
	struct tt_guard_config cfg;
	char why[160];

	(void)state;
	tt_guard_config_default(&cfg);
	assert_int_equal(tt_guard_config_set(&cfg, "window", "60", why, sizeof(why)), 0);
	assert_true(cfg.window == 60);
	assert_int_equal(
	    tt_guard_config_set(&cfg, "TcpExt.ListenDrops", "50", why, sizeof(why)), 0);
	assert_true(cfg.absolute[TT_CTR_LISTEN_DROPS] == 50);
	assert_int_equal(tt_guard_config_set(&cfg, "Tcp.OutRsts", "off", why, sizeof(why)), 0);
	assert_false(cfg.watch[TT_CTR_OUT_RSTS]);
	assert_int_equal(
	    tt_guard_config_set(&cfg, "TcpExt.ListenDrops", "lots", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "rise per second"));
	assert_int_equal(tt_guard_config_set(&cfg, "interval", "0", why, sizeof(why)), -EINVAL);
	assert_int_equal(tt_guard_config_set(&cfg, "streak", "1.5", why, sizeof(why)), -EINVAL);
	assert_int_equal(
	    tt_guard_config_set(&cfg, "trace.ConnectFailures", "off", why, sizeof(why)), 0);
	assert_false(cfg.watch[TT_GUARD_CONNECT_FAILS]);
	/* What counts what is there now is no rate: not a guard counter. */
	assert_int_equal(tt_guard_config_set(&cfg, "TCP.tw", "5", why, sizeof(why)), -EINVAL);
	assert_int_equal(tt_guard_config_set(&cfg, "nonsense", "5", why, sizeof(why)), -EINVAL);
}

/* The verdict's journal line: formatted, parsed back the same. */
static void
test_journal_line(void **state)
{
	struct tt_journal j, back;
	char buf[TT_JOURNAL_MAX], why[128];
	int n;

	(void)state;
	memset(&j, 0, sizeof(j));
	j.state = TT_J_APPLIED;
	j.time = 1700000000;
	strcpy(j.profile, "/etc/tcptune/p.ini");
	j.guard = (struct tt_guard_verdict){ .outcome = TT_GUARD_WORSE,
		.after = 2.001,
		.window = 2.001,
		.nwatched = 9,
		.counter = TT_CTR_TW_OVERFLOW,
		.base = 0,
		.threshold = 1,
		.nsamples = 2,
		.samples = { 199.2, 199.856 } };
	n = tt_journal_format(&j, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf,
	    "guard worse 2001 2001 9 TcpExt.TCPTimeWaitOverflow 0 1000 "
	    "199200,199856\n"));
	assert_int_equal(tt_journal_parse(buf, (size_t)n, &back, why, sizeof(why)), 0);
	assert_int_equal(back.guard.outcome, TT_GUARD_WORSE);
	assert_int_equal(back.guard.counter, TT_CTR_TW_OVERFLOW);
	assert_int_equal(back.guard.nsamples, 2);
	assert_true(back.guard.samples[1] == 199.856);
	/* The traced signal, which no kernel counter is, named and read back. */
	j.guard.counter = TT_GUARD_CONNECT_FAILS;
	n = tt_journal_format(&j, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, " trace.ConnectFailures "));
	assert_int_equal(tt_journal_parse(buf, (size_t)n, &back, why, sizeof(why)), 0);
	assert_int_equal(back.guard.counter, TT_GUARD_CONNECT_FAILS);
	/* Damaged lines are refused, as every journal line is. */
	{
		static const char *const bad[] = {
			"guard worse 1 1 9 TcpExt.Nonsense 0 1 -\n",
			"guard maybe 1 1 9 - 0 0 -\n",
			"guard worse 1 1 9 - 0 0 1,2,3,4,5,6,7,8,9\n",
			"guard worse 1 1 9 - 0 0\n",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char t[512];

			snprintf(t, sizeof(t),
			    "tcptune-journal 1\nstate applied\ntime 1\nprofile /p\n%send\n",
			    bad[i]);
			assert_int_equal(
			    tt_journal_parse(t, strlen(t), &back, why, sizeof(why)), -EBADMSG);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_streak),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_baseline_peak),
		cmocka_unit_test(test_gone_back),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_journal_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
