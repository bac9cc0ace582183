/*
 * Every network namespace of the host, listed and named (netns-list.c),
 * with the pure parsers of cgroup paths it uses.
 */
#ifndef TCPTUNE_NETNS_LIST_H
#define TCPTUNE_NETNS_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"

struct tt_netns;

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
/*
 * Describes one namespace a --netns argument named (already opened in
 * ns): kind, name and processes as tt_netns_list() would give them.
 * 0 or a negative errno.
 */
int tt_netns_describe(const struct tt_ctx *ctx, const struct tt_netns_list_opts *o, const char *arg,
    const struct tt_netns *ns, struct tt_netns_entry *e);
/* The entry with this identity, NULL when none. */
const struct tt_netns_entry *
tt_netns_list_find(const struct tt_netns_list *l, dev_t dev, ino_t ino);

#endif
