/*
 * The socket census in check's report.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out-census.h"

static const char *
dest_family(const struct tt_census_dest *d)
{
	return tt_census_af_name(d->family);
}

static unsigned
range_size(const struct tt_census *c)
{
	return (unsigned)c->port_hi - c->port_lo + 1;
}

/* Counts of now apart from counters that add up since boot (or since the
 * namespace was made), which say nothing about now by themselves. */
static void
counters_text(FILE *f, const struct tt_census *c, int netns)
{
	char since[64];

	snprintf(since, sizeof(since), "%s", tt_counters_since(netns));
	for (char *p = since; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	for (int cumulative = 0; cumulative < 2; cumulative++) {
		if (cumulative)
			fprintf(f,
			    "\nCOUNTERS %s (cumulative)\n"
			    "(only a rise between two readings shows a problem now)\n",
			    since);
		else
			fprintf(f, "\nCOUNTERS NOW\n");
		for (int i = 0; i < TT_CTR__COUNT; i++) {
			const struct tt_counter_info *ci = tt_counter_info((enum tt_counter_id)i);
			char name[64];

			if (!c->have[i] ||
			    tt_counter_cumulative((enum tt_counter_id)i) != cumulative)
				continue;
			tt_counter_name((enum tt_counter_id)i, name, sizeof(name));
			fprintf(f, "%-30s %12" PRIu64 "  %s\n", name, c->counter[i],
			    ci->per_netns ? "this namespace" : "whole host");
		}
	}
}

/* The ports really available: the range less the reserved ones. */
static uint64_t
available(const struct tt_census *c)
{
	unsigned n = range_size(c) - c->reserved_in_range;

	return n > 0 ? n : 1;
}

/* "12 min", or "-" for a row without ages. */
static const char *
oldest(const struct tt_census_age *a, char *buf, size_t len)
{
	if (a->n == 0)
		return "-";
	return tt_census_age_str(a->oldest_ms, buf, len);
}

static void
close_wait_owners_text(FILE *f, const struct tt_census *c)
{
	char tb[64];
	char a[32];

	fprintf(f, "\nCLOSE_WAIT OWNERS");
	if (c->cw_kept < tt_census_state(c, TT_CS_CLOSE_WAIT))
		fprintf(f, " (of the first %zu sockets)", c->cw_kept);
	fputc('\n', f);
	if (c->nowner == 0)
		fprintf(f, "(no readable process holds them)\n");
	else
		fprintf(
		    f, "%-8s %-16s %6s %8s %12s\n", "PID", "COMMAND", "PORT", "SOCKETS", "OLDEST");
	for (size_t i = 0; i < c->nowner; i++)
		fprintf(f, "%-8d %-16s %6u %8" PRIu64 " %12s\n", c->owner[i].pid,
		    cmd_term_str(c->owner[i].comm, tb, sizeof(tb)), c->owner[i].port,
		    c->owner[i].count, oldest(&c->owner[i].age, a, sizeof(a)));
	if (c->owner_rows_dropped > 0)
		fprintf(f, "%-8s %-16s %6s %8" PRIu64 "\n", "-", "other processes", "-",
		    c->owner_rows_dropped);
	if (c->owners_partial)
		fprintf(f, "(partial: the walk stopped after %" PRIu64 " descriptors)\n",
		    c->owner_fds_read);
}

/* The age buckets of census.h, as the text report names them. */
static const char *const age_labels[TT_CENSUS_AGE_SHOW] = { "<10s", "<1min", "<10min", "<1h", "<1d",
	">=1d" };

/* CLOSE_WAIT by local port with their oldest, their ages, their owners. */
static void
close_wait_text(FILE *f, const struct tt_census *c)
{
	char a[32], m[32];

	if (c->ncw_port > 0) {
		fprintf(f,
		    "\nCLOSE_WAIT BY LOCAL PORT (A CLIENT'S BY DESTINATION)\n%-24s %10s %12s %12s\n",
		    "PORT", "CLOSE_WAIT", "NOT_ACCEPTED", "OLDEST");
		for (size_t i = 0; i < c->ncw_port; i++) {
			char row[64];

			if (c->cw_port[i].client)
				tt_census_cw_row_str(&c->cw_port[i], row, sizeof(row));
			else
				snprintf(row, sizeof(row), "%u", c->cw_port[i].port);
			fprintf(f, "%-24s %10" PRIu64 " %12" PRIu64 " %12s\n", row,
			    c->cw_port[i].close_wait, c->cw_port[i].not_accepted,
			    oldest(&c->cw_port[i].age, a, sizeof(a)));
		}
	}
	if (c->cw_age.n > 0) {
		fprintf(f, "\nCLOSE_WAIT AGE (idle since data last came in)\n");
		fprintf(f, "oldest %s, median about %s, of %" PRIu64 " sockets\n",
		    tt_census_age_str(c->cw_age.oldest_ms, a, sizeof(a)),
		    tt_census_age_str(tt_census_cw_median_ms(c), m, sizeof(m)), c->cw_age.n);
		for (int i = 0; i < TT_CENSUS_AGE_SHOW; i++)
			fprintf(
			    f, "%s%s %" PRIu64, i ? "  " : "", age_labels[i], c->cw_age.bucket[i]);
		fputc('\n', f);
	}
	if (tt_census_owners_of(c, TT_CI_CLOSE_WAIT))
		close_wait_owners_text(f, c);
}

static void
listeners_text(FILE *f, const struct tt_census *c)
{
	char tb[64];
	bool head = false;

	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		if (l->accept_queue == 0)
			continue;
		if (!head)
			fprintf(f,
			    "\nLISTENERS WITH CONNECTIONS WAITING\n%-8s %-5s %8s %8s %-8s %s\n",
			    "PORT", "IP", "QUEUE", "BACKLOG", "PID", "COMMAND");
		head = true;
		if (l->pid > 0)
			fprintf(f, "%-8u %-5s %8u %8u %-8d %s\n", l->port,
			    tt_census_af_name(l->family), l->accept_queue, l->backlog, l->pid,
			    cmd_term_str(l->comm, tb, sizeof(tb)));
		else
			fprintf(f, "%-8u %-5s %8u %8u %-8s %s\n", l->port,
			    tt_census_af_name(l->family), l->accept_queue, l->backlog, "-", "-");
	}
}

static void
timers_text(FILE *f, const struct tt_census *c)
{
	bool any = false;

	for (int k = 0; k < TT_CT__COUNT; k++)
		any = any || c->timer[k].n > 0;
	if (!any)
		return;
	fprintf(f, "\nTIMERS LEFT (seconds)\n%-24s %8s %8s %8s %8s\n", "SOCKETS", "COUNT", "MIN",
	    "MEAN", "MAX");
	for (int k = 0; k < TT_CT__COUNT; k++) {
		const struct tt_census_timer *t = &c->timer[k];

		if (t->n == 0)
			continue;
		fprintf(f, "%-24s %8" PRIu64 " %8.1f %8.1f %8.1f\n", tt_census_timer_name(k), t->n,
		    t->min_ms / 1000.0, (double)t->sum_ms / (double)t->n / 1000.0,
		    t->max_ms / 1000.0);
	}
}

/* Keepalive coverage, listeners with a queue, timers left, and the owners
 * of FIN_WAIT2 sockets shut down but not closed. */
static void
detail_text(FILE *f, const struct tt_census *c)
{
	char tb[64];
	uint64_t est = c->est_keepalive + c->est_no_timer + c->est_busy;

	if (est > 0)
		fprintf(f,
		    "\nKEEPALIVE (ESTABLISHED)\narmed %" PRIu64 ", none %" PRIu64
		    ", unknown (retransmitting) %" PRIu64 ", of %" PRIu64 "\n",
		    c->est_keepalive, c->est_no_timer, c->est_busy, est);
	listeners_text(f, c);
	timers_text(f, c);
	if (tt_census_owners_of(c, TT_CI_FIN_WAIT2) && c->nfw2_owner > 0) {
		fprintf(f, "\nFIN_WAIT2 OWNERS (shut down, not closed)\n%-8s %-16s %6s %8s\n",
		    "PID", "COMMAND", "PORT", "SOCKETS");
		for (size_t i = 0; i < c->nfw2_owner; i++)
			fprintf(f, "%-8d %-16s %6u %8" PRIu64 "\n", c->fw2_owner[i].pid,
			    cmd_term_str(c->fw2_owner[i].comm, tb, sizeof(tb)),
			    c->fw2_owner[i].port, c->fw2_owner[i].count);
		if (c->fw2_owner_rows_dropped > 0)
			fprintf(f, "%-8s %-16s %6s %8" PRIu64 "\n", "-", "other processes", "-",
			    c->fw2_owner_rows_dropped);
	}
}

void
out_census_text(FILE *f, const struct tt_census *c, int netns)
{
	size_t idx[TT_CENSUS_DEST_SHOW], n;

	fprintf(f, "\nSOCKETS (TCP, this network namespace)\n");
	fprintf(f, "%-20s %10s %10s %10s\n", "STATE", "TOTAL", "IPV4", "IPV6");
	for (int s = TT_CS_ESTABLISHED; s < TT_CS__COUNT; s++) {
		fprintf(f, "%-20s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", tt_cstate_name(s),
		    tt_census_state(c, (enum tt_cstate)s), c->state[TT_CF_IPV4][s],
		    c->state[TT_CF_IPV6][s]);
		/* FIN_WAIT2 full sockets: those a process holds, and orphans
		 * a tcp_fin_timeout over 60 s keeps whole for a while. */
		if (s == TT_CS_FIN_WAIT2)
			fprintf(f, "%-20s %10" PRIu64 "\n%-20s %10" PRIu64 "\n", "  owned",
			    tt_census_state(c, TT_CS_FIN_WAIT2) - c->fin_wait2_full_orphans,
			    "  orphaned", c->fin_wait2_full_orphans);
	}
	fprintf(f, "%-20s %10" PRIu64 "\n", "total", c->total);

	n = tt_census_top_dests(c, idx, TT_CENSUS_DEST_SHOW);
	fprintf(f, "\nTOP DESTINATIONS (local ports %u-%u, %u ports", c->port_lo, c->port_hi,
	    range_size(c) - c->reserved_in_range);
	if (c->reserved_in_range)
		fprintf(f, " once %u reserved are taken out", c->reserved_in_range);
	fprintf(f, "%s)\n", c->dest_evictions ? ", counts approximate" : "");
	if (n == 0)
		fprintf(f, "(no outgoing connections on ephemeral ports)\n");
	else
		fprintf(f, "%-46s %8s %9s %9s %10s %6s\n", "DESTINATION", "SOCKETS", "TIME_WAIT",
		    "FIN_WAIT2", "CONNECTING", "RANGE");
	for (size_t i = 0; i < n; i++) {
		const struct tt_census_dest *d = &c->dest[idx[i]];
		char ds[64];

		fprintf(f,
		    "%-46s %8" PRIu64 " %9" PRIu64 " %9" PRIu64 " %10" PRIu64 " %5" PRIu64 "%%\n",
		    tt_census_dest_str(d, ds, sizeof(ds)), d->count, d->time_wait, d->fin_wait2,
		    d->syn_sent, d->count * 100 / available(c));
	}

	close_wait_text(f, c);
	detail_text(f, c);
	counters_text(f, c, netns);
}

static void
states_json(struct json *j, const char *key, const uint64_t *st)
{
	uint64_t total = 0;

	json_obj_begin(j, key);
	for (int s = TT_CS_ESTABLISHED; s < TT_CS__COUNT; s++) {
		json_int(j, tt_cstate_name(s), (long long)st[s]);
		total += st[s];
	}
	json_int(j, "total", (long long)total);
	json_obj_end(j);
}

static void
sockets_json(struct json *j, const struct tt_census *c)
{
	uint64_t both[TT_CS__COUNT];

	for (int s = 0; s < TT_CS__COUNT; s++)
		both[s] = tt_census_state(c, (enum tt_cstate)s);
	json_obj_begin(j, "sockets");
	for (int s = TT_CS_ESTABLISHED; s < TT_CS__COUNT; s++)
		json_int(j, tt_cstate_name(s), (long long)both[s]);
	json_int(j, "total", (long long)c->total);
	json_int(j, "fin_wait2_full_orphans", (long long)c->fin_wait2_full_orphans);
	json_obj_begin(j, "by_family");
	states_json(j, tt_cfamily_name(TT_CF_IPV4), c->state[TT_CF_IPV4]);
	states_json(j, tt_cfamily_name(TT_CF_IPV6), c->state[TT_CF_IPV6]);
	json_obj_end(j);
	json_obj_end(j);
}

static void
dests_json(struct json *j, const struct tt_census *c)
{
	size_t idx[TT_CENSUS_DEST_SHOW], n;

	n = tt_census_top_dests(c, idx, TT_CENSUS_DEST_SHOW);
	json_arr_begin(j, "top_destinations");
	for (size_t i = 0; i < n; i++) {
		const struct tt_census_dest *d = &c->dest[idx[i]];
		char ds[64];

		json_obj_begin(j, NULL);
		json_str(j, "destination", tt_census_dest_str(d, ds, sizeof(ds)));
		json_str(j, "family", dest_family(d));
		json_int(j, "port", d->port);
		json_int(j, "sockets", (long long)d->count);
		json_int(j, "max_overcount", (long long)d->err);
		/* timewait minisockets of both substates, as it always was */
		json_int(j, "time_wait", (long long)d->time_wait + (long long)d->fin_wait2);
		json_int(j, "fin_wait2_orphaned", (long long)d->fin_wait2);
		json_int(j, "connecting", (long long)d->syn_sent);
		json_int(j, "port_range", range_size(c));
		json_int(j, "port_range_used_pct", (long long)(d->count * 100 / available(c)));
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* A row's ages: oldest_ms (null without ages) and the bucket counts. */
static void
age_json(struct json *j, const struct tt_census_age *a)
{
	if (a->n == 0) {
		json_null(j, "oldest_ms");
		json_null(j, "ages");
		return;
	}
	json_int(j, "oldest_ms", a->oldest_ms);
	json_arr_begin(j, "ages");
	for (int i = 0; i < TT_CENSUS_AGE_SHOW; i++)
		json_int(j, NULL, (long long)a->bucket[i]);
	json_arr_end(j);
}

static void
owner_rows_json(
    struct json *j, const char *key, const struct tt_census_owner *o, size_t n, bool ages)
{
	json_arr_begin(j, key);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "pid", o[i].pid);
		json_str(j, "command", o[i].comm);
		json_int(j, "port", o[i].port);
		json_int(j, "sockets", (long long)o[i].count);
		if (ages)
			age_json(j, &o[i].age);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
owners_json(struct json *j, const struct tt_census *c)
{
	if (tt_census_owners_of(c, TT_CI_CLOSE_WAIT))
		owner_rows_json(j, "close_wait_owners", c->owner, c->nowner, true);
	else
		json_null(j, "close_wait_owners");
	if (tt_census_owners_of(c, TT_CI_FIN_WAIT2))
		owner_rows_json(j, "fin_wait2_owners", c->fw2_owner, c->nfw2_owner, false);
	else
		json_null(j, "fin_wait2_owners");
}

/* CLOSE_WAIT ages, keepalive coverage and timers left. */
/* ESTABLISHED sockets to public addresses and who holds those with
 * keepalive, for keepalive_exceeds_nat_idle. */
static void
far_json(struct json *j, const struct tt_census *c)
{
	json_obj_begin(j, "beyond_nat");
	json_int(j, "established", (long long)c->est_far);
	json_int(j, "armed", (long long)c->est_far_keepalive);
	json_int(j, "timer_max_ms", c->est_far_timer_max_ms);
	if (tt_census_owners_of(c, TT_CI_FAR)) {
		json_arr_begin(j, "owners");
		for (size_t i = 0; i < c->nfar_owner; i++) {
			const struct tt_census_owner *o = &c->far_owner[i];

			json_obj_begin(j, NULL);
			json_int(j, "pid", o->pid);
			json_str(j, "comm", o->comm);
			json_int(j, "remote_port", o->port);
			json_int(j, "sockets", (long long)o->count);
			json_int(j, "timer_max_ms", o->age.oldest_ms);
			json_obj_end(j);
		}
		json_arr_end(j);
	} else {
		json_null(j, "owners");
	}
	json_obj_end(j);
}

static void
detail_json(struct json *j, const struct tt_census *c)
{
	if (!c->detail || c->cw_age.n == 0) {
		json_null(j, "close_wait_age");
	} else {
		json_obj_begin(j, "close_wait_age");
		json_int(j, "sockets", (long long)c->cw_age.n);
		json_int(j, "median_ms", tt_census_cw_median_ms(c));
		age_json(j, &c->cw_age);
		json_arr_begin(j, "bucket_le_s");
		for (int i = 0; i < TT_CENSUS_AGE_SHOW - 1; i++)
			json_int(j, NULL, tt_census_age_bound(i));
		json_null(j, NULL);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_obj_begin(j, "keepalive");
	json_int(j, "established",
	    (long long)c->est_keepalive + (long long)c->est_no_timer + (long long)c->est_busy);
	json_int(j, "armed", (long long)c->est_keepalive);
	json_int(j, "none", (long long)c->est_no_timer);
	json_int(j, "unknown", (long long)c->est_busy);
	far_json(j, c);
	json_obj_end(j);
	json_obj_begin(j, "timers");
	for (int k = 0; k < TT_CT__COUNT; k++) {
		const struct tt_census_timer *t = &c->timer[k];

		json_obj_begin(j, tt_census_timer_name(k));
		json_int(j, "sockets", (long long)t->n);
		json_int(j, "min_ms", t->n ? t->min_ms : 0);
		json_int(j, "mean_ms", t->n ? (long long)(t->sum_ms / t->n) : 0);
		json_int(j, "max_ms", t->max_ms);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void
ports_json(struct json *j, const struct tt_census *c)
{
	json_arr_begin(j, "close_wait_ports");
	for (size_t i = 0; i < c->ncw_port; i++) {
		json_obj_begin(j, NULL);
		char row[64];

		json_int(j, "port", c->cw_port[i].port);
		/* A client's row: port is the remote one, destination names it. */
		if (c->cw_port[i].client)
			json_str(j, "destination",
			    tt_census_cw_row_str(&c->cw_port[i], row, sizeof(row)));
		else
			json_null(j, "destination");
		json_int(j, "close_wait", (long long)c->cw_port[i].close_wait);
		json_int(j, "not_accepted", (long long)c->cw_port[i].not_accepted);
		age_json(j, &c->cw_port[i].age);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "listeners");
	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		json_obj_begin(j, NULL);
		json_int(j, "port", l->port);
		json_str(j, "family", tt_census_af_name(l->family));
		json_int(j, "accept_queue", l->accept_queue);
		json_int(j, "backlog", l->backlog);
		if (l->pid > 0) {
			json_int(j, "pid", l->pid);
			json_str(j, "command", l->comm);
		} else {
			json_null(j, "pid");
			json_null(j, "command");
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
counters_json(struct json *j, const struct tt_census *c, int netns)
{
	json_obj_begin(j, "counters");
	json_str(j, "cumulative_since", netns == 1 ? "boot" : netns == 0 ? "namespace" : "unknown");
	json_arr_begin(j, "cumulative");
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		char name[64];

		if (!c->have[i] || !tt_counter_cumulative((enum tt_counter_id)i))
			continue;
		tt_counter_name((enum tt_counter_id)i, name, sizeof(name));
		json_str(j, NULL, name);
	}
	json_arr_end(j);
	for (int scope = 1; scope >= 0; scope--) {
		json_obj_begin(j, scope ? "netns" : "global");
		for (int i = 0; i < TT_CTR__COUNT; i++) {
			const struct tt_counter_info *ci = tt_counter_info((enum tt_counter_id)i);
			char name[64];

			if (!c->have[i] || ci->per_netns != (scope == 1))
				continue;
			tt_counter_name((enum tt_counter_id)i, name, sizeof(name));
			json_int(j, name, (long long)c->counter[i]);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

void
out_census_json(struct json *j, const struct tt_census *c, int netns)
{
	if (c == NULL) {
		json_null(j, "census");
		json_null(j, "sockets");
		json_null(j, "top_destinations");
		json_null(j, "close_wait_owners");
		json_null(j, "fin_wait2_owners");
		json_null(j, "close_wait_age");
		json_null(j, "keepalive");
		json_null(j, "timers");
		json_null(j, "close_wait_ports");
		json_null(j, "listeners");
		json_null(j, "counters");
		return;
	}
	json_obj_begin(j, "census");
	json_int(j, "ephemeral_low", c->port_lo);
	json_int(j, "ephemeral_high", c->port_hi);
	json_int(j, "reserved_in_range", c->reserved_in_range);
	json_int(j, "ephemeral_available", (long long)range_size(c) - c->reserved_in_range);
	json_bool(j, "destinations_exact", c->dest_evictions == 0);
	json_bool(j, "owners_searched", tt_census_owners_of(c, TT_CI_CLOSE_WAIT));
	json_int(j, "close_wait_inodes_kept", (long long)c->cw_kept);
	json_bool(j, "owners_partial", c->owners_partial);
	json_int(j, "owner_fds_read", (long long)c->owner_fds_read);
	json_int(j, "close_wait_owners_other", (long long)c->owner_rows_dropped);
	json_int(j, "fin_wait2_owners_other", (long long)c->fw2_owner_rows_dropped);
	json_bool(j, "detail", c->detail);
	json_obj_end(j);
	sockets_json(j, c);
	dests_json(j, c);
	owners_json(j, c);
	detail_json(j, c);
	ports_json(j, c);
	counters_json(j, c, netns);
}
