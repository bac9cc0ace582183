/*
 * NAT detection inside the library: the proc text parsers and the netlink
 * and x_tables adapters that tt_nat_gather() calls.  Not for the front
 * end; unit tests and fuzz harnesses include it to reach the parsers.
 */
#ifndef TCPTUNE_NAT_INTERNAL_H
#define TCPTUNE_NAT_INTERNAL_H

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

/*
 * Parsers of proc text, split out so they are tested on their own.
 * tt_nat_parse_netdev() calls fn for every interface name in the text of
 * net/dev and returns how many it found; tt_nat_parse_table_names() says
 * whether "nat" is a line of net/ip_tables_names; tt_nat_parse_ipvs()
 * counts virtual services in net/ip_vs.
 */
int tt_nat_parse_netdev(const char *text, void (*fn)(const char *ifname, void *data), void *data);
bool tt_nat_parse_table_names(const char *text);
unsigned tt_nat_parse_ipvs(const char *text);

/*
 * The netlink adapters (nat-netlink.c).  Each fills its counts and items
 * and returns the source state; libnl and libmnl errors are mapped to
 * source states here and never leave.
 */
enum tt_nat_source_state tt_nat_read_conntrack(const struct tt_ctx *ctx, struct tt_nat *nat);
enum tt_nat_source_state tt_nat_read_nftables(const struct tt_ctx *ctx, struct tt_nat *nat);
enum tt_nat_source_state tt_nat_read_addresses(const struct tt_ctx *ctx, struct tt_nat *nat);

/*
 * Rules of the legacy iptables nat table (nat-xtables.c), through the
 * x_tables getsockopt interface.  Call only when net/ip_tables_names lists
 * "nat" (asking for a missing table loads its module).  Adds an item per
 * translating rule, or a weak hint when the rules cannot be read.
 */
enum tt_nat_source_state tt_nat_read_iptables(const struct tt_ctx *ctx, struct tt_nat *nat);

/*
 * Adds the conntrack items from counts alone (pure; the adapter calls it).
 */
void tt_nat_conntrack_items(
    struct tt_nat *nat, unsigned long total, unsigned long snat, unsigned long dnat);

#endif
