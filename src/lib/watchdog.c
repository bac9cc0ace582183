/*
 * The watchdog of an apply that waits for confirmation (watchdog.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "trace.h"
#include "watchdog.h"

/* Sleeps until the monotonic time t (restarting after a signal). */
static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Whether the journal still waits for confirmation under token. */
static bool
pending(const struct tt_ctx *ctx, unsigned long long token)
{
	struct tt_journal j;

	return tt_journal_peek(ctx, &j) > 0 && j.confirm_deadline != 0 && j.confirm_token == token;
}

/* The state directory's lock, however long a rollback or confirm holds it. */
static int
lock(struct tt_ctx *ctx, const struct tt_watch *w)
{
	int state;

	do
		state = tt_state_open(ctx, w->lock_wait_ms);
	while (state == -EBUSY);
	if (state < 0)
		tt_log(ctx, TT_LOG_ERR,
		    "the apply is due to be undone, but the state directory cannot be "
		    "locked: run `%s`",
		    w->rollback_hint);
	return state;
}

static void
undo(struct tt_ctx *ctx, const struct tt_watch *w, const struct tt_guard_verdict *why)
{
	struct tt_result res;
	char name[64];
	sigset_t all;
	int state, r;

	/* From here the undo is due: nothing but SIGKILL stops it halfway
	 * (the signals a fault raises are left alone). */
	sigfillset(&all);
	for (int s = 0; s < 7; s++)
		sigdelset(
		    &all, (int[]){ SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT }[s]);
	sigprocmask(SIG_BLOCK, &all, NULL);
	state = lock(ctx, w);
	if (state < 0)
		return;
	r = tt_undo_unconfirmed(ctx, state, w->token, w->old, why, &res);
	tt_state_close(state);
	if (r == -ESRCH)
		return; /* confirmed or rolled back meanwhile */
	if (r == 0 && why != NULL)
		tt_log(ctx, TT_LOG_WARNING,
		    "the host got worse %.1f s after the apply (%s %.1f/s, threshold %.1f/s): "
		    "%d keys put back",
		    why->after, tt_guard_signal_name(why->counter, name, sizeof(name)),
		    why->nsamples ? why->samples[why->nsamples - 1] : 0.0, why->threshold, res.n);
	else if (r == 0)
		tt_log(ctx, TT_LOG_NOTICE, "the apply was not confirmed in time: %d keys put back",
		    res.n);
	else
		tt_log(ctx, TT_LOG_ERR, "undoing the apply did not fully succeed (%s): see `%s`",
		    r > 0 ? "some keys were changed by someone else" : strerror(-r),
		    w->status_hint);
}

/*
 * The guard's window: a sample each interval until the window ends.
 * Returns true when the watch is over (undone, confirmed or gone).
 */
static bool
guard_samples(struct tt_ctx *ctx, const struct tt_watch *w, struct tt_trace *t)
{
	struct tt_guard *g = w->guard;
	struct tt_guard_verdict v = { .outcome = TT_GUARD_HEALTHY, .counter = -1 };
	double end = g->applied + w->window, next = g->applied;
	int state, r;

	while ((next += g->cfg.interval) <= end + 1e-6) {
		struct tt_guard_reading rd;

		sleep_until(next);
		if (!pending(ctx, w->token))
			return true;
		if (tt_guard_read(ctx, t, &rd) < 0)
			continue; /* a failed reading is no evidence either way */
		if (tt_guard_sample(g, &rd, &v)) {
			undo(ctx, w, &v);
			return true;
		}
	}
	v.window = w->window;
	state = lock(ctx, w);
	if (state < 0)
		return true;
	r = tt_guard_settle(ctx, state, w->token, &v, w->confirm_if_healthy);
	tt_state_close(state);
	if (r == 0)
		tt_log(ctx, TT_LOG_NOTICE, "the host stayed healthy for %.0f s after the apply%s",
		    w->window, w->confirm_if_healthy ? ": confirmed" : "");
	return r != 0 || w->confirm_if_healthy;
}

/*
 * The guard's window, with a tracer of its own for connect() failures when
 * the baseline had one (the apply's tracer ended with it: this one counts
 * from zero).  Returns true when the watch is over.
 */
static bool
guard_window(struct tt_ctx *ctx, const struct tt_watch *w)
{
	struct tt_trace *t = NULL;
	bool over;

	if (w->guard->cfg.watch[TT_GUARD_CONNECT_FAILS]) {
		t = tt_guard_trace_open(ctx);
		tt_guard_trace_restart(w->guard);
	}
	over = guard_samples(ctx, w, t);
	if (t != NULL)
		tt_trace_close(t);
	return over;
}

void
tt_watchdog(struct tt_ctx *ctx, const struct tt_watch *w)
{
	if (w->guard != NULL && guard_window(ctx, w))
		return;
	for (;;) {
		if (!pending(ctx, w->token))
			return; /* confirmed, rolled back, or gone */
		if ((long long)time(NULL) >= w->deadline)
			break;
		sleep_until(tt_monotonic() + 1);
	}
	undo(ctx, w, NULL);
}
