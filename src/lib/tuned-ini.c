/*
 * tuned's ini dialect: Python's configparser with delimiters '=', inline
 * comments '#' (after white space), full-line comments '#' and ';',
 * values continued on lines indented deeper than their key (blank lines
 * inside kept), strict=False (a later duplicate wins, in place), case kept.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tuned-internal.h"

int
tt_tdict_find(const struct tt_tdict *d, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return i;
	return -1;
}

int
tt_tdict_set(struct tt_tdict *d, const char *name, char *value, const char *file, int line)
{
	int i = tt_tdict_find(d, name);

	if (i >= 0) {
		free(d->v[i].value);
		free(d->v[i].why);
		d->v[i].why = NULL;
		d->v[i].value = value;
		d->v[i].file = file;
		d->v[i].line = line;
		return 0;
	}
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 8;
		struct tt_topt *v = realloc(d->v, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n] = (struct tt_topt){ .name = strdup(name), .file = file, .line = line };
	d->v[d->n].value = value;
	if (d->v[d->n].name == NULL)
		return -ENOMEM;
	d->n++;
	return 0;
}

bool
tt_tdict_pop(struct tt_tdict *d, const char *name, struct tt_topt *out)
{
	int i = tt_tdict_find(d, name);

	if (i < 0)
		return false;
	*out = d->v[i];
	memmove(&d->v[i], &d->v[i + 1], (size_t)(d->n - i - 1) * sizeof(d->v[0]));
	d->n--;
	return true;
}

void
tt_topt_free(struct tt_topt *o)
{
	free(o->name);
	free(o->value);
	free(o->why);
	*o = (struct tt_topt){ 0 };
}

void
tt_tdict_free(struct tt_tdict *d)
{
	for (int i = 0; i < d->n; i++)
		tt_topt_free(&d->v[i]);
	free(d->v);
	*d = (struct tt_tdict){ 0 };
}

void
tt_tini_free(struct tt_tini *ini)
{
	for (int i = 0; i < ini->n; i++) {
		free(ini->s[i].name);
		tt_tdict_free(&ini->s[i].opts);
	}
	free(ini->s);
	*ini = (struct tt_tini){ 0 };
}

char *
tt_tnormpath(const char *path)
{
	size_t n = strlen(path);
	char *out = malloc(n + 2), *w = out;
	bool abs = path[0] == '/';
	const char *s = path;

	if (out == NULL)
		return NULL;
	if (abs)
		*w++ = '/';
	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.' && w > out + abs &&
		    !(w - out - abs >= 2 && memcmp(w - 2, "..", 2) == 0 &&
			(w - 2 == out + abs || w[-3] == '/'))) {
			while (w > out + abs && w[-1] != '/')
				w--;
			if (w > out + abs)
				w--;
		} else if (!(len == 2 && s[0] == '.' && s[1] == '.' && abs && w == out + 1)) {
			if (w > out + abs)
				*w++ = '/';
			memcpy(w, s, len);
			w += len;
		}
		s += len + (s[len] == '/');
	}
	if (w == out)
		*w++ = '.';
	*w = '\0';
	return out;
}

/* str.isspace() for the ASCII range, as Python has it. */
static bool
py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* The offset of the first byte of [s, s + n) that Python's UTF-8 decoder
 * refuses, or n when it takes them all. */
static size_t
utf8_bad(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], need, min;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return i;
		if (i + need >= n)
			return i;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return n;
}

/* The line of buf[off] (off below the length), counted as the parser
 * below counts them: a line ends at \n, \r\n or a lone \r. */
static int
line_at(const char *buf, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n'))
			line++;
	return line;
}

struct ip {
	const char *file;
	struct tt_diags *diags;
	struct tt_tini *ini;
	struct tt_tsection *cur;
	struct tt_tsection defaults; /* [DEFAULT]: every section inherits it */
	int optidx;                  /* the option a continuation line extends, or -1 */
	size_t indent;
	int line;
	int err; /* errors found (tuned reports them all, then refuses) */
	int oom;
};

static void
ip_err(struct ip *p, const char *what)
{
	p->err++;
	if (tt_diags_add(p->diags, TT_LOG_ERR, p->file, p->line, NULL, "%s", what) < 0)
		p->oom = 1;
}

static struct tt_tsection *
section(struct ip *p, const char *name, size_t n)
{
	struct tt_tsection *v;

	for (int i = 0; i < p->ini->n; i++)
		if (strlen(p->ini->s[i].name) == n && memcmp(p->ini->s[i].name, name, n) == 0)
			return &p->ini->s[i];
	v = realloc(p->ini->s, (size_t)(p->ini->n + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	p->ini->s = v;
	v[p->ini->n] = (struct tt_tsection){ .name = strndup(name, n) };
	if (v[p->ini->n].name == NULL)
		return NULL;
	return &v[p->ini->n++];
}

/* Appends "\n" and line to the value being continued. */
static void
cont(struct ip *p, const char *s, size_t n)
{
	struct tt_topt *o = &p->cur->opts.v[p->optidx];
	size_t old = strlen(o->value);
	char *v = realloc(o->value, old + n + 2);

	if (v == NULL) {
		p->oom = 1;
		return;
	}
	v[old] = '\n';
	memcpy(v + old + 1, s, n);
	v[old + 1 + n] = '\0';
	o->value = v;
}

/* A line that is not a comment, a blank or a continuation: [section] or
 * key = value. */
static void
header_or_option(struct ip *p, const char *s, size_t n)
{
	const char *eq;
	size_t klen;
	char *name, *val;
	const char *v, *ve;

	if (n >= 3 && s[0] == '[' && memrchr(s + 2, ']', n - 2) != NULL) {
		const char *close = memrchr(s + 2, ']', n - 2);

		if (close == s + 8 && memcmp(s + 1, "DEFAULT", 7) == 0) {
			p->cur = &p->defaults;
		} else if ((p->cur = section(p, s + 1, (size_t)(close - s - 1))) == NULL) {
			p->oom = 1;
		}
		p->optidx = -1;
		return;
	}
	if (p->cur == NULL && p->ini->n == 0) {
		ip_err(p,
		    s[0] == '[' ?
			"malformed section header" :
			"no [section] before the first setting: tuned cannot parse the file");
		p->cur = NULL;
		return;
	}
	if (p->cur == NULL)
		return;
	if ((eq = memchr(s, '=', n)) == NULL) {
		ip_err(p, "malformed line: expected KEY = VALUE (tuned separates only with '=')");
		return;
	}
	for (klen = (size_t)(eq - s); klen > 0 && py_space((unsigned char)s[klen - 1]); klen--)
		;
	if (klen == 0) {
		ip_err(p, "malformed line: no key before '='");
		return;
	}
	for (v = eq + 1, ve = s + n; v < ve && py_space((unsigned char)*v); v++)
		;
	name = strndup(s, klen);
	val = strndup(v, (size_t)(ve - v));
	if (name == NULL || val == NULL ||
	    tt_tdict_set(&p->cur->opts, name, val, p->file, p->line) < 0) {
		free(val);
		p->oom = 1;
	} else {
		p->optidx = tt_tdict_find(&p->cur->opts, name);
	}
	free(name);
}

/* Where a comment starts in [s, s + n): n when none. */
static size_t
comment_start(const char *s, size_t n)
{
	size_t b = 0;

	while (b < n && py_space((unsigned char)s[b]))
		b++;
	if (b < n && (s[b] == '#' || s[b] == ';'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || py_space((unsigned char)s[i - 1])))
			return i;
	return n;
}

static void
one_line(struct ip *p, const char *s, size_t n)
{
	size_t c = comment_start(s, n), b = 0, e = c;

	while (b < e && py_space((unsigned char)s[b]))
		b++;
	while (e > b && py_space((unsigned char)s[e - 1]))
		e--;
	if (b == e) {
		/* A blank line inside a value is kept; a comment is not. */
		if (c == n && p->cur != NULL && p->optidx >= 0)
			cont(p, "", 0);
		return;
	}
	/* The indent is that of the whole line, comment or not. */
	if (p->cur != NULL && p->optidx >= 0 && b > p->indent) {
		cont(p, s + b, e - b);
		return;
	}
	p->indent = b;
	header_or_option(p, s + b, e - b);
}

/* Python's join of a value's lines: trailing blank lines dropped. */
static void
rstrip_values(struct tt_tsection *sec)
{
	for (int j = 0; j < sec->opts.n; j++) {
		char *v = sec->opts.v[j].value;
		size_t n = strlen(v);

		while (n > 0 && py_space((unsigned char)v[n - 1]))
			v[--n] = '\0';
	}
}

/* [DEFAULT]'s options after each section's own, where it has none of
 * that name (configparser's options() and get()). */
static int
inherit(struct tt_tini *ini, const struct tt_tsection *def)
{
	for (int i = 0; i < ini->n; i++)
		for (int j = 0; j < def->opts.n; j++) {
			const struct tt_topt *o = &def->opts.v[j];
			char *v;

			if (tt_tdict_find(&ini->s[i].opts, o->name) >= 0)
				continue;
			if ((v = strdup(o->value)) == NULL ||
			    tt_tdict_set(&ini->s[i].opts, o->name, v, o->file, o->line) < 0) {
				free(v);
				return -ENOMEM;
			}
		}
	return 0;
}

int
tt_tini_parse(const char *file, const char *buf, size_t len, bool magic, struct tt_tini *out,
    struct tt_diags *diags)
{
	struct ip p = { .file = file, .diags = diags, .ini = out, .optidx = -1 };
	const char *s = buf, *end = buf + len;
	const char *nul = len > 0 ? memchr(buf, '\0', len) : NULL;
	size_t bad = len > 0 ? utf8_bad((const unsigned char *)buf, len) : 0;

	*out = (struct tt_tini){ 0 };
	if (nul != NULL || bad < len) {
		p.line = line_at(buf, nul != NULL ? (size_t)(nul - buf) : bad);
		ip_err(&p,
		    nul != NULL ? "NUL byte in the file: not a text profile" :
				  "not UTF-8 text: tuned cannot read the file");
		return p.oom ? -ENOMEM : -EINVAL;
	}
	if (magic && (p.cur = section(&p, "", 0)) == NULL)
		return -ENOMEM;
	/* Lines end at \n, \r\n or a lone \r, as Python reads text. */
	while (s < end && !p.oom) {
		const char *e = s;

		while (e < end && *e != '\n' && *e != '\r')
			e++;
		p.line++;
		one_line(&p, s, (size_t)(e - s));
		if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
			e++;
		s = e < end ? e + 1 : end;
	}
	for (int i = 0; i < out->n; i++)
		rstrip_values(&out->s[i]);
	rstrip_values(&p.defaults);
	if (!p.oom && inherit(out, &p.defaults) < 0)
		p.oom = 1;
	tt_tdict_free(&p.defaults.opts);
	if (p.oom)
		return -ENOMEM;
	return p.err ? -EINVAL : 0;
}
