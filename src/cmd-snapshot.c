/*
 * The snapshot for the front end: one library call, its diagnostics shown
 * on standard error, its errors turned into exit codes.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "lib/diag.h"
#include "lib/snapshot.h"

int
cmd_snapshot(struct cmd_env *env, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap)
{
	struct tt_diags diags = { 0 };
	int r;

	r = tt_snapshot_gather(env->ctx, ns, what, thr, snap, &diags);
	cmd_print_diags(env, &diags);
	tt_diags_free(&diags);
	if (r == -ENOMEM) {
		cmd_err(env, "out of memory");
		return EXIT_SOFTWARE;
	}
	if (r < 0)
		return cmd_exit_for_errno(r);
	if (snap->census_err < 0)
		cmd_err(env, "socket census failed (%s); going on without it",
		    strerror(-snap->census_err));
	return 0;
}
