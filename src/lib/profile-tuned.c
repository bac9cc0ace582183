/*
 * A tuned profile's writes (tuned.c) as the settings of a profile: each
 * key tcptune manages takes the value tuned would leave in it, its ">N"
 * and "<N" compared with the live value as tuned's sysctl plugin does.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"
#include "sysctl.h"
#include "tuned.h"

struct pt {
	struct tt_ctx *ctx;
	unsigned flags;
	struct tt_profile *p;
	struct tt_diags *diags;
	const struct tt_tuned *t;
	int oom;
	/* per key: the value so far and whether it is the live one */
	struct tt_val cur[TT_K__COUNT];
	int have[TT_K__COUNT]; /* 0 not read, 1 live, 2 written, -1 unreadable */
};

static void say(struct pt *s, int prio, const struct tt_tuned_write *w, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
say(struct pt *s, int prio, const struct tt_tuned_write *w, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (tt_diags_add(s->diags, prio, w->file, w->line, key, "%s", msg) < 0)
		s->oom = 1;
}

/* Which of the files read the write comes from: 0 the profile itself. */
static int
file_index(const struct pt *s, const char *file)
{
	for (int i = 1; i < s->t->nfiles; i++)
		if (s->t->files[i] == file)
			return i;
	return 0;
}

/* A key tcptune does not manage: a slip of one it does is an error. */
static const struct tt_key *
key_of(struct pt *s, const struct tt_tuned_write *w)
{
	const struct tt_key *k = tt_catalog_find(w->key), *near;

	if (k != NULL)
		return k;
	near = tt_catalog_suggest(w->key);
	if (near != NULL)
		say(s, TT_LOG_ERR, w, w->key,
		    "unknown key; did you mean %s? (not ignored even with --ignore-unknown)",
		    near->name);
	else if (s->flags & TT_PROFILE_IGNORE_UNKNOWN)
		say(s, TT_LOG_WARNING, w, w->key, "unknown key, ignored");
	else
		say(s, TT_LOG_ERR, w, w->key,
		    "unknown key (see `tcptune explain` for the keys tcptune manages; "
		    "--ignore-unknown skips others)");
	return NULL;
}

/* Parses a value as the kernel will take it: lines joined by spaces. */
static int
parse(struct pt *s, const struct tt_tuned_write *w, const struct tt_key *k, const char *value,
    struct tt_val *v)
{
	char buf[256], why[160];
	const char *reason;

	if (strlen(value) >= sizeof(buf)) {
		say(s, TT_LOG_ERR, w, k->name, "value too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = ' ';
	if (tt_val_parse(buf, k->nfields, v, &reason) < 0) {
		if (strstr(value, "${") != NULL)
			say(s, TT_LOG_ERR, w, k->name,
			    "bad value \"%s\": a tuned variable that is not defined; tuned writes "
			    "it as it is and the kernel refuses it",
			    value);
		else
			say(s, TT_LOG_ERR, w, k->name, "bad value \"%s\": %s", value, reason);
		return -EINVAL;
	}
	if (tt_key_check_kernel(k, v, why, sizeof(why)) < 0) {
		say(s, TT_LOG_ERR, w, k->name, "bad value \"%s\": %s", value, why);
		return -EINVAL;
	}
	return 0;
}

/* The value before this write: the live one, read once. */
static int
current(struct pt *s, const struct tt_key *k)
{
	struct tt_reading r;

	if (s->have[k->id] == 0) {
		s->have[k->id] = -1;
		if (s->ctx != NULL && tt_sysctl_read(s->ctx, k, &r) == 0 && r.state == TT_ST_OK) {
			s->cur[k->id] = r.val;
			s->have[k->id] = 1;
		}
	}
	return s->have[k->id];
}

static void
set(struct pt *s, const struct tt_tuned_write *w, const struct tt_key *k, const struct tt_val *v)
{
	struct tt_setting *st = &s->p->sysctl[k->id];

	st->set = true;
	st->line = w->line;
	st->file = file_index(s, w->file);
	st->val = *v;
	s->cur[k->id] = *v;
	s->have[k->id] = 2;
}

/* tuned's ">N" (written only when the value before is lower) and "<N"
 * (only when it is higher); the value before is the live one, or what an
 * earlier section wrote. */
static void
conditional(struct pt *s, const struct tt_tuned_write *w, const struct tt_key *k)
{
	struct tt_setting *st = &s->p->sysctl[k->id];
	const char *rest = w->value + 1;
	char op = w->value[0], before[TT_VAL_STRLEN];
	struct tt_val v;
	bool apply;
	int h;

	if (k->nfields > 1) {
		say(s, TT_LOG_ERR, w, k->name,
		    "conditional value \"%s\" on a key of %d numbers: tuned compares one number, "
		    "writes the value as it is, and the kernel refuses it",
		    w->value, k->nfields);
		return;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (parse(s, w, k, rest, &v) < 0)
		return;
	if ((h = current(s, k)) < 0) {
		set(s, w, k, &v); /* unreadable: tuned skips it, the plan says why */
		return;
	}
	tt_val_format(&s->cur[k->id], before, sizeof(before));
	apply = op == '>' ? v.v[0] > s->cur[k->id].v[0] : v.v[0] < s->cur[k->id].v[0];
	if (apply) {
		set(s, w, k, &v);
	} else if (!st->set) {
		st->set = true;
		st->val = s->cur[k->id];
		st->line = w->line;
		st->file = file_index(s, w->file);
	}
	snprintf(st->note, sizeof(st->note), "tuned's %c%lld: %s %s, %s", op, (long long)v.v[0],
	    h == 1 ? "live" : "set before to", before, apply ? "written" : "unchanged");
}

static void
one_write(struct pt *s, const struct tt_tuned_write *w)
{
	const struct tt_key *k = key_of(s, w);
	struct tt_val v;

	if (k == NULL)
		return;
	if (w->value == NULL) {
		say(s, TT_LOG_ERR, w, k->name,
		    "its value needs %s, which tcptune does not evaluate: refused", w->why);
		return;
	}
	if ((w->value[0] == '>' || w->value[0] == '<') && w->value[1] != '\0') {
		conditional(s, w, k);
		return;
	}
	if (parse(s, w, k, w->value, &v) < 0)
		return;
	set(s, w, k, &v);
	s->p->sysctl[k->id].note[0] = '\0';
}

int
tt_profile_tuned(struct tt_ctx *ctx, const char *path, const char *buf, size_t len, unsigned flags,
    struct tt_profile *p, struct tt_diags *diags)
{
	struct tt_tuned t;
	struct pt s = { .ctx = ctx, .flags = flags, .p = p, .diags = diags, .t = &t };
	int e = tt_tuned_load(ctx, path, buf, len, &t, diags);

	if (e == 0) {
		for (int i = 0; i < t.nw && !s.oom; i++)
			one_write(&s, &t.w[i]);
		if (p->description == NULL && t.summary != NULL) {
			p->description = t.summary;
			t.summary = NULL;
		}
	}
	/* the files read, for the settings' file numbers */
	for (int i = 1; e != -ENOMEM && i < t.nfiles; i++) {
		char **v = realloc(p->includes, (size_t)(p->nincludes + 1) * sizeof(*v));

		if (v == NULL) {
			e = -ENOMEM;
			break;
		}
		p->includes = v;
		v[p->nincludes++] = t.files[i];
		t.files[i] = NULL;
	}
	tt_tuned_free(&t);
	return e == -ENOMEM || s.oom ? -ENOMEM : 0;
}
