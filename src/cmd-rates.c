/*
 * Readings over time for check and watch.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd-rates.h"
#include "lib/netns.h"
#include "lib/rates.h"
#include "lib/trace.h"

bool
cmd_interval_parse(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) || v < 0.1 ||
	    v > CMD_INTERVAL_MAX)
		return false;
	*out = v;
	return true;
}

void
cmd_sleep(double seconds)
{
	struct timespec ts, left;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &left) < 0 && errno == EINTR)
		ts = left;
}

/*
 * The tracer over the namespace tcptune runs in, when it can start; NULL
 * (with the reason as a debug message) when not: check goes on with the
 * census alone, as without tracing.
 */
struct tt_trace *
cmd_trace_begin(struct cmd_env *env)
{
	struct tt_trace_opts o = { .lockdown_path = getenv("TCPTUNE_LOCKDOWN_FILE") };
	struct tt_trace *t = NULL;
	dev_t dev;
	ino_t ino;
	int r;

	if ((r = tt_netns_self(env->ctx, &dev, &ino)) == 0) {
		o.netns = (uint32_t)ino;
		r = tt_trace_open(env->ctx, &o, &t);
	}
	if (r < 0)
		cmd_message(
		    env, TT_LOG_DEBUG, "debug", "no tracing during the interval: %s", strerror(-r));
	return t;
}

void
cmd_trace_read(struct cmd_env *env, struct tt_trace *t, struct tt_snapshot *snap)
{
	int r;

	if (t == NULL)
		return;
	if ((snap->trace = calloc(1, sizeof(*snap->trace))) != NULL &&
	    (r = tt_trace_read(t, snap->trace)) < 0) {
		cmd_message(env, TT_LOG_DEBUG, "debug", "tracer not read: %s", strerror(-r));
		free(snap->trace);
		snap->trace = NULL;
	}
}

int
cmd_snapshot_twice(struct cmd_env *env, unsigned what, const struct tt_thresholds *thr,
    double interval, bool trace, struct tt_snapshot *snap)
{
	struct tt_snapshot first;
	struct tt_trace *t;
	double t0, t1;
	int r;

	r = cmd_snapshot(env, NULL, TT_GATHER_CENSUS | TT_GATHER_SOCKET_IDS, thr, &first);
	if (r != 0)
		return r;
	t = trace ? cmd_trace_begin(env) : NULL;
	t0 = tt_monotonic();
	cmd_sleep(interval);
	r = cmd_snapshot(env, NULL, what | TT_GATHER_SOCKET_IDS, thr, snap);
	t1 = tt_monotonic();
	if (r == 0)
		cmd_trace_read(env, t, snap);
	tt_trace_close(t);
	if (r == 0 && first.census != NULL && snap->census != NULL) {
		snap->rates = malloc(sizeof(*snap->rates));
		if (snap->rates != NULL) {
			tt_rates_compute(first.census, snap->census, t1 - t0, snap->rates);
			tt_rates_forecast(snap->rates, snap);
		}
		(void)tt_counters_save(env->ctx, snap->census, (long long)time(NULL));
	}
	tt_snapshot_free(&first);
	return r;
}

void
cmd_rates_since_last(struct cmd_env *env, struct tt_snapshot *snap)
{
	cmd_rates_since_last_ns(env, snap, NULL);
}

void
cmd_rates_since_last_ns(
    struct cmd_env *env, struct tt_snapshot *snap, const struct tt_counters_id *id)
{
	bool have[TT_CTR__COUNT];
	uint64_t v[TT_CTR__COUNT];
	long long when, now = (long long)time(NULL);
	int r;

	if (snap->census == NULL)
		return;
	r = tt_counters_load_ns(env->ctx, id, have, v, &when);
	/* Within the same second: say one, rather than divide by none. */
	if (r == 0 && now >= when && (snap->rates = calloc(1, sizeof(*snap->rates))) != NULL)
		tt_rates_counters(
		    snap->rates, have, v, snap->census, now > when ? (double)(now - when) : 1);
	else if (r < 0 && r != -ENOENT)
		cmd_message(env, TT_LOG_DEBUG, "debug", "counters file: %s", strerror(-r));
	r = tt_counters_save_ns(env->ctx, id, snap->census, now);
	if (r < 0)
		cmd_message(env, TT_LOG_DEBUG, "debug", "counters file not kept: %s", strerror(-r));
}
