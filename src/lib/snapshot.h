/*
 * The host snapshot: plain data about what was read, counted and detected.
 * Rules look only at a snapshot (and a profile), never at the host.
 */
#ifndef TCPTUNE_SNAPSHOT_H
#define TCPTUNE_SNAPSHOT_H

#include <stdbool.h>

#include "catalog.h"
#include "ctx.h"
#include "sysctl.h"

struct tt_census;  /* socket census, when gathered */
struct tt_nat;     /* NAT evidence and verdict, when gathered */
struct tt_sysctld; /* what sysctl.d files set, when read */

struct tt_snapshot {
	char kernel[128]; /* release, "" when unreadable */
	unsigned kv;      /* TT_KV of the release, 0 when unknown */
	int netns;        /* 1 initial network namespace, 0 child, -1 unknown */
	struct tt_reading sysctl[TT_K__COUNT];
	const struct tt_census *census;   /* NULL: not gathered */
	const struct tt_nat *nat;         /* NULL: not gathered */
	const struct tt_sysctld *sysctld; /* NULL: not read */
};

/*
 * Fills the kernel release, the namespace and every catalog key from the
 * proc root.  A key that cannot be read is recorded as such, not an error.
 * Returns 0, or a negative errno when nothing at all could be read.
 */
int tt_snapshot_read(const struct tt_ctx *ctx, struct tt_snapshot *snap);

/* The value of a key when it was read, else NULL. */
const struct tt_val *tt_snapshot_value(const struct tt_snapshot *snap, enum tt_key_id id);

/* snap->netns in words, for every output: "initial", "child" or "unknown". */
const char *tt_netns_name(int netns);

#endif
