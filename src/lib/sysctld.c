/*
 * Reading sysctl.d and sysctl.conf the way systemd-sysctl and procps do.
 *
 * Why not the profile loader: these files are not tcptune's.  They set
 * keys tcptune does not manage (vm.*, kernel.*), may set one key in
 * several files, have no sections, and may be longer than libinih's line
 * buffer.  The loader rightly rejects all of that in a profile; here it is
 * normal, so a parser of a few lines that follows systemd-sysctl's own
 * syntax (KEY = VALUE, '#' or ';' comments, a '-' prefix that ignores a
 * failed write or, without '=', excludes a key, globs) fits better.
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

#include "file.h"
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

/* systemd's longest line (LONG_LINE_MAX): a line this long or longer
 * ends the file. */
#define SYSCTLD_LINE_MAX (1u << 20)
/* Lines are cut from a buffer of two of them, refilled as it empties. */
#define SYSCTLD_BUF (2 * SYSCTLD_LINE_MAX + 8)
/* The most brace alternatives one pattern is matched as, against one key. */
#define SYSCTLD_BRACE_MAX 4096

/* procps reads it after every sysctl.d file; systemd-sysctl does not. */
static const char sysctl_conf[] = "etc/sysctl.conf";

struct conf_file {
	char *name;
	size_t dir; /* index into conf_dirs */
};

/*
 * systemd-sysctl keeps one ordered list of options, keyed by the name in
 * its normal form (slashes, see normal_form()): a line whose key is already
 * there with the same value changes nothing, not even its place; with
 * another value (or none) the old option goes and the new one is appended.
 * A value of NULL is an exclusion ("-KEY" without '=').  Explicit keys are
 * kept per catalog key (their place does not matter: an explicit key wins
 * over every glob), globs in their order, only those matching a catalog
 * key, with a hash table from pattern to the live one.
 */
struct exact {
	bool present;
	bool excluded;
	bool optional;
	struct tt_sysctld_set set;
	char *value; /* in full, to compare */
};

struct glob {
	char *pattern;
	char *value; /* NULL: an exclusion, writes nothing */
	char *file;
	int line;
	bool optional;           /* "-PATTERN = VALUE" */
	bool dead;               /* replaced by a later line */
	unsigned long long keys; /* the catalog keys it matches, by id */
};

_Static_assert(TT_K__COUNT <= 64, "a glob's keys are bits of a 64-bit word");

struct winners {
	struct exact exact[TT_K__COUNT];
	struct glob *globs;
	size_t nglobs, capglobs;
	size_t *table; /* index + 1 into globs, 0 empty; capacity a power of 2 */
	size_t captable;
	char slashed[TT_K__COUNT][128]; /* the catalog's names, normal form */
};

struct reader {
	struct tt_diags *diags;
	int rootfd;
	int oom;
	int nfiles;
	bool no_openat2;
	char *buf; /* SYSCTLD_BUF + 1 bytes, for every file in turn */
};

/* One file being cut into lines the way systemd's read_line() cuts them. */
struct lines {
	int fd;
	char *buf;
	size_t pos, len; /* the bytes not yet used: buf[pos..len) */
	bool eof;
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

/* By name, then by directory: the first of a run of one name is the one read. */
static int
by_name(const void *a, const void *b)
{
	const struct conf_file *fa = a, *fb = b;
	int c = strcmp(fa->name, fb->name);

	return c != 0 ? c : (fa->dir > fb->dir) - (fa->dir < fb->dir);
}

static bool
has_conf_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

/* Adds the *.conf names of one directory; unique() drops the hidden ones. */
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
		if (de->d_name[0] == '.' || !has_conf_suffix(de->d_name))
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

/* systemd's whitespace: no '\f' or '\v'. */
static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Sorts the names and keeps, of each name, the one in the first directory
 * (a sort, not a search per name: 10,000 files are common on some hosts).
 */
static void
unique(struct conf_file *files, size_t *n)
{
	size_t kept = 0;

	if (*n == 0) /* files is NULL without any, which qsort(3) must not see */
		return;
	qsort(files, *n, sizeof(*files), by_name);
	for (size_t i = 0; i < *n; i++) {
		if (kept > 0 && strcmp(files[kept - 1].name, files[i].name) == 0) {
			free(files[i].name);
			continue;
		}
		files[kept++] = files[i];
	}
	*n = kept;
}

static char *
trim(char *s)
{
	char *e;

	while (blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && blank(e[-1]))
		*--e = '\0';
	return s;
}

/*
 * systemd's normal form of a key, in place: when the first separator is a
 * dot, dots become slashes and slashes dots ("net.ipv4.conf.eth0/1.x" is
 * "net/ipv4/conf/eth0.1/x"); otherwise the name is taken as written with
 * slashes.  Then empty and "." components go, and the leading slash.
 */
static void
normal_form(char *s)
{
	char *p = strpbrk(s, "./"), *in = s, *out = s;

	if (p != NULL && *p == '.')
		for (; *p; p++) {
			if (*p == '.')
				*p = '/';
			else if (*p == '/')
				*p = '.';
		}
	while (*in) {
		size_t w;

		while (*in == '/')
			in++;
		w = strcspn(in, "/");
		if (w == 0 || (w == 1 && in[0] == '.')) {
			in += w;
			continue;
		}
		if (out != s)
			*out++ = '/';
		memmove(out, in, w);
		out += w;
		in += w;
	}
	*out = '\0';
}

static bool
same_value(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
record(struct tt_sysctld_set *s, const char *file, int line, const char *value,
    const struct tt_key *k, bool glob, bool optional)
{
	const char *why;
	char reason[160];
	int n;

	memset(s, 0, sizeof(*s));
	s->set = true;
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->line = line;
	snprintf(s->text, sizeof(s->text), "%s", value);
	s->glob = glob;
	s->optional = optional;
	/* Anything but strict decimal (a leading zero is octal to the kernel)
	 * is kept as text and never counted as equal to a profile's value. */
	if (strlen(value) >= sizeof(s->text) || tt_val_parse(value, k->nfields, &s->val, &why) < 0)
		s->val.n = 0;
	/* What the kernel makes of the whole text, however long. */
	n = tt_val_parse_kernel(value, k->nfields, (k->flags & TT_KEY_UNSIGNED) != 0, &s->kval);
	if (n < 0 ||
	    (n == k->nfields && tt_key_check_kernel(k, &s->kval, reason, sizeof(reason)) < 0)) {
		s->refused = true;
		s->kval.n = 0;
	} else if (n != k->nfields) {
		s->kval.n = 0; /* the other fields stay as they were */
	}
}

/* An explicit key: only the catalog's matter. */
static void
exact_line(struct reader *r, struct winners *w, const char *file, int line, const char *key,
    const char *value, bool optional)
{
	for (int i = 0; i < TT_K__COUNT; i++) {
		struct exact *x = &w->exact[i];

		if (strcmp(key, w->slashed[i]) != 0)
			continue;
		if (x->present && same_value(x->value, value)) {
			/* A repeat: the first line stays, '-' from either. */
			x->optional = x->optional || optional;
			x->set.optional = x->optional;
			return;
		}
		free(x->value);
		x->value = value ? strdup(value) : NULL;
		if (value != NULL && x->value == NULL)
			r->oom = 1;
		x->present = true;
		x->excluded = value == NULL;
		x->optional = optional;
		memset(&x->set, 0, sizeof(x->set));
		if (value != NULL)
			record(&x->set, file, line, value, tt_key_get((enum tt_key_id)i), false,
			    optional);
		return;
	}
}

static size_t
hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of pattern in the table: its own, or the empty one it would take. */
static size_t
slot(const struct winners *w, const char *pattern)
{
	size_t i = hash(pattern) & (w->captable - 1);

	while (w->table[i] != 0 && strcmp(w->globs[w->table[i] - 1].pattern, pattern) != 0)
		i = (i + 1) & (w->captable - 1);
	return i;
}

/* Room for one more glob, in the list and in the table (kept half empty). */
static int
glob_room(struct winners *w)
{
	if (w->nglobs == w->capglobs) {
		size_t nc = w->capglobs ? w->capglobs * 2 : 16;
		struct glob *v = realloc(w->globs, nc * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		w->globs = v;
		w->capglobs = nc;
	}
	if (2 * (w->nglobs + 1) > w->captable) {
		size_t nc = w->captable ? w->captable * 2 : 32;
		size_t *t = calloc(nc, sizeof(*t));

		if (t == NULL)
			return -ENOMEM;
		free(w->table);
		w->table = t;
		w->captable = nc;
		for (size_t i = 0; i < w->nglobs; i++)
			if (!w->globs[i].dead)
				w->table[slot(w, w->globs[i].pattern)] = i + 1;
	}
	return 0;
}

/*
 * Where the alternative that starts at p ends: at the ',' or '}' of its own
 * brace, past nested braces and backslash escapes; NULL when the brace is
 * never closed.
 */
static const char *
brace_next(const char *p)
{
	size_t depth = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return NULL;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' || *p == ',') {
			if (depth == 0)
				return p;
			if (*p == '}')
				depth--;
		}
	}
	return NULL;
}

/* The first '{' that is not escaped, or NULL. */
static const char *
brace_open(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '{')
			return p;
	}
	return NULL;
}

/*
 * The first brace group of pattern: *open at its '{', *close at its '}',
 * *first at the end of its first alternative.  False when there is none
 * that closes (a brace never closed is a plain character).
 */
static bool
brace_group(const char *pattern, const char **open, const char **first, const char **close)
{
	const char *c;

	*open = brace_open(pattern);
	if (*open == NULL || (*first = brace_next(*open + 1)) == NULL)
		return false;
	for (c = *first; *c != '}';)
		if ((c = brace_next(c + 1)) == NULL)
			return false;
	*close = c;
	return true;
}

struct alts {
	char **v;
	size_t n, cap;
};

/* Pushes the pattern with the group [open, close] replaced by [alt, end). */
static int
alts_push(struct alts *a, const char *pattern, const char *open, const char *alt, const char *end,
    const char *close)
{
	size_t len = strlen(pattern) + 1;
	char *one;

	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, nc * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		a->v = v;
		a->cap = nc;
	}
	one = malloc(len);
	if (one == NULL)
		return -ENOMEM;
	snprintf(one, len, "%.*s%.*s%s", (int)(open - pattern), pattern, (int)(end - alt), alt,
	    close + 1);
	a->v[a->n++] = one;
	return 0;
}

/*
 * Whether name matches pattern as glob(3) with GLOB_BRACE matches a path:
 * the first brace group is replaced by each of its alternatives in turn
 * (nested and later groups in the next rounds), each result matched with
 * fnmatch(3).  At most SYSCTLD_BRACE_MAX alternatives are made (a pattern
 * of many braces has exponentially many): 1 match, 0 not, -E2BIG, -ENOMEM.
 */
static int
brace_match(const char *pattern, const char *name)
{
	struct alts a = { 0 };
	int r = 0, made = 0;
	char *cur = strdup(pattern);

	if (cur == NULL)
		return -ENOMEM;
	while (r == 0 && cur != NULL) {
		const char *open, *alt, *end, *close;

		if (!brace_group(cur, &open, &end, &close)) {
			r = fnmatch(cur, name, FNM_PATHNAME | FNM_PERIOD) == 0;
		} else {
			for (alt = open + 1; r == 0; alt = end + 1, end = brace_next(alt)) {
				r = ++made > SYSCTLD_BRACE_MAX ?
				    -E2BIG :
				    alts_push(&a, cur, open, alt, end, close);
				if (*end == '}')
					break;
			}
		}
		free(cur);
		cur = a.n > 0 ? a.v[--a.n] : NULL;
	}
	free(cur);
	while (a.n > 0)
		free(a.v[--a.n]);
	free(a.v);
	return r;
}

/*
 * A pattern: systemd-sysctl expands it with glob(3) below /proc/sys, so a
 * '*' or '?' never matches a '/' (the dot of the dotted name), and braces
 * give alternatives.  Patterns that match none of the catalog's keys are
 * of no interest.
 */
static void
glob_line(struct reader *r, struct winners *w, const char *file, int line, const char *pattern,
    const char *value, bool optional)
{
	unsigned long long keys = 0;
	struct glob *g;
	size_t at;

	for (int i = 0; i < TT_K__COUNT; i++) {
		int m = brace_match(pattern, w->slashed[i]);

		if (m == -ENOMEM) {
			r->oom = 1;
			return;
		}
		if (m < 0) {
			warn(r, file, line, "a pattern of more than %d brace alternatives, ignored",
			    SYSCTLD_BRACE_MAX);
			return;
		}
		if (m == 1)
			keys |= 1ULL << i;
	}
	if (keys == 0)
		return;
	if (glob_room(w) < 0) {
		r->oom = 1;
		return;
	}
	at = slot(w, pattern);
	if (w->table[at] != 0) {
		g = &w->globs[w->table[at] - 1];
		if (same_value(g->value, value)) {
			g->optional = g->optional || optional;
			return; /* a repeat keeps its first place */
		}
		g->dead = true;
	}
	g = &w->globs[w->nglobs];
	*g = (struct glob){ .pattern = strdup(pattern),
		.value = value ? strdup(value) : NULL,
		.file = strdup(file),
		.line = line,
		.optional = optional,
		.keys = keys };
	if (g->pattern == NULL || g->file == NULL || (value != NULL && g->value == NULL)) {
		free(g->pattern);
		free(g->value);
		free(g->file);
		r->oom = 1;
		return;
	}
	w->table[at] = ++w->nglobs;
}

/*
 * One line that is not a comment: KEY = VALUE, "-KEY = VALUE" (a failed
 * write is not an error) or "-KEY" (an exclusion: KEY is never written, by
 * its own name or by a glob).
 */
static void
assignment(struct reader *r, struct winners *w, const char *file, int line, char *s)
{
	char *eq = strchr(s, '='), *value = NULL;
	bool optional = false;

	if (eq != NULL) {
		*eq = '\0';
		value = trim(eq + 1);
	} else if (*s != '-') {
		warn(r, file, line, "not an assignment, ignored (as systemd-sysctl does)");
		return;
	}
	if (*s == '-') {
		optional = value != NULL;
		s++;
	}
	s = trim(s);
	normal_form(s);
	if (*s == '\0')
		return;
	if (strpbrk(s, "*?[") != NULL)
		glob_line(r, w, file, line, s, value, optional);
	else
		exact_line(r, w, file, line, s, value, optional);
}

/* Keeps at least want bytes ahead of pos in the buffer, or all that is left. */
static int
lines_fill(struct lines *l, size_t want)
{
	if (l->len - l->pos >= want || l->eof)
		return 0;
	memmove(l->buf, l->buf + l->pos, l->len - l->pos);
	l->len -= l->pos;
	l->pos = 0;
	while (l->len < SYSCTLD_BUF && !l->eof) {
		ssize_t n = read(l->fd, l->buf + l->len, SYSCTLD_BUF - l->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		l->eof = n == 0;
		l->len += (size_t)n;
	}
	return 0;
}

/* The kind of line end a byte is: a bit each for LF, CR and NUL, or 0. */
static unsigned
eol_kind(char c)
{
	return c == '\n' ? 1u : c == '\r' ? 2u : c == '\0' ? 4u : 0u;
}

/*
 * The next line, NUL-terminated in the buffer, as systemd's read_line()
 * cuts it: up to the first LF, CR or NUL; the marker goes on while each
 * kind comes at most once and no NUL came (CR LF, LF CR, LF NUL are one
 * end; LF LF are two).  Returns 1, 0 at the end of the file, -ENOBUFS for
 * a line of SYSCTLD_LINE_MAX bytes or more (at the end of the file too),
 * or the errno of read(2).
 */
static int
next_line(struct lines *l, char **line)
{
	unsigned seen = 0, k;
	size_t i, end;
	int e = lines_fill(l, SYSCTLD_LINE_MAX + 3);

	if (e < 0)
		return e;
	if (l->pos == l->len)
		return 0;
	for (i = l->pos; i < l->len && i - l->pos < SYSCTLD_LINE_MAX; i++)
		if (eol_kind(l->buf[i]) != 0)
			break;
	if (i - l->pos >= SYSCTLD_LINE_MAX)
		return -ENOBUFS;
	end = i;
	while (i < l->len && (k = eol_kind(l->buf[i])) != 0 && !(seen & k) && !(seen & 4u)) {
		seen |= k;
		i++;
	}
	l->buf[end] = '\0';
	*line = l->buf + l->pos;
	l->pos = i;
	return 1;
}

/* Every assignment of one open file, line by line, to its end. */
static void
read_lines(struct reader *r, struct winners *w, const char *shown, int fd)
{
	struct lines l = { .fd = fd, .buf = r->buf };
	int lineno = 0, e;
	char *p;

	while ((e = next_line(&l, &p)) > 0) {
		char *s = trim(p);

		lineno++;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		assignment(r, w, shown, lineno, s);
	}
	if (e == -ENOBUFS)
		warn(r, shown, lineno + 1,
		    "a line of %u bytes or more: systemd-sysctl reads nothing from here on",
		    SYSCTLD_LINE_MAX);
	else if (e < 0)
		warn(r, shown, lineno + 1, "read error: %s", strerror(-e));
}

/* Reads one file below the root; rel has no leading '/'. */
static void
read_file(struct reader *r, struct winners *w, const char *rel)
{
	char shown[TT_SYSCTLD_PATH_MAX], link[64];
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
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		warn(r, shown, 0, "not a regular file, ignored");
		return;
	}
	r->nfiles++;
	read_lines(r, w, shown, fd);
	close(fd);
}

/*
 * What the globs leave in key i, which exists: the last live glob with a
 * value that names it and whose value the kernel takes; when the kernel
 * refuses every such write, the last of them, refused.
 */
static void
settle_glob(const struct winners *w, int i, struct tt_sysctld_set *out)
{
	const struct tt_key *k = tt_key_get((enum tt_key_id)i);
	const struct glob *failed = NULL;

	for (size_t j = w->nglobs; j-- > 0;) {
		const struct glob *g = &w->globs[j];

		if (g->dead || g->value == NULL || !(g->keys >> i & 1))
			continue;
		record(out, g->file, g->line, g->value, k, true, g->optional);
		if (!out->refused)
			return;
		if (failed == NULL)
			failed = g;
	}
	memset(out, 0, sizeof(*out));
	if (failed != NULL)
		record(out, failed->file, failed->line, failed->value, k, true, failed->optional);
}

/* What the options leave: an explicit key, else the globs' winner. */
static void
settle(const struct winners *w, unsigned long long present, struct tt_sysctld_set out[TT_K__COUNT])
{
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct exact *x = &w->exact[i];

		memset(&out[i], 0, sizeof(out[i]));
		if (x->present) {
			if (x->excluded)
				continue;
			out[i] = x->set;
			/* A key this kernel lacks: the write fails, nothing is held. */
			if (!(present >> i & 1))
				out[i].kval.n = 0;
			continue;
		}
		/* A glob never reaches a key this kernel lacks. */
		if (present >> i & 1)
			settle_glob(w, i, &out[i]);
	}
}

static struct winners *
winners_new(void)
{
	struct winners *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	for (int i = 0; i < TT_K__COUNT; i++) {
		char *p = w->slashed[i];

		snprintf(p, sizeof(w->slashed[i]), "%s", tt_key_get((enum tt_key_id)i)->name);
		for (; *p; p++)
			if (*p == '.')
				*p = '/';
	}
	return w;
}

static void
winners_free(struct winners *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < TT_K__COUNT; i++)
		free(w->exact[i].value);
	for (size_t i = 0; i < w->nglobs; i++) {
		free(w->globs[i].pattern);
		free(w->globs[i].value);
		free(w->globs[i].file);
	}
	free(w->globs);
	free(w->table);
	free(w);
}

int
tt_sysctld_read(const struct tt_ctx *ctx, unsigned long long present, struct tt_sysctld **out,
    struct tt_diags *diags)
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
	w = winners_new();
	r.buf = malloc(SYSCTLD_BUF + 1);
	if (sd == NULL || w == NULL || r.buf == NULL) {
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
	unique(files, &n);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", conf_dirs[files[i].dir], files[i].name);
		read_file(&r, w, rel);
	}
	settle(w, present, sd->boot);
	read_file(&r, w, sysctl_conf);
	settle(w, present, sd->system);
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
	winners_free(w);
	free(sd);
	free(r.buf);
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
