#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

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
