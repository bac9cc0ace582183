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
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd-netns.h"
#include "cmd.h"
#include "json.h"
#include "lib/netns.h"
#include "lib/state.h"

/* The namespace this process entered for good (--netns), once: what every
 * output names. */
static struct {
	bool set;
	char name[256];
	unsigned long long cookie, ino;
} entered;

void
cmd_json_netns_entered(struct json *j)
{
	if (!entered.set) {
		json_null(j, "netns_entered");
		return;
	}
	json_obj_begin(j, "netns_entered");
	json_str(j, "name", entered.name);
	if (entered.cookie != 0)
		json_int(j, "cookie", (long long)entered.cookie);
	else
		json_null(j, "cookie");
	json_int(j, "inode", (long long)entered.ino);
	json_obj_end(j);
}

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

bool
cmd_netns_has_journal(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/journal", dir) < (int)sizeof(path) &&
	    lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

int
cmd_netns_state_dir(struct cmd_env *env, const struct tt_netns *ns, char *dir, size_t len)
{
	unsigned long long cookie = 0;
	char key[64];
	int r = tt_netns_cookie_of(ns, &cookie);

	if (r < 0 && r != -ENOPROTOOPT)
		return r;
	tt_state_key(
	    key, sizeof(key), cookie, (unsigned long long)ns->dev, (unsigned long long)ns->ino);
	if (snprintf(dir, len, "%s/" TT_STATE_NETNS_DIR "/%s", tt_ctx_state_dir(env->ctx), key) >=
	    (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Another namespace's journal recorded under the name given (a pid or name
 * now taken by another namespace): its directory into other.  A namespace
 * dir (NULL: the one tcptune runs in) that has a journal of its own is
 * the one meant.
 */
static bool
name_elsewhere(struct cmd_env *env, const char *name, const char *dir, char *other, size_t len)
{
	char base[PATH_MAX], path[PATH_MAX], line[512];
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (dir != NULL && cmd_netns_has_journal(dir))
		return false;
	snprintf(base, sizeof(base), "%s/" TT_STATE_NETNS_DIR, tt_ctx_state_dir(env->ctx));
	d = opendir(base);
	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		FILE *f;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", base, de->d_name) >= (int)sizeof(path) ||
		    (dir != NULL && strcmp(path, dir) == 0) || !cmd_netns_has_journal(path))
			continue;
		snprintf(other, len, "%s", path);
		if (strlen(path) + sizeof("/" TT_STATE_NAME_FILE) > sizeof(path))
			continue;
		strcat(path, "/" TT_STATE_NAME_FILE);
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		found = fgets(line, sizeof(line), f) != NULL &&
		    strcspn(line, "\n") == strlen(name) && strncmp(line, name, strlen(name)) == 0;
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * The namespace an argument names now is not the one whose journal was
 * kept under that name (its pid went to another process, its name to a
 * new namespace): rollback, status and confirm refuse; apply says it
 * starts afresh.  0, or an exit code.
 */
static int
check_recorded(struct cmd_env *env, const char *name, const char *dir, enum netns_state state,
    unsigned long long cookie)
{
	char other[PATH_MAX];

	if (state == NETNS_STATE_NONE || !name_elsewhere(env, name, dir, other, sizeof(other)))
		return 0;
	if (state == NETNS_STATE_RECORD) {
		cmd_message(env, TT_LOG_NOTICE, "note",
		    "%s is now network namespace cookie %llu, not the one applied to before "
		    "under that name: this apply starts its own journal; the earlier one "
		    "stays in %s",
		    name, cookie, other);
		return 0;
	}
	cmd_err(env,
	    "--netns %s: that is now network namespace cookie %llu%s, not the one its journal "
	    "was kept for (in %s): nothing done",
	    name, cookie, dir == NULL ? " (the one tcptune runs in)" : "", other);
	return EXIT_NOINPUT;
}

/*
 * A journal an earlier tcptune kept under the namespace's device and
 * inode (dir has none of its own): the inode may be a namespace's that is
 * gone, so it cannot be proven to be this one's.  0, or EXIT_DATAERR after
 * saying so.
 */
static int
check_legacy(struct cmd_env *env, const char *name, const char *dir, const struct tt_netns *ns)
{
	char legacy[PATH_MAX], key[64];

	tt_state_key(key, sizeof(key), 0, (unsigned long long)ns->dev, (unsigned long long)ns->ino);
	if (snprintf(legacy, sizeof(legacy), "%s/" TT_STATE_NETNS_DIR "/%s",
		tt_ctx_state_dir(env->ctx), key) >= (int)sizeof(legacy) ||
	    !cmd_netns_has_journal(legacy) || cmd_netns_has_journal(dir))
		return 0;
	cmd_err(env,
	    "--netns %s: the journal in %s names this namespace by its inode only, which the "
	    "kernel gives again to a namespace made after one is freed: it cannot be proven "
	    "to be this namespace's, so nothing was done.  If it is, put its originals back by "
	    "hand (they are in its journal) and move the directory away",
	    name, legacy);
	return EXIT_DATAERR;
}

int
cmd_enter_netns(struct cmd_env *env, const char *arg, enum netns_state state)
{
	return cmd_enter_netns_as(env, arg, arg, state, NULL);
}

/* The namespace's own state directory, by its cookie, checked on the
 * whole way to it (and made, with the name recorded, for apply) before
 * anything is written; then the context's.  0, or an exit code. */
static int
use_state(struct cmd_env *env, const struct tt_netns *ns, unsigned long long cookie,
    const char *name, enum netns_state state, bool check_name)
{
	char dir[PATH_MAX];
	int r;

	r = tt_state_netns_dir(env->ctx, cookie, (unsigned long long)ns->dev,
	    (unsigned long long)ns->ino, NULL, 0, dir, sizeof(dir));
	if (r < 0 && state != NETNS_STATE_NONE)
		return cmd_exit_for_errno(r);
	r = state != NETNS_STATE_NONE && cookie != 0 ? check_legacy(env, name, dir, ns) : 0;
	if (r == 0 && check_name)
		r = check_recorded(env, name, dir, state, cookie);
	if (r != 0)
		return r;
	if (state == NETNS_STATE_RECORD) {
		r = tt_state_netns_dir(env->ctx, cookie, (unsigned long long)ns->dev,
		    (unsigned long long)ns->ino, name, TT_STATE_CREATE, dir, sizeof(dir));
		if (r < 0)
			return cmd_exit_for_errno(r);
	}
	if (tt_ctx_set_state_dir(env->ctx, dir) < 0)
		return EXIT_SOFTWARE;
	return 0;
}

/* Enters ns for the rest of the process: 0, or an exit code. */
static int
enter_for_good(struct cmd_env *env, const char *arg, struct tt_netns *ns)
{
	int back, r = tt_netns_enter(ns, &back);

	if (r < 0) {
		cmd_err(env, "--netns %s: cannot enter it: %s%s", arg, strerror(-r),
		    r == -EPERM ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		return cmd_exit_for_errno(r);
	}
	if (back >= 0)
		close(back); /* the process stays in the namespace */
	return 0;
}

/* Names the namespace acted on, on standard error and in JSON. */
static void
name_it(struct cmd_env *env, const char *name, unsigned long long cookie, ino_t ino, bool here)
{
	cmd_message(env, TT_LOG_NOTICE, "note", "network namespace %s: cookie %llu, inode %llu%s",
	    name, cookie, (unsigned long long)ino, here ? " (the one tcptune runs in)" : "");
	entered.set = true;
	snprintf(entered.name, sizeof(entered.name), "%s", name);
	entered.cookie = cookie;
	entered.ino = (unsigned long long)ino;
}

int
cmd_enter_netns_as(struct cmd_env *env, const char *arg, const char *name, enum netns_state state,
    const struct tt_netns *expect)
{
	unsigned long long cookie = 0;
	struct tt_netns ns;
	dev_t dev;
	ino_t ino;
	int r;

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
	(void)tt_netns_cookie_of(&ns, &cookie);
	if (tt_netns_self(env->ctx, &dev, &ino) == 0 && dev == ns.dev && ino == ns.ino) {
		/* already there: the usual state directory */
		r = expect == NULL ? check_recorded(env, name, NULL, state, cookie) : 0;
		if (r == 0)
			name_it(env, name, cookie, ns.ino, true);
		tt_netns_close(&ns);
		return r;
	}
	/* A namespace found by its identity (expect) is the one meant. */
	r = use_state(env, &ns, cookie, name, state, expect == NULL);
	if (r == 0)
		r = enter_for_good(env, arg, &ns);
	if (r == 0)
		name_it(env, name, cookie, ns.ino, false);
	tt_netns_close(&ns);
	return r;
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

int
cmd_in_netns(struct cmd_env *env, const struct tt_netns_entry *e, enum netns_state state,
    int (*fn)(struct cmd_env *env, const void *arg), const void *arg)
{
	int status, rc;
	pid_t pid;

	printf("\n== %s (%s, netns inode %llu)\n", e->name, tt_netns_kind_name(e->kind),
	    (unsigned long long)e->ino);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		cmd_err(env, "fork: %s", strerror(errno));
		return EXIT_SOFTWARE;
	}
	if (pid == 0) {
		struct tt_netns id = { .fd = -1, .dev = e->dev, .ino = e->ino };

		rc = cmd_enter_netns_as(env, e->path, e->name, state, &id);
		if (rc == 0)
			rc = fn(env, arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_SOFTWARE;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SOFTWARE;
}
