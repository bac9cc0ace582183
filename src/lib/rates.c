/*
 * Rates between two readings and the port exhaustion forecast.  See
 * rates.h; the counters file is in rates-state.c.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "rates-internal.h"
#include "snapshot.h"
#include "strtab.h"

double
tt_rate_per_s(const struct tt_rates *r, enum tt_counter_id id)
{
	if (r == NULL || id >= TT_CTR__COUNT || !r->have[id] || r->seconds <= 0)
		return 0;
	return (double)r->delta[id] / r->seconds;
}

void
tt_rates_counters(struct tt_rates *r, const bool have0[TT_CTR__COUNT],
    const uint64_t v0[TT_CTR__COUNT], const struct tt_census *c, double seconds)
{
	r->seconds = seconds;
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		r->have[i] = have0[i] && c->have[i] &&
		    tt_counter_cumulative((enum tt_counter_id)i) && c->counter[i] >= v0[i];
		r->delta[i] = r->have[i] ? c->counter[i] - v0[i] : 0;
	}
}

static bool
same_dest(const struct tt_census_dest *a, const struct tt_census_dest *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, n) == 0;
}

static const struct tt_census_dest *
find_dest(const struct tt_census *c, const struct tt_census_dest *d)
{
	for (size_t i = 0; i < c->ndest; i++)
		if (same_dest(&c->dest[i], d))
			return &c->dest[i];
	return NULL;
}

/* Timewait minisockets towards d: both substates hold the port. */
static uint64_t
dest_tw(const struct tt_census_dest *d)
{
	return d->time_wait + d->fin_wait2;
}

TT_STRTAB(tt_rate_why, enum tt_rate_why,
    "exact", [TT_RW_EXACT] = "exact", [TT_RW_NO_IDS] = "no_identities",
    [TT_RW_IDS_FULL] = "identity_table_full", [TT_RW_DEST_TABLE] = "destination_table_full",
    [TT_RW_REUSED] = "reused_between_readings", [TT_RW_OVER_COUNTERS] = "over_active_opens",
    [TT_RW_LONG_INTERVAL] = "interval_over_time_wait", [TT_RW_UNSEEN] = "opens_not_seen")

TT_STRTAB(tt_rate_why_text, enum tt_rate_why,
    "exact", [TT_RW_EXACT] = "exact: every socket told apart in both readings",
    [TT_RW_NO_IDS] = "a reading kept no socket identities: what left TIME_WAIT is predicted "
		     "from its timers, which fire late and in batches",
    [TT_RW_IDS_FULL] = "more sockets than the identity table holds: what left TIME_WAIT is "
		       "predicted from its timers, which fire late and in batches",
    [TT_RW_DEST_TABLE] = "more destinations than the census's table holds: its counts may "
			 "be high",
    [TT_RW_REUSED] = "connections opened and gone between the readings (TIME_WAIT ports "
		     "reused, TcpExt.TWRecycled) are shared out from Tcp.ActiveOpens",
    [TT_RW_OVER_COUNTERS] = "more opens seen than Tcp.ActiveOpens counts: scaled down to it",
    [TT_RW_LONG_INTERVAL] = "the readings are further apart than TIME_WAIT lasts: "
			    "connections opened and gone between them are not seen",
    [TT_RW_UNSEEN] = "Tcp.ActiveOpens counts opens that no reading saw (opened and gone "
		     "between them: refused, reset, closed without TIME_WAIT, or from a port "
		     "outside the range), so the rate may be low")

/* Whether a destination's table row, or another's with the same identity
 * hash and port, leaves its counts in doubt. */
static bool
dest_doubtful(const struct tt_census *c, const struct tt_census_dest *d)
{
	for (size_t i = 0; i < c->ndest; i++) {
		const struct tt_census_dest *o = &c->dest[i];

		if (same_dest(o, d)) {
			if (o->err > 0)
				return true;
		} else if (o->port == d->port && o->id_hash == d->id_hash) {
			return true;
		}
	}
	return !find_dest(c, d) && c->dest_evictions > 0;
}

/* Why a destination's figures cannot be exact; TT_RW_EXACT when they are. */
static enum tt_rate_why
dest_why(
    const struct tt_census *before, const struct tt_census *after, const struct tt_census_dest *d)
{
	if (!before->keep_ids || !after->keep_ids)
		return TT_RW_NO_IDS;
	if (!tt_census_ids_complete(before) || !tt_census_ids_complete(after))
		return TT_RW_IDS_FULL;
	if (dest_doubtful(before, d) || dest_doubtful(after, d))
		return TT_RW_DEST_TABLE;
	return TT_RW_EXACT;
}

/* One destination, with left (its sockets gone) when identities tell it. */
static void
rate_dest(const struct tt_census *before, const struct tt_census *after,
    const struct tt_census_dest *d, double seconds, const uint64_t *left, struct tt_rate_dest *rd)
{
	const struct tt_census_dest *b = find_dest(before, d);
	double n0 = b ? (double)b->count : 0, tw0 = b ? (double)dest_tw(b) : 0;
	double gone, entered, closed;

	memset(rd, 0, sizeof(*rd));
	rd->dest = *d;
	rd->why = dest_why(before, after, d);
	if (left != NULL && rd->why != TT_RW_NO_IDS && rd->why != TT_RW_IDS_FULL) {
		rd->left = *left;
		gone = (double)*left;
	} else {
		gone = b ? tt_rates_tw_expiring(b->tw_left, seconds) : 0;
		rd->left = (uint64_t)gone;
	}
	entered = (double)d->count - n0 + gone;
	closed = (double)dest_tw(d) - tw0 + gone;
	rd->entered = rd->seen = entered > 0 ? entered : 0;
	rd->seen_why = rd->why;
	rd->new_per_s = rd->entered / seconds;
	rd->time_wait_per_s = closed > 0 ? closed / seconds : 0;
}

/* The destinations, and the opens seen towards all of them. */
static void
rate_dests(const struct tt_census *before, const struct tt_census *after, double seconds,
    struct tt_rates *out)
{
	size_t idx[TT_RATES_DEST_MAX];
	const struct tt_census_dest *d[TT_RATES_DEST_MAX];
	uint64_t left[TT_RATES_DEST_MAX], total = 0;
	bool ids = tt_census_ids_complete(before) && tt_census_ids_complete(after);

	out->ndest = tt_census_top_dests(after, idx, TT_RATES_DEST_MAX);
	for (size_t i = 0; i < out->ndest; i++)
		d[i] = &after->dest[idx[i]];
	if (ids) {
		tt_rates_left(before, after, d, out->ndest, left, &total);
		out->opens_seen =
		    (int64_t)after->outbound - (int64_t)before->outbound + (int64_t)total;
	}
	for (size_t i = 0; i < out->ndest; i++)
		rate_dest(before, after, d[i], seconds, ids ? &left[i] : NULL, &out->dest[i]);
	out->crosschecked = ids && out->have[TT_CTR_ACTIVE_OPENS];
	if (!out->crosschecked) {
		out->opens_seen = 0;
		return;
	}
	out->opens_unseen = (int64_t)out->delta[TT_CTR_ACTIVE_OPENS] - out->opens_seen;
	/* The counters are read just after each dump: a connection opened
	 * while a dump runs may be counted by one and not the other.  What
	 * can open meanwhile, at this rate, is no disagreement. */
	if (fabs((double)out->opens_unseen) <= 2 +
		tt_rate_per_s(out, TT_CTR_ACTIVE_OPENS) *
		    (before->dump_end - before->dump_start + after->dump_end - after->dump_start +
			0.002))
		out->opens_unseen = 0;
}

static const struct tt_census_owner *
port_owner(const struct tt_census *c, uint16_t port)
{
	const struct tt_census_owner *best = NULL;

	for (size_t i = 0; c->owners_walked && i < c->nowner; i++)
		if (c->owner[i].port == port && (best == NULL || c->owner[i].count > best->count))
			best = &c->owner[i];
	return best;
}

/* The row of c with p's key (a service's port, or a client's
 * destination), NULL when none. */
static const struct tt_census_port *
same_row(const struct tt_census *c, const struct tt_census_port *p)
{
	for (size_t i = 0; i < c->ncw_port; i++) {
		const struct tt_census_port *q = &c->cw_port[i];

		if (q->client == p->client && q->port == p->port && q->family == p->family &&
		    memcmp(q->addr, p->addr, sizeof(q->addr)) == 0)
			return q;
	}
	return NULL;
}

static void
rate_ports(const struct tt_census *before, const struct tt_census *after, double seconds,
    struct tt_rates *out)
{
	for (size_t i = 0; i < after->ncw_port && out->nport < TT_RATES_PORT_MAX; i++) {
		const struct tt_census_port *p = &after->cw_port[i];
		const struct tt_census_port *q = same_row(before, p);
		const struct tt_census_owner *o = port_owner(after, p->port);
		struct tt_rate_port *rp = &out->port[out->nport++];

		memset(rp, 0, sizeof(*rp));
		rp->port = p->port;
		rp->client = p->client;
		rp->family = p->family;
		memcpy(rp->addr, p->addr, sizeof(rp->addr));
		rp->not_accepted = p->not_accepted;
		rp->after = p->close_wait;
		rp->before = q ? q->close_wait : 0;
		rp->per_s = ((double)rp->after - (double)rp->before) / seconds;
		if (o != NULL) {
			rp->pid = o->pid;
			memcpy(rp->comm, o->comm, sizeof(rp->comm));
		}
	}
}

void
tt_rates_compute(const struct tt_census *before, const struct tt_census *after, double seconds,
    struct tt_rates *out)
{
	uint64_t tw0 = tt_census_state(before, TT_CS_TIME_WAIT) +
	    tt_census_state(before, TT_CS_FIN_WAIT2_ORPHANED);
	uint64_t tw1 = tt_census_state(after, TT_CS_TIME_WAIT) +
	    tt_census_state(after, TT_CS_FIN_WAIT2_ORPHANED);

	memset(out, 0, sizeof(*out));
	out->from = tt_census_time(before);
	out->to = tt_census_time(after);
	/* The dumps' own moments, where known: the time between the two
	 * readings, not whatever else the caller did around them. */
	if (out->from > 0 && out->to > out->from)
		seconds = out->to - out->from;
	else
		out->from = out->to = 0;
	if (seconds <= 0)
		seconds = 1e-3;
	tt_rates_counters(out, before->have, before->counter, after, seconds);
	out->measured = true;
	out->time_wait_delta = (int64_t)tw1 - (int64_t)tw0;
	out->close_wait_delta = (int64_t)tt_census_state(after, TT_CS_CLOSE_WAIT) -
	    (int64_t)tt_census_state(before, TT_CS_CLOSE_WAIT);
	rate_dests(before, after, seconds, out);
	rate_ports(before, after, seconds, out);
}

void
tt_forecast_compute(struct tt_forecast *fc, uint64_t available, uint64_t live, uint64_t time_wait,
    double rate, double time_wait_len, bool reuse_on, double reuse_delay)
{
	double free_ports = available > live ? (double)(available - live) : 0;

	memset(fc, 0, sizeof(*fc));
	fc->available = available;
	fc->live = live;
	fc->time_wait = time_wait;
	fc->rate = rate;
	fc->time_wait_len = time_wait_len > 0 ? time_wait_len : TT_TIME_WAIT_LEN;
	fc->reuse_delay = reuse_delay > 0 ? reuse_delay : 1;
	fc->reuse_on = reuse_on;
	fc->sustain = free_ports / fc->time_wait_len;
	fc->sustain_reuse = free_ports / fc->reuse_delay;
	fc->fails_at = reuse_on ? fc->sustain_reuse : fc->sustain;
	if (fc->fails_at > 0)
		fc->use_pct = rate * 100 / fc->fails_at;
	else
		fc->use_pct = rate > 0 ? 100 : 0;
}

static bool
loopback(const struct tt_census_dest *d)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (d->family == AF_INET6)
		return memcmp(d->addr, v6lo, 16) == 0;
	return d->addr[0] == 127;
}

static long long
key_or(const struct tt_snapshot *snap, enum tt_key_id k, long long dflt)
{
	const struct tt_val *v = tt_snapshot_value(snap, k);

	return v != NULL ? v->v[0] : dflt;
}

/* A destination's opens set to entered, and why. */
static void
dest_set(struct tt_rate_dest *d, double entered, double seconds, enum tt_rate_why why)
{
	d->entered = entered;
	d->new_per_s = entered / seconds;
	d->why = why;
}

/* More seen than Tcp.ActiveOpens counts (or it stayed flat): scaled down,
 * so no rate is one the counter contradicts.  Whether it did. */
static bool
settle_over(struct tt_rates *r)
{
	double a = (double)r->delta[TT_CTR_ACTIVE_OPENS], seen = 0, scale;

	for (size_t i = 0; i < r->ndest; i++)
		seen += r->dest[i].entered;
	/* Cross-checked, a few opens more than counted are the dumps' own
	 * race (opens_unseen is 0 then); a flat counter admits none. */
	if (r->crosschecked && a > 0) {
		if (r->opens_unseen >= 0)
			return false;
		if ((double)r->opens_seen > seen)
			seen = (double)r->opens_seen;
	}
	if (seen <= a || seen <= 0)
		return false;
	scale = a / seen;
	for (size_t i = 0; i < r->ndest; i++)
		if (r->dest[i].entered > 0)
			dest_set(&r->dest[i], r->dest[i].entered * scale, r->seconds,
			    TT_RW_OVER_COUNTERS);
	return true;
}

/*
 * Opens that Tcp.ActiveOpens counts and no census saw were opened and gone
 * between the two readings.  With tcp_tw_reuse a port can be taken again,
 * closed, and taken again within the interval: as many as TcpExt.TWRecycled
 * rose go to the destinations where reuse applies, by their rates.
 */
static void
settle(struct tt_rates *r, const bool *reuse_on, double tw_len)
{
	double give, weight = 0;
	size_t n = 0;

	for (size_t i = 0; i < r->ndest; i++) {
		struct tt_rate_dest *d = &r->dest[i];

		dest_set(d, d->seen, r->seconds, d->seen_why);
		if (r->seconds >= tw_len && d->why == TT_RW_EXACT)
			d->why = TT_RW_LONG_INTERVAL;
	}
	if (!r->have[TT_CTR_ACTIVE_OPENS] || settle_over(r) || !r->crosschecked ||
	    r->opens_unseen <= 0)
		return;
	give = (double)r->opens_unseen;
	if (!r->have[TT_CTR_TW_RECYCLED])
		give = 0;
	else if ((double)r->delta[TT_CTR_TW_RECYCLED] < give)
		give = (double)r->delta[TT_CTR_TW_RECYCLED];
	for (size_t i = 0; i < r->ndest; i++)
		if (reuse_on[i]) {
			weight += r->dest[i].entered;
			n++;
		}
	if (n == 0)
		give = 0;
	for (size_t i = 0; give > 0 && i < r->ndest; i++) {
		struct tt_rate_dest *d = &r->dest[i];

		if (!reuse_on[i])
			continue;
		dest_set(d,
		    d->entered + give * (weight > 0 ? d->entered / weight : 1.0 / (double)n),
		    r->seconds, TT_RW_REUSED);
	}
	/* What is left could be anyone's: no rate is sure not to be low. */
	for (size_t i = 0; give < (double)r->opens_unseen && i < r->ndest; i++)
		if (r->dest[i].why == TT_RW_EXACT)
			r->dest[i].why = TT_RW_UNSEEN;
}

void
tt_rates_forecast(struct tt_rates *r, const struct tt_snapshot *snap)
{
	const struct tt_val *pr = tt_snapshot_value(snap, TT_K_LOCAL_PORT_RANGE);
	long long reuse = key_or(snap, TT_K_TW_REUSE, 2);
	long long ts = key_or(snap, TT_K_TIMESTAMPS, 1);
	double delay = (double)key_or(snap, TT_K_TW_REUSE_DELAY, 1000) / 1000;
	double tw_len = (double)key_or(snap, TT_K_TW_TIMEOUT, TT_TIME_WAIT_LEN);
	bool on[TT_RATES_DEST_MAX] = { false };
	long long avail;

	if (!tt_port_range_valid(pr))
		pr = &tt_key_get(TT_K_LOCAL_PORT_RANGE)->def;
	avail = pr->v[1] - pr->v[0] + 1 -
	    tt_snapshot_reserved_in(snap, (unsigned)pr->v[0], (unsigned)pr->v[1]);
	if (avail < 0)
		avail = 0;
	for (size_t i = 0; i < r->ndest; i++)
		on[i] = ts != 0 && (reuse == 1 || (reuse == 2 && loopback(&r->dest[i].dest)));
	if (r->measured)
		settle(r, on, tw_len > 0 ? tw_len : TT_TIME_WAIT_LEN);
	for (size_t i = 0; i < r->ndest; i++) {
		struct tt_rate_dest *rd = &r->dest[i];
		uint64_t tw = dest_tw(&rd->dest);

		tt_forecast_compute(&rd->fc, (uint64_t)avail, rd->dest.count - tw, tw,
		    rd->new_per_s, tw_len, on[i], delay);
		tt_forecast_exhaustion(&rd->fc, rd->dest.tw_left);
	}
}
