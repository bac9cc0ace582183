/*
 * The network namespace a snapshot describes.  Sysctl keys, NAT evidence
 * and sockets all belong to one network namespace; which one is an input
 * of the library, never "the namespace this process was started in".
 */
#ifndef TCPTUNE_NETNS_H
#define TCPTUNE_NETNS_H

#include <stdbool.h>

#include "ctx.h"

struct tt_netns {
	/*
	 * Where the namespace's own evidence is read (NAT, sockets, their
	 * counters): its /proc, or a copy of one.  NULL: the context's proc
	 * root, where the sysctl keys are always read.
	 */
	const char *proc_root;
	/*
	 * An open namespace file (/proc/PID/ns/net, /run/netns/NAME) to
	 * enter for the time of the gathering, or -1: the namespace the
	 * calling thread is in.
	 */
	int fd;
};

/* The namespace the calling thread is in, seen through the context. */
#define TT_NETNS_CURRENT ((struct tt_netns){ .proc_root = NULL, .fd = -1 })

/* The proc root of ns (the context's when ns or its proc root is NULL). */
const char *tt_netns_proc_root(const struct tt_ctx *ctx, const struct tt_netns *ns);

/*
 * Whether the namespace's proc root is the live /proc, so that netlink and
 * sock_diag describe the same namespace as its proc files.  Decided here
 * only: every source that needs the live namespace asks this.  ns may be
 * NULL (the context's proc root).
 */
bool tt_netns_is_live(const struct tt_ctx *ctx, const struct tt_netns *ns);

/*
 * Enters ns->fd for the calling thread, keeping in *back what to return
 * to (-1 when there was nothing to enter).  0 or a negative errno.
 */
int tt_netns_enter(const struct tt_netns *ns, int *back);
/* Returns to the namespace tt_netns_enter() left.  0 or a negative errno. */
int tt_netns_leave(int back);

#endif
