/*
 * What left between two censuses, and when ports run out.  See
 * rates-internal.h.
 */
#include "config.h"

#include <string.h>

#include "rates-internal.h"

/* Which of the n destinations an identity belongs to; n when none. */
static size_t
which_dest(const struct tt_census_id *id, const struct tt_census_dest *const *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i]->port == id->dport && d[i]->id_hash == id->dest_hash)
			break;
	return i;
}

void
tt_rates_left(const struct tt_census *before, const struct tt_census *after,
    const struct tt_census_dest *const *d, size_t n, uint64_t *left, uint64_t *total)
{
	size_t i = 0, j = 0;

	memset(left, 0, n * sizeof(*left));
	*total = 0;
	/* Both sorted the same way: one pass, as a merge. */
	while (i < before->nid) {
		int cmp = j < after->nid ? tt_census_id_cmp(&before->id[i], &after->id[j]) : -1;
		size_t k;

		if (cmp > 0) {
			j++;
			continue;
		}
		if (cmp == 0) {
			i++;
			j++;
			continue;
		}
		(*total)++;
		k = which_dest(&before->id[i], d, n);
		if (k < n)
			left[k]++;
		i++;
	}
}

double
tt_rates_tw_expiring(const uint32_t *tw_left, double seconds)
{
	double n = 0;

	for (int b = 0; b < TT_CENSUS_TW_BUCKETS - 1 && b < seconds; b++) {
		/* Bucket b fires within [b, b + 1) s: the part inside. */
		double part = seconds - b >= 1 ? 1 : seconds - b;

		n += tw_left[b] * part;
	}
	return n;
}

/*
 * Without reuse: the ports held at time t are those held now, less the
 * TIME_WAIT ones whose timers fired, plus rate * t new ones; a timer in
 * bucket b (firing within [b, b + 1) s) is taken to free its port at
 * b + 1, timers being late rather than early.  Sockets opened from now on
 * hold theirs the whole TIME_WAIT length, longer than the buckets reach.
 */
static double
runs_out_at(const struct tt_forecast *fc, const uint32_t *tw_left)
{
	double held = (double)(fc->live + fc->time_wait), avail = (double)fc->available;
	double freed = 0;

	for (int k = 0; k < TT_CENSUS_TW_BUCKETS && k < fc->time_wait_len; k++) {
		double t = (avail - held + freed) / fc->rate;

		if (t < k + 1)
			return t > k ? t : k;
		freed += tw_left != NULL ? tw_left[k] : 0;
	}
	/* From the TIME_WAIT length on, what opens now is freed at the rate
	 * it opens: no crossing by then, none later.  Only a TIME_WAIT longer
	 * than the buckets reach (a vendor kernel's) is left to a guess. */
	if (fc->time_wait_len <= TT_CENSUS_TW_BUCKETS || fc->rate <= fc->sustain)
		return -1;
	return (avail - held + freed) / (fc->rate - fc->sustain);
}

void
tt_forecast_exhaustion(struct tt_forecast *fc, const uint32_t *tw_left)
{
	uint64_t held = fc->live + fc->time_wait;

	fc->exhausted = held >= fc->available;
	if (fc->exhausted)
		fc->to_exhaustion = 0;
	else if (fc->rate <= 0 || (fc->reuse_on && fc->rate < fc->fails_at))
		fc->to_exhaustion = -1;
	else if (fc->reuse_on)
		/* A port in TIME_WAIT comes back after the reuse delay: past
		 * what that sustains, the free ones go at the rate. */
		fc->to_exhaustion = (double)(fc->available - held) / fc->rate;
	else
		fc->to_exhaustion = runs_out_at(fc, tw_left);
}
