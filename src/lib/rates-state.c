/*
 * The counters file: the cumulative counters the previous check saw, one
 * small file per network namespace in the state directory, so the next
 * check can say how much they rose since.
 *
 *   tcptune-counters 1
 *   boot BOOT_ID
 *   btime SECONDS
 *   time SECONDS
 *   TcpExt.TCPTimeWaitOverflow 412
 *   ...
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "journal.h"
#include "rates-state.h"
#include "rates.h"
#include "state.h"

#define COUNTERS_MAX 8192 /* bytes a counters file may have */

/* "counters-cookie-COOKIE" from the origin's namespace, whose cookie no
 * later namespace gets (its inode number is given again as soon as it is
 * freed); "counters-DEV-INO" where the kernel has no cookie; false without
 * a namespace. */
static bool
file_name(const struct tt_origin *o, char *buf, size_t len)
{
	size_t n;

	if (o->ns_ino == 0 && o->ns_cookie == 0)
		return false;
	n = (size_t)snprintf(buf, len, "counters-");
	tt_state_key(buf + n, len - n, o->ns_cookie, o->ns_dev, o->ns_ino);
	return true;
}

/* The state directory, opened when it exists as a directory (never a
 * symlink) that only its owner, root or the caller, can write to; a
 * negative errno otherwise (-EPERM: one others could fill with made-up
 * counters). */
static int
open_state(const struct tt_ctx *ctx)
{
	return tt_state_dir_open(ctx, NULL, TT_STATE_QUIET | TT_STATE_CALLER_OK);
}

/* "NAME VALUE": the value after the name and one space, strictly. */
static bool
field_u64(const char *line, const char *name, unsigned long long *v)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(line, name, n) != 0 || line[n] != ' ' || line[n + 1] < '0' || line[n + 1] > '9')
		return false;
	errno = 0;
	*v = strtoull(line + n + 1, &end, 10);
	return errno == 0 && *end == '\0';
}

/* One line of a counters file; false when it does not parse. */
static bool
parse_line(const char *line, struct tt_origin *o, bool have[TT_CTR__COUNT],
    uint64_t v[TT_CTR__COUNT], long long *when)
{
	const char *sp = strchr(line, ' ');
	unsigned long long x;
	char name[96];
	int i;

	if (strncmp(line, "boot ", 5) == 0) {
		snprintf(o->boot, sizeof(o->boot), "%s", line + 5);
		return true;
	}
	if (sp == NULL || (size_t)(sp - line) >= sizeof(name))
		return false;
	memcpy(name, line, (size_t)(sp - line));
	name[sp - line] = '\0';
	if (!field_u64(line, name, &x) || x > (unsigned long long)INT64_MAX)
		return false;
	if (strcmp(name, "btime") == 0)
		o->btime = (long long)x;
	else if (strcmp(name, "time") == 0)
		*when = (long long)x;
	else if ((i = tt_counter_from_name(name)) >= 0 &&
	    tt_counter_cumulative((enum tt_counter_id)i)) {
		have[i] = true;
		v[i] = x;
	}
	return true;
}

/* Parses a counters file into o (boot, btime), the counters and *when. */
static int
parse_file(char *text, struct tt_origin *o, bool have[TT_CTR__COUNT], uint64_t v[TT_CTR__COUNT],
    long long *when)
{
	char *save = NULL, *line = strtok_r(text, "\n", &save);

	if (line == NULL || strcmp(line, "tcptune-counters 1") != 0)
		return -EBADMSG;
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		if (!parse_line(line, o, have, v, when))
			return -EBADMSG;
	return *when > 0 ? 0 : -EBADMSG;
}

static int
read_file(int dfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = tt_read_all(fd, buf, len);
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* The origin here, of the namespace id names when there is one. */
static int
origin_of(const struct tt_ctx *ctx, const struct tt_counters_id *id, struct tt_origin *o)
{
	int r = tt_origin_here(ctx, o);

	if (r == 0 && id != NULL) {
		o->ns_cookie = id->cookie;
		o->ns_dev = id->dev;
		o->ns_ino = id->ino;
	}
	return r;
}

int
tt_counters_load(
    const struct tt_ctx *ctx, bool have[TT_CTR__COUNT], uint64_t v[TT_CTR__COUNT], long long *when)
{
	return tt_counters_load_ns(ctx, NULL, have, v, when);
}

int
tt_counters_load_ns(const struct tt_ctx *ctx, const struct tt_counters_id *id,
    bool have[TT_CTR__COUNT], uint64_t v[TT_CTR__COUNT], long long *when)
{
	struct tt_origin here, then;
	char name[96], *buf;
	int dfd, r;

	memset(have, 0, sizeof(bool) * TT_CTR__COUNT);
	*when = 0;
	if (origin_of(ctx, id, &here) < 0 || !file_name(&here, name, sizeof(name)))
		return -ENOENT;
	dfd = open_state(ctx);
	if (dfd < 0)
		return dfd;
	buf = malloc(COUNTERS_MAX);
	r = buf == NULL ? -ENOMEM : read_file(dfd, name, buf, COUNTERS_MAX);
	close(dfd);
	then = here;
	then.boot[0] = '\0';
	then.btime = 0;
	if (r == 0)
		r = parse_file(buf, &then, have, v, when);
	if (strcmp(then.boot, "-") == 0)
		then.boot[0] = '\0';
	free(buf);
	/* Another boot: the counters started again from zero. */
	if (r == 0 && tt_origin_compare(&then, &here) != TT_ORIGIN_SAME)
		r = -ENOENT;
	if (r < 0)
		memset(have, 0, sizeof(bool) * TT_CTR__COUNT);
	return r;
}

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file's text into buf; its length. */
static size_t
format_file(
    const struct tt_origin *o, const struct tt_census *c, long long now, char *buf, size_t len)
{
	size_t n =
	    (size_t)snprintf(buf, len, "tcptune-counters 1\nboot %s\nbtime %lld\ntime %lld\n",
		o->boot[0] ? o->boot : "-", o->btime, now);

	for (int i = 0; i < TT_CTR__COUNT && n < len; i++) {
		const struct tt_counter_info *ci = tt_counter_info((enum tt_counter_id)i);

		if (c->have[i] && tt_counter_cumulative((enum tt_counter_id)i))
			n += (size_t)snprintf(buf + n, len - n, "%s.%s %" PRIu64 "\n", ci->section,
			    ci->field, c->counter[i]);
	}
	return n < len ? n : len - 1;
}

int
tt_counters_save(const struct tt_ctx *ctx, const struct tt_census *c, long long now)
{
	return tt_counters_save_ns(ctx, NULL, c, now);
}

int
tt_counters_save_ns(const struct tt_ctx *ctx, const struct tt_counters_id *id,
    const struct tt_census *c, long long now)
{
	struct tt_origin here;
	char name[96], tmp[128], buf[4096];
	size_t n;
	int dfd, fd, r;

	if (origin_of(ctx, id, &here) < 0 || !file_name(&here, name, sizeof(name)))
		return -ENOENT;
	dfd = open_state(ctx);
	if (dfd < 0)
		return dfd;
	n = format_file(&here, c, now, buf, sizeof(buf));
	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	r = write_all(fd, buf, n);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return r;
}

/* The namespace a counters file's name gives (counters-cookie-COOKIE or
 * counters-DEV-INO); false for another name. */
static bool
parse_name(const char *name, struct tt_counters_id *id)
{
	char *end;

	memset(id, 0, sizeof(*id));
	if (strncmp(name, "counters-", 9) != 0)
		return false;
	name += 9;
	errno = 0;
	if (strncmp(name, "cookie-", 7) == 0) {
		if (name[7] < '0' || name[7] > '9')
			return false;
		id->cookie = strtoull(name + 7, &end, 10);
		return errno == 0 && *end == '\0' && id->cookie != 0;
	}
	if (name[0] < '0' || name[0] > '9')
		return false;
	id->dev = strtoull(name, &end, 10);
	if (errno != 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	id->ino = strtoull(end + 1, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Whether f names a namespace of keep: by its cookie, or by device and
 * inode for a file of a kernel without cookies. */
static bool
listed(const struct tt_counters_id *keep, size_t n, const struct tt_counters_id *f)
{
	for (size_t i = 0; i < n; i++)
		if (f->cookie != 0 ? keep[i].cookie == f->cookie :
				     keep[i].dev == f->dev && keep[i].ino == f->ino)
			return true;
	return false;
}

int
tt_counters_prune(const struct tt_ctx *ctx, const struct tt_counters_id *keep, size_t n)
{
	struct tt_counters_id f;
	struct dirent *d;
	DIR *dir;
	int dfd = open_state(ctx), removed = 0;

	if (dfd < 0)
		return dfd;
	dir = fdopendir(dfd);
	if (dir == NULL) {
		close(dfd);
		return -errno;
	}
	while ((d = readdir(dir)) != NULL) {
		if (!parse_name(d->d_name, &f) || listed(keep, n, &f))
			continue;
		if (unlinkat(dirfd(dir), d->d_name, 0) == 0)
			removed++;
	}
	closedir(dir);
	return removed;
}
