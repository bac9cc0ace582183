/*
 * Inside the rates: which sockets left between two censuses, and when a
 * destination's ports run out.  Not for the front end.
 */
#ifndef TCPTUNE_RATES_INTERNAL_H
#define TCPTUNE_RATES_INTERNAL_H

#include "rates.h"

/*
 * The sockets of before gone from after, by their identities (both
 * censuses sorted, tt_census_ids_sort()): in all into *total, and for
 * each of the n destinations d[i] into left[i].  Both censuses must have
 * kept every identity (tt_census_ids_complete()).
 */
void tt_rates_left(const struct tt_census *before, const struct tt_census *after,
    const struct tt_census_dest *const *d, size_t n, uint64_t *left, uint64_t *total);

/* Of the timewait sockets in tw_left (seconds left, by whole seconds),
 * those whose timers fire within seconds: the prediction, used only
 * where identities are missing. */
double tt_rates_tw_expiring(const uint32_t *tw_left, double seconds);

#endif
