/*
 * tcptune rollback: put every key back to its value from before tcptune
 * first changed it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmd-netns.h"
#include "cmd-applier.h"

enum {
	OPT_FORCE = OPT_CMD_BASE,
};

static int
rollback_parse(struct cmd_env *env, int argc, char *argv[], enum output_format *format, bool *force)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	*format = FORMAT_TEXT;
	*force = false;
	while ((opt = cmd_getopt(env, &cmd_rollback, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_FORMAT:
			if ((r = cmd_format_option(env, &cmd_rollback, optarg, format)) != 0)
				return r;
			break;
		case OPT_FORCE:
			*force = true;
			break;
		}
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_USE)) != 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(
		    env, &cmd_rollback, "unexpected argument '%s'", argv[optind]);
	return CMD_CONTINUE;
}

static void
rollback_json(const struct tt_result *res, const char *result)
{
	struct json j;

	json_document_begin(&j, stdout);
	json_bool(&j, "changed", res->changed);
	json_str(&j, "result", result);
	applier_json_keys(&j, res);
	json_obj_end(&j);
	json_finish(&j);
}

/* r: tt_rollback()'s answer */
static void
rollback_text(const struct tt_result *res, int r)
{
	if (res->n == 0) {
		printf("nothing to roll back: tcptune has changed nothing here\n");
		return;
	}
	applier_print_keys(stdout, res);
	if (r == 0)
		printf("rolled back: every key holds its original value; the journal "
		       "is cleared\n");
	else if (r == 1)
		printf("partly rolled back: keys changed by someone else since tcptune "
		       "wrote them were left alone and stay in the journal "
		       "(--force restores them too)\n");
}

/*
 * Locks the state directory and rolls back, with the signals that would
 * end tcptune held off.  tt_rollback()'s answer, or tt_state_open()'s error.
 */
static int
rollback_work(struct cmd_env *env, bool force, struct tt_result *res)
{
	sigset_t saved;
	int state, r;

	memset(res, 0, sizeof(*res));
	state = tt_state_open(env->ctx, APPLIER_LOCK_WAIT_MS);
	if (state < 0)
		return state;
	applier_hold_signals(&saved);
	r = tt_rollback(env->ctx, state, force, res);
	tt_state_close(state);
	applier_release_signals(&saved);
	return r;
}

static int
run_rollback(struct cmd_env *env, int argc, char *argv[])
{
	enum output_format format;
	bool force;
	struct tt_result res;
	const char *result;
	int r, rc;

	env->changes_kernel = true;
	rc = rollback_parse(env, argc, argv, &format, &force);
	if (rc != CMD_CONTINUE)
		return rc;
	r = rollback_work(env, force, &res);
	switch (r) {
	case 0:
		result = res.n == 0 ? "nothing" : "restored";
		rc = EXIT_CLEAN;
		break;
	case 1:
		result = "partial";
		rc = EXIT_WARNINGS;
		break;
	case -ENOTRECOVERABLE:
		result = "failed";
		rc = EXIT_SOFTWARE;
		break;
	case -ESTALE:
		result = "journal-not-updated";
		rc = EXIT_CANTCREAT;
		break;
	default:
		return cmd_exit_for_errno(r);
	}
	if (format == FORMAT_JSON)
		rollback_json(&res, result);
	else
		rollback_text(&res, r);
	if (r == -ENOTRECOVERABLE)
		applier_print_unrestored(env, &res, tt_ctx_proc_root(env->ctx));
	return rc;
}

const struct cmd cmd_rollback = {
	.name = "rollback",
	.run = run_rollback,
	.usage = "[--netns NAME|PID|PATH] [--force] [--format text|json]",
	.help = "restore every key tcptune changed to its value before tcptune first "
		"changed it (--force: also keys someone else changed since)",
};
