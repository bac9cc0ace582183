/*
 * NAT evidence: its items and the verdict they lead to, the names of its
 * enums, and the pure parsers of proc text.  Gathering it is
 * nat-gather.c, which calls this file and the adapters (nat-netlink.c,
 * nat-xtables.c); this file calls neither.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat.h"
#include "netns.h"
#include "strtab.h"
#include "sysctl.h"

TT_STRTAB(tt_nat_verdict, enum tt_nat_verdict,
    "unknown", [TT_NATV_UNKNOWN] = "unknown", [TT_NATV_NONE] = "none",
    [TT_NATV_TRANSLATES] = "this_host_translates", [TT_NATV_BEHIND] = "behind_nat_likely")

TT_STRTAB(tt_nat_kind, enum tt_nat_kind,
    "unknown", [TT_NATK_CONNTRACK] = "conntrack", [TT_NATK_NAT_RULE] = "nat_rule",
    [TT_NATK_NAT_CHAIN] = "nat_chain", [TT_NATK_IPTABLES] = "iptables_legacy",
    [TT_NATK_FORWARDING] = "forwarding", [TT_NATK_ADDRESS] = "address", [TT_NATK_BRIDGE] = "bridge",
    [TT_NATK_IPVS] = "ip_vs", [TT_NATK_PEERS] = "peers")

TT_STRTAB(tt_nat_strength, enum tt_nat_strength, "none", [TT_NATS_NONE] = "none",
    [TT_NATS_WEAK] = "weak", [TT_NATS_MEDIUM] = "medium", [TT_NATS_STRONG] = "strong")

TT_STRTAB(tt_nat_points, enum tt_nat_points,
    "info", [TT_NATP_INFO] = "info", [TT_NATP_NO_NAT] = "no_nat", [TT_NATP_UNKNOWN] = "unknown",
    [TT_NATP_TRANSLATES] = "translates", [TT_NATP_BEHIND] = "behind")

TT_STRTAB(tt_nat_source, enum tt_nat_source,
    "unknown", [TT_NATSRC_CONNTRACK] = "conntrack", [TT_NATSRC_NFTABLES] = "nftables",
    [TT_NATSRC_ADDRESSES] = "addresses", [TT_NATSRC_PROC] = "proc")

TT_STRTAB(tt_nat_source_state, enum tt_nat_source_state, "unread", [TT_NATSS_UNREAD] = "unread",
    [TT_NATSS_OK] = "ok", [TT_NATSS_NOPERM] = "not_permitted", [TT_NATSS_SKIPPED] = "skipped",
    [TT_NATSS_UNAVAILABLE] = "unavailable", [TT_NATSS_FAILED] = "failed")

void
tt_nat_init(struct tt_nat *nat)
{
	memset(nat, 0, sizeof(*nat));
	nat->verdict = TT_NATV_UNKNOWN;
}

static bool
points_to_nat(enum tt_nat_points p)
{
	return p == TT_NATP_TRANSLATES || p == TT_NATP_BEHIND;
}

void
tt_nat_add(struct tt_nat *nat, enum tt_nat_kind kind, enum tt_nat_strength strength,
    enum tt_nat_points points, const char *fmt, ...)
{
	struct tt_nat_evidence *e = NULL;
	va_list ap;

	if (nat->n < TT_NAT_MAX_EVIDENCE) {
		e = &nat->ev[nat->n++];
	} else if (points_to_nat(points)) {
		/* A full list must not hide the reason for the verdict: give
		 * up the last item that carries no weight instead. */
		for (size_t i = nat->n; i-- > 0;)
			if (!points_to_nat(nat->ev[i].points)) {
				e = &nat->ev[i];
				break;
			}
		nat->dropped++;
	} else {
		nat->dropped++;
	}
	if (e == NULL)
		return;
	e->kind = kind;
	e->strength = strength;
	e->points = points;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

enum tt_nat_verdict
tt_nat_decide(const struct tt_nat *nat)
{
	bool behind = false, doubt = false;

	for (size_t i = 0; i < nat->n; i++) {
		const struct tt_nat_evidence *e = &nat->ev[i];

		switch (e->points) {
		case TT_NATP_TRANSLATES:
			if (e->strength >= TT_NATS_MEDIUM)
				return TT_NATV_TRANSLATES;
			/* A hint without proof, e.g. a table whose rules
			 * could not be read: it only rules out "none". */
			doubt = true;
			break;
		case TT_NATP_BEHIND:
			if (e->strength >= TT_NATS_WEAK)
				behind = true;
			break;
		case TT_NATP_UNKNOWN:
			doubt = true;
			break;
		case TT_NATP_INFO:
		case TT_NATP_NO_NAT:
			break;
		}
	}
	if (behind)
		return TT_NATV_BEHIND;
	/* "none" is a claim that every source was looked at. */
	for (int s = 0; s < TT_NATSRC__COUNT; s++)
		if (nat->source[s] != TT_NATSS_OK && nat->source[s] != TT_NATSS_UNAVAILABLE)
			doubt = true;
	return doubt ? TT_NATV_UNKNOWN : TT_NATV_NONE;
}

void
tt_nat_conntrack_items(
    struct tt_nat *nat, unsigned long total, unsigned long snat, unsigned long dnat)
{
	/* A dump cut short gives counts that are lower bounds. */
	const char *least = nat->ct_lower_bound ? "at least " : "";

	nat->ct_total = total;
	nat->ct_snat = snat;
	nat->ct_dnat = dnat;
	if (snat > 0)
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "%s%lu of %lu tracked connections have their source translated "
		    "(masquerade or snat)",
		    least, snat, total);
	if (dnat > 0)
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "%s%lu of %lu tracked connections have their destination translated "
		    "(dnat, redirect or a port forward)",
		    least, dnat, total);
	if (snat == 0 && dnat == 0 && nat->ct_lower_bound)
		tt_nat_add(nat, TT_NATK_CONNTRACK, TT_NATS_NONE, TT_NATP_UNKNOWN,
		    "none of the first %lu of %lu tracked connections is translated; the "
		    "rest were not read",
		    nat->ct_read, total);
	else if (snat == 0 && dnat == 0)
		tt_nat_add(nat, TT_NATK_CONNTRACK, total > 0 ? TT_NATS_STRONG : TT_NATS_MEDIUM,
		    TT_NATP_NO_NAT,
		    total > 0 ? "none of %lu tracked connections is translated" :
				"no tracked connections (%lu): nothing is being translated now",
		    total);
}

/* --- addresses and interface names ------------------------------------- */

TT_STRTAB(tt_addr_class, enum tt_addr_class, "special", [TT_ADDR_LOOPBACK] = "loopback",
    [TT_ADDR_PRIVATE] = "private", [TT_ADDR_SHARED] = "shared address space",
    [TT_ADDR_LINK_LOCAL] = "link-local", [TT_ADDR_PUBLIC] = "public", [TT_ADDR_OTHER] = "special")

enum tt_addr_class
tt_addr_class_v4(uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a; /* network order: b[0] first */

	if (b[0] == 127)
		return TT_ADDR_LOOPBACK;
	if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168))
		return TT_ADDR_PRIVATE;
	if (b[0] == 100 && (b[1] & 0xc0) == 64)
		return TT_ADDR_SHARED;
	if (b[0] == 169 && b[1] == 254)
		return TT_ADDR_LINK_LOCAL;
	if (b[0] == 0 || b[0] >= 224)
		return TT_ADDR_OTHER;
	return TT_ADDR_PUBLIC;
}

enum tt_addr_class
tt_addr_class_v6(const uint8_t a[16])
{
	static const uint8_t loop[16] = { [15] = 1 };
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t v4;

	if (memcmp(a, loop, 16) == 0)
		return TT_ADDR_LOOPBACK;
	if (memcmp(a, v4mapped, 12) == 0) {
		memcpy(&v4, a + 12, 4);
		return tt_addr_class_v4(v4);
	}
	if ((a[0] & 0xfe) == 0xfc)
		return TT_ADDR_PRIVATE;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return TT_ADDR_LINK_LOCAL;
	if ((a[0] & 0xe0) == 0x20)
		return TT_ADDR_PUBLIC; /* 2000::/3, global unicast */
	return TT_ADDR_OTHER;
}

const char *
tt_nat_bridge_family(const char *ifname)
{
	/* Prefixes that container runtimes and Kubernetes network plugins
	 * give the interfaces they make; each of them comes with NAT rules
	 * (masquerade for the bridge, DNAT for services). */
	static const struct {
		const char *prefix;
		bool exact;
		const char *family;
	} known[] = {
		{ "docker0", true, "Docker" },
		{ "br-", false, "Docker" },
		{ "cni0", true, "CNI" },
		{ "cni-podman", false, "Podman" },
		{ "podman", false, "Podman" },
		{ "virbr", false, "libvirt" },
		{ "lxcbr", false, "LXC" },
		{ "lxdbr", false, "LXD" },
		{ "incusbr", false, "Incus" },
		{ "flannel.", false, "Flannel" },
		{ "cali", false, "Calico" },
		{ "vxlan.calico", true, "Calico" },
		{ "kube-", false, "kube-proxy" },
		{ "cilium_", false, "Cilium" },
		{ "weave", true, "Weave" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		size_t n = strlen(known[i].prefix);

		if (known[i].exact ? strcmp(ifname, known[i].prefix) == 0 :
				     strncmp(ifname, known[i].prefix, n) == 0 && ifname[n] != '\0')
			return known[i].family;
	}
	return NULL;
}

/* --- proc text ----------------------------------------------------------- */

int
tt_nat_parse_netdev(const char *text, void (*fn)(const char *ifname, void *data), void *data)
{
	const char *line = text;
	int n = 0;

	/* Two header lines, then "  name: counters..." one per interface. */
	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		const char *colon = strchr(line, ':');
		char name[32];

		if (colon != NULL && (end == NULL || colon < end)) {
			const char *s = line;
			size_t len;

			while (*s == ' ' || *s == '\t')
				s++;
			len = (size_t)(colon - s);
			if (len > 0 && len < sizeof(name)) {
				memcpy(name, s, len);
				name[len] = '\0';
				/* The header lines have no colon; a name never
				 * has '|' or a blank. */
				if (strpbrk(name, "| \t") == NULL) {
					fn(name, data);
					n++;
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	return n;
}

bool
tt_nat_parse_table_names(const char *text)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "nat", 3) == 0 && (p[3] == '\n' || p[3] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

unsigned
tt_nat_parse_ipvs(const char *text)
{
	const char *p = text;
	unsigned n = 0;

	/* Virtual services start a line with their protocol; real servers
	 * are indented "  -> addr"; the header names the columns. */
	while (p != NULL && *p != '\0') {
		if (strncmp(p, "TCP ", 4) == 0 || strncmp(p, "UDP ", 4) == 0 ||
		    strncmp(p, "SCTP ", 5) == 0 || strncmp(p, "FWM ", 4) == 0)
			n++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return n;
}
