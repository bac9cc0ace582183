/*
 * tcptune status: the last apply, a pending confirmation, an interrupted
 * apply or rollback, and whether the live values still match the journal.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "cmd-netns.h"
#include "cmd-applier.h"
#include "lib/sysctl.h"
#include "out-file.h"
#include "out-guard.h"
#include "out-prometheus.h"

static const char *
time_text(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", t);
	return buf;
}

/* What status found: the journal, and the live value of each key in it. */
struct status_view {
	int journal; /* tt_journal_peek(): 1 a journal was read, 0 none */
	struct tt_journal jr;
	/* Zeroed: only a journal that was read fills them. */
	struct tt_val live[TT_K__COUNT];
	bool match[TT_K__COUNT];
	bool all_match;
	bool interrupted;
	int busy; /* tt_state_busy() */
	int nmismatch;
	long long now;
	const char *confirm;         /* "none", "pending" or "expired" */
	enum tt_origin_match origin; /* the journal's kernel and this one */
	/* The last apply undone for want of a confirmation, until the next
	 * apply: its journal and when it was undone. */
	bool show_undone;
	struct tt_journal undone;
	long long undone_at;
	FILE *out; /* where the report goes: standard output or --output */
};

/* Why the apply was undone: at its deadline, or at once (no timer). */
static bool
undone_at_deadline(const struct status_view *v)
{
	return v->undone_at >= v->undone.confirm_deadline;
}

/* The last undo's reason, as JSON and the metrics name it. */
static const char *
undo_reason(const struct status_view *v)
{
	if (v->undone.guard.outcome == TT_GUARD_WORSE)
		return "guard";
	return undone_at_deadline(v) ? "unconfirmed" : "no_timer";
}

/* Why the journal does not describe this kernel, when it does not. */
static void
origin_text(const struct status_view *v)
{
	const struct tt_origin *o = &v->jr.origin;

	if (v->origin == TT_ORIGIN_OTHER_ROOT)
		fprintf(v->out,
		    "the journal was written for another proc root (%s): its originals "
		    "are not this kernel's; rollback and apply refuse it here\n",
		    o->root);
	else if (v->origin == TT_ORIGIN_OTHER_NETNS)
		fprintf(v->out,
		    "the journal was written in another network namespace: rollback and "
		    "apply refuse it here\n");
	else if (v->origin == TT_ORIGIN_OTHER_BOOT)
		fprintf(v->out,
		    "the journal is from an earlier boot (%s): its originals went with "
		    "that kernel; rollback refuses it, the next apply sets it aside\n",
		    o->boot);
	else if (v->origin == TT_ORIGIN_NETNS_GONE)
		fprintf(v->out,
		    "the journal is of a network namespace that is gone (cookie %llu); this "
		    "one only got its inode number: rollback refuses it, the next apply "
		    "sets it aside\n",
		    o->ns_cookie);
	else if (v->origin == TT_ORIGIN_NETNS_UNPROVEN)
		fprintf(v->out,
		    "the journal names its network namespace by inode only (%llu), which "
		    "the kernel reuses: it cannot be proven to be this one's; rollback and "
		    "apply refuse it\n",
		    o->ns_ino);
}

enum {
	OPT_OUTPUT = OPT_CMD_BASE
};

struct status_opts {
	enum output_format format;
	const char *output; /* --output FILE, or NULL */
};

static int
status_parse(struct cmd_env *env, int argc, char *argv[], struct status_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	*o = (struct status_opts){ .format = FORMAT_TEXT };
	while ((opt = cmd_getopt(env, &cmd_status, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT &&
		    (r = cmd_format_option_metrics(env, &cmd_status, optarg, &o->format)) != 0)
			return r;
		if (opt == OPT_OUTPUT) {
			if (*optarg == '\0')
				return cmd_usage_error(env, &cmd_status, "--output needs a file");
			o->output = optarg;
		}
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_USE)) != 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(env, &cmd_status, "unexpected argument '%s'", argv[optind]);
	return CMD_CONTINUE;
}

/* Reads the journal and the live values.  0, or an exit code. */
static int
status_gather(struct cmd_env *env, struct status_view *v)
{
	struct tt_journal *jr = &v->jr;

	memset(v, 0, sizeof(*v));
	v->all_match = true;
	v->confirm = "none";
	v->now = (long long)time(NULL);
	v->journal = tt_journal_peek(env->ctx, jr);
	if (v->journal < 0)
		return cmd_exit_for_errno(v->journal);
	/* A damaged or unreadable record of an undo only goes unshown; the
	 * next apply removes it. */
	v->show_undone = tt_journal_peek_undone(env->ctx, &v->undone, &v->undone_at) == 1;
	if (v->journal != 1)
		return 0;
	{
		struct tt_origin here;

		if (tt_origin_here(env->ctx, &here) == 0)
			v->origin = tt_origin_compare(&jr->origin, &here);
	}
	v->busy = tt_state_busy(env->ctx);
	v->interrupted = jr->state != TT_J_APPLIED && v->busy == 0;
	for (int i = 0; i < jr->nkeys; i++) {
		struct tt_reading rd;

		tt_sysctl_read(env->ctx, tt_key_get(jr->keys[i].id), &rd);
		v->live[i] = rd.state == TT_ST_OK ? rd.val : (struct tt_val){ 0 };
		v->match[i] = tt_val_eq(&v->live[i], &jr->keys[i].target);
		if (!v->match[i]) {
			v->all_match = false;
			v->nmismatch++;
		}
	}
	if (jr->confirm_deadline != 0)
		v->confirm = v->now <= jr->confirm_deadline ? "pending" : "expired";
	return 0;
}

/* "last_undo": what the last undo for want of a confirmation put back. */
static void
undone_json(struct json *j, const struct status_view *v)
{
	const struct tt_journal *u = &v->undone;

	if (!v->show_undone) {
		json_null(j, "last_undo");
		return;
	}
	json_obj_begin(j, "last_undo");
	json_int(j, "time", v->undone_at);
	json_str(j, "reason", undo_reason(v));
	out_guard_verdict_json(j, "guard", &u->guard);
	json_int(j, "apply_time", u->time);
	cmd_json_profile_path(j, "profile", u->profile);
	json_arr_begin(j, "keys");
	for (int i = 0; i < u->nkeys; i++) {
		if (u->keys[i].prev.n == 0)
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "key", tt_key_get(u->keys[i].id)->name);
		applier_json_val(j, "from", &u->keys[i].target);
		applier_json_val(j, "to", &u->keys[i].prev);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* The text of the same. */
static void
undone_text(const struct status_view *v)
{
	const struct tt_journal *u = &v->undone;
	char ta[64], tb[64];

	fprintf(v->out, "\nlast undo: %s: the apply of %s at %s %s; put back:\n",
	    time_text(v->undone_at, ta, sizeof(ta)), u->profile, time_text(u->time, tb, sizeof(tb)),
	    u->guard.outcome == TT_GUARD_WORSE ? "made the host worse" :
		undone_at_deadline(v)          ? "was not confirmed by its deadline" :
						 "could not start its confirmation timer");
	out_guard_verdict_text(v->out, &u->guard, 2);
	for (int i = u->nkeys - 1; i >= 0; i--) {
		char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];

		if (u->keys[i].prev.n != 0)
			fprintf(v->out, "  %-32s %s -> %s\n", tt_key_get(u->keys[i].id)->name,
			    tt_val_format(&u->keys[i].target, a, sizeof(a)),
			    tt_val_format(&u->keys[i].prev, b, sizeof(b)));
	}
}

static void
status_json(const struct status_view *v)
{
	const struct tt_journal *jr = &v->jr;
	struct json j;

	json_document_begin(&j, v->out);
	json_bool(&j, "changed", false);
	cmd_json_netns_entered(&j);
	json_bool(&j, "journal", v->journal == 1);
	if (v->journal == 1) {
		json_str(&j, "state", tt_journal_state_name(jr->state));
		json_bool(&j, "interrupted", v->interrupted);
		json_bool(&j, "busy", v->busy == 1);
		json_int(&j, "time", jr->time);
		cmd_json_profile_path(&j, "profile", jr->profile);
		json_str(&j, "confirm", v->confirm);
		json_str(&j, "journal_from", tt_origin_match_name(v->origin));
		if (jr->confirm_deadline != 0)
			json_int(&j, "confirm_deadline", jr->confirm_deadline);
		else
			json_null(&j, "confirm_deadline");
		out_guard_verdict_json(&j, "guard", &jr->guard);
		json_bool(&j, "live_matches", v->all_match);
		json_arr_begin(&j, "keys");
		for (int i = 0; i < jr->nkeys; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "key", tt_key_get(jr->keys[i].id)->name);
			applier_json_val(&j, "original", &jr->keys[i].original);
			applier_json_val(&j, "target", &jr->keys[i].target);
			applier_json_val(&j, "live", &v->live[i]);
			json_bool(&j, "matches", v->match[i]);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}
	undone_json(&j, v);
	json_obj_end(&j);
	json_finish(&j);
}

/* One sample of a family of its own, without labels. */
static void
prom_gauge(FILE *f, const char *name, const char *help, long long v)
{
	prom_family(f, name, help);
	fprintf(f, "%s %lld\n", name, v);
}

/* What undid the last apply, for alerts: when, why, and the guard's
 * figures when it was the guard. */
static void
undone_prometheus(const struct status_view *v)
{
	const struct tt_guard_verdict *g = &v->undone.guard;
	char name[64];

	prom_family(v->out, "tcptune_apply_last_undo_timestamp_seconds",
	    "When tcptune last undid an apply by itself (its guard, or no confirmation "
	    "by the deadline), in seconds since the epoch; until the next apply.");
	fprintf(v->out, "tcptune_apply_last_undo_timestamp_seconds{");
	prom_label(v->out, "reason", undo_reason(v), true);
	fprintf(v->out, "} %lld\n", v->undone_at);
	if (g->outcome != TT_GUARD_WORSE || g->counter < 0)
		return;
	tt_guard_signal_name(g->counter, name, sizeof(name));
	prom_family(v->out, "tcptune_apply_last_undo_rate_per_second",
	    "The rate of the counter that made the guard undo the last apply, at its "
	    "last sample.");
	fprintf(v->out, "tcptune_apply_last_undo_rate_per_second{");
	prom_label(v->out, "counter", name, true);
	fprintf(v->out, "} %.3f\n", g->nsamples ? g->samples[g->nsamples - 1] : 0.0);
	prom_family(v->out, "tcptune_apply_last_undo_threshold_per_second",
	    "The threshold that counter went past.");
	fprintf(v->out, "tcptune_apply_last_undo_threshold_per_second{");
	prom_label(v->out, "counter", name, true);
	fprintf(v->out, "} %.3f\n", g->threshold);
}

/* status --format prometheus: the journal's state as gauges, for the
 * textfile collector beside check's metrics (no family is shared). */
static void
status_prometheus(const struct status_view *v)
{
	const struct tt_journal *jr = &v->jr;

	prom_gauge(v->out, "tcptune_status_timestamp_seconds",
	    "When tcptune status ran, in seconds since the epoch.", v->now);
	prom_gauge(v->out, "tcptune_apply_journal",
	    "1 when tcptune holds the journal of an apply it may still have to undo, 0 "
	    "when it owes nothing back.",
	    v->journal == 1);
	if (v->journal == 1) {
		prom_gauge(v->out, "tcptune_apply_timestamp_seconds",
		    "When the apply in the journal was made, in seconds since the epoch.",
		    jr->time);
		prom_gauge(v->out, "tcptune_apply_interrupted",
		    "1 when an apply or rollback was interrupted: run tcptune rollback.",
		    v->interrupted);
		prom_gauge(v->out, "tcptune_apply_live_matches",
		    "1 when every key still holds what tcptune wrote.", v->all_match);
		prom_gauge(v->out, "tcptune_apply_confirm_pending",
		    "1 while the apply waits for tcptune confirm, 2 when its deadline passed "
		    "and it was not undone, 0 when nothing waits.",
		    strcmp(v->confirm, "pending") == 0     ? 1 :
			strcmp(v->confirm, "expired") == 0 ? 2 :
							     0);
		if (jr->guard.outcome != TT_GUARD_NONE) {
			prom_family(v->out, "tcptune_apply_guard_outcome",
			    "The guard's verdict on the apply in the journal: 1 for the outcome "
			    "it reached.");
			fprintf(v->out, "tcptune_apply_guard_outcome{");
			prom_label(
			    v->out, "outcome", tt_guard_outcome_name(jr->guard.outcome), true);
			fprintf(v->out, "} 1\n");
		}
	}
	if (v->show_undone)
		undone_prometheus(v);
}

/* The text report of a journal that was read. */
static void
status_text(const struct cmd_env *env, const struct status_view *v)
{
	const struct tt_journal *jr = &v->jr;
	char tb[64];

	fprintf(v->out, "last apply: %s, profile %s\n", time_text(jr->time, tb, sizeof(tb)),
	    jr->profile);
	origin_text(v);
	fprintf(v->out, "state: %s%s%s%s\n", tt_journal_state_name(jr->state),
	    v->busy == 1       ? " (an apply or rollback is running now)" :
		v->interrupted ? " -- INTERRUPTED: run `" :
				 "",
	    v->busy != 1 && v->interrupted ? cmd_hint(env, "rollback") : "",
	    v->busy != 1 && v->interrupted ? "` to restore the originals" : "");
	if (jr->confirm_deadline != 0 && v->now <= jr->confirm_deadline)
		fprintf(v->out,
		    "confirmation pending: undone at %s (in %lld s) unless `%s` is run\n",
		    time_text(jr->confirm_deadline, tb, sizeof(tb)), jr->confirm_deadline - v->now,
		    cmd_hint(env, "confirm"));
	else if (jr->confirm_deadline != 0)
		fprintf(v->out,
		    "confirmation deadline passed %lld s ago and the apply was not "
		    "undone (the timer is gone?): run `%s`\n",
		    v->now - jr->confirm_deadline, cmd_hint(env, "rollback"));
	out_guard_verdict_text(v->out, &jr->guard, 0);
	fprintf(v->out, "\n%-32s %-14s %-14s %s\n", "KEY", "ORIGINAL", "TCPTUNE", "LIVE");
	for (int i = 0; i < jr->nkeys; i++) {
		char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN], c[TT_VAL_STRLEN];

		fprintf(v->out, "%-32s %-14s %-14s %s%s\n", tt_key_get(jr->keys[i].id)->name,
		    tt_val_format(&jr->keys[i].original, a, sizeof(a)),
		    tt_val_format(&jr->keys[i].target, b, sizeof(b)),
		    v->live[i].n ? tt_val_format(&v->live[i], c, sizeof(c)) : "?",
		    v->match[i] ? "" : "  (differs)");
	}
	if (v->all_match)
		fprintf(v->out, "\nevery live value is what tcptune wrote\n");
	else
		fprintf(v->out, "\n%d key%s no longer hold%s what tcptune wrote\n", v->nmismatch,
		    v->nmismatch == 1 ? "" : "s", v->nmismatch == 1 ? "s" : "");
}

/* The report in the format asked for, to v->out. */
static void
status_report(const struct cmd_env *env, const struct status_view *v, enum output_format format)
{
	if (format == FORMAT_JSON) {
		status_json(v);
		return;
	}
	if (format == FORMAT_PROMETHEUS) {
		status_prometheus(v);
		return;
	}
	if (v->journal == 0)
		fprintf(v->out,
		    "no journal in %s: tcptune has changed nothing that it still owes back\n",
		    tt_ctx_state_dir(env->ctx));
	else
		status_text(env, v);
	if (v->show_undone)
		undone_text(v);
}

static int
run_status(struct cmd_env *env, int argc, char *argv[])
{
	struct status_opts o;
	struct status_view v;
	struct out_dest d;
	int rc;

	rc = status_parse(env, argc, argv, &o);
	if (rc != CMD_CONTINUE)
		return rc;
	rc = status_gather(env, &v);
	if (rc != 0)
		return rc;
	if ((rc = out_dest_open(env, &d, o.output)) != 0)
		return rc;
	v.out = d.f;
	status_report(env, &v, o.format);
	if (v.journal == 1 &&
	    (v.interrupted || !v.all_match || v.origin != TT_ORIGIN_SAME ||
		strcmp(v.confirm, "expired") == 0))
		rc = EXIT_WARNINGS;
	return out_dest_close(env, &d, rc);
}

const struct cmd cmd_status = {
	.name = "status",
	.run = run_status,
	.usage = "[--netns NAME|PID|PATH] [--format text|json|prometheus] [--output FILE]",
	.help = "the last apply, a pending confirmation, and whether the live values "
		"still match (exit 1 when they do not or an apply was interrupted)",
};
