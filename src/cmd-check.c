/*
 * tcptune check: read the host, weigh it in the rules, report.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-check.h"
#include "cmd.h"
#include "json.h"
#include "out-file.h"
#include "out-prometheus.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"
#include "lib/sysctld.h"
#include "out-nat.h"
#include "out-census.h"
#include "out-rates.h"
#include "cmd-rates.h"
#include "out-sysctld.h"

enum {
	OPT_PROFILE = OPT_CMD_BASE,
	OPT_IGNORE_UNKNOWN,
	OPT_NO_COLOR,
	OPT_NO_CENSUS,
	OPT_OUTPUT,
	OPT_INTERVAL,
	OPT_NETNS,
	OPT_ALL_NAMESPACES,
};

/* The text shown for a reading: the value, or why there is none. */
static const char *
reading_text(const struct tt_reading *r, char *buf, size_t len)
{
	if (r->state == TT_ST_OK)
		return tt_val_format(&r->val, buf, len);
	return tt_state_name(r->state);
}

static const char *
sev_color(enum tt_severity s)
{
	switch (s) {
	case TT_SEV_CRITICAL:
		return "\033[1;31m";
	case TT_SEV_WARN:
		return "\033[33m";
	case TT_SEV_INFO:
		return "\033[36m";
	case TT_SEV_OK:
		break;
	}
	return "\033[32m";
}

/* One row of the key table; the profile column only with a profile. */
static void
table_row(FILE *f, const char *key, const char *cur, const char *def, const char *target)
{
	if (target != NULL)
		fprintf(f, "%-30s %-14s %-14s %s\n", key, cur, def, target);
	else
		fprintf(f, "%-30s %-14s %s\n", key, cur, def);
}

/* The key table: current value, default, and the profile's target. */
static void
text_keys(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	fputc('\n', f);
	table_row(f, "KEY", "CURRENT", "DEFAULT", prof ? "PROFILE" : NULL);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_val *def = tt_key_default(k, snap->kv);
		char cb[TT_VAL_STRLEN], db[TT_VAL_STRLEN], pb[TT_VAL_STRLEN];

		table_row(f, k->name, reading_text(&snap->sysctl[i], cb, sizeof(cb)),
		    def ? tt_val_format(def, db, sizeof(db)) : "(boot-sized)",
		    prof == NULL ? NULL :
				   tt_val_format(prof->sysctl[i].set ? &prof->sysctl[i].val : NULL,
				       pb, sizeof(pb)));
	}
}

void
check_text_finding(FILE *f, const struct tt_finding *fd, bool color)
{
	char tag[32];

	snprintf(tag, sizeof(tag), "[%s]", tt_severity_name(fd->sev));
	for (char *p = tag; *p; p++)
		if (fd->sev >= TT_SEV_WARN)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(f, "%s%-10s%s %s: %s\n", color ? sev_color(fd->sev) : "", tag,
	    color ? "\033[0m" : "", fd->id, fd->message);
	if (fd->sev == TT_SEV_OK)
		return;
	if (fd->evidence[0]) {
		fputs("    evidence: ", f);
		cmd_wrap(f, fd->evidence, 14, 78);
	}
	if (fd->advice[0]) {
		fputs("    advice:   ", f);
		cmd_wrap(f, fd->advice, 14, 78);
	}
	if (fd->explain)
		fprintf(f, "    explain:  tcptune explain %s\n", fd->explain);
}

static void
text_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs, bool color)
{
	unsigned counts[4];
	char tp[4096], td[1024];

	fprintf(f, "kernel %s, network namespace %s, proc root %s\n",
	    snap->kernel[0] ? snap->kernel : "(unknown)", tt_netns_name(snap->netns),
	    tt_ctx_proc_root(ctx));
	if (prof != NULL)
		fprintf(f, "profile %s%s%s (nat = %s)\n", cmd_term_str(prof->path, tp, sizeof(tp)),
		    prof->description ? ": " : "",
		    prof->description ? cmd_term_str(prof->description, td, sizeof(td)) : "",
		    tt_nat_decl_name(prof->nat));
	text_keys(f, snap, prof);
	sysctld_print_boot(f, snap);
	out_nat_text(f, snap, prof);
	if (snap->census != NULL)
		out_census_text(f, snap->census, snap->netns);
	out_rates_text(f, snap->rates);
	fputs("\nFINDINGS\n", f);
	for (size_t i = 0; i < fs->n; i++)
		check_text_finding(f, &fs->v[i], color);
	tt_findings_count(fs, counts);
	fprintf(f, "\nsummary: %u ok, %u info, %u warn, %u critical\n", counts[TT_SEV_OK],
	    counts[TT_SEV_INFO], counts[TT_SEV_WARN], counts[TT_SEV_CRITICAL]);
}

static void
json_val(struct json *j, const char *key, const struct tt_val *v)
{
	char buf[TT_VAL_STRLEN];

	json_str(j, key, v ? tt_val_format(v, buf, sizeof(buf)) : NULL);
}

static void
json_head(struct json *j, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof)
{
	json_str(j, "kernel", snap->kernel[0] ? snap->kernel : NULL);
	json_str(j, "netns", tt_netns_name(snap->netns));
	json_str(j, "proc_root", tt_ctx_proc_root(ctx));
	cmd_json_profile(j, "profile", prof);
}

void
check_json_keys(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	json_obj_begin(j, "sysctl");
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_reading *r = &snap->sysctl[i];

		json_obj_begin(j, k->name);
		json_val(j, "value", r->state == TT_ST_OK ? &r->val : NULL);
		json_val(j, "default", tt_key_default(k, snap->kv));
		json_bool(j, "present", r->state != TT_ST_ABSENT);
		json_str(j, "state", tt_state_name(r->state));
		if (prof != NULL)
			json_val(j, "target", prof->sysctl[i].set ? &prof->sysctl[i].val : NULL);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void
check_json_findings(struct json *j, const struct tt_findings *fs)
{
	unsigned counts[4];

	json_arr_begin(j, "findings");
	for (size_t i = 0; i < fs->n; i++) {
		const struct tt_finding *fd = &fs->v[i];

		json_obj_begin(j, NULL);
		json_str(j, "id", fd->id);
		json_str(j, "severity", tt_severity_name(fd->sev));
		json_arr_begin(j, "keys");
		for (int k = 0; k < fd->nkeys; k++)
			json_str(j, NULL, tt_key_get(fd->keys[k])->name);
		json_arr_end(j);
		json_str(j, "message", fd->message);
		json_str(j, "evidence", fd->evidence[0] ? fd->evidence : NULL);
		json_str(j, "advice", fd->advice[0] ? fd->advice : NULL);
		json_str(j, "explain", fd->explain);
		json_obj_end(j);
	}
	json_arr_end(j);
	tt_findings_count(fs, counts);
	json_obj_begin(j, "summary");
	json_int(j, "ok", counts[TT_SEV_OK]);
	json_int(j, "info", counts[TT_SEV_INFO]);
	json_int(j, "warn", counts[TT_SEV_WARN]);
	json_int(j, "critical", counts[TT_SEV_CRITICAL]);
	json_obj_end(j);
}

static void
json_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs)
{
	struct json j;

	json_document_begin(&j, f);
	json_head(&j, ctx, snap, prof);
	check_json_keys(&j, snap, prof);
	out_nat_json(&j, snap, prof);
	sysctld_json_boot(&j, snap);
	out_census_json(&j, snap->census, snap->netns);
	out_rates_json(&j, snap->rates);
	check_json_findings(&j, fs);
	json_obj_end(&j);
	json_finish(&j);
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
			/* check alone also speaks the textfile-collector format */
			o->prometheus = strcmp(optarg, "prometheus") == 0;
			if (!o->prometheus && strcmp(optarg, "text") != 0 &&
			    strcmp(optarg, "json") != 0)
				return cmd_usage_error(env, &cmd_check,
				    "unknown format '%s' (text, json, prometheus)", optarg);
			o->format = strcmp(optarg, "json") == 0 ? FORMAT_JSON : FORMAT_TEXT;
			break;
		case OPT_IGNORE_UNKNOWN:
			o->profile_flags |= TT_PROFILE_IGNORE_UNKNOWN;
			break;
		case OPT_NO_COLOR:
			o->color = false;
			break;
		case OPT_NO_CENSUS:
			o->no_census = true;
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
		case OPT_ALL_NAMESPACES:
			o->all_namespaces = true;
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
		r = cmd_snapshot_twice(env, what, thr, o->interval, snap);
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

/* The exit code of the worst finding. */
int
check_exit_for_findings(const struct tt_findings *fs)
{
	switch (tt_findings_worst(fs)) {
	case TT_SEV_CRITICAL:
		return EXIT_CRITICAL;
	case TT_SEV_WARN:
		return EXIT_WARNINGS;
	default:
		return EXIT_CLEAN;
	}
}

/* Prints the report in the format asked for, to f. */
static void
check_print(FILE *f, struct cmd_env *env, const struct check_opts *o,
    const struct tt_snapshot *snap, const struct tt_profile *prof, const struct tt_findings *fs)
{
	if (fs == NULL)
		prom_failure(f);
	else if (o->ns_run != NULL)
		check_ns_print(f, env, o);
	else if (o->prometheus)
		prom_report(f, env->ctx, snap, prof, fs);
	else if (o->format == FORMAT_JSON)
		json_report(f, env->ctx, snap, prof, fs);
	else
		text_report(f, env->ctx, snap, prof, fs, o->color && o->output == NULL);
}

/*
 * Prints the report on standard output, or into --output FILE through a
 * temporary file renamed over it.  fs NULL: the check failed, and only a
 * Prometheus file says so (tcptune_last_run_success 0).  Returns rc, or
 * the exit code of a failed write.
 */
int
check_report(struct cmd_env *env, const struct check_opts *o, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs, int rc)
{
	struct out_file out;
	int e;

	if (o->output == NULL) {
		if (fs != NULL)
			check_print(stdout, env, o, snap, prof, fs);
		return rc;
	}
	if (fs == NULL && !o->prometheus)
		return rc;
	e = out_file_open(&out, o->output);
	if (e == 0) {
		check_print(out.f, env, o, snap, prof, fs);
		e = out_file_commit(&out);
	}
	if (e == -EEXIST) {
		cmd_err(env,
		    "%s: exists and is not a regular file; --output replaces only a regular file",
		    o->output);
		return EXIT_CANTCREAT;
	}
	if (e < 0) {
		cmd_err(env, "%s: cannot write: %s", o->output, strerror(-e));
		return fs == NULL ? rc : cmd_exit_for_errno(e);
	}
	return rc;
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
		return check_report(env, &o, NULL, NULL, NULL, r);
	in = (struct tt_rule_input){ .snap = &snap, .prof = prof, .thr = &thr };
	if (tt_rules_run(&in, &fs) < 0) {
		cmd_err(env, "out of memory");
		r = check_report(env, &o, NULL, NULL, NULL, EXIT_SOFTWARE);
	} else {
		r = check_report(env, &o, &snap, prof, &fs, check_exit_for_findings(&fs));
	}
	tt_snapshot_free(&snap);
	tt_findings_free(&fs);
	tt_profile_free(prof);
	return r;
}

const struct cmd cmd_check = {
	.name = "check",
	.run = run_check,
	.usage = "[--profile FILE|NAME] [--ignore-unknown] [--format text|json|prometheus] "
		 "[--output FILE] [--no-color] [--no-census] [--interval SECONDS] "
		 "[--netns NAME|PID|PATH | --all-namespaces]",
	.help = "audit this host's TCP teardown settings (exit 0 clean, 1 warnings, 2 critical)",
};
