/*
 * Unit tests of NAT detection: the verdict on hand-made evidence sets, the
 * classifiers and proc parsers, the gathering of proc evidence under
 * fixture roots, and how rules and tt_nat_answer() use the verdict.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "lib/nat-gather.h"
#include "lib/nat-netlink.h"
#include "lib/nat.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"

/* Every source read: the state a complete gathering leaves. */
static void
all_read(struct tt_nat *nat)
{
	tt_nat_init(nat);
	for (int s = 0; s < TT_NATSRC__COUNT; s++)
		nat->source[s] = TT_NATSS_OK;
}

static void
test_verdict_none_needs_every_source(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_NO_NAT, "no rules");
	tt_nat_add(&nat, TT_NATK_FORWARDING, TT_NATS_WEAK, TT_NATP_INFO, "fwd");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_NONE);

	/* A kernel without conntrack cannot translate through it. */
	nat.source[TT_NATSRC_CONNTRACK] = TT_NATSS_UNAVAILABLE;
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_NONE);

	/* Each source that was not read turns "none" into "unknown". */
	for (int s = 0; s < TT_NATSRC__COUNT; s++) {
		static const enum tt_nat_source_state bad[] = { TT_NATSS_UNREAD, TT_NATSS_NOPERM,
			TT_NATSS_SKIPPED, TT_NATSS_FAILED };

		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			all_read(&nat);
			nat.source[s] = bad[b];
			assert_int_equal(tt_nat_decide(&nat), TT_NATV_UNKNOWN);
		}
	}
	/* An empty set, nothing gathered: unknown, never none. */
	tt_nat_init(&nat);
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_UNKNOWN);
}

static void
test_verdict_translates(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_TRANSLATES, "masq");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);

	/* Translation wins over behind-NAT hints and unreadable sources. */
	nat.source[TT_NATSRC_CONNTRACK] = TT_NATSS_NOPERM;
	tt_nat_add(&nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND, "private");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);

	/* Medium is enough (a container bridge with forwarding on)... */
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_BRIDGE, TT_NATS_MEDIUM, TT_NATP_TRANSLATES, "docker0");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);

	/* ...a weak hint is not: it only rules out "none". */
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_IPTABLES, TT_NATS_WEAK, TT_NATP_TRANSLATES, "table");
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_NO_NAT, "no rules");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_UNKNOWN);
}

static void
test_verdict_behind(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND, "private");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_BEHIND);
	/* A positive hint stands even when some source was unreadable. */
	nat.source[TT_NATSRC_NFTABLES] = TT_NATSS_NOPERM;
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_NONE, TT_NATP_UNKNOWN, "not permitted");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_BEHIND);
	/* Info and no-NAT items never make a verdict of their own. */
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_ADDRESS, TT_NATS_STRONG, TT_NATP_INFO, "addr");
	tt_nat_add(&nat, TT_NATK_FORWARDING, TT_NATS_STRONG, TT_NATP_INFO, "fwd");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_NONE);
}

static void
test_verdict_unknown_item(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_CONNTRACK, TT_NATS_NONE, TT_NATP_UNKNOWN, "not permitted");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_UNKNOWN);
}

static void
test_full_list_keeps_the_reason(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	for (int i = 0; i < TT_NAT_MAX_EVIDENCE + 5; i++)
		tt_nat_add(&nat, TT_NATK_ADDRESS, TT_NATS_WEAK, TT_NATP_INFO, "addr %d", i);
	assert_int_equal(nat.n, TT_NAT_MAX_EVIDENCE);
	assert_int_equal(nat.dropped, 5);
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_TRANSLATES, "masq");
	assert_int_equal(nat.n, TT_NAT_MAX_EVIDENCE);
	assert_int_equal(nat.dropped, 6);
	assert_string_equal(nat.ev[TT_NAT_MAX_EVIDENCE - 1].detail, "masq");
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);
}

static void
test_conntrack_items(void **state)
{
	struct tt_nat nat;

	(void)state;
	all_read(&nat);
	tt_nat_conntrack_items(&nat, 10, 3, 0);
	assert_int_equal(nat.n, 1);
	assert_int_equal(nat.ev[0].points, TT_NATP_TRANSLATES);
	assert_int_equal(nat.ev[0].strength, TT_NATS_STRONG);
	assert_non_null(strstr(nat.ev[0].detail, "3 of 10"));
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);

	all_read(&nat);
	tt_nat_conntrack_items(&nat, 10, 0, 2);
	assert_non_null(strstr(nat.ev[0].detail, "destination"));
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_TRANSLATES);

	all_read(&nat);
	tt_nat_conntrack_items(&nat, 10, 0, 0);
	assert_int_equal(nat.ev[0].points, TT_NATP_NO_NAT);
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_NONE);
	all_read(&nat);
	tt_nat_conntrack_items(&nat, 0, 0, 0);
	assert_int_equal(nat.ev[0].points, TT_NATP_NO_NAT);
	assert_int_equal(tt_nat_decide(&nat), TT_NATV_NONE);
}

/* Appends one ctnetlink entry to buf at *off: a TCP tuple a:ap -> b:bp,
 * its reply ra:rap -> rb:rbp, and a status. */
static void
put_ct(char *buf, size_t *off, const char *a, uint16_t ap, const char *b, uint16_t bp,
    const char *ra, uint16_t rap, const char *rb, uint16_t rbp, uint32_t status)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *off);
	const char *ends[2][2] = { { a, b }, { ra, rb } };
	const uint16_t ports[2][2] = { { ap, bp }, { rap, rbp } };
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	for (int d = 0; d < 2; d++) {
		struct nlattr *t =
		    mnl_attr_nest_start(nlh, d == 0 ? CTA_TUPLE_ORIG : CTA_TUPLE_REPLY);
		struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
		struct nlattr *pr;
		struct in_addr x;

		inet_pton(AF_INET, ends[d][0], &x);
		mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, &x);
		inet_pton(AF_INET, ends[d][1], &x);
		mnl_attr_put(nlh, CTA_IP_V4_DST, 4, &x);
		mnl_attr_nest_end(nlh, ip);
		pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_TCP);
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(ports[d][0]));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(ports[d][1]));
		mnl_attr_nest_end(nlh, pr);
		mnl_attr_nest_end(nlh, t);
	}
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status));
	*off += nlh->nlmsg_len;
}

static size_t
ct_buffer(char *buf)
{
	size_t off = 0;
	struct nlmsghdr *done;

	/* not translated */
	put_ct(buf, &off, "10.0.0.1", 1000, "10.0.0.9", 80, "10.0.0.9", 80, "10.0.0.1", 1000, 0);
	/* source NAT by tuple only (made through ctnetlink) */
	put_ct(buf, &off, "10.0.0.2", 1000, "10.0.0.9", 80, "10.0.0.9", 80, "192.0.2.1", 1000, 0);
	/* source port only translated */
	put_ct(buf, &off, "10.0.0.3", 1000, "10.0.0.9", 80, "10.0.0.9", 80, "10.0.0.3", 1001, 0);
	/* destination NAT by tuple */
	put_ct(buf, &off, "10.0.0.4", 1000, "10.0.0.9", 80, "192.0.2.2", 8080, "10.0.0.4", 1000, 0);
	/* status bit only, tuples plain */
	put_ct(buf, &off, "10.0.0.5", 1000, "10.0.0.9", 80, "10.0.0.9", 80, "10.0.0.5", 1000,
	    IPS_DST_NAT);
	done = mnl_nlmsg_put_header(buf + off);
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI;
	mnl_nlmsg_put_extra_header(done, sizeof(int));
	return off + done->nlmsg_len;
}

static void
test_conntrack_decode_tuples(void **state)
{
	static char buf[8192];
	struct tt_nat_ct w = { .limit = 100 };
	size_t len = ct_buffer(buf);

	(void)state;
	assert_int_equal(tt_nat_ct_decode(&w, buf, len, 0, 0), 0);
	assert_int_equal(w.read, 5);
	assert_int_equal(w.snat, 2);
	assert_int_equal(w.dnat, 2);
	assert_false(w.stopped);
	assert_string_equal(w.sex, "tcp 10.0.0.2:1000 -> 10.0.0.9:80 leaves as 192.0.2.1:1000");
	assert_string_equal(w.dex, "tcp 10.0.0.4:1000 -> 10.0.0.9:80 goes to 192.0.2.2:8080");
}

static void
test_conntrack_decode_bound(void **state)
{
	static char buf[8192];
	struct tt_nat_ct w = { .limit = 2 };
	size_t len = ct_buffer(buf);
	struct tt_nat nat;

	(void)state;
	assert_int_equal(tt_nat_ct_decode(&w, buf, len, 0, 0), 0);
	assert_int_equal(w.read, 2);
	assert_true(w.stopped);
	assert_int_equal(w.snat, 1);
	assert_int_equal(w.dnat, 0);

	/* The report says the counts are lower bounds. */
	all_read(&nat);
	nat.ct_lower_bound = true;
	nat.ct_read = 2;
	tt_nat_conntrack_items(&nat, 5, 1, 0);
	assert_non_null(strstr(nat.ev[0].detail, "at least 1 of 5"));
	all_read(&nat);
	nat.ct_lower_bound = true;
	nat.ct_read = 2;
	tt_nat_conntrack_items(&nat, 5, 0, 0);
	assert_int_equal(nat.ev[0].points, TT_NATP_UNKNOWN);
	assert_non_null(strstr(nat.ev[0].detail, "first 2 of 5"));
	assert_int_not_equal(tt_nat_decide(&nat), TT_NATV_NONE);
}

static enum tt_addr_class
v4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return tt_addr_class_v4(a.s_addr);
}

static enum tt_addr_class
v6(const char *s)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	return tt_addr_class_v6(a);
}

static void
test_address_classes(void **state)
{
	(void)state;
	assert_int_equal(v4("127.0.0.1"), TT_ADDR_LOOPBACK);
	assert_int_equal(v4("10.0.0.1"), TT_ADDR_PRIVATE);
	assert_int_equal(v4("10.255.255.255"), TT_ADDR_PRIVATE);
	assert_int_equal(v4("11.0.0.1"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("172.15.255.255"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("172.16.0.0"), TT_ADDR_PRIVATE);
	assert_int_equal(v4("172.31.255.255"), TT_ADDR_PRIVATE);
	assert_int_equal(v4("172.32.0.0"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("192.168.1.1"), TT_ADDR_PRIVATE);
	assert_int_equal(v4("192.169.0.1"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("100.63.255.255"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("100.64.0.1"), TT_ADDR_SHARED);
	assert_int_equal(v4("100.127.255.255"), TT_ADDR_SHARED);
	assert_int_equal(v4("100.128.0.0"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("169.254.10.1"), TT_ADDR_LINK_LOCAL);
	assert_int_equal(v4("8.8.8.8"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("224.0.0.1"), TT_ADDR_OTHER);
	assert_int_equal(v4("0.0.0.0"), TT_ADDR_OTHER);
	assert_int_equal(v4("192.0.2.0"), TT_ADDR_DOCUMENTATION);
	assert_int_equal(v4("192.0.2.255"), TT_ADDR_DOCUMENTATION);
	assert_int_equal(v4("192.0.3.1"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("192.0.1.255"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("198.51.100.7"), TT_ADDR_DOCUMENTATION);
	assert_int_equal(v4("198.51.101.7"), TT_ADDR_PUBLIC);
	assert_int_equal(v4("203.0.113.200"), TT_ADDR_DOCUMENTATION);
	assert_int_equal(v4("203.0.112.200"), TT_ADDR_PUBLIC);
	assert_int_equal(v6("::ffff:203.0.113.9"), TT_ADDR_DOCUMENTATION);

	assert_int_equal(v6("::1"), TT_ADDR_LOOPBACK);
	assert_int_equal(v6("fd00::2"), TT_ADDR_PRIVATE);
	assert_int_equal(v6("fc00::1"), TT_ADDR_PRIVATE);
	assert_int_equal(v6("fe80::1"), TT_ADDR_LINK_LOCAL);
	assert_int_equal(v6("febf::1"), TT_ADDR_LINK_LOCAL);
	assert_int_equal(v6("fec0::1"), TT_ADDR_OTHER);
	assert_int_equal(v6("2001:db8::1"), TT_ADDR_DOCUMENTATION);
	assert_int_equal(v6("2001:db9::1"), TT_ADDR_PUBLIC);
	assert_int_equal(v6("2001:db7:ffff::1"), TT_ADDR_PUBLIC);
	assert_int_equal(v6("2606:4700::1"), TT_ADDR_PUBLIC);
	assert_int_equal(v6("ff02::1"), TT_ADDR_OTHER);
	assert_int_equal(v6("::ffff:10.1.2.3"), TT_ADDR_PRIVATE);
	assert_int_equal(v6("::ffff:100.64.1.1"), TT_ADDR_SHARED);
}

static void
test_bridge_names(void **state)
{
	(void)state;
	assert_string_equal(tt_nat_bridge_family("docker0"), "Docker");
	assert_string_equal(tt_nat_bridge_family("br-5f3e2a1b9c8d"), "Docker");
	assert_string_equal(tt_nat_bridge_family("cni0"), "CNI");
	assert_string_equal(tt_nat_bridge_family("flannel.1"), "Flannel");
	assert_string_equal(tt_nat_bridge_family("cali12ab34cd"), "Calico");
	assert_string_equal(tt_nat_bridge_family("kube-ipvs0"), "kube-proxy");
	assert_string_equal(tt_nat_bridge_family("kube-bridge"), "kube-proxy");
	assert_null(tt_nat_bridge_family("eth0"));
	assert_null(tt_nat_bridge_family("lo"));
	assert_null(tt_nat_bridge_family("docker01")); /* docker0 is exact */
	assert_null(tt_nat_bridge_family("br-"));      /* a prefix needs more */
	assert_null(tt_nat_bridge_family("bridge0"));
}

struct names {
	char v[8][32];
	int n;
};

static void
collect(const char *ifname, void *data)
{
	struct names *nm = data;

	if (nm->n < 8)
		strcpy(nm->v[nm->n++], ifname);
}

static void
test_parse_netdev(void **state)
{
	const char *text =
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
	    "packets errs drop fifo colls carrier compressed\n"
	    "    lo:    3267      29    0    0    0     0          0         0     3267"
	    "      29    0    0    0     0       0          0\n"
	    "  eth0:12345678   12034    0    0    0     0          0         0  1203451"
	    "    9021    0    0    0     0       0          0\n"
	    "veth1a2b3c4d5e6:       0       0    0    0    0     0          0         0"
	    "        0       0    0    0    0     0       0          0";
	struct names nm = { .n = 0 };

	(void)state;
	assert_int_equal(tt_nat_parse_netdev(text, collect, &nm), 3);
	assert_string_equal(nm.v[0], "lo");
	assert_string_equal(nm.v[1], "eth0"); /* no blank between name and counter */
	assert_string_equal(nm.v[2], "veth1a2b3c4d5e6");
	nm.n = 0;
	assert_int_equal(tt_nat_parse_netdev("", collect, &nm), 0);
}

static void
test_parse_tables_and_ipvs(void **state)
{
	(void)state;
	assert_true(tt_nat_parse_table_names("filter\nnat\n"));
	assert_true(tt_nat_parse_table_names("nat"));
	assert_false(tt_nat_parse_table_names("filter\nmangle\n"));
	assert_false(tt_nat_parse_table_names("natx\nsnat\n"));
	assert_false(tt_nat_parse_table_names(""));

	assert_int_equal(tt_nat_parse_ipvs("IP Virtual Server version 1.2.1 (size=4096)\n"
					   "Prot LocalAddress:Port Scheduler Flags\n"
					   "  -> RemoteAddress:Port Forward Weight ActiveConn "
					   "InActConn\n"),
	    0);
	assert_int_equal(tt_nat_parse_ipvs("IP Virtual Server version 1.2.1 (size=4096)\n"
					   "Prot LocalAddress:Port Scheduler Flags\n"
					   "  -> RemoteAddress:Port Forward Weight ActiveConn "
					   "InActConn\n"
					   "TCP  0A600001:01BB rr\n"
					   "  -> 0AF40001:1F90      Masq    1      0          0\n"
					   "FWM  00000001 wlc\n"),
	    2);
}

static bool
has_item(
    const struct tt_nat *nat, enum tt_nat_kind kind, enum tt_nat_points points, const char *needle)
{
	for (size_t i = 0; i < nat->n; i++)
		if (nat->ev[i].kind == kind && nat->ev[i].points == points &&
		    strstr(nat->ev[i].detail, needle) != NULL)
			return true;
	return false;
}

static void
gather_fixture(const char *name, struct tt_nat *nat)
{
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	char root[512];

	assert_non_null(ctx);
	snprintf(root, sizeof(root), "%s/%s", FIXTURES, name);
	assert_int_equal(tt_ctx_set_proc_root(ctx, root), 0);
	assert_false(tt_netns_is_live(ctx, NULL));
	assert_int_equal(tt_nat_gather(ctx, nat), 0);
	tt_ctx_free(ctx);
}

static void
test_gather_fixture_docker(void **state)
{
	struct tt_nat nat;

	(void)state;
	gather_fixture("proc-nat-docker", &nat);
	assert_int_equal(nat.verdict, TT_NATV_TRANSLATES);
	assert_int_equal(nat.source[TT_NATSRC_PROC], TT_NATSS_OK);
	/* Netlink would describe the live namespace, not the fixture. */
	assert_int_equal(nat.source[TT_NATSRC_CONNTRACK], TT_NATSS_SKIPPED);
	assert_int_equal(nat.source[TT_NATSRC_NFTABLES], TT_NATSS_SKIPPED);
	assert_int_equal(nat.source[TT_NATSRC_ADDRESSES], TT_NATSS_SKIPPED);
	assert_true(has_item(&nat, TT_NATK_CONNTRACK, TT_NATP_UNKNOWN, "not the live /proc"));
	assert_true(has_item(&nat, TT_NATK_FORWARDING, TT_NATP_INFO, "ip_forward = 1"));
	/* lo has forwarding 0 in the fixture and must not be listed. */
	assert_false(has_item(&nat, TT_NATK_FORWARDING, TT_NATP_INFO, ": lo"));
	assert_false(has_item(&nat, TT_NATK_FORWARDING, TT_NATP_INFO, ", lo"));
	assert_true(has_item(&nat, TT_NATK_FORWARDING, TT_NATP_INFO, "docker0"));
	assert_true(has_item(&nat, TT_NATK_BRIDGE, TT_NATP_TRANSLATES, "docker0, br-5f3e2a1b9c8d"));
	assert_true(has_item(&nat, TT_NATK_BRIDGE, TT_NATP_TRANSLATES, "2 in all"));
	assert_true(has_item(&nat, TT_NATK_IPTABLES, TT_NATP_TRANSLATES, "legacy iptables nat"));
	assert_true(has_item(&nat, TT_NATK_IPVS, TT_NATP_TRANSLATES, "2 virtual services"));
}

static void
test_gather_fixture_plain(void **state)
{
	struct tt_nat nat;

	(void)state;
	gather_fixture("proc-nat-plain", &nat);
	/* Nothing under the fixture shows NAT, but netlink was skipped:
	 * that is not enough for "none". */
	assert_int_equal(nat.verdict, TT_NATV_UNKNOWN);
	assert_int_equal(nat.source[TT_NATSRC_PROC], TT_NATSS_OK);
	assert_true(has_item(&nat, TT_NATK_FORWARDING, TT_NATP_NO_NAT, "ip_forward = 0"));
	for (size_t i = 0; i < nat.n; i++)
		assert_true(
		    nat.ev[i].points != TT_NATP_TRANSLATES && nat.ev[i].points != TT_NATP_BEHIND);

	/* A tree without ip_forward: proc evidence failed. */
	gather_fixture("proc-6.18", &nat);
	assert_int_equal(nat.source[TT_NATSRC_PROC], TT_NATSS_FAILED);
	assert_int_equal(nat.verdict, TT_NATV_UNKNOWN);
}

/* --- the verdict in tt_nat_answer() and the rules ---------------------- */

static void
snap_with(struct tt_snapshot *snap, struct tt_nat *nat)
{
	memset(snap, 0, sizeof(*snap));
	snap->nat = nat;
}

static void
test_nat_answer(void **state)
{
	static const struct {
		bool gathered;
		enum tt_nat_verdict v;
		int decl; /* -1: no profile */
		enum tt_nat_answer want;
	} cases[] = {
		{ false, 0, -1, TT_NATQ_UNKNOWN },
		{ false, 0, TT_NAT_YES, TT_NATQ_YES },
		{ false, 0, TT_NAT_NO, TT_NATQ_UNKNOWN }, /* no evidence looked at */
		{ true, TT_NATV_NONE, -1, TT_NATQ_UNKNOWN },
		{ true, TT_NATV_NONE, TT_NAT_AUTO, TT_NATQ_UNKNOWN },
		{ true, TT_NATV_NONE, TT_NAT_NO, TT_NATQ_NO },
		{ true, TT_NATV_NONE, TT_NAT_YES, TT_NATQ_YES },
		{ true, TT_NATV_UNKNOWN, TT_NAT_NO, TT_NATQ_UNKNOWN },
		{ true, TT_NATV_TRANSLATES, TT_NAT_NO, TT_NATQ_YES },
		{ true, TT_NATV_TRANSLATES, -1, TT_NATQ_YES },
		{ true, TT_NATV_BEHIND, TT_NAT_NO, TT_NATQ_YES },
		{ true, TT_NATV_BEHIND, TT_NAT_AUTO, TT_NATQ_YES },
	};
	struct tt_snapshot snap;
	struct tt_profile prof;
	struct tt_nat nat;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tt_nat_init(&nat);
		nat.verdict = cases[i].v;
		snap_with(&snap, cases[i].gathered ? &nat : NULL);
		memset(&prof, 0, sizeof(prof));
		prof.nat = cases[i].decl < 0 ? TT_NAT_AUTO : (enum tt_nat_decl)cases[i].decl;
		assert_int_equal(
		    tt_nat_answer(&snap, cases[i].decl < 0 ? NULL : &prof), cases[i].want);
	}
}

static void
set_key(struct tt_snapshot *snap, enum tt_key_id k, long long v)
{
	snap->sysctl[k].state = TT_ST_OK;
	snap->sysctl[k].val.n = 1;
	snap->sysctl[k].val.v[0] = v;
}

/* The finding with this id; a missing one fails the test. */
static const struct tt_finding *
find(const struct tt_findings *fs, const char *id)
{
	static const struct tt_finding missing = { .id = "missing" };

	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].id, id) == 0)
			return &fs->v[i];
	fail_msg("no finding %s", id);
	return &missing;
}

static void
run(const struct tt_snapshot *snap, const struct tt_profile *prof, struct tt_findings *fs)
{
	static struct tt_thresholds thr;
	struct tt_rule_input in;

	tt_thresholds_default(&thr);
	in = (struct tt_rule_input){ .snap = snap, .prof = prof, .thr = &thr };
	memset(fs, 0, sizeof(*fs));
	assert_int_equal(tt_rules_run(&in, fs), 0);
}

static void
test_rules_use_the_verdict(void **state)
{
	struct tt_findings fs;
	struct tt_snapshot snap;
	struct tt_nat nat;
	const struct tt_finding *f;

	(void)state;
	all_read(&nat);
	tt_nat_add(&nat, TT_NATK_NAT_RULE, TT_NATS_STRONG, TT_NATP_TRANSLATES,
	    "nftables rule in ip t/post (handle 2): masquerade");
	nat.verdict = tt_nat_decide(&nat);
	snap_with(&snap, &nat);
	set_key(&snap, TT_K_KEEPALIVE_TIME, 7200);
	set_key(&snap, TT_K_KEEPALIVE_INTVL, 75);
	set_key(&snap, TT_K_KEEPALIVE_PROBES, 9);
	set_key(&snap, TT_K_TW_RECYCLE, 1);
	set_key(&snap, TT_K_TW_REUSE, 2);
	set_key(&snap, TT_K_TIMESTAMPS, 1);
	run(&snap, NULL, &fs);

	/* Evidence alone, with no profile, makes tw_recycle critical. */
	f = find(&fs, "tw_recycle_enabled");
	assert_int_equal(f->sev, TT_SEV_CRITICAL);
	assert_non_null(strstr(f->evidence, "this_host_translates"));
	/* A router's own keepalive does nothing for the flows it forwards. */
	f = find(&fs, "keepalive_exceeds_nat_idle");
	assert_int_equal(f->sev, TT_SEV_OK);
	f = find(&fs, "nat_translating_host");
	assert_int_equal(f->sev, TT_SEV_INFO);
	assert_non_null(strstr(f->evidence, "masquerade"));
	tt_findings_free(&fs);

	/* A verdict of none, no profile: not critical, no NAT advice. */
	all_read(&nat);
	nat.verdict = tt_nat_decide(&nat);
	assert_int_equal(nat.verdict, TT_NATV_NONE);
	run(&snap, NULL, &fs);
	assert_int_equal(find(&fs, "tw_recycle_enabled")->sev, TT_SEV_WARN);
	assert_int_equal(find(&fs, "keepalive_exceeds_nat_idle")->sev, TT_SEV_OK);
	assert_int_equal(find(&fs, "nat_translating_host")->sev, TT_SEV_OK);
	tt_findings_free(&fs);
}

static void
test_rule_declaration_conflict(void **state)
{
	struct tt_findings fs;
	struct tt_snapshot snap;
	struct tt_profile prof;
	struct tt_nat nat;
	const struct tt_finding *f;

	(void)state;
	memset(&prof, 0, sizeof(prof));
	prof.path = (char *)"p.ini";
	tt_thresholds_default(&prof.thr);

	all_read(&nat);
	tt_nat_add(
	    &nat, TT_NATK_ADDRESS, TT_NATS_MEDIUM, TT_NATP_BEHIND, "only private IPv4 addresses");
	nat.verdict = tt_nat_decide(&nat);
	snap_with(&snap, &nat);
	prof.nat = TT_NAT_NO;
	run(&snap, &prof, &fs);
	f = find(&fs, "nat_declaration_conflict");
	assert_int_equal(f->sev, TT_SEV_WARN);
	assert_non_null(strstr(f->message, "behind_nat_likely"));
	assert_non_null(strstr(f->evidence, "only private"));
	tt_findings_free(&fs);

	prof.nat = TT_NAT_AUTO;
	run(&snap, &prof, &fs);
	assert_int_equal(find(&fs, "nat_declaration_conflict")->sev, TT_SEV_OK);
	tt_findings_free(&fs);

	all_read(&nat);
	nat.verdict = tt_nat_decide(&nat);
	prof.nat = TT_NAT_YES;
	run(&snap, &prof, &fs);
	assert_int_equal(find(&fs, "nat_declaration_conflict")->sev, TT_SEV_INFO);
	tt_findings_free(&fs);

	prof.nat = TT_NAT_NO;
	run(&snap, &prof, &fs);
	assert_int_equal(find(&fs, "nat_declaration_conflict")->sev, TT_SEV_OK);
	tt_findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_none_needs_every_source),
		cmocka_unit_test(test_conntrack_decode_tuples),
		cmocka_unit_test(test_conntrack_decode_bound),
		cmocka_unit_test(test_verdict_translates),
		cmocka_unit_test(test_verdict_behind),
		cmocka_unit_test(test_verdict_unknown_item),
		cmocka_unit_test(test_full_list_keeps_the_reason),
		cmocka_unit_test(test_conntrack_items),
		cmocka_unit_test(test_address_classes),
		cmocka_unit_test(test_bridge_names),
		cmocka_unit_test(test_parse_netdev),
		cmocka_unit_test(test_parse_tables_and_ipvs),
		cmocka_unit_test(test_gather_fixture_docker),
		cmocka_unit_test(test_gather_fixture_plain),
		cmocka_unit_test(test_nat_answer),
		cmocka_unit_test(test_rules_use_the_verdict),
		cmocka_unit_test(test_rule_declaration_conflict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
