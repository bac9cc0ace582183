/*
 * The census's per-socket detail: how old CLOSE_WAIT sockets are, which
 * ESTABLISHED sockets have keepalive armed, the timers left on FIN_WAIT2
 * and TIME_WAIT sockets, and which sockets the owner walk should name
 * beside CLOSE_WAIT (shutdown() FIN_WAIT2 sockets, listeners).  Every
 * table is fixed in size: ages go into buckets, timers into a count, a
 * sum and bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "census.h"
#include "strtab.h"

static const unsigned age_bounds[TT_CENSUS_AGE_SHOW - 1] = { 10, 60, 600, 3600, 86400 };

unsigned
tt_census_age_bound(int i)
{
	return i >= 0 && i < TT_CENSUS_AGE_SHOW - 1 ? age_bounds[i] : 0;
}

void
tt_census_age_add(struct tt_census_age *a, uint32_t ms)
{
	int i = 0;

	while (i < TT_CENSUS_AGE_SHOW - 1 && (uint64_t)ms >= (uint64_t)age_bounds[i] * 1000)
		i++;
	a->bucket[i]++;
	a->n++;
	if (ms > a->oldest_ms)
		a->oldest_ms = ms;
}

char *
tt_census_age_str(uint32_t ms, char *buf, size_t len)
{
	uint32_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%u s", s);
	else if (s < 3600)
		snprintf(buf, len, "%u min", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%u h %u min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%u d %u h", s / 86400, s % 86400 / 3600);
	return buf;
}

/* The fine bucket of ms: the first 8 hold 0..7 ms, then 8 per power of
 * two (the top three bits below the leading one pick the eighth). */
static unsigned
fine_index(uint32_t ms)
{
	unsigned e;

	if (ms < 8)
		return ms;
	e = 31u - (unsigned)__builtin_clz(ms);
	return 8 + (e - 3) * 8 + ((ms >> (e - 3)) & 7);
}

static uint32_t
fine_lower(unsigned idx)
{
	unsigned e, sub;

	if (idx < 8)
		return idx;
	e = (idx - 8) / 8 + 3;
	sub = (idx - 8) % 8;
	return (uint32_t)(8 + sub) << (e - 3);
}

uint32_t
tt_census_cw_median_ms(const struct tt_census *c)
{
	uint64_t want = (c->cw_age.n + 1) / 2, seen = 0;

	if (c->cw_age.n == 0)
		return 0;
	for (unsigned i = 0; i < TT_CENSUS_AGE_FINE; i++) {
		seen += c->cw_age_fine[i];
		if (seen >= want)
			return fine_lower(i);
	}
	return c->cw_age.oldest_ms;
}

TT_STRTAB(tt_census_timer, int,
    NULL, [TT_CT_TIME_WAIT] = "time_wait", [TT_CT_FIN_WAIT2_MINI] = "fin_wait2_orphaned",
    [TT_CT_FIN_WAIT2_FULL] = "fin_wait2_full_orphans")

static void
timer_add(struct tt_census *c, int kind, uint32_t ms)
{
	struct tt_census_timer *t = &c->timer[kind];

	if (t->n == 0 || ms < t->min_ms)
		t->min_ms = ms;
	if (ms > t->max_ms)
		t->max_ms = ms;
	t->sum_ms += ms;
	t->n++;
}

/* A socket for the owner walk, while the table has room. */
static struct tt_census_cw *
remember(struct tt_census *c, uint64_t inode, uint16_t port, uint8_t kind)
{
	struct tt_census_cw *e;

	if (inode == 0 || c->ncw >= TT_CENSUS_CW_CAP)
		return NULL;
	e = &c->cw[c->ncw++];
	e->inode = inode;
	e->port = port;
	e->kind = kind;
	e->age_ms = UINT32_MAX;
	e->found = false;
	return e;
}

static void
close_wait_detail(struct tt_census *c, const struct tt_census_sock *s)
{
	struct tt_census_port *p = (struct tt_census_port *)tt_census_cw_port(c, s->sport);
	struct tt_census_cw *e = remember(c, s->inode, s->sport, TT_CI_CLOSE_WAIT);

	if (e != NULL)
		c->cw_kept++;
	if (s->idle_ms == UINT32_MAX)
		return;
	tt_census_age_add(&c->cw_age, s->idle_ms);
	c->cw_age_fine[fine_index(s->idle_ms)]++;
	if (p != NULL)
		tt_census_age_add(&p->age, s->idle_ms);
	if (e != NULL)
		e->age_ms = s->idle_ms;
}

static void
fin_wait2_detail(struct tt_census *c, const struct tt_census_sock *s)
{
	if (s->timer == 3)
		timer_add(c, TT_CT_FIN_WAIT2_MINI, s->expires_ms);
	else if (s->inode == 0 && s->timer == 2)
		timer_add(c, TT_CT_FIN_WAIT2_FULL, s->expires_ms);
	else if (s->inode != 0)
		/* Rows by the service's port: the local one, unless that is
		 * an ephemeral port (a client's), then the remote one. */
		(void)remember(c, s->inode,
		    s->sport >= c->port_lo && s->sport <= c->port_hi ? s->dport : s->sport,
		    TT_CI_FIN_WAIT2);
}

void
tt_census_add(struct tt_census *c, int family, int state, bool timewait, const uint8_t *dst,
    uint16_t sport, uint16_t dport, uint64_t inode)
{
	struct tt_census_sock s = { .family = family,
		.state = state,
		.timer = timewait ? 3 : 0,
		.dst = dst,
		.sport = sport,
		.dport = dport,
		.inode = inode,
		.idle_ms = UINT32_MAX };

	/* Listeners are added apart, with their queues. */
	if (state == TT_CS_LISTEN)
		tt_census_count(c, family, state, timewait, dst, sport, dport);
	else
		tt_census_add_sock(c, &s);
}

void
tt_census_add_sock(struct tt_census *c, const struct tt_census_sock *s)
{
	tt_census_count(c, s->family, s->state, s->timer == 3, s->dst, s->sport, s->dport);
	switch (s->state) {
	case TT_CS_LISTEN: {
		size_t n = c->nlistener;

		tt_census_add_listener(c, s->family, s->sport, s->rqueue, s->wqueue);
		if (c->nlistener > n)
			c->listener[n].inode = s->inode;
		break;
	}
	case TT_CS_CLOSE_WAIT:
		tt_census_cw_count(c, s->sport, s->inode);
		close_wait_detail(c, s);
		break;
	case TT_CS_ESTABLISHED:
		if (s->timer == 2)
			c->est_keepalive++;
		else if (s->timer == 0)
			c->est_no_timer++;
		else
			c->est_busy++;
		break;
	case TT_CS_TIME_WAIT:
		if (s->timer == 3)
			timer_add(c, TT_CT_TIME_WAIT, s->expires_ms);
		break;
	case TT_CS_FIN_WAIT2:
		if (s->timer != 3 && s->inode == 0)
			c->fin_wait2_full_orphans++;
		fin_wait2_detail(c, s);
		break;
	default:
		break;
	}
}

/*
 * The listeners worth naming: a full accept queue, or CLOSE_WAIT sockets
 * waiting in it.  Their inodes join the owner walk's table; returns how
 * many.
 */
size_t
tt_census_want_listeners(struct tt_census *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];
		const struct tt_census_port *p = tt_census_cw_port(c, l->port);
		bool full = l->backlog > 0 && l->accept_queue >= l->backlog;

		if ((full || (p != NULL && p->not_accepted > 0)) &&
		    remember(c, l->inode, l->port, TT_CI_LISTEN) != NULL)
			n++;
	}
	return n;
}

struct tt_census_listener *
tt_census_listener_rw(struct tt_census *c, uint16_t port)
{
	return (struct tt_census_listener *)tt_census_listener(c, port);
}

bool
tt_census_owners_of(const struct tt_census *c, int kind)
{
	return c->owners_walked && (c->walk_kinds == 0 || (c->walk_kinds & (1u << kind)) != 0);
}
