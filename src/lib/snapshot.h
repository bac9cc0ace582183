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

struct tt_census;       /* socket census, when gathered */
struct tt_nat;          /* NAT evidence and verdict, when gathered */
struct tt_rates;        /* what changed since an earlier reading */
struct tt_trace_report; /* who opened and closed, when traced */
struct tt_sysctld;      /* what sysctl.d files set, when read */
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
	/* What the tracer saw between the two readings of check --interval
	 * (lib/trace.h); NULL: not traced.  The caller sets it;
	 * tt_snapshot_free() frees it. */
	struct tt_trace_report *trace;
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

/* The value of a key when it was read, else NULL. */
const struct tt_val *tt_snapshot_value(const struct tt_snapshot *snap, enum tt_key_id id);

/* snap->netns in words, for every output: "initial", "child" or "unknown". */
const char *tt_netns_name(int v);
int tt_netns_from_name(const char *s);

/* Gathering a snapshot: gather.h (gather.c). */
#include "gather.h"

#endif
