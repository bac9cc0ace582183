/*
 * The socket census inside the library: the sock_diag decoder and dump,
 * the /proc counters, the owner walk, and the census as one call, which
 * tt_snapshot_gather() makes.  Not for the front end; unit tests and fuzz
 * harnesses include it.
 */
#ifndef TCPTUNE_CENSUS_INTERNAL_H
#define TCPTUNE_CENSUS_INTERNAL_H

#include "census.h"

/*
 * Decodes one buffer of netlink messages of a sock_diag dump and counts
 * every socket in it.  Pure: no I/O.  Sets *done when the buffer holds
 * NLMSG_DONE.  Returns 0, -EBADMSG for a malformed buffer, or the negative
 * errno of an NLMSG_ERROR message.
 */
int tt_census_decode(struct tt_census *c, const void *buf, size_t len, bool *done);

/* Keeps the identity of a socket counted towards d (c->keep_ids). */
void tt_census_keep_id(struct tt_census *c, const struct tt_census_dest *d, uint64_t cookie,
    uint16_t sport, uint16_t dport);

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

/* Dumps the TCP sockets of the calling thread's network namespace
 * through sock_diag into c.
 * Returns 0 or a negative errno. */
int tt_census_dump(const struct tt_ctx *ctx, struct tt_census *c);

/*
 * Matches the remembered CLOSE_WAIT inodes with <proc root>/PID/fd links
 * and fills the owner table.  Processes whose net namespace
 * (PID/ns/net) is the calling thread's are walked first, the others only
 * while inodes are unmatched; the walk stops when every inode is found,
 * or after owner_fd_limit links (owners_partial).  Each socket counts
 * once, for the first process found holding it; rows past
 * TT_CENSUS_OWNER_CAP are summed in owner_rows_dropped.  Processes that
 * vanish or cannot be read are skipped.  Returns 0 or a negative errno when the proc root cannot be
 * listed.
 */
int tt_census_find_owners(const struct tt_ctx *ctx, struct tt_census *c);
/*
 * The same for n censuses at once, in one walk over the processes: each
 * process's fd links are matched with the census of its own namespace
 * first (processes in one of the censuses' namespaces are walked
 * first), then with the others.  The fd limit is the highest of theirs;
 * owner_fds_read is the walk's.  Returns as tt_census_find_owners().
 */
struct tt_census_ref {
	struct tt_census *c;
};
int tt_census_find_owners_many(const struct tt_ctx *ctx, struct tt_census_ref *cs, size_t n);
/* Records the calling thread's network namespace as the census's. */
void tt_census_set_netns(const struct tt_ctx *ctx, struct tt_census *c);

struct tt_census_opts {
	unsigned port_lo, port_hi;     /* ephemeral range; 0 0: the default */
	long long close_wait_warn;     /* owners are looked for at or above it */
	long long fin_wait2_warn;      /* and at or above it of shutdown() FIN_WAIT2 */
	long long close_wait_age_warn; /* and when a CLOSE_WAIT is this old (s) */
	bool no_owners;
	bool no_detail; /* no tcp_info: CLOSE_WAIT without ages */
	bool keep_ids;  /* each outgoing socket's identity, for rates */
};

/* Whether the owner walk pays for this census under o's thresholds; sets
 * what it is to look for (c->walk_kinds). */
bool tt_census_want_owners(struct tt_census *c, const struct tt_census_opts *o);

/*
 * The whole census: dump, counters, and owners when CLOSE_WAIT (or
 * owned FIN_WAIT2) reaches its threshold, a CLOSE_WAIT socket is older
 * than close_wait_age_warn, or a listener is worth naming
 * (full, or CLOSE_WAIT waiting in its queue).  Returns 0 with *out set (free with free(3)), or a
 * negative errno when the dump failed.
 */
int
tt_census_gather(const struct tt_ctx *ctx, const struct tt_census_opts *o, struct tt_census **out);

#endif
