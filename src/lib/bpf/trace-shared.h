/*
 * What the tracer's BPF program and the library that loads it share: the
 * maps' keys and values.  Both sides compile this file, so it uses only
 * the fixed-size __uN types each side declares before including it.
 */
#ifndef TCPTUNE_TRACE_SHARED_H
#define TCPTUNE_TRACE_SHARED_H

/* Per process, per namespace, per peer: the aggregation key. */
struct tt_trace_key {
	__u64 cgroup;  /* the cgroup v2 id (the directory's inode) */
	__u32 tgid;    /* the process (thread group) id */
	__u32 netns;   /* inode of the socket's network namespace */
	__u8 addr[16]; /* the peer; IPv4 in the first 4 bytes */
	__u16 port;    /* host order: the peer's port, or ours when accepted */
	__u8 family;   /* AF_INET or AF_INET6 */
	__u8 side;     /* TT_TRACE_SIDE_* */
	__u32 zero;    /* always 0: no padding the hash could see */
};

enum {
	TT_TRACE_SIDE_OPENED = 0,   /* connect(): port is the peer's */
	TT_TRACE_SIDE_ACCEPTED = 1, /* accept(): port is our listener's */
};

/* The counters of one key, in the order of the library's names. */
enum {
	TT_TC_OPENED,            /* connect() started a handshake with a local port */
	TT_TC_ACCEPTED,          /* a handshake to a listener completed */
	TT_TC_CLOSED_FIRST,      /* this side sent the first FIN */
	TT_TC_PEER_CLOSED,       /* the peer's FIN came first: CLOSE_WAIT */
	TT_TC_TIME_WAIT,         /* handed to the TIME_WAIT table */
	TT_TC_RESET_SENT,        /* RST sent on the socket */
	TT_TC_RESET_RECEIVED,    /* RST received on the socket */
	TT_TC_SYN_RETRANS,       /* SYN sent again */
	TT_TC_FAIL_ADDRNOTAVAIL, /* connect() found no local port */
	TT_TC_FAIL_TIMEDOUT,     /* the handshake timed out */
	TT_TC_FAIL_REFUSED,      /* the peer answered the SYN with RST */
	TT_TC_FAIL_OTHER,        /* the handshake failed otherwise */
	TT_TC_COUNT
};

struct tt_trace_val {
	__u64 c[TT_TC_COUNT];
	char comm[16]; /* the last command seen for the key */
};

/* The owner of a live socket: its key and command; and since when it is
 * in CLOSE_WAIT, when it is. */
struct tt_trace_owner {
	struct tt_trace_key key;
	char comm[16];
	__u64 flags;      /* TT_TRACE_OWNER_* */
	__u64 cw_entered; /* CLOCK_MONOTONIC (bpf_ktime_get_ns), 0 not in CLOSE_WAIT */
	__u32 lport;      /* our port, set with cw_entered */
	__u32 zero;
};

#define TT_TRACE_OWNER_RESET      1 /* a RST ended it: no TIME_WAIT follows */
#define TT_TRACE_OWNER_UNCLAIMED  2 /* accepted, no process has closed it yet */
#define TT_TRACE_OWNER_PEER_FIRST 4 /* the peer's FIN came first */
#define TT_TRACE_OWNER_ENDED      8 /* closed, a RST of its process to come */

/* Global counters (per CPU): what could not be recorded. */
enum {
	TT_TL_STATS_FULL, /* an event whose key found the table full */
	TT_TL_CW_FULL,    /* a CLOSE_WAIT socket the owners' table had no room for */
	TT_TL_NO_OWNER,   /* an event on a socket opened before tracing (or evicted) */
	TT_TL_EVENTS,     /* every event counted */
	TT_TL_COUNT
};

#define TT_TRACE_STATS_MAX  16384
#define TT_TRACE_OWNERS_MAX 65536

#endif
