/*
 * Fuzz target: the NAT evidence parsers of proc text (net/dev,
 * net/ip_tables_names, net/ip_vs) and the interface-name classifier.
 * The netlink sources (conntrack, nftables, addresses) are parsed by
 * libnl, libmnl and libnftnl inside nat-netlink.c, and the x_tables rule
 * walk in nat-xtables.c is static to its reader: neither has an entry point
 * that takes a buffer, so they are not fuzzed here (docs/hardening.md).
 *
 * Besides "does not crash", it checks that every interface name handed
 * to the callback is a non-empty string that fits the parser's own 32-byte
 * buffer, without blanks, '|', a colon or a line break.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nat-netlink.h"
#include "lib/nat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_ifname(const char *ifname, void *data)
{
	size_t n = strlen(ifname);

	(void)data;
	if (n == 0 || n >= 32 || strpbrk(ifname, " \t\n|:") != NULL)
		abort();
	(void)tt_nat_bridge_family(ifname);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	uint8_t a6[16] = { 0 };
	uint32_t a4 = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)tt_nat_parse_netdev(text, on_ifname, NULL);
	(void)tt_nat_parse_table_names(text);
	(void)tt_nat_parse_ipvs(text);
	(void)tt_nat_bridge_family(text);
	/* The address classes: every value of the first bytes. */
	memcpy(&a4, data, size < sizeof(a4) ? size : sizeof(a4));
	memcpy(a6, data, size < sizeof(a6) ? size : sizeof(a6));
	if (tt_addr_class_name(tt_addr_class_v4(a4)) == NULL ||
	    tt_addr_class_name(tt_addr_class_v6(a6)) == NULL)
		abort();
	free(text);
	return 0;
}
