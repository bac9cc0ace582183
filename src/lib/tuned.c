/*
 * tuned 2.20's profile loader, merger and unit manager, as far as its
 * [sysctl] plugin sees them.
 *
 * Loading: a profile's include= names (split at ',' or ';', functions
 * expanded, "-name" optional) are loaded before the profile itself, each
 * file once: a file already read is skipped (so a self-include or a cycle
 * ends), and the list of profiles is merged in that order, later ones
 * winning.  Merging: a unit (section) of the same name takes the later
 * type=, enabled=, regular expressions and options; replace=1 takes the
 * later unit whole; drop=KEY,... removes earlier options first.  Then
 * [variables] (and its include= file) define ${name}; units of type
 * sysctl that are enabled and match cpuinfo_regex= and uname_regex= are
 * the plugin's instances, in priority= order, each writing its options in
 * order.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "file.h"
#include "sysctl.h"
#include "tuned-internal.h"
#include "tuned.h"

struct unit {
	char *name, *type;
	bool enabled, replace, has_drop;
	char **drop;
	int ndrop;
	struct tt_topt cpuinfo, uname; /* value NULL when not given */
	struct tt_tdict opts;
};

struct prof {
	struct tt_tdict main;
	struct unit *u;
	int nu;
};

struct ld {
	struct tt_ctx *ctx;
	struct tt_diags *diags;
	struct tt_tuned *out;
	struct prof *profs;
	int nprofs;
	size_t bytes;
	struct tt_texp exp;
	struct tt_tdict vars;
	char *top; /* the top profile's normalized absolute path */
	int oom;
	bool failed;
};

static void say(struct ld *l, int prio, const char *file, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
say(struct ld *l, int prio, const char *file, int line, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (prio == TT_LOG_ERR)
		l->failed = true;
	if (tt_diags_add(l->diags, prio, file, line, key, "%s", msg) < 0)
		l->oom = 1;
}

/* Past the bound on expanding: refused, once, where it happened. */
static bool
over(struct ld *l, const char *file, int line, const char *key)
{
	if (!l->exp.over)
		return false;
	if (!l->failed)
		say(l, TT_LOG_ERR, file, line, key,
		    "tuned's variables and functions expand to more than %u bytes in this "
		    "profile: refused",
		    TT_TEXP_MAX_WORK);
	l->failed = true;
	return true;
}

/* s expanded as tuned expands it (with the profile's variables when
 * vars) into *out, which the caller frees: 0, -ENOMEM, or -EINVAL past the
 * bound on expanding (said once, at file:line, key).  l->exp.why and
 * l->exp.fail then say what could not be expanded here. */
static int
expand(
    struct ld *l, const char *s, bool vars, const struct tt_topt *at, const char *key, char **out)
{
	l->exp.why[0] = l->exp.fail[0] = '\0';
	l->exp.vars = vars ? &l->vars : NULL;
	if ((*out = tt_texpand(&l->exp, s)) == NULL)
		return -ENOMEM;
	if (over(l, at->file, at->line, key)) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

static void
unit_free(struct unit *u)
{
	free(u->name);
	free(u->type);
	for (int i = 0; i < u->ndrop; i++)
		free(u->drop[i]);
	free(u->drop);
	tt_topt_free(&u->cpuinfo);
	tt_topt_free(&u->uname);
	tt_tdict_free(&u->opts);
}

static void
prof_free(struct prof *p)
{
	tt_tdict_free(&p->main);
	for (int i = 0; i < p->nu; i++)
		unit_free(&p->u[i]);
	free(p->u);
}

/* config.pop(name) in [True, "True", "true", 1, "1"], else def. */
static bool
pop_bool(struct tt_tdict *d, const char *name, bool def)
{
	struct tt_topt o;
	bool v;

	if (!tt_tdict_pop(d, name, &o))
		return def;
	v = strcmp(o.value, "True") == 0 || strcmp(o.value, "true") == 0 ||
	    strcmp(o.value, "1") == 0;
	tt_topt_free(&o);
	return v;
}

static bool
word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_';
}

static bool
space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Where a separator starts at or after i in s; *end is after it.  With
 * boundary, only after a word boundary (tuned's drop= pattern). */
static const char *
next_sep(const char *s, const char *from, bool boundary, const char **end)
{
	for (const char *p = from; *p; p++) {
		const char *q = p;

		if (boundary && (p > s ? word(p[-1]) : false) == word(*p))
			continue;
		while (space(*q))
			q++;
		if (*q != ',' && *q != ';')
			continue;
		for (q++; space(*q); q++)
			;
		*end = q;
		return p;
	}
	return NULL;
}

/* re.split() of value at the separators: a malloc'd list in *out. */
static int
split_names(const char *value, bool boundary, char ***out, int *n)
{
	const char *s = value, *end;

	*out = NULL;
	*n = 0;
	for (;;) {
		const char *sep = next_sep(value, s, boundary, &end);
		size_t len = sep ? (size_t)(sep - s) : strlen(s);
		char **v = realloc(*out, (size_t)(*n + 1) * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		*out = v;
		if ((v[*n] = strndup(s, len)) == NULL)
			return -ENOMEM;
		(*n)++;
		if (sep == NULL)
			return 0;
		s = end;
	}
}

static void
free_names(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* tuned's Unit(): the unit's own settings taken out of its options. */
static int
make_unit(struct unit *u, struct tt_tsection *sec)
{
	static const char *const dropped[] = { "devices", "devices_udev_regex", "script_pre",
		"script_post" };
	struct tt_topt o;

	u->name = sec->name;
	sec->name = NULL;
	u->opts = sec->opts;
	sec->opts = (struct tt_tdict){ 0 };
	if (tt_tdict_pop(&u->opts, "type", &o)) {
		u->type = o.value;
		o.value = NULL;
		tt_topt_free(&o);
	} else if ((u->type = strdup(u->name)) == NULL) {
		return -ENOMEM;
	}
	u->enabled = pop_bool(&u->opts, "enabled", true);
	u->replace = pop_bool(&u->opts, "replace", false);
	if (tt_tdict_pop(&u->opts, "drop", &o)) {
		u->has_drop = true;
		if (split_names(o.value, true, &u->drop, &u->ndrop) < 0) {
			tt_topt_free(&o);
			return -ENOMEM;
		}
		tt_topt_free(&o);
	}
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (tt_tdict_pop(&u->opts, dropped[i], &o))
			tt_topt_free(&o);
	tt_tdict_pop(&u->opts, "cpuinfo_regex", &u->cpuinfo);
	tt_tdict_pop(&u->opts, "uname_regex", &u->uname);
	return 0;
}

/* tuned's Profile(): [main] and the units. */
static int
make_prof(struct prof *p, struct tt_tini *ini)
{
	*p = (struct prof){ 0 };
	if ((p->u = calloc((size_t)ini->n + 1, sizeof(*p->u))) == NULL)
		return -ENOMEM;
	for (int i = 0; i < ini->n; i++) {
		if (strcmp(ini->s[i].name, "main") == 0) {
			p->main = ini->s[i].opts;
			ini->s[i].opts = (struct tt_tdict){ 0 };
		} else if (make_unit(&p->u[p->nu++], &ini->s[i]) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int
find_unit(const struct prof *p, const char *name)
{
	for (int i = 0; i < p->nu; i++)
		if (strcmp(p->u[i].name, name) == 0)
			return i;
	return -1;
}

/* Moves o's value into d (update in place, or append). */
static int
move_opt(struct tt_tdict *d, struct tt_topt *o)
{
	int e = tt_tdict_set(d, o->name, o->value, o->file, o->line);

	if (e == 0)
		o->value = NULL;
	return e;
}

static void
take_regex(struct tt_topt *dst, struct tt_topt *src)
{
	if (src->value == NULL)
		return;
	tt_topt_free(dst);
	*dst = *src;
	*src = (struct tt_topt){ 0 };
}

/* tuned's Merger: the later unit b into the earlier a. */
static int
merge_unit(struct unit *a, struct unit *b)
{
	free(a->type);
	a->type = b->type;
	b->type = NULL;
	a->enabled = b->enabled;
	take_regex(&a->cpuinfo, &b->cpuinfo);
	take_regex(&a->uname, &b->uname);
	for (int i = 0; b->has_drop && i < b->ndrop; i++) {
		struct tt_topt o;

		if (tt_tdict_pop(&a->opts, b->drop[i], &o))
			tt_topt_free(&o);
	}
	for (int i = 0; i < b->opts.n; i++)
		if (move_opt(&a->opts, &b->opts.v[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
merge_two(struct prof *a, struct prof *b)
{
	for (int i = 0; i < b->main.n; i++)
		if (move_opt(&a->main, &b->main.v[i]) < 0)
			return -ENOMEM;
	for (int i = 0; i < b->nu; i++) {
		int k = find_unit(a, b->u[i].name);

		if (k >= 0 && !b->u[i].replace) {
			if (merge_unit(&a->u[k], &b->u[i]) < 0)
				return -ENOMEM;
			continue;
		}
		if (k < 0) {
			struct unit *v = realloc(a->u, (size_t)(a->nu + 1) * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			a->u = v;
			k = a->nu++;
		} else {
			unit_free(&a->u[k]);
		}
		a->u[k] = b->u[i];
		b->u[i] = (struct unit){ 0 };
	}
	return 0;
}

/* Remembers a file read; its name lives as long as the result. */
static const char *
add_file(struct ld *l, const char *path)
{
	char **v = realloc(l->out->files, (size_t)(l->out->nfiles + 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	l->out->files = v;
	if ((v[l->out->nfiles] = strdup(path)) == NULL)
		return NULL;
	return v[l->out->nfiles++];
}

static bool
processed(const struct ld *l, const char *path)
{
	for (int i = 1; i < l->out->nfiles; i++)
		if (strcmp(l->out->files[i], path) == 0)
			return true;
	return l->top != NULL && strcmp(l->top, path) == 0;
}

static bool
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * tuned's locator: NAME (its basename: tuned's guard against "../x")
 * in each directory, /etc/tuned before /usr/lib/tuned or the one
 * --tuned-dir, as DIR/NAME/tuned.conf (and DIR/profiles/NAME/tuned.conf,
 * where tuned 2.23 keeps them).  A file already read is skipped; so is a
 * missing "-NAME".  Returns the path (malloc'd), "" to skip, or NULL.
 */
static char *
locate(const struct ld *l, const char *name)
{
	static const char *const std[] = { "/etc/tuned", "/usr/lib/tuned" };
	static const char *const sub[] = { "/", "/profiles/" };
	const char *dir = tt_ctx_tuned_dir(l->ctx), *base;
	bool optional = name[0] == '-', skipped = false;
	char path[PATH_MAX];

	if (optional)
		name++;
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	for (size_t d = 0; d < (dir ? 1u : 2u); d++) {
		for (size_t i = 0; i < 2; i++) {
			char *norm;

			if ((size_t)snprintf(path, sizeof(path), "%s%s%s/tuned.conf",
				dir ? dir : std[d], sub[i], base) >= sizeof(path))
				continue;
			if ((norm = tt_tnormpath(path)) == NULL)
				return NULL;
			if (processed(l, norm)) {
				skipped = true;
				free(norm);
				continue;
			}
			if (is_file(norm))
				return norm;
			free(norm);
		}
	}
	return skipped || optional ? strdup("") : NULL;
}

/* Reads path into *buf, counting it against the bounds. */
static int
slurp(struct ld *l, const char *path, const char *from, int line, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	if (l->out->nfiles > TT_TUNED_MAX_FILES) {
		say(l, TT_LOG_ERR, from, line, "include",
		    "more than %d tuned files in one profile: refused", TT_TUNED_MAX_FILES);
		return -E2BIG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		say(l, TT_LOG_ERR, path, 0, NULL, "cannot open: %s", strerror(errno));
		return -errno;
	}
	n = tt_read_file(fd, TT_TUNED_MAX_BYTES - l->bytes, &st, buf);
	close(fd);
	if (n == -EFBIG) {
		say(l, TT_LOG_ERR, path, 0, NULL,
		    "tuned files of one profile larger than %u bytes in all: refused",
		    TT_TUNED_MAX_BYTES);
		return (int)n;
	}
	if (n < 0) {
		say(l, TT_LOG_ERR, path, 0, NULL, "cannot read: %s", strerror((int)-n));
		return (int)n;
	}
	l->bytes += (size_t)n;
	*len = (size_t)n;
	return 0;
}

/* ${i:PROFILE_DIR} (not after a '\\') is the profile's directory, in
 * every value of the file, as tuned's loader has it. */
static int
profile_dir(struct tt_tini *ini, const char *path)
{
	static const char tag[] = "${i:PROFILE_DIR}";
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0, tl = sizeof(tag) - 1;

	for (int i = 0; i < ini->n; i++)
		for (int j = 0; j < ini->s[i].opts.n; j++) {
			char **v = &ini->s[i].opts.v[j].value, *p = *v, *out, *w;
			size_t hits = 0;

			for (char *q = strstr(p, tag); q; q = strstr(q + tl, tag))
				hits++;
			if (hits == 0)
				continue;
			if ((out = malloc(strlen(p) + hits * dl + 1)) == NULL)
				return -ENOMEM;
			for (w = out; *p;) {
				if (strncmp(p, tag, tl) == 0 && (p == *v || p[-1] != '\\')) {
					memcpy(w, path, dl);
					w += dl;
					p += tl;
				} else {
					*w++ = *p++;
				}
			}
			*w = '\0';
			free(*v);
			*v = out;
		}
	return 0;
}

/* A profile whose include= names are loaded before it is appended. */
struct frame {
	char **names;
	int n, next;
	struct prof p;
	const char *file; /* where its include= is */
	int line;
};

/* include=: functions expanded (tuned knows no variables yet), then
 * split at ',' and ';'. */
static int
include_names(struct ld *l, const struct tt_topt *inc, struct frame *f)
{
	char *exp;
	int e;

	if ((e = expand(l, inc->value, false, inc, "include", &exp)) != 0)
		return e;
	if (l->exp.why[0] || l->exp.fail[0]) {
		say(l, TT_LOG_ERR, inc->file, inc->line, "include",
		    "%s %s: which profiles are included cannot be decided here",
		    l->exp.why[0] ? l->exp.why : l->exp.fail,
		    l->exp.why[0] ? "is not evaluated by tcptune" : "");
		free(exp);
		return -EINVAL;
	}
	f->file = inc->file;
	f->line = inc->line;
	e = split_names(exp, false, &f->names, &f->n);
	free(exp);
	return e;
}

/* Parses one profile file into a frame: its profile and include names. */
static int
parse_prof(struct ld *l, const char *file, const char *buf, size_t len, struct frame *f)
{
	struct tt_tini ini;
	struct tt_topt inc;
	int e = tt_tini_parse(file, buf, len, false, &ini, l->diags);

	*f = (struct frame){ 0 };
	if (e == -EINVAL)
		l->failed = true;
	if (e == 0 && profile_dir(&ini, file == l->out->files[0] ? l->top : file) < 0)
		e = -ENOMEM;
	if (e == 0 && make_prof(&f->p, &ini) < 0)
		e = -ENOMEM;
	tt_tini_free(&ini);
	if (e == 0 && tt_tdict_pop(&f->p.main, "include", &inc)) {
		e = include_names(l, &inc, f);
		tt_topt_free(&inc);
	}
	return e;
}

static int
append(struct ld *l, struct prof *p)
{
	struct prof *v = realloc(l->profs, (size_t)(l->nprofs + 1) * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	l->profs = v;
	v[l->nprofs++] = *p;
	*p = (struct prof){ 0 };
	return 0;
}

/* Loads the profile name into out: 1, or 0 when it is skipped. */
static int
load_one(struct ld *l, const char *name, const char *from, int line, struct frame *out)
{
	char *path = locate(l, name), *buf = NULL;
	const char *file;
	size_t len = 0;
	int e;

	if (path == NULL) {
		say(l, TT_LOG_ERR, from, line, "include", "no tuned profile \"%s\" in %s", name,
		    tt_ctx_tuned_dir(l->ctx) ? tt_ctx_tuned_dir(l->ctx) :
					       "/etc/tuned, /usr/lib/tuned");
		return -EINVAL;
	}
	if (path[0] == '\0') {
		free(path);
		return 0;
	}
	file = add_file(l, path);
	free(path);
	if (file == NULL)
		return -ENOMEM;
	if ((e = slurp(l, file, from, line, &buf, &len)) == 0) {
		tt_log(l->ctx, TT_LOG_DEBUG, "%s: included %s", from, file);
		e = parse_prof(l, file, buf, len, out);
	}
	free(buf);
	return e < 0 ? e : 1;
}

/*
 * tuned's _load_profile() without recursion: a profile's names are loaded
 * in order, each (with its own includes first) before the profile itself
 * is appended.  Every frame is a file read once, so the stack is bounded
 * by TT_TUNED_MAX_FILES.
 */
static int
load_all(struct ld *l, const char *buf, size_t len)
{
	struct frame *st = calloc(TT_TUNED_MAX_FILES + 2, sizeof(*st));
	int depth = 0, e;

	if (st == NULL)
		return -ENOMEM;
	e = parse_prof(l, l->out->files[0], buf, len, &st[0]);
	depth = 1;
	while (e == 0 && depth > 0) {
		struct frame *f = &st[depth - 1];

		if (f->next == f->n) {
			e = append(l, &f->p);
			free_names(f->names, f->n);
			f->names = NULL;
			depth--;
			continue;
		}
		e = load_one(l, f->names[f->next], f->file, f->line, &st[depth]);
		f->next++;
		if (e == 1) {
			depth++;
			e = 0;
		}
	}
	for (int i = 0; i < depth; i++) {
		prof_free(&st[i].p);
		free_names(st[i].names, st[i].n);
	}
	free(st);
	return e;
}

/* tuned's Variables.add_variable(): the value expanded with the
 * variables so far.  A failed assertion refuses the profile. */
static int
add_variable(struct ld *l, const struct tt_topt *o)
{
	char *v;
	int e;

	if (o->name[0] == '\0' ||
	    strspn(o->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		strlen(o->name)) {
		say(l, TT_LOG_NOTICE, o->file, o->line, o->name,
		    "not a variable name: tuned ignores it");
		return 0;
	}
	if ((e = expand(l, o->value, true, o, o->name, &v)) != 0)
		return e;
	if (l->exp.fail[0]) {
		free(v);
		say(l, TT_LOG_ERR, o->file, o->line, o->name, "%s: tuned refuses the profile",
		    l->exp.fail);
		return -EINVAL;
	}
	if (l->exp.why[0]) {
		int k;

		free(v);
		if (tt_tdict_set(&l->vars, o->name, NULL, o->file, o->line) < 0)
			return -ENOMEM;
		k = tt_tdict_find(&l->vars, o->name);
		if ((l->vars.v[k].why = strdup(l->exp.why)) == NULL)
			return -ENOMEM;
		return 0;
	}
	return tt_tdict_set(&l->vars, o->name, v, o->file, o->line) < 0 ? -ENOMEM : 0;
}

/* A variables file: with --tuned-dir, tuned's own directories named in
 * it are looked up there. */
static char *
vars_path(const struct ld *l, const char *value)
{
	static const char *const std[] = { "/etc/tuned/", "/usr/lib/tuned/" };
	const char *dir = tt_ctx_tuned_dir(l->ctx);
	char path[PATH_MAX];

	for (size_t i = 0; dir != NULL && i < 2; i++)
		if (strncmp(value, std[i], strlen(std[i])) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, value + strlen(std[i]));
			return tt_tnormpath(path);
		}
	return tt_tnormpath(value);
}

/* tuned's add_from_file(): a missing or unreadable file is skipped with
 * a warning, as tuned logs it and goes on. */
static int
add_from_file(struct ld *l, const struct tt_topt *inc)
{
	char *path = vars_path(l, inc->value), *buf = NULL;
	struct tt_diags quiet = { 0 };
	const char *file;
	struct tt_tini ini;
	size_t len = 0;
	int e;

	if (path == NULL)
		return -ENOMEM;
	if (access(path, F_OK) != 0) {
		say(l, TT_LOG_WARNING, inc->file, inc->line, "include",
		    "no variables file %s: tuned goes on without it", path);
		free(path);
		return 0;
	}
	file = add_file(l, path);
	free(path);
	if (file == NULL)
		return -ENOMEM;
	if ((e = slurp(l, file, inc->file, inc->line, &buf, &len)) < 0) {
		free(buf);
		return e;
	}
	e = tt_tini_parse(file, buf, len, true, &ini, &quiet);
	free(buf);
	tt_diags_free(&quiet);
	if (e == -EINVAL)
		say(l, TT_LOG_WARNING, inc->file, inc->line, "include",
		    "variables file %s cannot be parsed: tuned ignores it", file);
	for (int i = 0; e == 0 && i < ini.n; i++)
		for (int j = 0; e == 0 && j < ini.s[i].opts.n; j++)
			e = add_variable(l, &ini.s[i].opts.v[j]);
	tt_tini_free(&ini);
	return e == -EINVAL && !l->failed ? 0 : e;
}

/* [variables] of the merged profile, in order; then the unit is gone. */
static int
variables(struct ld *l, struct prof *p)
{
	int k = find_unit(p, "variables"), e = 0;
	struct unit *u;

	if (k < 0)
		return 0;
	u = &p->u[k];
	for (int i = 0; e == 0 && i < u->opts.n; i++)
		e = strcmp(u->opts.v[i].name, "include") == 0 ? add_from_file(l, &u->opts.v[i]) :
								add_variable(l, &u->opts.v[i]);
	unit_free(u);
	memmove(&p->u[k], &p->u[k + 1], (size_t)(p->nu - k - 1) * sizeof(*u));
	p->nu--;
	return e;
}

/*
 * Python's re as a POSIX extended expression with glibc's extensions
 * (\s \S \w \W \b \B): \d and \D spelled out; what only Python has (other
 * escapes of letters and digits, (?...) groups, lazy quantifiers, escapes
 * inside brackets) is refused, named in *why.  Returns a malloc'd string.
 */
static char *
posix_re(const char *re, const char **why)
{
	size_t n = strlen(re);
	char *out = malloc(n * 6 + 1), *w = out;
	bool br = false;

	*why = NULL;
	for (const char *p = re; out != NULL && *p && *why == NULL; p++) {
		if (br) {
			if (*p == '\\')
				*why = "an escape inside [...]";
			else if (*p == ']' && p[-1] != '[' && !(p[-1] == '^' && p[-2] == '['))
				br = false;
			*w++ = *p;
		} else if (*p == '[') {
			br = true;
			*w++ = *p;
		} else if (p[0] == '(' && p[1] == '?') {
			*why = "a (?...) group";
		} else if (strchr("*+?}", p[0]) && p[1] == '?') {
			*why = "a lazy quantifier";
		} else if (p[0] == '\\' && (p[1] == 'd' || p[1] == 'D')) {
			w = stpcpy(w, p[1] == 'd' ? "[0-9]" : "[^0-9]");
			p++;
		} else if (p[0] == '\\' &&
		    (p[1] == '\0' || (word(p[1]) && strchr("sSwWbB", p[1]) == NULL))) {
			*why = "an escape POSIX does not have";
		} else if (p[0] == '\\') {
			*w++ = *p++;
			*w++ = *p;
		} else {
			*w++ = *p;
		}
	}
	if (out != NULL)
		*w = '\0';
	if (br && *why == NULL)
		*why = "an unclosed [";
	return out;
}

/* All of a file that may say its size is 0 (/proc/cpuinfo), up to 16 MiB. */
static char *
read_stream(int fd)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *v;
	ssize_t n;

	while (buf != NULL && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len - 1 == 0 && cap < (16u << 20)) {
			if ((v = realloc(buf, cap * 2)) == NULL)
				break;
			buf = v;
			cap *= 2;
		} else if (cap - len - 1 == 0) {
			break;
		}
	}
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* The text a unit's regular expression is searched in. */
static char *
regex_subject(const struct ld *l, bool cpuinfo)
{
	struct utsname u;
	char path[PATH_MAX], *buf = NULL;
	int fd;

	if (!cpuinfo) {
		if (uname(&u) < 0)
			return NULL;
		if (asprintf(&buf, "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
			u.machine) < 0)
			return NULL;
		return buf;
	}
	if (l->ctx == NULL)
		snprintf(path, sizeof(path), "/proc/cpuinfo");
	else if (tt_proc_path(l->ctx, "cpuinfo", path, sizeof(path)) < 0)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return NULL;
	buf = read_stream(fd);
	close(fd);
	return buf;
}

/* Whether the unit's cpuinfo_regex= or uname_regex= (o) matches: 1, 0,
 * or -EINVAL (refused, said). */
static int
regex_matches(struct ld *l, const struct tt_topt *o, bool cpuinfo)
{
	const char *why;
	char *re, *px = NULL, *subj;
	regex_t rx;
	int m;

	if (o->value == NULL)
		return 1;
	if ((m = expand(l, o->value, true, o, o->name, &re)) != 0)
		return m;
	why = l->exp.why[0] ? l->exp.why : NULL;
	if (why == NULL && (px = posix_re(re, &why)) == NULL) {
		free(re);
		return -ENOMEM;
	}
	if (why == NULL && regcomp(&rx, px, REG_EXTENDED | REG_NEWLINE | REG_NOSUB) != 0)
		why = "an expression POSIX cannot compile";
	free(px);
	if (why != NULL) {
		say(l, TT_LOG_ERR, o->file, o->line, o->name,
		    "\"%s\" has %s: whether tuned uses this section cannot be decided here", re,
		    why);
		free(re);
		return -EINVAL;
	}
	free(re);
	subj = regex_subject(l, cpuinfo);
	m = subj != NULL && regexec(&rx, subj, 0, NULL, 0) == 0;
	regfree(&rx);
	free(subj);
	return m;
}

/* priority=, as Python's int() reads it; the default is 0. */
static int
priority(struct ld *l, const struct unit *u, long *out)
{
	int k = tt_tdict_find(&u->opts, "priority");
	const char *s;
	char *end;

	*out = 0;
	if (k < 0)
		return 0;
	s = u->opts.v[k].value;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0) {
		say(l, TT_LOG_ERR, u->opts.v[k].file, u->opts.v[k].line, "priority",
		    "\"%s\" is not a number: tuned fails on it", s);
		return -EINVAL;
	}
	return 0;
}

static int
add_write(struct ld *l, const struct tt_topt *o)
{
	struct tt_tuned_write *v = realloc(l->out->w, (size_t)(l->out->nw + 1) * sizeof(*v));
	const char *val = o->value;
	size_t n = strlen(val);
	char *q = NULL;
	int e;

	if (v == NULL)
		return -ENOMEM;
	l->out->w = v;
	v = &v[l->out->nw];
	*v = (struct tt_tuned_write){ .file = o->file, .line = o->line };
	/* tuned's unquote: one pair of double quotes around a one-line value */
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"' && memchr(val, '\n', n) == NULL) {
		if ((q = strndup(val + 1, n - 2)) == NULL)
			return -ENOMEM;
		val = q;
	}
	e = expand(l, val, true, o, o->name, &v->value);
	free(q);
	if (e == -EINVAL)
		return e;
	if ((v->key = strdup(o->name)) == NULL || v->value == NULL) {
		free(v->key);
		free(v->value);
		return -ENOMEM;
	}
	if (l->exp.why[0] || l->exp.fail[0]) {
		free(v->value);
		v->value = NULL;
		if ((v->why = strdup(l->exp.why[0] ? l->exp.why : l->exp.fail)) == NULL) {
			free(v->key);
			return -ENOMEM;
		}
	}
	l->out->nw++;
	return 0;
}

/* The unit manager: enabled units that match this host, in priority
 * order (stable); those of type sysctl write their options in order. */
static int
instances(struct ld *l, struct prof *p)
{
	int *u = calloc((size_t)p->nu + 1, sizeof(*u));
	long *prio = calloc((size_t)p->nu + 1, sizeof(*prio));
	int n = 0, e = 0;

	if (u == NULL || prio == NULL)
		e = -ENOMEM;
	for (int i = 0; e == 0 && i < p->nu; i++) {
		struct unit *x = &p->u[i];
		int m;

		if (strcmp(x->type, "sysctl") != 0 || !x->enabled)
			continue;
		if ((m = regex_matches(l, &x->cpuinfo, true)) <= 0 ||
		    (m = regex_matches(l, &x->uname, false)) <= 0) {
			e = m < 0 ? m : 0;
			continue;
		}
		if ((e = priority(l, x, &prio[n])) == 0)
			u[n++] = i;
	}
	/* insertion sort: stable, as Python's sort */
	for (int i = 1; e == 0 && i < n; i++)
		for (int j = i; j > 0 && prio[j - 1] > prio[j]; j--) {
			long t = prio[j];
			int x = u[j];

			prio[j] = prio[j - 1], u[j] = u[j - 1];
			prio[j - 1] = t, u[j - 1] = x;
		}
	for (int i = 0; e == 0 && i < n; i++)
		for (int j = 0; e == 0 && j < p->u[u[i]].opts.n; j++)
			if (strcmp(p->u[u[i]].opts.v[j].name, "priority") != 0)
				e = add_write(l, &p->u[u[i]].opts.v[j]);
	free(u);
	free(prio);
	return e;
}

/* The merge of every profile read, in order, into the first. */
static int
merge_all(struct ld *l)
{
	for (int i = 1; i < l->nprofs; i++)
		if (merge_two(&l->profs[0], &l->profs[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
top_summary(struct ld *l, const char *buf, size_t len, const char *file)
{
	struct tt_diags quiet = { 0 };
	struct tt_tini ini;
	int e = tt_tini_parse(file, buf, len, false, &ini, &quiet);

	tt_diags_free(&quiet);
	for (int i = 0; e == 0 && i < ini.n; i++) {
		int k = tt_tdict_find(&ini.s[i].opts, "summary");

		if (strcmp(ini.s[i].name, "main") == 0 && k >= 0 &&
		    (l->out->summary = strdup(ini.s[i].opts.v[k].value)) == NULL)
			e = -ENOMEM;
	}
	tt_tini_free(&ini);
	return e == -ENOMEM ? e : 0;
}

int
tt_tuned_load(struct tt_ctx *ctx, const char *file, const char *buf, size_t len,
    struct tt_tuned *out, struct tt_diags *diags)
{
	struct ld l = { .ctx = ctx, .diags = diags, .out = out, .exp = { .virt = -1 } };
	char cwd[PATH_MAX], abs[PATH_MAX * 2];
	int e;

	*out = (struct tt_tuned){ 0 };
	if (file[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		snprintf(abs, sizeof(abs), "%s/%s", cwd, file);
	else
		snprintf(abs, sizeof(abs), "%s", file);
	/* The top profile is known by the name given; includes compare with
	 * its normalized absolute path, as tuned's list of files read. */
	if ((l.top = tt_tnormpath(abs)) == NULL || add_file(&l, file) == NULL) {
		free(l.top);
		return -ENOMEM;
	}
	l.bytes = len;
	e = top_summary(&l, buf, len, file);
	if (e == 0)
		e = load_all(&l, buf, len);
	if (e == 0)
		e = merge_all(&l);
	if (e == 0 && l.nprofs > 0)
		e = variables(&l, &l.profs[0]);
	if (e == 0 && l.nprofs > 0)
		e = instances(&l, &l.profs[0]);
	for (int i = 0; i < l.nprofs; i++)
		prof_free(&l.profs[i]);
	free(l.profs);
	tt_tdict_free(&l.vars);
	free(l.top);
	if (e == -ENOMEM || l.oom)
		return -ENOMEM;
	return e < 0 || l.failed ? -EINVAL : 0;
}

void
tt_tuned_free(struct tt_tuned *t)
{
	free(t->summary);
	for (int i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	for (int i = 0; i < t->nw; i++) {
		free(t->w[i].key);
		free(t->w[i].value);
		free(t->w[i].why);
	}
	free(t->w);
	*t = (struct tt_tuned){ 0 };
}
