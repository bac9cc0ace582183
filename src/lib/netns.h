/*
 * The network namespace a snapshot describes.  Sysctl keys, NAT evidence
 * and sockets all belong to one network namespace; which one is an input
 * of the library, never "the namespace this process was started in".
 */
#ifndef TCPTUNE_NETNS_H
#define TCPTUNE_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
	/* Its identity (the nsfs device and inode), 0 0 when not known. */
	dev_t dev;
	ino_t ino;
};

/* The namespace the calling thread is in, seen through the context. */
#define TT_NETNS_CURRENT ((struct tt_netns){ .proc_root = NULL, .fd = -1 })

/* Where `ip netns` keeps its names. */
#define TT_NETNS_RUN_DIR "/run/netns"

/*
 * Opens the network namespace a --netns argument names: all digits is a
 * pid (<proc root>/PID/ns/net), with a '/' a path (a bind mount, an
 * ns/net link), else an `ip netns` name below run_dir (NULL:
 * TT_NETNS_RUN_DIR).  Fills ns (fd, dev, ino; proc_root NULL).  Returns 0,
 * -ENOENT (no such name, pid or path), -EINVAL (not a network namespace),
 * -EACCES / -EPERM, or another negative errno.  Close with
 * tt_netns_close().
 */
int
tt_netns_open(const struct tt_ctx *ctx, const char *arg, const char *run_dir, struct tt_netns *ns);
/* Opens path and checks that it is a network namespace; as tt_netns_open(). */
int tt_netns_open_path(const char *path, struct tt_netns *ns);
/* Closes ns->fd (when open) and sets it to -1. */
void tt_netns_close(struct tt_netns *ns);
/*
 * The identity of the calling thread's network namespace, through the
 * context's proc root (thread-self, else self).  0 or a negative errno.
 */
int tt_netns_self(const struct tt_ctx *ctx, dev_t *dev, ino_t *ino);

/*
 * The network namespace cookie of the calling thread's namespace
 * (SO_NETNS_COOKIE of a socket made in it, Linux 5.14): a number the
 * kernel never gives another namespace during a boot, where nsfs inode
 * numbers are reused as soon as a namespace is freed.  0, or -ENOPROTOOPT
 * where the kernel has no cookie, or another negative errno.
 */
int tt_netns_cookie(unsigned long long *cookie);
/* The cookie of ns (entered for the time it takes, then left); as
 * tt_netns_cookie(). */
int tt_netns_cookie_of(const struct tt_netns *ns, unsigned long long *cookie);
/* The inode of the initial network namespace, the same on every kernel
 * since 3.8 and never freed. */
#define TT_NETNS_INIT_INO 4026531840ULL

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

/* Every network namespace of the host: netns-list.h (netns-list.c). */
#include "netns-list.h"

#endif
