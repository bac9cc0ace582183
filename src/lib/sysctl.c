#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "strtab.h"
#include "sysctl.h"

TT_STRTAB(tt_state, enum tt_state, "not read", [TT_ST_UNREAD] = "not read", [TT_ST_OK] = "ok",
    [TT_ST_ABSENT] = "absent", [TT_ST_NOPERM] = "not permitted", [TT_ST_FAILED] = "failed")

ssize_t
tt_proc_read(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd, r;

	if (len == 0)
		return -EINVAL;
	r = tt_proc_path(ctx, rel, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = tt_read_all(fd, buf, len);
	close(fd);
	return n;
}

static ssize_t read_key(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len);

int
tt_sysctl_read(const struct tt_ctx *ctx, const struct tt_key *k, struct tt_reading *r)
{
	char rel[256], buf[256];
	const char *why;
	ssize_t n;
	int e;

	memset(r, 0, sizeof(*r));
	e = tt_key_relpath(k, rel, sizeof(rel));
	if (e < 0)
		goto fail;
	n = read_key(ctx, rel, buf, sizeof(buf));
	if (n < 0) {
		e = (int)n;
		goto fail;
	}
	if (tt_val_parse(buf, k->nfields, &r->val, &why) < 0) {
		tt_log(ctx, TT_LOG_WARNING, "%s: unexpected contents: %s", k->name, why);
		e = -EBADMSG;
		goto fail;
	}
	r->state = TT_ST_OK;
	return 0;
fail:
	r->err = -e;
	r->val.n = 0;
	if (e == -ENOENT || e == -ENOTDIR)
		r->state = TT_ST_ABSENT;
	else if (e == -EACCES || e == -EPERM)
		r->state = TT_ST_NOPERM;
	else
		r->state = TT_ST_FAILED;
	return e;
}

/* rel below dirfd, one O_NOFOLLOW component at a time. */
static int
walk_nofollow(int dirfd, const char *rel, int flags)
{
	char buf[256], *comp, *slash;
	int dfd, fd;

	if (snprintf(buf, sizeof(buf), "%s", rel) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	dfd = dup(dirfd);
	for (comp = buf; dfd >= 0 && (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
		int next;

		*slash = '\0';
		if (comp[0] == '\0' || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			close(dfd);
			return -EINVAL;
		}
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = next;
	}
	if (dfd < 0)
		return -errno;
	if (comp[0] == '\0' || strcmp(comp, "..") == 0) {
		close(dfd);
		return -EINVAL;
	}
	fd = openat(dfd, comp, flags | O_NOFOLLOW);
	fd = fd < 0 ? -errno : fd;
	close(dfd);
	return fd;
}

/*
 * Opens rel below the proc root without following any symlink and without
 * leaving the root: openat2() with RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH
 * where the kernel has it (5.6), a component-by-component O_NOFOLLOW walk
 * where it does not or a seccomp filter refuses it.  A symlinked directory
 * inside a proc root must not make apply write outside it.
 */
static int
open_beneath(const struct tt_ctx *ctx, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_NOFOLLOW),
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int root, fd;

	root = open(tt_ctx_proc_root(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	if (fd == -ENOSYS || fd == -EPERM || fd == -E2BIG)
		fd = walk_nofollow(root, rel, flags);
	close(root);
	return fd;
}

/* A key's file, read as it is written: opened beneath the proc root
 * without following a symlink, so a planted link cannot make check or
 * plan report (and rollback record) another file's value. */
static ssize_t
read_key(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open_beneath(ctx, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	n = tt_read_all(fd, buf, len);
	close(fd);
	return n;
}

int
tt_sysctl_write(const struct tt_ctx *ctx, const struct tt_key *k, const struct tt_val *v)
{
	char rel[256], buf[TT_VAL_STRLEN + 1];
	size_t len;
	ssize_t n;
	int fd, e;

	if (v->n != k->nfields)
		return -EINVAL;
	e = tt_key_relpath(k, rel, sizeof(rel));
	if (e < 0)
		return e;
	tt_val_format(v, buf, sizeof(buf) - 1);
	len = strlen(buf);
	buf[len++] = '\n';
	/* No catalog path has a symlink under a real /proc.  O_TRUNC changes
	 * nothing on /proc/sys and keeps a fixture tree of plain files
	 * exact. */
	fd = open_beneath(ctx, rel, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fd;
	/* One write at offset 0: a second write at a later offset "succeeds"
	 * and changes nothing, so the whole value must go in one call. */
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	e = n < 0 ? -errno : 0;
	if (close(fd) < 0 && e == 0)
		e = -errno;
	if (e == 0 && (size_t)n != len)
		e = -EIO;
	return e;
}

int
tt_read_osrelease(const struct tt_ctx *ctx, char *buf, size_t len)
{
	ssize_t n = tt_proc_read(ctx, "sys/kernel/osrelease", buf, len);

	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
