/*
 * tcptune plan: what applying a profile would write here, what is already
 * in place, and what is refused.  Writes nothing.
 */
#include "config.h"

#include "cmd-netns.h"
#include "cmd-applier.h"
#include "lib/sysctld.h"
#include "out-sysctld.h"

enum {
	OPT_IGNORE_UNKNOWN = OPT_CMD_BASE,
};

struct plan_opts {
	enum output_format format;
	unsigned flags; /* TT_PROFILE_* */
	const char *profile;
};

/* What a plan is made from, and the plan. */
struct plan_run {
	struct tt_profile *prof;
	struct tt_snapshot snap;
	struct tt_plan plan;
};

static int
plan_parse(struct cmd_env *env, int argc, char *argv[], struct plan_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ignore-unknown", no_argument, NULL, OPT_IGNORE_UNKNOWN },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	*o = (struct plan_opts){ .format = FORMAT_TEXT };
	while ((opt = cmd_getopt(env, &cmd_plan, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_FORMAT:
			if ((r = cmd_format_option(env, &cmd_plan, optarg, &o->format)) != 0)
				return r;
			break;
		case OPT_IGNORE_UNKNOWN:
			o->flags |= TT_PROFILE_IGNORE_UNKNOWN;
			break;
		}
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_NONE)) != 0)
		return r;
	if (argc - optind != 1)
		return cmd_usage_error(env, &cmd_plan, "one PROFILE expected");
	o->profile = argv[optind];
	return CMD_CONTINUE;
}

/* Loads the profile, reads the host and makes the plan.  0, or an exit code. */
static int
plan_prepare(struct cmd_env *env, const struct plan_opts *o, struct plan_run *p)
{
	int r;

	r = applier_load_profile(env, o->profile, o->flags, &p->prof);
	if (r != 0)
		return r;
	r = applier_snapshot(env, TT_GATHER_SYSCTLD | TT_GATHER_CENSUS, &p->snap);
	if (r != 0)
		return r;
	tt_plan_make(&p->snap, p->prof, &p->plan);
	return 0;
}

static void
plan_json(const struct plan_run *p)
{
	struct json j;

	json_document_begin(&j, stdout);
	json_bool(&j, "changed", false);
	json_bool(&j, "applicable", p->plan.nrefuse == 0);
	cmd_json_netns_entered(&j);
	applier_json_plan(&j, &p->snap, p->prof, &p->plan);
	sysctld_json_conflicts(&j, &p->snap, p->prof);
	applier_json_notes(&j, &p->snap, p->prof);
	json_obj_end(&j);
	json_finish(&j);
}

static void
plan_text(const struct plan_run *p)
{
	applier_print_plan(stdout, &p->snap, p->prof, &p->plan);
	sysctld_print_conflicts(stdout, &p->snap, p->prof);
	applier_print_notes(stdout, &p->snap, p->prof);
}

static int
run_plan(struct cmd_env *env, int argc, char *argv[])
{
	struct plan_opts o;
	struct plan_run p = { .prof = NULL, .snap = { .nat = NULL } };
	int rc;

	rc = plan_parse(env, argc, argv, &o);
	if (rc != CMD_CONTINUE)
		return rc;
	rc = plan_prepare(env, &o, &p);
	if (rc == 0) {
		if (o.format == FORMAT_JSON)
			plan_json(&p);
		else
			plan_text(&p);
		rc = p.plan.nrefuse > 0 ? EXIT_DATAERR : EXIT_CLEAN;
	}
	applier_snapshot_free(&p.snap);
	tt_profile_free(p.prof);
	return rc;
}

const struct cmd cmd_plan = {
	.name = "plan",
	.run = run_plan,
	.usage = "[--netns NAME|PID|PATH] [--format text|json] [--ignore-unknown] PROFILE",
	.help = "show the writes a profile needs here, and what is refused "
		"(writes nothing; exit 0 applicable, 65 invalid or refused)",
};
