/*
 * Each socket's detail in the census (census-detail.c): listeners,
 * CLOSE_WAIT ages, timers, what the owner walk looks for.
 */
#ifndef TCPTUNE_CENSUS_DETAIL_H
#define TCPTUNE_CENSUS_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "census.h"

/* One socket as sock_diag gives it, with the fields the detail uses. */
struct tt_census_sock {
	int family, state;
	uint8_t timer;       /* idiag_timer */
	uint32_t expires_ms; /* idiag_expires */
	uint32_t rqueue, wqueue;
	const uint8_t *dst; /* 4 or 16 bytes */
	uint16_t sport, dport;
	uint64_t inode;
	uint32_t idle_ms; /* tcpi_last_data_recv; UINT32_MAX when not asked */
};

/* The upper bound of bucket i in seconds; 0 for the last (no bound). */
unsigned tt_census_age_bound(int i);

/* "time_wait", "fin_wait2_orphaned", "fin_wait2_full_orphans" */
const char *tt_census_timer_name(int v);
int tt_census_timer_from_name(const char *s);

/*
 * Counts one socket.  state is the kernel's idiag_state; timewait is true
 * for a TIME_WAIT minisocket (idiag_timer 3); addresses are 4 or 16 bytes
 * as family says, ports in host order.
 */
void tt_census_add(struct tt_census *c, int family, int state, bool timewait, const uint8_t *dst,
    uint16_t sport, uint16_t dport, uint64_t inode);

/* Puts the listeners worth naming (full, or with CLOSE_WAIT waiting in
 * them) into the owner walk's table; returns how many. */
size_t tt_census_want_listeners(struct tt_census *c);

/* Counts one socket (tt_census_add) and its detail: listener, CLOSE_WAIT
 * age, keepalive timer, timers left, FIN_WAIT2 owner lookup. */
void tt_census_add_sock(struct tt_census *c, const struct tt_census_sock *s);

/* "45 s", "12 min", "3 h 5 min", "2 d 4 h" (rounded down) */
char *tt_census_age_str(uint32_t ms, char *buf, size_t len);
/* Whether the owner walk ran and looked for sockets of this kind
 * (TT_CI_*). */
bool tt_census_owners_of(const struct tt_census *c, int kind);
/* Adds an age in ms to a bucket set. */
void tt_census_age_add(struct tt_census_age *a, uint32_t ms);
/* The median CLOSE_WAIT age in ms (lower bound of its fine bucket); 0
 * when none has an age. */
uint32_t tt_census_cw_median_ms(const struct tt_census *c);
/* The listener of a local port, for changing (owner lookup). */
struct tt_census_listener *tt_census_listener_rw(struct tt_census *c, uint16_t port);

#endif
