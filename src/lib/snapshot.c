#include "config.h"

#include <errno.h>
#include <string.h>

#include "snapshot.h"

/*
 * Whether we look at the initial network namespace.  Keys that only the
 * initial namespace registers (tcp_max_orphans) tell exactly what matters
 * here: which keys this namespace can have.  Comparing ns links with pid 1
 * would not do: pid 1's link is often unreadable, and in a container pid 1
 * is in a child namespace itself.
 */
static int
detect_netns(const struct tt_snapshot *snap)
{
	bool any_netns_key = false;
	int verdict = -1;

	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		enum tt_state st = snap->sysctl[i].state;

		if (k->flags & TT_KEY_HOST_ONLY) {
			if (st == TT_ST_OK || st == TT_ST_NOPERM)
				return 1;
			if (st == TT_ST_ABSENT)
				verdict = 0;
		} else if ((k->flags & TT_KEY_PER_NETNS) && st == TT_ST_OK) {
			any_netns_key = true;
		}
	}
	return any_netns_key ? verdict : -1;
}

int
tt_snapshot_read(const struct tt_ctx *ctx, struct tt_snapshot *snap)
{
	int ok = 0;

	memset(snap, 0, sizeof(*snap));
	if (tt_read_osrelease(ctx, snap->kernel, sizeof(snap->kernel)) == 0) {
		snap->kv = tt_kv_parse(snap->kernel);
		ok++;
	} else {
		snap->kernel[0] = '\0';
	}
	for (int i = 0; i < TT_K__COUNT; i++) {
		tt_sysctl_read(ctx, tt_key_get((enum tt_key_id)i), &snap->sysctl[i]);
		if (snap->sysctl[i].state != TT_ST_ABSENT)
			ok++;
	}
	snap->netns = detect_netns(snap);
	if (ok == 0) {
		tt_log(ctx, TT_LOG_ERR, "%s: no kernel keys found under this proc root",
		    tt_ctx_proc_root(ctx));
		return -ENOENT;
	}
	return 0;
}

const struct tt_val *
tt_snapshot_value(const struct tt_snapshot *snap, enum tt_key_id id)
{
	const struct tt_reading *r = &snap->sysctl[id];

	return r->state == TT_ST_OK ? &r->val : NULL;
}

const char *
tt_netns_name(int netns)
{
	return netns == 1 ? "initial" : netns == 0 ? "child" : "unknown";
}
