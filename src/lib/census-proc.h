/*
 * The census's counters from /proc/net (census-proc.c): what each counter
 * is, for every report; the parsers and the reading for the library, unit
 * tests and fuzz harnesses.
 */
#ifndef TCPTUNE_CENSUS_PROC_H
#define TCPTUNE_CENSUS_PROC_H

#include "census.h"
#include "ctx.h"

/* The kernel's counters of TCP: what each is, and its name. */
const struct tt_counter_info *tt_counter_info(enum tt_counter_id id);
/* "SECTION.FIELD" ("TcpExt.ListenDrops"), the name every report gives a
 * counter, into buf; returns buf. */
const char *tt_counter_name(enum tt_counter_id id, char *buf, size_t len);
/* The counter that name ("TcpExt.ListenDrops") names, or -1. */
int tt_counter_from_name(const char *name);
/* Whether a counter adds up since boot or since its namespace was made
 * (netstat's), rather than counting what is there now (sockstat's). */
bool tt_counter_cumulative(enum tt_counter_id id);
/* Since when cumulative counters count, for a namespace as snap->netns
 * gives it (1 initial, 0 child, else unknown): "since boot", "since this
 * network namespace was made", or both joined with "or". */
const char *tt_counters_since(int netns);

/* Parses sockstat/sockstat6 text (file "sockstat" or "sockstat6"),
 * netstat text and snmp text.  Unknown lines and fields are ignored.  Return 0 or
 * -EBADMSG when a line the census needs is malformed. */
int tt_census_parse_sockstat(struct tt_census *c, const char *text);
int tt_census_parse_netstat(struct tt_census *c, const char *text);
int tt_census_parse_snmp(struct tt_census *c, const char *text);

/* Reads net/sockstat, net/sockstat6, net/snmp and net/netstat below the
 * proc root.
 * A missing file is not an error (its counters stay absent).  Returns 0
 * or a negative errno. */
int tt_census_read_counters(const struct tt_ctx *ctx, struct tt_census *c);

#endif
