/*
 * --netns for plan, apply, rollback, status and confirm: the process
 * enters the namespace once, before it reads anything, and keeps the
 * journal of that namespace in a state directory of its own.  Every
 * promise of the applier (journal first, read back, roll back all,
 * timed confirm) then holds for that namespace as it holds for the host.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd-netns.h"
#include "cmd.h"
#include "lib/netns.h"

#define NETNS_NAME_FILE "name"

/* Writes the name given to --netns beside the namespace's journal (dir,
 * below the state directory, which is still the host's). */
static void
record_name(struct cmd_env *env, const char *dir, const char *arg)
{
	char parent[PATH_MAX], path[PATH_MAX];
	FILE *f;

	snprintf(parent, sizeof(parent), "%s/netns", tt_ctx_state_dir(env->ctx));
	(void)mkdir(tt_ctx_state_dir(env->ctx), 0700);
	(void)mkdir(parent, 0700);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return; /* tt_state_open() says why, if it matters */
	if (snprintf(path, sizeof(path), "%s/" NETNS_NAME_FILE, dir) >= (int)sizeof(path))
		return;
	f = fopen(path, "we");
	if (f == NULL)
		return;
	fprintf(f, "%s\n", arg);
	fclose(f);
}

/* A namespace that is gone: where its journal was, when one was kept. */
static void
report_gone(struct cmd_env *env, const char *arg)
{
	char dir[PATH_MAX], path[PATH_MAX], line[512];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/netns", tt_ctx_state_dir(env->ctx));
	cmd_err(env, "network namespace %s: no such `ip netns` name, process or file", arg);
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		FILE *f;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s/" NETNS_NAME_FILE, dir, de->d_name) >=
			(int)sizeof(path))
			continue;
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL && strcspn(line, "\n") == strlen(arg) &&
		    strncmp(line, arg, strlen(arg)) == 0)
			cmd_message(env, TT_LOG_NOTICE, "note",
			    "network namespace %s is gone, and its keys with it: nothing to roll "
			    "back; the journal of its last apply stays in %s/%s",
			    arg, dir, de->d_name);
		fclose(f);
	}
	closedir(d);
}

int
cmd_enter_netns(struct cmd_env *env, const char *arg, bool record)
{
	return cmd_enter_netns_as(env, arg, arg, record, NULL);
}

int
cmd_enter_netns_as(struct cmd_env *env, const char *arg, const char *name, bool record,
    const struct tt_netns *expect)
{
	char dir[PATH_MAX];
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
	snprintf(dir, sizeof(dir), "%s/netns/%llu-%llu", tt_ctx_state_dir(env->ctx),
	    (unsigned long long)ns.dev, (unsigned long long)ns.ino);
	r = tt_netns_enter(&ns, &back);
	tt_netns_close(&ns);
	if (r < 0) {
		cmd_err(env, "--netns %s: cannot enter it: %s%s", arg, strerror(-r),
		    r == -EPERM ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		return cmd_exit_for_errno(r);
	}
	if (back >= 0)
		close(back); /* the process stays in the namespace */
	if (record)
		record_name(env, dir, name);
	if (tt_ctx_set_state_dir(env->ctx, dir) < 0)
		return EXIT_SOFTWARE;
	return 0;
}

int
cmd_netns_enter_option(struct cmd_env *env, bool record)
{
	const char *arg = env->netns;

	if (arg == NULL)
		return 0;
	env->netns = NULL;
	return cmd_enter_netns(env, arg, record);
}
