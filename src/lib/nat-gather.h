/*
 * NAT evidence as one call (nat-gather.c): the proc files, then the
 * netlink and x_tables adapters, then the verdict.  Inside the library.
 */
#ifndef TCPTUNE_NAT_GATHER_H
#define TCPTUNE_NAT_GATHER_H

#include "ctx.h"
#include "nat.h"

/*
 * Gathers every source for the network namespace the calling thread is in,
 * then decides.  Netlink sources (conntrack, nftables, addresses, legacy
 * iptables rules) describe that namespace, so they are read only when the
 * proc root is the live /proc (tt_netns_is_live()); under a fixture tree they are marked
 * skipped and the verdict cannot be NONE.  A source that fails is recorded,
 * not returned.  Returns 0.
 */
int tt_nat_gather(const struct tt_ctx *ctx, struct tt_nat *nat);

#endif
