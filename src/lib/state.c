/*
 * The state directory: the one way into it and into every directory and
 * file of its layout (state.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "state.h"

/* Refuses a directory another user could tamper with. */
static int
check_dir(const struct tt_ctx *ctx, int dfd, const char *dir, unsigned flags)
{
	struct stat st;

	if (fstat(dfd, &st) < 0)
		return -errno;
	if (st.st_uid != 0 && !((flags & TT_STATE_CALLER_OK) && st.st_uid == geteuid())) {
		if (!(flags & TT_STATE_QUIET))
			tt_log(ctx, TT_LOG_ERR, "%s: refusing a state directory not owned by root",
			    dir);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		if (!(flags & TT_STATE_QUIET))
			tt_log(ctx, TT_LOG_ERR,
			    "%s: refusing a state directory that others can write to (mode %04o)",
			    dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/*
 * Creates the missing parents of dir (a fresh prefix has no
 * /usr/local/var/lib), mode 0755: owned by the caller (root), writable
 * by nobody else.  Errors show when dir itself is made.
 */
static void
mkdir_parents(const char *dir)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return;
	for (char *p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return;
		*p = '/';
	}
}

/* What a failed open of a state directory says; the errno to return. */
static int
open_failed(const struct tt_ctx *ctx, const char *dir, int r, unsigned flags)
{
	bool quiet = (flags & TT_STATE_QUIET) != 0;

	if (r == -ELOOP || r == -ENOTDIR) {
		if (!quiet)
			tt_log(ctx, TT_LOG_ERR,
			    "%s: refusing a state directory that is a symlink "
			    "or not a directory",
			    dir);
		return -EPERM;
	}
	if (quiet || (r == -ENOENT && !(flags & TT_STATE_CREATE)))
		return r; /* no state directory: nothing applied (status says so) */
	if (r == -EACCES || r == -EPERM)
		tt_log(
		    ctx, TT_LOG_ERR, "%s: %s (changing kernel keys needs root)", dir, strerror(-r));
	else
		tt_log(ctx, TT_LOG_ERR, "%s: %s", dir, strerror(-r));
	return r;
}

/* Refuses a state directory whose parent lets another user rename it and
 * put another in its place: a parent others can write to, unless it is
 * sticky (/tmp) and owned by root; or one owned by another user. */
static int
check_parent(const struct tt_ctx *ctx, int dfd, const char *dir, unsigned flags)
{
	struct stat st;
	bool owner_ok;

	if (fstatat(dfd, "..", &st, 0) < 0)
		return -errno;
	owner_ok = st.st_uid == 0 || ((flags & TT_STATE_CALLER_OK) && st.st_uid == geteuid());
	if (owner_ok && (!(st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_mode & S_ISVTX)))
		return 0;
	if (!(flags & TT_STATE_QUIET))
		tt_log(ctx, TT_LOG_ERR,
		    "%s: refusing a state directory in a directory that another user could "
		    "change (mode %04o, owner %u)",
		    dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	return -EPERM;
}

int
tt_state_dir_open(const struct tt_ctx *ctx, const char *dir, unsigned flags)
{
	int dfd, r;

	if (dir == NULL)
		dir = tt_ctx_state_dir(ctx);
	if (dir == NULL || dir[0] == '\0') {
		if (flags & TT_STATE_QUIET)
			return -ENOENT;
		tt_log(ctx, TT_LOG_ERR, "no state directory");
		return -EINVAL;
	}
	if ((flags & TT_STATE_CREATE) && mkdir(dir, 0700) < 0 && errno == ENOENT)
		mkdir_parents(dir);
	if ((flags & TT_STATE_CREATE) && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		if (!(flags & TT_STATE_QUIET))
			tt_log(ctx, TT_LOG_ERR, "%s: cannot create the state directory: %s%s", dir,
			    strerror(-r), r == -EACCES ? " (changing kernel keys needs root)" : "");
		return r;
	}
	/* O_NOFOLLOW: a symlink planted in place of the state directory is
	 * refused (ELOOP or ENOTDIR), not followed. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return open_failed(ctx, dir, -errno, flags);
	r = check_dir(ctx, dfd, dir, flags);
	if (r == 0)
		r = check_parent(ctx, dfd, dir, flags);
	if (r < 0) {
		close(dfd);
		return r;
	}
	return dfd;
}

/* The directory name below the checked directory pfd (known as ppath),
 * made when asked and checked as the state directory is. */
static int
sub_open(const struct tt_ctx *ctx, int pfd, const char *ppath, const char *name, unsigned flags)
{
	char path[4096];
	int dfd, r;

	snprintf(path, sizeof(path), "%s/%s", ppath, name);
	if ((flags & TT_STATE_CREATE) && mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
		return open_failed(ctx, path, -errno, flags);
	dfd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return open_failed(ctx, path, -errno, flags);
	r = check_dir(ctx, dfd, path, flags);
	if (r < 0) {
		close(dfd);
		return r;
	}
	return dfd;
}

int
tt_state_key(char *buf, size_t len, unsigned long long cookie, unsigned long long dev,
    unsigned long long ino)
{
	if (cookie != 0)
		return snprintf(buf, len, "cookie-%llu", cookie);
	return snprintf(buf, len, "%llu-%llu", dev, ino);
}

/* Writes name into the name file of the checked directory kfd (known as
 * kpath): beside it first, then renamed over it, so a link planted in its
 * place is never followed.  A name file that is not a private regular
 * file is refused.  0, or a negative errno. */
static int
record_name(const struct tt_ctx *ctx, int kfd, const char *kpath, const char *name)
{
	static const char tmp[] = TT_STATE_NAME_FILE ".new";
	struct stat st;
	size_t len = strlen(name);
	int fd, r = 0;

	if (fstatat(kfd, TT_STATE_NAME_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		tt_log(ctx, TT_LOG_ERR,
		    "%s/" TT_STATE_NAME_FILE ": refusing a state file that is a symlink or "
		    "not a private regular file",
		    kpath);
		return -EPERM;
	}
	(void)unlinkat(kfd, tmp, 0);
	fd = openat(kfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, name, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(kfd, tmp, kfd, TT_STATE_NAME_FILE) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(kfd, tmp, 0);
	return r;
}

int
tt_state_netns_dir(const struct tt_ctx *ctx, unsigned long long cookie, unsigned long long dev,
    unsigned long long ino, const char *name, unsigned flags, char *path, size_t len)
{
	const char *state = tt_ctx_state_dir(ctx);
	char key[64], npath[4096];
	int sfd, nfd = -1, kfd = -1, r = 0;

	tt_state_key(key, sizeof(key), cookie, dev, ino);
	if (snprintf(path, len, "%s/" TT_STATE_NETNS_DIR "/%s", state ? state : "", key) >=
	    (int)len)
		return -ENAMETOOLONG;
	snprintf(npath, sizeof(npath), "%s/" TT_STATE_NETNS_DIR, state ? state : "");
	sfd = tt_state_dir_open(ctx, NULL, flags);
	if (sfd >= 0)
		nfd = sub_open(ctx, sfd, state, TT_STATE_NETNS_DIR, flags);
	if (nfd >= 0)
		kfd = sub_open(ctx, nfd, npath, key, flags);
	if (kfd >= 0 && name != NULL && (flags & TT_STATE_CREATE))
		r = record_name(ctx, kfd, path, name);
	if (sfd < 0 || nfd < 0 || kfd < 0)
		r = sfd < 0 ? sfd : nfd < 0 ? nfd : kfd;
	if (r == -ENOENT && !(flags & TT_STATE_CREATE))
		r = 0; /* nothing there yet: nothing was applied to it */
	if (kfd >= 0)
		close(kfd);
	if (nfd >= 0)
		close(nfd);
	if (sfd >= 0)
		close(sfd);
	return r;
}

/* Whether the name file of directory key below nfd says name. */
static bool
named(const struct tt_ctx *ctx, int nfd, const char *key, const char *name)
{
	char line[512] = "";
	int kfd = sub_open(ctx, nfd, "", key, TT_STATE_QUIET), fd;
	ssize_t n = -1;
	struct stat st;

	if (kfd < 0)
		return false;
	fd = openat(kfd, TT_STATE_NAME_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(kfd);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = tt_read_all(fd, line, sizeof(line));
	close(fd);
	return n >= 0 && strcspn(line, "\n") == strlen(name) &&
	    strncmp(line, name, strlen(name)) == 0;
}

int
tt_state_netns_named(const struct tt_ctx *ctx, const char *name,
    void (*fn)(const char *path, void *data), void *data)
{
	const char *state = tt_ctx_state_dir(ctx);
	int sfd = tt_state_dir_open(ctx, NULL, TT_STATE_QUIET), nfd, found = 0;
	char path[4096];
	struct dirent *de;
	DIR *d;

	if (sfd < 0)
		return sfd == -ENOENT ? 0 : sfd;
	nfd = sub_open(ctx, sfd, state, TT_STATE_NETNS_DIR, TT_STATE_QUIET);
	close(sfd);
	if (nfd < 0)
		return nfd == -ENOENT ? 0 : nfd;
	d = fdopendir(nfd);
	if (d == NULL) {
		close(nfd);
		return -errno;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !named(ctx, dirfd(d), de->d_name, name))
			continue;
		snprintf(path, sizeof(path), "%s/" TT_STATE_NETNS_DIR "/%s", state, de->d_name);
		fn(path, data);
		found++;
	}
	closedir(d);
	return found;
}
