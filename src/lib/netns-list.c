/*
 * Every network namespace of the host, and a name for each that an
 * operator recognises: the `ip netns` name, the pod or container from a
 * process's cgroup, else the first process's command and pid.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "netns-list.h"
#include "netns.h"
#include "strtab.h"
#include "sysctl.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#define POD_LOG_DIR "/var/log/pods"

TT_STRTAB(tt_netns_kind, enum tt_netns_kind,
    "process", [TT_NSK_HOST] = "host", [TT_NSK_NAMED] = "named", [TT_NSK_POD] = "pod",
    [TT_NSK_CONTAINER] = "container", [TT_NSK_PROCESS] = "process")

/* --- cgroup paths ---------------------------------------------------------- */

static bool
is_hex_id(const char *s, size_t n)
{
	if (n < 12 || n >= sizeof(((struct tt_cgroup_id *)0)->container))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A pod uid: hex and dashes (or underscores, as a systemd slice spells
 * it), copied with dashes. */
static bool
take_pod_uid(const char *s, size_t n, struct tt_cgroup_id *id)
{
	if (n < 32 || n >= sizeof(id->pod_uid))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
		id->pod_uid[i] = (char)(s[i] == '_' ? '-' : s[i]);
	}
	id->pod_uid[n] = '\0';
	return true;
}

/* Container scopes of the systemd cgroup driver: PREFIX<id>.scope */
static bool
scope_id(const char *c, size_t n, struct tt_cgroup_id *id)
{
	static const struct {
		const char *prefix, *runtime;
	} scopes[] = {
		{ "docker-", "docker" },
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "libpod-", "podman" },
	};

	if (n < 7 || memcmp(c + n - 6, ".scope", 6) != 0)
		return false;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);

		if (n - 6 <= pl || memcmp(c, scopes[i].prefix, pl) != 0)
			continue;
		if (!is_hex_id(c + pl, n - 6 - pl))
			return false; /* crio-conmon-ID, libpod-conmon-ID */
		memcpy(id->container, c + pl, n - 6 - pl);
		id->container[n - 6 - pl] = '\0';
		snprintf(id->runtime, sizeof(id->runtime), "%s", scopes[i].runtime);
		return true;
	}
	return false;
}

/* One path component; prev is the one before it ("" at the start). */
static void
parse_component(const char *c, size_t n, const char *prev, bool kube, struct tt_cgroup_id *id)
{
	const char *p;

	if (scope_id(c, n, id))
		return;
	/* kubepods-burstable-pod<uid>.slice, kubepods-pod<uid>.slice */
	if (n > 6 && memcmp(c + n - 6, ".slice", 6) == 0 && (p = strstr(c, "-pod")) != NULL &&
	    p < c + n - 6) {
		take_pod_uid(p + 4, (size_t)(c + n - 6 - (p + 4)), id);
		return;
	}
	/* cgroupfs driver: /kubepods/burstable/pod<uid>/<id>, /docker/<id> */
	if (kube && n > 3 && memcmp(c, "pod", 3) == 0) {
		take_pod_uid(c + 3, n - 3, id);
		return;
	}
	if ((kube || strcmp(prev, "docker") == 0) && is_hex_id(c, n)) {
		memcpy(id->container, c, n);
		id->container[n] = '\0';
		if (!kube)
			snprintf(id->runtime, sizeof(id->runtime), "docker");
	}
}

enum tt_netns_kind
tt_cgroup_parse_path(const char *path, struct tt_cgroup_id *id)
{
	char prev[64] = "";
	bool kube = strstr(path, "kubepods") != NULL;
	const char *c = path;

	memset(id, 0, sizeof(*id));
	while (*c) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/\n");
		if (n == 0)
			break;
		parse_component(c, n, prev, kube, id);
		snprintf(prev, sizeof(prev), "%.*s", (int)(n < 63 ? n : 63), c);
		c += n;
		if (*c == '\n')
			break;
	}
	if (id->pod_uid[0])
		return TT_NSK_POD;
	return id->container[0] ? TT_NSK_CONTAINER : TT_NSK_PROCESS;
}

/* The path of a "ID:CONTROLLERS:PATH" line, NULL when malformed. */
static const char *
line_path(const char *line)
{
	const char *a = strchr(line, ':'), *b;

	if (a == NULL)
		return NULL;
	b = strchr(a + 1, ':');
	if (b == NULL || b > line + strcspn(line, "\n"))
		return NULL;
	return b + 1;
}

enum tt_netns_kind
tt_cgroup_parse(const char *text, struct tt_cgroup_id *id)
{
	enum tt_netns_kind best = TT_NSK_PROCESS, k;
	struct tt_cgroup_id cur;

	memset(id, 0, sizeof(*id));
	/* The unified hierarchy's line first, then the others. */
	for (int pass = 0; pass < 2; pass++) {
		for (const char *l = text; l != NULL && *l;
		     l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			const char *p = line_path(l);

			if (p == NULL || (strncmp(l, "0::", 3) == 0) != (pass == 0))
				continue;
			k = tt_cgroup_parse_path(p, &cur);
			if (k != TT_NSK_PROCESS && (best == TT_NSK_PROCESS || k == TT_NSK_POD)) {
				*id = cur;
				best = k;
			}
			if (best == TT_NSK_POD)
				return best;
		}
	}
	return best;
}

bool
tt_pod_log_entry(
    const char *entry, const char *uid, char *ns, size_t nslen, char *name, size_t namelen)
{
	const char *a = strchr(entry, '_'), *b;

	if (a == NULL || uid[0] == '\0')
		return false;
	b = strchr(a + 1, '_');
	if (b == NULL || strcmp(b + 1, uid) != 0 || a == entry || b == a + 1)
		return false;
	snprintf(ns, nslen, "%.*s", (int)(a - entry), entry);
	snprintf(name, namelen, "%.*s", (int)(b - a - 1), a + 1);
	return true;
}

/* --- enumeration ----------------------------------------------------------- */

const struct tt_netns_entry *
tt_netns_list_find(const struct tt_netns_list *l, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].dev == dev && l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

/* The entry of dev/ino, added (kind process, no name yet) when new; NULL
 * when out of memory. */
static struct tt_netns_entry *
entry_get(struct tt_netns_list *l, dev_t dev, ino_t ino)
{
	struct tt_netns_entry *e = (struct tt_netns_entry *)tt_netns_list_find(l, dev, ino);

	if (e != NULL)
		return e;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct tt_netns_entry *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->ino = ino;
	e->kind = TT_NSK_PROCESS;
	return e;
}

static bool
is_pid_name(const char *s)
{
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	return p != s && *p == '\0';
}

/* Keeps the lowest pids of the namespace, in order, whatever order the
 * directory lists them in: the first is the namespace's oldest process
 * (its name comes from it), the same on every run. */
static void
pid_sample_add(struct tt_netns_entry *e, int pid)
{
	size_t i = e->npid;

	if (i == TT_NETNS_PID_SAMPLE) {
		if (pid > e->pid[i - 1])
			return;
		i--; /* the highest kept makes room */
	} else {
		e->npid++;
	}
	for (; i > 0 && e->pid[i - 1] > pid; i--)
		e->pid[i] = e->pid[i - 1];
	e->pid[i] = pid;
}

/* Every process below the proc root, each into its namespace's entry. */
static int
walk_pids(const struct tt_ctx *ctx, struct tt_netns_list *l)
{
	char root[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = tt_proc_path(ctx, ".", root, sizeof(root));
	if (r < 0)
		return r;
	d = opendir(root);
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		char rel[300];
		struct stat st;
		struct tt_netns_entry *e;

		if (!is_pid_name(de->d_name))
			continue;
		snprintf(rel, sizeof(rel), "%s/ns/net", de->d_name);
		if (fstatat(dirfd(d), rel, &st, 0) < 0) {
			if (errno != ENOENT)
				l->unreadable++;
			continue;
		}
		e = entry_get(l, st.st_dev, st.st_ino);
		if (e == NULL) {
			closedir(d);
			return -ENOMEM;
		}
		e->nprocs++;
		pid_sample_add(e, (int)strtol(de->d_name, NULL, 10));
	}
	closedir(d);
	return 0;
}

/* A mountinfo field in place: octal escapes (\040) decoded. */
static void
unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

/* A bind-mounted namespace file: an `ip netns` name when it is in run_dir. */
static int
add_mount(struct tt_netns_list *l, const char *path, const char *run_dir)
{
	size_t rl = strlen(run_dir);
	struct tt_netns_entry *e;
	struct statfs sfs;
	struct stat st;

	if (stat(path, &st) < 0 || statfs(path, &sfs) < 0 || sfs.f_type != NSFS_MAGIC)
		return 0;
	e = entry_get(l, st.st_dev, st.st_ino);
	if (e == NULL)
		return -ENOMEM;
	if (strncmp(path, run_dir, rl) == 0 && path[rl] == '/' &&
	    strchr(path + rl + 1, '/') == NULL) {
		if (e->kind == TT_NSK_NAMED && e->name[0] && strcmp(e->name, path + rl + 1) < 0)
			return 0; /* two names: the first in order stays */
		e->kind = TT_NSK_NAMED;
		snprintf(e->name, sizeof(e->name), "%s", path + rl + 1);
		snprintf(e->path, sizeof(e->path), "%s", path);
	} else if (e->path[0] == '\0') {
		snprintf(e->path, sizeof(e->path), "%s", path);
	}
	return 0;
}

/* The nsfs mounts of network namespaces in <proc root>/self/mountinfo:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - nsfs SOURCE ...", ROOT net:[N]. */
static int
walk_mounts(const struct tt_ctx *ctx, struct tt_netns_list *l, const char *run_dir)
{
	char path[PATH_MAX], line[4096];
	FILE *f;
	int r = 0;

	if (tt_proc_path(ctx, "self/mountinfo", path, sizeof(path)) < 0)
		return 0;
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (r == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *fld[5], *save = NULL, *sep = strstr(line, " - ");
		int i;

		if (sep == NULL || strncmp(sep, " - nsfs ", 8) != 0)
			continue;
		fld[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && fld[i - 1] != NULL; i++)
			fld[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || fld[4] == NULL || strncmp(fld[3], "net:[", 5) != 0)
			continue;
		unescape(fld[4]);
		r = add_mount(l, fld[4], run_dir);
	}
	fclose(f);
	return r;
}

/* The names in run_dir that are namespaces (also those mounted in
 * another mount namespace's view, as long as the file shows nsfs). */
static int
walk_run_dir(struct tt_netns_list *l, const char *run_dir)
{
	struct dirent *de;
	DIR *d = opendir(run_dir);
	int r = 0;

	if (d == NULL)
		return 0;
	while (r == 0 && (de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", run_dir, de->d_name) < (int)sizeof(path))
			r = add_mount(l, path, run_dir);
	}
	closedir(d);
	return r;
}

/* The pod's namespace and name from the kubelet's log directory. */
static void
pod_names(const char *dir, const char *uid, char *ns, size_t nslen, char *name, size_t namelen)
{
	struct dirent *de;
	DIR *d;

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (tt_pod_log_entry(de->d_name, uid, ns, nslen, name, namelen))
			break;
	closedir(d);
}

/* A pod or a container by name, as an operator knows it. */
static void
workload_name(enum tt_netns_kind k, const struct tt_cgroup_id *id, const char *pod_ns,
    const char *pod_name, char *buf, size_t len)
{
	if (k == TT_NSK_POD && pod_name[0])
		snprintf(buf, len, "%.63s/%.127s", pod_ns, pod_name);
	else if (k == TT_NSK_POD)
		snprintf(buf, len, "pod/%s", id->pod_uid);
	else if (k == TT_NSK_CONTAINER)
		snprintf(buf, len, "%s:%.12s", id->runtime[0] ? id->runtime : "container",
		    id->container);
	else if (len > 0)
		buf[0] = '\0';
}

void
tt_cgroup_workload(
    const char *path, const char *pod_log_dir, struct tt_cgroup_id *id, char *buf, size_t len)
{
	char ns[64] = "", name[192] = "";
	enum tt_netns_kind k = tt_cgroup_parse_path(path, id);

	if (k == TT_NSK_POD)
		pod_names(pod_log_dir ? pod_log_dir : POD_LOG_DIR, id->pod_uid, ns, sizeof(ns),
		    name, sizeof(name));
	workload_name(k, id, ns, name, buf, len);
}

/* What the first process of e says: its command, and its cgroup. */
static enum tt_netns_kind
read_process(const struct tt_ctx *ctx, struct tt_netns_entry *e)
{
	char rel[64], text[8192];
	ssize_t n;

	snprintf(rel, sizeof(rel), "%d/comm", e->pid[0]);
	n = tt_proc_read(ctx, rel, e->comm, sizeof(e->comm));
	if (n <= 0)
		snprintf(e->comm, sizeof(e->comm), "?");
	e->comm[strcspn(e->comm, "\n")] = '\0';
	snprintf(rel, sizeof(rel), "%d/cgroup", e->pid[0]);
	n = tt_proc_read(ctx, rel, text, sizeof(text));
	if (n <= 0)
		return TT_NSK_PROCESS;
	return tt_cgroup_parse(text, &e->cg);
}

static void
name_entry(const struct tt_ctx *ctx, const char *pod_log_dir, struct tt_netns_entry *e)
{
	enum tt_netns_kind k = TT_NSK_PROCESS;

	if (e->npid > 0) {
		k = read_process(ctx, e);
		if (e->path[0] == '\0') {
			char rel[64];

			snprintf(rel, sizeof(rel), "%d/ns/net", e->pid[0]);
			(void)tt_proc_path(ctx, rel, e->path, sizeof(e->path));
		}
	}
	if (e->kind == TT_NSK_HOST || e->kind == TT_NSK_NAMED)
		return;
	if (k == TT_NSK_POD || k == TT_NSK_CONTAINER) {
		if (k == TT_NSK_POD)
			pod_names(pod_log_dir, e->cg.pod_uid, e->pod_namespace,
			    sizeof(e->pod_namespace), e->pod_name, sizeof(e->pod_name));
		workload_name(k, &e->cg, e->pod_namespace, e->pod_name, e->name, sizeof(e->name));
	} else if (e->npid > 0) {
		snprintf(e->name, sizeof(e->name), "%s[%d]", e->comm, e->pid[0]);
	} else {
		k = TT_NSK_NAMED; /* a runtime's bind mount, no process in it */
		snprintf(e->name, sizeof(e->name), "%.191s", e->path);
	}
	e->kind = k;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct tt_netns_entry *x = a, *y = b;

	if ((x->kind == TT_NSK_HOST) != (y->kind == TT_NSK_HOST))
		return x->kind == TT_NSK_HOST ? -1 : 1;
	if ((x->kind == TT_NSK_NAMED) != (y->kind == TT_NSK_NAMED))
		return x->kind == TT_NSK_NAMED ? -1 : 1;
	if (x->kind == TT_NSK_NAMED)
		return strcmp(x->name, y->name);
	if (x->npid == 0 || y->npid == 0)
		return x->npid == 0 ? (y->npid == 0 ? 0 : 1) : -1;
	return x->pid[0] < y->pid[0] ? -1 : x->pid[0] > y->pid[0];
}

/* PID 1's namespace is the host's; when PID 1 cannot be looked at (a
 * supervisor that hides itself), kthreadd's (PID 2), as kernel threads
 * live in the initial namespace.  Added when no walk saw it. */
static int
mark_host(const struct tt_ctx *ctx, struct tt_netns_list *l)
{
	char path[PATH_MAX], comm[32] = "";
	struct tt_netns_entry *e;
	struct stat st;

	if (tt_proc_path(ctx, "1/ns/net", path, sizeof(path)) < 0)
		return 0;
	if (stat(path, &st) < 0) {
		if (tt_proc_read(ctx, "2/comm", comm, sizeof(comm)) <= 0 ||
		    strncmp(comm, "kthreadd\n", 9) != 0 ||
		    tt_proc_path(ctx, "2/ns/net", path, sizeof(path)) < 0 || stat(path, &st) < 0)
			return 0; /* not known: no namespace is called the host */
	}
	e = entry_get(l, st.st_dev, st.st_ino);
	if (e == NULL)
		return -ENOMEM;
	e->kind = TT_NSK_HOST;
	snprintf(e->name, sizeof(e->name), "host");
	if (e->path[0] == '\0' || strncmp(e->path, "/run/", 5) == 0)
		snprintf(e->path, sizeof(e->path), "%.255s", path);
	return 0;
}

int
tt_netns_list(
    const struct tt_ctx *ctx, const struct tt_netns_list_opts *o, struct tt_netns_list *out)
{
	const char *run_dir = o && o->run_dir ? o->run_dir : TT_NETNS_RUN_DIR;
	const char *pods = o && o->pod_log_dir ? o->pod_log_dir : POD_LOG_DIR;
	int r;

	memset(out, 0, sizeof(*out));
	r = walk_pids(ctx, out);
	if (r == 0)
		r = walk_mounts(ctx, out, run_dir);
	if (r == 0)
		r = walk_run_dir(out, run_dir);
	if (r == 0)
		r = mark_host(ctx, out);
	if (r < 0) {
		tt_netns_list_free(out);
		return r;
	}
	for (size_t i = 0; i < out->n; i++)
		name_entry(ctx, pods, &out->v[i]);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_entry);
	return 0;
}

void
tt_netns_list_free(struct tt_netns_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
tt_netns_describe(const struct tt_ctx *ctx, const struct tt_netns_list_opts *o, const char *arg,
    const struct tt_netns *ns, struct tt_netns_entry *e)
{
	struct tt_netns_list l;
	const struct tt_netns_entry *hit;
	int r;

	r = tt_netns_list(ctx, o, &l);
	if (r < 0)
		return r;
	hit = tt_netns_list_find(&l, ns->dev, ns->ino);
	if (hit != NULL) {
		*e = *hit;
	} else {
		/* a namespace file no process and no mount we can see holds */
		memset(e, 0, sizeof(*e));
		e->dev = ns->dev;
		e->ino = ns->ino;
		e->kind = TT_NSK_NAMED;
		snprintf(e->name, sizeof(e->name), "%s", arg);
		snprintf(e->path, sizeof(e->path), "%s", arg);
	}
	tt_netns_list_free(&l);
	return 0;
}
