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
 * The streamed conntrack count.  At most TT_NAT_CT_READ_MAX entries are
 * read (some 3 s of dump on a 2-core machine); past it the dump is
 * cut short, stopped is set and the counts are lower bounds.
 */
#define TT_NAT_CT_READ_MAX 1048576UL

struct tt_nat_ct {
	unsigned long read, limit; /* entries decoded; the most to decode */
	unsigned long snat, dnat;  /* translated by tuple or status bit */
	bool stopped;              /* limit reached before the dump ended */
	char sex[160], dex[160];   /* the first example of each, or "" */
};

/*
 * Decodes one buffer of a ctnetlink dump (pure; libmnl's checks of seq
 * and portid, 0 for none).  An entry is source-translated when its
 * original source differs from its reply destination (address, or port
 * when both tuples have ports) or it has IPS_SRC_NAT; destination-
 * translated likewise with the original destination and reply source, or
 * IPS_DST_NAT.  Returns 1 for more to come, 0 when the dump is done or
 * the limit was reached, or a negative errno (an NLMSG_ERROR's, or
 * -EBADMSG).
 */
int
tt_nat_ct_decode(struct tt_nat_ct *w, const void *buf, size_t len, uint32_t seq, uint32_t portid);

/*
 * Adds the conntrack items from counts alone (pure; the adapter calls it).
 * With nat->ct_lower_bound set the counts are said to be at least that.
 */
void tt_nat_conntrack_items(
    struct tt_nat *nat, unsigned long total, unsigned long snat, unsigned long dnat);

#endif
