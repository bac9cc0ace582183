/*
 * apply --guard's baseline and --wait (cmd-guard.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd-guard.h"
#include "cmd-rates.h"
#include "lib/journal.h"
#include "lib/trace.h"

/* Seconds a --wait allows past the window for the watchdog's verdict. */
#define WAIT_MARGIN 30

int
cmd_guard_baseline(struct cmd_env *env, const struct tt_guard_config *cfg, bool tell,
    struct tt_guard_reading *r, int max)
{
	int n = (int)(cfg->baseline / cfg->interval + 0.5), rr;
	struct tt_trace *t = tt_guard_trace_open(env->ctx);
	double step;

	n = n < 1 ? 1 : n >= max ? max - 1 : n;
	step = cfg->baseline / n;
	if (tell)
		printf("guard: measuring the baseline for %.1f s before writing\n", cfg->baseline);
	fflush(stdout);
	rr = tt_guard_read(env->ctx, t, &r[0]);
	for (int k = 1; rr == 0 && k <= n; k++) {
		double until = r[0].t + step * k;

		while (tt_monotonic() < until)
			cmd_sleep(until - tt_monotonic());
		rr = tt_guard_read(env->ctx, t, &r[k]);
	}
	if (t != NULL)
		tt_trace_close(t);
	if (rr < 0) {
		cmd_err(env, "--guard: cannot read the kernel's counters: %s", strerror(-rr));
		return -1;
	}
	return n + 1;
}

/* 1: decided (*rc set), 0: not yet. */
static int
verdict_now(struct cmd_env *env, unsigned long long token, struct tt_guard_verdict *v, int *rc)
{
	struct tt_journal j;
	long long when;
	bool have = tt_journal_peek(env->ctx, &j) > 0;

	if (have && j.guard.outcome == TT_GUARD_HEALTHY &&
	    (j.confirm_token == token || j.confirm_deadline == 0)) {
		*v = j.guard;
		*rc = EXIT_CLEAN;
		return 1;
	}
	if (have && j.confirm_deadline != 0 && j.confirm_token == token)
		return 0; /* still watching */
	if (tt_journal_peek_undone(env->ctx, &j, &when) > 0 && j.confirm_token == token) {
		*v = j.guard;
		*rc = j.guard.outcome == TT_GUARD_WORSE ? EXIT_GUARD_UNDONE : EXIT_TEMPFAIL;
		return 1;
	}
	cmd_err(env, "the apply was rolled back or replaced before its guard decided");
	*rc = EXIT_TEMPFAIL;
	return 1;
}

int
cmd_guard_wait(
    struct cmd_env *env, unsigned long long token, double window, struct tt_guard_verdict *v)
{
	double end = tt_monotonic() + window + WAIT_MARGIN;
	int rc;

	memset(v, 0, sizeof(*v));
	while (tt_monotonic() < end) {
		if (verdict_now(env, token, v, &rc))
			return rc;
		usleep(200000);
	}
	cmd_err(env, "no verdict from the guard within %.0f s: see `tcptune status`",
	    window + WAIT_MARGIN);
	return EXIT_TEMPFAIL;
}
