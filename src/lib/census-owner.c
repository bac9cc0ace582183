/*
 * Who holds the census's CLOSE_WAIT sockets: the remembered inodes matched
 * with the fd links of every process below the proc root.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census-internal.h"
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

static void
owner_add(const struct tt_ctx *ctx, struct tt_census *c, int pid, char *comm, size_t commlen,
    uint16_t port)
{
	struct tt_census_owner *o;

	for (size_t i = 0; i < c->nowner; i++) {
		o = &c->owner[i];
		if (o->pid == pid && o->port == port) {
			o->count++;
			return;
		}
	}
	if (c->nowner == TT_CENSUS_OWNER_CAP) {
		c->owner_rows_dropped++;
		return;
	}
	if (comm[0] == '\0') {
		char rel[64];
		ssize_t n;

		snprintf(rel, sizeof(rel), "%d/comm", pid);
		n = tt_proc_read(ctx, rel, comm, commlen);
		if (n <= 0)
			snprintf(comm, commlen, "?");
		else
			comm[strcspn(comm, "\n")] = '\0';
	}
	o = &c->owner[c->nowner++];
	o->pid = pid;
	snprintf(o->comm, sizeof(o->comm), "%s", comm);
	o->port = port;
	o->count = 1;
}

static void
walk_pid(const struct tt_ctx *ctx, struct tt_census *c, int dfd, const char *name)
{
	char rel[300], comm[32] = "";
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
	while ((e = readdir(d)) != NULL) {
		struct tt_census_cw key, *hit;
		char link[64];
		ssize_t n;
		unsigned long long ino;
		char *end;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(fd, e->d_name, link, sizeof(link) - 1);
		if (n < 9)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:[", 8) != 0)
			continue;
		errno = 0;
		ino = strtoull(link + 8, &end, 10);
		if (errno != 0 || *end != ']')
			continue;
		key.inode = ino;
		hit = bsearch(&key, c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
		if (hit == NULL)
			continue;
		c->cw_matched++;
		owner_add(ctx, c, (int)strtol(name, NULL, 10), comm, sizeof(comm), hit->port);
	}
	closedir(d);
}

int
tt_census_find_owners(const struct tt_ctx *ctx, struct tt_census *c)
{
	char root[4096];
	struct dirent *e;
	DIR *d;
	int r;

	r = tt_proc_path(ctx, ".", root, sizeof(root));
	if (r < 0)
		return r;
	qsort(c->cw, c->ncw, sizeof(c->cw[0]), cmp_cw);
	c->nowner = 0;
	c->cw_matched = 0;
	c->owner_rows_dropped = 0;
	d = opendir(root);
	if (d == NULL) {
		r = -errno;
		tt_log(ctx, TT_LOG_WARNING, "%s: %s", root, strerror(-r));
		return r;
	}
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == e->d_name || *p != '\0')
			continue;
		walk_pid(ctx, c, dirfd(d), e->d_name);
	}
	closedir(d);
	qsort(c->owner, c->nowner, sizeof(c->owner[0]), cmp_owner);
	c->owners_walked = true;
	return 0;
}
