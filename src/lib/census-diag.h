/*
 * The sock_diag dump of the census (census-diag.c).  Inside the library;
 * unit tests and fuzz harnesses include it.
 */
#ifndef TCPTUNE_CENSUS_DIAG_H
#define TCPTUNE_CENSUS_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "census.h"
#include "ctx.h"

/*
 * Decodes one buffer of netlink messages of a sock_diag dump and counts
 * every socket in it.  Pure: no I/O.  Sets *done when the buffer holds
 * NLMSG_DONE.  Returns 0, -EBADMSG for a malformed buffer, or the negative
 * errno of an NLMSG_ERROR message.
 */
int tt_census_decode(struct tt_census *c, const void *buf, size_t len, bool *done);

/* Dumps the TCP sockets of the calling thread's network namespace
 * through sock_diag into c.
 * Returns 0 or a negative errno. */
int tt_census_dump(const struct tt_ctx *ctx, struct tt_census *c);

#endif
