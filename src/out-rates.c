/*
 * Rates and forecasts in check's report and watch's lines.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out-rates.h"

const char *
out_age(double seconds, char *buf, size_t len)
{
	if (seconds < 120)
		snprintf(buf, len, "%.0f s", seconds);
	else if (seconds < 2 * 3600)
		snprintf(buf, len, "%.0f min", seconds / 60);
	else if (seconds < 2 * 86400)
		snprintf(buf, len, "%.0f h", seconds / 3600);
	else
		snprintf(buf, len, "%.0f days", seconds / 86400);
	return buf;
}

const char *
out_rates_span(const struct tt_rates *r, char *buf, size_t len)
{
	char age[32];

	if (r->measured)
		snprintf(buf, len, "over %.1f s", r->seconds);
	else
		snprintf(
		    buf, len, "since the last check %s ago", out_age(r->seconds, age, sizeof(age)));
	return buf;
}

/* A growth row's name: the local port, or a client's destination. */
static char *
rate_row_str(const struct tt_rate_port *p, char *buf, size_t len)
{
	struct tt_census_port row = { .port = p->port, .client = p->client, .family = p->family };

	if (!p->client) {
		snprintf(buf, len, "%u", p->port);
		return buf;
	}
	memcpy(row.addr, p->addr, sizeof(row.addr));
	return tt_census_cw_row_str(&row, buf, len);
}

static void
counters_text(FILE *f, const struct tt_rates *r)
{
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		char name[64];

		if (!r->have[i])
			continue;
		tt_counter_name((enum tt_counter_id)i, name, sizeof(name));
		fprintf(f, "%-30s %+12" PRId64 " %12.1f/s\n", name, (int64_t)r->delta[i],
		    tt_rate_per_s(r, (enum tt_counter_id)i));
	}
}

const char *
out_runs_out(const struct tt_forecast *fc, char *buf, size_t len)
{
	char age[32];

	if (fc->exhausted)
		snprintf(buf, len, "now");
	else if (fc->to_exhaustion < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s", out_age(fc->to_exhaustion, age, sizeof(age)));
	return buf;
}

/* What a destination's figures rest on: an estimate's reason, an
 * exhaustion's evidence. */
static void
dest_notes(FILE *f, const struct tt_rates *r, const struct tt_rate_dest *d)
{
	char ds[64], age[32];

	tt_census_dest_str(&d->dest, ds, sizeof(ds));
	if (d->fc.exhausted) {
		fprintf(f, "%s: exhausted now: %" PRIu64 " of %" PRIu64 " ports held", ds,
		    d->fc.live + d->fc.time_wait, d->fc.available);
		if (r->have[TT_CTR_ACTIVE_OPENS])
			fprintf(f, ", Tcp.ActiveOpens %+" PRId64 " over %.1f s",
			    (int64_t)r->delta[TT_CTR_ACTIVE_OPENS], r->seconds);
		fprintf(f,
		    "; connect() to it fails with EADDRNOTAVAIL until a port is free. "
		    "The application's own connect() failures are not visible to the "
		    "census: the rate it tries is not known, only the %.1f/s that got a "
		    "port.\n",
		    d->new_per_s);
	} else if (d->fc.to_exhaustion >= 0) {
		fprintf(f, "%s: ports run out in about %s at %.1f/s\n", ds,
		    out_age(d->fc.to_exhaustion, age, sizeof(age)), d->new_per_s);
	}
	if (d->why != TT_RW_EXACT)
		fprintf(
		    f, "%s: ~ the rate is an estimate: %s\n", ds, tt_rate_why_text_name(d->why));
}

static void
dests_text(FILE *f, const struct tt_rates *r)
{
	if (r->ndest == 0) {
		fprintf(f, "(no outgoing connections on ephemeral ports)\n");
		return;
	}
	fprintf(f, "%-40s %9s %9s %7s %7s %9s %9s %6s %8s\n", "DESTINATION", "NEW/S", "TW/S",
	    "HELD", "PORTS", "SUSTAINS", "FAILS_AT", "USE", "RUNS_OUT");
	for (size_t i = 0; i < r->ndest; i++) {
		const struct tt_rate_dest *d = &r->dest[i];
		char ds[64], out[32];

		fprintf(f,
		    "%-40s %c%8.1f %9.1f %7" PRIu64 " %7" PRIu64 " %9.1f %9.1f %5.0f%% %8s\n",
		    tt_census_dest_str(&d->dest, ds, sizeof(ds)), d->why == TT_RW_EXACT ? ' ' : '~',
		    d->new_per_s, d->time_wait_per_s, d->fc.live + d->fc.time_wait, d->fc.available,
		    d->fc.sustain, d->fc.fails_at, d->fc.use_pct,
		    out_runs_out(&d->fc, out, sizeof(out)));
	}
	fprintf(f,
	    "(SUSTAINS: new connections per second the ports allow with each held %.0f s in "
	    "TIME_WAIT; FAILS_AT: the same with tcp_tw_reuse where it applies; RUNS_OUT: when "
	    "no port is left at this rate; ~: an estimate)\n",
	    r->dest[0].fc.time_wait_len);
	for (size_t i = 0; i < r->ndest; i++)
		dest_notes(f, r, &r->dest[i]);
	if (r->crosschecked && r->opens_unseen > 0)
		fprintf(f,
		    "Tcp.ActiveOpens counts %" PRId64 " opens more than the sockets seen: "
		    "opened and gone between the readings, or on a port outside the range\n",
		    r->opens_unseen);
}

static void
ports_text(FILE *f, const struct tt_rates *r)
{
	if (r->nport == 0)
		return;
	fprintf(f,
	    "\nCLOSE_WAIT GROWTH BY LOCAL PORT (A CLIENT'S BY DESTINATION)\n%-24s %8s %8s %9s  %s\n",
	    "PORT", "BEFORE", "AFTER", "PER_S", "OWNER");
	for (size_t i = 0; i < r->nport; i++) {
		const struct tt_rate_port *p = &r->port[i];
		char row[64];

		rate_row_str(p, row, sizeof(row));
		fprintf(f, "%-24s %8" PRIu64 " %8" PRIu64 " %+9.1f  ", row, p->before, p->after,
		    p->per_s);
		if (p->pid > 0)
			fprintf(f, "pid %d (%s)\n", p->pid, p->comm);
		else
			fputs("-\n", f);
	}
}

void
out_rates_text(FILE *f, const struct tt_rates *r)
{
	char span[64];

	if (r == NULL)
		return;
	fprintf(f, "\nRATES (%s)\n", out_rates_span(r, span, sizeof(span)));
	counters_text(f, r);
	if (!r->measured)
		return;
	fprintf(f, "%-30s %+12" PRId64 "\n%-30s %+12" PRId64 "\n", "TIME_WAIT (timewait sockets)",
	    r->time_wait_delta, "CLOSE_WAIT", r->close_wait_delta);
	fprintf(f, "\nPORT FORECAST BY DESTINATION\n");
	dests_text(f, r);
	ports_text(f, r);
}

static void
forecast_json(struct json *j, const struct tt_forecast *fc)
{
	json_obj_begin(j, "forecast");
	json_int(j, "ports_available", (long long)fc->available);
	json_int(j, "ports_held_live", (long long)fc->live);
	json_int(j, "ports_held_time_wait", (long long)fc->time_wait);
	json_num(j, "time_wait_seconds", fc->time_wait_len);
	json_num(j, "rate_per_second", fc->rate);
	json_num(j, "sustainable_per_second", fc->sustain);
	json_num(j, "sustainable_with_tw_reuse_per_second", fc->sustain_reuse);
	json_num(j, "tw_reuse_delay_seconds", fc->reuse_delay);
	json_bool(j, "tw_reuse_applies", fc->reuse_on);
	json_num(j, "fails_at_per_second", fc->fails_at);
	json_num(j, "use_pct", fc->use_pct);
	json_bool(j, "exhausted_now", fc->exhausted);
	if (fc->to_exhaustion >= 0)
		json_num(j, "seconds_to_exhaustion", fc->to_exhaustion);
	else
		json_null(j, "seconds_to_exhaustion");
	json_obj_end(j);
}

static void
dests_json(struct json *j, const struct tt_rates *r)
{
	json_arr_begin(j, "destinations");
	for (size_t i = 0; i < r->ndest; i++) {
		const struct tt_rate_dest *d = &r->dest[i];
		char ds[64];

		json_obj_begin(j, NULL);
		json_str(j, "destination", tt_census_dest_str(&d->dest, ds, sizeof(ds)));
		json_num(j, "new_per_second", d->new_per_s);
		json_num(j, "time_wait_per_second", d->time_wait_per_s);
		json_bool(j, "exact", d->why == TT_RW_EXACT);
		if (d->why == TT_RW_EXACT)
			json_null(j, "estimate_reason");
		else
			json_str(j, "estimate_reason", tt_rate_why_name(d->why));
		forecast_json(j, &d->fc);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "close_wait_growth");
	for (size_t i = 0; i < r->nport; i++) {
		const struct tt_rate_port *p = &r->port[i];

		json_obj_begin(j, NULL);
		json_int(j, "port", p->port);
		if (p->client) {
			char row[64];

			json_str(j, "destination", rate_row_str(p, row, sizeof(row)));
		} else {
			json_null(j, "destination");
		}
		json_int(j, "not_accepted", (long long)p->not_accepted);
		json_int(j, "before", (long long)p->before);
		json_int(j, "after", (long long)p->after);
		json_num(j, "per_second", p->per_s);
		if (p->pid > 0) {
			json_int(j, "pid", p->pid);
			json_str(j, "command", p->comm);
		} else {
			json_null(j, "pid");
			json_null(j, "command");
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

void
out_rates_json(struct json *j, const struct tt_rates *r)
{
	if (r == NULL) {
		json_null(j, "rates");
		return;
	}
	json_obj_begin(j, "rates");
	json_str(j, "source", r->measured ? "interval" : "last_check");
	json_num(j, "seconds", r->seconds);
	if (r->measured && r->to > 0) {
		json_num(j, "monotonic_from", r->from);
		json_num(j, "monotonic_to", r->to);
	} else {
		json_null(j, "monotonic_from");
		json_null(j, "monotonic_to");
	}
	json_obj_begin(j, "counters");
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		char name[64];

		if (!r->have[i])
			continue;
		tt_counter_name((enum tt_counter_id)i, name, sizeof(name));
		json_obj_begin(j, name);
		json_int(j, "delta", (long long)r->delta[i]);
		json_num(j, "per_second", tt_rate_per_s(r, (enum tt_counter_id)i));
		json_obj_end(j);
	}
	json_obj_end(j);
	if (r->measured) {
		json_int(j, "time_wait_delta", r->time_wait_delta);
		json_int(j, "close_wait_delta", r->close_wait_delta);
		if (r->crosschecked) {
			json_int(j, "opens_seen", r->opens_seen);
			json_int(j, "opens_not_seen", r->opens_unseen);
		} else {
			json_null(j, "opens_seen");
			json_null(j, "opens_not_seen");
		}
		dests_json(j, r);
	}
	json_obj_end(j);
}
