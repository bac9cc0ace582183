#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "netns.h"
#include "sysctl.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* Whether fd is a network namespace: asked of nsfs when the kernel
 * answers NS_GET_NSTYPE (4.11), else told by the file system alone. */
static int
check_netns_fd(int fd)
{
	struct statfs sfs;
	int t;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -EINVAL;
	t = ioctl(fd, NS_GET_NSTYPE);
	if (t < 0)
		return errno == ENOTTY || errno == EINVAL ? 0 : -errno;
	return t == CLONE_NEWNET ? 0 : -EINVAL;
}

/*
 * Looks at path without opening it for reading (O_PATH): a FIFO or a
 * device is refused before anything could block on it or wake it.  Then
 * opens it for setns(), without blocking, and checks that it is still the
 * file looked at.
 */
int
tt_netns_open_path(const char *path, struct tt_netns *ns)
{
	struct stat st = { 0 }, st2 = { 0 };
	int pfd, fd, r;

	*ns = (struct tt_netns){ .proc_root = NULL, .fd = -1 };
	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	r = fstat(pfd, &st) < 0 ? -errno : 0;
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -EINVAL; /* nsfs files are regular; this is something else */
	close(pfd);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	r = check_netns_fd(fd);
	if (r == 0 && fstat(fd, &st2) < 0)
		r = -errno;
	if (r == 0 && (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino))
		r = -EINVAL; /* replaced between the two looks */
	if (r < 0) {
		close(fd);
		return r;
	}
	ns->fd = fd;
	ns->dev = st.st_dev;
	ns->ino = st.st_ino;
	return 0;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
tt_netns_open(const struct tt_ctx *ctx, const char *arg, const char *run_dir, struct tt_netns *ns)
{
	char path[PATH_MAX];
	int r;

	*ns = (struct tt_netns){ .proc_root = NULL, .fd = -1 };
	if (arg[0] == '\0' || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
		return -ENOENT;
	if (all_digits(arg)) {
		char rel[64];

		if (strlen(arg) > 10)
			return -ENOENT;
		snprintf(rel, sizeof(rel), "%s/ns/net", arg);
		r = tt_proc_path(ctx, rel, path, sizeof(path));
		if (r < 0)
			return r;
	} else if (strchr(arg, '/') != NULL) {
		if (snprintf(path, sizeof(path), "%s", arg) >= (int)sizeof(path))
			return -ENAMETOOLONG;
	} else if (snprintf(path, sizeof(path), "%s/%s", run_dir ? run_dir : TT_NETNS_RUN_DIR,
		       arg) >= (int)sizeof(path)) {
		return -ENAMETOOLONG;
	}
	return tt_netns_open_path(path, ns);
}

void
tt_netns_close(struct tt_netns *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
}

int
tt_netns_cookie(unsigned long long *cookie)
{
	uint64_t c = 0;
	socklen_t len = sizeof(c);
	int s, r = 0;

	*cookie = 0;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &c, &len) < 0)
		r = -errno;
	close(s);
	if (r == 0 && (len != sizeof(c) || c == 0))
		r = -ENOPROTOOPT;
	*cookie = c;
	return r;
}

int
tt_netns_cookie_of(const struct tt_netns *ns, unsigned long long *cookie)
{
	int back, r, l;

	*cookie = 0;
	r = tt_netns_enter(ns, &back);
	if (r < 0)
		return r;
	r = tt_netns_cookie(cookie);
	l = tt_netns_leave(back);
	return r < 0 ? r : l;
}

int
tt_netns_self(const struct tt_ctx *ctx, dev_t *dev, ino_t *ino)
{
	static const char *const self[] = { "thread-self/ns/net", "self/ns/net" };
	char path[PATH_MAX];
	struct stat st;
	int r = -ENOENT;

	for (size_t i = 0; i < sizeof(self) / sizeof(self[0]); i++) {
		if (tt_proc_path(ctx, self[i], path, sizeof(path)) < 0)
			continue;
		if (stat(path, &st) == 0) {
			*dev = st.st_dev;
			*ino = st.st_ino;
			return 0;
		}
		r = -errno;
	}
	return r;
}

const char *
tt_netns_proc_root(const struct tt_ctx *ctx, const struct tt_netns *ns)
{
	return ns != NULL && ns->proc_root != NULL ? ns->proc_root : tt_ctx_proc_root(ctx);
}

bool
tt_netns_is_live(const struct tt_ctx *ctx, const struct tt_netns *ns)
{
	char real[PATH_MAX];

	if (realpath(tt_netns_proc_root(ctx, ns), real) == NULL)
		return false;
	return strcmp(real, "/proc") == 0;
}

int
tt_netns_enter(const struct tt_netns *ns, int *back)
{
	*back = -1;
	if (ns == NULL || ns->fd < 0)
		return 0;
	*back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*back < 0)
		return -errno;
	if (setns(ns->fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(*back);
		*back = -1;
		return -e;
	}
	return 0;
}

int
tt_netns_leave(int back)
{
	int r = 0;

	if (back < 0)
		return 0;
	if (setns(back, CLONE_NEWNET) < 0)
		r = -errno;
	close(back);
	return r;
}
