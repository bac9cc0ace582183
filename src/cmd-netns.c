/*
 * --netns for plan, apply, rollback, status and confirm: the process
 * enters the namespace once, before it reads anything, and keeps the
 * journal of that namespace in a state directory of its own.  Every
 * promise of the applier (journal first, read back, roll back all,
 * timed confirm) then holds for that namespace as it holds for the host.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd-netns.h"
#include "cmd.h"
#include "lib/netns.h"
#include "lib/state.h"

struct gone {
	struct cmd_env *env;
	const char *arg;
};

static void
note_gone(const char *dir, void *data)
{
	const struct gone *g = data;

	cmd_message(g->env, TT_LOG_NOTICE, "note",
	    "network namespace %s is gone, and its keys with it: nothing to roll "
	    "back; the journal of its last apply stays in %s",
	    g->arg, dir);
}

/* A namespace that is gone: where its journal was, when one was kept. */
static void
report_gone(struct cmd_env *env, const char *arg)
{
	struct gone g = { .env = env, .arg = arg };

	cmd_err(env, "network namespace %s: no such `ip netns` name, process or file", arg);
	(void)tt_state_netns_named(env->ctx, arg, note_gone, &g);
}

int
cmd_enter_netns(struct cmd_env *env, const char *arg, enum netns_state state)
{
	return cmd_enter_netns_as(env, arg, arg, state, NULL);
}

/* The namespace's own state directory, checked on the whole way to it
 * (and made, with the name recorded, for apply) before anything is
 * written; then the context's.  0, or an exit code. */
static int
use_state(struct cmd_env *env, const struct tt_netns *ns, const char *name, enum netns_state state)
{
	char dir[PATH_MAX];
	int r;

	r = tt_state_netns_dir(env->ctx, (unsigned long long)ns->dev, (unsigned long long)ns->ino,
	    name, state == NETNS_STATE_RECORD ? TT_STATE_CREATE : 0, dir, sizeof(dir));
	if (r < 0 && state != NETNS_STATE_NONE)
		return cmd_exit_for_errno(r);
	if (tt_ctx_set_state_dir(env->ctx, dir) < 0)
		return EXIT_SOFTWARE;
	return 0;
}

int
cmd_enter_netns_as(struct cmd_env *env, const char *arg, const char *name, enum netns_state state,
    const struct tt_netns *expect)
{
	struct tt_netns ns;
	dev_t dev;
	ino_t ino;
	int back, r;

	r = tt_netns_open(env->ctx, arg, NULL, &ns);
	if (r == 0 && expect != NULL && (ns.dev != expect->dev || ns.ino != expect->ino)) {
		tt_netns_close(&ns); /* its pid went to a process elsewhere */
		r = -ENOENT;
	}
	if (r == -ENOENT) {
		report_gone(env, name);
		return EXIT_NOINPUT;
	}
	if (r < 0) {
		cmd_err(env, "--netns %s: %s", arg,
		    r == -EINVAL ? "not a network namespace" : strerror(-r));
		return cmd_exit_for_errno(r);
	}
	snprintf(env->netns_name, sizeof(env->netns_name), "%s", name);
	if (tt_netns_self(env->ctx, &dev, &ino) == 0 && dev == ns.dev && ino == ns.ino) {
		tt_netns_close(&ns); /* already there: the usual state directory */
		return 0;
	}
	r = use_state(env, &ns, name, state);
	if (r != 0) {
		tt_netns_close(&ns);
		return r;
	}
	r = tt_netns_enter(&ns, &back);
	tt_netns_close(&ns);
	if (r < 0) {
		cmd_err(env, "--netns %s: cannot enter it: %s%s", arg, strerror(-r),
		    r == -EPERM ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		return cmd_exit_for_errno(r);
	}
	if (back >= 0)
		close(back); /* the process stays in the namespace */
	return 0;
}

int
cmd_netns_enter_option(struct cmd_env *env, enum netns_state state)
{
	const char *arg = env->netns;

	if (arg == NULL)
		return 0;
	env->netns = NULL;
	return cmd_enter_netns(env, arg, state);
}
