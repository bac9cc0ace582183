/*
 * NAT detection: what this network namespace shows about address
 * translation, item by item, and one verdict drawn from the items.
 *
 * Evidence comes from conntrack (NAT status of tracked connections), the
 * nftables ruleset (nat chains with masquerade, snat, dnat, redirect), the
 * legacy iptables table list, forwarding switches, this host's addresses,
 * container bridges and IPVS.  A source that could not be read is an item
 * too ("not permitted", "skipped"): it never counts as "no NAT".
 */
#ifndef TCPTUNE_NAT_H
#define TCPTUNE_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

enum tt_nat_verdict {
	TT_NATV_UNKNOWN = 0, /* not enough evidence, or sources unreadable */
	TT_NATV_NONE,        /* every source read, none shows NAT */
	TT_NATV_TRANSLATES,  /* this host translates addresses for others */
	TT_NATV_BEHIND,      /* this host or its clients likely cross a NAT */
};

enum tt_nat_kind {
	TT_NATK_CONNTRACK,
	TT_NATK_NAT_RULE,  /* an nftables rule that translates */
	TT_NATK_NAT_CHAIN, /* an nftables chain of type nat */
	TT_NATK_IPTABLES,  /* legacy iptables (x_tables) nat table */
	TT_NATK_FORWARDING,
	TT_NATK_ADDRESS,
	TT_NATK_BRIDGE, /* container or orchestrator interfaces */
	TT_NATK_IPVS,
	TT_NATK_PEERS,
	TT_NATK__COUNT
};

/* How much an item weighs for what it points to. */
enum tt_nat_strength {
	TT_NATS_NONE = 0, /* weighs nothing: says what could not be seen */
	TT_NATS_WEAK,
	TT_NATS_MEDIUM,
	TT_NATS_STRONG,
};

/* Which way an item points. */
enum tt_nat_points {
	TT_NATP_INFO = 0,   /* context that moves no verdict by itself */
	TT_NATP_NO_NAT,     /* a source was read and shows no NAT */
	TT_NATP_UNKNOWN,    /* a source could not be read */
	TT_NATP_TRANSLATES, /* this host translates */
	TT_NATP_BEHIND,     /* this host or its clients cross a NAT */
};

/* What became of one source of evidence. */
enum tt_nat_source_state {
	TT_NATSS_UNREAD = 0,
	TT_NATSS_OK,
	TT_NATSS_NOPERM,      /* needs CAP_NET_ADMIN */
	TT_NATSS_SKIPPED,     /* proc root is not the live /proc */
	TT_NATSS_UNAVAILABLE, /* the kernel has no such facility here */
	TT_NATSS_FAILED,
};

enum tt_nat_source {
	TT_NATSRC_CONNTRACK,
	TT_NATSRC_NFTABLES,
	TT_NATSRC_ADDRESSES,
	TT_NATSRC_PROC, /* forwarding, table names, interfaces, ip_vs */
	TT_NATSRC__COUNT
};

struct tt_nat_evidence {
	enum tt_nat_kind kind;
	enum tt_nat_strength strength;
	enum tt_nat_points points;
	char detail[192];
};

#define TT_NAT_MAX_EVIDENCE 64

struct tt_nat {
	enum tt_nat_verdict verdict;
	enum tt_nat_source_state source[TT_NATSRC__COUNT];
	/* conntrack counts, valid when source[TT_NATSRC_CONNTRACK] is OK */
	unsigned long ct_total, ct_snat, ct_dnat;
	unsigned long ct_read; /* entries the dump decoded */
	bool ct_lower_bound;   /* the dump was cut short: snat, dnat at least */
	unsigned nft_nat_chains, nft_nat_rules;
	size_t n;
	unsigned dropped; /* items that did not fit */
	struct tt_nat_evidence ev[TT_NAT_MAX_EVIDENCE];
};

const char *tt_nat_verdict_name(enum tt_nat_verdict v);
int tt_nat_verdict_from_name(const char *s);
const char *tt_nat_kind_name(enum tt_nat_kind v);
int tt_nat_kind_from_name(const char *s);
const char *tt_nat_strength_name(enum tt_nat_strength v);
int tt_nat_strength_from_name(const char *s);
const char *tt_nat_points_name(enum tt_nat_points v);
int tt_nat_points_from_name(const char *s);
const char *tt_nat_source_name(enum tt_nat_source v);
int tt_nat_source_from_name(const char *s);
const char *tt_nat_source_state_name(enum tt_nat_source_state v);
int tt_nat_source_state_from_name(const char *s);

/* Empties nat: no evidence, every source unread, verdict unknown. */
void tt_nat_init(struct tt_nat *nat);

/*
 * Adds one item.  When the list is full the item is counted in
 * nat->dropped instead, except that an item pointing to NAT replaces the
 * last item that points nowhere, so the verdict never loses its reason.
 */
void tt_nat_add(struct tt_nat *nat, enum tt_nat_kind kind, enum tt_nat_strength strength,
    enum tt_nat_points points, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * The verdict drawn from the items and source states (pure):
 *  - an item pointing to translation, medium or strong: TRANSLATES;
 *  - else any item pointing behind a NAT: BEHIND;
 *  - else a weak hint of translation, or any source that was not read
 *    (not permitted, skipped, failed, unread): UNKNOWN;
 *  - else NONE.
 */
enum tt_nat_verdict tt_nat_decide(const struct tt_nat *nat);

/* Address classes, for the address evidence. */
enum tt_addr_class {
	TT_ADDR_LOOPBACK,
	TT_ADDR_PRIVATE,    /* RFC 1918, or IPv6 unique local fc00::/7 */
	TT_ADDR_SHARED,     /* 100.64.0.0/10, carrier-grade NAT space */
	TT_ADDR_LINK_LOCAL, /* 169.254.0.0/16, fe80::/10 */
	TT_ADDR_PUBLIC,
	TT_ADDR_OTHER, /* unspecified, multicast, reserved */
};

const char *tt_addr_class_name(enum tt_addr_class v);
int tt_addr_class_from_name(const char *s);
/* a is in network byte order, as in struct in_addr. */
enum tt_addr_class tt_addr_class_v4(uint32_t a);
enum tt_addr_class tt_addr_class_v6(const uint8_t a[16]);

/*
 * Whether an interface name is one that container runtimes and
 * orchestrators make (docker0, cni0, flannel.*, cali*, kube-*, ...).
 * Returns the family's name, or NULL.
 */
const char *tt_nat_bridge_family(const char *ifname);

/* --- inside the library: for the adapters, unit tests and fuzz harnesses -- */

/*
 * Parsers of proc text, split out so they are tested on their own.
 * tt_nat_parse_netdev() calls fn for every interface name in the text of
 * net/dev and returns how many it found; tt_nat_parse_table_names() says
 * whether "nat" is a line of net/ip_tables_names; tt_nat_parse_ipvs()
 * counts virtual services in net/ip_vs.
 */
int tt_nat_parse_netdev(const char *text, void (*fn)(const char *ifname, void *data), void *data);
bool tt_nat_parse_table_names(const char *text);
unsigned tt_nat_parse_ipvs(const char *text);

/*
 * Adds the conntrack items from counts alone (pure; the adapter calls it).
 * With nat->ct_lower_bound set the counts are said to be at least that.
 */
void tt_nat_conntrack_items(
    struct tt_nat *nat, unsigned long total, unsigned long snat, unsigned long dnat);

#endif
