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

/* The owner walk pays for CLOSE_WAIT or FIN_WAIT2 shut down but not
 * closed at their thresholds, CLOSE_WAIT past its age, or a listener
 * worth naming. */
bool
tt_census_want_owners(struct tt_census *c, const struct tt_census_opts *o)
{
	uint64_t cw = tt_census_state(c, TT_CS_CLOSE_WAIT);
	uint64_t fw2 = tt_census_state(c, TT_CS_FIN_WAIT2) - c->fin_wait2_full_orphans;

	c->walk_kinds = 0;
	if ((cw > 0 && (long long)cw >= o->close_wait_warn) ||
	    (c->cw_age.n > 0 && o->close_wait_age_warn > 0 &&
		(long long)c->cw_age.oldest_ms >= o->close_wait_age_warn * 1000))
		c->walk_kinds |= 1u << TT_CI_CLOSE_WAIT;
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
