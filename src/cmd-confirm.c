/*
 * tcptune confirm: keep an apply made with --confirm.
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "cmd-applier.h"

static int
run_confirm(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int opt, r, state;

	env->changes_kernel = true;
	while ((opt = cmd_getopt(env, &cmd_confirm, argc, argv, longopts, &r)) != -1)
		if (opt == CMD_OPT_STOP)
			return r;
	if (optind != argc)
		return cmd_usage_error(env, &cmd_confirm, "unexpected argument '%s'", argv[optind]);
	state = tt_state_open(env->ctx, APPLIER_LOCK_WAIT_MS);
	if (state < 0)
		return cmd_exit_for_errno(state);
	r = tt_confirm(env->ctx, state, (long long)time(NULL));
	tt_state_close(state);
	switch (r) {
	case 0:
		printf("confirmed: the apply stays\n");
		return EXIT_CLEAN;
	case -ESRCH:
		cmd_err(env,
		    "no apply is waiting for confirmation (it may have been undone "
		    "already: see `tcptune status`)");
		return EXIT_WARNINGS;
	case -ETIME:
		cmd_err(env,
		    "too late: the confirmation deadline has passed and the apply "
		    "is being undone (see `tcptune status`)");
		return EXIT_WARNINGS;
	default:
		return cmd_exit_for_errno(r);
	}
}

const struct cmd cmd_confirm = {
	.name = "confirm",
	.run = run_confirm,
	.usage = "",
	.help = "keep an apply made with --confirm before its deadline "
		"(exit 1 when nothing waits or it is too late)",
};
