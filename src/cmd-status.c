/*
 * tcptune status: the last apply, a pending confirmation, an interrupted
 * apply or rollback, and whether the live values still match the journal.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "cmd-applier.h"
#include "lib/sysctl.h"

static const char *
time_text(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", t);
	return buf;
}

static int
run_status(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = FORMAT_TEXT;
	struct tt_journal jr;
	/* Zeroed: only a journal that was read fills them. */
	struct tt_val live[TT_K__COUNT] = { { 0 } };
	bool match[TT_K__COUNT] = { false }, all_match = true, interrupted = false;
	long long now = (long long)time(NULL);
	int opt, r, busy, nmismatch = 0;
	const char *confirm = "none";

	while ((opt = cmd_getopt(env, &cmd_status, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT &&
		    (r = cmd_format_option(env, &cmd_status, optarg, &format)) != 0)
			return r;
	}
	if (optind != argc)
		return cmd_usage_error(env, &cmd_status, "unexpected argument '%s'", argv[optind]);
	r = tt_journal_peek(env->ctx, &jr);
	if (r < 0)
		return cmd_exit_for_errno(r);
	busy = r == 1 ? tt_state_busy(env->ctx) : 0;
	if (r == 1) {
		interrupted = jr.state != TT_J_APPLIED && busy == 0;
		for (int i = 0; i < jr.nkeys; i++) {
			struct tt_reading rd;

			tt_sysctl_read(env->ctx, tt_key_get(jr.keys[i].id), &rd);
			live[i] = rd.state == TT_ST_OK ? rd.val : (struct tt_val){ 0 };
			match[i] = tt_val_eq(&live[i], &jr.keys[i].target);
			if (!match[i]) {
				all_match = false;
				nmismatch++;
			}
		}
		if (jr.confirm_deadline != 0)
			confirm = now <= jr.confirm_deadline ? "pending" : "expired";
	}

	if (format == FORMAT_JSON) {
		struct json j;

		json_document_begin(&j, stdout);
		json_bool(&j, "changed", false);
		json_bool(&j, "journal", r == 1);
		if (r == 1) {
			json_str(&j, "state", tt_journal_state_name(jr.state));
			json_bool(&j, "interrupted", interrupted);
			json_bool(&j, "busy", busy == 1);
			json_int(&j, "time", jr.time);
			json_str(&j, "profile", jr.profile);
			json_str(&j, "confirm", confirm);
			if (jr.confirm_deadline != 0)
				json_int(&j, "confirm_deadline", jr.confirm_deadline);
			else
				json_null(&j, "confirm_deadline");
			json_bool(&j, "live_matches", all_match);
			json_arr_begin(&j, "keys");
			for (int i = 0; i < jr.nkeys; i++) {
				json_obj_begin(&j, NULL);
				json_str(&j, "key", tt_key_get(jr.keys[i].id)->name);
				applier_json_val(&j, "original", &jr.keys[i].original);
				applier_json_val(&j, "target", &jr.keys[i].target);
				applier_json_val(&j, "live", &live[i]);
				json_bool(&j, "matches", match[i]);
				json_obj_end(&j);
			}
			json_arr_end(&j);
		}
		json_obj_end(&j);
		json_finish(&j);
	} else if (r == 0) {
		printf("no journal in %s: tcptune has changed nothing that it still owes "
		       "back\n",
		    tt_ctx_state_dir(env->ctx));
	} else {
		char tb[64];

		printf(
		    "last apply: %s, profile %s\n", time_text(jr.time, tb, sizeof(tb)), jr.profile);
		printf("state: %s%s\n", tt_journal_state_name(jr.state),
		    busy == 1       ? " (an apply or rollback is running now)" :
			interrupted ? " -- INTERRUPTED: run `tcptune rollback` to restore the "
				      "originals" :
				      "");
		if (jr.confirm_deadline != 0 && now <= jr.confirm_deadline)
			printf("confirmation pending: undone at %s (in %lld s) unless `tcptune "
			       "confirm` is run\n",
			    time_text(jr.confirm_deadline, tb, sizeof(tb)),
			    jr.confirm_deadline - now);
		else if (jr.confirm_deadline != 0)
			printf("confirmation deadline passed %lld s ago and the apply was not "
			       "undone (the timer is gone?): run `tcptune rollback`\n",
			    now - jr.confirm_deadline);
		printf("\n%-32s %-14s %-14s %s\n", "KEY", "ORIGINAL", "TCPTUNE", "LIVE");
		for (int i = 0; i < jr.nkeys; i++) {
			char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN], c[TT_VAL_STRLEN];

			printf("%-32s %-14s %-14s %s%s\n", tt_key_get(jr.keys[i].id)->name,
			    tt_val_format(&jr.keys[i].original, a, sizeof(a)),
			    tt_val_format(&jr.keys[i].target, b, sizeof(b)),
			    live[i].n ? tt_val_format(&live[i], c, sizeof(c)) : "?",
			    match[i] ? "" : "  (differs)");
		}
		if (all_match)
			printf("\nevery live value is what tcptune wrote\n");
		else
			printf("\n%d key%s no longer hold%s what tcptune wrote\n", nmismatch,
			    nmismatch == 1 ? "" : "s", nmismatch == 1 ? "s" : "");
	}
	if (r == 1 && (interrupted || !all_match || strcmp(confirm, "expired") == 0))
		return EXIT_WARNINGS;
	return EXIT_CLEAN;
}

const struct cmd cmd_status = {
	.name = "status",
	.run = run_status,
	.usage = "[--format text|json]",
	.help = "the last apply, a pending confirmation, and whether the live values "
		"still match (exit 1 when they do not or an apply was interrupted)",
};
