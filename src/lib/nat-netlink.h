/*
 * NAT evidence over netlink (nat-netlink.c): conntrack, nftables,
 * addresses.  Inside the library; unit tests and fuzz harnesses include it
 * to reach the conntrack decoder.
 */
#ifndef TCPTUNE_NAT_NETLINK_H
#define TCPTUNE_NAT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "nat.h"

/*
 * The netlink adapters (nat-netlink.c).  Each fills its counts and items
 * and returns the source state; libnl and libmnl errors are mapped to
 * source states here and never leave.
 */
enum tt_nat_source_state tt_nat_read_conntrack(const struct tt_ctx *ctx, struct tt_nat *nat);
enum tt_nat_source_state tt_nat_read_nftables(const struct tt_ctx *ctx, struct tt_nat *nat);
enum tt_nat_source_state tt_nat_read_addresses(const struct tt_ctx *ctx, struct tt_nat *nat);

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

#endif
