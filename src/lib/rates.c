/*
 * Rates between two readings and the port exhaustion forecast.  See
 * rates.h; the counters file is in rates-state.c.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "rates.h"
#include "snapshot.h"

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

static void
rate_dest(const struct tt_census *before, const struct tt_census_dest *d, double seconds,
    struct tt_rate_dest *rd)
{
	const struct tt_census_dest *b = find_dest(before, d);
	double tw0 = b ? (double)dest_tw(b) : 0, tw1 = (double)dest_tw(d);
	double live0 = b ? (double)(b->count - dest_tw(b)) : 0;
	double live1 = (double)(d->count - dest_tw(d));
	double gone =
	    tw0 * (seconds < TT_TIME_WAIT_LEN ? seconds : TT_TIME_WAIT_LEN) / TT_TIME_WAIT_LEN;
	double entered = tw1 - tw0 + gone;

	memset(rd, 0, sizeof(*rd));
	rd->dest = *d;
	rd->time_wait_per_s = entered > 0 ? entered / seconds : 0;
	rd->new_per_s = rd->time_wait_per_s + (live1 > live0 ? (live1 - live0) / seconds : 0);
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
	size_t idx[TT_RATES_DEST_MAX];
	uint64_t tw0 = tt_census_state(before, TT_CS_TIME_WAIT) +
	    tt_census_state(before, TT_CS_FIN_WAIT2_ORPHANED);
	uint64_t tw1 = tt_census_state(after, TT_CS_TIME_WAIT) +
	    tt_census_state(after, TT_CS_FIN_WAIT2_ORPHANED);

	memset(out, 0, sizeof(*out));
	if (seconds <= 0)
		seconds = 1e-3;
	tt_rates_counters(out, before->have, before->counter, after, seconds);
	out->measured = true;
	out->time_wait_delta = (int64_t)tw1 - (int64_t)tw0;
	out->close_wait_delta = (int64_t)tt_census_state(after, TT_CS_CLOSE_WAIT) -
	    (int64_t)tt_census_state(before, TT_CS_CLOSE_WAIT);
	out->ndest = tt_census_top_dests(after, idx, TT_RATES_DEST_MAX);
	for (size_t i = 0; i < out->ndest; i++)
		rate_dest(before, &after->dest[idx[i]], seconds, &out->dest[i]);
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

void
tt_rates_forecast(struct tt_rates *r, const struct tt_snapshot *snap)
{
	const struct tt_val *pr = tt_snapshot_value(snap, TT_K_LOCAL_PORT_RANGE);
	long long reuse = key_or(snap, TT_K_TW_REUSE, 2);
	long long ts = key_or(snap, TT_K_TIMESTAMPS, 1);
	double delay = (double)key_or(snap, TT_K_TW_REUSE_DELAY, 1000) / 1000;
	double tw_len = (double)key_or(snap, TT_K_TW_TIMEOUT, TT_TIME_WAIT_LEN);
	long long avail;

	if (!tt_port_range_valid(pr))
		pr = &tt_key_get(TT_K_LOCAL_PORT_RANGE)->def;
	avail = pr->v[1] - pr->v[0] + 1 -
	    tt_snapshot_reserved_in(snap, (unsigned)pr->v[0], (unsigned)pr->v[1]);
	if (avail < 0)
		avail = 0;
	for (size_t i = 0; i < r->ndest; i++) {
		struct tt_rate_dest *rd = &r->dest[i];
		uint64_t tw = dest_tw(&rd->dest);
		bool on = ts != 0 && (reuse == 1 || (reuse == 2 && loopback(&rd->dest)));

		tt_forecast_compute(&rd->fc, (uint64_t)avail, rd->dest.count - tw, tw,
		    rd->new_per_s, tw_len, on, delay);
	}
}
