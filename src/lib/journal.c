#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "journal.h"
#include "netns.h"
#include "state.h"
#include "strtab.h"
#include "sysctl.h"

TT_STRTAB(tt_journal_state, enum tt_journal_state, "unknown", [TT_J_APPLYING] = "applying",
    [TT_J_APPLIED] = "applied", [TT_J_ROLLING_BACK] = "rolling-back")

struct tt_journal_key *
tt_journal_find(struct tt_journal *j, enum tt_key_id id)
{
	for (int i = 0; i < j->nkeys; i++)
		if (j->keys[i].id == id)
			return &j->keys[i];
	return NULL;
}

struct tt_journal_key *
tt_journal_add(struct tt_journal *j, enum tt_key_id id)
{
	struct tt_journal_key *e;

	if (j->nkeys >= TT_K__COUNT)
		return NULL;
	e = &j->keys[j->nkeys++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	return e;
}

void
tt_journal_del(struct tt_journal *j, enum tt_key_id id)
{
	for (int i = 0; i < j->nkeys; i++) {
		if (j->keys[i].id != id)
			continue;
		/* Keep the order: rollback walks the keys backwards. */
		memmove(
		    &j->keys[i], &j->keys[i + 1], (size_t)(j->nkeys - i - 1) * sizeof(j->keys[0]));
		j->nkeys--;
		return;
	}
}

/* --- the text format (pure) -------------------------------------------- */

static const char *
val_or_dash(const struct tt_val *v, char *buf, size_t len)
{
	return v->n == 0 ? "-" : tt_val_format(v, buf, len);
}

/* Appends to buf at *off; -ENOSPC when it does not fit. */
static int __attribute__((format(printf, 4, 5)))
put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

/* The root, netns and boot lines, those recorded. */
static int
format_origin(const struct tt_origin *o, char *buf, size_t len, size_t *off)
{
	if (o->root[0] != '\0' && put(buf, len, off, "root %s\n", o->root) < 0)
		return -ENOSPC;
	if (o->ns_ino != 0 && o->ns_cookie == 0 &&
	    put(buf, len, off, "netns %llu %llu\n", o->ns_dev, o->ns_ino) < 0)
		return -ENOSPC;
	if (o->ns_ino != 0 && o->ns_cookie != 0 &&
	    put(buf, len, off, "netns %llu %llu %llu\n", o->ns_dev, o->ns_ino, o->ns_cookie) < 0)
		return -ENOSPC;
	if (o->boot[0] != '\0' && o->btime == 0 && put(buf, len, off, "boot %s\n", o->boot) < 0)
		return -ENOSPC;
	if (o->boot[0] != '\0' && o->btime != 0 &&
	    put(buf, len, off, "boot %s %lld\n", o->boot, o->btime) < 0)
		return -ENOSPC;
	return 0;
}

/* A rate per second as whole thousandths, the journal's unit for rates. */
static long long
milli(double v)
{
	return v <= 0 ? 0 : v >= 9e15 ? 9000000000000000000LL : (long long)(v * 1000 + 0.5);
}

/*
 * "guard OUTCOME AFTER_MS WINDOW_MS NWATCHED COUNTER BASE THRESHOLD
 * SAMPLES": the guard's verdict, rates in thousandths per second, the
 * samples comma-separated oldest first ("-" for no counter, no samples).
 */
static int
format_guard(const struct tt_guard_verdict *v, char *buf, size_t len, size_t *off)
{
	char name[64] = "-";

	if (v->outcome == TT_GUARD_NONE)
		return 0;
	if (v->counter >= 0)
		tt_guard_signal_name(v->counter, name, sizeof(name));
	if (put(buf, len, off, "guard %s %lld %lld %d %s %lld %lld ",
		tt_guard_outcome_name(v->outcome), milli(v->after), milli(v->window), v->nwatched,
		name, milli(v->base), milli(v->threshold)) < 0)
		return -ENOSPC;
	for (int i = 0; i < v->nsamples; i++)
		if (put(buf, len, off, "%s%lld", i ? "," : "", milli(v->samples[i])) < 0)
			return -ENOSPC;
	return put(buf, len, off, "%s\n", v->nsamples ? "" : "-");
}

static int
format_keys(const struct tt_journal *j, char *buf, size_t len, size_t *off)
{
	for (int i = 0; i < j->nkeys; i++) {
		const struct tt_journal_key *e = &j->keys[i];
		char o[TT_VAL_STRLEN], t[TT_VAL_STRLEN], p[TT_VAL_STRLEN];

		if (put(buf, len, off, "key\t%s\t%s\t%s\t%s\n", tt_key_get(e->id)->name,
			val_or_dash(&e->original, o, sizeof(o)),
			val_or_dash(&e->target, t, sizeof(t)),
			val_or_dash(&e->prev, p, sizeof(p))) < 0)
			return -ENOSPC;
	}
	return 0;
}

int
tt_journal_format(const struct tt_journal *j, char *buf, size_t len)
{
	size_t off = 0;
	int r;

	if (len == 0)
		return -ENOSPC;
	if (strpbrk(j->profile, "\n\r\t") != NULL || strpbrk(j->origin.root, "\n\r\t") != NULL)
		return -EINVAL;
	r = put(buf, len, &off, "tcptune-journal %d\n", TT_JOURNAL_VERSION);
	if (r == 0)
		r = put(buf, len, &off,
		    "# Written by tcptune before it changes a kernel key. Do not edit:\n"
		    "# `tcptune rollback` restores every original below.\n"
		    "state %s\ntime %lld\nprofile %s\n",
		    tt_journal_state_name(j->state), j->time, j->profile);
	if (r == 0 && j->confirm_deadline != 0)
		r = put(
		    buf, len, &off, "confirm %lld %llu\n", j->confirm_deadline, j->confirm_token);
	if (r == 0)
		r = format_origin(&j->origin, buf, len, &off);
	if (r == 0)
		r = format_guard(&j->guard, buf, len, &off);
	if (r == 0)
		r = format_keys(j, buf, len, &off);
	if (r == 0)
		r = put(buf, len, &off, "end\n");
	return r < 0 ? r : (int)off;
}

/* Parses a non-negative decimal that fills the whole string. */
static int
parse_ll(const char *s, long long *out)
{
	struct tt_val v;

	if (tt_val_parse(s, 1, &v, NULL) < 0 || v.v[0] < 0)
		return -EINVAL;
	*out = v.v[0];
	return 0;
}

/* Splits a key line's tab-separated fields; nf receives their number. */
static int
split_tabs(char *rest, char *f[4], const char **why)
{
	int nf = 0;

	f[nf++] = rest;
	for (char *p = rest; *p; p++) {
		if (*p != '\t')
			continue;
		if (nf == 4) {
			*why = "too many fields";
			return -EBADMSG;
		}
		*p = '\0';
		f[nf++] = p + 1;
	}
	if (nf != 4) {
		*why = "a key line has a name and three values";
		return -EBADMSG;
	}
	return 0;
}

/* One value of a key line: canonical and within the kernel's bounds. */
static int
parse_key_val(const struct tt_key *k, const char *s, struct tt_val *v, const char **why)
{
	char buf[160];

	if (tt_val_parse(s, k->nfields, v, why) < 0)
		return -EBADMSG;
	if (tt_key_check_kernel(k, v, buf, sizeof(buf)) < 0) {
		*why = "a value outside what the kernel accepts";
		return -EBADMSG;
	}
	return 0;
}

static int
parse_key_line(char *rest, struct tt_journal *j, const char **why)
{
	char *f[4];
	const struct tt_key *k;
	struct tt_journal_key *e;
	struct tt_val *dst[3];

	/* key<TAB>name<TAB>original<TAB>target<TAB>prev: values hold spaces
	 * ("32768 60999"), so tabs separate the fields. */
	if (split_tabs(rest, f, why) < 0)
		return -EBADMSG;
	k = tt_catalog_find(f[0]);
	if (k == NULL) {
		*why = "unknown key";
		return -EBADMSG;
	}
	if (tt_journal_find(j, k->id) != NULL) {
		*why = "key named twice";
		return -EBADMSG;
	}
	e = tt_journal_add(j, k->id);
	if (e == NULL) {
		*why = "too many keys";
		return -EBADMSG;
	}
	dst[0] = &e->original;
	dst[1] = &e->target;
	dst[2] = &e->prev;
	for (int i = 0; i < 3; i++) {
		if (strcmp(f[i + 1], "-") == 0 && i < 2) {
			*why = "original and target must have values";
			return -EBADMSG;
		}
		if (strcmp(f[i + 1], "-") != 0 && parse_key_val(k, f[i + 1], dst[i], why) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int
parse_state_line(char *rest, struct tt_journal *j)
{
	int st = tt_journal_state_from_name(rest);

	if (st < 0)
		return -EBADMSG;
	j->state = (enum tt_journal_state)st;
	return 0;
}

static int
parse_time_line(char *rest, struct tt_journal *j)
{
	return parse_ll(rest, &j->time) < 0 ? -EBADMSG : 0;
}

/* A path field: no tab or CR, fits in len. */
static int
parse_path(const char *rest, char *dst, size_t len)
{
	if (strlen(rest) >= len || strpbrk(rest, "\t\r") != NULL)
		return -EBADMSG;
	strcpy(dst, rest);
	return 0;
}

static int
parse_profile_line(char *rest, struct tt_journal *j)
{
	return parse_path(rest, j->profile, sizeof(j->profile));
}

static int
parse_root_line(char *rest, struct tt_journal *j)
{
	if (rest[0] != '/')
		return -EBADMSG;
	return parse_path(rest, j->origin.root, sizeof(j->origin.root));
}

static int
parse_confirm_line(char *rest, struct tt_journal *j)
{
	char *tok = strchr(rest, ' ');
	long long token;

	if (tok == NULL)
		return -EBADMSG;
	*tok++ = '\0';
	if (parse_ll(rest, &j->confirm_deadline) < 0 || j->confirm_deadline == 0 ||
	    parse_ll(tok, &token) < 0)
		return -EBADMSG;
	j->confirm_token = (unsigned long long)token;
	return 0;
}

/* "netns DEV INO [COOKIE]": the cookie came later, and may be missing. */
static int
parse_netns_line(char *rest, struct tt_journal *j)
{
	char *ino = strchr(rest, ' '), *cookie;
	unsigned long long c = 0;
	long long d, i;

	if (ino == NULL)
		return -EBADMSG;
	*ino++ = '\0';
	cookie = strchr(ino, ' ');
	if (cookie != NULL) {
		char *end;

		*cookie++ = '\0';
		errno = 0;
		c = strtoull(cookie, &end, 10);
		if (!isdigit((unsigned char)*cookie) || *end != '\0' || errno != 0 || c == 0)
			return -EBADMSG;
	}
	if (parse_ll(rest, &d) < 0 || parse_ll(ino, &i) < 0 || i == 0)
		return -EBADMSG;
	j->origin.ns_dev = (unsigned long long)d;
	j->origin.ns_ino = (unsigned long long)i;
	j->origin.ns_cookie = c;
	return 0;
}

static bool
boot_id_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < sizeof(((struct tt_origin *)0)->boot) &&
	    strspn(s, "0123456789abcdef-") == n;
}

/* "boot ID [BTIME]": the boot time came later, and may be missing. */
static int
parse_boot_line(char *rest, struct tt_journal *j)
{
	char *sp = strchr(rest, ' ');

	if (sp != NULL) {
		*sp = '\0';
		if (parse_ll(sp + 1, &j->origin.btime) < 0 || j->origin.btime <= 0)
			return -EBADMSG;
	}
	if (!boot_id_valid(rest))
		return -EBADMSG;
	strcpy(j->origin.boot, rest);
	return 0;
}

/* The samples of a guard line: "-" or up to TT_GUARD_SAMPLES_MAX
 * comma-separated thousandths. */
static int
parse_guard_samples(char *s, struct tt_guard_verdict *v)
{
	if (strcmp(s, "-") == 0)
		return 0;
	for (char *tok = s, *next; tok != NULL; tok = next) {
		long long x;

		next = strchr(tok, ',');
		if (next != NULL)
			*next++ = '\0';
		if (v->nsamples >= TT_GUARD_SAMPLES_MAX || parse_ll(tok, &x) < 0)
			return -EBADMSG;
		v->samples[v->nsamples++] = (double)x / 1000;
	}
	return 0;
}

static int
parse_guard_line(char *rest, struct tt_journal *j)
{
	struct tt_guard_verdict *v = &j->guard;
	char *f[8];
	long long n[6];
	int o;

	for (int i = 0; i < 8; i++) {
		f[i] = rest;
		rest = strchr(rest, ' ');
		if ((rest == NULL) != (i == 7))
			return -EBADMSG;
		if (rest != NULL)
			*rest++ = '\0';
	}
	o = tt_guard_outcome_from_name(f[0]);
	if (o <= TT_GUARD_NONE || parse_ll(f[1], &n[0]) < 0 || parse_ll(f[2], &n[1]) < 0 ||
	    parse_ll(f[3], &n[2]) < 0 || n[2] > TT_GUARD_NSIG || parse_ll(f[5], &n[3]) < 0 ||
	    parse_ll(f[6], &n[4]) < 0)
		return -EBADMSG;
	v->outcome = (enum tt_guard_outcome)o;
	v->after = (double)n[0] / 1000;
	v->window = (double)n[1] / 1000;
	v->nwatched = (int)n[2];
	v->base = (double)n[3] / 1000;
	v->threshold = (double)n[4] / 1000;
	v->counter = strcmp(f[4], "-") == 0 ? -1 : tt_guard_signal_from_name(f[4]);
	if (v->counter < 0 && strcmp(f[4], "-") != 0)
		return -EBADMSG;
	return parse_guard_samples(f[7], v);
}

/* The "NAME VALUE" lines; each at most once, the first three required. */
static const struct {
	const char *name;
	int (*parse)(char *rest, struct tt_journal *j);
	const char *why;
} header_lines[] = {
	{ "state", parse_state_line, "unknown state" },
	{ "time", parse_time_line, "bad time" },
	{ "profile", parse_profile_line, "bad profile path" },
	{ "confirm", parse_confirm_line, "bad confirm line" },
	{ "root", parse_root_line, "bad proc root" },
	{ "netns", parse_netns_line, "bad network namespace" },
	{ "boot", parse_boot_line, "bad boot id" },
	{ "guard", parse_guard_line, "bad guard line" },
};
#define HEADERS_REQUIRED 0x7u

/* What the parser has seen so far. */
struct parse_state {
	int lineno;
	unsigned seen; /* bit i: header_lines[i] */
	bool ended;
};

static int
parse_header(char *line, struct tt_journal *j, struct parse_state *ps, const char **why)
{
	char *rest = strchr(line, ' ');

	if (rest != NULL) {
		*rest++ = '\0';
		for (size_t i = 0; i < sizeof(header_lines) / sizeof(header_lines[0]); i++) {
			if (strcmp(line, header_lines[i].name) != 0 || (ps->seen & (1u << i)))
				continue;
			ps->seen |= 1u << i;
			*why = header_lines[i].why;
			return header_lines[i].parse(rest, j);
		}
	}
	*why = "unknown or repeated line";
	return -EBADMSG;
}

/* One line, without its newline. */
static int
parse_line(char *line, struct tt_journal *j, struct parse_state *ps, const char **why)
{
	char expect[32];

	if (ps->ended) {
		*why = "text after the end line";
		return -EBADMSG;
	}
	if (ps->lineno == 1) {
		snprintf(expect, sizeof(expect), "tcptune-journal %d", TT_JOURNAL_VERSION);
		*why = "not a tcptune journal of a version this tcptune reads";
		return strcmp(line, expect) == 0 ? 0 : -EBADMSG;
	}
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	if (strcmp(line, "end") == 0) {
		ps->ended = true;
		return 0;
	}
	if (strncmp(line, "key\t", 4) == 0)
		return parse_key_line(line + 4, j, why);
	return parse_header(line, j, ps, why);
}

/* Copies the line at *off into line (NUL-terminated) and moves past it. */
static int
next_line(const char *buf, size_t len, size_t *off, char *line, size_t linelen, const char **why)
{
	const char *nl = memchr(buf + *off, '\n', len - *off);
	size_t n = nl ? (size_t)(nl - (buf + *off)) : len - *off;

	if (nl == NULL) {
		*why = "the last line has no newline (truncated?)";
		return -EBADMSG;
	}
	if (n >= linelen) {
		*why = "line too long";
		return -EBADMSG;
	}
	if (memchr(buf + *off, '\0', n) != NULL) {
		*why = "NUL byte";
		return -EBADMSG;
	}
	memcpy(line, buf + *off, n);
	line[n] = '\0';
	*off += n + 1;
	return 0;
}

int
tt_journal_parse(const char *buf, size_t len, struct tt_journal *j, char *why, size_t whylen)
{
	char line[TT_JOURNAL_MAX];
	struct parse_state ps = { 0 };
	size_t off = 0;
	const char *reason = NULL;
	int r = 0;

	memset(j, 0, sizeof(*j));
	while (r == 0 && off < len) {
		ps.lineno++;
		r = next_line(buf, len, &off, line, sizeof(line), &reason);
		if (r == 0)
			r = parse_line(line, j, &ps, &reason);
	}
	if (r == 0 && ps.lineno == 0) {
		reason = "empty";
		r = -EBADMSG;
	} else if (r == 0 && !ps.ended) {
		reason = "no end line (truncated?)";
		r = -EBADMSG;
	} else if (r == 0 && (ps.seen & HEADERS_REQUIRED) != HEADERS_REQUIRED) {
		reason = "state, time or profile missing";
		r = -EBADMSG;
	}
	if (r == 0)
		return 0;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "line %d: %s", ps.lineno, reason);
	memset(j, 0, sizeof(*j));
	return -EBADMSG;
}

/* --- where a journal belongs ------------------------------------------- */

/* The "btime" line of ROOT/stat: when the kernel booted; 0 if unknown. */
static long long
read_btime(const char *root)
{
	char path[1100], line[256];
	long long t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", root);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "btime ", 6) == 0) {
			if (parse_ll(line + 6, &t) < 0)
				t = 0;
			break;
		}
	fclose(f);
	return t > 0 ? t : 0;
}

int
tt_origin_here(const struct tt_ctx *ctx, struct tt_origin *o)
{
	const char *root = tt_ctx_proc_root(ctx);
	char path[1100];
	struct stat st;
	ssize_t n;
	int fd;

	memset(o, 0, sizeof(*o));
	if (realpath(root, o->root) == NULL)
		return -errno;
	snprintf(path, sizeof(path), "%s/self/ns/net", o->root);
	if (stat(path, &st) == 0) {
		o->ns_dev = (unsigned long long)st.st_dev;
		o->ns_ino = (unsigned long long)st.st_ino;
		/* The cookie is of the namespace this thread is in, which is
		 * the proc root's only when that is the live /proc. */
		if (tt_netns_is_live(ctx, NULL))
			(void)tt_netns_cookie(&o->ns_cookie);
	}
	o->btime = read_btime(o->root);
	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id", o->root);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	n = tt_read_all(fd, o->boot, sizeof(o->boot));
	close(fd);
	if (n < 0)
		o->boot[0] = '\0';
	o->boot[strcspn(o->boot, "\n")] = '\0';
	if (!boot_id_valid(o->boot))
		o->boot[0] = '\0';
	return 0;
}

/* The same namespace inode: whether it is the same namespace, in the
 * same boot.  Cookies are numbered afresh each boot, so they are compared
 * only within one. */
static enum tt_origin_match
same_inode(const struct tt_origin *j, const struct tt_origin *here)
{
	if (j->ns_cookie != 0 && here->ns_cookie != 0)
		return j->ns_cookie == here->ns_cookie ? TT_ORIGIN_SAME : TT_ORIGIN_NETNS_GONE;
	if (j->ns_ino == TT_NETNS_INIT_INO || (j->ns_cookie == 0 && here->ns_cookie == 0))
		return TT_ORIGIN_SAME; /* the initial namespace, or nothing better known */
	return TT_ORIGIN_NETNS_UNPROVEN;
}

enum tt_origin_match
tt_origin_compare(const struct tt_origin *j, const struct tt_origin *here)
{
	if (j->root[0] != '\0' && strcmp(j->root, here->root) != 0)
		return TT_ORIGIN_OTHER_ROOT;
	if (j->ns_ino != 0 && here->ns_ino != 0 &&
	    (j->ns_ino != here->ns_ino || j->ns_dev != here->ns_dev))
		return TT_ORIGIN_OTHER_NETNS;
	/* A container manager may show its own boot id over the kernel's
	 * (systemd-nspawn does), and a unit with a /proc of its own sees the
	 * kernel's: ids that differ mean another boot only if the boot times
	 * do too, or one is unknown.  A clock step moves btime, not the id. */
	if (j->boot[0] != '\0' && strcmp(j->boot, here->boot) != 0 &&
	    (j->btime == 0 || here->btime == 0 || j->btime != here->btime))
		return TT_ORIGIN_OTHER_BOOT;
	if (j->ns_ino != 0 && here->ns_ino != 0)
		return same_inode(j, here);
	return TT_ORIGIN_SAME;
}

TT_STRTAB(tt_origin_match, enum tt_origin_match,
    "here", [TT_ORIGIN_SAME] = "here", [TT_ORIGIN_OTHER_ROOT] = "another-proc-root",
    [TT_ORIGIN_OTHER_NETNS] = "another-netns", [TT_ORIGIN_OTHER_BOOT] = "earlier-boot",
    [TT_ORIGIN_NETNS_GONE] = "netns-gone", [TT_ORIGIN_NETNS_UNPROVEN] = "netns-unproven")

/* --- the state directory ----------------------------------------------- */

static int
open_dir(const struct tt_ctx *ctx, bool create)
{
	return tt_state_dir_open(ctx, NULL, create ? TT_STATE_CREATE : 0);
}

int
tt_state_open(const struct tt_ctx *ctx, int wait_ms)
{
	const char *dir = tt_ctx_state_dir(ctx);
	int dfd, waited = 0;

	dfd = open_dir(ctx, true);
	if (dfd < 0)
		return dfd;
	/* A read-only file system is no reason to leave keys tuned: rollback
	 * restores them all the same, and apply finds no room to reserve. */
	if (faccessat(dfd, ".", W_OK, AT_EACCESS) < 0 && errno != EROFS) {
		int r = -errno;

		tt_log(
		    ctx, TT_LOG_ERR, "%s: %s (changing kernel keys needs root)", dir, strerror(-r));
		close(dfd);
		return r;
	}
	/* Poll instead of blocking so the wait has a limit and a message. */
	while (flock(dfd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;

		if (r != -EWOULDBLOCK && r != -EINTR) {
			close(dfd);
			return r;
		}
		if (waited == 0)
			tt_log(ctx, TT_LOG_NOTICE,
			    "another tcptune is changing keys; waiting up to %d ms", wait_ms);
		if (waited >= wait_ms) {
			tt_log(ctx, TT_LOG_ERR,
			    "%s: another tcptune apply or rollback is still "
			    "running; try again when it has finished",
			    dir);
			close(dfd);
			return -EBUSY;
		}
		usleep(50 * 1000);
		waited += 50;
	}
	return dfd;
}

void
tt_state_close(int state)
{
	if (state >= 0)
		close(state);
}

int
tt_state_busy(const struct tt_ctx *ctx)
{
	int dfd = open_dir(ctx, false), r = 0;

	if (dfd < 0)
		return dfd;
	if (flock(dfd, LOCK_SH | LOCK_NB) < 0)
		r = errno == EWOULDBLOCK ? 1 : -errno;
	close(dfd);
	return r;
}

/* Loads the journal-format file name in dfd; its mtime into *mtime when
 * not NULL.  As tt_journal_load(). */
static int
load_at(const struct tt_ctx *ctx, int dfd, const char *name, struct tt_journal *j, long long *mtime)
{
	/* TT_JOURNAL_MAX bytes and the NUL tt_read_all() adds */
	char buf[TT_JOURNAL_MAX + 1], why[128];
	struct stat st;
	ssize_t n;
	int fd, r;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		if (r == -ELOOP)
			tt_log(ctx, TT_LOG_ERR, "%s/%s: refusing a journal that is a symlink",
			    tt_ctx_state_dir(ctx), name);
		else
			tt_log(ctx, TT_LOG_ERR, "%s/%s: %s", tt_ctx_state_dir(ctx), name,
			    strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 0077) != 0 || st.st_nlink != 1) {
		tt_log(ctx, TT_LOG_ERR,
		    "%s/%s: refusing a journal that is not a root-owned "
		    "private file with a single link",
		    tt_ctx_state_dir(ctx), name);
		close(fd);
		return -EPERM;
	}
	if (mtime != NULL)
		*mtime = (long long)st.st_mtime;
	n = tt_read_all(fd, buf, sizeof(buf));
	if (n == -EFBIG)
		tt_log(
		    ctx, TT_LOG_ERR, "%s/%s: too large for a journal", tt_ctx_state_dir(ctx), name);
	if (n < 0) {
		close(fd);
		return n == -EFBIG ? -EBADMSG : (int)n;
	}
	close(fd);
	r = tt_journal_parse(buf, (size_t)n, j, why, sizeof(why));
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "%s/%s: damaged journal: %s", tt_ctx_state_dir(ctx), name,
		    why);
		return r;
	}
	return 1;
}

int
tt_journal_load(const struct tt_ctx *ctx, int state, struct tt_journal *j)
{
	return load_at(ctx, state, TT_JOURNAL_NAME, j, NULL);
}

/* A journal-format file, read-only and without the lock. */
static int
peek_at(const struct tt_ctx *ctx, const char *name, struct tt_journal *j, long long *mtime)
{
	int dfd = open_dir(ctx, false), r;

	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	r = load_at(ctx, dfd, name, j, mtime);
	close(dfd);
	return r;
}

int
tt_journal_peek(const struct tt_ctx *ctx, struct tt_journal *j)
{
	return peek_at(ctx, TT_JOURNAL_NAME, j, NULL);
}

int
tt_journal_peek_undone(const struct tt_ctx *ctx, struct tt_journal *j, long long *when)
{
	return peek_at(ctx, TT_JOURNAL_UNDONE_NAME, j, when);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
tt_journal_reserve(const struct tt_ctx *ctx, int state)
{
	struct stat st;
	int fd, r = 0;

	fd = openat(state, TT_JOURNAL_RESERVE_NAME,
	    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0)
		r = -errno;
	else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		r = -EPERM;
	else if (st.st_size < TT_JOURNAL_RESERVE)
		r = -posix_fallocate(fd, 0, TT_JOURNAL_RESERVE);
	if (r == 0 && fd >= 0 && fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "%s: cannot reserve room for the journal: %s%s",
		    tt_ctx_state_dir(ctx), strerror(-r),
		    r == -EROFS ? " (the state directory is on a read-only file system)" : "");
		if (fd >= 0 && r != -EPERM)
			unlinkat(state, TT_JOURNAL_RESERVE_NAME, 0);
	}
	return r;
}

/* Writes the journal's text to the temporary file, fsync'd. */
static int
write_tmp(int state, const char *tmpname, const char *buf, size_t len)
{
	int fd, r;

	/* A stale temporary (from a crash) is ours to replace; unlinkat does
	 * not follow a symlink, so a planted one is removed, not written
	 * through. */
	if (unlinkat(state, tmpname, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(state, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* The creator's umask could not widen 0600, but fchmod makes the
	 * mode independent of it altogether. */
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, buf, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlinkat(state, tmpname, 0);
	return r;
}

/* Writes j as the file name of the state directory, atomically. */
static int
store_as(const struct tt_ctx *ctx, int state, const struct tt_journal *j, const char *name)
{
	char buf[TT_JOURNAL_MAX], tmpname[64];
	int len, r;

	snprintf(tmpname, sizeof(tmpname), "%s.tmp", name);

	len = tt_journal_format(j, buf, sizeof(buf));
	if (len < 0)
		return len;
	r = write_tmp(state, tmpname, buf, (size_t)len);
	if ((r == -ENOSPC || r == -EDQUOT) && unlinkat(state, TT_JOURNAL_RESERVE_NAME, 0) == 0) {
		/* The room reserved for this moment. */
		tt_log(ctx, TT_LOG_WARNING, "%s: the file system is full; using the reserved room",
		    tt_ctx_state_dir(ctx));
		r = write_tmp(state, tmpname, buf, (size_t)len);
	}
	if (r == 0 && renameat(state, tmpname, state, name) < 0)
		r = -errno;
	/* The rename is durable only once the directory is. */
	if (r == 0 && fsync(state) < 0)
		r = -errno;
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "%s/%s: cannot write the journal: %s",
		    tt_ctx_state_dir(ctx), name, strerror(-r));
		unlinkat(state, tmpname, 0);
	}
	return r;
}

int
tt_journal_store(const struct tt_ctx *ctx, int state, const struct tt_journal *j)
{
	return store_as(ctx, state, j, TT_JOURNAL_NAME);
}

int
tt_journal_store_undone(const struct tt_ctx *ctx, int state, const struct tt_journal *j)
{
	return store_as(ctx, state, j, TT_JOURNAL_UNDONE_NAME);
}

void
tt_journal_forget_undone(int state)
{
	unlinkat(state, TT_JOURNAL_UNDONE_NAME, 0);
}

int
tt_journal_set_aside(const struct tt_ctx *ctx, int state, const char *name)
{
	if (renameat(state, TT_JOURNAL_NAME, state, name) < 0 || fsync(state) < 0) {
		int r = -errno;

		tt_log(ctx, TT_LOG_ERR, "%s/%s: cannot set the journal aside: %s",
		    tt_ctx_state_dir(ctx), TT_JOURNAL_NAME, strerror(-r));
		return r;
	}
	return 0;
}

int
tt_journal_remove(const struct tt_ctx *ctx, int state)
{
	if (unlinkat(state, TT_JOURNAL_NAME, 0) < 0 && errno != ENOENT) {
		int r = -errno;

		tt_log(ctx, TT_LOG_ERR, "%s/%s: cannot remove the journal: %s",
		    tt_ctx_state_dir(ctx), TT_JOURNAL_NAME, strerror(-r));
		return r;
	}
	if (fsync(state) < 0)
		return -errno;
	return 0;
}
