/*
 * The census as one call: the sock_diag dump, the counters of /proc/net,
 * and the owner walk when it pays.  It calls the files that fill a census;
 * none of them calls it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "catalog.h"
#include "census-diag.h"
#include "census-gather.h"
#include "census-owner.h"
#include "census-proc.h"
#include "census.h"
#include "value.h"

/* The owner walk pays for any CLOSE_WAIT, keepalive sockets beyond a
 * NAT, FIN_WAIT2 shut down but not closed at its threshold, or a
 * listener worth naming. */
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
	c->keep_ids = o->keep_ids;
	tt_census_set_netns(ctx, c);
	r = tt_census_dump(ctx, c);
	if (r < 0) {
		tt_census_free(c);
		return r;
	}
	tt_census_ids_sort(c);
	/* Counters and owners are extras: their failures are logged only. */
	(void)tt_census_read_counters(ctx, c);
	if (!o->no_owners && tt_census_want_owners(c, o))
		(void)tt_census_find_owners(ctx, c);
	*out = c;
	return 0;
}
