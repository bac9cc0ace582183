/*
 * tcptune watch: the census every interval, and what changed since the
 * one before, until interrupted (or --count samples).  A terminal gets one
 * view redrawn in place; anything else one line per sample, or one JSON
 * object per line under --format json.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd-rates.h"
#include "cmd.h"
#include "json.h"
#include "lib/rates.h"
#include "lib/rules.h"
#include "lib/snapshot.h"
#include "lib/trace.h"
#include "out-rates.h"
#include "out-trace.h"

enum {
	OPT_INTERVAL = OPT_CMD_BASE,
	OPT_COUNT,
	OPT_NO_TRACE,
};

struct watch_opts {
	double interval;
	long count; /* 0: until interrupted */
	enum output_format format;
	bool tty;
	bool no_trace; /* --no-trace */
};

static int
watch_parse(struct cmd_env *env, int argc, char *argv[], struct watch_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;
	char *end;

	while ((opt = cmd_getopt(env, &cmd_watch, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_INTERVAL:
			if (!cmd_interval_parse(optarg, &o->interval))
				return cmd_usage_error(env, &cmd_watch,
				    "--interval takes seconds from 0.1 to %d, not '%s'",
				    CMD_INTERVAL_MAX, optarg);
			break;
		case OPT_COUNT:
			o->count = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o->count < 1 || o->count > 1000000)
				return cmd_usage_error(env, &cmd_watch,
				    "--count takes 1 to 1000000, not '%s'", optarg);
			break;
		case OPT_FORMAT:
			r = cmd_format_option(env, &cmd_watch, optarg, &o->format);
			if (r != 0)
				return r;
			break;
		case OPT_NO_TRACE:
			o->no_trace = true;
			break;
		}
	}
	if (optind != argc)
		return cmd_usage_error(env, &cmd_watch, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static const char *
utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static uint64_t
tw_now(const struct tt_census *c)
{
	return tt_census_state(c, TT_CS_TIME_WAIT) + tt_census_state(c, TT_CS_FIN_WAIT2_ORPHANED);
}

/* One line: the time, the sockets now, and the rates. */
static void
watch_line(FILE *f, const struct tt_snapshot *snap, const struct tt_rates *r)
{
	const struct tt_census *c = snap->census;
	char ts[32], ds[64];

	fprintf(f,
	    "%s est %" PRIu64 " tw %" PRIu64 " (%+" PRId64 ") cw %" PRIu64 " (%+" PRId64
	    ") opens %.1f/s (active %.1f passive %.1f) fails %.1f/s resets %.1f/s "
	    "tw_overflow %.1f/s listen_overflow %.1f/s",
	    utc_now(ts, sizeof(ts)), tt_census_state(c, TT_CS_ESTABLISHED), tw_now(c),
	    r->time_wait_delta, tt_census_state(c, TT_CS_CLOSE_WAIT), r->close_wait_delta,
	    tt_rate_per_s(r, TT_CTR_ACTIVE_OPENS) + tt_rate_per_s(r, TT_CTR_PASSIVE_OPENS),
	    tt_rate_per_s(r, TT_CTR_ACTIVE_OPENS), tt_rate_per_s(r, TT_CTR_PASSIVE_OPENS),
	    tt_rate_per_s(r, TT_CTR_ATTEMPT_FAILS), tt_rate_per_s(r, TT_CTR_ESTAB_RESETS),
	    tt_rate_per_s(r, TT_CTR_TW_OVERFLOW), tt_rate_per_s(r, TT_CTR_LISTEN_OVERFLOWS));
	if (r->ndest > 0) {
		const struct tt_rate_dest *d = &r->dest[0];
		char out[32];

		fprintf(f, " top %s %s%.1f/s %.0f%%", tt_census_dest_str(&d->dest, ds, sizeof(ds)),
		    d->why == TT_RW_EXACT ? "" : "~", d->new_per_s, d->fc.use_pct);
		if (d->fc.exhausted)
			fprintf(f, " exhausted now (%" PRIu64 " of %" PRIu64 " ports held)",
			    d->fc.live + d->fc.time_wait, d->fc.available);
		else if (d->fc.to_exhaustion >= 0)
			fprintf(f, " runs out in %s", out_runs_out(&d->fc, out, sizeof(out)));
		if (d->why != TT_RW_EXACT)
			fprintf(f, " (estimate: %s)", tt_rate_why_name(d->why));
	}
	out_trace_top(f, snap->trace);
	fputc('\n', f);
}

/* The terminal view, drawn over the previous one. */
static void
watch_screen(FILE *f, const struct tt_snapshot *snap, const struct tt_rates *r, long n)
{
	const struct tt_census *c = snap->census;
	char ts[32];

	fputs("\033[H\033[2J", f);
	fprintf(f, "tcptune watch: sample %ld, every %.1f s, %s (Ctrl-C ends)\n", n, r->seconds,
	    utc_now(ts, sizeof(ts)));
	fprintf(f,
	    "ESTABLISHED %" PRIu64 "  TIME_WAIT %" PRIu64 "  CLOSE_WAIT %" PRIu64
	    "  SYN_SENT %" PRIu64 "  total %" PRIu64 "\n",
	    tt_census_state(c, TT_CS_ESTABLISHED), tw_now(c), tt_census_state(c, TT_CS_CLOSE_WAIT),
	    tt_census_state(c, TT_CS_SYN_SENT), c->total);
	out_rates_text(f, r);
	out_trace_text(f, snap->trace);
}

static void
watch_json(FILE *f, const struct tt_snapshot *snap, const struct tt_rates *r, long n)
{
	const struct tt_census *c = snap->census;
	struct json j;
	char ts[32];

	json_init(&j, f);
	j.compact = true;
	json_obj_begin(&j, NULL);
	json_int(&j, "format_version", JSON_FORMAT_VERSION);
	json_str(&j, "tcptune_version", PACKAGE_VERSION);
	json_int(&j, "sample", n);
	json_str(&j, "time", utc_now(ts, sizeof(ts)));
	json_str(&j, "netns", tt_netns_name(snap->netns));
	json_obj_begin(&j, "sockets");
	for (int s = TT_CS_ESTABLISHED; s < TT_CS__COUNT; s++)
		json_int(&j, tt_cstate_name(s), (long long)tt_census_state(c, (enum tt_cstate)s));
	json_int(&j, "total", (long long)c->total);
	json_obj_end(&j);
	out_rates_json(&j, r);
	out_trace_json(&j, "trace", snap->trace);
	json_obj_end(&j);
	json_finish(&j);
}

/* Prints one sample.  0, or EXIT_IOERR after saying why standard output
 * cannot be written (a reader gone, a full device): watch ends there. */
static int
watch_print(struct cmd_env *env, const struct watch_opts *o, const struct tt_snapshot *snap,
    const struct tt_rates *r, long n)
{
	if (o->format == FORMAT_JSON)
		watch_json(stdout, snap, r, n);
	else if (o->tty)
		watch_screen(stdout, snap, r, n);
	else
		watch_line(stdout, snap, r);
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	cmd_err(env, "cannot write to standard output: %s", strerror(errno ? errno : EIO));
	/* Said once: what is left in the buffer is dropped. */
	__fpurge(stdout);
	clearerr(stdout);
	return EXIT_IOERR;
}

/* One census; 0, or an exit code. */
static int
watch_take(struct cmd_env *env, const struct tt_thresholds *thr, struct tt_snapshot *snap)
{
	int r = cmd_snapshot(env, NULL, TT_GATHER_CENSUS | TT_GATHER_SOCKET_IDS, thr, snap);

	if (r == 0 && snap->census == NULL) {
		tt_snapshot_free(snap);
		cmd_err(env, "no socket census here (watch needs the live /proc of a namespace)");
		return EXIT_NOINPUT;
	}
	return r;
}

static int
run_watch(struct cmd_env *env, int argc, char *argv[])
{
	struct watch_opts o = { .interval = 5, .format = FORMAT_TEXT, .tty = isatty(1) == 1 };
	struct tt_snapshot prev, cur;
	struct tt_thresholds thr;
	struct tt_rates rates;
	struct tt_trace *t = NULL;
	double t0, t1;
	int r;

	r = watch_parse(env, argc, argv, &o);
	if (r >= 0)
		return r;
	tt_thresholds_default(&thr);
	r = watch_take(env, &thr, &prev);
	if (r == 0 && !o.no_trace)
		t = cmd_trace_begin(env); /* counts from here, for the whole watch */
	t0 = tt_monotonic();
	for (long n = 1; r == 0 && (o.count == 0 || n <= o.count); n++) {
		cmd_sleep(o.interval);
		r = watch_take(env, &thr, &cur);
		t1 = tt_monotonic();
		if (r != 0)
			break;
		tt_rates_compute(prev.census, cur.census, t1 - t0, &rates);
		tt_rates_forecast(&rates, &cur);
		cmd_trace_read(env, t, &cur);
		r = watch_print(env, &o, &cur, &rates, n);
		tt_snapshot_free(&prev);
		prev = cur;
		t0 = t1;
	}
	if (r == EXIT_IOERR)
		tt_snapshot_free(&prev);
	if (r == 0)
		tt_snapshot_free(&prev);
	tt_trace_close(t);
	return r;
}

const struct cmd cmd_watch = {
	.name = "watch",
	.run = run_watch,
	.usage = "[--interval SECONDS] [--count N] [--format text|json] [--no-trace]",
	.help = "show connection rates, TIME_WAIT and CLOSE_WAIT every interval until interrupted",
};
