/*
 * tcptune confirm: keep an apply made with --confirm.
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "cmd-netns.h"
#include "cmd-applier.h"

/* The result for --format json: changed is false, confirming changes no key. */
static void
confirm_json(const char *result)
{
	struct json j;

	json_document_begin(&j, stdout);
	json_bool(&j, "changed", false);
	json_str(&j, "result", result);
	cmd_json_netns_entered(&j);
	json_obj_end(&j);
	json_finish(&j);
}

static int
run_confirm(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = FORMAT_TEXT;
	int opt, r, state;

	env->changes_kernel = true;
	while ((opt = cmd_getopt(env, &cmd_confirm, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT &&
		    (r = cmd_format_option(env, &cmd_confirm, optarg, &format)))
			return r;
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_USE)) != 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(env, &cmd_confirm, "unexpected argument '%s'", argv[optind]);
	state = tt_state_open(env->ctx, APPLIER_LOCK_WAIT_MS);
	if (state < 0)
		return cmd_exit_for_errno(state);
	r = tt_confirm(env->ctx, state, (long long)time(NULL));
	tt_state_close(state);
	if (format == FORMAT_JSON && (r == 0 || r == -ESRCH || r == -ETIME))
		confirm_json(r == 0 ? "confirmed" : r == -ESRCH ? "nothing_pending" : "too_late");
	switch (r) {
	case 0:
		if (format == FORMAT_TEXT)
			printf("confirmed: the apply stays\n");
		return EXIT_CLEAN;
	case -ESRCH:
		cmd_err(env,
		    "no apply is waiting for confirmation (it may have been undone "
		    "already: see `%s`)",
		    cmd_hint(env, "status"));
		return EXIT_WARNINGS;
	case -ETIME:
		cmd_err(env,
		    "too late: the confirmation deadline has passed and the apply "
		    "is being undone (see `%s`)",
		    cmd_hint(env, "status"));
		return EXIT_WARNINGS;
	default:
		return cmd_exit_for_errno(r);
	}
}

const struct cmd cmd_confirm = {
	.name = "confirm",
	.run = run_confirm,
	.usage = "[--netns NAME|PID|PATH] [--format text|json]",
	.help = "keep an apply made with --confirm before its deadline "
		"(exit 1 when nothing waits or it is too late)",
};
