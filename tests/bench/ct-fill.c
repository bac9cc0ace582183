/*
 * Fills the conntrack table of the calling network namespace through
 * ctnetlink, for the benchmark:  ct-fill COUNT [NAT-EVERY]
 * Makes COUNT UDP entries 10.B.C.D:1000 -> 198.51.100.1:53 lasting an
 * hour; every NAT-EVERY-th one (default 4) has a reply tuple whose
 * destination is in 192.0.2.0/24 (a source NAT as conntrackd would make it).
 * Messages go in batches without acknowledgements; errors that come back
 * are counted and printed.  Exits 1 if any entry could not be made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define BATCH 256

static void
put_tuple(struct nlmsghdr *nlh, int type, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sp));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dp));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

static size_t
put_entry(char *buf, unsigned long i, unsigned nat_every, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	uint32_t src = htonl(0x0a000000u | (uint32_t)(i + 1));
	uint32_t server = htonl(0xc6336401u); /* 198.51.100.1 */
	bool snat = nat_every > 0 && i % nat_every == 0;
	unsigned long k = nat_every > 0 ? i / nat_every : 0;
	uint32_t nat = htonl(0xc0000201u + (uint32_t)(k / 60000)); /* 192.0.2.1 up */
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	put_tuple(nlh, CTA_TUPLE_ORIG, src, server, 1000, 53);
	/* A translated source needs a reply port of its own per entry. */
	put_tuple(nlh, CTA_TUPLE_REPLY, server, snat ? nat : src, 53,
	    snat ? (uint16_t)(1024 + k % 60000) : 1000);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(3600));
	return nlh->nlmsg_len;
}

/* Reads what came back without waiting; returns the errors seen. */
static unsigned long
drain(struct mnl_socket *nl, char *buf, size_t len, int flags)
{
	unsigned long errs = 0;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(nl), buf, len, flags)) > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int left = (int)n;

		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

			if (h->nlmsg_type == NLMSG_ERROR && e->error != 0) {
				if (errs++ == 0)
					fprintf(stderr, "ct-fill: %s\n", strerror(-e->error));
			}
		}
	}
	return errs;
}

int
main(int argc, char *argv[])
{
	static char buf[BATCH * 256], rbuf[1 << 16];
	unsigned long count, errs = 0;
	unsigned nat_every;
	struct mnl_socket *nl;
	int big = 1 << 24;

	if (argc < 2) {
		fprintf(stderr, "usage: ct-fill COUNT [NAT-EVERY]\n");
		return 2;
	}
	count = strtoul(argv[1], NULL, 10);
	nat_every = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 4;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ct-fill: netlink");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	for (unsigned long i = 0; i < count;) {
		size_t off = 0;

		for (int b = 0; b < BATCH && i < count; b++, i++)
			off += put_entry(buf + off, i, nat_every, (uint32_t)i);
		if (mnl_socket_sendto(nl, buf, off) < 0) {
			perror("ct-fill: send");
			return 1;
		}
		errs += drain(nl, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	}
	errs += drain(nl, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	mnl_socket_close(nl);
	if (errs > 0)
		fprintf(stderr, "ct-fill: %lu of %lu entries not made\n", errs, count);
	return errs > 0;
}
