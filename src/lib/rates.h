/*
 * Over time: what changed between two readings of one network namespace.
 *
 * Two censuses taken some seconds apart (check --interval, watch) give
 * rates: the kernel's cumulative counters per second, TIME_WAIT entering
 * per second per destination, CLOSE_WAIT growth per local port, and for
 * each busy destination a forecast of the rate at which its ephemeral
 * ports run out.  A counters file kept from the previous check gives the
 * counters' rise since then (tt_counters_load/save).  Everything here but
 * the file is arithmetic over plain data: no I/O.
 */
#ifndef TCPTUNE_RATES_H
#define TCPTUNE_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "census.h"
#include "ctx.h"

struct tt_snapshot;

/* TIME_WAIT length: fixed in the kernel (TCP_TIMEWAIT_LEN), seconds. */
#define TT_TIME_WAIT_LEN 60
/* Destinations with a forecast, busiest first (the census's top N). */
#define TT_RATES_DEST_MAX TT_CENSUS_DEST_SHOW
/* Local ports whose CLOSE_WAIT growth is kept. */
#define TT_RATES_PORT_MAX 16

/*
 * How fast the ephemeral ports towards one destination run out.  A port
 * that closed from this side is held for TT_TIME_WAIT_LEN seconds, or, with
 * tcp_tw_reuse in force for it, until tcp_tw_reuse_delay has passed.
 */
struct tt_forecast {
	uint64_t available;   /* ports of the range less the reserved ones */
	uint64_t live;        /* held by sockets not in TIME_WAIT (ESTABLISHED, SYN_SENT, ...) */
	uint64_t time_wait;   /* held in TIME_WAIT (timewait minisockets) */
	double time_wait_len; /* seconds: 60, or a vendor kernel's tcp_tw_timeout */
	double rate;          /* new connections per second */
	double sustain; /* the most per second without reuse: (available - live) / time_wait_len */
	double sustain_reuse; /* with tcp_tw_reuse: (available - live) / delay */
	double reuse_delay;   /* seconds before a TIME_WAIT port is reused */
	bool reuse_on;        /* tcp_tw_reuse (and timestamps) apply here now */
	double fails_at;      /* the rate where connect() starts failing now */
	double use_pct;       /* rate as a share of fails_at, percent */
};

struct tt_rate_dest {
	struct tt_census_dest dest; /* as the later census counted it */
	double time_wait_per_s;     /* entering TIME_WAIT */
	double new_per_s;           /* connections opened to it */
	struct tt_forecast fc;
};

/* CLOSE_WAIT growth on one local port, with its biggest owner when the
 * later census looked for owners (pid 0: none known). */
struct tt_rate_port {
	uint16_t port;
	uint64_t before, after;
	double per_s;
	int pid;
	char comm[32];
};

struct tt_rates {
	double seconds; /* between the two readings */
	/* true: two censuses taken seconds apart; false: only the counters,
	 * against those the previous check kept */
	bool measured;
	bool have[TT_CTR__COUNT]; /* both readings have it, and it did not go back */
	uint64_t delta[TT_CTR__COUNT];
	/* measured only: */
	int64_t time_wait_delta, close_wait_delta;
	struct tt_rate_dest dest[TT_RATES_DEST_MAX];
	size_t ndest;
	struct tt_rate_port port[TT_RATES_PORT_MAX];
	size_t nport;
};

/* A counter's rise per second; 0 without it or without time. */
double tt_rate_per_s(const struct tt_rates *r, enum tt_counter_id id);

/*
 * The rise of every cumulative counter from (have0, v0) to c, over seconds.
 * A counter that went down (the namespace was made anew) has none.
 */
void tt_rates_counters(struct tt_rates *r, const bool have0[TT_CTR__COUNT],
    const uint64_t v0[TT_CTR__COUNT], const struct tt_census *c, double seconds);

/*
 * Rates between two censuses of one namespace, seconds apart (> 0):
 * counters, TIME_WAIT entering and new connections per destination (the
 * later census's busiest), CLOSE_WAIT growth per local port.  TIME_WAIT
 * entering is the rise of its count plus what left it meanwhile, taken as
 * the share seconds / 60 of the earlier count (each lives 60 s).
 * Forecasts are left empty: tt_rates_forecast() fills them.
 */
void tt_rates_compute(const struct tt_census *before, const struct tt_census *after, double seconds,
    struct tt_rates *out);

/*
 * The forecast for one destination, from its ports and rate and whether
 * tcp_tw_reuse applies to it with a delay of reuse_delay seconds.
 */
void tt_forecast_compute(struct tt_forecast *fc, uint64_t available, uint64_t live,
    uint64_t time_wait, double rate, double time_wait_len, bool reuse_on, double reuse_delay);

/*
 * Fills every destination's forecast from the snapshot's keys
 * (ip_local_port_range less ip_local_reserved_ports, tcp_tw_reuse,
 * tcp_tw_reuse_delay, tcp_timestamps, and a vendor kernel's
 * tcp_tw_timeout for the TIME_WAIT length).  Before tcp_tw_reuse_delay existed
 * (6.14) the wait was 1 to 2 s: 1 s is taken.
 */
void tt_rates_forecast(struct tt_rates *r, const struct tt_snapshot *snap);

/* The counters file of the previous check (rates-state.c). */
#include "rates-state.h"

#endif
