/*
 * The socket census: how many TCP sockets this network namespace has in
 * each state, towards which destinations the ephemeral ports go, who holds
 * CLOSE_WAIT sockets, and the kernel's own counters that show trouble has
 * already happened.
 *
 * Sockets come from one NETLINK_SOCK_DIAG dump per address family, decoded
 * as a stream: memory does not grow with the number of sockets, only the
 * bounded tables below (destinations, CLOSE_WAIT inodes, owners) take room.
 */
#ifndef TCPTUNE_CENSUS_H
#define TCPTUNE_CENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

/*
 * States, numbered as the kernel numbers them (include/net/tcp_states.h),
 * plus one of our own: a TIME_WAIT minisocket in its FIN_WAIT2 substate,
 * which is what an orphaned FIN_WAIT2 socket becomes.  FIN_WAIT2 itself
 * counts full sockets only, so the states add up to the total.
 */
enum tt_cstate {
	TT_CS_ESTABLISHED = 1,
	TT_CS_SYN_SENT,
	TT_CS_SYN_RECV,
	TT_CS_FIN_WAIT1,
	TT_CS_FIN_WAIT2,
	TT_CS_TIME_WAIT,
	TT_CS_CLOSE,
	TT_CS_CLOSE_WAIT,
	TT_CS_LAST_ACK,
	TT_CS_LISTEN,
	TT_CS_CLOSING,
	TT_CS_FIN_WAIT2_ORPHANED,
	TT_CS__COUNT
};

/* "ESTABLISHED", "FIN_WAIT2_ORPHANED"; NULL for 0 or out of range. */
const char *tt_cstate_name(int v);
int tt_cstate_from_name(const char *s);
/* A family's name, "ipv4" or "ipv6", by its index (TT_CF_*) or its address
 * family (AF_INET, AF_INET6; anything else is taken for IPv4). */
const char *tt_cfamily_name(int v);
int tt_cfamily_from_name(const char *s);
const char *tt_census_af_name(int af);

enum {
	TT_CF_IPV4 = 0,
	TT_CF_IPV6 = 1,
	TT_CF__COUNT
};

/* Counters from sockstat, sockstat6, snmp and netstat, and whether each
 * one is this namespace's or the whole host's (wrong inside a container).
 * snmp's and netstat's add up since boot (or since the namespace was
 * made); sockstat's count what is there now.
 * X(id, file, section, field, per_netns) */
#define TT_COUNTERS(X)                                                      \
	X(TCP_INUSE, "sockstat", "TCP", "inuse", true)                      \
	X(TCP_ORPHAN, "sockstat", "TCP", "orphan", false)                   \
	X(TCP_TW, "sockstat", "TCP", "tw", true)                            \
	X(TCP_ALLOC, "sockstat", "TCP", "alloc", false)                     \
	X(TCP_MEM, "sockstat", "TCP", "mem", false)                         \
	X(TCP6_INUSE, "sockstat6", "TCP6", "inuse", true)                   \
	X(ACTIVE_OPENS, "snmp", "Tcp", "ActiveOpens", true)                 \
	X(PASSIVE_OPENS, "snmp", "Tcp", "PassiveOpens", true)               \
	X(ATTEMPT_FAILS, "snmp", "Tcp", "AttemptFails", true)               \
	X(ESTAB_RESETS, "snmp", "Tcp", "EstabResets", true)                 \
	X(OUT_RSTS, "snmp", "Tcp", "OutRsts", true)                         \
	X(TW, "netstat", "TcpExt", "TW", true)                              \
	X(TW_RECYCLED, "netstat", "TcpExt", "TWRecycled", true)             \
	X(TW_KILLED, "netstat", "TcpExt", "TWKilled", true)                 \
	X(TW_OVERFLOW, "netstat", "TcpExt", "TCPTimeWaitOverflow", true)    \
	X(PAWS_ACTIVE, "netstat", "TcpExt", "PAWSActive", true)             \
	X(PAWS_PASSIVE, "netstat", "TcpExt", "PAWSPassive", true)           \
	X(PAWS_ESTAB, "netstat", "TcpExt", "PAWSEstab", true)               \
	X(PAWS_TIMEWAIT, "netstat", "TcpExt", "PAWSTimewait", true)         \
	X(ABORT_ON_MEMORY, "netstat", "TcpExt", "TCPAbortOnMemory", true)   \
	X(ABORT_ON_TIMEOUT, "netstat", "TcpExt", "TCPAbortOnTimeout", true) \
	X(SYN_RETRANS, "netstat", "TcpExt", "TCPSynRetrans", true)          \
	X(LISTEN_OVERFLOWS, "netstat", "TcpExt", "ListenOverflows", true)   \
	X(LISTEN_DROPS, "netstat", "TcpExt", "ListenDrops", true)

enum tt_counter_id {
#define TT_CTR_ENUM(id, file, sect, field, netns) TT_CTR_##id,
	TT_COUNTERS(TT_CTR_ENUM)
#undef TT_CTR_ENUM
	TT_CTR__COUNT
};

struct tt_counter_info {
	const char *file;    /* below <proc root>/net/ */
	const char *section; /* "TCP", "TcpExt" */
	const char *field;
	bool per_netns;
};

/* TIME_WAIT timers left on a destination's sockets, by whole seconds; the
 * last bucket holds 63 s and more (a vendor kernel's longer TIME_WAIT). */
#define TT_CENSUS_TW_BUCKETS 64

/* One destination (remote address and port) of outgoing connections. */
struct tt_census_dest {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	/* Sockets towards it on a local port inside the ephemeral range.  With
	 * space-saving eviction count may be high by at most err. */
	uint64_t count, err;
	uint64_t time_wait; /* of count: TIME_WAIT minisockets */
	uint64_t fin_wait2; /* of count: orphaned FIN_WAIT2 minisockets */
	uint64_t syn_sent;
	int16_t next;     /* hash chain, -1 ends */
	uint32_t id_hash; /* of the address, as its sockets' identities carry it */
	/* Of time_wait + fin_wait2: when each timer fires, seconds from now. */
	uint32_t tw_left[TT_CENSUS_TW_BUCKETS];
};

/*
 * One socket counted towards a destination, as the census keeps it to
 * tell, between two censuses, which sockets are gone: sock_diag's cookie
 * (a timewait minisocket keeps the one of the socket it was), the local
 * and remote port, and the hash of the remote address (the destination's
 * id_hash).  16 bytes.
 */
struct tt_census_id {
	uint64_t cookie;
	uint32_t dest_hash;
	uint16_t sport, dport;
};
#define TT_CENSUS_ID_CAP (1u << 20) /* identities kept at most: 16 MiB */

/*
 * Ages of CLOSE_WAIT sockets: how long ago data last came in (tcp_info's
 * tcpi_last_data_recv, in ms; the peer's FIN carries no data, so this is
 * at least the time since the application stopped reading it).  Counted
 * in fixed buckets, so memory does not grow with the sockets:
 * < 10 s, < 1 min, < 10 min, < 1 h, < 1 day, older.
 */
#define TT_CENSUS_AGE_SHOW 6
struct tt_census_age {
	uint64_t n;         /* sockets with an age */
	uint32_t oldest_ms; /* tcpi_last_data_recv is 32 bits of ms (49 days) */
	uint64_t bucket[TT_CENSUS_AGE_SHOW];
};
/* Finer buckets for the median: 8 per power of two of ms, so the median
 * is the lower bound of its bucket, at most 1/8 below the truth. */
#define TT_CENSUS_AGE_FINE 240

/* Who holds CLOSE_WAIT (or shutdown() FIN_WAIT2) sockets: one row per
 * process and local port. */
struct tt_census_owner {
	int pid;
	char comm[32];
	uint16_t port;
	uint64_t count;
	struct tt_census_age age; /* CLOSE_WAIT rows only */
};

/* Timers left (idiag_expires) on sockets of one kind. */
struct tt_census_timer {
	uint64_t n;
	uint32_t min_ms, max_ms;
	uint64_t sum_ms;
};

enum {
	TT_CT_TIME_WAIT,      /* TIME_WAIT minisockets */
	TT_CT_FIN_WAIT2_MINI, /* orphaned FIN_WAIT2 minisockets */
	TT_CT_FIN_WAIT2_FULL, /* orphaned FIN_WAIT2 full sockets (timer 2) */
	TT_CT__COUNT
};

/* What a remembered inode is, for the owner walk. */
enum {
	TT_CI_CLOSE_WAIT,
	TT_CI_FIN_WAIT2, /* shutdown() without close(): a full FIN_WAIT2 with an owner */
	TT_CI_LISTEN,    /* a listener worth naming (full, or CLOSE_WAIT queued) */
	TT_CI_FAR,       /* ESTABLISHED with keepalive, to an address beyond a NAT */
};

#define TT_CENSUS_DEST_CAP  256   /* destinations tracked (heavy hitters) */
#define TT_CENSUS_DEST_SHOW 10    /* destinations reported */
#define TT_CENSUS_CW_CAP    65536 /* CLOSE_WAIT inodes remembered */
#define TT_CENSUS_OWNER_CAP 64    /* owner rows */
/* fd links the owner walk reads at most (about 1 s at 3.5 us each) */
#define TT_CENSUS_OWNER_FD_MAX  262144
#define TT_CENSUS_PORT_CAP      64 /* CLOSE_WAIT local ports, listeners */
#define TT_CENSUS_FW2_OWNER_CAP 16 /* owners of shutdown() FIN_WAIT2 sockets */
#define TT_CENSUS_FAR_OWNER_CAP 16 /* owners of keepalive sockets beyond a NAT */

/* CLOSE_WAIT sockets by local port.  Those with no inode have not been
 * accept()ed yet: they sit in the accept queue of the listener on that
 * port, and no process holds them. */
struct tt_census_port {
	uint16_t port;
	/* A client's row: CLOSE_WAIT on ephemeral local ports, grouped by the
	 * destination they were connected to (family, addr and port, the
	 * remote one); else port is the local (service) port. */
	bool client;
	uint8_t family;
	uint8_t addr[16];
	uint64_t close_wait;
	uint64_t not_accepted; /* of close_wait */
	struct tt_census_age age;
};

/* A listener: for one, sock_diag's rqueue is the accept queue's length
 * and wqueue the backlog it was given, capped by somaxconn at listen(). */
struct tt_census_listener {
	uint8_t family;
	uint16_t port;
	uint32_t accept_queue;
	uint32_t backlog;
	uint64_t inode;
	int pid; /* its owner, when the walk looked for it and found it; else 0 */
	char comm[32];
};

/* A socket the owner walk looks for. */
struct tt_census_cw {
	uint64_t inode;
	uint32_t age_ms; /* CLOSE_WAIT: tcpi_last_data_recv; UINT32_MAX unknown */
	uint16_t port;
	uint8_t kind; /* TT_CI_* */
	bool found;   /* the owner walk saw it in some process */
};

struct tt_census {
	bool dumped; /* the sock_diag dump ran to its end */
	/* When: CLOCK_MONOTONIC seconds as the dump began and ended */
	double dump_start, dump_end;
	uint64_t state[TT_CF__COUNT][TT_CS__COUNT];
	uint64_t total;
	/* Full FIN_WAIT2 sockets without an owner (inode 0): orphans that a
	 * tcp_fin_timeout over 60 s keeps as full sockets for a while. */
	uint64_t fin_wait2_full_orphans;

	/* Destinations: only sockets whose local port is in [port_lo, port_hi]
	 * count, since only those took an ephemeral port.  Space-saving:
	 * exact while no more than TT_CENSUS_DEST_CAP destinations were
	 * seen (dest_evictions == 0). */
	uint16_t port_lo, port_hi;
	uint32_t reserved_in_range; /* of port_lo..port_hi, in ip_local_reserved_ports */
	uint64_t outbound;
	struct tt_census_dest dest[TT_CENSUS_DEST_CAP];
	size_t ndest;
	int16_t dest_hash[TT_CENSUS_DEST_CAP * 2];
	uint64_t dest_evictions;

	/* CLOSE_WAIT: the first TT_CENSUS_CW_CAP inodes seen (1 MiB), for the owner
	 * walk; the walk runs only when it was asked for. */
	struct tt_census_cw cw[TT_CENSUS_CW_CAP];
	size_t ncw;
	size_t cw_kept; /* of ncw, CLOSE_WAIT sockets (the rest: FIN_WAIT2, listeners) */
	bool owners_walked;
	uint64_t cw_matched; /* remembered inodes found in some process */
	struct tt_census_owner owner[TT_CENSUS_OWNER_CAP];
	size_t nowner;
	/* Sockets whose process found no free row: the "other processes"
	 * row, summed, never dropped. */
	uint64_t owner_rows_dropped;
	uint64_t owner_fds_read; /* fd links read by the walk */
	uint64_t owner_fd_limit; /* the most to read; 0: TT_CENSUS_OWNER_FD_MAX */
	bool owners_partial;     /* the limit stopped the walk with sockets unmatched */

	/* CLOSE_WAIT by local port, and the listeners, first come first
	 * kept; what finds no free row is counted as dropped. */
	struct tt_census_port cw_port[TT_CENSUS_PORT_CAP];
	size_t ncw_port;
	uint64_t cw_ports_dropped;
	struct tt_census_listener listener[TT_CENSUS_PORT_CAP];
	size_t nlistener;
	uint64_t listeners_dropped;

	/* Per-socket detail.  CLOSE_WAIT ages, all of them; the owners'
	 * and ports' rows carry their own. */
	struct tt_census_age cw_age;
	uint64_t cw_age_fine[TT_CENSUS_AGE_FINE];
	/* ESTABLISHED by idiag_timer: keepalive armed (2), none (0), or
	 * busy with a retransmit or probe timer (1, 4), which hides whether
	 * keepalive is set. */
	uint64_t est_keepalive, est_no_timer, est_busy;
	struct tt_census_timer timer[TT_CT__COUNT];
	/* Owners of FIN_WAIT2 sockets shut down but not closed. */
	struct tt_census_owner fw2_owner[TT_CENSUS_FW2_OWNER_CAP];
	size_t nfw2_owner;
	uint64_t fw2_owner_rows_dropped;
	uint64_t fw2_matched;
	/* ESTABLISHED sockets to public addresses, the ones a NAT or
	 * stateful middlebox on the way can forget when they go idle; of
	 * them, those with keepalive armed, and the longest keepalive timer
	 * left (ms).  Their inodes join the owner walk (TT_CI_FAR, with the
	 * timer left in age_ms); the owners' rows keep the remote port and,
	 * in age.oldest_ms, their longest timer. */
	uint64_t est_far, est_far_keepalive;
	uint32_t est_far_timer_max_ms;
	struct tt_census_owner far_owner[TT_CENSUS_FAR_OWNER_CAP];
	size_t nfar_owner;
	uint64_t far_owner_rows_dropped;
	bool detail; /* the dump asked for the detail (tcp_info of CLOSE_WAIT) */
	/* What the owner walk looks for: 1 << TT_CI_* bits; 0 is all. */
	unsigned walk_kinds;

	/* Identities of the sockets counted towards destinations, when asked
	 * for (keep_ids), sorted (tt_census_ids_sort()) once the dump is
	 * over.  What found no room (TT_CENSUS_ID_CAP, or no memory) is
	 * counted in ids_dropped. */
	bool keep_ids;
	struct tt_census_id *id;
	size_t nid, id_alloc;
	uint64_t ids_dropped;

	bool have[TT_CTR__COUNT];
	uint64_t counter[TT_CTR__COUNT];

	/* The network namespace counted (its nsfs identity), when known. */
	bool ns_known;
	dev_t ns_dev;
	ino_t ns_ino;
};

/* The census's moment: the middle of its dump, CLOCK_MONOTONIC seconds
 * (0 when it was not dumped). */
double tt_census_time(const struct tt_census *c);

/* Sets up an empty census that counts destinations on ports lo..hi. */
void tt_census_init(struct tt_census *c, unsigned lo, unsigned hi);

/* Frees a census and the identities it kept. */
void tt_census_free(struct tt_census *c);

/* Sorts the kept identities, as tt_census_id_cmp() orders them. */
void tt_census_ids_sort(struct tt_census *c);
/* Orders identities by cookie, then ports and address hash. */
int tt_census_id_cmp(const struct tt_census_id *a, const struct tt_census_id *b);
/* Whether every socket counted towards a destination has its identity. */
bool tt_census_ids_complete(const struct tt_census *c);

/* States of both families together. */
uint64_t tt_census_state(const struct tt_census *c, enum tt_cstate st);

/* Counts one listener, with its accept queue and backlog (sock_diag's
 * rqueue and wqueue for a listening socket). */
void tt_census_add_listener(
    struct tt_census *c, int family, uint16_t port, uint32_t queued, uint32_t backlog);

/* The CLOSE_WAIT row (a service's, never a client's) and the listener of
 * a local port, NULL when none. */
const struct tt_census_port *tt_census_cw_port(const struct tt_census *c, uint16_t port);
const struct tt_census_listener *tt_census_listener(const struct tt_census *c, uint16_t port);

/* The functions of the files that fill and read a census, which its users
 * need beside these: destinations (census-dest.c), the detail of each
 * socket (census-detail.c) and the kernel's counters (census-proc.c). */
#include "census-dest.h"
#include "census-detail.h"
#include "census-proc.h"

#endif
