/*
 * The host snapshot: plain data about what was read, counted and detected.
 * Rules look only at a snapshot (and a profile), never at the host.
 */
#ifndef TCPTUNE_SNAPSHOT_H
#define TCPTUNE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "ctx.h"
#include "diag.h"
#include "netns.h"
#include "sysctl.h"

struct tt_census;  /* socket census, when gathered */
struct tt_nat;     /* NAT evidence and verdict, when gathered */
struct tt_rates;   /* what changed since an earlier reading */
struct tt_sysctld; /* what sysctl.d files set, when read */
struct tt_thresholds;

/* A span of ports, lo..hi inclusive. */
struct tt_port_span {
	uint16_t lo, hi;
};
#define TT_RESERVED_MAX 64 /* spans of ip_local_reserved_ports kept */

struct tt_snapshot {
	char kernel[128]; /* release, "" when unreadable */
	unsigned kv;      /* TT_KV of the release, 0 when unknown */
	int netns;        /* 1 initial network namespace, 0 child, -1 unknown */
	struct tt_reading sysctl[TT_K__COUNT];
	struct tt_census *census;   /* NULL: not gathered */
	struct tt_nat *nat;         /* NULL: not gathered */
	struct tt_sysctld *sysctld; /* NULL: not read */
	int census_err;             /* the census was asked for and failed: -errno */
	/* Rates against an earlier reading (check --interval, watch) or the
	 * counters' rise since the previous check; NULL: none.  The caller
	 * sets it; tt_snapshot_free() frees it. */
	struct tt_rates *rates;
	/* net.ipv4.ip_local_reserved_ports: ports the ephemeral range skips
	 * (the first TT_RESERVED_MAX spans).  nreserved -1: not readable. */
	struct tt_port_span reserved[TT_RESERVED_MAX];
	int nreserved;
};

/* Whether port is in ip_local_reserved_ports (false when unreadable). */
bool tt_snapshot_port_reserved(const struct tt_snapshot *snap, unsigned port);
/* How many ports of lo..hi are reserved. */
unsigned tt_snapshot_reserved_in(const struct tt_snapshot *snap, unsigned lo, unsigned hi);

/*
 * Fills the kernel release, the namespace and every catalog key from the
 * proc root.  A key that cannot be read is recorded as such, not an error.
 * Returns 0, or a negative errno when nothing at all could be read.
 */
int tt_snapshot_read(const struct tt_ctx *ctx, struct tt_snapshot *snap);

/* What tt_snapshot_gather() adds to the keys. */
enum {
	TT_GATHER_NAT = 1 << 0,     /* NAT evidence and verdict */
	TT_GATHER_CENSUS = 1 << 1,  /* socket census, only of a live namespace */
	TT_GATHER_SYSCTLD = 1 << 2, /* sysctl.d and sysctl.conf below the sysctl root */
	/* The census without its CLOSE_WAIT owner walk: the caller walks once
	 * for several namespaces (tt_snapshot_find_owners()). */
	TT_GATHER_NO_OWNERS = 1 << 3,
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

/* The value of a key when it was read, else NULL. */
const struct tt_val *tt_snapshot_value(const struct tt_snapshot *snap, enum tt_key_id id);

/* snap->netns in words, for every output: "initial", "child" or "unknown". */
const char *tt_netns_name(int v);
int tt_netns_from_name(const char *s);

#endif
