/*
 * The netlink side of NAT detection: conntrack and addresses through
 * libnl-3, the nftables ruleset through libmnl and libnftnl.  Everything
 * here describes the network namespace this process runs in.  Library
 * error codes (libnl's NLE_*, libmnl's errno) become source states here
 * and go no further.
 */
#include "config.h"

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

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "nat-internal.h"
#include "nl-internal.h"

/* What an errno from a dump means for a source. */
static enum tt_nat_source_state
errno_state(int e)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return TT_NATSRC_NOPERM;
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case ENOENT:
		return TT_NATSRC_UNAVAILABLE;
	default:
		return TT_NATSRC_FAILED;
	}
}

static void
not_read(
    struct tt_nat *nat, enum tt_nat_kind kind, const char *what, int e, enum tt_nat_source_state st)
{
	switch (st) {
	case TT_NATSRC_NOPERM:
		tt_nat_add(nat, kind, TT_NATS_NONE, TT_NATP_UNKNOWN,
		    "%s: not permitted (reading it needs CAP_NET_ADMIN); this says "
		    "nothing about NAT",
		    what);
		break;
	case TT_NATSRC_UNAVAILABLE:
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

/* "addr:port" ("[addr]:port" for IPv6) of one end of a tuple. */
static const char *
ct_end(struct nfnl_ct *ct, int repl, bool src, char *buf, size_t len)
{
	struct nl_addr *a = src ? nfnl_ct_get_src(ct, repl) : nfnl_ct_get_dst(ct, repl);
	bool has_port = src ? nfnl_ct_test_src_port(ct, repl) : nfnl_ct_test_dst_port(ct, repl);
	unsigned port = src ? nfnl_ct_get_src_port(ct, repl) : nfnl_ct_get_dst_port(ct, repl);
	char text[INET6_ADDRSTRLEN + 8];
	bool v6 = nl_addr_get_family(a) == AF_INET6;

	nl_addr2str(a, text, sizeof(text));
	if (has_port)
		snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", text, v6 ? "]" : "", port);
	else
		snprintf(buf, len, "%s", text);
	return buf;
}

static void
ct_example(struct nfnl_ct *ct, bool snat, char *buf, size_t len)
{
	char a[64], b[64], c[64];
	const char *proto = nfnl_ct_get_proto(ct) == IPPROTO_TCP ? "tcp" :
	    nfnl_ct_get_proto(ct) == IPPROTO_UDP                 ? "udp" :
								   "ip";

	if (nfnl_ct_get_src(ct, 0) == NULL || nfnl_ct_get_dst(ct, 0) == NULL ||
	    nfnl_ct_get_src(ct, 1) == NULL || nfnl_ct_get_dst(ct, 1) == NULL) {
		buf[0] = '\0';
		return;
	}
	/* The reply tuple is what the far side sees: for source NAT its
	 * destination is the translated source, for destination NAT its
	 * source is where the connection really goes. */
	snprintf(buf, len, "%s %s -> %s %s %s", proto, ct_end(ct, 0, true, a, sizeof(a)),
	    ct_end(ct, 0, false, b, sizeof(b)), snat ? "leaves as" : "goes to",
	    snat ? ct_end(ct, 1, false, c, sizeof(c)) : ct_end(ct, 1, true, c, sizeof(c)));
}

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
		not_read(nat, kind, what, ENOMEM, TT_NATSRC_FAILED);
		return TT_NATSRC_FAILED;
	}
	r = nl_connect(*skp, protocol);
	if (r >= 0)
		r = alloc(*skp, cachep);
	if (r >= 0)
		return TT_NATSRC_OK;
	e = -tt_nl_errno(r);
	st = errno_state(e);
	tt_log(ctx, TT_LOG_DEBUG, "nat: %s dump: %s", what, strerror(e));
	not_read(nat, kind, what, e, st);
	nl_socket_free(*skp);
	*skp = NULL;
	return st;
}

enum tt_nat_source_state
tt_nat_read_conntrack(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	unsigned long total = 0, snat = 0, dnat = 0;
	char sex[160] = "", dex[160] = "";
	struct nl_cache *cache = NULL;
	enum tt_nat_source_state st;
	struct nl_object *obj;
	struct nl_sock *sk;

	st = dump_cache(ctx, nat, TT_NATK_CONNTRACK, "conntrack", NETLINK_NETFILTER,
	    nfnl_ct_alloc_cache, &sk, &cache);
	if (st != TT_NATSRC_OK)
		return st;
	for (obj = nl_cache_get_first(cache); obj != NULL; obj = nl_cache_get_next(obj)) {
		struct nfnl_ct *ct = (struct nfnl_ct *)obj;
		uint32_t status = nfnl_ct_get_status(ct);

		total++;
		if (status & IPS_SRC_NAT) {
			if (snat++ == 0)
				ct_example(ct, true, sex, sizeof(sex));
		}
		if (status & IPS_DST_NAT) {
			if (dnat++ == 0)
				ct_example(ct, false, dex, sizeof(dex));
		}
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	tt_nat_conntrack_items(nat, total, snat, dnat);
	/* One example of each kind shows the reader what was translated. */
	if (sex[0])
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "source NAT, for example: %s", sex);
	if (dex[0])
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "destination NAT, for example: %s", dex);
	return TT_NATSRC_OK;
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
	return TT_NATSRC_OK;
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

#define ADDR_ITEMS_MAX 8 /* addresses named one by one; the rest counted */

enum tt_nat_source_state
tt_nat_read_addresses(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	unsigned v4_private = 0, v4_shared = 0, v4_public = 0, named = 0, other = 0;
	struct nl_cache *cache = NULL;
	enum tt_nat_source_state st;
	struct nl_object *obj;
	struct nl_sock *sk;

	st = dump_cache(ctx, nat, TT_NATK_ADDRESS, "addresses", NETLINK_ROUTE,
	    rtnl_addr_alloc_cache, &sk, &cache);
	if (st != TT_NATSRC_OK)
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
	if (v4_shared > 0 && v4_public == 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND,
		    "IPv4 addresses in the shared address space 100.64.0.0/10 and none "
		    "public: a carrier-grade NAT sits between this host and the Internet");
	else if (v4_private > 0 && v4_public == 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND,
		    "only private IPv4 addresses (%u), none public: traffic between this "
		    "host and the Internet crosses a NAT",
		    v4_private);
	else if (v4_public > 0)
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_NO_NAT,
		    "%u public IPv4 address%s: clients can reach this host without NAT", v4_public,
		    v4_public == 1 ? "" : "es");
	else
		tt_nat_add(nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_NO_NAT,
		    "no IPv4 address besides loopback");
	return TT_NATSRC_OK;
}
