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

/* --- every network namespace of the host (netns-list.c) ----------------- */

/* What a namespace is to an operator, from the surest sign down. */
enum tt_netns_kind {
	TT_NSK_HOST,      /* the initial namespace: PID 1's (or kthreadd's) */
	TT_NSK_NAMED,     /* an `ip netns` name, or another runtime's bind mount */
	TT_NSK_POD,       /* a Kubernetes pod, from a process's cgroup */
	TT_NSK_CONTAINER, /* a container (docker, containerd, cri-o, podman) */
	TT_NSK_PROCESS,   /* none of these: its first process */
};

/* "host", "named", "pod", "container", "process" */
const char *tt_netns_kind_name(enum tt_netns_kind v);
int tt_netns_kind_from_name(const char *s);

/* What a cgroup path says of a container and its pod. */
struct tt_cgroup_id {
	char runtime[16];   /* "docker", "containerd", "cri-o", "podman", "" */
	char container[72]; /* the container id, "" when none */
	char pod_uid[40];   /* the pod's uid (with dashes), "" when none */
};

/*
 * Reads /proc/PID/cgroup text (one "ID:CONTROLLERS:PATH" a line; the
 * unified "0::" line weighs first) into id.  Pure.  Returns TT_NSK_POD
 * when a pod uid was found, TT_NSK_CONTAINER for a container id alone,
 * else TT_NSK_PROCESS.
 */
enum tt_netns_kind tt_cgroup_parse(const char *text, struct tt_cgroup_id *id);
/* One cgroup path ("/kubepods.slice/..."), as tt_cgroup_parse(). */
enum tt_netns_kind tt_cgroup_parse_path(const char *path, struct tt_cgroup_id *id);
/*
 * The workload a cgroup path names, into buf: a pod as "NAMESPACE/NAME"
 * when pod_log_dir (NULL /var/log/pods, "" none) knows its uid, else
 * "pod/UID"; a container as "RUNTIME:ID" (12 digits of its id); "" for
 * neither.  id gets what the path says (tt_cgroup_parse_path()).
 */
void tt_cgroup_workload(
    const char *path, const char *pod_log_dir, struct tt_cgroup_id *id, char *buf, size_t len);
/*
 * The kubelet's pod log directory entry NAMESPACE_NAME_UID: when its uid
 * is uid, the pod's namespace and name into ns and name; returns true.
 * Pure.
 */
bool tt_pod_log_entry(
    const char *entry, const char *uid, char *ns, size_t nslen, char *name, size_t namelen);

#define TT_NETNS_PID_SAMPLE 8 /* pids kept for each namespace */

struct tt_netns_entry {
	dev_t dev;
	ino_t ino;
	enum tt_netns_kind kind;
	char name[192];               /* how an operator knows it */
	char path[256];               /* a file that opens it: a bind mount or /proc/PID/ns/net */
	int pid[TT_NETNS_PID_SAMPLE]; /* the first processes seen in it */
	size_t npid;
	unsigned long nprocs; /* processes in it */
	char comm[32];        /* of pid[0], "" when none */
	struct tt_cgroup_id cg;
	char pod_namespace[64], pod_name[192]; /* "" when not known */
};

struct tt_netns_list {
	struct tt_netns_entry *v;
	size_t n, cap;
	unsigned long unreadable; /* processes whose ns/net could not be read */
};

struct tt_netns_list_opts {
	const char *run_dir;     /* NULL: TT_NETNS_RUN_DIR */
	const char *pod_log_dir; /* NULL: /var/log/pods; "" none */
};

/*
 * Every distinct network namespace: those of the processes below the
 * proc root (one per inode), the nsfs bind mounts of <proc
 * root>/self/mountinfo and run_dir's names; PID 1's is marked the host.
 * Named and ordered: the host first, then by name for `ip netns`
 * names, then by first pid.  Returns 0 (free with tt_netns_list_free())
 * or a negative errno when the proc root cannot be listed.
 */
int tt_netns_list(
    const struct tt_ctx *ctx, const struct tt_netns_list_opts *o, struct tt_netns_list *out);
void tt_netns_list_free(struct tt_netns_list *l);
/* The entry with this identity, NULL when none. */
const struct tt_netns_entry *
tt_netns_list_find(const struct tt_netns_list *l, dev_t dev, ino_t ino);
/*
 * Describes one namespace a --netns argument named (already opened in
 * ns): kind, name and processes as tt_netns_list() would give them.
 * 0 or a negative errno.
 */
int tt_netns_describe(const struct tt_ctx *ctx, const struct tt_netns_list_opts *o, const char *arg,
    const struct tt_netns *ns, struct tt_netns_entry *e);

#endif
