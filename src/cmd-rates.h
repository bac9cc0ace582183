/*
 * Readings over time for check and watch: two snapshots an interval
 * apart, or the counters against the previous check's.
 */
#ifndef TCPTUNE_CMD_RATES_H
#define TCPTUNE_CMD_RATES_H

#include <stdbool.h>

#include "cmd.h"
#include "lib/snapshot.h"

/* The longest --interval, seconds. */
#define CMD_INTERVAL_MAX 3600

/* Parses --interval SECONDS (0.1 to CMD_INTERVAL_MAX). */
bool cmd_interval_parse(const char *arg, double *out);

/* Sleeps seconds, going on after a signal that is handled. */
void cmd_sleep(double seconds);

/*
 * The snapshot (as cmd_snapshot() with what) taken twice, interval seconds
 * apart, the census only the first time; the later one is left in snap
 * with its rates (snap->rates, when both censuses were taken).  0, or an
 * exit code with nothing to free.
 */
int cmd_snapshot_twice(struct cmd_env *env, unsigned what, const struct tt_thresholds *thr,
    double interval, bool trace, struct tt_snapshot *snap);

/*
 * Without an interval: the counters against those the previous check kept
 * in the state directory (snap->rates, not measured), then this reading's
 * kept for the next one.  Quiet when there is no state directory, it is
 * not writable, or there is no earlier reading.
 */
void cmd_rates_since_last(struct cmd_env *env, struct tt_snapshot *snap);
struct tt_counters_id;

/* The same for the network namespace id names, the one snap was taken in. */
void cmd_rates_since_last_ns(
    struct cmd_env *env, struct tt_snapshot *snap, const struct tt_counters_id *id);

struct tt_trace;
/*
 * The tracer over the namespace tcptune runs in, when it can start; NULL
 * (the reason as a debug message) when not.  Close with tt_trace_close().
 */
struct tt_trace *cmd_trace_begin(struct cmd_env *env);
/* What t counted so far, hung on snap (snap->trace; nothing when t is
 * NULL or cannot be read). */
void cmd_trace_read(struct cmd_env *env, struct tt_trace *t, struct tt_snapshot *snap);

#endif
