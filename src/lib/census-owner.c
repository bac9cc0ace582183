/*
 * Who holds the census's CLOSE_WAIT sockets (and FIN_WAIT2 sockets shut
 * down but not closed, and listeners worth naming): the remembered inodes matched
 * with the fd links of the processes below the proc root, those of the
 * census's network namespace first, stopping as soon as every inode is
 * found or after c->owner_fd_limit links (then the owners are partial).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "census-owner.h"
#include "netns.h"
#include "sysctl.h"

/* --- CLOSE_WAIT owners --------------------------------------------------- */

static int
cmp_cw(const void *a, const void *b)
{
	const struct tt_census_cw *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int
cmp_owner(const void *a, const void *b)
{
	const struct tt_census_owner *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (int)x->port - (int)y->port;
}

/* A process's command, read once per process (comm starts empty). */
static void
read_comm(const struct tt_ctx *ctx, int pid, char *comm, size_t commlen)
{
	char rel[64];
	ssize_t n;

	if (comm[0] != '\0')
		return;
	snprintf(rel, sizeof(rel), "%d/comm", pid);
	n = tt_proc_read(ctx, rel, comm, commlen);
	if (n <= 0)
		snprintf(comm, commlen, "?");
	else
		comm[strcspn(comm, "\n")] = '\0';
}

/* An owner table: the CLOSE_WAIT one or the FIN_WAIT2 one. */
struct owner_table {
	struct tt_census_owner *row;
	size_t *n, cap;
	uint64_t *dropped;
};

static struct tt_census_owner *
owner_add(const struct tt_ctx *ctx, const struct owner_table *t, int pid, char *comm,
    size_t commlen, uint16_t port)
{
	struct tt_census_owner *o;

	for (size_t i = 0; i < *t->n; i++) {
		o = &t->row[i];
		if (o->pid == pid && o->port == port) {
			o->count++;
			return o;
		}
	}
	if (*t->n == t->cap) {
		(*t->dropped)++;
		return NULL;
	}
	read_comm(ctx, pid, comm, commlen);
	o = &t->row[(*t->n)++];
	memset(o, 0, sizeof(*o));
	o->pid = pid;
	snprintf(o->comm, sizeof(o->comm), "%s", comm);
	o->port = port;
	o->count = 1;
	return o;
}

/* The listener with this inode, NULL when none. */
static struct tt_census_listener *
listener_by_inode(struct tt_census *c, uint64_t inode)
{
	for (size_t i = 0; i < c->nlistener; i++)
		if (c->listener[i].inode == inode)
			return &c->listener[i];
	return NULL;
}

/* A remembered socket found in process pid. */
static void
found(const struct tt_ctx *ctx, struct tt_census *c, const struct tt_census_cw *hit, int pid,
    char *comm, size_t commlen)
{
	const struct owner_table cw = { c->owner, &c->nowner, TT_CENSUS_OWNER_CAP,
		&c->owner_rows_dropped };
	const struct owner_table fw2 = { c->fw2_owner, &c->nfw2_owner, TT_CENSUS_FW2_OWNER_CAP,
		&c->fw2_owner_rows_dropped };
	struct tt_census_listener *l;
	struct tt_census_owner *o;

	switch (hit->kind) {
	case TT_CI_CLOSE_WAIT:
		c->cw_matched++;
		o = owner_add(ctx, &cw, pid, comm, commlen, hit->port);
		if (o != NULL && hit->age_ms != UINT32_MAX)
			tt_census_age_add(&o->age, hit->age_ms);
		break;
	case TT_CI_FIN_WAIT2:
		c->fw2_matched++;
		(void)owner_add(ctx, &fw2, pid, comm, commlen, hit->port);
		break;
	default:
		l = listener_by_inode(c, hit->inode);
		if (l == NULL)
			break;
		read_comm(ctx, pid, comm, commlen);
		l->pid = pid;
		snprintf(l->comm, sizeof(l->comm), "%s", comm);
		break;
	}
}

/* One walk over the processes: what it looks for and how far it got. */
struct owner_walk {
	struct tt_census_ref *cs; /* the censuses whose inodes are looked for */
	size_t n;
	size_t left;         /* remembered inodes not found yet, of all */
	uint64_t fds, limit; /* fd links read; the most to read */
};

static bool
walk_done(const struct owner_walk *w)
{
	return w->left == 0 || w->fds >= w->limit;
}

/* The census that remembers inode, the process's own (own, -1: none)
 * asked first; NULL when none does or it was already found. */
static struct tt_census_cw *
find_cw(const struct owner_walk *w, int own, uint64_t inode, struct tt_census **in)
{
	struct tt_census_cw key = { .inode = inode }, *hit;

	for (int i = own < 0 ? 0 : -1; i < (int)w->n; i++) {
		struct tt_census *c = w->cs[i < 0 ? own : i].c;

		if (i == own && i >= 0)
			continue;
		hit = bsearch(&key, c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
		if (hit != NULL) {
			*in = c;
			return hit->found ? NULL : hit;
		}
	}
	return NULL;
}

/* Matches one fd link; counts each socket once, with its first holder. */
static void
match_link(const struct tt_ctx *ctx, struct owner_walk *w, int own, int pid, char *comm,
    size_t commlen, const char *link)
{
	struct tt_census_cw *hit;
	struct tt_census *c = NULL;
	unsigned long long ino;
	char *end;

	if (strncmp(link, "socket:[", 8) != 0)
		return;
	errno = 0;
	ino = strtoull(link + 8, &end, 10);
	if (errno != 0 || *end != ']')
		return;
	hit = find_cw(w, own, ino, &c);
	if (hit == NULL)
		return;
	hit->found = true;
	w->left--;
	found(ctx, c, hit, pid, comm, commlen);
}

static void
walk_pid(const struct tt_ctx *ctx, struct owner_walk *w, int own, int dfd, const char *name)
{
	char rel[300], comm[32] = "";
	int pid = (int)strtol(name, NULL, 10);
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(rel, sizeof(rel), "%s/fd", name);
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone, or not ours to read */
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while (!walk_done(w) && (e = readdir(d)) != NULL) {
		char link[64];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		w->fds++;
		n = readlinkat(fd, e->d_name, link, sizeof(link) - 1);
		if (n < 9)
			continue;
		link[n] = '\0';
		match_link(ctx, w, own, pid, comm, sizeof(comm), link);
	}
	closedir(d);
}

/* The census whose namespace the process name (below dfd) is in, -1
 * when none, -2 when no census knows its namespace. */
static int
own_census(const struct owner_walk *w, int dfd, const char *name)
{
	char rel[300];
	struct stat st;
	bool any = false;

	for (size_t i = 0; i < w->n; i++)
		any = any || w->cs[i].c->ns_known;
	if (!any)
		return -2;
	snprintf(rel, sizeof(rel), "%s/ns/net", name);
	if (fstatat(dfd, rel, &st, 0) < 0)
		return -1;
	for (size_t i = 0; i < w->n; i++)
		if (w->cs[i].c->ns_known && st.st_dev == w->cs[i].c->ns_dev &&
		    st.st_ino == w->cs[i].c->ns_ino)
			return (int)i;
	return -1;
}

/*
 * One pass over the processes.  With the namespaces known, pass 0 takes
 * the processes in one of them and pass 1 the others; without, pass 0
 * takes every process and pass 1 none.
 */
static void
walk_pass(const struct tt_ctx *ctx, struct owner_walk *w, DIR *d, int pass)
{
	struct dirent *e;

	rewinddir(d);
	while (!walk_done(w) && (e = readdir(d)) != NULL) {
		const char *p = e->d_name;
		int own;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == e->d_name || *p != '\0')
			continue;
		own = own_census(w, dirfd(d), e->d_name);
		if (own == -2 && pass == 1)
			return;
		if (own != -2 && (own >= 0) != (pass == 0))
			continue;
		walk_pid(ctx, w, own < 0 ? -1 : own, dirfd(d), e->d_name);
	}
}

void
tt_census_set_netns(const struct tt_ctx *ctx, struct tt_census *c)
{
	dev_t dev;
	ino_t ino;

	c->ns_known = tt_netns_self(ctx, &dev, &ino) == 0;
	if (c->ns_known) {
		c->ns_dev = dev;
		c->ns_ino = ino;
	}
}

/* Clears what a walk finds; returns how many remembered sockets it is to
 * look for (those of a kind not looked for count as found already). */
static size_t
owners_reset(struct tt_census *c)
{
	size_t left = 0;

	qsort(c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
	for (size_t i = 0; i < c->ncw; i++) {
		c->cw[i].found = c->walk_kinds != 0 && !(c->walk_kinds & (1u << c->cw[i].kind));
		left += !c->cw[i].found;
	}
	c->nowner = 0;
	c->cw_matched = 0;
	c->owner_rows_dropped = 0;
	c->nfw2_owner = 0;
	c->fw2_matched = 0;
	c->fw2_owner_rows_dropped = 0;
	for (size_t i = 0; i < c->nlistener; i++)
		c->listener[i].pid = 0;
	return left;
}

/* After the walk: what each census got, and whether the bound cut it. */
static void
owners_finish(struct tt_census *c, const struct owner_walk *w)
{
	size_t left = 0;

	for (size_t i = 0; i < c->ncw; i++)
		left += !c->cw[i].found;
	c->owner_fds_read = w->fds;
	c->owners_partial = left > 0 && w->fds >= w->limit;
	qsort(c->owner, c->nowner, sizeof(c->owner[0]), cmp_owner);
	qsort(c->fw2_owner, c->nfw2_owner, sizeof(c->fw2_owner[0]), cmp_owner);
	c->owners_walked = true;
}

int
tt_census_find_owners_many(const struct tt_ctx *ctx, struct tt_census_ref *cs, size_t n)
{
	struct owner_walk w = { .cs = cs, .n = n, .limit = 0 };
	char root[4096];
	DIR *d;
	int r;

	r = tt_proc_path(ctx, ".", root, sizeof(root));
	if (r < 0 || n == 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		w.left += owners_reset(cs[i].c);
		if (cs[i].c->owner_fd_limit > w.limit)
			w.limit = cs[i].c->owner_fd_limit;
	}
	if (w.limit == 0)
		w.limit = TT_CENSUS_OWNER_FD_MAX;
	d = opendir(root);
	if (d == NULL) {
		r = -errno;
		tt_log(ctx, TT_LOG_WARNING, "%s: %s", root, strerror(-r));
		return r;
	}
	/* The processes of the namespaces first: a socket is nearly always
	 * held there.  The others only while sockets are still unmatched,
	 * since a process elsewhere can hold a socket of this namespace. */
	walk_pass(ctx, &w, d, 0);
	walk_pass(ctx, &w, d, 1);
	closedir(d);
	for (size_t i = 0; i < n; i++)
		owners_finish(cs[i].c, &w);
	return 0;
}

int
tt_census_find_owners(const struct tt_ctx *ctx, struct tt_census *c)
{
	struct tt_census_ref one = { .c = c };

	if (!c->ns_known)
		tt_census_set_netns(ctx, c);
	return tt_census_find_owners_many(ctx, &one, 1);
}
