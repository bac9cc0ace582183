// SPDX-License-Identifier: GPL-2.0
/*
 * tcptune's tracer: who opens, accepts and closes TCP connections, who
 * fails to connect, and when sockets enter CLOSE_WAIT.  Every event is
 * added up here, per process, namespace and peer, in fixed-size maps;
 * user space reads the sums.  Only attach types that need no tracefs:
 * BTF tracepoints (tp_btf).  (fentry/fexit and kprobes would see more,
 * but lockdown in integrity mode refuses them; tracepoints it allows.)
 *
 * Events in softirq context (a FIN, a RST, TIME_WAIT, a retransmission)
 * have no process of their own: they are charged to the socket's owner,
 * recorded in an LRU map, keyed by the socket's address, when a process
 * connected, accepted or closed it.
 */
#include "trace-kernel.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace-shared.h"

#define AF_INET 2
#define AF_INET6 10
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EADDRNOTAVAIL 99

/* TCP states (include/net/tcp_states.h). */
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_FIN_WAIT1 4
#define TCP_SYN_RECV 3
#define TCP_FIN_WAIT2 5
#define TCP_CLOSE 7
#define TCP_CLOSE_WAIT 8
#define TCP_LAST_ACK 9
#define TCP_CLOSING 11

char LICENSE[] SEC("license") = "GPL";

/* The namespace looked at (its inode), 0 for every one; set before load. */
const volatile __u32 filter_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TT_TRACE_STATS_MAX);
	__type(key, struct tt_trace_key);
	__type(value, struct tt_trace_val);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TT_TRACE_OWNERS_MAX);
	__type(key, __u64);
	__type(value, struct tt_trace_owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TT_TRACE_CW_MAX);
	__type(key, __u64);
	__type(value, struct tt_trace_cw);
} closewait SEC(".maps");

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

static __always_inline __u32
sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* Whether the socket is in the namespace looked at (its inode in *ns). */
static __always_inline int
wanted(const struct sock *sk, __u32 *ns)
{
	*ns = sk_netns(sk);
	return filter_netns == 0 || *ns == filter_netns;
}

/* The peer's address of sk into addr (16 bytes; IPv4 in the first 4). */
static __always_inline void
peer_addr(__u8 *addr, const struct sock *sk, __u8 family)
{
	__be32 a4;

	if (family == AF_INET6) {
		BPF_CORE_READ_INTO(addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		return;
	}
	a4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	__builtin_memcpy(addr, &a4, sizeof(a4));
}

static __always_inline void
count(const struct tt_trace_owner *o, int which)
{
	struct tt_trace_val *v, zero;

	lost(TT_TL_EVENTS);
	v = bpf_map_lookup_elem(&stats, &o->key);
	if (!v) {
		__builtin_memset(&zero, 0, sizeof(zero));
		__builtin_memcpy(zero.comm, o->comm, sizeof(zero.comm));
		/* EEXIST (another CPU was first) is fine; E2BIG is not. */
		bpf_map_update_elem(&stats, &o->key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&stats, &o->key);
		if (!v) {
			lost(TT_TL_STATS_FULL);
			return;
		}
	}
	if (which >= 0 && which < TT_TC_COUNT)
		__sync_fetch_and_add(&v->c[which], 1);
}

/* The calling process, as an owner of sk, with sk's peer. */
static __always_inline void
owner_current(struct tt_trace_owner *o, const struct sock *sk, __u32 ns, __u8 side)
{
	__builtin_memset(o, 0, sizeof(*o));
	o->key.cgroup = bpf_get_current_cgroup_id();
	o->key.tgid = bpf_get_current_pid_tgid() >> 32;
	o->key.netns = ns;
	o->key.side = side;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	o->key.family = (__u8)BPF_CORE_READ(sk, __sk_common.skc_family);
	peer_addr(o->key.addr, sk, o->key.family);
	if (side == TT_TRACE_SIDE_ACCEPTED)
		o->key.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	else
		o->key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

/* An event on sk charged to its recorded owner. */
static __always_inline void
charge(const struct sock *sk, int which)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner *o;
	__u32 ns;

	if (!wanted(sk, &ns))
		return;
	o = bpf_map_lookup_elem(&owners, &id);
	if (!o) {
		lost(TT_TL_NO_OWNER);
		return;
	}
	count(o, which);
}

/* Takes a counter of one key back (it moves to another). */
static __always_inline void
uncount(const struct tt_trace_key *k, int which)
{
	struct tt_trace_val *v = bpf_map_lookup_elem(&stats, k);

	if (v && which >= 0 && which < TT_TC_COUNT)
		__sync_fetch_and_add(&v->c[which], -1);
}

/*
 * A process acts on sk (closes it): it becomes the owner.  A connection
 * accepted in softirq context, with no process known, is moved to this
 * one: its accept, and the peer's close when it came first.
 */
static __always_inline void
adopt(const struct sock *sk, __u32 ns, int counter, int peer_first)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner o, *was;

	was = bpf_map_lookup_elem(&owners, &id);
	owner_current(&o, sk, ns, was ? was->key.side : TT_TRACE_SIDE_OPENED);
	if (was) { /* the peer as recorded when it was opened */
		__builtin_memcpy(o.key.addr, was->key.addr, sizeof(o.key.addr));
		o.key.port = was->key.port;
		o.key.family = was->key.family;
		o.flags = was->flags;
		if (was->key.tgid == 0 && was->key.side == TT_TRACE_SIDE_ACCEPTED) {
			uncount(&was->key, TT_TC_ACCEPTED);
			count(&o, TT_TC_ACCEPTED);
			if (peer_first) {
				uncount(&was->key, TT_TC_PEER_CLOSED);
				count(&o, TT_TC_PEER_CLOSED);
			}
		}
	}
	if (counter >= 0)
		count(&o, counter);
	bpf_map_update_elem(&owners, &id, &o, BPF_ANY);
}

/* The peer's FIN came first: CLOSE_WAIT, with the time it began. */
static __always_inline void
peer_closed(const struct sock *sk, __u32 ns)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner *o;
	struct tt_trace_cw cw;

	__builtin_memset(&cw, 0, sizeof(cw));
	cw.entered_ns = bpf_ktime_get_ns();
	cw.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	o = bpf_map_lookup_elem(&owners, &id);
	if (o) {
		cw.owner = *o;
		count(o, TT_TC_PEER_CLOSED);
	} else {
		lost(TT_TL_NO_OWNER);
		cw.owner.key.netns = ns;
		cw.owner.key.family = (__u8)BPF_CORE_READ(sk, __sk_common.skc_family);
		peer_addr(cw.owner.key.addr, sk, cw.owner.key.family);
		cw.owner.key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	if (bpf_map_update_elem(&closewait, &id, &cw, BPF_ANY))
		lost(TT_TL_CW_FULL);
}

/* connect() got as far as sending a SYN: the caller owns the socket. */
static __always_inline void
opened(const struct sock *sk, __u32 ns)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner o;

	owner_current(&o, sk, ns, TT_TRACE_SIDE_OPENED);
	count(&o, TT_TC_OPENED);
	bpf_map_update_elem(&owners, &id, &o, BPF_ANY);
}

/* A handshake to a listener completed (in softirq: no process yet). */
static __always_inline void
accepted(const struct sock *sk, __u32 ns)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner o;

	__builtin_memset(&o, 0, sizeof(o));
	o.key.netns = ns;
	o.key.side = TT_TRACE_SIDE_ACCEPTED;
	o.key.family = (__u8)BPF_CORE_READ(sk, __sk_common.skc_family);
	peer_addr(o.key.addr, sk, o.key.family);
	o.key.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	count(&o, TT_TC_ACCEPTED);
	bpf_map_update_elem(&owners, &id, &o, BPF_ANY);
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
	int err = BPF_CORE_READ(sk, sk_err);
	__u64 id = (__u64)sk;
	struct tt_trace_val *v;
	struct tt_trace_owner *o;

	if (err == 0 && BPF_CORE_READ(sk, __sk_common.skc_num) == 0) {
		o = bpf_map_lookup_elem(&owners, &id);
		if (o == NULL)
			return;
		v = bpf_map_lookup_elem(&stats, &o->key);
		if (v)
			__sync_fetch_and_add(&v->c[TT_TC_OPENED], -1);
		count(o, TT_TC_FAIL_ADDRNOTAVAIL);
		return;
	}
	if (err == ECONNREFUSED)
		charge(sk, TT_TC_FAIL_REFUSED);
	else if (err == ETIMEDOUT)
		charge(sk, TT_TC_FAIL_TIMEDOUT);
	else if (err != 0)
		charge(sk, TT_TC_FAIL_OTHER);
}

/*
 * FIN_WAIT2 or CLOSING to CLOSE: the socket was handed to the TIME_WAIT
 * table (tcp_time_wait() closes the full socket right after), unless a
 * reset ended it.
 */
static __always_inline void
time_wait(const struct sock *sk)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner *o = bpf_map_lookup_elem(&owners, &id);

	if (o == NULL)
		lost(TT_TL_NO_OWNER);
	else if (!(o->flags & TT_TRACE_OWNER_RESET))
		count(o, TT_TC_TIME_WAIT);
}

/* A reset on sk, sent or received: counted, and no TIME_WAIT follows. */
static __always_inline void
reset(const struct sock *sk, int which)
{
	__u64 id = (__u64)sk;
	struct tt_trace_owner *o;
	__u32 ns;

	if (!wanted(sk, &ns))
		return;
	o = bpf_map_lookup_elem(&owners, &id);
	if (o == NULL) {
		lost(TT_TL_NO_OWNER);
		return;
	}
	o->flags |= TT_TRACE_OWNER_RESET;
	count(o, which);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tt_state, struct sock *sk, int oldstate, int newstate)
{
	__u64 id = (__u64)sk;
	__u32 ns;

	if (!wanted(sk, &ns))
		return 0;
	if (oldstate == TCP_CLOSE_WAIT)
		bpf_map_delete_elem(&closewait, &id);
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		opened(sk, ns);
	else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED)
		accepted(sk, ns);
	else if (oldstate == TCP_ESTABLISHED && newstate == TCP_FIN_WAIT1)
		adopt(sk, ns, TT_TC_CLOSED_FIRST, 0);
	else if (oldstate == TCP_CLOSE_WAIT && newstate == TCP_LAST_ACK)
		adopt(sk, ns, -1, 1);
	else if (oldstate == TCP_ESTABLISHED && newstate == TCP_CLOSE_WAIT)
		peer_closed(sk, ns);
	else if (oldstate == TCP_SYN_SENT && newstate == TCP_CLOSE)
		handshake_failed(sk);
	else if ((oldstate == TCP_FIN_WAIT2 || oldstate == TCP_CLOSING) && newstate == TCP_CLOSE)
		time_wait(sk);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(tt_reset_sent, const struct sock *sk, const struct sk_buff *skb)
{
	if (sk)
		reset(sk, TT_TC_RESET_SENT);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tt_reset_received, struct sock *sk)
{
	reset(sk, TT_TC_RESET_RECEIVED);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tt_retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_SYN_SENT)
		charge(sk, TT_TC_SYN_RETRANS);
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(tt_destroy, struct sock *sk)
{
	__u64 id = (__u64)sk;

	bpf_map_delete_elem(&owners, &id);
	bpf_map_delete_elem(&closewait, &id);
	return 0;
}
