/*
 * The guard of an apply: the kernel's counters that show harm, read
 * before a change (the baseline) and after it at a fixed interval, and the
 * judgment whether the host got worse.  A counter is worse in a sample
 * when its rate over that sample exceeds its threshold, the larger of
 * baseline x relative and baseline + absolute; the apply is to be undone
 * when one counter is worse in `streak` samples in a row (one sample of
 * noise is not harm).  Everything here but tt_guard_read() is arithmetic
 * over plain data: no I/O.
 */
#ifndef TCPTUNE_GUARD_H
#define TCPTUNE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "census.h"
#include "ctx.h"

/*
 * The counters a guard watches, with the default absolute rise (per
 * second) that counts as harm: X(counter id, default absolute).  A rise
 * of TIME_WAIT overflows or memory aborts is harm at any rate a sample
 * can tell from noise; the others move under normal traffic too.
 */
#define TT_GUARD_COUNTERS(X)     \
	X(LISTEN_OVERFLOWS, 5.0) \
	X(LISTEN_DROPS, 5.0)     \
	X(TW_OVERFLOW, 1.0)      \
	X(ABORT_ON_TIMEOUT, 5.0) \
	X(ABORT_ON_MEMORY, 1.0)  \
	X(SYN_RETRANS, 5.0)      \
	X(ATTEMPT_FAILS, 5.0)    \
	X(ESTAB_RESETS, 5.0)     \
	X(OUT_RSTS, 5.0)

/*
 * What a guard watches: the kernel's counters (enum tt_counter_id) and,
 * where tcptune trace runs, one more signal no counter has: connect()
 * calls that failed (EADDRNOTAVAIL above all), TT_GUARD_CONNECT_FAILS.
 */
#define TT_GUARD_CONNECT_FAILS      TT_CTR__COUNT
#define TT_GUARD_NSIG               (TT_CTR__COUNT + 1)
#define TT_GUARD_CONNECT_FAILS_NAME "trace.ConnectFailures"
#define TT_GUARD_CONNECT_FAILS_ABS  5.0

/* A signal's name ("TcpExt.ListenDrops", "trace.ConnectFailures") into
 * buf; returns buf. */
const char *tt_guard_signal_name(int id, char *buf, size_t len);
/* The signal a name names, or -1. */
int tt_guard_signal_from_name(const char *name);

#define TT_GUARD_SAMPLES_MAX  8  /* of the counter that decided, the latest */
#define TT_GUARD_BASELINE_MAX 64 /* readings of a baseline */

struct tt_guard_config {
	double window;   /* seconds watched after the apply */
	double baseline; /* seconds the baseline is measured over */
	double interval; /* seconds between samples */
	double relative; /* a rate above baseline x relative ... */
	int streak;      /* ... in this many samples in a row is harm */
	bool watch[TT_GUARD_NSIG];
	double absolute[TT_GUARD_NSIG]; /* ... and above baseline + absolute */
};

void tt_guard_config_default(struct tt_guard_config *cfg);

/*
 * Sets one setting of a profile's [guard] section: window, baseline,
 * interval (seconds), relative, streak (numbers), or a watched counter by its report name
 * ("TcpExt.ListenDrops") with its absolute threshold per second, or "off"
 * to stop watching it.  0, or -EINVAL with the reason in why.
 */
int tt_guard_config_set(
    struct tt_guard_config *cfg, const char *name, const char *value, char *why, size_t whylen);

/* One reading of the counters: only what a guard needs. */
struct tt_guard_reading {
	double t; /* CLOCK_MONOTONIC seconds */
	bool have[TT_GUARD_NSIG];
	uint64_t v[TT_GUARD_NSIG];
};

struct tt_trace;

/* Reads the counters of the namespace ctx's proc root shows now, and with
 * a tracer (NULL: none) the connect() failures it counted.  0 or a
 * negative errno. */
int tt_guard_read(const struct tt_ctx *ctx, struct tt_trace *t, struct tt_guard_reading *out);

/* Starts a tracer of the calling thread's network namespace for the guard;
 * NULL where tracing cannot run (not built in, not permitted, no BTF). */
struct tt_trace *tt_guard_trace_open(struct tt_ctx *ctx);

enum tt_guard_outcome {
	TT_GUARD_NONE = 0, /* no guard, or no verdict yet */
	TT_GUARD_WORSE,    /* a counter rose past its threshold: undone */
	TT_GUARD_HEALTHY,  /* the window passed with no counter past it */
};

const char *tt_guard_outcome_name(enum tt_guard_outcome v);
int tt_guard_outcome_from_name(const char *s);

/* What the guard decided, kept in the journal (docs/journal.md). */
struct tt_guard_verdict {
	enum tt_guard_outcome outcome;
	double after;     /* seconds from the apply to the verdict */
	double window;    /* seconds watched */
	int nwatched;     /* counters watched */
	int counter;      /* the signal that decided (tt_guard_signal_name()); -1: none */
	double base;      /* its baseline, per second */
	double threshold; /* its threshold, per second */
	int nsamples;     /* its latest samples, oldest first, per second */
	double samples[TT_GUARD_SAMPLES_MAX];
};

struct tt_guard {
	struct tt_guard_config cfg;
	struct tt_guard_reading last;
	double applied;             /* CLOCK_MONOTONIC seconds of the apply */
	double base[TT_GUARD_NSIG]; /* the highest rate of the baseline */
	int run[TT_GUARD_NSIG];     /* samples in a row past the threshold */
	/* Each watched counter's latest samples (a ring). */
	double ring[TT_GUARD_NSIG][TT_GUARD_SAMPLES_MAX];
	int nring;
};

/*
 * Starts a guard from n >= 2 readings taken the configured interval apart
 * over the baseline, the last just before the apply at `applied`.  Each
 * counter's baseline is its highest rate between two readings in a row,
 * so that the noise the host had before the change is not taken for harm
 * after it.  Counters missing from a reading, or gone back, are not
 * watched.
 */
void tt_guard_start(struct tt_guard *g, const struct tt_guard_config *cfg,
    const struct tt_guard_reading *r, int n, double applied);

/* A signal's threshold, per second. */
double tt_guard_threshold(const struct tt_guard *g, int id);

/* The tracer of the watchdog started after the apply: its count starts
 * at zero now. */
void tt_guard_trace_restart(struct tt_guard *g);

/*
 * Weighs one reading taken after the apply.  Returns true when the apply
 * is to be undone, with *v saying why; false otherwise (*v then holds the
 * healthy verdict so far).
 */
bool
tt_guard_sample(struct tt_guard *g, const struct tt_guard_reading *r, struct tt_guard_verdict *v);

#endif
