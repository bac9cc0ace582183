/*
 * The snapshot of the command layer (cmd-snapshot.c).
 */
#ifndef TCPTUNE_CMD_SNAPSHOT_H
#define TCPTUNE_CMD_SNAPSHOT_H

struct cmd_env;
struct tt_netns;
struct tt_snapshot;
struct tt_thresholds;
/*
 * Gathers the snapshot (tt_snapshot_gather()), printing sysctl.d warnings
 * and a failed census on standard error.  0, or an exit code; free with
 * tt_snapshot_free().
 */
int cmd_snapshot(struct cmd_env *env, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap);

#endif
