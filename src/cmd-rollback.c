/*
 * tcptune rollback: put every key back to its value from before tcptune
 * first changed it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd-netns.h"
#include "cmd-applier.h"
#include "lib/netns.h"

enum {
	OPT_FORCE = OPT_CMD_BASE,
	OPT_ALL_NAMESPACES,
};

struct rollback_opts {
	enum output_format format;
	bool force;
	bool all_namespaces; /* every namespace but the host's, one by one */
};

static int
rollback_parse(struct cmd_env *env, int argc, char *argv[], struct rollback_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "all-namespaces", no_argument, NULL, OPT_ALL_NAMESPACES },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format *format = &o->format;
	bool *force = &o->force;
	int opt, r;

	*o = (struct rollback_opts){ .format = FORMAT_TEXT };
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
		case OPT_ALL_NAMESPACES:
			o->all_namespaces = true;
			break;
		}
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_USE)) != 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(
		    env, &cmd_rollback, "unexpected argument '%s'", argv[optind]);
	if (o->all_namespaces && (*format != FORMAT_TEXT || env->netns_name[0]))
		return cmd_usage_error(env, &cmd_rollback,
		    "--all-namespaces goes with neither --format json nor --netns");
	return CMD_CONTINUE;
}

static void
rollback_json(const struct tt_result *res, const char *result)
{
	struct json j;

	json_document_begin(&j, stdout);
	json_bool(&j, "changed", res->changed);
	json_str(&j, "result", result);
	cmd_json_netns_entered(&j);
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

/* One rollback, in the namespace the process is in: its exit code. */
static int
rollback_one(struct cmd_env *env, enum output_format format, bool force)
{
	struct tt_result res;
	const char *result;
	int r, rc;

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

/* One namespace of --all-namespaces: rollback_one() in it. */
static int
rollback_in_ns(struct cmd_env *env, const void *arg)
{
	const struct rollback_opts *o = arg;

	return rollback_one(env, FORMAT_TEXT, o->force);
}

/* The state directory of a listed namespace, when it holds a journal. */
static bool
journal_of(struct cmd_env *env, const struct tt_netns_entry *e, char *dir, size_t len)
{
	struct tt_netns ns;
	bool yes;

	if (tt_netns_open_path(e->path, &ns) < 0)
		return false;
	yes = ns.dev == e->dev && ns.ino == e->ino &&
	    cmd_netns_state_dir(env, &ns, dir, len) == 0 && cmd_netns_has_journal(dir);
	tt_netns_close(&ns);
	return yes;
}

/* The journals left below STATE_DIR/netns whose namespace is gone: each
 * reported, with the name it was applied under.  Their number. */
static unsigned
report_gone_journals(struct cmd_env *env, char (*seen)[PATH_MAX], size_t nseen)
{
	char base[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 8], name[256];
	unsigned n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(base, sizeof(base), "%s/netns", tt_ctx_state_dir(env->ctx));
	d = opendir(base);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		bool was_seen = false;
		FILE *f;

		if (de->d_name[0] == '.' ||
		    snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name) >= (int)sizeof(dir) ||
		    !cmd_netns_has_journal(dir))
			continue;
		for (size_t i = 0; i < nseen; i++)
			was_seen = was_seen || strcmp(seen[i], dir) == 0;
		if (was_seen)
			continue;
		snprintf(name, sizeof(name), "%s", "(no name recorded)");
		snprintf(path, sizeof(path), "%s/name", dir);
		f = fopen(path, "re");
		if (f != NULL && fgets(name, sizeof(name), f) != NULL)
			name[strcspn(name, "\n")] = '\0';
		if (f != NULL)
			fclose(f);
		printf("\n== %s (gone)\nthe namespace is gone, and its keys with it: nothing to "
		       "roll back; the journal of its last apply stays in %s\n",
		    cmd_term_str(name, path, sizeof(path)), dir);
		n++;
	}
	closedir(d);
	return n;
}

/*
 * rollback --all-namespaces: every namespace but the host's (plain
 * rollback is the host's) that has a journal, each under its own lock; a
 * journal whose namespace is gone is reported and the others go on.
 * Exit: 0 when every namespace still there was rolled back, else the
 * first failing namespace's code.
 */
static int
rollback_all(struct cmd_env *env, const struct rollback_opts *o)
{
	struct tt_netns_list l;
	char(*seen)[PATH_MAX];
	size_t nseen = 0;
	unsigned done = 0, failed = 0, gone;
	int r, first = 0;

	r = tt_netns_list(env->ctx, NULL, &l);
	if (r < 0) {
		cmd_err(env, "cannot list the network namespaces: %s", strerror(-r));
		return cmd_exit_for_errno(r);
	}
	seen = calloc(l.n + 1, sizeof(*seen));
	if (seen == NULL) {
		tt_netns_list_free(&l);
		return EXIT_SOFTWARE;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].kind == TT_NSK_HOST || !journal_of(env, &l.v[i], seen[nseen], PATH_MAX))
			continue;
		nseen++;
		r = cmd_in_netns(env, &l.v[i], NETNS_STATE_USE, rollback_in_ns, o);
		if (r != 0 && r != EXIT_NOINPUT) {
			failed++;
			first = first ? first : r;
		} else if (r == 0) {
			done++;
		}
	}
	gone = report_gone_journals(env, seen, nseen);
	printf("\n%u namespace%s rolled back, %u failed, %u gone with their keys\n", done,
	    done == 1 ? "" : "s", failed, gone);
	free(seen);
	tt_netns_list_free(&l);
	return first;
}

static int
run_rollback(struct cmd_env *env, int argc, char *argv[])
{
	struct rollback_opts o;
	int rc;

	env->changes_kernel = true;
	rc = rollback_parse(env, argc, argv, &o);
	if (rc != CMD_CONTINUE)
		return rc;
	if (o.all_namespaces)
		return rollback_all(env, &o);
	return rollback_one(env, o.format, o.force);
}

const struct cmd cmd_rollback = {
	.name = "rollback",
	.run = run_rollback,
	.usage = "[--netns NAME|PID|PATH | --all-namespaces] [--force] [--format text|json]",
	.help = "restore every key tcptune changed to its value before tcptune first "
		"changed it (--force: also keys someone else changed since)",
};
