/*
 * The census rules on hand-made snapshots: each rule fires on the
 * evidence it is about, stays quiet below its threshold, and says nothing
 * at all when no census was gathered.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/census.h"
#include "lib/rates.h"
#include "lib/rules.h"
#include "lib/trace.h"

struct fix {
	struct tt_snapshot snap;
	struct tt_census *c;
	struct tt_thresholds thr;
	struct tt_findings fs;
};

static void
setkey(struct fix *x, enum tt_key_id k, long long a, long long b, int n)
{
	x->snap.sysctl[k].state = TT_ST_OK;
	x->snap.sysctl[k].val.n = n;
	x->snap.sysctl[k].val.v[0] = a;
	x->snap.sysctl[k].val.v[1] = b;
}

static int
setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	x->c = malloc(sizeof(*x->c));
	if (x->c == NULL) {
		free(x);
		return -1;
	}
	tt_census_init(x->c, 32768, 60999);
	snprintf(x->snap.kernel, sizeof(x->snap.kernel), "6.18.0");
	x->snap.kv = TT_KV(6, 18);
	x->snap.netns = 1;
	setkey(x, TT_K_MAX_TW_BUCKETS, 1000, 0, 1);
	setkey(x, TT_K_LOCAL_PORT_RANGE, 32768, 60999, 2);
	setkey(x, TT_K_TW_REUSE, 2, 0, 1);
	setkey(x, TT_K_TIMESTAMPS, 1, 0, 1);
	setkey(x, TT_K_FIN_TIMEOUT, 60, 0, 1);
	setkey(x, TT_K_MAX_ORPHANS, 1000, 0, 1);
	x->snap.census = x->c;
	tt_thresholds_default(&x->thr);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *x = *state;

	tt_findings_free(&x->fs);
	free(x->c);
	free(x);
	return 0;
}

/* Runs every rule and returns the first finding with this id. */
static const struct tt_finding *
run(struct fix *x, const char *id)
{
	struct tt_rule_input in = { .snap = &x->snap, .prof = NULL, .thr = &x->thr };

	tt_findings_free(&x->fs);
	assert_int_equal(tt_rules_run(&in, &x->fs), 0);
	for (size_t i = 0; i < x->fs.n; i++)
		if (strcmp(x->fs.v[i].id, id) == 0)
			return &x->fs.v[i];
	return NULL;
}

static size_t
count(struct fix *x, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < x->fs.n; i++)
		n += strcmp(x->fs.v[i].id, id) == 0;
	return n;
}

static void
add_n(struct tt_census *c, int n, int state, bool tw, const char *dst, uint16_t dport,
    uint16_t sport0, uint64_t inode0)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(AF_INET, dst, a), 1);
	for (int i = 0; i < n; i++)
		tt_census_add(c, AF_INET, state, tw, a, (uint16_t)(sport0 + i), dport,
		    inode0 ? inode0 + (uint64_t)i : 0);
}

/* n CLOSE_WAIT sockets on local port port (inode 0: not accepted yet). */
static void
add_cw(struct tt_census *c, int n, uint16_t port, uint64_t inode0)
{
	uint8_t a[16] = { 10, 0, 0, 5 };

	for (int i = 0; i < n; i++)
		tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, port, (uint16_t)(50000 + i),
		    inode0 ? inode0 + (uint64_t)i : 0);
}

static void
test_no_census_no_findings(void **state)
{
	struct fix *x = *state;

	x->snap.census = NULL;
	run(x, "");
	for (size_t i = 0; i < x->fs.n; i++)
		assert_true(strncmp(x->fs.v[i].id, "census_", 7) != 0);
	/* With a census and nothing wrong, each says ok. */
	x->snap.census = x->c;
	assert_int_equal(run(x, "census_time_wait")->sev, TT_SEV_OK);
	assert_int_equal(run(x, "census_port_pressure")->sev, TT_SEV_OK);
	assert_int_equal(run(x, "census_close_wait")->sev, TT_SEV_OK);
	assert_int_equal(run(x, "census_fin_wait2")->sev, TT_SEV_OK);
	assert_int_equal(run(x, "census_orphans")->sev, TT_SEV_OK);
}

static void
test_time_wait_near_limit(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	add_n(x->c, 700, TT_CS_TIME_WAIT, true, "10.1.1.1", 80, 1000, 0);
	add_n(x->c, 99, TT_CS_FIN_WAIT2, true, "10.1.1.1", 80, 2000, 0);
	assert_int_equal(run(x, "census_time_wait")->sev, TT_SEV_OK); /* 799 < 800 */
	add_n(x->c, 1, TT_CS_FIN_WAIT2, true, "10.1.1.1", 80, 3000, 0);
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "80%"));
	assert_non_null(strstr(f->evidence, "800 timewait sockets (700 TIME_WAIT, 100 orphaned"));
	assert_non_null(strstr(f->evidence, "tcp_max_tw_buckets = 1000"));
	/* The threshold comes from the profile's thresholds. */
	x->thr.tw_buckets_warn_pct = 90;
	assert_int_equal(run(x, "census_time_wait")->sev, TT_SEV_OK);
}

static void
test_time_wait_overflow(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	x->c->have[TT_CTR_TW_OVERFLOW] = true;
	x->c->counter[TT_CTR_TW_OVERFLOW] = 0;
	assert_int_equal(run(x, "census_time_wait")->sev, TT_SEV_OK);
	/* A count since boot with no TIME_WAIT near the limit now is past
	 * trouble: info, said to be cumulative. */
	x->c->counter[TT_CTR_TW_OVERFLOW] = 31;
	x->snap.netns = 1;
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(
	    strstr(f->message, "overflowed 31 times since boot; 0 timewait sockets now"));
	assert_non_null(strstr(f->evidence, "TCPTimeWaitOverflow = 31 (cumulative, since boot)"));
	assert_non_null(strstr(f->advice, "only a rise"));
	x->snap.netns = 0;
	f = run(x, "census_time_wait");
	assert_non_null(strstr(f->message, "since this network namespace was made"));
	/* TIME_WAIT near the limit now: a warning, with the counter. */
	add_n(x->c, 800, TT_CS_TIME_WAIT, true, "10.1.1.1", 80, 1000, 0);
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "TCPTimeWaitOverflow = 31 since"));
	/* A limit of 0 keeps none: every close overflows now. */
	tt_census_init(x->c, 32768, 60999);
	x->c->have[TT_CTR_TW_OVERFLOW] = true;
	x->c->counter[TT_CTR_TW_OVERFLOW] = 31;
	setkey(x, TT_K_MAX_TW_BUCKETS, 0, 0, 1);
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "every closing socket skips TIME_WAIT"));
	/* A negative limit is no limit: the count is past trouble. */
	setkey(x, TT_K_MAX_TW_BUCKETS, -1, 0, 1);
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->evidence, "(no limit)"));
}

static void
test_port_pressure(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	/* 1000-port range; 690 to one destination is below 70 %. */
	setkey(x, TT_K_LOCAL_PORT_RANGE, 40000, 40999, 2);
	tt_census_init(x->c, 40000, 40999);
	add_n(x->c, 690, TT_CS_TIME_WAIT, true, "192.0.2.10", 443, 40000, 0);
	add_n(x->c, 500, TT_CS_ESTABLISHED, false, "192.0.2.11", 443, 40000, 1);
	assert_int_equal(run(x, "census_port_pressure")->sev, TT_SEV_OK);
	add_n(x->c, 10, TT_CS_SYN_SENT, false, "192.0.2.10", 443, 40690, 1);
	f = run(x, "census_port_pressure");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_int_equal(count(x, "census_port_pressure"), 1);
	assert_non_null(strstr(f->message, "192.0.2.10:443 hold 70%"));
	assert_non_null(strstr(f->evidence,
	    "700 sockets to 192.0.2.10:443 on local ports "
	    "40000-40999 (1000 ports): 690 in TIME_WAIT, 0 orphaned FIN_WAIT2, 10 connecting"));
	/* Mostly TIME_WAIT, reuse = 2: suggest tw_reuse = 1. */
	assert_non_null(strstr(f->advice, "tcp_tw_reuse = 1"));
	assert_non_null(strstr(f->advice, "loopback only"));
	setkey(x, TT_K_TW_REUSE, 1, 0, 1);
	f = run(x, "census_port_pressure");
	assert_null(strstr(f->advice, "set net.ipv4.tcp_tw_reuse"));
	assert_non_null(strstr(f->advice, "tcp_tw_reuse = 1 already reuses"));
	assert_non_null(strstr(f->advice, "tcp_tw_reuse_delay"));
	/* Near the end of the range it is critical. */
	add_n(x->c, 260, TT_CS_TIME_WAIT, true, "192.0.2.10", 443, 40700, 0);
	assert_int_equal(run(x, "census_port_pressure")->sev, TT_SEV_CRITICAL);
	/* A range read as wider makes the same sockets harmless. */
	setkey(x, TT_K_LOCAL_PORT_RANGE, 1024, 65535, 2);
	assert_int_equal(run(x, "census_port_pressure")->sev, TT_SEV_OK);
}

static void
test_close_wait(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	add_cw(x->c, 5, 8080, 100);
	f = run(x, "census_close_wait");
	assert_int_equal(f->sev, TT_SEV_INFO);
	add_cw(x->c, 95, 8080, 200);
	x->c->owners_walked = true;
	x->c->nowner = 2;
	x->c->owner[0] =
	    (struct tt_census_owner){ .pid = 4242, .comm = "leaky", .port = 8080, .count = 90 };
	x->c->owner[1] =
	    (struct tt_census_owner){ .pid = 17, .comm = "other", .port = 9000, .count = 10 };
	f = run(x, "census_close_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "100 sockets in CLOSE_WAIT"));
	assert_non_null(strstr(f->evidence, "pid 4242 (leaky) port 8080: 90"));
	assert_non_null(strstr(f->evidence, "pid 17 (other) port 9000: 10"));
	assert_non_null(strstr(f->advice, "no kernel setting fixes"));
	assert_non_null(strstr(f->advice, "SO_KEEPALIVE"));
	assert_non_null(strstr(f->advice, "Fix the program named above"));
	assert_non_null(strstr(f->evidence, "by local port or destination: port 8080: 100"));
	assert_null(strstr(f->evidence, "partial"));
	/* The bounded walk stopped short: the owners named are not all. */
	x->c->owners_partial = true;
	x->c->owner_fds_read = 262144;
	f = run(x, "census_close_wait");
	assert_non_null(strstr(f->evidence, "stopped after 262144 descriptors"));
	assert_non_null(strstr(f->evidence, "owners are partial"));
	x->c->owners_partial = false;
	x->thr.close_wait_warn = 101;
	assert_int_equal(run(x, "census_close_wait")->sev, TT_SEV_INFO);
	/* No owner readable: say why, and point at the port, not a name. */
	x->c->nowner = 0;
	f = run(x, "census_close_wait");
	assert_non_null(strstr(f->evidence, "naming the owners needs root"));
	assert_null(strstr(f->advice, "named above"));
	assert_non_null(strstr(f->advice, "local port above"));
}

static void
test_close_wait_not_accepted(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	/* 20 sockets without inode on 9090: in the listener's accept queue. */
	add_cw(x->c, 20, 9090, 0);
	tt_census_add_listener(x->c, AF_INET, 9090, 20, 128);
	f = run(x, "census_close_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message,
	    "20 CLOSE_WAIT sockets wait in the accept queue of "
	    "the listener on port 9090: the application is not accepting"));
	assert_non_null(strstr(f->evidence, "accept queue holds 20 of a backlog of 128"));
	/* Nothing else: no "program named above" for sockets nobody holds. */
	assert_int_equal(count(x, "census_close_wait"), 1);
	/* A few, queue not full: info. */
	tt_census_init(x->c, 32768, 60999);
	add_cw(x->c, 3, 9090, 0);
	assert_int_equal(run(x, "census_close_wait")->sev, TT_SEV_INFO);
}

/* n sockets in state with timer and, for CLOSE_WAIT, an idle time. */
static void
add_detail(struct tt_census *c, int n, int state, int timer, uint16_t port, uint32_t idle_ms)
{
	uint8_t a[16] = { 10, 0, 0, 7 };

	for (int i = 0; i < n; i++) {
		struct tt_census_sock s = { .family = AF_INET,
			.state = state,
			.timer = (uint8_t)timer,
			.dst = a,
			.sport = port,
			.dport = (uint16_t)(50000 + i),
			.inode = 7000 + (uint64_t)i,
			.idle_ms = idle_ms };

		tt_census_add_sock(c, &s);
	}
}

static void
test_close_wait_age(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	add_detail(x->c, 3, TT_CS_CLOSE_WAIT, 0, 8080, 30000);
	assert_int_equal(run(x, "census_close_wait_age")->sev, TT_SEV_OK);
	add_detail(x->c, 2, TT_CS_CLOSE_WAIT, 0, 8080, 4000000); /* 66 min */
	f = run(x, "census_close_wait_age");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "up to 1 h 6 min"));
	assert_non_null(strstr(f->evidence, "5 CLOSE_WAIT sockets with an age"));
	assert_non_null(strstr(f->evidence, "median about 28 s"));
	assert_non_null(strstr(f->evidence, "at least 2 older than 10 min"));
	/* No owners looked up: the port. */
	assert_non_null(strstr(f->evidence, "port 8080 oldest 1 h 6 min"));
	/* With owners: the owner and its oldest. */
	x->c->owners_walked = true;
	x->c->nowner = 1;
	x->c->owner[0] = (struct tt_census_owner){ .pid = 4242, .port = 8080, .count = 5 };
	snprintf(x->c->owner[0].comm, sizeof(x->c->owner[0].comm), "server");
	tt_census_age_add(&x->c->owner[0].age, 4000000);
	f = run(x, "census_close_wait_age");
	assert_non_null(
	    strstr(f->evidence, "pid 4242 (server) port 8080: 5 sockets, oldest 1 h 6 min"));
	assert_non_null(strstr(f->advice, "named above"));
	/* A higher threshold: quiet. */
	x->thr.close_wait_age_warn = 7200;
	assert_int_equal(run(x, "census_close_wait_age")->sev, TT_SEV_OK);
}

static void
test_keepalive_coverage(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	add_detail(x->c, 100, TT_CS_ESTABLISHED, 2, 40000, UINT32_MAX);
	assert_int_equal(run(x, "census_keepalive_coverage")->sev, TT_SEV_OK);
	add_detail(x->c, 198, TT_CS_ESTABLISHED, 0, 40000, UINT32_MAX);
	add_detail(x->c, 2, TT_CS_ESTABLISHED, 1, 40000, UINT32_MAX);
	f = run(x, "census_keepalive_coverage");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->message, "100 of 300 ESTABLISHED sockets have keepalive armed"));
	assert_non_null(strstr(f->message, "do not reach the other 198"));
	assert_non_null(strstr(f->evidence, "keepalive unknown) 2"));
}

static void
test_listener_full(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	tt_census_add_listener(x->c, AF_INET, 9090, 100, 128);
	assert_int_equal(run(x, "census_listener_full")->sev, TT_SEV_OK);
	tt_census_add_listener(x->c, AF_INET, 7070, 9, 8);
	x->c->listener[1].pid = 77;
	snprintf(x->c->listener[1].comm, sizeof(x->c->listener[1].comm), "slowd");
	f = run(x, "census_listener_full");
	/* Full, but no overflow counted: info. */
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->message, "port 7070 (pid 77, slowd) has its accept queue full"));
	assert_non_null(strstr(f->evidence, "accept queue 9, backlog 8"));
	x->c->have[TT_CTR_LISTEN_OVERFLOWS] = true;
	x->c->counter[TT_CTR_LISTEN_OVERFLOWS] = 12;
	f = run(x, "census_listener_full");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "ListenOverflows = 12"));
	assert_int_equal(count(x, "census_listener_full"), 1);
}

static void
test_fin_wait2(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	x->thr.fin_wait2_warn = 100;
	add_n(x->c, 60, TT_CS_FIN_WAIT2, true, "10.0.0.6", 80, 1000, 0);
	add_n(x->c, 39, TT_CS_FIN_WAIT2, false, "10.0.0.6", 80, 2000, 0);
	assert_int_equal(run(x, "census_fin_wait2")->sev, TT_SEV_OK);
	add_n(x->c, 1, TT_CS_FIN_WAIT2, false, "10.0.0.6", 80, 3000, 0);
	f = run(x, "census_fin_wait2");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "60 as timewait minisockets, 40 as full sockets"));
	assert_non_null(strstr(f->advice, "Lower net.ipv4.tcp_fin_timeout"));
	/* A short fin_timeout already: the peers are the problem. */
	setkey(x, TT_K_FIN_TIMEOUT, 15, 0, 1);
	f = run(x, "census_fin_wait2");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->advice, "already short"));
	/* Sockets still owned (shutdown only): fin_timeout cannot help. */
	add_n(x->c, 100, TT_CS_FIN_WAIT2, false, "10.0.0.6", 80, 4000, 9000);
	run(x, "census_fin_wait2");
	assert_int_equal(count(x, "census_fin_wait2"), 2);
	{
		bool seen = false;

		for (size_t i = 0; i < x->fs.n; i++)
			if (strstr(x->fs.v[i].message, "shutdown()") != NULL) {
				seen = true;
				assert_non_null(strstr(x->fs.v[i].advice, "orphans only"));
			}
		assert_true(seen);
	}
}

static void
test_orphans(void **state)
{
	struct fix *x = *state;
	const struct tt_finding *f;

	x->c->have[TT_CTR_TCP_ORPHAN] = true;
	x->c->counter[TT_CTR_TCP_ORPHAN] = 799;
	assert_int_equal(run(x, "census_orphans")->sev, TT_SEV_OK);
	x->c->counter[TT_CTR_TCP_ORPHAN] = 800;
	f = run(x, "census_orphans");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "orphan = 800 (whole host)"));
	x->c->counter[TT_CTR_TCP_ORPHAN] = 1000;
	assert_int_equal(run(x, "census_orphans")->sev, TT_SEV_CRITICAL);
	/* In a child namespace the count is not this namespace's to judge. */
	x->snap.netns = 0;
	assert_int_equal(run(x, "census_orphans")->sev, TT_SEV_OK);
	x->snap.netns = 1;
	x->snap.sysctl[TT_K_MAX_ORPHANS].state = TT_ST_ABSENT;
	assert_int_equal(run(x, "census_orphans")->sev, TT_SEV_OK);
}

/* Rates from an empty census to x->c over seconds, forecasts filled. */
static struct tt_rates *
rates_to(struct fix *x, struct tt_census *before, double seconds)
{
	struct tt_rates *r = malloc(sizeof(*r));

	assert_non_null(r);
	tt_rates_compute(before, x->c, seconds, r);
	tt_rates_forecast(r, &x->snap);
	x->snap.rates = r;
	return r;
}

static void
test_port_forecast(void **state)
{
	struct fix *x = *state;
	struct tt_census *before = malloc(sizeof(*before));
	const struct tt_finding *f;

	assert_non_null(before);
	tt_census_init(before, 40000, 40999);
	tt_census_init(x->c, 40000, 40999);
	setkey(x, TT_K_LOCAL_PORT_RANGE, 40000, 40999, 2);
	setkey(x, TT_K_TW_REUSE, 0, 0, 1);
	/* 1000 ports held 60 s: 16.7/s.  26 entered in 2 s: 13/s, 78 %. */
	add_n(x->c, 26, TT_CS_TIME_WAIT, true, "10.0.0.5", 5432, 40000, 0);
	rates_to(x, before, 2.0);
	f = run(x, "census_port_forecast");
	assert_non_null(f);
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "at 13/s to 10.0.0.5:5432 you use 78%"));
	assert_non_null(strstr(f->message, "connect() starts failing at 17/s"));
	/* advice in order of effect */
	assert_true(strstr(f->advice, "reuse connections") < strstr(f->advice, "more destination"));
	assert_true(strstr(f->advice, "more destination") < strstr(f->advice, "tcp_tw_reuse = 1"));
	assert_true(strstr(f->advice, "tcp_tw_reuse = 1") < strstr(f->advice, "widen"));
	/* past what the range sustains: critical */
	add_n(x->c, 20, TT_CS_TIME_WAIT, true, "10.0.0.5", 5432, 40100, 0);
	free(x->snap.rates);
	rates_to(x, before, 2.0);
	assert_int_equal(run(x, "census_port_forecast")->sev, TT_SEV_CRITICAL);
	/* reuse 1 applies to every destination: 1000/s, fine */
	setkey(x, TT_K_TW_REUSE, 1, 0, 1);
	free(x->snap.rates);
	rates_to(x, before, 2.0);
	assert_int_equal(run(x, "census_port_forecast")->sev, TT_SEV_OK);
	free(x->snap.rates);
	/* Without reuse, 23/s; 954 ports free, and the 46 in TIME_WAIT (their
	 * timers at 0 s) back within a second: 1000 ports in 43 s. */
	setkey(x, TT_K_TW_REUSE, 0, 0, 1);
	rates_to(x, before, 2.0);
	f = run(x, "census_port_forecast");
	assert_non_null(strstr(f->message, "its ports run out in about 43 s"));
	free(x->snap.rates);
	/* Every port held, in both readings, and Tcp.ActiveOpens flat: the
	 * timers' prediction of ports freed and taken again is contradicted
	 * by the counter, so no rate; the ports are exhausted now. */
	tt_census_init(before, 40000, 40999);
	tt_census_init(x->c, 40000, 40999);
	add_n(before, 1000, TT_CS_TIME_WAIT, true, "10.0.0.5", 5432, 40000, 0);
	add_n(x->c, 1000, TT_CS_TIME_WAIT, true, "10.0.0.5", 5432, 40000, 0);
	before->have[TT_CTR_ACTIVE_OPENS] = x->c->have[TT_CTR_ACTIVE_OPENS] = true;
	before->counter[TT_CTR_ACTIVE_OPENS] = x->c->counter[TT_CTR_ACTIVE_OPENS] = 7000;
	rates_to(x, before, 2.0);
	assert_true(x->snap.rates->dest[0].new_per_s == 0);
	f = run(x, "census_port_forecast");
	assert_int_equal(f->sev, TT_SEV_CRITICAL);
	assert_non_null(strstr(f->message, "the ports to 10.0.0.5:5432 are exhausted now"));
	assert_non_null(strstr(f->evidence, "1000 of 1000 ports held"));
	assert_non_null(strstr(f->evidence, "Tcp.ActiveOpens +0 over 2.0 s"));
	assert_non_null(strstr(f->evidence, "connect() failures are not visible to the census"));
	free(x->snap.rates);
	x->snap.rates = NULL;
	free(before);
}

static void
test_rates_counters_now(void **state)
{
	struct fix *x = *state;
	struct tt_census *before = malloc(sizeof(*before));
	const struct tt_finding *f;

	assert_non_null(before);
	tt_census_init(before, 32768, 60999);
	before->have[TT_CTR_TW_OVERFLOW] = x->c->have[TT_CTR_TW_OVERFLOW] = true;
	before->counter[TT_CTR_TW_OVERFLOW] = 100;
	x->c->counter[TT_CTR_TW_OVERFLOW] = 100;
	before->have[TT_CTR_LISTEN_OVERFLOWS] = x->c->have[TT_CTR_LISTEN_OVERFLOWS] = true;
	x->c->counter[TT_CTR_LISTEN_OVERFLOWS] = 7;
	tt_census_add_listener(x->c, AF_INET, 8080, 129, 128);
	/* overflowed long ago, not since: info, and it says so */
	rates_to(x, before, 5.0);
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->evidence, "no rise over the last 5.0 s"));
	f = run(x, "census_listen_overflow");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->evidence, "port 8080 accept queue 129 of a backlog of 128"));
	/* a rise since the last check, 10 minutes ago */
	x->c->counter[TT_CTR_TW_OVERFLOW] = 512;
	free(x->snap.rates);
	rates_to(x, before, 600);
	x->snap.rates->measured = false;
	f = run(x, "census_time_wait");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_string_equal(
	    f->message, "TcpExt.TCPTimeWaitOverflow +412 since the last check 10 min ago");
	assert_int_equal(run(x, "census_listen_overflow")->sev, TT_SEV_INFO);
	free(x->snap.rates);
	x->snap.rates = NULL;
	free(before);
}

static void
test_close_wait_growth(void **state)
{
	struct fix *x = *state;
	struct tt_census *before = malloc(sizeof(*before));
	const struct tt_finding *f;

	assert_non_null(before);
	tt_census_init(before, 32768, 60999);
	add_cw(before, 5, 8080, 1000);
	add_cw(x->c, 11, 8080, 1000);
	rates_to(x, before, 2.0);
	f = run(x, "census_close_wait_growth");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "port 8080: +6 in 2.0 s (3.0/s)"));
	assert_null(strstr(f->evidence, "traced"));
	{ /* traced: the exact entry of the first, and its owner */
		struct tt_trace_closewait cw[3];
		struct tt_trace_report tr = { .cw = cw, .ncw = 3, .seconds = 2 };

		memset(cw, 0, sizeof(cw));
		cw[0].lport = 8080;
		cw[0].age = 0.25;
		cw[1].lport = 8080;
		cw[1].age = 1.625;
		cw[1].who.pid = 77;
		snprintf(cw[1].who.comm, sizeof(cw[1].who.comm), "leaky");
		snprintf(cw[1].who.workload, sizeof(cw[1].who.workload), "pod/x");
		cw[2].lport = 9090;
		cw[2].age = 1.9;
		x->snap.trace = &tr;
		f = run(x, "census_close_wait_growth");
		assert_non_null(strstr(f->evidence,
		    "traced: 2 entered CLOSE_WAIT on it, the first 1.625 s before the end, "
		    "owned by leaky[77] in pod/x"));
		x->snap.trace = NULL;
	}
	/* no growth: ok */
	add_cw(before, 6, 8080, 2000);
	free(x->snap.rates);
	rates_to(x, before, 2.0);
	assert_int_equal(run(x, "census_close_wait_growth")->sev, TT_SEV_OK);
	free(x->snap.rates);
	x->snap.rates = NULL;
	free(before);
}

/* A traced row: pid's connections to (or, accepted, from) dst. */
static void
trace_row(struct tt_trace_row *r, uint32_t pid, const char *pod, const char *dst, uint16_t port,
    enum tt_trace_side side)
{
	memset(r, 0, sizeof(*r));
	r->who.pid = pid;
	snprintf(r->who.comm, sizeof(r->who.comm), "client%u", pid);
	snprintf(r->who.workload, sizeof(r->who.workload), "%s", pod);
	snprintf(r->who.cgroup_path, sizeof(r->who.cgroup_path), "/k/%s", pod);
	r->who.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, dst, r->who.addr), 1);
	r->who.port = port;
	r->who.side = side;
}

/* With a trace of the interval, the port finding names the busiest
 * opener of the destination and the connects that already failed. */
static void
test_port_pressure_traced(void **state)
{
	struct fix *x = *state;
	struct tt_trace_row rows[3];
	struct tt_trace_report tr = { .rows = rows, .nrows = 3, .seconds = 5 };
	const struct tt_finding *f;

	setkey(x, TT_K_LOCAL_PORT_RANGE, 40000, 40999, 2);
	tt_census_init(x->c, 40000, 40999);
	add_n(x->c, 900, TT_CS_TIME_WAIT, true, "192.0.2.10", 443, 40000, 0);
	trace_row(&rows[0], 11, "pod/a", "192.0.2.10", 443, TT_TRACE_SIDE_OUT);
	rows[0].c[TT_TRACE_OPENED] = 100;
	trace_row(&rows[1], 22, "pod/b", "192.0.2.10", 443, TT_TRACE_SIDE_OUT);
	rows[1].c[TT_TRACE_OPENED] = 700;
	rows[1].c[TT_TRACE_FAIL_ADDRNOTAVAIL] = 7;
	/* another destination's opener, busier still, is not named */
	trace_row(&rows[2], 33, "pod/c", "192.0.2.11", 443, TT_TRACE_SIDE_OUT);
	rows[2].c[TT_TRACE_OPENED] = 5000;
	rows[0].c[TT_TRACE_FAIL_ADDRNOTAVAIL] = 2;
	f = run(x, "census_port_pressure");
	assert_null(strstr(f->message, "opened by"));
	x->snap.trace = &tr;
	f = run(x, "census_port_pressure");
	assert_non_null(strstr(f->message, "opened by client22[22] in pod/b"));
	assert_non_null(strstr(f->message, "and 9 connect() calls already failed"));
	assert_non_null(strstr(f->evidence, "client22[22] (cgroup /k/pod/b) opened 700"));
	/* Nobody traced connecting there: said, and nobody named. */
	/* cppcheck-suppress unreadVariable ; the rules read it through tr */
	rows[0].who.port = 80;
	rows[1].who.port = 80;
	f = run(x, "census_port_pressure");
	assert_null(strstr(f->message, "opened by"));
	assert_non_null(strstr(f->evidence, "no process connected to it meanwhile"));
	x->snap.trace = NULL;
}

/* The TIME_WAIT advice follows the side that closes first. */
static void
test_time_wait_side(void **state)
{
	struct fix *x = *state;
	struct tt_trace_row rows[2];
	struct tt_trace_report tr = { .rows = rows, .nrows = 2, .seconds = 5 };
	const struct tt_finding *f;

	add_n(x->c, 900, TT_CS_TIME_WAIT, true, "10.1.1.1", 80, 1000, 0);
	trace_row(&rows[0], 11, "", "10.1.1.1", 80, TT_TRACE_SIDE_OUT);
	trace_row(&rows[1], 22, "", "10.9.9.9", 8080, TT_TRACE_SIDE_IN);
	rows[0].c[TT_TRACE_TIME_WAIT] = 10;
	rows[1].c[TT_TRACE_TIME_WAIT] = 90;
	x->snap.trace = &tr;
	f = run(x, "census_time_wait");
	assert_non_null(strstr(f->advice, "the server side closes first (90%"));
	assert_non_null(strstr(f->evidence, "10 TIME_WAIT on connections this host opened, 90 on"));
	rows[0].c[TT_TRACE_TIME_WAIT] = 90;
	rows[1].c[TT_TRACE_TIME_WAIT] = 10;
	f = run(x, "census_time_wait");
	assert_null(strstr(f->advice, "server side closes first"));
	assert_non_null(strstr(f->advice, "closes its own outgoing connections first (90%"));
	x->snap.trace = NULL;
	f = run(x, "census_time_wait");
	assert_null(strstr(f->advice, "closes first"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_census_no_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_near_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_pressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_pressure_traced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_not_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fin_wait2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_coverage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_forecast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rates_counters_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_growth, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
