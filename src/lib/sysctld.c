/*
 * Reading sysctl.d and sysctl.conf the way systemd-sysctl and procps do.
 *
 * Why not the profile loader: these files are not tcptune's.  They set
 * keys tcptune does not manage (vm.*, kernel.*), may set one key in
 * several files, have no sections, and may be longer than libinih's line
 * buffer.  The loader rightly rejects all of that in a profile; here it is
 * normal, so a parser of a few lines that follows systemd-sysctl's own
 * syntax (KEY = VALUE, '#' or ';' comments, a '-' prefix that ignores a
 * failed write, globs) fits better.
 *
 * Files are opened below the sysctl root with RESOLVE_IN_ROOT, so that a
 * symlink such as Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf
 * resolves inside the tree being examined, never on the host running us.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file-internal.h"
#include "sysctld.h"

/* In precedence order: a file name here hides the same name further down. */
static const char *const conf_dirs[] = {
	"etc/sysctl.d",
	"run/sysctl.d",
	"usr/local/lib/sysctl.d",
	"usr/lib/sysctl.d",
	/* Only distinct from /usr/lib on a system without merged /usr; on
	 * one with it, every name here is hidden by the same name above. */
	"lib/sysctl.d",
};
#define NDIRS (sizeof(conf_dirs) / sizeof(conf_dirs[0]))

/* A file of settings is a few KiB; a bigger one is not read. */
#define SYSCTLD_FILE_MAX (1u << 20)

/* procps reads it after every sysctl.d file; systemd-sysctl does not. */
static const char sysctl_conf[] = "etc/sysctl.conf";

struct conf_file {
	char *name;
	size_t dir; /* index into conf_dirs */
};

/* Per key, the explicit assignment and the glob one, kept apart because
 * an explicit key wins over any pattern. */
struct winners {
	struct tt_sysctld_set exact[TT_K__COUNT];
	struct tt_sysctld_set glob[TT_K__COUNT];
};

struct reader {
	struct tt_diags *diags;
	int rootfd;
	int oom;
	int nfiles;
	bool no_openat2;
};

/*
 * Drops empty and "." components and applies ".." (never above the root).
 * Returns 0, or -ENAMETOOLONG.
 */
static int
normalise(const char *in, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	while (*in) {
		size_t w;

		while (*in == '/')
			in++;
		w = strcspn(in, "/");
		if (w == 0 || (w == 1 && in[0] == '.')) {
			/* nothing */
		} else if (w == 2 && in[0] == '.' && in[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
		} else {
			if (n + (n > 0) + w + 1 > len)
				return -ENAMETOOLONG;
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, in, w);
			n += w;
			out[n] = '\0';
		}
		in += w;
	}
	return 0;
}

/*
 * openat2() is missing on kernels before 5.6 and refused by some seccomp
 * filters (systemd-nspawn 252's among them): follow the symlinks by hand,
 * each one relative to the root.
 */
static int
open_by_hand(int rootfd, const char *rel, int flags)
{
	char path[PATH_MAX], norm[PATH_MAX], target[PATH_MAX];
	int hops = 0, fd;
	bool linked;

	if (snprintf(path, sizeof(path), "%s", rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	do {
		size_t end = 0;

		if (normalise(path, norm, sizeof(norm)) < 0)
			return -ENAMETOOLONG;
		linked = false;
		/* Each prefix of the path in turn: "etc", "etc/sysctl.d", ... */
		while (!linked && norm[end] != '\0') {
			const char *rest;
			size_t dirlen = end;
			ssize_t n;
			int w;

			end += norm[end] == '/';
			end += strcspn(norm + end, "/");
			rest = norm + end;
			{
				char prefix[PATH_MAX];

				memcpy(prefix, norm, end);
				prefix[end] = '\0';
				n = readlinkat(rootfd, prefix, target, sizeof(target) - 1);
			}
			if (n < 0)
				continue;
			if (++hops > 40)
				return -ELOOP;
			target[n] = '\0';
			/* Absolute targets start again at the root; relative ones
			 * from the link's own directory. */
			if (target[0] == '/')
				w = snprintf(path, sizeof(path), "%s%s", target, rest);
			else
				w = snprintf(path, sizeof(path), "%.*s/%s%s", (int)dirlen, norm,
				    target, rest);
			if (w < 0 || w >= (int)sizeof(path))
				return -ENAMETOOLONG;
			linked = true;
		}
	} while (linked);
	fd = openat(rootfd, norm[0] ? norm : ".", flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

static int
open_in_root(struct reader *r, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!r->no_openat2) {
		fd = (int)syscall(SYS_openat2, r->rootfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		r->no_openat2 = true;
	}
	return open_by_hand(r->rootfd, rel, flags);
}

static void warn(struct reader *r, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
warn(struct reader *r, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (tt_diags_add(r->diags, TT_LOG_WARNING, file, line, NULL, "%s", msg) < 0)
		r->oom = 1;
}

static int
by_name(const void *a, const void *b)
{
	const struct conf_file *fa = a, *fb = b;

	return strcmp(fa->name, fb->name);
}

static bool
has_conf_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

/* Adds the *.conf names of one directory not already seen in an earlier one. */
static int
list_dir(struct reader *r, size_t d, struct conf_file **files, size_t *n, size_t *cap)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = open_in_root(r, conf_dirs[d], O_RDONLY | O_DIRECTORY);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0) {
		char shown[TT_SYSCTLD_PATH_MAX];

		snprintf(shown, sizeof(shown), "/%s", conf_dirs[d]);
		warn(r, shown, 0, "cannot open: %s", strerror(-fd));
		return 0;
	}
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir)) != NULL) {
		bool seen = false;

		if (de->d_name[0] == '.' || !has_conf_suffix(de->d_name))
			continue;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = strcmp((*files)[i].name, de->d_name) == 0;
		if (seen)
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 32;
			struct conf_file *v = realloc(*files, nc * sizeof(*v));

			if (v == NULL)
				goto oom;
			*files = v;
			*cap = nc;
		}
		(*files)[*n].name = strdup(de->d_name);
		if ((*files)[*n].name == NULL)
			goto oom;
		(*files)[*n].dir = d;
		(*n)++;
	}
	closedir(dir);
	return 0;
oom:
	closedir(dir);
	return -ENOMEM;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	e = s + strlen(s);
	while (e > s &&
	    (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n' || e[-1] == '\f' ||
		e[-1] == '\v'))
		*--e = '\0';
	return s;
}

static void
record(struct tt_sysctld_set *s, const char *file, int line, const char *value,
    const struct tt_key *k, bool glob)
{
	const char *why;

	s->set = true;
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->line = line;
	snprintf(s->text, sizeof(s->text), "%s", value);
	s->glob = glob;
	/* Anything but strict decimal (a leading zero is octal to the kernel)
	 * is kept as text and never counted as equal to a profile's value. */
	if (strlen(value) >= sizeof(s->text) || tt_val_parse(value, k->nfields, &s->val, &why) < 0)
		s->val.n = 0;
}

/* One KEY = VALUE line; the key is given with dots or slashes. */
static void
assignment(struct reader *r, struct winners *w, const char *file, int line, char *s)
{
	char *eq = strchr(s, '='), *key, *value, dotted[256];
	const struct tt_key *k;

	if (*s == '-') /* only says a failed write is not an error */
		s++;
	if (eq == NULL) {
		warn(r, file, line, "not an assignment, ignored (as systemd-sysctl does)");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (*key == '\0' || strlen(key) >= sizeof(dotted))
		return;
	/* systemd's normal form: when the first separator is '/', the
	 * slashes are the separators and dots belong to names. */
	snprintf(dotted, sizeof(dotted), "%s", key);
	if (strcspn(dotted, "./") < strlen(dotted) && dotted[strcspn(dotted, "./")] == '/')
		for (char *p = dotted; *p; p++) {
			if (*p == '/')
				*p = '.';
			else if (*p == '.')
				*p = '/';
		}
	if (strpbrk(dotted, "*?[") != NULL) {
		for (int i = 0; i < TT_K__COUNT; i++) {
			k = tt_key_get((enum tt_key_id)i);
			if (fnmatch(dotted, k->name, 0) == 0)
				record(&w->glob[i], file, line, value, k, true);
		}
		return;
	}
	k = tt_catalog_find(dotted);
	if (k != NULL)
		record(&w->exact[k->id], file, line, value, k, false);
}

/* Every assignment in the text of one file, line by line. */
static void
read_lines(struct reader *r, struct winners *w, const char *shown, char *text, size_t len)
{
	char *p = text, *end = text + len;
	int lineno = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *s;

		if (nl != NULL)
			*nl = '\0';
		s = trim(p);
		lineno++;
		p = nl != NULL ? nl + 1 : end;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		assignment(r, w, shown, lineno, s);
	}
}

/* Reads one file below the root; rel has no leading '/'. */
static void
read_file(struct reader *r, struct winners *w, const char *rel)
{
	char shown[TT_SYSCTLD_PATH_MAX], link[64], *text;
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(shown, sizeof(shown), "/%s", rel);
	/* A symlink to /dev/null masks the name: nothing is read from it. */
	n = readlinkat(r->rootfd, rel, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (strcmp(link, "/dev/null") == 0)
			return;
	}
	fd = open_in_root(r, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd == -ENOENT)
		return;
	if (fd < 0) {
		warn(r, shown, 0, "cannot open: %s", strerror(-fd));
		return;
	}
	n = tt_read_file(fd, SYSCTLD_FILE_MAX, &st, &text);
	close(fd);
	if (n == -ENOMEM) {
		r->oom = 1;
		return;
	}
	if (st.st_mode == 0 || n == -EISDIR || n == -ENODEV) {
		warn(r, shown, 0, "not a regular file, ignored");
		return;
	}
	r->nfiles++;
	if (n == -EFBIG)
		warn(r, shown, 0, "larger than %u bytes, ignored", SYSCTLD_FILE_MAX);
	else if (n < 0)
		warn(r, shown, 0, "read error");
	else
		read_lines(r, w, shown, text, (size_t)n);
	free(text);
}

static void
settle(const struct winners *w, struct tt_sysctld_set out[TT_K__COUNT])
{
	for (int i = 0; i < TT_K__COUNT; i++)
		out[i] = w->exact[i].set ? w->exact[i] : w->glob[i];
}

int
tt_sysctld_read(const struct tt_ctx *ctx, struct tt_sysctld **out, struct tt_diags *diags)
{
	struct reader r = { .diags = diags, .rootfd = -1 };
	struct conf_file *files = NULL;
	struct winners *w = NULL;
	struct tt_sysctld *sd;
	size_t n = 0, cap = 0;
	char rel[TT_SYSCTLD_PATH_MAX];
	int e = 0;

	*out = NULL;
	sd = calloc(1, sizeof(*sd));
	w = calloc(1, sizeof(*w));
	if (sd == NULL || w == NULL) {
		e = -ENOMEM;
		goto out;
	}
	r.rootfd = open(tt_ctx_sysctl_root(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.rootfd < 0) {
		/* No tree at all: nothing sets anything. */
		warn(&r, tt_ctx_sysctl_root(ctx), 0, "cannot open: %s", strerror(errno));
		goto done;
	}
	for (size_t d = 0; d < NDIRS && e == 0; d++)
		e = list_dir(&r, d, &files, &n, &cap);
	if (e < 0)
		goto out;
	if (n > 0) /* files is NULL without any, which qsort(3) must not see */
		qsort(files, n, sizeof(*files), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", conf_dirs[files[i].dir], files[i].name);
		read_file(&r, w, rel);
	}
	settle(w, sd->boot);
	read_file(&r, w, sysctl_conf);
	settle(w, sd->system);
done:
	sd->nfiles = r.nfiles;
	if (r.oom) {
		e = -ENOMEM;
		goto out;
	}
	tt_log(ctx, TT_LOG_DEBUG, "%s: %d sysctl configuration files read", tt_ctx_sysctl_root(ctx),
	    r.nfiles);
	*out = sd;
	sd = NULL;
out:
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	free(w);
	free(sd);
	if (r.rootfd >= 0)
		close(r.rootfd);
	return e;
}

void
tt_sysctld_free(struct tt_sysctld *sd)
{
	free(sd);
}

bool
tt_sysctld_same(const struct tt_sysctld_set *s, const struct tt_val *v)
{
	return s->val.n != 0 && tt_val_eq(&s->val, v);
}
