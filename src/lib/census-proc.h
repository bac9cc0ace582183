/*
 * The census's counters from /proc/net (census-proc.c).  Inside the
 * library; unit tests and fuzz harnesses include it.
 */
#ifndef TCPTUNE_CENSUS_PROC_H
#define TCPTUNE_CENSUS_PROC_H

#include "census.h"
#include "ctx.h"

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
