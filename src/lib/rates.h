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

/* Whether a destination's rate is exact, and if not, why. */
enum tt_rate_why {
	TT_RW_EXACT,         /* every socket told apart in both censuses */
	TT_RW_NO_IDS,        /* a census kept no socket identities */
	TT_RW_IDS_FULL,      /* more sockets than the identity table holds */
	TT_RW_DEST_TABLE,    /* more destinations than the census's table holds */
	TT_RW_REUSED,        /* connections opened and gone between the readings */
	TT_RW_OVER_COUNTERS, /* more opens seen than Tcp.ActiveOpens counts */
	TT_RW_LONG_INTERVAL, /* the readings further apart than TIME_WAIT lasts */
	TT_RW_UNSEEN,        /* Tcp.ActiveOpens counts opens no reading saw, not given */
	TT_RW__COUNT
};
/* "exact", "no_identities", "identity_table_full", "destination_table_full",
 * "reused_between_readings", "over_active_opens", "interval_over_time_wait",
 * "opens_not_seen" */
const char *tt_rate_why_name(enum tt_rate_why v);
int tt_rate_why_from_name(const char *s);
/* The same in words, for text and findings. */
const char *tt_rate_why_text_name(enum tt_rate_why v);
int tt_rate_why_text_from_name(const char *s);

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
	bool exhausted;       /* every available port is held now */
	/* Seconds until no port is left at this rate (0 when exhausted); -1:
	 * the rate does not exhaust them (tt_forecast_exhaustion()). */
	double to_exhaustion;
};

struct tt_rate_dest {
	struct tt_census_dest dest; /* as the later census counted it */
	double time_wait_per_s;     /* closing: the rise of TIME_WAIT plus what left */
	double new_per_s;           /* connections opened to it */
	uint64_t left;              /* its sockets of the earlier census gone from the later */
	double entered;             /* connections opened to it between the readings */
	enum tt_rate_why why;       /* TT_RW_EXACT, or why new_per_s is an estimate */
	/* entered and why as the sockets told them, before tt_rates_forecast()
	 * settled them against the counters (so that settling twice is once) */
	double seen;
	enum tt_rate_why seen_why;
	struct tt_forecast fc;
};

/* CLOSE_WAIT growth on one local port, with its biggest owner when the
 * later census looked for owners (pid 0: none known). */
struct tt_rate_port {
	uint16_t port;
	/* A client's row: CLOSE_WAIT towards a destination (family, addr,
	 * port the remote one), as struct tt_census_port has it. */
	bool client;
	uint8_t family;
	uint8_t addr[16];
	uint64_t not_accepted; /* of after: waiting in the accept queue */
	uint64_t before, after;
	double per_s;
	int pid;
	char comm[32];
};

struct tt_rates {
	double seconds; /* between the two readings */
	/* measured: the two censuses' moments (tt_census_time()), CLOCK_MONOTONIC
	 * seconds; 0 when a census has none (then seconds is the caller's) */
	double from, to;
	/* true: two censuses taken seconds apart; false: only the counters,
	 * against those the previous check kept */
	bool measured;
	bool have[TT_CTR__COUNT]; /* both readings have it, and it did not go back */
	uint64_t delta[TT_CTR__COUNT];
	/* measured only: */
	int64_t time_wait_delta, close_wait_delta;
	/* Connections opened towards every destination, seen by the sockets'
	 * identities (after - before + gone), and how many Tcp.ActiveOpens
	 * counts beyond them (0 when they agree within what can open during
	 * the dumps themselves); crosschecked: both were known. */
	bool crosschecked;
	int64_t opens_seen, opens_unseen;
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
 * Rates between two censuses of one namespace, seconds apart (> 0; the
 * censuses' own moments where they have them): counters, new connections
 * per destination (the later census's busiest), CLOSE_WAIT growth per
 * local port.  A destination's new connections are its sockets after,
 * less those before, plus those of the earlier census gone from the later
 * one, told apart by their identities (both censuses kept them: exact);
 * without identities what left TIME_WAIT is predicted from the earlier
 * census's timers (an estimate: timers fire late and in batches).  The
 * sums are set against Tcp.ActiveOpens by tt_rates_forecast(), which
 * knows where tcp_tw_reuse applies; forecasts are left empty until then.
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
 * When the ports run out at fc's rate (fc->exhausted, fc->to_exhaustion),
 * from its ports held and free and tw_left, when the destination's
 * TIME_WAIT timers fire (seconds from now, TT_CENSUS_TW_BUCKETS; NULL:
 * none known), each port returning as its timer fires.
 */
void tt_forecast_exhaustion(struct tt_forecast *fc, const uint32_t *tw_left);

/*
 * Settles the rates against the counters, then fills every destination's
 * forecast from the snapshot's keys
 * (ip_local_port_range less ip_local_reserved_ports, tcp_tw_reuse,
 * tcp_tw_reuse_delay, tcp_timestamps, and a vendor kernel's
 * tcp_tw_timeout for the TIME_WAIT length).  Before tcp_tw_reuse_delay existed
 * (6.14) the wait was 1 to 2 s: 1 s is taken.  Settling: opens that
 * Tcp.ActiveOpens counts and no census saw were made and gone between the
 * readings; as many as TcpExt.TWRecycled rose are given to the
 * destinations tcp_tw_reuse applies to, in proportion to their rates (an
 * estimate); where more are left, every rate may be low, and says so.
 * More opens seen than the counter counts are scaled down to it, so that
 * no rate is one the counters contradict.
 */
void tt_rates_forecast(struct tt_rates *r, const struct tt_snapshot *snap);

/* The counters file of the previous check (rates-state.c). */
#include "rates-state.h"

#endif
