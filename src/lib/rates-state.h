/*
 * The counters file: what the previous check saw, kept in the state
 * directory (rates-state.c).
 */
#ifndef TCPTUNE_RATES_STATE_H
#define TCPTUNE_RATES_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "census.h"
#include "ctx.h"

/*
 * The counters file: the cumulative counters of one network namespace as
 * the previous check saw them, in the state directory, named by the
 * namespace (its cookie; device and inode of ROOT/self/ns/net on a kernel
 * without cookies) and kept with the boot
 * they belong to.  load: 0 with (have, v, *when) filled; -ENOENT when
 * there is none for this namespace and boot (or no state directory);
 * another negative errno when it cannot be read.  save: writes it (a
 * temporary file renamed over it) only into a state directory that exists
 * and is writable, never creating it; 0 or a negative errno.  A directory
 * owned by someone other than root or the caller, or writable by group or
 * others, is neither read nor written (-EPERM).  Both need
 * an origin with a namespace (a fixture tree has none: -ENOENT).
 */
int tt_counters_load(
    const struct tt_ctx *ctx, bool have[TT_CTR__COUNT], uint64_t v[TT_CTR__COUNT], long long *when);
int tt_counters_save(const struct tt_ctx *ctx, const struct tt_census *c, long long now);
/*
 * A namespace whose counters file is kept: its cookie (tt_netns_cookie()),
 * which no later namespace gets, or where the kernel has none (cookie 0)
 * the device and inode of its nsfs file.
 */
struct tt_counters_id {
	unsigned long long cookie, dev, ino;
};

/* The same for another network namespace than the proc root's own (id
 * NULL: the proc root's own). */
int tt_counters_load_ns(const struct tt_ctx *ctx, const struct tt_counters_id *id,
    bool have[TT_CTR__COUNT], uint64_t v[TT_CTR__COUNT], long long *when);
int tt_counters_save_ns(const struct tt_ctx *ctx, const struct tt_counters_id *id,
    const struct tt_census *c, long long now);

/*
 * Removes the counters file of every namespace not in keep (n of them):
 * namespaces that are gone.  Only the files named counters-cookie-COOKIE
 * or counters-DEV-INO; the number removed, or a negative errno as for
 * load (no state directory: -ENOENT).
 */
int tt_counters_prune(const struct tt_ctx *ctx, const struct tt_counters_id *keep, size_t n);

#endif
