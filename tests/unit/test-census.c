/*
 * The census without a kernel: the sock_diag decoder on hand-made
 * buffers, the destination table, the counter parsers on fixture files,
 * and the CLOSE_WAIT owner walk on a made-up proc tree.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <netinet/tcp.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <netlink/errno.h>

#include "lib/census-diag.h"
#include "lib/census-gather.h"
#include "lib/census-owner.h"
#include "lib/census-proc.h"
#include "lib/ctx.h"
#include "lib/nl.h"

struct buf {
	uint8_t b[8192];
	size_t len;
};

/* Appends one SOCK_DIAG_BY_FAMILY message; extra bytes of attributes
 * follow the fixed part as the kernel's do. */
static void
put_sock(struct buf *b, int family, int state, int timer, const char *dst, uint16_t sport,
    uint16_t dport, uint32_t inode, size_t extra)
{
	struct nlmsghdr h = { 0 };
	struct inet_diag_msg m = { 0 };
	size_t len = NLMSG_LENGTH(sizeof(m) + extra);

	h.nlmsg_len = (uint32_t)len;
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h.nlmsg_flags = NLM_F_MULTI;
	m.idiag_family = (uint8_t)family;
	m.idiag_state = (uint8_t)state;
	m.idiag_timer = (uint8_t)timer;
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(dport);
	m.idiag_inode = inode;
	assert_int_equal(inet_pton(family, dst, m.id.idiag_dst), 1);
	assert_true(b->len + NLMSG_ALIGN(len) <= sizeof(b->b));
	memset(b->b + b->len, 0, NLMSG_ALIGN(len));
	memcpy(b->b + b->len, &h, sizeof(h));
	memcpy(b->b + b->len + NLMSG_HDRLEN, &m, sizeof(m));
	b->len += NLMSG_ALIGN(len);
}

/* Appends a socket with its timer, queues and, when idle is not
 * UINT32_MAX, an INET_DIAG_INFO attribute with tcpi_last_data_recv. */
static void
put_detail(struct buf *b, int state, int timer, uint32_t expires, uint32_t rq, uint32_t wq,
    uint16_t sport, uint32_t inode, uint32_t idle)
{
	struct nlmsghdr h = { 0 };
	struct inet_diag_msg m = { 0 };
	struct tcp_info ti;
	struct nlattr na = { .nla_len = NLA_HDRLEN + sizeof(ti), .nla_type = INET_DIAG_INFO };
	size_t extra = idle == UINT32_MAX ? 0 : NLA_ALIGN(na.nla_len);
	size_t len = NLMSG_LENGTH(sizeof(m) + extra);

	h.nlmsg_len = (uint32_t)len;
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m.idiag_family = AF_INET;
	m.idiag_state = (uint8_t)state;
	m.idiag_timer = (uint8_t)timer;
	m.idiag_expires = expires;
	m.idiag_rqueue = rq;
	m.idiag_wqueue = wq;
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(state == TT_CS_LISTEN ? 0 : 50000);
	m.idiag_inode = inode;
	assert_true(b->len + NLMSG_ALIGN(len) <= sizeof(b->b));
	memset(b->b + b->len, 0, NLMSG_ALIGN(len));
	memcpy(b->b + b->len, &h, sizeof(h));
	memcpy(b->b + b->len + NLMSG_HDRLEN, &m, sizeof(m));
	if (extra) {
		memset(&ti, 0, sizeof(ti));
		ti.tcpi_last_data_recv = idle;
		memcpy(b->b + b->len + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(m)), &na, sizeof(na));
		memcpy(b->b + b->len + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(m)) + NLA_HDRLEN, &ti,
		    sizeof(ti));
	}
	b->len += NLMSG_ALIGN(len);
}

/* Appends an outgoing socket with its cookie and timer. */
static void
put_id(struct buf *b, int family, int state, const char *dst, uint16_t sport, uint16_t dport,
    uint64_t cookie, uint32_t expires)
{
	struct nlmsghdr h = { 0 };
	struct inet_diag_msg m = { 0 };
	size_t len = NLMSG_LENGTH(sizeof(m));

	h.nlmsg_len = (uint32_t)len;
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m.idiag_family = (uint8_t)family;
	m.idiag_state = (uint8_t)state;
	m.idiag_timer = state == TT_CS_TIME_WAIT ? 3 : 0;
	m.idiag_expires = expires;
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(dport);
	m.id.idiag_cookie[0] = (uint32_t)cookie;
	m.id.idiag_cookie[1] = (uint32_t)(cookie >> 32);
	assert_int_equal(inet_pton(family, dst, m.id.idiag_dst), 1);
	assert_true(b->len + NLMSG_ALIGN(len) <= sizeof(b->b));
	memset(b->b + b->len, 0, NLMSG_ALIGN(len));
	memcpy(b->b + b->len, &h, sizeof(h));
	memcpy(b->b + b->len + NLMSG_HDRLEN, &m, sizeof(m));
	b->len += NLMSG_ALIGN(len);
}

static void
put_done(struct buf *b, int32_t err)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_LENGTH(sizeof(err)), .nlmsg_type = NLMSG_DONE };

	memcpy(b->b + b->len, &h, sizeof(h));
	memcpy(b->b + b->len + NLMSG_HDRLEN, &err, sizeof(err));
	b->len += NLMSG_ALIGN(h.nlmsg_len);
}

static struct tt_census *
new_census(unsigned lo, unsigned hi)
{
	struct tt_census *c = malloc(sizeof(*c));

	assert_non_null(c);
	tt_census_init(c, lo, hi);
	return c;
}

static void
test_decode_states(void **state)
{
	struct tt_census *c = new_census(32768, 60999);
	struct buf b = { .len = 0 };
	bool done = false;

	(void)state;
	put_sock(&b, AF_INET, 1, 0, "10.0.0.1", 40000, 443, 11, 12);
	put_sock(&b, AF_INET, 6, 3, "10.0.0.1", 40001, 443, 0, 0);
	put_sock(&b, AF_INET, 5, 3, "10.0.0.1", 40002, 443, 0, 0); /* orphan minisock */
	put_sock(&b, AF_INET, 5, 2, "10.0.0.2", 80, 50000, 0, 8);  /* full orphan */
	put_sock(&b, AF_INET, 5, 0, "10.0.0.2", 80, 50001, 77, 8); /* shutdown only */
	put_sock(&b, AF_INET6, 8, 0, "2001:db8::1", 8080, 51000, 99, 20);
	put_sock(&b, AF_INET6, 10, 0, "::", 8080, 0, 5, 4);
	put_sock(&b, AF_INET6, 12, 1, "2001:db8::2", 8080, 52000, 0, 0); /* request */
	put_sock(&b, AF_INET, 0, 0, "10.0.0.9", 1, 2, 0, 0);             /* no such state */
	put_done(&b, 0);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), 0);
	assert_true(done);
	assert_int_equal(c->total, 8);
	assert_int_equal(c->state[TT_CF_IPV4][TT_CS_ESTABLISHED], 1);
	assert_int_equal(c->state[TT_CF_IPV4][TT_CS_TIME_WAIT], 1);
	assert_int_equal(c->state[TT_CF_IPV4][TT_CS_FIN_WAIT2_ORPHANED], 1);
	assert_int_equal(c->state[TT_CF_IPV4][TT_CS_FIN_WAIT2], 2);
	assert_int_equal(c->fin_wait2_full_orphans, 1);
	assert_int_equal(c->state[TT_CF_IPV6][TT_CS_CLOSE_WAIT], 1);
	assert_int_equal(c->state[TT_CF_IPV6][TT_CS_LISTEN], 1);
	assert_int_equal(c->state[TT_CF_IPV6][TT_CS_SYN_RECV], 1);
	assert_int_equal(tt_census_state(c, TT_CS_CLOSE_WAIT), 1);
	/* The shutdown() FIN_WAIT2 socket and the CLOSE_WAIT one, for the
	 * owner walk. */
	assert_int_equal(c->ncw, 2);
	assert_int_equal(c->cw_kept, 1);
	assert_int_equal(c->cw[0].inode, 77);
	assert_int_equal(c->cw[0].kind, TT_CI_FIN_WAIT2);
	assert_int_equal(c->cw[1].inode, 99);
	assert_int_equal(c->cw[1].port, 8080);
	assert_int_equal(c->cw[1].kind, TT_CI_CLOSE_WAIT);
	/* No tcp_info in the message: no age. */
	assert_int_equal(c->cw[1].age_ms, UINT32_MAX);
	assert_int_equal(c->cw_age.n, 0);
	/* Only the three on ephemeral ports towards 10.0.0.1:443. */
	assert_int_equal(c->outbound, 3);
	assert_int_equal(c->ndest, 1);
	assert_int_equal(c->dest[0].count, 3);
	/* TIME_WAIT proper apart from orphaned FIN_WAIT2 minisockets */
	assert_int_equal(c->dest[0].time_wait, 1);
	assert_int_equal(c->dest[0].fin_wait2, 1);
	free(c);
}

/* Ages, keepalive timers, timers left and listeners from the messages. */
static void
test_decode_detail(void **state)
{
	struct tt_census *c = new_census(32768, 60999);
	struct buf b = { .len = 0 };
	bool done = false;

	(void)state;
	put_detail(&b, TT_CS_CLOSE_WAIT, 0, 0, 0, 0, 8080, 101, 5000);       /* 5 s */
	put_detail(&b, TT_CS_CLOSE_WAIT, 0, 0, 0, 0, 8080, 102, 700000);     /* 11 min 40 s */
	put_detail(&b, TT_CS_CLOSE_WAIT, 0, 0, 0, 0, 9090, 0, 90000000);     /* 25 h, queued */
	put_detail(&b, TT_CS_CLOSE_WAIT, 0, 0, 0, 0, 9090, 103, UINT32_MAX); /* no age */
	put_detail(&b, TT_CS_ESTABLISHED, 2, 7000, 0, 0, 40000, 1, UINT32_MAX);
	put_detail(&b, TT_CS_ESTABLISHED, 0, 0, 0, 0, 40001, 2, UINT32_MAX);
	put_detail(&b, TT_CS_ESTABLISHED, 1, 200, 0, 0, 40002, 3, UINT32_MAX);
	put_detail(&b, TT_CS_TIME_WAIT, 3, 59000, 0, 0, 40003, 0, UINT32_MAX);
	put_detail(&b, TT_CS_TIME_WAIT, 3, 1000, 0, 0, 40004, 0, UINT32_MAX);
	put_detail(&b, TT_CS_FIN_WAIT2, 3, 30000, 0, 0, 40005, 0, UINT32_MAX);
	put_detail(&b, TT_CS_FIN_WAIT2, 2, 4000, 0, 0, 40006, 0, UINT32_MAX);
	put_detail(&b, TT_CS_LISTEN, 0, 0, 129, 128, 9090, 55, UINT32_MAX);
	put_detail(&b, TT_CS_LISTEN, 0, 0, 0, 128, 8080, 56, UINT32_MAX);
	put_done(&b, 0);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), 0);
	assert_true(done);

	assert_int_equal(c->cw_age.n, 3);
	assert_int_equal(c->cw_age.oldest_ms, 90000000);
	assert_int_equal(c->cw_age.bucket[0], 1); /* < 10 s */
	assert_int_equal(c->cw_age.bucket[3], 1); /* < 1 h */
	assert_int_equal(c->cw_age.bucket[5], 1); /* a day or more */
	/* The median of three: 700 s, to within an eighth below. */
	assert_true(tt_census_cw_median_ms(c) <= 700000);
	assert_true(tt_census_cw_median_ms(c) >= 700000 - 700000 / 8);
	assert_int_equal(tt_census_cw_port(c, 8080)->age.n, 2);
	assert_int_equal(tt_census_cw_port(c, 8080)->age.oldest_ms, 700000);
	assert_int_equal(tt_census_cw_port(c, 9090)->not_accepted, 1);
	assert_int_equal(c->cw_kept, 3);
	assert_int_equal(c->cw[1].age_ms, 700000);

	assert_int_equal(c->est_keepalive, 1);
	assert_int_equal(c->est_no_timer, 1);
	assert_int_equal(c->est_busy, 1);
	assert_int_equal(c->timer[TT_CT_TIME_WAIT].n, 2);
	assert_int_equal(c->timer[TT_CT_TIME_WAIT].min_ms, 1000);
	assert_int_equal(c->timer[TT_CT_TIME_WAIT].max_ms, 59000);
	assert_int_equal(c->timer[TT_CT_TIME_WAIT].sum_ms, 60000);
	assert_int_equal(c->timer[TT_CT_FIN_WAIT2_MINI].n, 1);
	assert_int_equal(c->timer[TT_CT_FIN_WAIT2_FULL].max_ms, 4000);

	assert_int_equal(c->nlistener, 2);
	assert_int_equal(c->listener[0].accept_queue, 129);
	assert_int_equal(c->listener[0].inode, 55);
	/* The full one with CLOSE_WAIT queued is worth naming, not the
	 * other. */
	assert_int_equal(tt_census_want_listeners(c), 1);
	assert_int_equal(c->cw[c->ncw - 1].inode, 55);
	assert_int_equal(c->cw[c->ncw - 1].kind, TT_CI_LISTEN);
	free(c);
}

static void
test_age_buckets(void **state)
{
	struct tt_census_age a = { 0 };

	(void)state;
	assert_int_equal(tt_census_age_bound(0), 10);
	assert_int_equal(tt_census_age_bound(4), 86400);
	assert_int_equal(tt_census_age_bound(5), 0);
	tt_census_age_add(&a, 9999);
	tt_census_age_add(&a, 10000);
	tt_census_age_add(&a, UINT32_MAX - 1);
	assert_int_equal(a.bucket[0], 1);
	assert_int_equal(a.bucket[1], 1);
	assert_int_equal(a.bucket[5], 1);
	assert_int_equal(a.oldest_ms, UINT32_MAX - 1);
	assert_int_equal(a.n, 3);
}

static void
test_decode_split_and_errors(void **state)
{
	struct tt_census *c = new_census(32768, 60999);
	struct buf b = { .len = 0 };
	struct nlmsghdr h;
	struct nlmsgerr e = { .error = -EPERM };
	bool done = false;

	(void)state;
	/* A buffer without DONE leaves done unset: more is to come. */
	put_sock(&b, AF_INET, 1, 0, "10.0.0.1", 40000, 443, 1, 0);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), 0);
	assert_false(done);

	/* Truncated message. */
	assert_int_equal(tt_census_decode(c, b.b, b.len - 4, &done), -EBADMSG);
	/* A header that claims more than the buffer holds. */
	memcpy(&h, b.b, sizeof(h));
	h.nlmsg_len = 4096;
	memcpy(b.b, &h, sizeof(h));
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), -EBADMSG);
	/* Too short for an inet_diag_msg. */
	h.nlmsg_len = NLMSG_LENGTH(4);
	memcpy(b.b, &h, sizeof(h));
	assert_int_equal(tt_census_decode(c, b.b, NLMSG_ALIGN(h.nlmsg_len), &done), -EBADMSG);
	/* Shorter than a header. */
	assert_int_equal(tt_census_decode(c, b.b, 3, &done), -EBADMSG);

	/* NLMSG_ERROR carries the kernel's errno. */
	b.len = 0;
	h = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(sizeof(e)), .nlmsg_type = NLMSG_ERROR };
	memcpy(b.b, &h, sizeof(h));
	memcpy(b.b + NLMSG_HDRLEN, &e, sizeof(e));
	b.len = NLMSG_ALIGN(h.nlmsg_len);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), -EPERM);

	/* DONE with an error ends the dump with it. */
	b.len = 0;
	done = false;
	put_done(&b, -EINTR);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), -EINTR);
	assert_true(done);

	/* An "error" no errno has is a malformed message: callers print
	 * strerror(-r), and -INT_MIN does not exist. */
	b.len = 0;
	put_done(&b, INT32_MIN);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), -EBADMSG);
	b.len = 0;
	e.error = -100000;
	memcpy(b.b, &h, sizeof(h));
	memcpy(b.b + NLMSG_HDRLEN, &e, sizeof(e));
	b.len = NLMSG_ALIGN(h.nlmsg_len);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), -EBADMSG);
	assert_int_equal(c->total, 1);
	free(c);
}

/* Every prefix and every byte flip of a valid buffer: no crash, and
 * never more sockets than the buffer holds. */
static void
test_decode_garbage(void **state)
{
	struct buf b = { .len = 0 };
	bool done;

	(void)state;
	for (int i = 0; i < 6; i++)
		put_sock(&b, i % 2 ? AF_INET6 : AF_INET, 1 + i, 0, i % 2 ? "::1" : "127.0.0.1",
		    (uint16_t)(40000 + i), 80, (uint32_t)i, (size_t)i * 4);
	put_done(&b, 0);
	for (size_t n = 0; n <= b.len; n++) {
		struct tt_census *c = new_census(32768, 60999);

		done = false;
		(void)tt_census_decode(c, b.b, n, &done);
		assert_true(c->total <= 6);
		free(c);
	}
	for (size_t i = 0; i < b.len; i++) {
		struct tt_census *c = new_census(32768, 60999);
		uint8_t save = b.b[i];

		b.b[i] ^= 0xa5;
		done = false;
		(void)tt_census_decode(c, b.b, b.len, &done);
		assert_true(c->total <= 6);
		b.b[i] = save;
		free(c);
	}
}

static void
test_v4mapped_is_ipv4(void **state)
{
	struct tt_census *c = new_census(1024, 65535);
	uint8_t a4[16] = { 192, 0, 2, 7 };
	uint8_t m6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7 };
	char s[64];

	(void)state;
	tt_census_add(c, AF_INET, TT_CS_ESTABLISHED, false, a4, 2000, 25, 1);
	tt_census_add(c, AF_INET6, TT_CS_SYN_SENT, false, m6, 2001, 25, 2);
	assert_int_equal(c->ndest, 1);
	assert_int_equal(c->dest[0].count, 2);
	assert_int_equal(c->dest[0].syn_sent, 1);
	assert_string_equal(tt_census_dest_str(&c->dest[0], s, sizeof(s)), "192.0.2.7:25");
	assert_int_equal(c->state[TT_CF_IPV6][TT_CS_SYN_SENT], 1);
	free(c);
}

/* Space-saving: a heavy destination survives a flood of one-off ones, and
 * its count stays exact because it never left the table. */
static void
test_heavy_hitters(void **state)
{
	struct tt_census *c = new_census(1024, 65535);
	uint8_t heavy[16] = { 10, 9, 9, 9 };
	size_t idx[3];

	(void)state;
	for (uint32_t i = 0; i < 20000; i++) {
		uint8_t one[16] = { 172, 16, (uint8_t)(i >> 8), (uint8_t)i };

		tt_census_add(c, AF_INET, TT_CS_TIME_WAIT, true, one, 2000, 80, 0);
		if (i % 4 == 0)
			tt_census_add(c, AF_INET, TT_CS_TIME_WAIT, true, heavy, 2000, 443, 0);
	}
	assert_int_equal(c->ndest, TT_CENSUS_DEST_CAP);
	assert_true(c->dest_evictions > 0);
	assert_int_equal(tt_census_top_dests(c, idx, 3), 3);
	assert_int_equal(c->dest[idx[0]].port, 443);
	assert_int_equal(c->dest[idx[0]].count, 5000);
	assert_int_equal(c->dest[idx[0]].err, 0);
	assert_true(c->dest[idx[1]].count <= c->dest[idx[0]].count);
	assert_int_equal(c->outbound, 25000);
	/* The table stays searchable after evictions: every row is found. */
	for (size_t k = 0; k < c->ndest; k++) {
		uint64_t before = c->dest[k].count;
		struct tt_census_dest d = c->dest[k];

		tt_census_add(c, d.family, TT_CS_ESTABLISHED, false, d.addr, 2000, d.port, 0);
		assert_int_equal(c->dest[k].count, before + 1);
	}
	free(c);
}

static void
test_counters_fixture(void **state)
{
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_census *c = new_census(32768, 60999);

	(void)state;
	assert_int_equal(tt_ctx_set_proc_root(ctx, FIXTURES "/proc-census"), 0);
	assert_int_equal(tt_census_read_counters(ctx, c), 0);
	assert_true(c->have[TT_CTR_TCP_TW]);
	assert_int_equal(c->counter[TT_CTR_TCP_INUSE], 412);
	assert_int_equal(c->counter[TT_CTR_TCP_ORPHAN], 37);
	assert_int_equal(c->counter[TT_CTR_TCP_TW], 9120);
	assert_int_equal(c->counter[TT_CTR_TCP_ALLOC], 530);
	assert_int_equal(c->counter[TT_CTR_TCP_MEM], 2210);
	assert_int_equal(c->counter[TT_CTR_TCP6_INUSE], 58);
	assert_int_equal(c->counter[TT_CTR_TW], 81234);
	assert_int_equal(c->counter[TT_CTR_TW_RECYCLED], 17);
	assert_int_equal(c->counter[TT_CTR_TW_OVERFLOW], 5120);
	assert_int_equal(c->counter[TT_CTR_PAWS_ESTAB], 44);
	assert_int_equal(c->counter[TT_CTR_ABORT_ON_MEMORY], 2);
	/* 6.18 has no PAWSPassive any more: absent, not zero. */
	assert_false(c->have[TT_CTR_PAWS_PASSIVE]);
	/* Which are the namespace's and which the whole host's. */
	assert_true(tt_counter_info(TT_CTR_TCP_TW)->per_netns);
	assert_true(tt_counter_info(TT_CTR_TCP_INUSE)->per_netns);
	assert_false(tt_counter_info(TT_CTR_TCP_ORPHAN)->per_netns);
	assert_false(tt_counter_info(TT_CTR_TCP_ALLOC)->per_netns);
	assert_false(tt_counter_info(TT_CTR_TCP_MEM)->per_netns);
	free(c);

	/* A proc root without the files: nothing, and no error. */
	c = new_census(32768, 60999);
	assert_int_equal(tt_ctx_set_proc_root(ctx, FIXTURES "/proc-6.18"), 0);
	assert_int_equal(tt_census_read_counters(ctx, c), 0);
	for (int i = 0; i < TT_CTR__COUNT; i++)
		assert_false(c->have[i]);
	free(c);
	tt_ctx_free(ctx);
}

static void
test_counter_parsers(void **state)
{
	struct tt_census *c = new_census(32768, 60999);

	(void)state;
	assert_int_equal(tt_census_parse_sockstat(c, "TCP: inuse 1 orphan 2 tw 3"), 0);
	assert_int_equal(c->counter[TT_CTR_TCP_TW], 3);
	assert_false(c->have[TT_CTR_TCP_ALLOC]);
	assert_int_equal(tt_census_parse_sockstat(c, "TCP: inuse x\n"), -EBADMSG);
	assert_int_equal(tt_census_parse_sockstat(c, "garbage\n\nUDP: inuse 5\n"), 0);
	/* Names and values pair up by position. */
	assert_int_equal(tt_census_parse_netstat(c,
			     "TcpExt: A TW B\nTcpExt: 1 2 3\n"
			     "IpExt: TW\nIpExt: 9\n"),
	    0);
	assert_int_equal(c->counter[TT_CTR_TW], 2);
	assert_int_equal(tt_census_parse_netstat(c, "TcpExt: A TW\nTcpExt: 1\n"), -EBADMSG);
	assert_int_equal(tt_census_parse_netstat(c, "TcpExt: TW\nTcpExt: -4\n"), -EBADMSG);
	/* snmp: MaxConn is -1 but not one of ours; Tcp's names are not
	 * netstat's (a "Tcp" section in netstat is not snmp's). */
	assert_int_equal(tt_census_parse_snmp(c,
			     "Ip: Forwarding DefaultTTL\nIp: 1 64\n"
			     "Tcp: RtoAlgorithm MaxConn ActiveOpens PassiveOpens AttemptFails "
			     "EstabResets CurrEstab\nTcp: 1 -1 481 4 2 7 0\n"),
	    0);
	assert_int_equal(c->counter[TT_CTR_ACTIVE_OPENS], 481);
	assert_int_equal(c->counter[TT_CTR_PASSIVE_OPENS], 4);
	assert_int_equal(c->counter[TT_CTR_ATTEMPT_FAILS], 2);
	assert_int_equal(c->counter[TT_CTR_ESTAB_RESETS], 7);
	assert_true(tt_counter_cumulative(TT_CTR_ACTIVE_OPENS));
	assert_false(tt_counter_cumulative(TT_CTR_TCP_TW));
	c->have[TT_CTR_ACTIVE_OPENS] = false;
	assert_int_equal(tt_census_parse_netstat(c, "Tcp: ActiveOpens\nTcp: 5\n"), 0);
	assert_false(c->have[TT_CTR_ACTIVE_OPENS]);
	assert_int_equal(
	    tt_census_parse_netstat(c, "TcpExt: ListenOverflows ListenDrops\nTcpExt: 11 12\n"), 0);
	assert_int_equal(c->counter[TT_CTR_LISTEN_OVERFLOWS], 11);
	assert_int_equal(c->counter[TT_CTR_LISTEN_DROPS], 12);
	free(c);
}

/* The owner walk over a made-up proc tree whose fd links name sockets. */
static void
test_owners(void **state)
{
	char root[] = "/tmp/test-census-XXXXXX", p[512], q[512];
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_census *c = new_census(32768, 60999);
	uint8_t a[16] = { 10, 0, 0, 1 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	/* pid 4242 "server" holds inodes 1001, 1002 (port 8080) and 1003
	 * (port 9090); pid 77 holds 5000, which is not in CLOSE_WAIT. */
	snprintf(p, sizeof(p), "%s/4242", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4242/fd", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4242/comm", root);
	assert_non_null(f = fopen(p, "w"));
	fputs("server\n", f);
	fclose(f);
	for (int i = 0; i < 4; i++) {
		static const char *const links[] = { "socket:[1001]", "socket:[1002]",
			"socket:[1003]", "/dev/null" };

		snprintf(p, sizeof(p), "%s/4242/fd/%d", root, i + 3);
		assert_int_equal(symlink(links[i], p), 0);
	}
	snprintf(p, sizeof(p), "%s/77", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/77/fd", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/77/fd/0", root);
	assert_int_equal(symlink("socket:[5000]", p), 0);
	snprintf(p, sizeof(p), "%s/self", root); /* not a pid: skipped */
	assert_int_equal(mkdir(p, 0755), 0);

	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 8080, 50000, 1002);
	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 9090, 50001, 1003);
	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 8080, 50002, 1001);
	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 8080, 50003, 2000); /* nobody's */
	tt_census_add(c, AF_INET, TT_CS_ESTABLISHED, false, a, 8080, 50004, 5000);
	/* A full listener held by pid 77, named by the same walk. */
	{
		struct tt_census_sock l = { .family = AF_INET,
			.state = TT_CS_LISTEN,
			.rqueue = 9,
			.wqueue = 8,
			.dst = a,
			.sport = 7070,
			.inode = 5000,
			.idle_ms = UINT32_MAX };

		tt_census_add_sock(c, &l);
		assert_int_equal(tt_census_want_listeners(c), 1);
	}
	assert_int_equal(tt_ctx_set_proc_root(ctx, root), 0);
	assert_int_equal(tt_census_find_owners(ctx, c), 0);
	assert_int_equal(c->listener[0].pid, 77);
	assert_true(c->owners_walked);
	assert_int_equal(c->cw_matched, 3);
	assert_int_equal(c->nowner, 2);
	assert_int_equal(c->owner[0].pid, 4242);
	assert_string_equal(c->owner[0].comm, "server");
	assert_int_equal(c->owner[0].port, 8080);
	assert_int_equal(c->owner[0].count, 2);
	assert_int_equal(c->owner[1].port, 9090);
	assert_int_equal(c->owner[1].count, 1);

	/* Clean up the tree. */
	for (int i = 0; i < 4; i++) {
		snprintf(q, sizeof(q), "%s/4242/fd/%d", root, i + 3);
		unlink(q);
	}
	snprintf(q, sizeof(q), "%s/4242/comm", root);
	unlink(q);
	snprintf(q, sizeof(q), "%s/77/fd/0", root);
	unlink(q);
	for (int i = 0; i < 5; i++) {
		static const char *const dirs[] = { "4242/fd", "4242", "77/fd", "77", "self" };

		snprintf(q, sizeof(q), "%s/%s", root, dirs[i]);
		rmdir(q);
	}
	rmdir(root);
	free(c);
	tt_ctx_free(ctx);
}

static void
test_state_names(void **state)
{
	(void)state;
	assert_null(tt_cstate_name(0));
	assert_string_equal(tt_cstate_name(TT_CS_ESTABLISHED), "ESTABLISHED");
	assert_string_equal(tt_cstate_name(TT_CS_CLOSING), "CLOSING");
	assert_string_equal(tt_cstate_name(TT_CS_FIN_WAIT2_ORPHANED), "FIN_WAIT2_ORPHANED");
	assert_null(tt_cstate_name(TT_CS__COUNT));
}

/* libnl's codes, of either sign, as the errno a caller can print. */
static void
test_nl_errno(void **state)
{
	(void)state;
	assert_int_equal(tt_nl_errno(-NLE_PERM), -EPERM);
	assert_int_equal(tt_nl_errno(NLE_PERM), -EPERM);
	assert_int_equal(tt_nl_errno(-NLE_NOACCESS), -EACCES);
	assert_int_equal(tt_nl_errno(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(tt_nl_errno(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	assert_int_equal(tt_nl_errno(-NLE_MSG_TRUNC), -EMSGSIZE);
	assert_int_equal(tt_nl_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(tt_nl_errno(-NLE_FAILURE), -EIO);
	assert_int_equal(tt_nl_errno(-100000), -EIO);
}

/* A made-up process: root/PID/fd/N links to links[], root/PID/ns/net a
 * file of its own (its inode names its namespace) unless ns is NULL, in
 * which case it links to ns_of's. */
static void
fake_pid(const char *root, int pid, const char *const *links, int n, const char *ns_of)
{
	char p[512], q[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/fd", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/ns", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/ns/net", root, pid);
	if (ns_of != NULL) {
		snprintf(q, sizeof(q), "%s/%s", root, ns_of);
		assert_int_equal(symlink(q, p), 0);
	} else {
		assert_non_null(f = fopen(p, "w"));
		fclose(f);
	}
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%d/fd/%d", root, pid, i);
		assert_int_equal(symlink(links[i], p), 0);
	}
}

static void
remove_tree(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * The namespace's processes first, the others only while sockets are
 * unmatched, and a bound on the links read that makes the owners partial.
 */
static void
test_owners_namespace_first(void **state)
{
	static const char *const mine[] = { "socket:[1001]" };
	static const char *const other[] = { "/dev/null", "socket:[1002]", "socket:[1001]",
		"pipe:[7]" };
	char root[] = "/tmp/test-census-XXXXXX", p[512];
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_census *c = new_census(32768, 60999);
	uint8_t a[16] = { 10, 0, 0, 1 };

	(void)state;
	assert_non_null(mkdtemp(root));
	fake_pid(root, 50, other, 4, NULL); /* another namespace, read first by pid */
	fake_pid(root, 100, mine, 1, NULL); /* the census's namespace */
	snprintf(p, sizeof(p), "%s/self", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/self/ns", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/self/ns/net", root);
	assert_int_equal(symlink("../../100/ns/net", p), 0);
	assert_int_equal(tt_ctx_set_proc_root(ctx, root), 0);

	/* Only 1001 wanted: found in pid 100, the other namespace unread. */
	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 8080, 50000, 1001);
	assert_int_equal(tt_census_find_owners(ctx, c), 0);
	assert_int_equal(c->cw_matched, 1);
	assert_int_equal(c->owner_fds_read, 1);
	assert_int_equal(c->nowner, 1);
	assert_int_equal(c->owner[0].pid, 100);
	assert_int_equal(c->owner[0].count, 1); /* pid 50's copy is not counted again */
	assert_false(c->owners_partial);

	/* 1002 too: the other namespace is read, until both are found. */
	tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 9090, 50001, 1002);
	assert_int_equal(tt_census_find_owners(ctx, c), 0);
	assert_int_equal(c->cw_matched, 2);
	assert_int_equal(c->nowner, 2);
	assert_true(c->owner_fds_read >= 2 && c->owner_fds_read <= 5);
	assert_false(c->owners_partial);

	/* A bound of one link: 1002 stays unmatched and the owners are
	 * partial. */
	c->owner_fd_limit = 1;
	assert_int_equal(tt_census_find_owners(ctx, c), 0);
	assert_int_equal(c->cw_matched, 1);
	assert_int_equal(c->owner_fds_read, 1);
	assert_true(c->owners_partial);

	remove_tree(root);
	free(c);
	tt_ctx_free(ctx);
}

/* More owners than rows: the rest are summed, never dropped. */
static void
test_owners_other_processes(void **state)
{
	char root[] = "/tmp/test-census-XXXXXX", link[64];
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_census *c = new_census(32768, 60999);
	uint8_t a[16] = { 10, 0, 0, 1 };
	const int n = TT_CENSUS_OWNER_CAP + 6;
	uint64_t sum = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	for (int i = 0; i < n; i++) {
		const char *links[] = { link };

		snprintf(link, sizeof(link), "socket:[%d]", 3000 + i);
		fake_pid(root, 1000 + i, links, 1, NULL);
		tt_census_add(c, AF_INET, TT_CS_CLOSE_WAIT, false, a, 8080, (uint16_t)(40000 + i),
		    (uint64_t)(3000 + i));
	}
	assert_int_equal(tt_ctx_set_proc_root(ctx, root), 0);
	assert_int_equal(tt_census_find_owners(ctx, c), 0);
	assert_int_equal(c->cw_matched, n);
	assert_int_equal(c->nowner, TT_CENSUS_OWNER_CAP);
	assert_int_equal(c->owner_rows_dropped, 6);
	for (size_t i = 0; i < c->nowner; i++)
		sum += c->owner[i].count;
	assert_int_equal(sum + c->owner_rows_dropped, n);
	remove_tree(root);
	free(c);
	tt_ctx_free(ctx);
}

/*
 * Socket identities for exact rates: the cookie as sock_diag gives it
 * (two 32-bit halves), only sockets counted towards a destination, one
 * address hash for an IPv4 peer and the same peer v4-mapped, sorted by
 * cookie; TIME_WAIT timers by whole seconds per destination; and a table
 * that stops at its cap and says so.
 */
static void
test_identities(void **state)
{
	struct tt_census *c = new_census(40000, 40999);
	struct buf b = { .len = 0 };
	bool done = false;

	(void)state;
	c->keep_ids = true;
	put_id(&b, AF_INET, TT_CS_TIME_WAIT, "10.0.0.5", 40001, 443, 0x500000007ULL, 59500);
	put_id(&b, AF_INET6, TT_CS_ESTABLISHED, "::ffff:10.0.0.5", 40002, 443, 3, 0);
	put_id(&b, AF_INET, TT_CS_TIME_WAIT, "10.0.0.5", 40003, 443, 9, 70000);
	put_id(&b, AF_INET, TT_CS_ESTABLISHED, "10.0.0.6", 8080, 50000, 11, 0); /* not ours */
	put_id(&b, AF_INET, TT_CS_LISTEN, "0.0.0.0", 40004, 0, 12, 0);
	put_done(&b, 0);
	assert_int_equal(tt_census_decode(c, b.b, b.len, &done), 0);
	assert_true(done);
	assert_int_equal(c->nid, 3);
	assert_int_equal(c->ndest, 1);
	tt_census_ids_sort(c);
	assert_true(c->id[0].cookie == 3 && c->id[0].sport == 40002);
	assert_true(c->id[1].cookie == 9 && c->id[1].sport == 40003);
	assert_true(c->id[2].cookie == 0x500000007ULL && c->id[2].dport == 443);
	assert_true(c->id[0].dest_hash == c->id[2].dest_hash);
	assert_true(c->id[0].dest_hash == c->dest[0].id_hash);
	assert_int_equal(c->dest[0].tw_left[59], 1);
	assert_int_equal(c->dest[0].tw_left[TT_CENSUS_TW_BUCKETS - 1], 1);
	assert_true(tt_census_ids_complete(c));
	/* Past the cap: counted, not kept, and the table says it is not
	 * complete. */
	for (uint64_t i = c->nid; i <= TT_CENSUS_ID_CAP; i++)
		tt_census_keep_id(c, &c->dest[0], 100 + i, 40010, 443);
	assert_int_equal(c->nid, TT_CENSUS_ID_CAP);
	assert_int_equal(c->ids_dropped, 1);
	assert_false(tt_census_ids_complete(c));
	tt_census_free(c);
}

/* A seeded pseudo-random number (xorshift64*). */
static uint32_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dULL) >> 32);
}

static int
id_cmp(const void *a, const void *b)
{
	return tt_census_id_cmp(a, b);
}

/* The census's sort (radix on the cookie, then runs of one cookie) gives
 * qsort()'s order, over seeded random identities: cookies small and
 * large, some repeated with other ports. */
static void
test_identities_sort(void **state)
{
	uint64_t seed = 20261206;

	(void)state;
	for (int round = 0; round < 20; round++) {
		struct tt_census *c = new_census(40000, 40999);
		struct tt_census_id *want;
		size_t n = 1 + (size_t)next_rand(&seed) % 5000;

		c->keep_ids = true;
		tt_census_count(c, AF_INET, TT_CS_ESTABLISHED, false,
		    (const uint8_t *)"\x0a\0\0\x01", 40000, 80);
		for (size_t i = 0; i < n; i++) {
			uint64_t ck = (uint64_t)next_rand(&seed) << (round % 3 == 0 ? 33 : 0) ^
			    (uint64_t)next_rand(&seed) % (round % 2 ? 64 : 1u << 30);

			tt_census_keep_id(c, &c->dest[0], ck, (uint16_t)next_rand(&seed),
			    (uint16_t)(next_rand(&seed) % 3));
		}
		want = calloc(n + 1, sizeof(*want));
		assert_non_null(want);
		memcpy(want, c->id, n * sizeof(*want));
		qsort(want, n, sizeof(*want), id_cmp);
		tt_census_ids_sort(c);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(tt_census_id_cmp(&want[i], &c->id[i]), 0);
		free(want);
		tt_census_free(c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_states),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_identities_sort),
		cmocka_unit_test(test_decode_detail),
		cmocka_unit_test(test_age_buckets),
		cmocka_unit_test(test_decode_split_and_errors),
		cmocka_unit_test(test_decode_garbage),
		cmocka_unit_test(test_v4mapped_is_ipv4),
		cmocka_unit_test(test_heavy_hitters),
		cmocka_unit_test(test_counters_fixture),
		cmocka_unit_test(test_counter_parsers),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_owners_namespace_first),
		cmocka_unit_test(test_owners_other_processes),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_nl_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
