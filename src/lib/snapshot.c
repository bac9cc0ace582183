#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "strtab.h"

/*
 * Whether we look at the initial network namespace.  Keys that only the
 * initial namespace registers (tcp_max_orphans) tell exactly what matters
 * here: which keys this namespace can have.  Comparing ns links with pid 1
 * would not do: pid 1's link is often unreadable, and in a container pid 1
 * is in a child namespace itself.
 */
static int
detect_netns(const struct tt_snapshot *snap)
{
	bool any_netns_key = false;
	int verdict = -1;

	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		enum tt_state st = snap->sysctl[i].state;

		if (k->flags & TT_KEY_HOST_ONLY) {
			if (st == TT_ST_OK || st == TT_ST_NOPERM)
				return 1;
			if (st == TT_ST_ABSENT)
				verdict = 0;
		} else if ((k->flags & TT_KEY_PER_NETNS) && st == TT_ST_OK) {
			any_netns_key = true;
		}
	}
	return any_netns_key ? verdict : -1;
}

/* "8080,9000-9010" into spans; a malformed list reads as unreadable. */
static void
read_reserved(const struct tt_ctx *ctx, struct tt_snapshot *snap)
{
	char buf[4096], *p = buf, *end;
	ssize_t n = tt_proc_read(ctx, "sys/net/ipv4/ip_local_reserved_ports", buf, sizeof(buf));

	snap->nreserved = n < 0 ? -1 : 0;
	while (n >= 0 && *p != '\0' && *p != '\n' && snap->nreserved < TT_RESERVED_MAX) {
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p || lo > 65535) {
			snap->nreserved = -1;
			return;
		}
		p = end;
		if (*p == '-') {
			hi = strtoul(p + 1, &end, 10);
			if (end == p + 1 || hi > 65535 || hi < lo) {
				snap->nreserved = -1;
				return;
			}
			p = end;
		}
		snap->reserved[snap->nreserved].lo = (uint16_t)lo;
		snap->reserved[snap->nreserved++].hi = (uint16_t)hi;
		if (*p == ',')
			p++;
	}
}

bool
tt_snapshot_port_reserved(const struct tt_snapshot *snap, unsigned port)
{
	return tt_snapshot_reserved_in(snap, port, port) > 0;
}

unsigned
tt_snapshot_reserved_in(const struct tt_snapshot *snap, unsigned lo, unsigned hi)
{
	unsigned n = 0;

	/* The kernel keeps the list as a bitmap: spans do not overlap. */
	for (int i = 0; i < snap->nreserved; i++) {
		unsigned a = snap->reserved[i].lo > lo ? snap->reserved[i].lo : lo;
		unsigned b = snap->reserved[i].hi < hi ? snap->reserved[i].hi : hi;

		if (a <= b)
			n += b - a + 1;
	}
	return n;
}

int
tt_snapshot_read(const struct tt_ctx *ctx, struct tt_snapshot *snap)
{
	int ok = 0;

	memset(snap, 0, sizeof(*snap));
	if (tt_read_osrelease(ctx, snap->kernel, sizeof(snap->kernel)) == 0) {
		snap->kv = tt_kv_parse(snap->kernel);
		ok++;
	} else {
		snap->kernel[0] = '\0';
	}
	for (int i = 0; i < TT_K__COUNT; i++) {
		tt_sysctl_read(ctx, tt_key_get((enum tt_key_id)i), &snap->sysctl[i]);
		if (snap->sysctl[i].state != TT_ST_ABSENT)
			ok++;
	}
	snap->netns = detect_netns(snap);
	read_reserved(ctx, snap);
	if (ok == 0) {
		tt_log(ctx, TT_LOG_ERR, "%s: no kernel keys found under this proc root",
		    tt_ctx_proc_root(ctx));
		return -ENOENT;
	}
	return 0;
}

const struct tt_val *
tt_snapshot_value(const struct tt_snapshot *snap, enum tt_key_id id)
{
	const struct tt_reading *r = &snap->sysctl[id];

	return r->state == TT_ST_OK ? &r->val : NULL;
}

/* snap->netns: 1 initial, 0 child, -1 (or anything else) unknown. */
TT_STRTAB(tt_netns, int, "unknown", [0] = "child", [1] = "initial")
