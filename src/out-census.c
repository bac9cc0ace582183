/*
 * The socket census in check's report.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "out-census.h"

static const char *
dest_family(const struct tt_census_dest *d)
{
	return d->family == 10 ? "ipv6" : "ipv4"; /* AF_INET6 */
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
			snprintf(name, sizeof(name), "%s.%s", ci->section, ci->field);
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

void
out_census_text(FILE *f, const struct tt_census *c, int netns)
{
	size_t idx[TT_CENSUS_DEST_SHOW], n;

	fprintf(f, "\nSOCKETS (TCP, this network namespace)\n");
	fprintf(f, "%-20s %10s %10s %10s\n", "STATE", "TOTAL", "IPV4", "IPV6");
	for (int s = TT_CS_ESTABLISHED; s < TT_CS__COUNT; s++)
		fprintf(f, "%-20s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", tt_cstate_name(s),
		    tt_census_state(c, (enum tt_cstate)s), c->state[TT_CF_IPV4][s],
		    c->state[TT_CF_IPV6][s]);
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

	if (c->ncw_port > 0) {
		fprintf(f, "\nCLOSE_WAIT BY LOCAL PORT\n%-8s %10s %12s\n", "PORT", "CLOSE_WAIT",
		    "NOT_ACCEPTED");
		for (size_t i = 0; i < c->ncw_port; i++)
			fprintf(f, "%-8u %10" PRIu64 " %12" PRIu64 "\n", c->cw_port[i].port,
			    c->cw_port[i].close_wait, c->cw_port[i].not_accepted);
	}
	if (c->owners_walked) {
		fprintf(f, "\nCLOSE_WAIT OWNERS");
		if (c->cw_kept < tt_census_state(c, TT_CS_CLOSE_WAIT))
			fprintf(f, " (of the first %zu sockets)", c->cw_kept);
		fputc('\n', f);
		if (c->nowner == 0)
			fprintf(f, "(no readable process holds them)\n");
		else
			fprintf(f, "%-8s %-16s %6s %8s\n", "PID", "COMMAND", "PORT", "SOCKETS");
		for (size_t i = 0; i < c->nowner; i++)
			fprintf(f, "%-8d %-16s %6u %8" PRIu64 "\n", c->owner[i].pid,
			    c->owner[i].comm, c->owner[i].port, c->owner[i].count);
		if (c->owner_rows_dropped > 0)
			fprintf(f, "%-8s %-16s %6s %8" PRIu64 "\n", "-", "other processes", "-",
			    c->owner_rows_dropped);
		if (c->owners_partial)
			fprintf(f, "(partial: the walk stopped after %" PRIu64 " descriptors)\n",
			    c->owner_fds_read);
	}

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
	states_json(j, "ipv4", c->state[TT_CF_IPV4]);
	states_json(j, "ipv6", c->state[TT_CF_IPV6]);
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

static void
owners_json(struct json *j, const struct tt_census *c)
{
	if (!c->owners_walked) {
		json_null(j, "close_wait_owners");
		return;
	}
	json_arr_begin(j, "close_wait_owners");
	for (size_t i = 0; i < c->nowner; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "pid", c->owner[i].pid);
		json_str(j, "command", c->owner[i].comm);
		json_int(j, "port", c->owner[i].port);
		json_int(j, "sockets", (long long)c->owner[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
ports_json(struct json *j, const struct tt_census *c)
{
	json_arr_begin(j, "close_wait_ports");
	for (size_t i = 0; i < c->ncw_port; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "port", c->cw_port[i].port);
		json_int(j, "close_wait", (long long)c->cw_port[i].close_wait);
		json_int(j, "not_accepted", (long long)c->cw_port[i].not_accepted);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "listeners");
	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		json_obj_begin(j, NULL);
		json_int(j, "port", l->port);
		json_str(j, "family", l->family == 10 ? "ipv6" : "ipv4"); /* AF_INET6 */
		json_int(j, "accept_queue", l->accept_queue);
		json_int(j, "backlog", l->backlog);
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
		const struct tt_counter_info *ci = tt_counter_info((enum tt_counter_id)i);
		char name[64];

		if (!c->have[i] || !tt_counter_cumulative((enum tt_counter_id)i))
			continue;
		snprintf(name, sizeof(name), "%s.%s", ci->section, ci->field);
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
			snprintf(name, sizeof(name), "%s.%s", ci->section, ci->field);
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
	json_bool(j, "owners_searched", c->owners_walked);
	json_int(j, "close_wait_inodes_kept", (long long)c->cw_kept);
	json_bool(j, "owners_partial", c->owners_partial);
	json_int(j, "owner_fds_read", (long long)c->owner_fds_read);
	json_int(j, "close_wait_owners_other", (long long)c->owner_rows_dropped);
	json_obj_end(j);
	sockets_json(j, c);
	dests_json(j, c);
	owners_json(j, c);
	ports_json(j, c);
	counters_json(j, c, netns);
}
