/*
 * Legacy iptables (x_tables) nat rules, read through the getsockopt
 * interface that iptables-legacy itself uses: IPT_SO_GET_INFO for the size
 * of the table, IPT_SO_GET_ENTRIES for its entries.  Each entry ends in a
 * target; MASQUERADE, SNAT, DNAT, REDIRECT and NETMAP translate.
 *
 * Called only when net/ip_tables_names already lists "nat": asking for a
 * table that is not there would make the kernel load its module.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter_ipv4/ip_tables.h>

#include "nat-xtables.h"
#include "nat.h"

#define XT_ITEMS_MAX 16 /* rules named one by one; the rest counted */

static const char *
xt_action(const char *target)
{
	static const char *const names[][2] = { { "MASQUERADE", "masquerade" }, { "SNAT", "snat" },
		{ "DNAT", "dnat" }, { "REDIRECT", "redirect" }, { "NETMAP", "netmap" } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(target, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

static const char *
builtin_chain(const struct ipt_getinfo *info, unsigned off)
{
	static const char *const hooks[NF_INET_NUMHOOKS] = { "PREROUTING", "INPUT", "FORWARD",
		"OUTPUT", "POSTROUTING" };

	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if ((info->valid_hooks & (1u << h)) && info->hook_entry[h] == off)
			return hooks[h];
	return NULL;
}

/*
 * Walks the entries and adds an item per translating rule.  Returns how
 * many rules translate.
 */
static unsigned
walk(struct tt_nat *nat, const struct ipt_getinfo *info, const struct ipt_get_entries *ge)
{
	const char *base = (const char *)ge->entrytable;
	char chain[XT_FUNCTION_MAXNAMELEN + 1] = "?";
	unsigned off = 0, found = 0, other = 0;

	while (off + sizeof(struct ipt_entry) <= ge->size) {
		const struct ipt_entry *e = (const void *)(base + off);
		const struct xt_entry_target *t;
		const char *bc = builtin_chain(info, off), *action;

		if (e->next_offset < sizeof(*e) || e->target_offset < sizeof(*e) ||
		    e->target_offset + sizeof(*t) > e->next_offset ||
		    off + e->next_offset > ge->size)
			break; /* malformed: stop rather than read past the end */
		t = (const void *)(base + off + e->target_offset);
		if (bc != NULL)
			snprintf(chain, sizeof(chain), "%s", bc);
		if (strcmp(t->u.user.name, XT_ERROR_TARGET) == 0) {
			/* A user chain starts with an ERROR entry naming it. */
			const struct xt_error_target *et = (const void *)t;

			if (e->target_offset + sizeof(*et) <= e->next_offset)
				snprintf(chain, sizeof(chain), "%.*s", (int)sizeof(et->errorname),
				    et->errorname);
		} else if ((action = xt_action(t->u.user.name)) != NULL) {
			if (found++ < XT_ITEMS_MAX)
				tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_STRONG,
				    TT_NATP_TRANSLATES, "legacy iptables nat rule in %s: %s", chain,
				    action);
			else
				other++;
		}
		off += e->next_offset;
	}
	if (other > 0)
		tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_STRONG, TT_NATP_TRANSLATES,
		    "%u more legacy iptables nat rules", other);
	return found;
}

enum tt_nat_source_state
tt_nat_read_iptables(const struct tt_ctx *ctx, struct tt_nat *nat)
{
	struct ipt_getinfo info;
	struct ipt_get_entries *ge = NULL;
	socklen_t len = sizeof(info);
	enum tt_nat_source_state st = TT_NATSS_FAILED;
	int fd, e = 0;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "nat");
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
		e = errno;
		goto out;
	}
	len = (socklen_t)(sizeof(*ge) + info.size);
	ge = calloc(1, len);
	if (ge == NULL) {
		e = ENOMEM;
		goto out;
	}
	snprintf(ge->name, sizeof(ge->name), "nat");
	ge->size = info.size;
	/* EAGAIN: the table changed between the two calls. */
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, ge, &len) < 0) {
		e = errno;
		goto out;
	}
	if (walk(nat, &info, ge) == 0)
		tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_STRONG, TT_NATP_NO_NAT,
		    "the legacy iptables nat table has no translating rule (%u entries)",
		    info.num_entries);
	st = TT_NATSS_OK;
out:
	if (fd >= 0)
		close(fd);
	free(ge);
	if (st != TT_NATSS_OK) {
		st = e == EPERM || e == EACCES ? TT_NATSS_NOPERM : TT_NATSS_FAILED;
		tt_log(ctx, TT_LOG_DEBUG, "nat: legacy iptables nat table: %s", strerror(e));
		/* The table is there and its rules are unseen: a hint only. */
		tt_nat_add(nat, TT_NATK_IPTABLES, TT_NATS_WEAK, TT_NATP_TRANSLATES,
		    "the legacy iptables nat table is loaded, its rules %s",
		    st == TT_NATSS_NOPERM ? "not permitted (reading them needs "
					    "CAP_NET_ADMIN)" :
					    "could not be read");
	}
	return st;
}
