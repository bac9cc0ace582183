/*
 * The census as one call (census-gather.c), which tt_snapshot_gather()
 * makes: the dump, the counters, and the owner walk when it pays.  Inside
 * the library.
 */
#ifndef TCPTUNE_CENSUS_GATHER_H
#define TCPTUNE_CENSUS_GATHER_H

#include <stdbool.h>

#include "census.h"
#include "ctx.h"

struct tt_census_opts {
	unsigned port_lo, port_hi;     /* ephemeral range; 0 0: the default */
	long long close_wait_warn;     /* owners are looked for at or above it */
	long long fin_wait2_warn;      /* and at or above it of shutdown() FIN_WAIT2 */
	long long close_wait_age_warn; /* and when a CLOSE_WAIT is this old (s) */
	bool no_owners;
	bool no_detail; /* no tcp_info: CLOSE_WAIT without ages */
};

/* Whether the owner walk pays for this census under o's thresholds; sets
 * what it is to look for (c->walk_kinds). */
bool tt_census_want_owners(struct tt_census *c, const struct tt_census_opts *o);

/*
 * The whole census: dump, counters, and owners when CLOSE_WAIT (or
 * owned FIN_WAIT2) reaches its threshold, a CLOSE_WAIT socket is older
 * than close_wait_age_warn, or a listener is worth naming
 * (full, or CLOSE_WAIT waiting in its queue).  Returns 0 with *out set (free with free(3)), or a
 * negative errno when the dump failed.
 */
int
tt_census_gather(const struct tt_ctx *ctx, const struct tt_census_opts *o, struct tt_census **out);

#endif
