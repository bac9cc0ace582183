/*
 * apply --guard's part that talks to the operator: the baseline taken
 * before the apply writes, and --wait's wait for the guard's verdict.
 */
#ifndef TCPTUNE_CMD_GUARD_H
#define TCPTUNE_CMD_GUARD_H

#include <stdbool.h>

#include "cmd.h"
#include "lib/guard.h"

/* Exit code of apply --guard --wait when the guard undid the apply. */
#define EXIT_GUARD_UNDONE 3

/*
 * Reads the counters over cfg->baseline seconds, every cfg->interval (at
 * most max readings, spread wider when more would be needed), saying so on
 * standard output when tell.  Returns the number of readings (>= 2), or -1
 * after saying why.
 */
int cmd_guard_baseline(struct cmd_env *env, const struct tt_guard_config *cfg, bool tell,
    struct tt_guard_reading *r, int max);

/*
 * Waits (the state directory unlocked, so the watchdog can act) until the
 * guard of the apply under token has decided, at most window seconds and
 * a margin: EXIT_CLEAN when the window passed healthy (*v the verdict),
 * EXIT_GUARD_UNDONE when the guard undid the apply (*v why),
 * EXIT_TEMPFAIL when the apply was rolled back or no verdict came.
 */
int cmd_guard_wait(
    struct cmd_env *env, unsigned long long token, double window, struct tt_guard_verdict *v);

#endif
