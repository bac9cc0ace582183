/*
 * tcptune check: read the host, weigh it in the rules, report.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-check-ns.h"
#include "cmd-check.h"
#include "cmd-rates.h"
#include "cmd.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"
#include "out-check.h"
#include "out-file.h"

enum {
	OPT_PROFILE = OPT_CMD_BASE,
	OPT_IGNORE_UNKNOWN,
	OPT_NO_COLOR,
	OPT_NO_CENSUS,
	OPT_OUTPUT,
	OPT_INTERVAL,
	OPT_NETNS,
	OPT_ALL_NAMESPACES,
	OPT_NO_TRACE,
	OPT_ALL,
};

/* The options that only turn something on or off. */
static void
check_flag(struct check_opts *o, int opt)
{
	switch (opt) {
	case OPT_NO_COLOR:
		o->color = false;
		break;
	case OPT_NO_CENSUS:
		o->no_census = true;
		break;
	case OPT_ALL:
		o->all = true;
		break;
	case OPT_ALL_NAMESPACES:
		o->all_namespaces = true;
		break;
	case OPT_NO_TRACE:
		o->no_trace = true;
		break;
	}
}

/* Options into o.  -1 to go on, else the exit code to end with. */
static int
check_parse(struct cmd_env *env, int argc, char *argv[], struct check_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ignore-unknown", no_argument, NULL, OPT_IGNORE_UNKNOWN },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-census", no_argument, NULL, OPT_NO_CENSUS },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "all-namespaces", no_argument, NULL, OPT_ALL_NAMESPACES },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ "all", no_argument, NULL, OPT_ALL },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	while ((opt = cmd_getopt(env, &cmd_check, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_PROFILE:
			o->profile = optarg;
			break;
		case OPT_FORMAT:
			r = cmd_format_option_metrics(env, &cmd_check, optarg, &o->format);
			if (r != 0)
				return r;
			break;
		case OPT_IGNORE_UNKNOWN:
			o->profile_flags |= TT_PROFILE_IGNORE_UNKNOWN;
			break;
		case OPT_NO_COLOR:
		case OPT_NO_CENSUS:
		case OPT_ALL:
		case OPT_ALL_NAMESPACES:
		case OPT_NO_TRACE:
			check_flag(o, opt);
			break;
		case OPT_OUTPUT:
			if (optarg[0] == '\0')
				return cmd_usage_error(env, &cmd_check, "--output needs a file");
			o->output = optarg;
			break;
		case OPT_INTERVAL:
			if (!cmd_interval_parse(optarg, &o->interval))
				return cmd_usage_error(env, &cmd_check,
				    "--interval takes seconds from 0.1 to %d, not '%s'",
				    CMD_INTERVAL_MAX, optarg);
			break;
		case OPT_NETNS:
			if (optarg[0] == '\0')
				return cmd_usage_error(
				    env, &cmd_check, "--netns needs a name, pid or path");
			o->netns = optarg;
			break;
		}
	}
	if (optind != argc)
		return cmd_usage_error(env, &cmd_check, "unexpected argument '%s'", argv[optind]);
	if (o->interval > 0 && o->no_census)
		return cmd_usage_error(env, &cmd_check, "--interval needs the census");
	if (o->netns != NULL && o->all_namespaces)
		return cmd_usage_error(
		    env, &cmd_check, "--netns and --all-namespaces exclude each other");
	if (o->interval > 0 && (o->netns != NULL || o->all_namespaces))
		return cmd_usage_error(env, &cmd_check,
		    "--interval takes one namespace's census twice: not with --netns or "
		    "--all-namespaces");
	return -1;
}

/* The profile (when asked for), its thresholds, and the snapshot.  0, or an
 * exit code with nothing left to free. */
static int
check_gather(struct cmd_env *env, const struct check_opts *o, struct tt_profile **prof,
    struct tt_thresholds *thr, struct tt_snapshot *snap)
{
	unsigned what;
	int r;

	*prof = NULL;
	if (o->profile != NULL) {
		r = cmd_load_profile(env, o->profile, o->profile_flags, prof);
		if (r != 0)
			return r;
	}
	if (*prof != NULL)
		*thr = (*prof)->thr;
	else
		tt_thresholds_default(thr);
	what = TT_GATHER_NAT | TT_GATHER_SYSCTLD | (o->no_census ? 0 : TT_GATHER_CENSUS);
	if (o->interval > 0) {
		r = cmd_snapshot_twice(env, what, thr, o->interval, !o->no_trace, snap);
	} else {
		r = cmd_snapshot(env, NULL, what, thr, snap);
		if (r == 0)
			cmd_rates_since_last(env, snap);
	}
	if (r != 0) {
		tt_profile_free(*prof);
		*prof = NULL;
	}
	return r;
}

/* Writes the report of one namespace where it goes; returns rc or the exit
 * code of a failed write. */
static int
check_report(struct cmd_env *env, const struct check_opts *o, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs, int rc)
{
	struct out_dest d;
	int r = out_dest_open(env, &d, o->output);

	if (r != 0)
		return r;
	out_check_report(d.f, o->format, env->ctx, snap, prof, fs,
	    (o->color && o->output == NULL ? OUT_CHECK_COLOR : 0) | (o->all ? OUT_CHECK_ALL : 0));
	return out_dest_close(env, &d, rc);
}

static int
run_check(struct cmd_env *env, int argc, char *argv[])
{
	struct check_opts o = { .format = FORMAT_TEXT, .color = env->color };
	struct tt_profile *prof;
	struct tt_findings fs = { 0 };
	struct tt_snapshot snap;
	struct tt_thresholds thr;
	struct tt_rule_input in;
	int r;

	r = check_parse(env, argc, argv, &o);
	if (r >= 0)
		return r;
	if (o.netns != NULL || o.all_namespaces)
		return check_namespaces(env, &o);
	r = check_gather(env, &o, &prof, &thr, &snap);
	if (r != 0)
		return out_check_failed(env, o.output, o.format, r);
	in = (struct tt_rule_input){ .snap = &snap, .prof = prof, .thr = &thr };
	if (tt_rules_run(&in, &fs) < 0) {
		cmd_err(env, "out of memory");
		r = out_check_failed(env, o.output, o.format, EXIT_SOFTWARE);
	} else {
		r = check_report(
		    env, &o, &snap, prof, &fs, cmd_exit_for_worst(tt_findings_worst(&fs)));
	}
	tt_snapshot_free(&snap);
	tt_findings_free(&fs);
	tt_profile_free(prof);
	return r;
}

const struct cmd cmd_check = {
	.name = "check",
	.run = run_check,
	.usage =
	    "[--profile FILE|NAME] [--ignore-unknown] [--format text|json|prometheus] "
	    "[--output FILE] [--no-color] [--no-census] [--all] [--interval SECONDS] [--no-trace] "
	    "[--netns NAME|PID|PATH | --all-namespaces]",
	.help = "audit this host's TCP teardown settings (exit 0 clean, 1 warnings, 2 critical)",
};
