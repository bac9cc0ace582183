/*
 * The socket census.  See census.h; its parts are census-diag.c (the
 * sock_diag decoder and dump), census-dest.c (the destination table),
 * census-proc.c (the kernel's counters) and census-owner.c (who holds
 * CLOSE_WAIT sockets).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "census-internal.h"

static const char *const cstate_names[TT_CS__COUNT] = {
	[TT_CS_ESTABLISHED] = "ESTABLISHED",
	[TT_CS_SYN_SENT] = "SYN_SENT",
	[TT_CS_SYN_RECV] = "SYN_RECV",
	[TT_CS_FIN_WAIT1] = "FIN_WAIT1",
	[TT_CS_FIN_WAIT2] = "FIN_WAIT2",
	[TT_CS_TIME_WAIT] = "TIME_WAIT",
	[TT_CS_CLOSE] = "CLOSE",
	[TT_CS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TT_CS_LAST_ACK] = "LAST_ACK",
	[TT_CS_LISTEN] = "LISTEN",
	[TT_CS_CLOSING] = "CLOSING",
	[TT_CS_FIN_WAIT2_ORPHANED] = "FIN_WAIT2_ORPHANED",
};

const char *
tt_cstate_name(int st)
{
	if (st <= 0 || st >= TT_CS__COUNT)
		return NULL;
	return cstate_names[st];
}

void
tt_census_init(struct tt_census *c, unsigned lo, unsigned hi)
{
	size_t a = offsetof(struct tt_census, cw), b = offsetof(struct tt_census, ncw);

	/* All but the CLOSE_WAIT table, which is read only up to ncw: its
	 * pages stay untouched, and out of the resident set, until used. */
	memset(c, 0, a);
	memset((char *)c + b, 0, sizeof(*c) - b);
	c->port_lo = (uint16_t)lo;
	c->port_hi = (uint16_t)hi;
	for (size_t i = 0; i < sizeof(c->dest_hash) / sizeof(c->dest_hash[0]); i++)
		c->dest_hash[i] = -1;
}

uint64_t
tt_census_state(const struct tt_census *c, enum tt_cstate st)
{
	uint64_t n = 0;

	for (int f = 0; f < TT_CF__COUNT; f++)
		n += c->state[f][st];
	return n;
}

/* --- all together ----------------------------------------------------- */

/* The owner walk pays for CLOSE_WAIT or FIN_WAIT2 shut down but not
 * closed at their thresholds, CLOSE_WAIT past its age, or a listener
 * worth naming. */
bool
tt_census_want_owners(struct tt_census *c, const struct tt_census_opts *o)
{
	uint64_t cw = tt_census_state(c, TT_CS_CLOSE_WAIT);
	uint64_t fw2 = tt_census_state(c, TT_CS_FIN_WAIT2) - c->fin_wait2_full_orphans;

	c->walk_kinds = 0;
	/* Any CLOSE_WAIT: a few held long by one process are a leak as
	 * much as many, and the walk is bounded. */
	if (cw > 0)
		c->walk_kinds |= 1u << TT_CI_CLOSE_WAIT;
	if (c->est_far_keepalive > 0)
		c->walk_kinds |= 1u << TT_CI_FAR;
	if (fw2 > 0 && o->fin_wait2_warn > 0 && (long long)fw2 >= o->fin_wait2_warn)
		c->walk_kinds |= 1u << TT_CI_FIN_WAIT2;
	if (tt_census_want_listeners(c) > 0)
		c->walk_kinds |= 1u << TT_CI_LISTEN;
	/* Only what was wanted: a full listener alone must not cost a
	 * walk that looks for every CLOSE_WAIT socket. */
	return c->walk_kinds != 0;
}

int
tt_census_gather(const struct tt_ctx *ctx, const struct tt_census_opts *o, struct tt_census **out)
{
	struct tt_census *c = malloc(sizeof(*c));
	unsigned lo = o->port_lo, hi = o->port_hi;
	struct tt_val given = { .n = 2, .v = { lo, hi } };
	int r;

	*out = NULL;
	if (c == NULL)
		return -ENOMEM;
	if (!tt_port_range_valid(&given)) {
		const struct tt_val *def = &tt_key_get(TT_K_LOCAL_PORT_RANGE)->def;

		/* the kernel's default range */
		lo = (unsigned)def->v[0];
		hi = (unsigned)def->v[1];
	}
	tt_census_init(c, lo, hi);
	c->detail = !o->no_detail;
	tt_census_set_netns(ctx, c);
	r = tt_census_dump(ctx, c);
	if (r < 0) {
		free(c);
		return r;
	}
	/* Counters and owners are extras: their failures are logged only. */
	(void)tt_census_read_counters(ctx, c);
	if (!o->no_owners && tt_census_want_owners(c, o))
		(void)tt_census_find_owners(ctx, c);
	*out = c;
	return 0;
}

void
tt_census_add_listener(
    struct tt_census *c, int family, uint16_t port, uint32_t queued, uint32_t backlog)
{
	struct tt_census_listener *l;

	if (c->nlistener == TT_CENSUS_PORT_CAP) {
		c->listeners_dropped++;
		return;
	}
	l = &c->listener[c->nlistener++];
	l->family = (uint8_t)family;
	l->port = port;
	l->accept_queue = queued;
	l->backlog = backlog;
}

const struct tt_census_port *
tt_census_cw_port(const struct tt_census *c, uint16_t port)
{
	for (size_t i = 0; i < c->ncw_port; i++)
		if (!c->cw_port[i].client && c->cw_port[i].port == port)
			return &c->cw_port[i];
	return NULL;
}

const struct tt_census_listener *
tt_census_listener(const struct tt_census *c, uint16_t port)
{
	for (size_t i = 0; i < c->nlistener; i++)
		if (c->listener[i].port == port)
			return &c->listener[i];
	return NULL;
}
