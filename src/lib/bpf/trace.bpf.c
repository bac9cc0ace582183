// SPDX-License-Identifier: GPL-2.0
/*
 * tcptune's tracer: who opens, accepts and closes TCP connections, who
 * fails to connect, and when sockets enter CLOSE_WAIT.  Every event is
 * added up here, per process, namespace and peer, in fixed-size per-CPU
 * maps; user space reads the sums.  Only BTF tracepoints (tp_btf): they
 * need no tracefs, and lockdown in integrity mode allows them (it refuses
 * fentry/fexit and kprobes).
 *
 * Events in softirq context (a FIN, a RST, TIME_WAIT, a retransmission)
 * have no process of their own: they are charged to the socket's owner,
 * kept in a hash keyed by the socket's address from the moment a process
 * connected or closed it until the socket closes.  (Socket-local storage
 * would free itself, but costs an allocation per connection: at 20,000
 * connections a second several times this map.)
 */
#include "trace-kernel.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace-shared.h"

#define AF_INET      2
#define AF_INET6     10
#define ETIMEDOUT    110
#define ECONNREFUSED 111

/* TCP states (include/net/tcp_states.h). */
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT    2
#define TCP_SYN_RECV    3
#define TCP_FIN_WAIT1   4
#define TCP_FIN_WAIT2   5
#define TCP_CLOSE       7
#define TCP_CLOSE_WAIT  8
#define TCP_LAST_ACK    9
#define TCP_CLOSING     11

char LICENSE[] SEC("license") = "GPL";

/* The namespace looked at (its inode), 0 for every one; set before load. */
const volatile __u32 filter_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* a row per CPU: made as rows appear */
	__uint(max_entries, TT_TRACE_STATS_MAX);
	__type(key, struct tt_trace_key);
	__type(value, struct tt_trace_val);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TT_TRACE_OWNERS_MAX);
	__type(key, __u64);
	__type(value, struct tt_trace_owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TT_TL_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} losses SEC(".maps");

static __always_inline void
lost(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&losses, &what);

	if (v)
		*v += 1;
}

/* Whether the socket is in the namespace looked at (its inode in *ns). */
static __always_inline int
wanted(const struct sock *sk, __u32 *ns)
{
	*ns = sk->__sk_common.skc_net.net->ns.inum;
	return filter_netns == 0 || *ns == filter_netns;
}

/* The owner kept for sk, NULL when none (created, zeroed, when asked). */
static __always_inline struct tt_trace_owner *
owner_of(const struct sock *sk, int create)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner *o = bpf_map_lookup_elem(&owners, &id), zero;

	if (o != NULL || !create)
		return o;
	__builtin_memset(&zero, 0, sizeof(zero));
	bpf_map_update_elem(&owners, &id, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&owners, &id);
}

/* The socket is gone: so is its owner. */
static __always_inline void
owner_drop(const struct sock *sk)
{
	__u64 id = (__u64)sk;

	bpf_map_delete_elem(&owners, &id);
}

/* The peer's address of sk into addr (16 bytes; IPv4 in the first 4). */
static __always_inline void
peer_addr(__u8 *addr, const struct sock *sk, __u8 family)
{
	__be32 a4;

	if (family == AF_INET6) {
		__builtin_memcpy(addr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
		return;
	}
	a4 = sk->__sk_common.skc_daddr;
	__builtin_memcpy(addr, &a4, sizeof(a4));
}

/* o's row of sums (this CPU's), made when new; NULL when the table is full. */
static __always_inline struct tt_trace_val *
row(const struct tt_trace_owner *o)
{
	struct tt_trace_val *v, zero;

	v = bpf_map_lookup_elem(&stats, &o->key);
	if (v)
		return v;
	__builtin_memset(&zero, 0, sizeof(zero));
	__builtin_memcpy(zero.comm, o->comm, sizeof(zero.comm));
	/* EEXIST (another CPU was first) is fine; E2BIG is not. */
	bpf_map_update_elem(&stats, &o->key, &zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&stats, &o->key);
	if (!v)
		lost(TT_TL_STATS_FULL);
	return v;
}

/* Adds n to a counter of o's row (per CPU: no atomics). */
static __always_inline void
add(const struct tt_trace_owner *o, int which, __u64 n)
{
	struct tt_trace_val *v = row(o);

	if (v && which >= 0 && which < TT_TC_COUNT)
		v->c[which] += n;
}

static __always_inline void
count(const struct tt_trace_owner *o, int which)
{
	lost(TT_TL_EVENTS);
	add(o, which, 1);
}

/* o describes sk's peer, as seen from side. */
static __always_inline void
owner_peer(struct tt_trace_owner *o, const struct sock *sk, __u32 ns, __u8 side)
{
	__builtin_memset(o, 0, sizeof(*o));
	o->key.netns = ns;
	o->key.side = side;
	o->key.family = (__u8)sk->__sk_common.skc_family;
	peer_addr(o->key.addr, sk, o->key.family);
	if (side == TT_TRACE_SIDE_ACCEPTED)
		o->key.port = sk->__sk_common.skc_num;
	else
		o->key.port = bpf_ntohs(sk->__sk_common.skc_dport);
}

/* The calling process becomes o's. */
static __always_inline void
owner_current(struct tt_trace_owner *o)
{
	o->key.cgroup = bpf_get_current_cgroup_id();
	o->key.tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/* connect() got as far as sending a SYN: the caller owns the socket. */
static __always_inline void
opened(const struct sock *sk, __u32 ns)
{
	struct tt_trace_owner o;
	__u64 id = (__u64)sk;

	owner_peer(&o, sk, ns, TT_TRACE_SIDE_OPENED);
	owner_current(&o);
	if (bpf_map_update_elem(&owners, &id, &o, BPF_ANY))
		lost(TT_TL_STATS_FULL);
	count(&o, TT_TC_OPENED);
}

/*
 * A handshake to a listener completed, in softirq context: no process
 * has the socket yet.  It is counted when a process first closes it
 * (adopt()), or, if none does, when it ends.
 */
static __always_inline void
accepted(const struct sock *sk, __u32 ns)
{
	struct tt_trace_owner o;
	__u64 id = (__u64)sk;

	owner_peer(&o, sk, ns, TT_TRACE_SIDE_ACCEPTED);
	o.flags = TT_TRACE_OWNER_UNCLAIMED;
	if (bpf_map_update_elem(&owners, &id, &o, BPF_ANY))
		lost(TT_TL_STATS_FULL);
}

/* An accepted socket no process took: counted as the kernel's (pid 0). */
static __always_inline void
settle(struct tt_trace_owner *o, int also)
{
	struct tt_trace_val *v;

	if (!(o->flags & TT_TRACE_OWNER_UNCLAIMED)) {
		if (also >= 0)
			count(o, also);
		return;
	}
	o->flags &= ~TT_TRACE_OWNER_UNCLAIMED;
	lost(TT_TL_EVENTS);
	if ((v = row(o)) == NULL)
		return;
	v->c[TT_TC_ACCEPTED]++;
	if (o->flags & TT_TRACE_OWNER_PEER_FIRST)
		v->c[TT_TC_PEER_CLOSED]++;
	if (also >= 0 && also < TT_TC_COUNT)
		v->c[also]++;
}

/* An event on sk charged to its owner. */
static __always_inline void
charge(const struct sock *sk, int which)
{
	struct tt_trace_owner *o = owner_of(sk, 0);

	if (!o) {
		lost(TT_TL_NO_OWNER);
		return;
	}
	count(o, which);
}

/*
 * A process closes sk: it becomes the owner.  An accepted socket no
 * process had yet is counted now, for this one: its accept, and the
 * peer's close when that came first.
 */
static __always_inline void
adopt(const struct sock *sk, __u32 ns, int counter)
{
	struct tt_trace_owner *o = owner_of(sk, 1);

	if (o == NULL) {
		lost(TT_TL_STATS_FULL);
		return;
	}
	o->cw_entered = 0;
	if (o->key.netns == 0) /* opened before tracing began */
		owner_peer(o, sk, ns, TT_TRACE_SIDE_OPENED);
	else if (counter < 0 && !(o->flags & TT_TRACE_OWNER_UNCLAIMED))
		return; /* the peer closed first and the owner is known */
	if (o->key.tgid != bpf_get_current_pid_tgid() >> 32)
		owner_current(o); /* another process than the one that opened it */
	settle(o, counter);
}

/*
 * The peer's FIN came first: CLOSE_WAIT, with the time it began, kept in
 * the owner's entry (user space lists the entries that have one).  A
 * socket opened before tracing gets an entry with no process.
 */
static __always_inline void
peer_closed(const struct sock *sk, __u32 ns)
{
	struct tt_trace_owner *o = owner_of(sk, 1);

	if (o == NULL) {
		lost(TT_TL_CW_FULL);
		return;
	}
	if (o->key.netns == 0) {
		lost(TT_TL_NO_OWNER);
		owner_peer(o, sk, ns, TT_TRACE_SIDE_OPENED);
	} else if (!(o->flags & TT_TRACE_OWNER_UNCLAIMED)) {
		count(o, TT_TC_PEER_CLOSED);
	}
	o->flags |= TT_TRACE_OWNER_PEER_FIRST;
	o->cw_entered = bpf_ktime_get_ns();
	o->lport = sk->__sk_common.skc_num;
}

/* Out of CLOSE_WAIT. */
static __always_inline void
left_close_wait(const struct sock *sk)
{
	struct tt_trace_owner *o = owner_of(sk, 0);

	if (o != NULL)
		o->cw_entered = 0;
}

/*
 * SYN_SENT to CLOSE.  With no local port and no error, connect() found no
 * free port (EADDRNOTAVAIL, still in the caller's context): the open
 * counted at SYN_SENT is taken back.  Otherwise the error the handshake
 * ended with; none is the process giving up (close()), not a failure.
 */
static __always_inline void
handshake_failed(const struct sock *sk)
{
	int err = sk->sk_err;
	struct tt_trace_owner *o;

	if (err == 0 && sk->__sk_common.skc_num == 0) {
		o = owner_of(sk, 0);
		if (o == NULL)
			return;
		add(o, TT_TC_OPENED, (__u64)-1);
		count(o, TT_TC_FAIL_ADDRNOTAVAIL);
	} else if (err == ECONNREFUSED) {
		charge(sk, TT_TC_FAIL_REFUSED);
	} else if (err == ETIMEDOUT) {
		charge(sk, TT_TC_FAIL_TIMEDOUT);
	} else if (err != 0) {
		charge(sk, TT_TC_FAIL_OTHER);
	}
	owner_drop(sk);
}

/*
 * To CLOSE: from FIN_WAIT2 or CLOSING the socket was handed to the
 * TIME_WAIT table (tcp_time_wait() closes the full socket right after),
 * unless a reset ended it.  An accepted socket no process took is
 * settled.
 */
static __always_inline void
closed(const struct sock *sk, int from)
{
	struct tt_trace_owner *o = owner_of(sk, 0);
	int tw = from == TCP_FIN_WAIT2 || from == TCP_CLOSING;

	if (o == NULL) {
		if (tw)
			lost(TT_TL_NO_OWNER);
		return;
	}
	settle(o, tw && !(o->flags & TT_TRACE_OWNER_RESET) ? TT_TC_TIME_WAIT : -1);
	/* A process aborting the connection (close() with unread data,
	 * SO_LINGER 0) sends its RST just after: the owner stays for it. */
	if (!tw && from != TCP_LAST_ACK && !(o->flags & TT_TRACE_OWNER_RESET)) {
		o->flags |= TT_TRACE_OWNER_ENDED;
		return;
	}
	owner_drop(sk);
}

/* A reset on sk, sent or received: counted, and no TIME_WAIT follows. */
static __always_inline void
reset(const struct sock *sk, int which)
{
	struct tt_trace_owner *o;
	__u32 ns;

	if (!wanted(sk, &ns))
		return;
	o = owner_of(sk, 0);
	if (o == NULL) {
		lost(TT_TL_NO_OWNER);
		return;
	}
	o->flags |= TT_TRACE_OWNER_RESET;
	count(o, which);
	if (o->flags & TT_TRACE_OWNER_ENDED)
		owner_drop(sk);
}

/* Whether a transition is one the tracer counts (before any other work). */
static __always_inline int
interesting(int from, int to)
{
	switch (from) {
	case TCP_CLOSE:
		return to == TCP_SYN_SENT;
	case TCP_SYN_RECV:
		return to == TCP_ESTABLISHED || to == TCP_CLOSE;
	case TCP_SYN_SENT:
	case TCP_FIN_WAIT1:
		return to == TCP_CLOSE;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
	case TCP_CLOSE_WAIT:
	case TCP_LAST_ACK:
		return 1;
	}
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int
BPF_PROG(tt_state, struct sock *sk, int oldstate, int newstate)
{
	__u32 ns;

	if (!interesting(oldstate, newstate) || !wanted(sk, &ns))
		return 0;
	if (oldstate == TCP_CLOSE_WAIT && newstate != TCP_LAST_ACK)
		left_close_wait(sk); /* to LAST_ACK: adopt() clears it */
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		opened(sk, ns);
	else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED)
		accepted(sk, ns);
	else if (oldstate == TCP_ESTABLISHED && newstate == TCP_FIN_WAIT1)
		adopt(sk, ns, TT_TC_CLOSED_FIRST);
	else if (oldstate == TCP_CLOSE_WAIT && newstate == TCP_LAST_ACK)
		adopt(sk, ns, -1);
	else if (oldstate == TCP_ESTABLISHED && newstate == TCP_CLOSE_WAIT)
		peer_closed(sk, ns);
	else if (oldstate == TCP_SYN_SENT && newstate == TCP_CLOSE)
		handshake_failed(sk);
	else if (newstate == TCP_CLOSE)
		closed(sk, oldstate);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int
BPF_PROG(tt_reset_sent, const struct sock *sk, const struct sk_buff *skb)
{
	if (sk)
		reset(sk, TT_TC_RESET_SENT);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int
BPF_PROG(tt_reset_received, struct sock *sk)
{
	reset(sk, TT_TC_RESET_RECEIVED);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int
BPF_PROG(tt_retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	__u32 ns;

	if (sk->__sk_common.skc_state == TCP_SYN_SENT && wanted(sk, &ns))
		charge(sk, TT_TC_SYN_RETRANS);
	return 0;
}
