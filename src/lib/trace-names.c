/*
 * The tracer's words and the naming of its processes: counter names, and
 * each cgroup id turned into its path and the workload (pod, container)
 * the path names, as check --all-namespaces names them.  Built with or
 * without the tracer.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strtab.h"
#include "sysctl.h"
#include "trace.h"

TT_STRTAB(tt_trace_counter, enum tt_trace_counter,
    "unknown", [TT_TRACE_OPENED] = "opened", [TT_TRACE_ACCEPTED] = "accepted",
    [TT_TRACE_CLOSED_FIRST] = "closed_first", [TT_TRACE_PEER_CLOSED] = "peer_closed_first",
    [TT_TRACE_TIME_WAIT] = "time_wait", [TT_TRACE_RESET_SENT] = "resets_sent",
    [TT_TRACE_RESET_RECEIVED] = "resets_received", [TT_TRACE_SYN_RETRANS] = "syn_retransmits",
    [TT_TRACE_FAIL_ADDRNOTAVAIL] = "connect_failed_eaddrnotavail",
    [TT_TRACE_FAIL_TIMEDOUT] = "connect_failed_etimedout",
    [TT_TRACE_FAIL_REFUSED] = "connect_failed_econnrefused",
    [TT_TRACE_FAIL_OTHER] = "connect_failed_other")

TT_STRTAB(tt_trace_loss, enum tt_trace_loss, "unknown", [TT_TRACE_LOST_TABLE_FULL] = "table_full",
    [TT_TRACE_LOST_CW_FULL] = "close_wait_table_full", [TT_TRACE_LOST_NO_OWNER] = "no_owner",
    [TT_TRACE_EVENTS] = "events")

TT_STRTAB(tt_trace_side, enum tt_trace_side,
    "unknown", [TT_TRACE_SIDE_OUT] = "opened", [TT_TRACE_SIDE_IN] = "accepted")

uint64_t
tt_trace_failures(const struct tt_trace_row *r)
{
	return r->c[TT_TRACE_FAIL_ADDRNOTAVAIL] + r->c[TT_TRACE_FAIL_TIMEDOUT] +
	    r->c[TT_TRACE_FAIL_REFUSED] + r->c[TT_TRACE_FAIL_OTHER];
}

/* The cgroup2 mount point, from <proc root>/self/mountinfo. */
static int
cgroup2_root(const struct tt_ctx *ctx, char *buf, size_t len)
{
	char path[4096], line[4096];
	FILE *f;
	int r = -ENOENT;

	if (tt_proc_path(ctx, "self/mountinfo", path, sizeof(path)) < 0 ||
	    (f = fopen(path, "re")) == NULL)
		return -ENOENT;
	while (r < 0 && fgets(line, sizeof(line), f) != NULL) {
		char mnt[4096], fstype[64];
		const char *dash = strstr(line, " - ");

		if (dash == NULL || sscanf(dash, " - %63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2") != 0 ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 || strchr(mnt, '\\'))
			continue;
		if ((size_t)snprintf(buf, len, "%s", mnt) < len)
			r = 0;
	}
	fclose(f);
	return r;
}

struct cg_walk {
	uint64_t *ids; /* sorted, the ids looked for */
	char (*paths)[256];
	size_t n, found;
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Records the directory open as fd when its inode is an id looked for. */
static void
cg_note(struct cg_walk *w, int fd, const char *rel)
{
	struct stat st;
	uint64_t ino, *hit;

	if (fstat(fd, &st) < 0)
		return;
	ino = st.st_ino;
	hit = bsearch(&ino, w->ids, w->n, sizeof(*w->ids), cmp_u64);
	if (hit != NULL && w->paths[hit - w->ids][0] == '\0') {
		snprintf(w->paths[hit - w->ids], sizeof(w->paths[0]), "%s", rel[0] ? rel : "/");
		w->found++;
	}
}

#define CG_DEPTH 32 /* deeper cgroups are not looked for */

/* Every directory below the one open as rootfd (closed here), depth first,
 * until every id is found. */
static void
cg_walk(struct cg_walk *w, int rootfd)
{
	DIR *stack[CG_DEPTH];
	size_t len[CG_DEPTH];
	char rel[4096] = "";
	int depth = 0;

	cg_note(w, rootfd, "");
	if ((stack[0] = fdopendir(rootfd)) == NULL) {
		close(rootfd);
		return;
	}
	len[0] = 0;
	while (depth >= 0 && w->found < w->n) {
		struct dirent *de = readdir(stack[depth]);
		size_t room = sizeof(rel) - len[depth];
		int fd;

		if (de == NULL) {
			closedir(stack[depth--]);
			continue;
		}
		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    (size_t)snprintf(rel + len[depth], room, "/%s", de->d_name) >= room)
			continue;
		fd = openat(dirfd(stack[depth]), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		cg_note(w, fd, rel);
		if (depth + 1 >= CG_DEPTH || (stack[depth + 1] = fdopendir(fd)) == NULL) {
			close(fd);
			continue;
		}
		depth++;
		len[depth] = strlen(rel);
	}
	while (depth >= 0)
		closedir(stack[depth--]);
}

static void
name_who(struct tt_trace_who *w, const struct cg_walk *cw, const char *pod_log_dir)
{
	uint64_t *hit = bsearch(&w->cgroup, cw->ids, cw->n, sizeof(*cw->ids), cmp_u64);

	if (hit == NULL || cw->paths[hit - cw->ids][0] == '\0')
		return;
	snprintf(w->cgroup_path, sizeof(w->cgroup_path), "%s", cw->paths[hit - cw->ids]);
	tt_cgroup_workload(w->cgroup_path, pod_log_dir, &w->cg, w->workload, sizeof(w->workload));
}

int
tt_trace_name_cgroups(const struct tt_ctx *ctx, const char *pod_log_dir, struct tt_trace_report *r)
{
	struct cg_walk w = { 0 };
	char root[4096];
	int fd;

	if (cgroup2_root(ctx, root, sizeof(root)) < 0)
		return 0; /* no cgroup2: ids stay unnamed */
	w.ids = calloc(r->nrows + r->ncw + 1, sizeof(*w.ids));
	if (w.ids == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < r->nrows; i++)
		w.ids[w.n++] = r->rows[i].who.cgroup;
	for (size_t i = 0; i < r->ncw; i++)
		w.ids[w.n++] = r->cw[i].who.cgroup;
	qsort(w.ids, w.n, sizeof(*w.ids), cmp_u64);
	for (size_t i = 1, k = 1; i <= w.n; i++) { /* each id once */
		if (i == w.n) {
			w.n = w.n ? k : 0;
			break;
		}
		if (w.ids[i] != w.ids[k - 1])
			w.ids[k++] = w.ids[i];
	}
	w.paths = calloc(w.n + 1, sizeof(*w.paths));
	if (w.paths == NULL) {
		free(w.ids);
		return -ENOMEM;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		cg_walk(&w, fd);
	for (size_t i = 0; i < r->nrows; i++)
		name_who(&r->rows[i].who, &w, pod_log_dir);
	for (size_t i = 0; i < r->ncw; i++)
		name_who(&r->cw[i].who, &w, pod_log_dir);
	free(w.ids);
	free(w.paths);
	return 0;
}
