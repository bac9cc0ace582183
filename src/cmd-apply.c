/*
 * tcptune apply: execute a profile's plan under the journal, and with
 * --confirm, leave a timer behind that undoes the apply unless
 * `tcptune confirm` comes in time.
 *
 * The timer is a detached process of tcptune's own, not a systemd-run
 * timer: it works the same on every init system, inside containers and
 * network namespaces (it inherits the namespace it must restore, which a
 * unit started by PID 1 would not), and it keeps the journal as it was
 * before the apply in memory, so it can go back exactly one step.  It
 * starts a new session (setsid), so a hangup of the terminal or SSH
 * session that ran apply does not reach it, and it holds no descriptor of
 * that session.  Where logind is set to kill a user's processes at logout
 * (KillUserProcesses=yes) it would die with the session; the journal then
 * still shows the pending confirmation, and `tcptune status` says that
 * the deadline passed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cmd-netns.h"
#include "cmd-applier.h"
#include "cmd-guard.h"
#include "cmd-rates.h"
#include "lib/guard.h"
#include "lib/journal.h"
#include "lib/netns.h"
#include "lib/sysctld.h"
#include "lib/watchdog.h"
#include "out-guard.h"
#include "out-sysctld.h"

enum {
	OPT_CONFIRM = OPT_CMD_BASE,
	OPT_SKIP_REFUSED,
	OPT_IGNORE_UNKNOWN,
	OPT_BOOT,
	OPT_ALL_NAMESPACES,
	OPT_GUARD,
	OPT_GUARD_WINDOW,
	OPT_CONFIRM_IF_HEALTHY,
	OPT_WAIT,
};

/* apply --guard without --confirm: the confirmation waits this long after
 * the guard's window. */
#define GUARD_CONFIRM_AFTER_WINDOW 300

static void
log_syslog(void *data, int prio, const char *fmt, va_list ap)
{
	(void)data;
	vsyslog(prio, fmt, ap);
}

/* The watchdog's life, in its own process: the library's, logging to
 * syslog. */
static void
watchdog(struct tt_ctx *ctx, const struct tt_watch *w)
{
	openlog("tcptune", LOG_PID, LOG_DAEMON);
	tt_ctx_set_log(ctx, log_syslog, NULL);
	tt_watchdog(ctx, w);
}

/*
 * Starts the watchdog, detached: fork, setsid, fork again so it can never
 * regain a controlling terminal, standard descriptors on /dev/null.
 * Returns 0 once the watchdog runs, or a negative errno.
 */
static int
start_watchdog(struct tt_ctx *ctx, int state, const struct tt_watch *w)
{
	int pipefd[2], status;
	sigset_t unblocked;
	pid_t pid;
	char ok = 0;

	sigemptyset(&unblocked);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return e;
	}
	if (pid == 0) {
		int devnull;
		long max;

		close(pipefd[0]);
		/* The lock is the parent's until it exits: flock belongs to
		 * the open directory, which this copy must not keep open. */
		tt_state_close(state);
		if (setsid() < 0)
			_exit(1);
		signal(SIGHUP, SIG_IGN);
		sigprocmask(SIG_SETMASK, &unblocked, NULL);
		pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0)
			_exit(1);
		if (devnull > 2)
			close(devnull);
		/* Leave the caller's directory unless a path is relative
		 * to it. */
		if (tt_ctx_proc_root(ctx)[0] == '/' && tt_ctx_state_dir(ctx)[0] == '/' &&
		    chdir("/") < 0)
			_exit(1);
		ok = 1;
		if (write(pipefd[1], &ok, 1) != 1)
			_exit(1);
		/* Keep nothing of the caller's: an inherited pipe would keep
		 * whoever reads it waiting for the whole window. */
		max = sysconf(_SC_OPEN_MAX);
		for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close((int)fd);
		watchdog(ctx, w);
		_exit(0);
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The grandchild says it is running; EOF without a byte: it is not. */
	if (read(pipefd[0], &ok, 1) != 1)
		ok = 0;
	close(pipefd[0]);
	return ok ? 0 : -ECHILD;
}

/*
 * apply --boot, for tcptune.service: one line per key and one summary, each
 * with its syslog priority in front ("<6>") so the journal files it at
 * that level.  Nothing asks for confirmation: nobody is there to give it.
 */
static void
boot_refused(struct cmd_env *env, const struct tt_profile *prof, const struct tt_plan *plan)
{
	char a[TT_VAL_STRLEN];

	for (int i = 0; i < plan->n; i++) {
		const struct tt_plan_item *it = &plan->items[i];

		if (it->action == TT_PLAN_REFUSE)
			cmd_report(env, TT_LOG_ERR, "%s = %s refused: %s", tt_key_get(it->id)->name,
			    tt_val_format(&it->target, a, sizeof(a)), it->why);
	}
	cmd_report(env, TT_LOG_ERR, "%s: %d key%s refused, so nothing was written", prof->path,
	    plan->nrefuse, plan->nrefuse == 1 ? "" : "s");
}

static void
boot_report(struct cmd_env *env, const struct tt_profile *prof, const struct tt_plan *plan,
    const struct tt_result *res, int r)
{
	char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];

	for (int i = 0; i < res->n; i++) {
		const struct tt_key_result *kr = &res->keys[i];
		bool bad = kr->outcome == TT_OUT_FAILED || kr->outcome == TT_OUT_RESTORE_FAILED;

		cmd_report(env, bad ? TT_LOG_ERR : TT_LOG_INFO, "%s: %s -> %s: %s",
		    tt_key_get(kr->id)->name,
		    kr->from.n ? tt_val_format(&kr->from, a, sizeof(a)) : "?",
		    tt_val_format(&kr->to, b, sizeof(b)), tt_outcome_name(kr->outcome));
	}
	for (int i = 0; i < plan->n; i++)
		if (plan->items[i].caution[0] != '\0' && plan->items[i].action != TT_PLAN_REFUSE)
			cmd_report(env, TT_LOG_WARNING, "%s: %s",
			    tt_key_get(plan->items[i].id)->name, plan->items[i].caution);
	if (r != 0)
		return; /* the errors follow on standard error */
	if (plan->n == 0)
		cmd_report(env, TT_LOG_NOTICE, "%s sets no key: nothing to do", prof->path);
	else if (!res->changed)
		cmd_report(env, TT_LOG_NOTICE, "%s: every key already at its target (%d)",
		    prof->path, plan->nkeep);
	else
		cmd_report(env, TT_LOG_NOTICE,
		    "%s: applied, %d key%s written and read back, %d already at target", prof->path,
		    res->n, res->n == 1 ? "" : "s", plan->nkeep);
}

static unsigned long long
new_token(void)
{
	unsigned long long t;

	if (getrandom(&t, sizeof(t), GRND_NONBLOCK) != (ssize_t)sizeof(t))
		t = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	return t & (unsigned long long)LLONG_MAX;
}

static void
json_result(FILE *f, const struct tt_profile *prof, const char *result, bool changed,
    const struct tt_result *res, const struct tt_snapshot *snap, const struct tt_plan *plan,
    long long deadline, const struct tt_guard *g, double window,
    const struct tt_guard_verdict *verdict)
{
	struct json j;

	json_document_begin(&j, f);
	json_bool(&j, "changed", changed);
	json_str(&j, "result", result);
	cmd_json_netns_entered(&j);
	if (deadline != 0)
		json_int(&j, "confirm_deadline", deadline);
	else
		json_null(&j, "confirm_deadline");
	out_guard_json(&j, g, window);
	if (verdict != NULL)
		out_guard_verdict_json(&j, "guard_verdict", verdict);
	if (plan != NULL)
		applier_json_plan(&j, snap, prof, plan);
	else
		cmd_json_profile(&j, "profile", prof);
	if (res != NULL)
		applier_json_keys(&j, res);
	if (plan != NULL)
		applier_json_notes(&j, snap, prof);
	json_obj_end(&j);
	json_finish(&j);
}

/* What the command line asks for. */
struct apply_opts {
	enum output_format format;
	unsigned flags; /* TT_PROFILE_* */
	bool skip_refused;
	bool boot;
	long long confirm; /* seconds to wait for `tcptune confirm`; 0: none */
	const char *profile;
	bool all_namespaces;     /* every namespace but the host's, one by one */
	bool guard;              /* watch the counters that show harm, undo if worse */
	long long guard_window;  /* seconds; 0: the profile's [guard] window */
	bool confirm_if_healthy; /* the guard confirms when its window passes healthy */
	bool wait;               /* wait for the guard's verdict; exit by it */
};

/* What one apply works on, and what it leaves for the report. */
struct apply_run {
	struct tt_profile *prof;
	struct tt_snapshot snap;
	struct tt_plan plan;
	char abspath[PATH_MAX]; /* the profile, as the journal records it */
	int state;              /* the locked state directory, or -1 */
	long long deadline;     /* of the confirmation, 0: none */
	long long confirm;      /* seconds it waits, 0: none */
	unsigned long long token;
	struct tt_journal old; /* the journal before the apply ... */
	bool had_old;          /* ... if there was one */
	struct tt_result res;
	int r; /* tt_apply()'s answer */
	sigset_t saved;
	bool held;    /* signals held off, saved to restore */
	bool guarded; /* --guard: guard and window below */
	struct tt_guard guard;
	double window;
	struct tt_guard_reading base[TT_GUARD_BASELINE_MAX]; /* the baseline's readings */
	int nbase;
	bool waited; /* --wait: verdict is the guard's */
	struct tt_guard_verdict verdict;
};

/* SECONDS of an option, 1..max, into *out; false when it is not that. */
static bool
seconds_option(const char *arg, long long max, long long *out)
{
	struct tt_val v;

	if (tt_val_parse(arg, 1, &v, NULL) < 0 || v.v[0] < 1 || v.v[0] > max)
		return false;
	*out = v.v[0];
	return true;
}

/* The options that do not go together; CMD_CONTINUE or EXIT_USAGE. */
static int
apply_opts_check(struct cmd_env *env, const struct apply_opts *o)
{
	if ((o->confirm_if_healthy || o->wait) && !o->guard)
		return cmd_usage_error(
		    env, &cmd_apply, "--confirm-if-healthy and --wait go with --guard");
	if (o->all_namespaces && (o->boot || o->format != FORMAT_TEXT || env->netns_name[0]))
		return cmd_usage_error(env, &cmd_apply,
		    "--all-namespaces goes with none of --boot, --format json, --netns");
	/* At boot a profile applies whole or not at all, and nobody is
	 * there to confirm or to read JSON. */
	if (o->boot && (o->confirm != 0 || o->skip_refused || o->format != FORMAT_TEXT || o->guard))
		return cmd_usage_error(env, &cmd_apply,
		    "--boot goes with none of --confirm, --guard, --skip-refused, --format");
	return CMD_CONTINUE;
}

static int
apply_parse(struct cmd_env *env, int argc, char *argv[], struct apply_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		NETNS_LONG_OPTION,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "confirm", required_argument, NULL, OPT_CONFIRM },
		{ "skip-refused", no_argument, NULL, OPT_SKIP_REFUSED },
		{ "ignore-unknown", no_argument, NULL, OPT_IGNORE_UNKNOWN },
		{ "boot", no_argument, NULL, OPT_BOOT },
		{ "all-namespaces", no_argument, NULL, OPT_ALL_NAMESPACES },
		{ "guard", no_argument, NULL, OPT_GUARD },
		{ "guard-window", required_argument, NULL, OPT_GUARD_WINDOW },
		{ "confirm-if-healthy", no_argument, NULL, OPT_CONFIRM_IF_HEALTHY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	*o = (struct apply_opts){ .format = FORMAT_TEXT };
	while ((opt = cmd_getopt(env, &cmd_apply, argc, argv, longopts, &r)) != -1) {
		switch (opt) {
		case CMD_OPT_STOP:
			return r;
		case OPT_FORMAT:
			if ((r = cmd_format_option(env, &cmd_apply, optarg, &o->format)) != 0)
				return r;
			break;
		case OPT_CONFIRM:
			if (!seconds_option(optarg, 86400, &o->confirm))
				return cmd_usage_error(
				    env, &cmd_apply, "--confirm needs SECONDS, 1..86400");
			break;
		case OPT_SKIP_REFUSED:
			o->skip_refused = true;
			break;
		case OPT_IGNORE_UNKNOWN:
			o->flags |= TT_PROFILE_IGNORE_UNKNOWN;
			break;
		case OPT_BOOT:
			o->boot = true;
			break;
		case OPT_ALL_NAMESPACES:
			o->all_namespaces = true;
			break;
		case OPT_GUARD_WINDOW:
			if (!seconds_option(optarg, 3600, &o->guard_window))
				return cmd_usage_error(
				    env, &cmd_apply, "--guard-window needs SECONDS, 1..3600");
			o->guard = true;
			break;
		case OPT_GUARD:
		case OPT_CONFIRM_IF_HEALTHY:
		case OPT_WAIT:
			*(opt == OPT_GUARD      ? &o->guard :
				opt == OPT_WAIT ? &o->wait :
						  &o->confirm_if_healthy) = true;
			break;
		}
	}
	if ((r = cmd_netns_enter_option(env, NETNS_STATE_RECORD)) != 0)
		return r;
	if (argc - optind != 1)
		return cmd_usage_error(env, &cmd_apply, "one PROFILE expected");
	o->profile = argv[optind];
	return apply_opts_check(env, o);
}

/*
 * Loads the profile, locks the state directory and makes the plan.  Lock
 * first, then read: the values the journal records as "before" must be the
 * ones no other tcptune is changing.  0, or an exit code.
 */
static int
apply_prepare(struct cmd_env *env, const struct apply_opts *o, struct apply_run *a)
{
	int r;

	r = applier_load_profile(env, o->profile, o->flags, &a->prof);
	if (r != 0)
		return r;
	if (realpath(a->prof->path, a->abspath) == NULL)
		snprintf(a->abspath, sizeof(a->abspath), "%s", a->prof->path);
	a->state = tt_state_open(env->ctx, APPLIER_LOCK_WAIT_MS);
	if (a->state < 0)
		return cmd_exit_for_errno(a->state);
	r = applier_snapshot(env, o->boot ? TT_GATHER_SYSCTLD : TT_GATHER_CENSUS, &a->snap);
	if (r != 0)
		return r;
	tt_plan_make(&a->snap, a->prof, &a->plan);
	if (o->boot)
		sysctld_log_conflicts(env, &a->snap, a->prof);
	return 0;
}

static void
apply_run_free(struct apply_run *a)
{
	applier_snapshot_free(&a->snap);
	tt_state_close(a->state);
	tt_profile_free(a->prof);
	if (a->held)
		applier_release_signals(&a->saved);
}

/* A plan with refusals, without --skip-refused: nothing is written. */
static int
apply_refused(struct cmd_env *env, const struct apply_opts *o, const struct apply_run *a)
{
	if (o->boot)
		boot_refused(env, a->prof, &a->plan);
	else if (o->format == FORMAT_JSON)
		json_result(
		    stdout, a->prof, "refused", false, NULL, &a->snap, &a->plan, 0, NULL, 0, NULL);
	else
		applier_print_plan(stdout, &a->snap, a->prof, &a->plan);
	if (!o->boot)
		cmd_err(env,
		    "refused: nothing was written (see above; --skip-refused "
		    "applies the other keys)");
	return EXIT_DATAERR;
}

/*
 * Without a timer the promise of --confirm cannot be kept: the apply is
 * undone at once.  The apply asked for did not happen: every key back is
 * EXIT_IOERR, as for a failed write put back; a key left is EXIT_SOFTWARE.
 */
static int
apply_undo_untimed(struct cmd_env *env, const struct apply_opts *o, struct apply_run *a, int e)
{
	struct tt_result undo;
	int r;

	cmd_err(env,
	    "cannot start the confirmation timer (%s): undoing the "
	    "apply",
	    strerror(-e));
	r = tt_undo_unconfirmed(
	    env->ctx, a->state, a->token, a->had_old ? &a->old : NULL, NULL, &undo);
	if (r < 0)
		cmd_err(env,
		    "undoing the apply failed too (%s): run `tcptune "
		    "rollback`",
		    strerror(-r));
	if (o->format == FORMAT_TEXT)
		applier_print_keys(stdout, &undo);
	return r < 0 ? EXIT_SOFTWARE : EXIT_IOERR;
}

static void
apply_report_text(struct cmd_env *env, const struct apply_opts *o, const struct apply_run *a)
{
	const struct tt_plan *plan = &a->plan;
	const struct tt_result *res = &a->res;

	printf("profile %s\n", a->abspath);
	applier_print_keys(stdout, res);
	for (int i = 0; i < plan->n; i++)
		if (plan->items[i].caution[0] != '\0' && plan->items[i].action != TT_PLAN_REFUSE) {
			printf("  %-32s\n", tt_key_get(plan->items[i].id)->name);
			applier_print_caution(stdout, &plan->items[i]);
		}
	for (int i = 0; i < plan->n; i++)
		if (plan->items[i].action == TT_PLAN_REFUSE) {
			printf("  %-32s skipped (refused):\n    ",
			    tt_key_get(plan->items[i].id)->name);
			cmd_wrap(stdout, plan->items[i].why, 4, 78);
		}
	if (a->r == 0 && !res->changed)
		printf("unchanged: every key was already at its target (%d)\n", plan->nkeep);
	else if (a->r == 0)
		printf("applied: %d key%s written and read back; `%s` "
		       "restores the originals\n",
		    res->n, res->n == 1 ? "" : "s", cmd_hint(env, "rollback"));
	if (a->r == 0 && res->changed && a->guarded)
		out_guard_text(stdout, &a->guard, a->window);
	if (a->waited)
		out_guard_verdict_text(stdout, &a->verdict, 0);
	if (a->waited && a->verdict.outcome == TT_GUARD_WORSE)
		printf("the keys above are back at their values before this apply\n");
	else if (a->r == 0 && res->changed && a->guarded && o->confirm_if_healthy)
		printf("confirmed by itself if the host stays healthy for %.0f s\n", a->window);
	else if (a->r == 0 && res->changed && a->deadline != 0)
		printf("waiting for confirmation: run `%s` within %lld "
		       "seconds, or these keys go back by themselves\n",
		    cmd_hint(env, "confirm"), a->confirm);
	if (a->r == 0 && res->changed)
		applier_print_notes(stdout, &a->snap, a->prof);
}

/* After the report, on standard error: what failed, and what to do. */
static void
apply_report_failure(struct cmd_env *env, const struct apply_run *a)
{
	const struct tt_result *res = &a->res;

	if (a->r == -EIO) {
		for (int i = 0; i < res->n; i++)
			if (res->keys[i].outcome == TT_OUT_FAILED)
				cmd_err(env,
				    "apply failed at %s (%s); every key written before it "
				    "was put back and read back: the host is as it was",
				    tt_key_get(res->keys[i].id)->name, strerror(res->keys[i].err));
	} else if (a->r == -ENOTRECOVERABLE) {
		applier_print_unrestored(env, res, tt_ctx_proc_root(env->ctx));
	}
}

/*
 * apply --guard, before anything is written: the window and the confirmation
 * (--confirm, or the window and GUARD_CONFIRM_AFTER_WINDOW more), and the
 * baseline.  Returns the seconds the confirmation waits, or -1 when the
 * counters cannot be read.
 */
static long long
guard_prepare(struct cmd_env *env, const struct apply_opts *o, struct apply_run *a)
{
	const struct tt_guard_config *cfg = &a->prof->guard;
	long long confirm = o->confirm;

	a->window = o->guard_window > 0 ? (double)o->guard_window : cfg->window;
	if (confirm == 0)
		confirm = (long long)a->window + GUARD_CONFIRM_AFTER_WINDOW;
	if (a->window > (double)confirm)
		a->window = (double)confirm;
	a->nbase =
	    cmd_guard_baseline(env, cfg, o->format == FORMAT_TEXT, a->base, TT_GUARD_BASELINE_MAX);
	if (a->nbase < 2)
		return -1;
	a->guarded = true;
	return confirm;
}

/* --wait: the lock and the signals let go, so that the watchdog can act
 * and Ctrl-C stops the wait; the verdict kept for the report. */
static int
guard_wait(struct cmd_env *env, struct apply_run *a)
{
	tt_state_close(a->state);
	a->state = -1;
	applier_release_signals(&a->saved);
	a->held = false;
	a->waited = true;
	return cmd_guard_wait(env, a->token, a->window, &a->verdict);
}

/*
 * Writes the plan under the journal, with the signals that would end
 * tcptune held off, and starts the confirmation timer.  Reports the
 * result; returns the exit code.
 */
static int
apply_execute(struct cmd_env *env, const struct apply_opts *o, struct apply_run *a)
{
	struct tt_apply_params p;
	const char *result;
	int rc, r, wait_rc = -1;
	long long confirm = o->confirm;

	if (o->guard) {
		confirm = guard_prepare(env, o, a);
		if (confirm < 0)
			return EXIT_SOFTWARE;
	}
	a->confirm = confirm;
	if (confirm != 0) {
		a->deadline = (long long)time(NULL) + confirm;
		a->token = new_token();
	}
	applier_hold_signals(&a->saved);
	a->held = true;
	p.state = a->state;
	p.plan = &a->plan;
	p.profile = a->abspath;
	p.confirm_deadline = a->deadline;
	p.confirm_token = a->token;
	a->r = tt_apply(env->ctx, &p, &a->old, &a->had_old, &a->res);
	if (a->r == 0 && a->res.changed && confirm != 0) {
		struct tt_watch w = {
			.deadline = a->deadline,
			.token = a->token,
			.old = a->had_old ? &a->old : NULL,
			.guard = a->guarded ? &a->guard : NULL,
			.window = a->window,
			.confirm_if_healthy = o->confirm_if_healthy,
			.lock_wait_ms = APPLIER_LOCK_WAIT_MS,
			.rollback_hint = cmd_hint(env, "rollback"),
			.status_hint = cmd_hint(env, "status"),
		};

		if (a->guarded)
			tt_guard_start(
			    &a->guard, &a->prof->guard, a->base, a->nbase, tt_monotonic());
		r = start_watchdog(env->ctx, a->state, &w);
		if (r < 0)
			return apply_undo_untimed(env, o, a, r);
		if (a->guarded && o->wait)
			wait_rc = guard_wait(env, a);
	}
	switch (a->r) {
	case 0:
		result = a->res.changed ? "applied" : "unchanged";
		rc = EXIT_CLEAN;
		break;
	case -EIO:
		result = "failed-restored";
		rc = EXIT_IOERR;
		break;
	case -ENOTRECOVERABLE:
		result = "failed-not-restored";
		rc = EXIT_SOFTWARE;
		break;
	case -EAGAIN:
		result = "changed-meanwhile";
		rc = EXIT_TEMPFAIL;
		break;
	default:
		return cmd_exit_for_errno(a->r);
	}
	if (o->boot)
		boot_report(env, a->prof, &a->plan, &a->res, a->r);
	else if (o->format == FORMAT_JSON)
		json_result(stdout, a->prof, result, a->res.changed, &a->res, &a->snap, &a->plan,
		    a->deadline, a->guarded ? &a->guard : NULL, a->window,
		    a->waited ? &a->verdict : NULL);
	else
		apply_report_text(env, o, a);
	apply_report_failure(env, a);
	return wait_rc >= 0 ? wait_rc : rc;
}

/* One apply, in the namespace the process is in. */
static int
apply_one(struct cmd_env *env, const struct apply_opts *o)
{
	struct apply_run a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.state = -1;
	rc = apply_prepare(env, o, &a);
	if (rc == 0 && a.plan.nrefuse > 0 && !o->skip_refused)
		rc = apply_refused(env, o, &a);
	else if (rc == 0)
		rc = apply_execute(env, o, &a);
	apply_run_free(&a);
	return rc;
}

/* One namespace of --all-namespaces: apply_one() in it. */
static int
apply_in_ns(struct cmd_env *env, const void *arg)
{
	return apply_one(env, arg);
}

/*
 * apply --all-namespaces: every namespace but the host's (plain apply is
 * the host's), each with its own journal and promises.  A namespace gone
 * is reported and the others go on.  Exit: 0 when every namespace still
 * there took the profile, else the first failing namespace's code.
 */
static int
apply_all(struct cmd_env *env, const struct apply_opts *o)
{
	struct tt_netns_list l;
	unsigned done = 0, gone = 0, failed = 0;
	int r, first = 0;

	r = tt_netns_list(env->ctx, NULL, &l);
	if (r < 0) {
		cmd_err(env, "cannot list the network namespaces: %s", strerror(-r));
		return cmd_exit_for_errno(r);
	}
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].kind == TT_NSK_HOST)
			continue;
		r = cmd_in_netns(env, &l.v[i], NETNS_STATE_RECORD, apply_in_ns, o);
		if (r == EXIT_NOINPUT) {
			gone++;
		} else if (r != 0) {
			failed++;
			first = first ? first : r;
		} else {
			done++;
		}
	}
	printf("\n%u namespace%s applied, %u failed, %u gone before their turn\n", done,
	    done == 1 ? "" : "s", failed, gone);
	tt_netns_list_free(&l);
	return first;
}

static int
run_apply(struct cmd_env *env, int argc, char *argv[])
{
	struct apply_opts o;
	int rc;

	env->changes_kernel = true;
	rc = apply_parse(env, argc, argv, &o);
	if (rc != CMD_CONTINUE)
		return rc;
	if (o.boot) {
		env->journal = true;
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	if (o.all_namespaces)
		return apply_all(env, &o);
	return apply_one(env, &o);
}

const struct cmd cmd_apply = {
	.name = "apply",
	.run = run_apply,
	.usage =
	    "[--boot] [--netns NAME|PID|PATH | --all-namespaces] [--guard [--guard-window SECONDS] "
	    "[--confirm-if-healthy] [--wait]] [--confirm SECONDS] [--skip-refused] [--format text|json] "
	    "[--ignore-unknown] PROFILE",
	.help =
	    "write a profile's keys, journal first, each read back; on any failure "
	    "put everything back (with --confirm, undone unless confirmed in time; with --guard, "
	    "undone at once if the host gets worse)",
};
