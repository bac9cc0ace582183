/*
 * The netlink side of NAT detection: conntrack and addresses through
 * libnl-3, the nftables ruleset through libmnl and libnftnl.  Everything
 * here describes the network namespace this process runs in.  Library
 * error codes (libnl's NLE_*, libmnl's errno) become source states here
 * and go no further.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "nat-netlink.h"
#include "nat.h"
#include "nl.h"
#include "sysctl.h"

/* What an errno from a dump means for a source. */
static enum tt_nat_source_state
errno_state(int e)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return TT_NATSS_NOPERM;
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case ENOENT:
		return TT_NATSS_UNAVAILABLE;
	default:
		return TT_NATSS_FAILED;
	}
}

static void
not_read(
    struct tt_nat *nat, enum tt_nat_kind kind, const char *what, int e, enum tt_nat_source_state st)
{
	switch (st) {
	case TT_NATSS_NOPERM:
		tt_nat_add(nat, kind, TT_NATS_NONE, TT_NATP_UNKNOWN,
		    "%s: not permitted (reading it needs CAP_NET_ADMIN); this says "
		    "nothing about NAT",
		    what);
		break;
	case TT_NATSS_UNAVAILABLE:
		/* No conntrack or nf_tables in this kernel: nothing can
		 * translate through it. */
		tt_nat_add(nat, kind, TT_NATS_MEDIUM, TT_NATP_NO_NAT,
		    "%s: not available in this kernel (%s)", what, strerror(e));
		break;
	default:
		tt_nat_add(nat, kind, TT_NATS_NONE, TT_NATP_UNKNOWN, "%s: could not be read (%s)",
		    what, strerror(e));
		break;
	}
}

/* --- conntrack ------------------------------------------------------------ */

/*
 * The conntrack table is streamed: one dump over a raw ctnetlink socket,
 * each buffer decoded as it arrives (tt_nat_ct_decode()), so memory stays
 * the same whatever the size of the table.  The total comes from
 * nf_conntrack_count, which the kernel keeps per namespace.
 *
 * Every entry crosses to user space.  Since Linux 5.15 ctnetlink can filter
 * a dump by status bits (CTA_STATUS with CTA_STATUS_MASK: an entry is sent
 * when status & mask == value), but an entry made through ctnetlink with a
 * translated reply tuple and no IPS_SRC_NAT / IPS_DST_NAT bit (as a
 * conntrackd standby makes them) would never pass such a filter, and those
 * are exactly the entries that the tuple comparison is here to count.
 */

#define CT_BUFSIZE 65536 /* a dump skb is at most 32 KiB; room for two */

struct ct_tuple {
	uint8_t l3, proto; /* address length (4, 16; 0: none seen), IPPROTO_* */
	bool ports;
	uint16_t sport, dport; /* host order */
	uint8_t src[16], dst[16];
};

static void
ct_tuple_ip(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		uint16_t type = mnl_attr_get_type(a);
		uint16_t len = mnl_attr_get_payload_len(a);
		bool v4 = type == CTA_IP_V4_SRC || type == CTA_IP_V4_DST;
		bool v6 = type == CTA_IP_V6_SRC || type == CTA_IP_V6_DST;

		if ((!v4 && !v6) || len != (v4 ? 4 : 16))
			continue;
		t->l3 = (uint8_t)len;
		memcpy(type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC ? t->src : t->dst,
		    mnl_attr_get_payload(a), len);
	}
}

static void
ct_tuple_proto(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		uint16_t type = mnl_attr_get_type(a);

		if (type == CTA_PROTO_NUM && mnl_attr_get_payload_len(a) >= 1) {
			t->proto = mnl_attr_get_u8(a);
		} else if ((type == CTA_PROTO_SRC_PORT || type == CTA_PROTO_DST_PORT) &&
		    mnl_attr_get_payload_len(a) >= 2) {
			uint16_t port = ntohs(mnl_attr_get_u16(a));

			t->ports = true;
			if (type == CTA_PROTO_SRC_PORT)
				t->sport = port;
			else
				t->dport = port;
		}
	}
}

static void
ct_tuple(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == CTA_TUPLE_IP)
			ct_tuple_ip(a, t);
		else if (mnl_attr_get_type(a) == CTA_TUPLE_PROTO)
			ct_tuple_proto(a, t);
	}
}

/* "addr:port" ("[addr]:port" for IPv6) of one end of a tuple. */
static const char *
ct_end(const struct ct_tuple *t, bool src, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	bool v6 = t->l3 == 16;

	if (inet_ntop(v6 ? AF_INET6 : AF_INET, src ? t->src : t->dst, text, sizeof(text)) == NULL)
		snprintf(text, sizeof(text), "?");
	if (t->ports)
		snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", text, v6 ? "]" : "",
		    (unsigned)(src ? t->sport : t->dport));
	else
		snprintf(buf, len, "%s", text);
	return buf;
}

static void
ct_example(const struct ct_tuple *o, const struct ct_tuple *r, bool snat, char *buf, size_t len)
{
	char a[64], b[64], c[64];
	const char *proto = o->proto == IPPROTO_TCP ? "tcp" :
	    o->proto == IPPROTO_UDP                 ? "udp" :
						      "ip";

	/* The reply tuple is what the far side sees: for source NAT its
	 * destination is the translated source, for destination NAT its
	 * source is where the connection really goes. */
	snprintf(buf, len, "%s %s -> %s %s %s", proto, ct_end(o, true, a, sizeof(a)),
	    ct_end(o, false, b, sizeof(b)), snat ? "leaves as" : "goes to",
	    snat ? ct_end(r, false, c, sizeof(c)) : ct_end(r, true, c, sizeof(c)));
}

/*
 * Is one end of the original tuple other than the inverted reply tuple?
 * src: the original source against the reply destination (source NAT);
 * else the original destination against the reply source (destination
 * NAT).  Addresses always, ports when both tuples carry them.
 */
static bool
ct_translated(const struct ct_tuple *o, const struct ct_tuple *r, bool src)
{
	if (o->l3 == 0 || o->l3 != r->l3)
		return false;
	if (memcmp(src ? o->src : o->dst, src ? r->dst : r->src, o->l3) != 0)
		return true;
	return o->ports && r->ports && (src ? o->sport != r->dport : o->dport != r->sport);
}

static int
ct_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tt_nat_ct *w = data;
	struct ct_tuple o = { 0 }, r = { 0 };
	const struct nlattr *a;
	uint32_t status = 0;
	bool snat, dnat;

	if (w->read >= w->limit) {
		w->stopped = true;
		return MNL_CB_STOP;
	}
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return MNL_CB_OK;
	w->read++;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		uint16_t type = mnl_attr_get_type(a);

		if (type == CTA_TUPLE_ORIG)
			ct_tuple(a, &o);
		else if (type == CTA_TUPLE_REPLY)
			ct_tuple(a, &r);
		else if (type == CTA_STATUS && mnl_attr_get_payload_len(a) >= 4)
			status = ntohl(mnl_attr_get_u32(a));
	}
	/* The tuples first, as conntrack-tools compares them; the status
	 * bits as a second source (an entry whose tuples were not sent). */
	snat = ct_translated(&o, &r, true) || (status & IPS_SRC_NAT);
	dnat = ct_translated(&o, &r, false) || (status & IPS_DST_NAT);
	if (snat && w->snat++ == 0 && o.l3 != 0 && o.l3 == r.l3)
		ct_example(&o, &r, true, w->sex, sizeof(w->sex));
	if (dnat && w->dnat++ == 0 && o.l3 != 0 && o.l3 == r.l3)
		ct_example(&o, &r, false, w->dex, sizeof(w->dex));
	return MNL_CB_OK;
}

int
tt_nat_ct_decode(struct tt_nat_ct *w, const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
	int r = mnl_cb_run(buf, len, seq, portid, ct_msg_cb, w);

	if (r < 0)
		return errno ? -errno : -EBADMSG;
	return r == MNL_CB_STOP ? 0 : 1;
}

/* Streams the dump through w.  Returns 0 or a negative errno. */
static int
ct_dump(struct tt_nat_ct *w)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	uint32_t seq = (uint32_t)time(NULL), portid;
	char *buf = malloc(CT_BUFSIZE);
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	ssize_t n;
	int r;

	if (nl == NULL || buf == NULL) {
		r = buf == NULL ? -ENOMEM : -errno;
		goto out;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, CT_BUFSIZE);
		r = n < 0 ? -errno : tt_nat_ct_decode(w, buf, (size_t)n, seq, portid);
	} while (r > 0);
out:
	if (nl != NULL)
		mnl_socket_close(nl); /* a dump cut short ends with its socket */
	free(buf);
	return r;
}

enum tt_nat_source_state
tt_nat_read_conntrack(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	struct tt_nat_ct *w = calloc(1, sizeof(*w));
	enum tt_nat_source_state st;
	char text[32];
	unsigned long total;
	int r;

	if (w == NULL) {
		not_read(nat, TT_NATK_CONNTRACK, "conntrack", ENOMEM, TT_NATSS_FAILED);
		return TT_NATSS_FAILED;
	}
	w->limit = TT_NAT_CT_READ_MAX;
	r = ct_dump(w);
	if (r < 0) {
		st = errno_state(-r);
		tt_log(ctx, TT_LOG_DEBUG, "nat: conntrack dump: %s", strerror(-r));
		not_read(nat, TT_NATK_CONNTRACK, "conntrack", -r, st);
		free(w);
		return st;
	}
	/* The kernel's own count of this namespace's entries; the entries
	 * read when it cannot be read. */
	total = w->read;
	if (tt_proc_read(ctx, "sys/net/netfilter/nf_conntrack_count", text, sizeof(text)) > 0)
		total = strtoul(text, NULL, 10);
	nat->ct_read = w->read;
	nat->ct_lower_bound = w->stopped;
	tt_nat_conntrack_items(nat, total, w->snat, w->dnat);
	/* One example of each kind shows the reader what was translated. */
	if (w->sex[0])
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "source NAT, for example: %s", w->sex);
	if (w->dex[0])
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "destination NAT, for example: %s", w->dex);
	free(w);
	return TT_NATSS_OK;
}

/* --- nftables ----------------------------------------------------------- */

#define NFT_BUFSIZE 32768 /* the most one dump message batch takes */

struct nft_walk {
	struct tt_nat *nat;
	unsigned chains, rules;
};

static const char *
nfproto_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "?";
	}
}

static const char *
hook_name(uint32_t hook)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output",
		"postrouting" };

	return hook < sizeof(names) / sizeof(names[0]) ? names[hook] : "?";
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_walk *w = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *type;

	if (c == NULL)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0)
		goto out;
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
		goto out;
	type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
	if (type == NULL || strcmp(type, "nat") != 0)
		goto out;
	w->chains++;
	tt_nat_add(w->nat, TT_NATK_NAT_CHAIN, TT_NATS_WEAK, TT_NATP_INFO,
	    "nftables chain %s %s/%s: type nat, hook %s",
	    nfproto_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY)),
	    nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), nftnl_chain_get_str(c, NFTNL_CHAIN_NAME),
	    hook_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)));
out:
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* The translation an expression does, or NULL. */
static const char *
expr_action(struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name == NULL)
		return NULL;
	if (strcmp(name, "masq") == 0)
		return "masquerade";
	if (strcmp(name, "redir") == 0)
		return "redirect";
	if (strcmp(name, "nat") == 0)
		return nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT ? "dnat" : "snat";
	if (strcmp(name, "target") == 0) {
		/* iptables-nft keeps some x_tables targets as they are. */
		static const char *const xt[][2] = { { "MASQUERADE", "masquerade" },
			{ "SNAT", "snat" }, { "DNAT", "dnat" }, { "REDIRECT", "redirect" },
			{ "NETMAP", "netmap" } };
		const char *tg = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

		for (size_t i = 0; tg != NULL && i < sizeof(xt) / sizeof(xt[0]); i++)
			if (strcmp(tg, xt[i][0]) == 0)
				return xt[i][1];
	}
	return NULL;
}

static int
find_action(struct nftnl_expr *e, void *data)
{
	const char **action = data;
	const char *a = expr_action(e);

	if (a != NULL && *action == NULL)
		*action = a;
	return 0;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_walk *w = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *action = NULL;

	if (r == NULL)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto out;
	nftnl_expr_foreach(r, find_action, &action);
	if (action == NULL)
		goto out;
	w->rules++;
	tt_nat_add(w->nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_TRANSLATES,
	    "nftables rule in %s %s/%s (handle %llu): %s",
	    nfproto_name(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY)),
	    nftnl_rule_get_str(r, NFTNL_RULE_TABLE), nftnl_rule_get_str(r, NFTNL_RULE_CHAIN),
	    (unsigned long long)nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE), action);
out:
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* Dumps one object type of every family.  Returns 0 or a negative errno. */
static int
nft_dump(struct mnl_socket *nl, char *buf, uint16_t type, mnl_cb_t cb, struct nft_walk *w)
{
	uint32_t seq = (uint32_t)time(NULL) ^ type;
	uint32_t portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh;
	ssize_t n;
	int r;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, NFT_BUFSIZE);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, w);
		if (r < 0)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

enum tt_nat_source_state
tt_nat_read_nftables(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	struct nft_walk w = { .nat = nat };
	enum tt_nat_source_state st;
	struct mnl_socket *nl;
	char *buf;
	int r;

	buf = malloc(NFT_BUFSIZE);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (buf == NULL || nl == NULL) {
		r = buf == NULL ? -ENOMEM : -errno;
		goto fail;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto fail;
	}
	r = nft_dump(nl, buf, NFT_MSG_GETCHAIN, chain_cb, &w);
	if (r == 0)
		r = nft_dump(nl, buf, NFT_MSG_GETRULE, rule_cb, &w);
	if (r < 0)
		goto fail;
	mnl_socket_close(nl);
	free(buf);
	nat->nft_nat_chains = w.chains;
	nat->nft_nat_rules = w.rules;
	if (w.rules == 0)
		tt_nat_add(nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_NO_NAT,
		    "nftables: no masquerade, snat, dnat or redirect rule "
		    "(%u chain%s of type nat)",
		    w.chains, w.chains == 1 ? "" : "s");
	return TT_NATSS_OK;
fail:
	if (nl != NULL)
		mnl_socket_close(nl);
	free(buf);
	st = errno_state(-r);
	tt_log(ctx, TT_LOG_DEBUG, "nat: nftables dump: %s", strerror(-r));
	not_read(nat, TT_NATK_NAT_RULE, "nftables ruleset", -r, st);
	return st;
}

/* --- addresses ----------------------------------------------------------- */

/*
 * Connects a libnl socket to protocol and dumps one cache through alloc.
 * On failure the source is recorded as not read (libnl's code mapped to
 * errno) and nothing is left to free.
 */
static enum tt_nat_source_state
dump_cache(const struct tt_ctx *ctx, struct tt_nat *nat, enum tt_nat_kind kind, const char *what,
    int protocol, int (*alloc)(struct nl_sock *, struct nl_cache **), struct nl_sock **skp,
    struct nl_cache **cachep)
{
	enum tt_nat_source_state st;
	int r, e;

	*skp = nl_socket_alloc();
	if (*skp == NULL) {
		not_read(nat, kind, what, ENOMEM, TT_NATSS_FAILED);
		return TT_NATSS_FAILED;
	}
	r = nl_connect(*skp, protocol);
	if (r >= 0)
		r = alloc(*skp, cachep);
	if (r >= 0)
		return TT_NATSS_OK;
	e = -tt_nl_errno(r);
	st = errno_state(e);
	tt_log(ctx, TT_LOG_DEBUG, "nat: %s dump: %s", what, strerror(e));
	not_read(nat, kind, what, e, st);
	nl_socket_free(*skp);
	*skp = NULL;
	return st;
}

#define ADDR_ITEMS_MAX 8 /* addresses named one by one; the rest counted */

enum tt_nat_source_state
tt_nat_read_addresses(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	unsigned v4_private = 0, v4_shared = 0, v4_public = 0, v4_doc = 0, named = 0, other = 0;
	struct nl_cache *cache = NULL;
	enum tt_nat_source_state st;
	struct nl_object *obj;
	struct nl_sock *sk;

	st = dump_cache(ctx, nat, TT_NATK_ADDRESS, "addresses", NETLINK_ROUTE,
	    rtnl_addr_alloc_cache, &sk, &cache);
	if (st != TT_NATSS_OK)
		return st;
	for (obj = nl_cache_get_first(cache); obj != NULL; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);
		int fam = rtnl_addr_get_family(a);
		char ifname[IF_NAMESIZE] = "?", text[INET6_ADDRSTRLEN + 8];
		enum tt_addr_class c;

		if (local == NULL || nl_addr_get_len(local) != (fam == AF_INET ? 4u : 16u))
			continue;
		if (fam == AF_INET) {
			uint32_t v4;

			memcpy(&v4, nl_addr_get_binary_addr(local), 4);
			c = tt_addr_class_v4(v4);
			v4_private += c == TT_ADDR_PRIVATE;
			v4_shared += c == TT_ADDR_SHARED;
			v4_public += c == TT_ADDR_PUBLIC;
			v4_doc += c == TT_ADDR_DOCUMENTATION;
		} else if (fam == AF_INET6) {
			c = tt_addr_class_v6(nl_addr_get_binary_addr(local));
		} else {
			continue;
		}
		if (c == TT_ADDR_LOOPBACK)
			continue;
		if (named >= ADDR_ITEMS_MAX) {
			other++;
			continue;
		}
		named++;
		if (if_indextoname((unsigned)rtnl_addr_get_ifindex(a), ifname) == NULL)
			snprintf(ifname, sizeof(ifname), "#%d", rtnl_addr_get_ifindex(a));
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_INFO, "address %s on %s: %s",
		    nl_addr2str(local, text, sizeof(text)), ifname, tt_addr_class_name(c));
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	if (other > 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_INFO,
		    "%u more addresses not listed", other);
	/* A documentation address stands for some other network (an example,
	 * a lab): with one, "only private" is no evidence. */
	if (v4_shared > 0 && v4_public == 0 && v4_doc == 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND,
		    "IPv4 addresses in the shared address space 100.64.0.0/10 and none "
		    "public: a carrier-grade NAT sits between this host and the Internet");
	else if (v4_private > 0 && v4_public == 0 && v4_doc == 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND,
		    "only private IPv4 addresses (%u), none public: traffic between this "
		    "host and the Internet crosses a NAT",
		    v4_private);
	else if (v4_public > 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_NO_NAT,
		    "%u public IPv4 address%s: clients can reach this host without NAT", v4_public,
		    v4_public == 1 ? "" : "es");
	else if (v4_doc > 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_NO_NAT,
		    "%u IPv4 address%s in documentation ranges, none public: an example or lab "
		    "network, not the Internet",
		    v4_doc, v4_doc == 1 ? "" : "es");
	else
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_NO_NAT,
		    "no IPv4 address besides loopback");
	return TT_NATSS_OK;
}
