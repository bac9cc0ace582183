#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "out-file.h"

/* "DIR/.NAME.XXXXXX": hidden, and without the name's suffix, so that a
 * collector that reads the files ending in .prom never picks the
 * half-written one up. */
static char *
tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	size_t len = strlen(path) + sizeof("/..XXXXXX");
	char *t = malloc(len);

	if (t == NULL)
		return NULL;
	snprintf(t, len, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	return t;
}

/*
 * The temporary file being written, removed by a signal that ends the
 * process (SIGTERM, SIGINT, SIGHUP) before the signal does its default
 * work.  One output file at a time.
 */
static const int clean_signals[] = { SIGTERM, SIGINT, SIGHUP };
#define NCLEAN (sizeof(clean_signals) / sizeof(clean_signals[0]))
static char *volatile pending_tmp;
static struct sigaction saved[NCLEAN];

static void
on_signal(int sig)
{
	char *t = pending_tmp;

	if (t != NULL)
		(void)unlink(t);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
guard_tmp(char *tmp)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCLEAN; i++)
		sigaddset(&sa.sa_mask, clean_signals[i]);
	pending_tmp = tmp;
	for (size_t i = 0; i < NCLEAN; i++) {
		(void)sigaction(clean_signals[i], NULL, &saved[i]);
		if (saved[i].sa_handler != SIG_IGN)
			(void)sigaction(clean_signals[i], &sa, NULL);
	}
}

static void
unguard_tmp(void)
{
	if (pending_tmp == NULL)
		return;
	for (size_t i = 0; i < NCLEAN; i++)
		(void)sigaction(clean_signals[i], &saved[i], NULL);
	pending_tmp = NULL;
}

/* -EEXIST when path names something that is not a regular file (a
 * device, a FIFO, a directory, a symlink), which a rename would replace. */
static int
check_target(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISREG(st.st_mode) ? 0 : -EEXIST;
}

int
out_file_open(struct out_file *o, const char *path)
{
	mode_t mask;
	int fd, e;

	*o = (struct out_file){ .f = NULL };
	if (path[0] == '\0' || path[strlen(path) - 1] == '/')
		return -EISDIR;
	e = check_target(path);
	if (e < 0)
		return e;
	o->path = strdup(path);
	o->tmp = tmp_name(path);
	if (o->path == NULL || o->tmp == NULL) {
		out_file_abort(o);
		return -ENOMEM;
	}
	guard_tmp(o->tmp);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		unguard_tmp();
		free(o->tmp);
		o->tmp = NULL;
		out_file_abort(o);
		return e;
	}
	/* mkstemp() makes the file 0600; the file gets what the umask allows,
	 * as a file made by a shell redirection would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		e = -errno;
		close(fd);
		out_file_abort(o);
		return e;
	}
	return 0;
}

int
out_file_commit(struct out_file *o)
{
	int e = 0;

	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) < 0)
		e = errno ? -errno : -EIO;
	if (fclose(o->f) != 0 && e == 0)
		e = -errno;
	o->f = NULL;
	if (e == 0)
		e = check_target(o->path);
	if (e == 0 && rename(o->tmp, o->path) < 0)
		e = -errno;
	if (e < 0) {
		out_file_abort(o);
		return e;
	}
	/* The rename lasts once the directory is synced too. */
	{
		char *dir = strdup(o->path);
		int dfd = dir ? open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	unguard_tmp();
	free(o->tmp);
	free(o->path);
	*o = (struct out_file){ .f = NULL };
	return 0;
}

void
out_file_abort(struct out_file *o)
{
	if (o->f != NULL)
		fclose(o->f);
	if (o->tmp != NULL)
		unlink(o->tmp);
	unguard_tmp();
	free(o->tmp);
	free(o->path);
	*o = (struct out_file){ .f = NULL };
}

int
out_dest_error(struct cmd_env *env, const char *output, int e)
{
	if (e == -EEXIST) {
		cmd_err(env,
		    "%s: exists and is not a regular file; --output replaces only a regular file",
		    output);
		return EXIT_CANTCREAT;
	}
	cmd_err(env, "%s: cannot write: %s", output, strerror(-e));
	return cmd_exit_for_errno(e);
}

int
out_dest_open(struct cmd_env *env, struct out_dest *d, const char *output)
{
	int e;

	*d = (struct out_dest){ .f = stdout, .output = output };
	if (output == NULL)
		return 0;
	e = out_file_open(&d->file, output);
	if (e < 0)
		return out_dest_error(env, output, e);
	d->f = d->file.f;
	return 0;
}

int
out_dest_close(struct cmd_env *env, struct out_dest *d, int rc)
{
	int e;

	if (d->output == NULL)
		return rc;
	e = out_file_commit(&d->file);
	if (e < 0)
		return out_dest_error(env, d->output, e);
	return rc;
}
