/*
 * The snapshot of one network namespace, gathered in one call: the keys,
 * then NAT evidence, sysctl.d and the socket census as asked.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "census-gather.h"
#include "gather.h"
#include "census-owner.h"
#include "nat-gather.h"
#include "profile.h"
#include "snapshot.h"
#include "sysctld.h"
#include "trace.h"

static int
gather_nat(const struct tt_ctx *nctx, struct tt_snapshot *snap)
{
	snap->nat = malloc(sizeof(*snap->nat));
	if (snap->nat == NULL) {
		tt_log(nctx, TT_LOG_ERR, "out of memory for NAT evidence");
		return -ENOMEM;
	}
	return tt_nat_gather(nctx, snap->nat);
}

/* Counts the sockets when the namespace's proc root is the live one: under
 * a copied tree the sockets would not belong to the tree being audited. */
static void
gather_census(const struct tt_ctx *nctx, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap)
{
	const struct tt_val *pr = tt_snapshot_value(snap, TT_K_LOCAL_PORT_RANGE);
	struct tt_census_opts o = { .close_wait_warn = thr->close_wait_warn,
		.fin_wait2_warn = thr->fin_wait2_warn,
		.close_wait_age_warn = thr->close_wait_age_warn,
		.no_owners = (what & TT_GATHER_NO_OWNERS) != 0,
		.keep_ids = (what & TT_GATHER_SOCKET_IDS) != 0 };
	int r;

	if (!tt_netns_is_live(nctx, ns))
		return;
	if (pr != NULL && pr->n == 2 && pr->v[0] > 0 && pr->v[1] <= 65535) {
		o.port_lo = (unsigned)pr->v[0];
		o.port_hi = (unsigned)pr->v[1];
	}
	r = tt_census_gather(nctx, &o, &snap->census);
	snap->census_err = r < 0 ? r : 0;
	if (snap->census != NULL)
		snap->census->reserved_in_range =
		    tt_snapshot_reserved_in(snap, snap->census->port_lo, snap->census->port_hi);
}

static int
gather_extras(const struct tt_ctx *ctx, const struct tt_ctx *nctx, const struct tt_netns *ns,
    unsigned what, const struct tt_thresholds *thr, struct tt_snapshot *snap,
    struct tt_diags *diags)
{
	struct tt_diags dropped = { 0 };
	int r = 0;

	if (what & TT_GATHER_NAT)
		r = gather_nat(nctx, snap);
	if (r == 0 && (what & TT_GATHER_SYSCTLD)) {
		/* Globs in the files reach only the keys this kernel has. */
		unsigned long long present = 0;

		for (int i = 0; i < TT_K__COUNT; i++)
			if (snap->sysctl[i].state != TT_ST_ABSENT)
				present |= 1ULL << i;
		r = tt_sysctld_read(ctx, present, &snap->sysctld, diags ? diags : &dropped);
		tt_diags_free(&dropped);
	}
	if (r == 0 && (what & TT_GATHER_CENSUS))
		gather_census(nctx, ns, what, thr, snap);
	return r;
}

/* The snapshot, in the namespace the thread is in now. */
static int
gather_entered(const struct tt_ctx *ctx, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap, struct tt_diags *diags)
{
	struct tt_thresholds def;
	struct tt_ctx *dup = NULL;
	const struct tt_ctx *nctx = ctx;
	int r;

	r = tt_snapshot_read(ctx, snap);
	if (r < 0 || what == 0)
		return r;
	if (thr == NULL) {
		tt_thresholds_default(&def);
		thr = &def;
	}
	/* NAT and the census read the namespace's own proc root. */
	if (strcmp(tt_netns_proc_root(ctx, ns), tt_ctx_proc_root(ctx)) != 0) {
		dup = tt_ctx_dup(ctx, tt_netns_proc_root(ctx, ns));
		if (dup == NULL)
			return -ENOMEM;
		nctx = dup;
	}
	r = gather_extras(ctx, nctx, ns, what, thr, snap, diags);
	tt_ctx_free(dup);
	if (r < 0)
		tt_snapshot_free(snap);
	return r;
}

int
tt_snapshot_gather(const struct tt_ctx *ctx, const struct tt_netns *ns, unsigned what,
    const struct tt_thresholds *thr, struct tt_snapshot *snap, struct tt_diags *diags)
{
	int back, r;

	if (ns == NULL || ns->fd < 0)
		return gather_entered(ctx, ns, what, thr, snap, diags);
	r = tt_netns_enter(ns, &back);
	if (r < 0)
		return r;
	r = gather_entered(ctx, ns, what, thr, snap, diags);
	if (tt_netns_leave(back) < 0) {
		if (r == 0)
			tt_snapshot_free(snap);
		return -ENOTRECOVERABLE; /* the thread is left in ns */
	}
	return r;
}

int
tt_snapshot_find_owners(const struct tt_ctx *ctx, const struct tt_snapshot_ref *snaps, size_t n,
    const struct tt_thresholds *thr)
{
	struct tt_census_opts o = { 0 };
	struct tt_census_ref *cs;
	struct tt_thresholds def;
	size_t k = 0;
	int r;

	if (thr == NULL) {
		tt_thresholds_default(&def);
		thr = &def;
	}
	cs = calloc(n ? n : 1, sizeof(*cs));
	if (cs == NULL)
		return -ENOMEM;
	o.close_wait_warn = thr->close_wait_warn;
	o.fin_wait2_warn = thr->fin_wait2_warn;
	o.close_wait_age_warn = thr->close_wait_age_warn;
	for (size_t i = 0; i < n; i++) {
		struct tt_census *c = snaps[i].snap->census;

		if (c != NULL && tt_census_want_owners(c, &o))
			cs[k++].c = c;
	}
	r = k ? tt_census_find_owners_many(ctx, cs, k) : 0;
	free(cs);
	return r;
}

void
tt_snapshot_free(struct tt_snapshot *snap)
{
	free(snap->nat);
	snap->nat = NULL;
	tt_census_free(snap->census);
	snap->census = NULL;
	tt_sysctld_free(snap->sysctld);
	snap->sysctld = NULL;
	free(snap->rates);
	snap->rates = NULL;
	if (snap->trace != NULL)
		tt_trace_report_free(snap->trace);
	free(snap->trace);
	snap->trace = NULL;
}
