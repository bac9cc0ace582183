/*
 * Rates over two hand-made censuses, the port forecast, and the counters
 * file kept between checks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/netns.h"
#include "lib/rates.h"
#include "lib/snapshot.h"
#include "lib/state.h"

static struct tt_census *
new_census(void)
{
	struct tt_census *c = malloc(sizeof(*c));

	assert_non_null(c);
	tt_census_init(c, 40000, 40999);
	return c;
}

/* n sockets to ip:port in state st (6: TIME_WAIT minisocket). */
static void
add_socks(struct tt_census *c, const char *ip, uint16_t port, int st, unsigned n, unsigned *lport)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(AF_INET, ip, a), 1);
	for (unsigned i = 0; i < n; i++) {
		unsigned lp = (*lport)++;

		tt_census_add(c, AF_INET, st, st == 6, a, (uint16_t)(40000 + lp % 1000), port,
		    st == 6 ? 0 : 100 + lp);
	}
}

static void
set_ctr(struct tt_census *c, enum tt_counter_id id, uint64_t v)
{
	c->have[id] = true;
	c->counter[id] = v;
}

static void
test_counters(void **state)
{
	struct tt_census *a = new_census(), *b = new_census();
	struct tt_rates r;

	(void)state;
	set_ctr(a, TT_CTR_ACTIVE_OPENS, 1000);
	set_ctr(b, TT_CTR_ACTIVE_OPENS, 1760);
	set_ctr(a, TT_CTR_TW_OVERFLOW, 50);
	set_ctr(b, TT_CTR_TW_OVERFLOW, 20); /* went back: a new namespace */
	set_ctr(b, TT_CTR_LISTEN_DROPS, 5); /* not in the first reading */
	set_ctr(a, TT_CTR_TCP_TW, 10);      /* not cumulative */
	set_ctr(b, TT_CTR_TCP_TW, 30);
	tt_rates_compute(a, b, 2.0, &r);
	assert_true(r.measured);
	assert_true(r.have[TT_CTR_ACTIVE_OPENS]);
	assert_int_equal(r.delta[TT_CTR_ACTIVE_OPENS], 760);
	assert_true(tt_rate_per_s(&r, TT_CTR_ACTIVE_OPENS) > 379.9 &&
	    tt_rate_per_s(&r, TT_CTR_ACTIVE_OPENS) < 380.1);
	assert_false(r.have[TT_CTR_TW_OVERFLOW]);
	assert_false(r.have[TT_CTR_LISTEN_DROPS]);
	assert_false(r.have[TT_CTR_TCP_TW]);
	assert_true(tt_rate_per_s(&r, TT_CTR_TW_OVERFLOW) == 0);
	free(a);
	free(b);
}

/* One socket to ip:port from local port lport, with its cookie; a
 * TIME_WAIT one (st 6) with left_ms on its timer. */
static void
add_id(struct tt_census *c, const char *ip, uint16_t port, int st, uint16_t lport, uint64_t cookie,
    uint32_t left_ms)
{
	uint8_t a[16] = { 0 };
	struct tt_census_sock s = { .family = AF_INET,
		.state = st,
		.timer = st == 6 ? 3 : 0,
		.expires_ms = left_ms,
		.dst = a,
		.sport = lport,
		.dport = port,
		.cookie = cookie,
		.idle_ms = UINT32_MAX };

	assert_int_equal(inet_pton(AF_INET, ip, a), 1);
	tt_census_add_sock(c, &s);
}

static struct tt_census *
new_census_ids(void)
{
	struct tt_census *c = new_census();

	c->keep_ids = true;
	return c;
}

static bool
near(double v, double want)
{
	return v > want - 0.01 && v < want + 0.01;
}

static void
setkey(struct tt_snapshot *s, enum tt_key_id k, long long a, long long b, int n)
{
	s->sysctl[k].state = TT_ST_OK;
	s->sysctl[k].val.n = n;
	s->sysctl[k].val.v[0] = a;
	s->sysctl[k].val.v[1] = b;
}

static void
test_dest_rates(void **state)
{
	struct tt_census *a = new_census_ids(), *b = new_census_ids();
	struct tt_rates r;

	(void)state;
	/* 60 in TIME_WAIT and 5 open before; 10 s later 10 of the 60 are
	 * gone, 60 more closed and 20 more are open: 80 opened, 8/s, however
	 * late or early the timers said they would go. */
	for (int i = 0; i < 60; i++)
		add_id(a, "10.0.0.5", 5432, 6, (uint16_t)(40000 + i), 1 + i, 50000);
	for (int i = 0; i < 5; i++)
		add_id(a, "10.0.0.5", 5432, 1, (uint16_t)(40100 + i), 61 + i, 0);
	for (int i = 10; i < 60; i++)
		add_id(b, "10.0.0.5", 5432, 6, (uint16_t)(40000 + i), 1 + i, 40000);
	for (int i = 0; i < 5; i++)
		add_id(b, "10.0.0.5", 5432, 1, (uint16_t)(40100 + i), 61 + i, 0);
	for (int i = 0; i < 60; i++)
		add_id(b, "10.0.0.5", 5432, 6, (uint16_t)(40200 + i), 100 + i, 58000);
	for (int i = 0; i < 20; i++)
		add_id(b, "10.0.0.5", 5432, 1, (uint16_t)(40300 + i), 200 + i, 0);
	/* A port of the first reading taken again (new cookie, same ports):
	 * one gone, one new. */
	add_id(a, "10.0.0.9", 80, 6, 40500, 300, 59000);
	add_id(b, "10.0.0.9", 80, 6, 40500, 301, 59000);
	tt_census_ids_sort(a);
	tt_census_ids_sort(b);
	set_ctr(a, TT_CTR_ACTIVE_OPENS, 1000);
	set_ctr(b, TT_CTR_ACTIVE_OPENS, 1081);
	tt_rates_compute(a, b, 10.0, &r);
	assert_int_equal(r.ndest, 2);
	assert_int_equal(r.dest[0].dest.port, 5432);
	assert_int_equal(r.dest[0].why, TT_RW_EXACT);
	assert_int_equal(r.dest[0].left, 10);
	assert_true(near(r.dest[0].new_per_s, 8));
	assert_true(near(r.dest[0].time_wait_per_s, 6));
	assert_int_equal(r.dest[1].left, 1);
	assert_true(near(r.dest[1].new_per_s, 0.1));
	assert_true(r.crosschecked);
	assert_int_equal(r.opens_seen, 81);
	assert_int_equal(r.opens_unseen, 0);
	assert_int_equal(r.time_wait_delta, 111 - 61);
	tt_census_free(a);
	tt_census_free(b);
}

/* Without identities, what left TIME_WAIT is predicted from the timers:
 * an estimate, and said to be one. */
static void
test_dest_rates_timers(void **state)
{
	struct tt_census *a = new_census(), *b = new_census();
	struct tt_rates r;

	(void)state;
	/* 30 due within 2 s, 30 later; 2 s on, 50 in TIME_WAIT */
	for (int i = 0; i < 60; i++)
		add_id(a, "10.0.0.5", 5432, 6, (uint16_t)(40000 + i), 0, i < 30 ? 1500 : 30000);
	for (int i = 0; i < 50; i++)
		add_id(b, "10.0.0.5", 5432, 6, (uint16_t)(40100 + i), 0, 30000);
	tt_rates_compute(a, b, 2.0, &r);
	assert_int_equal(r.dest[0].why, TT_RW_NO_IDS);
	assert_int_equal(r.dest[0].left, 30);
	assert_true(near(r.dest[0].new_per_s, 10));
	assert_false(r.crosschecked);
	free(a);
	free(b);
}

/* The sums set against Tcp.ActiveOpens: opens seen by no census go to
 * where tcp_tw_reuse applies, as many as TIME_WAIT ports were reused; more
 * seen than counted, or a flat counter, leave no rate it contradicts. */
static void
test_rates_settle(void **state)
{
	struct tt_census *a = new_census_ids(), *b = new_census_ids();
	struct tt_snapshot snap;
	struct tt_rates r;

	(void)state;
	memset(&snap, 0, sizeof(snap));
	setkey(&snap, TT_K_LOCAL_PORT_RANGE, 40000, 40999, 2);
	setkey(&snap, TT_K_TW_REUSE, 2, 0, 1);
	setkey(&snap, TT_K_TIMESTAMPS, 1, 0, 1);
	for (int i = 0; i < 100; i++) {
		add_id(a, "127.0.0.1", 5000, 6, (uint16_t)(40000 + i), 1 + i, 59000);
		add_id(b, "127.0.0.1", 5000, 6, (uint16_t)(40000 + i), 1000 + i, 59000);
		add_id(b, "10.0.0.1", 80, 6, (uint16_t)(40200 + i), 2000 + i, 59000);
	}
	tt_census_ids_sort(a);
	tt_census_ids_sort(b);
	/* seen: 100 to loopback (all ports taken again), 100 to 10.0.0.1;
	 * counted 500, 400 ports reused: loopback gets 300 more. */
	set_ctr(a, TT_CTR_ACTIVE_OPENS, 0);
	set_ctr(b, TT_CTR_ACTIVE_OPENS, 500);
	set_ctr(a, TT_CTR_TW_RECYCLED, 0);
	set_ctr(b, TT_CTR_TW_RECYCLED, 400);
	tt_rates_compute(a, b, 1.0, &r);
	assert_int_equal(r.opens_seen, 200);
	assert_int_equal(r.opens_unseen, 300);
	tt_rates_forecast(&r, &snap);
	assert_int_equal(r.dest[0].dest.port, 5000);
	assert_true(near(r.dest[0].new_per_s, 400));
	assert_int_equal(r.dest[0].why, TT_RW_REUSED);
	assert_true(near(r.dest[1].new_per_s, 100));
	assert_int_equal(r.dest[1].why, TT_RW_EXACT);
	/* settled twice is settled once */
	tt_rates_forecast(&r, &snap);
	assert_true(near(r.dest[0].new_per_s, 400));
	/* only 50 reused: only 50 given, and the other 250 could be
	 * anyone's: the other destination's rate may be low, and says so */
	set_ctr(b, TT_CTR_TW_RECYCLED, 50);
	tt_rates_compute(a, b, 1.0, &r);
	tt_rates_forecast(&r, &snap);
	assert_true(near(r.dest[0].new_per_s, 150));
	assert_int_equal(r.dest[0].why, TT_RW_REUSED);
	assert_true(near(r.dest[1].new_per_s, 100));
	assert_int_equal(r.dest[1].why, TT_RW_UNSEEN);
	/* reuse off (tcp_tw_reuse 0): nothing given, none exact */
	setkey(&snap, TT_K_TW_REUSE, 0, 0, 1);
	tt_rates_compute(a, b, 1.0, &r);
	tt_rates_forecast(&r, &snap);
	assert_true(near(r.dest[0].new_per_s, 100));
	assert_int_equal(r.dest[0].why, TT_RW_UNSEEN);
	setkey(&snap, TT_K_TW_REUSE, 2, 0, 1);
	/* counted fewer than seen: scaled down to the counter */
	set_ctr(b, TT_CTR_ACTIVE_OPENS, 100);
	tt_rates_compute(a, b, 1.0, &r);
	tt_rates_forecast(&r, &snap);
	assert_true(near(r.dest[0].new_per_s + r.dest[1].new_per_s, 100));
	assert_int_equal(r.dest[0].why, TT_RW_OVER_COUNTERS);
	/* a flat counter: nothing opened, whatever the sockets say */
	set_ctr(b, TT_CTR_ACTIVE_OPENS, 0);
	tt_rates_compute(a, b, 1.0, &r);
	tt_rates_forecast(&r, &snap);
	assert_true(r.dest[0].new_per_s == 0 && r.dest[1].new_per_s == 0);
	tt_census_free(a);
	tt_census_free(b);
}

/* When the ports run out, from the ports held, the rate and when the
 * TIME_WAIT timers fire. */
static void
test_exhaustion(void **state)
{
	uint32_t left[TT_CENSUS_TW_BUCKETS] = { 0 };
	struct tt_forecast fc;

	(void)state;
	/* 256 of 1024 held, none free before a minute: 768 at 30/s */
	left[55] = 256;
	tt_forecast_compute(&fc, 1024, 0, 256, 30, 60, false, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_false(fc.exhausted);
	assert_true(near(fc.to_exhaustion, 25.6));
	/* 1000 held, 500 of them freed within 5 s, 100/s: 24 free ports go
	 * in 0.24 s, before any timer fires */
	memset(left, 0, sizeof(left));
	left[4] = 500;
	left[50] = 500;
	tt_forecast_compute(&fc, 1024, 0, 1000, 100, 60, false, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(near(fc.to_exhaustion, 0.24));
	/* 10/s: the 24 free ports go in 2.4 s, before the first timers
	 * fire (4 to 5 s) */
	tt_forecast_compute(&fc, 1024, 0, 1000, 10, 60, false, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(near(fc.to_exhaustion, 2.4));
	/* below what the range sustains and nothing held: never */
	memset(left, 0, sizeof(left));
	tt_forecast_compute(&fc, 1024, 0, 0, 10, 60, false, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(fc.to_exhaustion < 0);
	/* every port held: now, whatever the rate */
	tt_forecast_compute(&fc, 1024, 24, 1000, 0, 60, false, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(fc.exhausted);
	assert_true(fc.to_exhaustion == 0);
	/* reuse after 1 s: 1024 ports sustain 1024/s */
	tt_forecast_compute(&fc, 1024, 0, 500, 300, 60, true, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(fc.to_exhaustion < 0);
	tt_forecast_compute(&fc, 1024, 0, 524, 2000, 60, true, 1);
	tt_forecast_exhaustion(&fc, left);
	assert_true(near(fc.to_exhaustion, 0.25));
}

static void
test_close_wait_growth(void **state)
{
	struct tt_census *a = new_census(), *b = new_census();
	unsigned lp = 0;
	struct tt_rates r;

	(void)state;
	/* CLOSE_WAIT on local port 8080 (outside the range): 4 then 10 */
	for (int i = 0; i < 4; i++)
		tt_census_add(a, AF_INET, 8, false, (const uint8_t *)"\x0a\0\0\x01", 8080,
		    (uint16_t)(50000 + i), (uint64_t)(1000 + i));
	for (int i = 0; i < 10; i++)
		tt_census_add(b, AF_INET, 8, false, (const uint8_t *)"\x0a\0\0\x01", 8080,
		    (uint16_t)(50000 + i), (uint64_t)(1000 + i));
	b->owners_walked = true;
	b->nowner = 1;
	b->owner[0] =
	    (struct tt_census_owner){ .pid = 42, .comm = "leaky", .port = 8080, .count = 10 };
	(void)lp;
	tt_rates_compute(a, b, 3.0, &r);
	assert_int_equal(r.close_wait_delta, 6);
	assert_int_equal(r.nport, 1);
	assert_int_equal(r.port[0].port, 8080);
	assert_int_equal(r.port[0].before, 4);
	assert_int_equal(r.port[0].after, 10);
	assert_true(r.port[0].per_s > 1.99 && r.port[0].per_s < 2.01);
	assert_int_equal(r.port[0].pid, 42);
	assert_string_equal(r.port[0].comm, "leaky");
	free(a);
	free(b);
}

static void
test_forecast(void **state)
{
	struct tt_forecast fc;

	(void)state;
	/* 28232 ports, none live: 470.5/s without reuse; 380/s is 81 % */
	tt_forecast_compute(&fc, 28232, 0, 22800, 380, 60, false, 1);
	assert_true(fc.sustain > 470.5 && fc.sustain < 470.6);
	assert_true(fc.fails_at == fc.sustain);
	assert_int_equal((int)fc.use_pct, 80);
	/* live sockets take ports for as long as they live */
	tt_forecast_compute(&fc, 1000, 400, 0, 5, 60, false, 1);
	assert_true(fc.sustain > 9.99 && fc.sustain < 10.01);
	/* reuse after 1 s: the free ports once a second */
	tt_forecast_compute(&fc, 1000, 400, 0, 5, 60, true, 1);
	assert_true(fc.fails_at > 599.9 && fc.fails_at < 600.1);
	assert_true(fc.sustain_reuse == fc.fails_at);
	/* a vendor kernel's shorter TIME_WAIT */
	tt_forecast_compute(&fc, 1000, 0, 0, 5, 10, false, 1);
	assert_true(fc.sustain > 99.9 && fc.sustain < 100.1);
	/* no free port at all */
	tt_forecast_compute(&fc, 100, 200, 0, 1, 60, false, 1);
	assert_true(fc.fails_at == 0);
	assert_true(fc.use_pct >= 100);
}

static void
test_forecast_keys(void **state)
{
	struct tt_census *a = new_census(), *b = new_census();
	struct tt_snapshot snap;
	unsigned lp = 0;
	struct tt_rates r;

	(void)state;
	memset(&snap, 0, sizeof(snap));
	snap.nreserved = 1;
	snap.reserved[0] = (struct tt_port_span){ 40100, 40199 };
	setkey(&snap, TT_K_LOCAL_PORT_RANGE, 40000, 40999, 2);
	setkey(&snap, TT_K_TW_REUSE, 2, 0, 1);
	setkey(&snap, TT_K_TIMESTAMPS, 1, 0, 1);
	setkey(&snap, TT_K_TW_REUSE_DELAY, 2000, 0, 1);
	add_socks(b, "127.0.0.1", 5000, 6, 20, &lp);
	add_socks(b, "10.0.0.1", 5000, 6, 10, &lp);
	tt_rates_compute(a, b, 2.0, &r);
	tt_rates_forecast(&r, &snap);
	assert_int_equal(r.ndest, 2);
	/* 900 ports; loopback under reuse = 2 reuses after 2 s */
	assert_int_equal(r.dest[0].fc.available, 900);
	assert_true(r.dest[0].fc.reuse_on);
	assert_true(r.dest[0].fc.fails_at > 449.9 && r.dest[0].fc.fails_at < 450.1);
	assert_false(r.dest[1].fc.reuse_on);
	assert_true(r.dest[1].fc.fails_at > 14.99 && r.dest[1].fc.fails_at < 15.01);
	/* timestamps off: no reuse */
	setkey(&snap, TT_K_TIMESTAMPS, 0, 0, 1);
	tt_rates_forecast(&r, &snap);
	assert_false(r.dest[0].fc.reuse_on);
	free(a);
	free(b);
}

static void
test_counters_file(void **state)
{
	char dir[] = "/tmp/test-rates-XXXXXX", path[256];
	struct tt_ctx *ctx;
	struct tt_census *c = new_census();
	bool have[TT_CTR__COUNT];
	uint64_t v[TT_CTR__COUNT];
	long long when;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ctx = tt_ctx_new(dir);
	assert_non_null(ctx);
	assert_int_equal(tt_counters_load(ctx, have, v, &when), -ENOENT);
	set_ctr(c, TT_CTR_TW_OVERFLOW, 412);
	set_ctr(c, TT_CTR_TCP_TW, 7); /* not kept: not cumulative */
	assert_int_equal(tt_counters_save(ctx, c, 1000), 0);
	assert_int_equal(tt_counters_load(ctx, have, v, &when), 0);
	assert_int_equal(when, 1000);
	assert_true(have[TT_CTR_TW_OVERFLOW]);
	assert_int_equal(v[TT_CTR_TW_OVERFLOW], 412);
	assert_false(have[TT_CTR_TCP_TW]);
	assert_false(have[TT_CTR_ACTIVE_OPENS]);
	/* Another boot's file is not this boot's. */
	{
		struct stat st;
		FILE *f;

		unsigned long long cookie = 0;
		char key[64];

		assert_int_equal(stat("/proc/self/ns/net", &st), 0);
		if (tt_netns_cookie(&cookie) < 0)
			cookie = 0;
		tt_state_key(key, sizeof(key), cookie, (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		snprintf(path, sizeof(path), "%s/counters-%s", dir, key);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("tcptune-counters 1\nboot 00000000-0000-0000-0000-000000000000\nbtime 1\n"
		      "time 5\nTcpExt.TCPTimeWaitOverflow 3\n",
		    f);
		fclose(f);
		assert_int_equal(tt_counters_load(ctx, have, v, &when), -ENOENT);
		assert_false(have[TT_CTR_TW_OVERFLOW]);
		f = fopen(path, "w");
		fputs("garbage\n", f);
		fclose(f);
		assert_int_equal(tt_counters_load(ctx, have, v, &when), -EBADMSG);
		unlink(path);
	}
	/* A directory others can write to is not trusted, nor written. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(tt_counters_save(ctx, c, 1000), -EPERM);
	assert_int_equal(tt_counters_load(ctx, have, v, &when), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);
	rmdir(dir);
	/* No state directory: nothing written, nothing made. */
	assert_int_equal(tt_counters_save(ctx, c, 1000), -ENOENT);
	assert_int_equal(access(dir, F_OK), -1);
	tt_ctx_free(ctx);
	free(c);
}

/* Files of other namespaces, kept apart from the proc root's own and
 * pruned by what is listed; nothing but counters-DEV-INO is touched. */
static void
test_counters_prune(void **state)
{
	char dir[] = "/tmp/test-rates-XXXXXX", path[300];
	static const char *const others[] = { "counters-1-2x", "counters-x", "journal",
		"counters-7-8" };
	struct tt_counters_id keep[] = { { 0, 5, 6 }, { 42, 0, 0 } };
	const struct tt_counters_id ns56 = { 0, 5, 6 }, ns34 = { 0, 3, 4 }, ck42 = { 42, 0, 0 },
				    ck43 = { 43, 0, 0 };
	struct tt_ctx *ctx;
	struct tt_census *c = new_census();
	bool have[TT_CTR__COUNT];
	uint64_t v[TT_CTR__COUNT];
	long long when;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ctx = tt_ctx_new(dir);
	assert_non_null(ctx);
	set_ctr(c, TT_CTR_ACTIVE_OPENS, 10);
	assert_int_equal(tt_counters_save_ns(ctx, &ns56, c, 1000), 0);
	set_ctr(c, TT_CTR_ACTIVE_OPENS, 20);
	assert_int_equal(tt_counters_save_ns(ctx, &ns34, c, 1000), 0);
	assert_int_equal(tt_counters_load_ns(ctx, &ns56, have, v, &when), 0);
	assert_int_equal(v[TT_CTR_ACTIVE_OPENS], 10);
	assert_int_equal(tt_counters_load_ns(ctx, &ns34, have, v, &when), 0);
	assert_int_equal(v[TT_CTR_ACTIVE_OPENS], 20);
	/* the proc root's own namespace is neither */
	assert_int_equal(tt_counters_load(ctx, have, v, &when), -ENOENT);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, others[i]);
		if (i == 3)
			assert_int_equal(mkdir(path, 0700), 0); /* a directory is left */
		else
			assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0600)), 0);
	}
	/* Namespaces known by their cookie: the one listed stays. */
	assert_int_equal(tt_counters_save_ns(ctx, &ck42, c, 1000), 0);
	assert_int_equal(tt_counters_save_ns(ctx, &ck43, c, 1000), 0);
	assert_int_equal(tt_counters_prune(ctx, keep, 2), 2);
	assert_int_equal(tt_counters_load_ns(ctx, &ck43, have, v, &when), -ENOENT);
	assert_int_equal(tt_counters_load_ns(ctx, &ck42, have, v, &when), 0);
	snprintf(path, sizeof(path), "%s/counters-cookie-42", dir);
	unlink(path);
	assert_int_equal(tt_counters_load_ns(ctx, &ns34, have, v, &when), -ENOENT);
	assert_int_equal(tt_counters_load_ns(ctx, &ns56, have, v, &when), 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, others[i]);
		assert_int_equal(access(path, F_OK), 0);
		if (i == 3)
			rmdir(path);
		else
			unlink(path);
	}
	snprintf(path, sizeof(path), "%s/counters-5-6", dir);
	unlink(path);
	/* A directory others can write to is not pruned either. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(tt_counters_prune(ctx, keep, 1), -EPERM);
	rmdir(dir);
	assert_int_equal(tt_counters_prune(ctx, keep, 1), -ENOENT);
	tt_ctx_free(ctx);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_dest_rates),
		cmocka_unit_test(test_dest_rates_timers),
		cmocka_unit_test(test_rates_settle),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_close_wait_growth),
		cmocka_unit_test(test_forecast),
		cmocka_unit_test(test_forecast_keys),
		cmocka_unit_test(test_counters_file),
		cmocka_unit_test(test_counters_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
