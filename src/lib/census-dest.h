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
 * towards its destination; nothing else. */
void tt_census_count(struct tt_census *c, int family, int state, bool timewait, const uint8_t *dst,
    uint16_t sport, uint16_t dport);
/* Counts one CLOSE_WAIT socket on its local port (inode 0: not accepted). */
void tt_census_cw_count(struct tt_census *c, uint16_t sport, uint64_t inode);

/* Destinations sorted busiest first, at most max, into idx (indexes of
 * c->dest).  Returns how many. */
size_t tt_census_top_dests(const struct tt_census *c, size_t *idx, size_t max);

/* "10.0.0.1:443", "[::1]:80" */
char *tt_census_dest_str(const struct tt_census_dest *d, char *buf, size_t len);

#endif
