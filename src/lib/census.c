/*
 * The socket census, its base: the type's state names, setting one up, and
 * its listener and CLOSE_WAIT port tables.  It calls no other part; they
 * call it: census-dest.c (states and destinations), census-detail.c
 * (each socket's detail), census-diag.c (the sock_diag decoder and dump),
 * census-proc.c (the kernel's counters), census-owner.c (who holds
 * CLOSE_WAIT sockets), and census-gather.c, the census as one call.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "catalog.h"
#include "census.h"
#include "strtab.h"

TT_STRTAB(tt_cstate, int, NULL, [TT_CS_ESTABLISHED] = "ESTABLISHED", [TT_CS_SYN_SENT] = "SYN_SENT",
    [TT_CS_SYN_RECV] = "SYN_RECV", [TT_CS_FIN_WAIT1] = "FIN_WAIT1", [TT_CS_FIN_WAIT2] = "FIN_WAIT2",
    [TT_CS_TIME_WAIT] = "TIME_WAIT", [TT_CS_CLOSE] = "CLOSE", [TT_CS_CLOSE_WAIT] = "CLOSE_WAIT",
    [TT_CS_LAST_ACK] = "LAST_ACK", [TT_CS_LISTEN] = "LISTEN", [TT_CS_CLOSING] = "CLOSING",
    [TT_CS_FIN_WAIT2_ORPHANED] = "FIN_WAIT2_ORPHANED")

TT_STRTAB(tt_cfamily, int, NULL, [TT_CF_IPV4] = "ipv4", [TT_CF_IPV6] = "ipv6")

const char *
tt_census_af_name(int af)
{
	return tt_cfamily_name(af == AF_INET6 ? TT_CF_IPV6 : TT_CF_IPV4);
}

void
tt_census_init(struct tt_census *c, unsigned lo, unsigned hi)
{
	size_t a = offsetof(struct tt_census, cw), b = offsetof(struct tt_census, ncw);

	/* All but the CLOSE_WAIT table, which is read only up to ncw: its
	 * pages stay untouched, and out of the resident set, until used. */
	memset(c, 0, a);
	memset((char *)c + b, 0, sizeof(*c) - b);
	c->port_lo = (uint16_t)lo;
	c->port_hi = (uint16_t)hi;
	for (size_t i = 0; i < sizeof(c->dest_hash) / sizeof(c->dest_hash[0]); i++)
		c->dest_hash[i] = -1;
}

uint64_t
tt_census_state(const struct tt_census *c, enum tt_cstate st)
{
	uint64_t n = 0;

	for (int f = 0; f < TT_CF__COUNT; f++)
		n += c->state[f][st];
	return n;
}

void
tt_census_add_listener(
    struct tt_census *c, int family, uint16_t port, uint32_t queued, uint32_t backlog)
{
	struct tt_census_listener *l;

	if (c->nlistener == TT_CENSUS_PORT_CAP) {
		c->listeners_dropped++;
		return;
	}
	l = &c->listener[c->nlistener++];
	l->family = (uint8_t)family;
	l->port = port;
	l->accept_queue = queued;
	l->backlog = backlog;
}

const struct tt_census_port *
tt_census_cw_port(const struct tt_census *c, uint16_t port)
{
	for (size_t i = 0; i < c->ncw_port; i++)
		if (c->cw_port[i].port == port)
			return &c->cw_port[i];
	return NULL;
}

const struct tt_census_listener *
tt_census_listener(const struct tt_census *c, uint16_t port)
{
	for (size_t i = 0; i < c->nlistener; i++)
		if (c->listener[i].port == port)
			return &c->listener[i];
	return NULL;
}
