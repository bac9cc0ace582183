/*
 * tcptune plan: what applying a profile would write here, what is already
 * in place, and what is refused.  Writes nothing.
 */
#include "config.h"

#include "cmd-applier.h"
#include "lib/sysctld.h"
#include "out-sysctld.h"

enum {
	OPT_IGNORE_UNKNOWN = OPT_CMD_BASE,
};

static int
run_plan(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ignore-unknown", no_argument, NULL, OPT_IGNORE_UNKNOWN },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = FORMAT_TEXT;
	unsigned flags = 0;
	struct tt_profile *prof = NULL;
	struct tt_sysctld *sysctld = NULL;
	struct tt_snapshot snap;
	struct tt_plan plan;
	int opt, r;

	while ((opt = cmd_getopt(env, &cmd_plan, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_FORMAT:
			if ((r = cmd_format_option(env, &cmd_plan, optarg, &format)) != 0)
				return r;
			break;
		case OPT_IGNORE_UNKNOWN:
			flags |= TT_PROFILE_IGNORE_UNKNOWN;
			break;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(env, &cmd_plan, "one PROFILE expected");
	r = applier_load_profile(env, argv[optind], flags, &prof);
	if (r != 0)
		return r;
	r = applier_snapshot(env, &snap);
	if (r != 0) {
		tt_profile_free(prof);
		return r;
	}
	tt_plan_make(&snap, prof, &plan);
	if ((r = cmd_read_sysctld(env, &sysctld)) != 0) {
		applier_snapshot_free(&snap);
		tt_profile_free(prof);
		return r;
	}
	snap.sysctld = sysctld;
	if (format == FORMAT_JSON) {
		struct json j;

		json_document_begin(&j, stdout);
		json_bool(&j, "changed", false);
		json_bool(&j, "applicable", plan.nrefuse == 0);
		applier_json_plan(&j, &snap, prof, &plan);
		sysctld_json_conflicts(&j, &snap, prof);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		applier_print_plan(stdout, &snap, prof, &plan);
		sysctld_print_conflicts(stdout, &snap, prof);
	}
	applier_snapshot_free(&snap);
	tt_sysctld_free(sysctld);
	tt_profile_free(prof);
	return plan.nrefuse > 0 ? EXIT_DATAERR : EXIT_CLEAN;
}

const struct cmd cmd_plan = {
	.name = "plan",
	.run = run_plan,
	.usage = "[--format text|json] [--ignore-unknown] PROFILE",
	.help = "show the writes a profile needs here, and what is refused "
		"(writes nothing; exit 0 applicable, 65 invalid or refused)",
};
