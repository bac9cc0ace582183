/*
 * Counting sockets by state and ephemeral-port destinations
 * (census-dest.c).
 */
#ifndef TCPTUNE_CENSUS_DEST_H
#define TCPTUNE_CENSUS_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "census.h"

/* Counts one socket in its state and, when it holds an ephemeral port,
 * towards its destination, whose row it returns (else NULL); nothing
 * else. */
struct tt_census_dest *tt_census_count(struct tt_census *c, int family, int state, bool timewait,
    const uint8_t *dst, uint16_t sport, uint16_t dport);
/* Keeps the identity of a socket counted towards d (c->keep_ids). */
void tt_census_keep_id(struct tt_census *c, const struct tt_census_dest *d, uint64_t cookie,
    uint16_t sport, uint16_t dport);
/* Counts one CLOSE_WAIT socket on its local port (inode 0: not accepted),
 * or, a client's (its local port ephemeral), towards its destination
 * (family, 4 or 16 bytes of dst, dport); returns its row, NULL when the
 * table is full. */
struct tt_census_port *tt_census_cw_count(struct tt_census *c, int family, const uint8_t *dst,
    uint16_t sport, uint16_t dport, uint64_t inode);
/* "port 8080", "10.0.0.1:443": a CLOSE_WAIT row as reports name it. */
char *tt_census_cw_row_str(const struct tt_census_port *p, char *buf, size_t len);

/* Destinations sorted busiest first, at most max, into idx (indexes of
 * c->dest).  Returns how many. */
size_t tt_census_top_dests(const struct tt_census *c, size_t *idx, size_t max);

/* "10.0.0.1:443", "[::1]:80" */
char *tt_census_dest_str(const struct tt_census_dest *d, char *buf, size_t len);

#endif
