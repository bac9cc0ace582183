/*
 * NAT evidence as one call: what the proc files under the proc root say
 * (forwarding, bridges, ip_vs, the legacy nat table), then the netlink
 * sources when the proc root is the live /proc, then the verdict.  It
 * calls nat.c and the adapters; none of them calls it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "nat-gather.h"
#include "nat-netlink.h"
#include "nat-xtables.h"
#include "nat.h"
#include "netns.h"
#include "sysctl.h"
#include "value.h"

/* --- evidence under the proc root ---------------------------------------- */

struct bridge_seen {
	const char *family[8];
	char names[8][96];
	unsigned count[8];
	int nfam;
};

static void
note_interface(const char *ifname, void *data)
{
	struct bridge_seen *bs = data;
	const char *fam = tt_nat_bridge_family(ifname);
	int i;

	if (fam == NULL)
		return;
	for (i = 0; i < bs->nfam; i++)
		if (strcmp(bs->family[i], fam) == 0)
			break;
	if (i == bs->nfam) {
		if (bs->nfam == 8)
			return;
		bs->family[bs->nfam++] = fam;
	}
	/* Name the first few of a family, count the rest. */
	if (bs->count[i]++ < 3) {
		size_t len = strlen(bs->names[i]);

		snprintf(bs->names[i] + len, sizeof(bs->names[i]) - len, "%s%s", len ? ", " : "",
		    ifname);
	}
}

#define CT_EST_TIMEOUT "sys/net/netfilter/nf_conntrack_tcp_timeout_established"

/* A non-negative number from a proc file, -1 when there is none. */
static long long
read_number(const struct tt_ctx *ctx, const char *rel)
{
	char buf[32];
	struct tt_val v;

	if (tt_proc_read(ctx, rel, buf, sizeof(buf)) < 0 || tt_val_parse(buf, 1, &v, NULL) < 0 ||
	    v.v[0] < 0)
		return -1;
	return v.v[0];
}

static int
read_flag(const struct tt_ctx *ctx, const char *rel)
{
	char buf[32];
	struct tt_val v;

	/* Strictly: atoi() read garbage as 0, a switch that is off. */
	if (tt_proc_read(ctx, rel, buf, sizeof(buf)) < 0 || tt_val_parse(buf, 1, &v, NULL) < 0)
		return -1;
	return v.v[0] != 0;
}

/* Interfaces with IPv4 forwarding on, besides "all", "default" and lo. */
static void
forwarding_interfaces(const struct tt_ctx *ctx, char *list, size_t len, unsigned *count)
{
	char dir[PATH_MAX], rel[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	*count = 0;
	list[0] = '\0';
	if (tt_proc_path(ctx, "sys/net/ipv4/conf", dir, sizeof(dir)) < 0 ||
	    (dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		size_t used = strlen(list);

		/* Loopback never forwards anything, whatever its switch says. */
		if (d->d_name[0] == '.' || strcmp(d->d_name, "all") == 0 ||
		    strcmp(d->d_name, "default") == 0 || strcmp(d->d_name, "lo") == 0)
			continue;
		if (snprintf(rel, sizeof(rel), "sys/net/ipv4/conf/%s/forwarding", d->d_name) >=
			(int)sizeof(rel) ||
		    read_flag(ctx, rel) != 1)
			continue;
		/* Name the first few; a name that does not fit is left out
		 * whole rather than cut. */
		if ((*count)++ < 6 &&
		    snprintf(list + used, len - used, "%s%s", used ? ", " : "", d->d_name) >=
			(int)(len - used))
			list[used] = '\0';
	}
	closedir(dp);
}

static void
read_proc(const struct tt_ctx *ctx, struct tt_nat *nat, bool live)
{
	struct bridge_seen bs = { .nfam = 0 };
	char ifs[160];
	unsigned nif;
	size_t cap = 1 << 16;
	char *buf;
	ssize_t r;
	int fwd, fwd6;

	fwd = read_flag(ctx, "sys/net/ipv4/ip_forward");
	fwd6 = read_flag(ctx, "sys/net/ipv6/conf/all/forwarding");
	if (fwd < 0) {
		nat->source[TT_NATSRC_PROC] = TT_NATSS_FAILED;
		tt_nat_add(nat, TT_NATK_FORWARDING, TT_NATS_NONE, TT_NATP_UNKNOWN,
		    "net.ipv4.ip_forward could not be read under %s", tt_ctx_proc_root(ctx));
	} else {
		nat->source[TT_NATSRC_PROC] = TT_NATSS_OK;
		forwarding_interfaces(ctx, ifs, sizeof(ifs), &nif);
		if (fwd == 1)
			tt_nat_add(nat, TT_NATK_FORWARDING, TT_NATS_WEAK, TT_NATP_INFO,
			    "net.ipv4.ip_forward = 1: this host routes IPv4 packets for "
			    "others (interfaces: %s%s)",
			    nif ? ifs : "none listed", nif > 6 ? ", ..." : "");
		else
			tt_nat_add(nat, TT_NATK_FORWARDING, TT_NATS_WEAK, TT_NATP_NO_NAT,
			    "net.ipv4.ip_forward = 0: this host does not route IPv4 for "
			    "others%s%s",
			    nif ? "; forwarding is on for " : "", nif ? ifs : "");
	}
	if (fwd6 == 1)
		tt_nat_add(nat, TT_NATK_FORWARDING, TT_NATS_WEAK, TT_NATP_INFO,
		    "net.ipv6.conf.all.forwarding = 1: this host routes IPv6 packets");

	buf = malloc(cap);
	if (buf == NULL) {
		nat->source[TT_NATSRC_PROC] = TT_NATSS_FAILED;
		return;
	}
	if (tt_proc_read(ctx, "net/ip_tables_names", buf, cap) >= 0 &&
	    tt_nat_parse_table_names(buf)) {
		if (live)
			tt_nat_read_iptables(ctx, nat);
		else
			tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_WEAK, TT_NATP_TRANSLATES,
			    "the legacy iptables nat table is loaded (net/ip_tables_names); "
			    "its rules are not read under a fixture root, so it may be "
			    "empty");
	}
	if (tt_proc_read(ctx, "net/ip6_tables_names", buf, cap) >= 0 &&
	    tt_nat_parse_table_names(buf))
		tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_WEAK, TT_NATP_TRANSLATES,
		    "the legacy ip6tables nat table is loaded (net/ip6_tables_names); "
		    "its rules are not read, so it may be empty");

	r = tt_proc_read(ctx, "net/ip_vs", buf, cap);
	if (r >= 0 || r == -EFBIG) {
		unsigned nvs = r >= 0 ? tt_nat_parse_ipvs(buf) : 1;

		if (nvs > 0)
			tt_nat_add(nat, TT_NATK_IPVS, TT_NATS_MEDIUM, TT_NATP_TRANSLATES,
			    "IPVS has %u%s virtual service%s (net/ip_vs): connections "
			    "to them are forwarded to real servers",
			    nvs, r < 0 ? " or more" : "", nvs == 1 ? "" : "s");
		else
			tt_nat_add(nat, TT_NATK_IPVS, TT_NATS_WEAK, TT_NATP_INFO,
			    "IPVS is loaded but has no virtual services (net/ip_vs)");
	}

	if (tt_proc_read(ctx, "net/dev", buf, cap) >= 0) {
		tt_nat_parse_netdev(buf, note_interface, &bs);
		for (int i = 0; i < bs.nfam; i++)
			tt_nat_add(nat, TT_NATK_BRIDGE, fwd == 1 ? TT_NATS_MEDIUM : TT_NATS_WEAK,
			    TT_NATP_TRANSLATES, "%s interfaces (%s%s, %u in all)%s", bs.family[i],
			    bs.names[i], bs.count[i] > 3 ? ", ..." : "", bs.count[i],
			    fwd == 1 ? " with forwarding on: containers reach out through "
				       "this host's NAT" :
				       "; forwarding is off, so they may be idle");
	}
	free(buf);
}

/* --- putting it together --------------------------------------------------- */

static void
skip_source(
    const struct tt_ctx *ctx, struct tt_nat *nat, enum tt_nat_source s, enum tt_nat_kind kind)
{
	nat->source[s] = TT_NATSS_SKIPPED;
	tt_nat_add(nat, kind, TT_NATS_NONE, TT_NATP_UNKNOWN,
	    "%s not read: the proc root %s is not the live /proc, and netlink "
	    "would describe the live network namespace instead",
	    tt_nat_source_name(s), tt_ctx_proc_root(ctx));
}

int
tt_nat_gather(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	bool live = tt_netns_is_live(ctx, NULL);

	tt_nat_init(nat);
	read_proc(ctx, nat, live);
	nat->ct_est_timeout = read_number(ctx, CT_EST_TIMEOUT);
	if (live) {
		nat->source[TT_NATSRC_CONNTRACK] = tt_nat_read_conntrack(ctx, nat);
		nat->source[TT_NATSRC_NFTABLES] = tt_nat_read_nftables(ctx, nat);
		nat->source[TT_NATSRC_ADDRESSES] = tt_nat_read_addresses(ctx, nat);
	} else {
		skip_source(ctx, nat, TT_NATSRC_CONNTRACK, TT_NATK_CONNTRACK);
		skip_source(ctx, nat, TT_NATSRC_NFTABLES, TT_NATK_NAT_RULE);
		skip_source(ctx, nat, TT_NATSRC_ADDRESSES, TT_NATK_ADDRESS);
	}
	nat->verdict = tt_nat_decide(nat);
	tt_log(ctx, TT_LOG_DEBUG, "nat: verdict %s from %zu items",
	    tt_nat_verdict_name(nat->verdict), nat->n);
	return 0;
}
