/*
 * The owner walk of the census (census-owner.c): which processes hold
 * the sockets remembered.  Inside the library.
 */
#ifndef TCPTUNE_CENSUS_OWNER_H
#define TCPTUNE_CENSUS_OWNER_H

#include <stddef.h>

#include "census.h"
#include "ctx.h"

/*
 * Matches the remembered CLOSE_WAIT inodes with <proc root>/PID/fd links
 * and fills the owner table.  Processes whose net namespace
 * (PID/ns/net) is the calling thread's are walked first, the others only
 * while inodes are unmatched; the walk stops when every inode is found,
 * or after owner_fd_limit links (owners_partial).  Each socket counts
 * once, for the first process found holding it; rows past
 * TT_CENSUS_OWNER_CAP are summed in owner_rows_dropped.  Processes that
 * vanish or cannot be read are skipped.  Returns 0 or a negative errno when the proc root cannot be
 * listed.
 */
int tt_census_find_owners(const struct tt_ctx *ctx, struct tt_census *c);
/*
 * The same for n censuses at once, in one walk over the processes: each
 * process's fd links are matched with the census of its own namespace
 * first (processes in one of the censuses' namespaces are walked
 * first), then with the others.  The fd limit is the highest of theirs;
 * owner_fds_read is the walk's.  Returns as tt_census_find_owners().
 */
struct tt_census_ref {
	struct tt_census *c;
};
int tt_census_find_owners_many(const struct tt_ctx *ctx, struct tt_census_ref *cs, size_t n);
/* Records the calling thread's network namespace as the census's. */
void tt_census_set_netns(const struct tt_ctx *ctx, struct tt_census *c);

#endif
