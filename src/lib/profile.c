/*
 * Profile loader.
 *
 * libinih does the ini syntax, but a distribution's build of it has a line
 * limit of 200 bytes, continues values on indented lines, and tells the
 * handler no line numbers.  So the file is read into memory first and fed
 * to ini_parse_stream() through our own reader, which counts lines, checks
 * the shape of each line and turns over-long lines into errors of their own
 * instead of letting them be cut into pieces.  The handler then always
 * knows the line it is looking at.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>

#include "file.h"
#include "profile-internal.h"
#include "strtab.h"

#define PROFILE_MAX_SIZE (4u << 20)

enum section {
	SEC_SYSCTL,
	SEC_PROFILE,
	SEC_THRESHOLDS,
	SEC_GUARD, /* apply --guard's settings */
	SEC_IGNORED,
};

struct loader {
	const char *path;
	int depth, file;
	unsigned flags;
	struct tt_diags *diags;
	struct tt_profile *p;
	const char *buf;
	size_t len, pos;
	int line;
	bool has_profile_section; /* a tcptune profile, not a tuned one */
	bool saw_content;
	enum section sec;
	int oom;
};

static const struct {
	const char *name;
	size_t off;
	long long def, min, max;
} thresholds[] = {
#define TT_THR_ROW(n, d, lo, hi, desc) { #n, offsetof(struct tt_thresholds, n), d, lo, hi },
	TT_THRESHOLDS(TT_THR_ROW)
#undef TT_THR_ROW
};

TT_STRTAB(tt_nat_decl, enum tt_nat_decl,
    "auto", [TT_NAT_AUTO] = "auto", [TT_NAT_YES] = "yes", [TT_NAT_NO] = "no")

static long long *
thr_field(struct tt_thresholds *t, size_t i)
{
	/* off is an offsetof() of a long long member, so the result is aligned;
	 * the void * step says so to compilers that check casts from char *. */
	return (long long *)(void *)((char *)t + thresholds[i].off);
}

void
tt_thresholds_default(struct tt_thresholds *t)
{
	for (size_t i = 0; i < sizeof(thresholds) / sizeof(thresholds[0]); i++)
		*thr_field(t, i) = thresholds[i].def;
}

static void add(struct loader *l, int prio, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add(struct loader *l, int prio, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (tt_diags_add(l->diags, prio, l->path, l->line, key, "%s", msg) < 0)
		l->oom = 1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The first byte of [s, e) that is not a blank, or e. */
static const char *
skip_space(const char *s, const char *e)
{
	while (s < e && is_space(*s))
		s++;
	return s;
}

static enum section
classify_section(const char *name)
{
	if (strcmp(name, "sysctl") == 0)
		return SEC_SYSCTL;
	if (strcmp(name, "profile") == 0)
		return SEC_PROFILE;
	if (strcmp(name, "thresholds") == 0)
		return SEC_THRESHOLDS;
	if (strcmp(name, "guard") == 0)
		return SEC_GUARD;
	return SEC_IGNORED;
}

/* Looks at a section header line "[name]", perhaps with a comment after. */
static void
section_line(struct loader *l, const char *s, size_t n)
{
	const char *close = memchr(s, ']', n);
	char name[128];
	size_t len, rest;

	if (close == NULL || (len = (size_t)(close - s - 1)) >= sizeof(name)) {
		add(l, TT_LOG_ERR, NULL, "malformed section header");
		return;
	}
	for (rest = (size_t)(close - s) + 1; rest < n && is_space(s[rest]); rest++)
		;
	if (rest < n && s[rest] != ';' && s[rest] != '#') {
		add(l, TT_LOG_ERR, NULL, "malformed section header");
		return;
	}
	memcpy(name, s + 1, len);
	name[len] = '\0';
	l->sec = classify_section(name);
	if (l->sec != SEC_IGNORED)
		return;
	if (l->has_profile_section)
		add(l, TT_LOG_ERR, NULL,
		    "unknown section [%s] (a profile has [profile], [sysctl], [thresholds] "
		    "and [guard])",
		    name);
	else
		add(l, TT_LOG_NOTICE, NULL,
		    "section [%s] ignored: tcptune reads only [sysctl] here", name);
}

/*
 * The ini_reader: hands libinih one line at a time, like fgets(3), after
 * checking it.  Lines that are wrong are reported here, where the line
 * number is known, and handed over as empty lines.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *l = stream;
	const char *s, *e, *nl;
	size_t n;

	if (l->pos >= l->len)
		return NULL;
	s = l->buf + l->pos;
	nl = memchr(s, '\n', l->len - l->pos);
	e = nl ? nl : l->buf + l->len;
	l->pos = (size_t)(e - l->buf) + (nl ? 1 : 0);
	l->line++;

	/* Leading blanks are dropped, so an indented line is never taken for
	 * the continuation of the previous value. */
	s = skip_space(s, e);
	n = (size_t)(e - s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	str[0] = '\0';
	if (n == 0 || *s == '#' || *s == ';')
		return str;
	l->saw_content = true;
	if (num < 3 || n > (size_t)num - 2) {
		add(l, TT_LOG_ERR, NULL, "line is longer than %d characters", num - 2);
		return str;
	}
	if (*s == '[') {
		section_line(l, s, n);
	} else if (memchr(s, '=', n) == NULL && memchr(s, ':', n) == NULL) {
		add(l, TT_LOG_ERR, NULL, "malformed line: expected KEY = VALUE");
		return str;
	}
	memcpy(str, s, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

/* Refuses a tuned ${variable} in value, naming it.  True when there is one. */
static bool
refuse_variable(struct loader *l, const char *key, const char *value)
{
	const char *v = strstr(value, "${");
	size_t n;

	if (v == NULL)
		return false;
	n = strcspn(v, "}");
	add(l, TT_LOG_ERR, key,
	    "tuned variable %.*s%s is not supported: tcptune reads values as they are "
	    "written; put the value itself in a profile of its own",
	    (int)(n < 64 ? n + (v[n] == '}') : 64), v, n < 64 ? "" : "...");
	return true;
}

/*
 * Stores a value for a key, minding who set it before: a file deeper in
 * the includes gives way to the one including it, silently; a second
 * setting in the same file is an error in a tcptune profile and, as
 * systemd-sysctl has it, the later one winning with a warning elsewhere.
 */
static void
store(struct loader *l, const struct tt_key *k, const struct tt_val *v, bool optional)
{
	struct tt_setting *set = &l->p->sysctl[k->id];

	if (set->set && set->depth < l->depth)
		return; /* the including file set it: it wins */
	if (set->set && set->file == l->file) {
		if (l->has_profile_section) {
			add(l, TT_LOG_ERR, k->name, "duplicate key (first set on line %d)",
			    set->line);
			return;
		}
		add(l, TT_LOG_WARNING, k->name,
		    "set again (first on line %d): the later value wins, as with "
		    "systemd-sysctl",
		    set->line);
	}
	*set = (struct tt_setting){ .set = true,
		.optional = optional,
		.line = l->line,
		.file = l->file,
		.depth = l->depth,
		.val = *v };
}

static void
sysctl_entry(struct loader *l, const char *name, const char *value)
{
	const struct tt_key *k;
	bool optional = false;
	struct tt_val v;
	char buf[256], why[160];
	const char *reason;
	size_t n;

	/* sysctl.d(5): "-key" means a key the kernel may not have. */
	if (name[0] == '-' && !l->has_profile_section) {
		optional = true;
		name++;
	}
	k = tt_catalog_find(name);
	if (k == NULL) {
		const struct tt_key *near = tt_catalog_suggest(name);

		/* A slip of a key tcptune manages is never ignored: the folk
		 * spelling "tcp_recycle" must not pass as someone else's key. */
		if (near != NULL)
			add(l, TT_LOG_ERR, name,
			    "unknown key; did you mean %s? (not ignored even with "
			    "--ignore-unknown)",
			    near->name);
		else if (l->flags & TT_PROFILE_IGNORE_UNKNOWN)
			add(l, TT_LOG_WARNING, name, "unknown key, ignored");
		else
			add(l, TT_LOG_ERR, name,
			    "unknown key (see `tcptune explain` for the keys tcptune manages; "
			    "--ignore-unknown skips others)");
		return;
	}
	/* tuned writes multi-value strings in double quotes. */
	n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		if (n - 2 >= sizeof(buf)) {
			add(l, TT_LOG_ERR, k->name, "value too long");
			return;
		}
		memcpy(buf, value + 1, n - 2);
		buf[n - 2] = '\0';
		value = buf;
	}
	if (refuse_variable(l, k->name, value))
		return;
	if (value[0] == '>' || value[0] == '<') {
		add(l, TT_LOG_ERR, k->name,
		    "conditional value \"%s\" (tuned's %c) is not supported: write the value itself",
		    value, value[0]);
		return;
	}
	if (tt_val_parse(value, k->nfields, &v, &reason) < 0) {
		add(l, TT_LOG_ERR, k->name, "bad value \"%s\": %s", value, reason);
		return;
	}
	if (tt_key_check_kernel(k, &v, why, sizeof(why)) < 0) {
		add(l, TT_LOG_ERR, k->name, "bad value \"%s\": %s", value, why);
		return;
	}
	store(l, k, &v, optional);
}

static void
profile_entry(struct loader *l, const char *name, const char *value)
{
	if (strcmp(name, "description") == 0) {
		if (l->p->description != NULL) {
			add(l, TT_LOG_ERR, name, "duplicate key");
			return;
		}
		l->p->description = strdup(value);
		if (l->p->description == NULL)
			l->oom = 1;
	} else if (strcmp(name, "nat") == 0) {
		if (l->p->nat_given) {
			add(l, TT_LOG_ERR, name, "duplicate key");
			return;
		}
		if (tt_nat_decl_from_name(value) < 0) {
			add(l, TT_LOG_ERR, name, "bad value \"%s\": expected auto, yes or no",
			    value);
			return;
		}
		l->p->nat = (enum tt_nat_decl)tt_nat_decl_from_name(value);
		l->p->nat_given = true;
	} else {
		add(l, TT_LOG_ERR, name, "unknown key in [profile] (description, nat)");
	}
}

static void
threshold_entry(struct loader *l, const char *name, const char *value)
{
	const char *reason;
	struct tt_val v;

	for (size_t i = 0; i < sizeof(thresholds) / sizeof(thresholds[0]); i++) {
		if (strcmp(thresholds[i].name, name) != 0)
			continue;
		if (tt_val_parse(value, 1, &v, &reason) < 0) {
			add(l, TT_LOG_ERR, name, "bad value \"%s\": %s", value, reason);
			return;
		}
		if (v.v[0] < thresholds[i].min || v.v[0] > thresholds[i].max) {
			add(l, TT_LOG_ERR, name, "bad value \"%s\": outside %lld..%lld", value,
			    thresholds[i].min, thresholds[i].max);
			return;
		}
		*thr_field(&l->p->thr, i) = v.v[0];
		return;
	}
	add(l, TT_LOG_ERR, name, "unknown threshold");
}

static void
guard_entry(struct loader *l, const char *name, const char *value)
{
	char why[160];

	if (tt_guard_config_set(&l->p->guard, name, value, why, sizeof(why)) < 0)
		add(l, TT_LOG_ERR, name, "bad value \"%s\": %s", value, why);
}

const char *
tt_setting_file(const struct tt_profile *p, const struct tt_setting *s)
{
	return s->file > 0 && s->file <= p->nincludes ? p->includes[s->file - 1] : p->path;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;

	(void)section; /* the reader already classified it */
	if (value == NULL)
		value = "";
	switch (l->sec) {
	case SEC_SYSCTL:
		sysctl_entry(l, name, value);
		break;
	case SEC_PROFILE:
		profile_entry(l, name, value);
		break;
	case SEC_THRESHOLDS:
		threshold_entry(l, name, value);
		break;
	case SEC_GUARD:
		guard_entry(l, name, value);
		break;
	case SEC_IGNORED:
		break;
	}
	return l->oom ? 0 : 1;
}

/* Says in the profile's diagnostics why tt_read_file() refused it. */
static void
read_failed(struct loader *l, const struct stat *st, int e)
{
	if (st->st_mode == 0)
		add(l, TT_LOG_ERR, NULL, "cannot stat: %s", strerror(-e));
	else if (e == -EISDIR)
		add(l, TT_LOG_ERR, NULL, "is a directory, not a profile");
	else if (e == -ENODEV && S_ISREG(st->st_mode))
		/* /proc and /sys files say they are empty and are not: no
		 * profile lives there, and a kernel file named as a profile
		 * is a mistake or an attack worth naming. */
		add(l, TT_LOG_ERR, NULL,
		    "not a file on disk: its size is 0 but it has contents (a /proc or /sys file?)");
	else if (e == -ENODEV)
		add(l, TT_LOG_ERR, NULL, "not a regular file");
	else if (e == -EFBIG && (unsigned long long)st->st_size > PROFILE_MAX_SIZE)
		add(l, TT_LOG_ERR, NULL, "file is larger than %u bytes", PROFILE_MAX_SIZE);
	else if (e == -EFBIG)
		add(l, TT_LOG_ERR, NULL, "file grew while being read");
	else if (e != -ENOMEM)
		add(l, TT_LOG_ERR, NULL, "read error: %s", strerror(-e));
}

/* Reads a regular file of at most PROFILE_MAX_SIZE bytes into *out. */
static int
slurp(struct loader *l, char **out, size_t *outlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = -errno;

		add(l, TT_LOG_ERR, NULL, "cannot open: %s", strerror(-e));
		return e;
	}
	n = tt_read_file(fd, PROFILE_MAX_SIZE, &st, out);
	close(fd);
	if (n < 0) {
		read_failed(l, &st, (int)n);
		return (int)n;
	}
	*outlen = (size_t)n;
	return 0;
}

/* Whether a line of buf starts with the section header name ("[profile]"). */
static bool
has_section(const char *buf, size_t len, const char *name)
{
	const char *s = buf, *end = buf + len;
	size_t n = strlen(name);

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		s = skip_space(s, e);
		if ((size_t)(e - s) >= n && memcmp(s, name, n) == 0)
			return true;
		s = nl ? nl + 1 : end;
	}
	return false;
}

static bool
has_profile_section(const char *buf, size_t len)
{
	return has_section(buf, len, "[profile]");
}

/* A tuned profile: none of tcptune's own sections ([profile],
 * [thresholds], [guard]), and a [section] before any setting (tuned cannot
 * read a file without one). */
static bool
is_tuned(const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len;

	if (has_section(buf, len, "[profile]") || has_section(buf, len, "[thresholds]") ||
	    has_section(buf, len, "[guard]"))
		return false;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		s = skip_space(s, e);
		if (s < e && *s != '#' && *s != ';')
			return *s == '[';
		s = nl ? nl + 1 : end;
	}
	return false;
}

/*
 * Reads l->buf into l->p: the lines through libinih, the errors into the
 * diagnostics.  -ENOMEM, else 0 (errors or not).
 */
static int
parse_into(struct loader *l)
{
	const char *nul = l->len > 0 ? memchr(l->buf, '\0', l->len) : NULL;
	size_t errs_before = l->diags->nerr;
	int e;

	/* memchr() wants a pointer even for no bytes; an empty profile may
	 * come as (NULL, 0). */
	if (nul != NULL) {
		l->line = 1;
		for (const char *s = l->buf; s < nul; s++)
			l->line += *s == '\n';
		add(l, TT_LOG_ERR, NULL, "NUL byte in the file: not a text profile");
		return l->oom ? -ENOMEM : 0;
	}
	/* A UTF-8 byte order mark is not part of the first line. */
	if (l->len >= 3 && memcmp(l->buf, "\xef\xbb\xbf", 3) == 0)
		l->pos = 3;
	l->has_profile_section = has_profile_section(l->buf, l->len);
	l->sec = SEC_SYSCTL; /* sysctl.d style: no section at all */
	e = ini_parse_stream(reader, l, handler, l);
	if (e > 0 && l->diags->nerr == errs_before && !l->oom) {
		l->line = e;
		add(l, TT_LOG_ERR, NULL, "syntax error");
	}
	return l->oom || e < 0 ? -ENOMEM : 0;
}

/* Says, once per profile, that it plans nothing: nothing to set is a
 * valid profile, whether the file is empty, all comments, or all keys
 * that tcptune does not manage. */
static void
note_if_empty(struct loader *l)
{
	for (int i = 0; i < TT_K__COUNT; i++)
		if (l->p->sysctl[i].set)
			return;
	l->line = 0;
	add(l, TT_LOG_NOTICE, NULL,
	    l->saw_content ? "sets no key tcptune manages: an empty profile, nothing to do" :
			     "no setting at all: an empty profile, nothing to do");
}

int
tt_profile_parse(struct tt_ctx *ctx, const char *path, const char *buf, size_t len, unsigned flags,
    struct tt_profile **out, struct tt_diags *diags)
{
	struct loader l = { .path = path, .flags = flags, .diags = diags, .buf = buf, .len = len };
	size_t errs_before = diags->nerr;
	int e;

	*out = NULL;
	l.p = calloc(1, sizeof(*l.p));
	if (l.p == NULL || (l.p->path = strdup(path)) == NULL) {
		free(l.p);
		return -ENOMEM;
	}
	tt_thresholds_default(&l.p->thr);
	tt_guard_config_default(&l.p->guard);
	if (!has_profile_section(buf, len) && is_tuned(buf, len)) {
		l.saw_content = true;
		e = tt_profile_tuned(ctx, path, buf, len, flags, l.p, diags);
	} else {
		e = parse_into(&l);
	}
	if (e < 0) {
		tt_profile_free(l.p);
		return -ENOMEM;
	}
	if (diags->nerr > errs_before) {
		tt_profile_free(l.p);
		return -EINVAL;
	}
	note_if_empty(&l);
	if (l.oom) {
		tt_profile_free(l.p);
		return -ENOMEM;
	}
	tt_log(ctx, TT_LOG_DEBUG, "%s: profile loaded", path);
	*out = l.p;
	return 0;
}

/* A directory holding a tuned.conf is that tuned profile: the file's path
 * in *file (malloc'd), or NULL when path is not such a directory. */
static char *
tuned_dir_file(const char *path)
{
	struct stat st;
	size_t n = strlen(path) + sizeof("/tuned.conf");
	char *f;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || (f = malloc(n)) == NULL)
		return NULL;
	snprintf(f, n, "%s/tuned.conf", path);
	if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
		return f;
	free(f);
	return NULL;
}

int
tt_profile_load(struct tt_ctx *ctx, const char *path, unsigned flags, struct tt_profile **out,
    struct tt_diags *diags)
{
	char *file = tuned_dir_file(path);
	struct loader l = { .path = file ? file : path, .flags = flags, .diags = diags };
	char *buf = NULL;
	size_t len = 0;
	int e;

	*out = NULL;
	e = slurp(&l, &buf, &len);
	if (e == 0)
		e = tt_profile_parse(ctx, l.path, buf, len, flags, out, diags);
	free(buf);
	/* Known by the directory's name, as tuned knows it. */
	if (e == 0 && file != NULL) {
		char *dir = strdup(path);

		if (dir == NULL) {
			tt_profile_free(*out);
			*out = NULL;
			e = -ENOMEM;
		} else {
			free((*out)->path);
			(*out)->path = dir;
		}
	}
	free(file);
	return e;
}

void
tt_profile_free(struct tt_profile *p)
{
	if (p == NULL)
		return;
	free(p->path);
	free(p->description);
	for (int i = 0; i < p->nincludes; i++)
		free(p->includes[i]);
	free(p->includes);
	free(p);
}
