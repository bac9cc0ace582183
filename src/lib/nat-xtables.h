/*
 * The legacy iptables nat table (nat-xtables.c).  Inside the library.
 */
#ifndef TCPTUNE_NAT_XTABLES_H
#define TCPTUNE_NAT_XTABLES_H

#include "ctx.h"
#include "nat.h"

/*
 * Rules of the legacy iptables nat table (nat-xtables.c), through the
 * x_tables getsockopt interface.  Call only when net/ip_tables_names lists
 * "nat" (asking for a missing table loads its module).  Adds an item per
 * translating rule, or a weak hint when the rules cannot be read.
 */
enum tt_nat_source_state tt_nat_read_iptables(const struct tt_ctx *ctx, struct tt_nat *nat);

#endif
