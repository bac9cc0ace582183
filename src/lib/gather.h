/*
 * Gathering a snapshot in one call, inside the namespace given
 * (gather.c); freeing it.
 */
#ifndef TCPTUNE_GATHER_H
#define TCPTUNE_GATHER_H

#include <stddef.h>

#include "ctx.h"
#include "diag.h"
#include "netns.h"

struct tt_snapshot;
struct tt_thresholds;

/* What tt_snapshot_gather() adds to the keys. */
enum {
	TT_GATHER_NAT = 1 << 0,     /* NAT evidence and verdict */
	TT_GATHER_CENSUS = 1 << 1,  /* socket census, only of a live namespace */
	TT_GATHER_SYSCTLD = 1 << 2, /* sysctl.d and sysctl.conf below the sysctl root */
	/* The census without its CLOSE_WAIT owner walk: the caller walks once
	 * for several namespaces (tt_snapshot_find_owners()). */
	TT_GATHER_NO_OWNERS = 1 << 3,
	/* The census keeps each outgoing socket's identity (struct
	 * tt_census_id), so that rates between two of them are exact. */
	TT_GATHER_SOCKET_IDS = 1 << 4,
};

/*
 * The whole snapshot of one network namespace, in one call: the keys from
 * the context's proc root (as tt_snapshot_read(); read after entering
 * ns->fd, where /proc/sys/net shows the namespace entered), then what
 * `what` asks for.  NAT evidence and the census are of ns (NULL: TT_NETNS_CURRENT),
 * read from its proc root; the census is taken only when that proc root
 * is the live /proc (tt_netns_is_live()), counting destinations on the
 * namespace's ephemeral port range, looking for CLOSE_WAIT owners at
 * thr->close_wait_warn (thr NULL: the default thresholds).
 *
 * A census that fails leaves snap->census NULL and its error in
 * snap->census_err; the snapshot is still whole.  Problems with sysctl.d
 * files go into diags (which may be NULL: dropped).  Nothing is printed.
 *
 * Returns 0, the error of tt_snapshot_read(), -ENOMEM, the error of
 * entering ns->fd, or -ENOTRECOVERABLE when the thread could not go back
 * to its own namespace afterwards.  On error nothing needs freeing; on success free with
 * tt_snapshot_free().
 */
int tt_snapshot_gather(const struct tt_ctx *ctx, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap, struct tt_diags *diags);

/*
 * The CLOSE_WAIT owners of several snapshots' censuses (gathered with
 * TT_GATHER_NO_OWNERS), in one walk over the processes, each process's
 * sockets matched first with the census of its own namespace.  Only the
 * censuses where the walk pays under thr (thr NULL: the defaults) are
 * looked for, as a single census would be.  0 or a negative errno.
 */
struct tt_snapshot_ref {
	struct tt_snapshot *snap;
};
int tt_snapshot_find_owners(const struct tt_ctx *ctx, const struct tt_snapshot_ref *snaps, size_t n,
    const struct tt_thresholds *thr);

/* Frees what the snapshot's census, nat, sysctld and rates point to;
 * NULLs them. */
void tt_snapshot_free(struct tt_snapshot *snap);

#endif
