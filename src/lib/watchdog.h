/*
 * The watchdog of an apply that waits for confirmation: it runs in a
 * process of its own (the front end starts it detached), looks each second
 * whether the apply was confirmed or rolled back meanwhile, and undoes it
 * at the deadline.  With a guard it also reads the counters that show harm
 * at the guard's interval for the guard's window, and undoes the apply at
 * once when the guard finds the host worse; a window that passes healthy
 * is recorded in the journal and, when asked, confirms the apply.  It
 * never prints: what happened goes to the context's log and the journal.
 */
#ifndef TCPTUNE_WATCHDOG_H
#define TCPTUNE_WATCHDOG_H

#include <stdbool.h>

#include "ctx.h"
#include "guard.h"
#include "journal.h"

struct tt_watch {
	long long deadline; /* of the confirmation, seconds since the epoch */
	unsigned long long token;
	const struct tt_journal *old; /* the journal before the apply, or NULL */
	struct tt_guard *guard;       /* NULL: no guard */
	double window;                /* seconds the guard watches after the apply */
	bool confirm_if_healthy;
	int lock_wait_ms; /* for the state directory's lock */
	/* The commands its messages tell an operator to run ("tcptune
	 * rollback --netns web"). */
	const char *rollback_hint, *status_hint;
};

/* Runs until the apply is confirmed, rolled back, or undone. */
void tt_watchdog(struct tt_ctx *ctx, const struct tt_watch *w);

#endif
