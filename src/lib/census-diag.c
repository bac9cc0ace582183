/*
 * The census's sockets from NETLINK_SOCK_DIAG.
 *
 * The dump goes through libnl-3's bulk nl_recv() path: one buffer per
 * recvmsg(), decoded by tt_census_decode(), which knows nothing of libnl
 * and so can be fed hand-made buffers.  The per-message callback path of
 * nl_recvmsgs() costs about a tenth more at a million sockets.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "census-diag.h"
#include "nl.h"

/* --- the decoder --------------------------------------------------------- */

/*
 * A negative error from a netlink message, as a negative errno.  Callers
 * print it with strerror(-e): a value no errno has (INT_MIN, say, where
 * -e overflows) is a malformed message, not an error code.
 */
static int
msg_errno(int32_t e)
{
	return e < 0 && e >= -4095 ? e : -EBADMSG;
}

/* The offset of tcpi_last_data_recv in tcp_info (stable since 2.6). */
#define LAST_DATA_RECV offsetof(struct tcp_info, tcpi_last_data_recv)

/* tcp_info's tcpi_last_data_recv among the attributes a, UINT32_MAX when
 * the message has no (long enough) INET_DIAG_INFO. */
static uint32_t
idle_ms(const uint8_t *a, size_t len)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr na;
		size_t step;

		memcpy(&na, a, sizeof(na));
		if (na.nla_len < NLA_HDRLEN || na.nla_len > len)
			break;
		if ((na.nla_type & NLA_TYPE_MASK) == INET_DIAG_INFO &&
		    na.nla_len >= NLA_HDRLEN + LAST_DATA_RECV + sizeof(uint32_t)) {
			uint32_t v;

			memcpy(&v, a + NLA_HDRLEN + LAST_DATA_RECV, sizeof(v));
			return v == UINT32_MAX ? UINT32_MAX - 1 : v;
		}
		step = NLA_ALIGN(na.nla_len);
		if (step >= len)
			break;
		a += step;
		len -= step;
	}
	return UINT32_MAX;
}

/* One inet_diag_msg of mlen bytes (header included, at least one whole
 * message long). */
static void
decode_sock(struct tt_census *c, const uint8_t *p, size_t mlen)
{
	struct inet_diag_msg m;
	struct tt_census_sock s;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(m));

	memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return;
	/* Timer 3 is the TIME_WAIT timer: only minisockets have it
	 * (inet_twsk_diag_fill). */
	s = (struct tt_census_sock){ .family = m.idiag_family,
		.state = m.idiag_state,
		.timer = m.idiag_timer,
		.expires_ms = m.idiag_expires,
		.rqueue = m.idiag_rqueue,
		.wqueue = m.idiag_wqueue,
		.dst = (const uint8_t *)m.id.idiag_dst,
		.sport = ntohs(m.id.idiag_sport),
		.dport = ntohs(m.id.idiag_dport),
		.inode = m.idiag_inode,
		.cookie = (uint64_t)m.id.idiag_cookie[1] << 32 | m.id.idiag_cookie[0],
		.idle_ms = UINT32_MAX };
	/* Only CLOSE_WAIT's tcp_info is read: its age. */
	if (m.idiag_state == TT_CS_CLOSE_WAIT && mlen > off)
		s.idle_ms = idle_ms(p + off, mlen - off);
	tt_census_add_sock(c, &s);
}

int
tt_census_decode(struct tt_census *c, const void *buf, size_t len, bool *done)
{
	const uint8_t *p = buf;

	while (len > 0) {
		struct nlmsghdr h;
		size_t mlen, step;

		if (len < sizeof(h))
			return -EBADMSG;
		memcpy(&h, p, sizeof(h));
		mlen = h.nlmsg_len;
		if (mlen < sizeof(h) || mlen > len)
			return -EBADMSG;
		switch (h.nlmsg_type) {
		case NLMSG_DONE: {
			int32_t e = 0;

			*done = true;
			if (mlen >= NLMSG_LENGTH(sizeof(e)))
				memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
			return e < 0 ? msg_errno(e) : 0;
		}
		case NLMSG_ERROR: {
			struct nlmsgerr e;

			if (mlen < NLMSG_LENGTH(sizeof(e)))
				return -EBADMSG;
			memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
			if (e.error < 0)
				return msg_errno(e.error);
			break; /* an acknowledgement */
		}
		case SOCK_DIAG_BY_FAMILY:
			if (mlen < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				return -EBADMSG;
			decode_sock(c, p, mlen);
			break;
		default:
			break;
		}
		step = NLMSG_ALIGN(mlen);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* --- the dump ------------------------------------------------------------ */

/* A dump skb holds at most 32 KiB; a bigger buffer means no truncation and
 * no MSG_PEEK round trip, and one recvmsg() per skb. */
#define DUMP_BUF ((size_t)64 * 1024)

static int
dump_family(const struct tt_ctx *ctx, struct nl_sock *sk, struct tt_census *c, int family)
{
	struct inet_diag_req_v2 req;
	struct nl_msg *msg;
	bool done = false;
	int r;

	memset(&req, 0, sizeof(req));
	req.sdiag_family = (uint8_t)family;
	req.sdiag_protocol = IPPROTO_TCP;
	req.idiag_states = 0xfff; /* every state 0..11 (SYN_RECV brings requests) */
	/* tcp_info for the age of CLOSE_WAIT sockets.  The kernel adds it to
	 * full sockets only, never to TIME_WAIT minisockets or requests;
	 * measured, this costs less than a second dump of CLOSE_WAIT alone,
	 * which walks the whole socket hash again (docs/performance.md). */
	if (c->detail)
		req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP);
	if (msg == NULL)
		return -ENOMEM;
	r = nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO);
	if (r >= 0)
		r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return tt_nl_errno(r);
	while (!done) {
		struct sockaddr_nl nla;
		unsigned char *buf = NULL;
		int n = nl_recv(sk, &nla, &buf, NULL);

		if (n <= 0) {
			free(buf);
			tt_log(ctx, TT_LOG_ERR, "sock_diag dump: %s",
			    n < 0 ? nl_geterror(n) : "unexpected end");
			return n < 0 ? tt_nl_errno(n) : -EIO;
		}
		r = tt_census_decode(c, buf, (size_t)n, &done);
		free(buf);
		if (r < 0) {
			tt_log(ctx, TT_LOG_ERR, "sock_diag dump: %s", strerror(-r));
			return r;
		}
	}
	return 0;
}

double
tt_census_time(const struct tt_census *c)
{
	return c->dump_end > 0 ? (c->dump_start + c->dump_end) / 2 : 0;
}

int
tt_census_dump(const struct tt_ctx *ctx, struct tt_census *c)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (sk == NULL)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "sock_diag: %s", nl_geterror(r));
		nl_socket_free(sk);
		return tt_nl_errno(r);
	}
	/* A dump ends with NLMSG_DONE; an acknowledgement would only be one
	 * more message to read. */
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, DUMP_BUF);
	c->dump_start = tt_monotonic();
	r = dump_family(ctx, sk, c, AF_INET);
	if (r == 0)
		r = dump_family(ctx, sk, c, AF_INET6);
	c->dump_end = tt_monotonic();
	nl_socket_free(sk);
	c->dumped = r == 0;
	return r;
}
