/*
 * The socket census.  See census.h.
 *
 * The dump goes through libnl-3's bulk nl_recv() path: one buffer per
 * recvmsg(), decoded by tt_census_decode(), which knows nothing of libnl
 * and so can be fed hand-made buffers.  The per-message callback path of
 * nl_recvmsgs() costs about a tenth more at a million sockets.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "catalog.h"
#include "census-internal.h"
#include "sysctl.h"

static const char *const cstate_names[TT_CS__COUNT] = {
	[TT_CS_ESTABLISHED] = "ESTABLISHED",
	[TT_CS_SYN_SENT] = "SYN_SENT",
	[TT_CS_SYN_RECV] = "SYN_RECV",
	[TT_CS_FIN_WAIT1] = "FIN_WAIT1",
	[TT_CS_FIN_WAIT2] = "FIN_WAIT2",
	[TT_CS_TIME_WAIT] = "TIME_WAIT",
	[TT_CS_CLOSE] = "CLOSE",
	[TT_CS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TT_CS_LAST_ACK] = "LAST_ACK",
	[TT_CS_LISTEN] = "LISTEN",
	[TT_CS_CLOSING] = "CLOSING",
	[TT_CS_FIN_WAIT2_ORPHANED] = "FIN_WAIT2_ORPHANED",
};

const char *
tt_cstate_name(int st)
{
	if (st <= 0 || st >= TT_CS__COUNT)
		return NULL;
	return cstate_names[st];
}

static const struct tt_counter_info counters[TT_CTR__COUNT] = {
#define TT_CTR_INFO(id, file, sect, field, netns) [TT_CTR_##id] = { file, sect, field, netns },
	TT_COUNTERS(TT_CTR_INFO)
#undef TT_CTR_INFO
};

const struct tt_counter_info *
tt_counter_info(enum tt_counter_id id)
{
	return id < TT_CTR__COUNT ? &counters[id] : NULL;
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

/* --- destinations: a space-saving heavy-hitters table ------------------ */

#define NBUCKETS (sizeof(((struct tt_census *)0)->dest_hash) / sizeof(int16_t))

static unsigned
dest_hash(uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint32_t w[4];
	uint64_t h;

	memcpy(w, addr, sizeof(w));
	h = (uint64_t)(w[0] ^ w[1] ^ w[2] ^ w[3]) << 16 ^ port ^ (uint64_t)family << 48;
	h *= 0x9e3779b97f4a7c15ULL;
	return (unsigned)(h >> 40) % NBUCKETS;
}

static void
dest_unlink(struct tt_census *c, int16_t i)
{
	struct tt_census_dest *d = &c->dest[i];
	int16_t *p = &c->dest_hash[dest_hash(d->family, d->addr, d->port)];

	while (*p != -1 && *p != i)
		p = &c->dest[*p].next;
	if (*p == i)
		*p = d->next;
}

static void
dest_add(struct tt_census *c, uint8_t family, const uint8_t *addr, uint16_t port, int state)
{
	unsigned b = dest_hash(family, addr, port);
	struct tt_census_dest *d;
	int16_t i;

	for (i = c->dest_hash[b]; i != -1; i = c->dest[i].next) {
		d = &c->dest[i];
		if (d->port == port && d->family == family && memcmp(d->addr, addr, 16) == 0)
			goto found;
	}
	if (c->ndest < TT_CENSUS_DEST_CAP) {
		i = (int16_t)c->ndest++;
		d = &c->dest[i];
		memset(d, 0, sizeof(*d));
	} else {
		uint64_t min = UINT64_MAX;
		int16_t m = 0;

		/* Space-saving: the newcomer takes the smallest row and
		 * inherits its count as possible overestimate.  A busy
		 * destination can never be pushed out by a stream of rare
		 * ones, which is all a top-N list needs. */
		for (size_t k = 0; k < c->ndest; k++)
			if (c->dest[k].count < min) {
				min = c->dest[k].count;
				m = (int16_t)k;
			}
		dest_unlink(c, m);
		i = m;
		d = &c->dest[i];
		memset(d, 0, sizeof(*d));
		d->count = d->err = min;
		c->dest_evictions++;
	}
	d->family = family;
	memcpy(d->addr, addr, 16);
	d->port = port;
	d->next = c->dest_hash[b];
	c->dest_hash[b] = i;
found:
	d->count++;
	if (state == TT_CS_TIME_WAIT || state == TT_CS_FIN_WAIT2_ORPHANED)
		d->time_wait++;
	else if (state == TT_CS_SYN_SENT)
		d->syn_sent++;
}

void
tt_census_add(struct tt_census *c, int family, int state, bool timewait, const uint8_t *dst,
    uint16_t sport, uint16_t dport, uint64_t inode)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t addr[16] = { 0 };
	uint8_t af = AF_INET;
	int f = family == AF_INET6 ? TT_CF_IPV6 : TT_CF_IPV4;
	int idx;

	/* Request sockets are shown as SYN_RECV by the kernel already; be
	 * safe should one ever come with its internal state. */
	if (state == 12)
		state = TT_CS_SYN_RECV;
	if (state < TT_CS_ESTABLISHED || state > TT_CS_CLOSING)
		return;
	idx = state;
	if (timewait && state == TT_CS_FIN_WAIT2)
		idx = TT_CS_FIN_WAIT2_ORPHANED;
	c->state[f][idx]++;
	c->total++;
	if (state == TT_CS_FIN_WAIT2 && !timewait && inode == 0)
		c->fin_wait2_full_orphans++;
	if (state == TT_CS_CLOSE_WAIT && inode != 0 && c->ncw < TT_CENSUS_CW_CAP) {
		c->cw[c->ncw].inode = inode;
		c->cw[c->ncw].port = sport;
		c->ncw++;
	}
	if (state == TT_CS_LISTEN || dport == 0 || sport < c->port_lo || sport > c->port_hi)
		return;
	/* A v4-mapped peer of a dual-stack socket takes a port from the same
	 * range as a plain IPv4 one: count them as one destination. */
	if (family == AF_INET6 && memcmp(dst, v4mapped, 12) != 0) {
		af = AF_INET6;
		memcpy(addr, dst, 16);
	} else if (family == AF_INET6) {
		memcpy(addr, dst + 12, 4);
	} else {
		memcpy(addr, dst, 4);
	}
	c->outbound++;
	dest_add(c, af, addr, dport, idx);
}

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
		case SOCK_DIAG_BY_FAMILY: {
			struct inet_diag_msg m;

			if (mlen < NLMSG_LENGTH(sizeof(m)))
				return -EBADMSG;
			memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
			if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
				break;
			/* Timer 3 is the TIME_WAIT timer: only minisockets
			 * have it (inet_twsk_diag_fill). */
			tt_census_add(c, m.idiag_family, m.idiag_state, m.idiag_timer == 3,
			    (const uint8_t *)m.id.idiag_dst, ntohs(m.id.idiag_sport),
			    ntohs(m.id.idiag_dport), m.idiag_inode);
			break;
		}
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

/* --- counters ------------------------------------------------------------ */

static const char *
next_line(const char *s, const char **end)
{
	const char *e = strchr(s, '\n');

	*end = e ? e : s + strlen(s);
	return e ? e + 1 : *end;
}

/* Copies the next white-space separated token of [*s, end) into tok. */
static bool
token(const char **s, const char *end, char *tok, size_t len)
{
	const char *p = *s;
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return false;
	while (p < end && *p != ' ' && *p != '\t') {
		if (n + 1 < len)
			tok[n++] = *p;
		p++;
	}
	tok[n] = '\0';
	*s = p;
	return true;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *e;
	unsigned long long x;

	if (!isdigit((unsigned char)s[0]))
		return -EBADMSG;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno != 0 || *e != '\0')
		return -EBADMSG;
	*v = x;
	return 0;
}

static int
find_counter(const char *file_prefix, const char *sect, const char *field)
{
	for (int i = 0; i < TT_CTR__COUNT; i++)
		if (strncmp(counters[i].file, file_prefix, strlen(file_prefix)) == 0 &&
		    strcmp(counters[i].section, sect) == 0 && strcmp(counters[i].field, field) == 0)
			return i;
	return -1;
}

int
tt_census_parse_sockstat(struct tt_census *c, const char *text)
{
	const char *s = text, *end;

	while (*s) {
		const char *line = s, *colon;
		char sect[32], name[64], val[32];

		s = next_line(s, &end);
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon == NULL || (size_t)(colon - line) >= sizeof(sect))
			continue;
		memcpy(sect, line, (size_t)(colon - line));
		sect[colon - line] = '\0';
		line = colon + 1;
		while (token(&line, end, name, sizeof(name))) {
			int i;

			if (!token(&line, end, val, sizeof(val)))
				break;
			i = find_counter("sockstat", sect, name);
			if (i < 0)
				continue;
			if (parse_u64(val, &c->counter[i]) < 0)
				return -EBADMSG;
			c->have[i] = true;
		}
	}
	return 0;
}

int
tt_census_parse_netstat(struct tt_census *c, const char *text)
{
	const char *s = text, *end, *hdr = NULL, *hdr_end = NULL;
	size_t hdr_sect = 0;

	while (*s) {
		const char *line = s, *colon, *h;
		char name[64], val[32], sect[32];
		size_t sl;

		s = next_line(s, &end);
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon == NULL)
			continue;
		sl = (size_t)(colon - line);
		/* Lines come in pairs: names, then values, same prefix. */
		if (hdr == NULL || hdr_sect != sl || memcmp(hdr, line, sl) != 0) {
			hdr = line;
			hdr_end = end;
			hdr_sect = sl;
			continue;
		}
		if (sl >= sizeof(sect)) {
			hdr = NULL;
			continue;
		}
		memcpy(sect, line, sl);
		sect[sl] = '\0';
		h = hdr + sl + 1;
		line = colon + 1;
		while (token(&h, hdr_end, name, sizeof(name))) {
			int i;

			if (!token(&line, end, val, sizeof(val)))
				return -EBADMSG;
			i = find_counter("netstat", sect, name);
			if (i < 0)
				continue;
			if (parse_u64(val, &c->counter[i]) < 0)
				return -EBADMSG;
			c->have[i] = true;
		}
		hdr = NULL;
	}
	return 0;
}

int
tt_census_read_counters(const struct tt_ctx *ctx, struct tt_census *c)
{
	static const char *const files[] = { "net/sockstat", "net/sockstat6", "net/netstat" };
	size_t len = (size_t)256 * 1024;
	char *buf = malloc(len);
	int r = 0;

	if (buf == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ssize_t n = tt_proc_read(ctx, files[i], buf, len);
		int e;

		if (n == -ENOENT || n == -ENOTDIR)
			continue;
		if (n < 0) {
			tt_log(ctx, TT_LOG_WARNING, "%s/%s: %s", tt_ctx_proc_root(ctx), files[i],
			    strerror((int)-n));
			r = (int)n;
			continue;
		}
		e = i < 2 ? tt_census_parse_sockstat(c, buf) : tt_census_parse_netstat(c, buf);
		if (e < 0) {
			tt_log(ctx, TT_LOG_WARNING, "%s/%s: unexpected contents",
			    tt_ctx_proc_root(ctx), files[i]);
			r = e;
		}
	}
	free(buf);
	return r;
}

/* --- the dump ------------------------------------------------------------ */

/* libnl's error codes stop here. */
static int
nl_errno(int e)
{
	switch (e < 0 ? -e : e) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_MSG_TRUNC:
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_PROTO_MISMATCH:
	case NLE_OPNOTSUPP:
		return -EPROTONOSUPPORT;
	case NLE_INVAL:
		return -EINVAL;
	}
	return -EIO;
}

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
	msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP);
	if (msg == NULL)
		return -ENOMEM;
	r = nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO);
	if (r >= 0)
		r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return nl_errno(r);
	while (!done) {
		struct sockaddr_nl nla;
		unsigned char *buf = NULL;
		int n = nl_recv(sk, &nla, &buf, NULL);

		if (n <= 0) {
			free(buf);
			tt_log(ctx, TT_LOG_ERR, "sock_diag dump: %s",
			    n < 0 ? nl_geterror(n) : "unexpected end");
			return n < 0 ? nl_errno(n) : -EIO;
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
		return nl_errno(r);
	}
	/* A dump ends with NLMSG_DONE; an acknowledgement would only be one
	 * more message to read. */
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, DUMP_BUF);
	r = dump_family(ctx, sk, c, AF_INET);
	if (r == 0)
		r = dump_family(ctx, sk, c, AF_INET6);
	nl_socket_free(sk);
	c->dumped = r == 0;
	return r;
}

/* --- CLOSE_WAIT owners --------------------------------------------------- */

static int
cmp_cw(const void *a, const void *b)
{
	const struct tt_census_cw *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int
cmp_owner(const void *a, const void *b)
{
	const struct tt_census_owner *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (int)x->port - (int)y->port;
}

static void
owner_add(const struct tt_ctx *ctx, struct tt_census *c, int pid, char *comm, size_t commlen,
    uint16_t port)
{
	struct tt_census_owner *o;

	for (size_t i = 0; i < c->nowner; i++) {
		o = &c->owner[i];
		if (o->pid == pid && o->port == port) {
			o->count++;
			return;
		}
	}
	if (c->nowner == TT_CENSUS_OWNER_CAP) {
		c->owner_rows_dropped++;
		return;
	}
	if (comm[0] == '\0') {
		char rel[64];
		ssize_t n;

		snprintf(rel, sizeof(rel), "%d/comm", pid);
		n = tt_proc_read(ctx, rel, comm, commlen);
		if (n <= 0)
			snprintf(comm, commlen, "?");
		else
			comm[strcspn(comm, "\n")] = '\0';
	}
	o = &c->owner[c->nowner++];
	o->pid = pid;
	snprintf(o->comm, sizeof(o->comm), "%s", comm);
	o->port = port;
	o->count = 1;
}

static void
walk_pid(const struct tt_ctx *ctx, struct tt_census *c, int dfd, const char *name)
{
	char rel[300], comm[32] = "";
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(rel, sizeof(rel), "%s/fd", name);
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone, or not ours to read */
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct tt_census_cw key, *hit;
		char link[64];
		ssize_t n;
		unsigned long long ino;
		char *end;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(fd, e->d_name, link, sizeof(link) - 1);
		if (n < 9)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:[", 8) != 0)
			continue;
		errno = 0;
		ino = strtoull(link + 8, &end, 10);
		if (errno != 0 || *end != ']')
			continue;
		key.inode = ino;
		hit = bsearch(&key, c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
		if (hit == NULL)
			continue;
		c->cw_matched++;
		owner_add(ctx, c, (int)strtol(name, NULL, 10), comm, sizeof(comm), hit->port);
	}
	closedir(d);
}

int
tt_census_find_owners(const struct tt_ctx *ctx, struct tt_census *c)
{
	char root[4096];
	struct dirent *e;
	DIR *d;
	int r;

	r = tt_proc_path(ctx, ".", root, sizeof(root));
	if (r < 0)
		return r;
	qsort(c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
	c->nowner = 0;
	c->cw_matched = 0;
	c->owner_rows_dropped = 0;
	d = opendir(root);
	if (d == NULL) {
		r = -errno;
		tt_log(ctx, TT_LOG_WARNING, "%s: %s", root, strerror(-r));
		return r;
	}
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == e->d_name || *p != '\0')
			continue;
		walk_pid(ctx, c, dirfd(d), e->d_name);
	}
	closedir(d);
	qsort(c->owner, c->nowner, sizeof(c->owner[0]), cmp_owner);
	c->owners_walked = true;
	return 0;
}

/* --- all together ----------------------------------------------------- */

int
tt_census_gather(const struct tt_ctx *ctx, const struct tt_census_opts *o, struct tt_census **out)
{
	struct tt_census *c = malloc(sizeof(*c));
	unsigned lo = o->port_lo, hi = o->port_hi;
	int r;

	*out = NULL;
	if (c == NULL)
		return -ENOMEM;
	if (lo == 0 || hi == 0 || lo > hi || hi > 65535) {
		const struct tt_val *def = &tt_key_get(TT_K_LOCAL_PORT_RANGE)->def;

		/* the kernel's default range */
		lo = (unsigned)def->v[0];
		hi = (unsigned)def->v[1];
	}
	tt_census_init(c, lo, hi);
	r = tt_census_dump(ctx, c);
	if (r < 0) {
		free(c);
		return r;
	}
	/* Counters and owners are extras: their failures are logged only. */
	(void)tt_census_read_counters(ctx, c);
	if (!o->no_owners && tt_census_state(c, TT_CS_CLOSE_WAIT) > 0 &&
	    (long long)tt_census_state(c, TT_CS_CLOSE_WAIT) >= o->close_wait_warn)
		(void)tt_census_find_owners(ctx, c);
	*out = c;
	return 0;
}

size_t
tt_census_top_dests(const struct tt_census *c, size_t *idx, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	/* Selection of the top few: max is small, the table bounded. */
	for (size_t k = 0; k < c->ndest; k++) {
		size_t j;

		if (n == max && c->dest[k].count <= c->dest[idx[n - 1]].count)
			continue;
		j = n < max ? n++ : n - 1;
		while (j > 0 && c->dest[idx[j - 1]].count < c->dest[k].count) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = k;
	}
	return n;
}

char *
tt_census_dest_str(const struct tt_census_dest *d, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(d->family, d->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (d->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, d->port);
	else
		snprintf(buf, len, "%s:%u", a, d->port);
	return buf;
}
