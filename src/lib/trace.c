/*
 * Loading, reading and detaching the tracer's BPF program (its skeleton
 * is made at build time from bpf/trace.bpf.c).  Without it built in,
 * tt_trace_open() says so (-EOPNOTSUPP).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

#define DEFAULT_BTF      "/sys/kernel/btf/vmlinux"
#define DEFAULT_LOCKDOWN "/sys/kernel/security/lockdown"

#ifndef HAVE_BPF

int
tt_trace_open(struct tt_ctx *ctx, const struct tt_trace_opts *opts, struct tt_trace **out)
{
	*out = NULL;
	tt_log(ctx, TT_LOG_DEBUG, "tracing: built without BPF support");
	return -EOPNOTSUPP;
}

int
tt_trace_read(struct tt_trace *t, struct tt_trace_report *out)
{
	memset(out, 0, sizeof(*out));
	return -EOPNOTSUPP;
}

void
tt_trace_close(struct tt_trace *t)
{
}

#else

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/trace-shared.h"
#include "skel/trace.skel.h"

struct tt_trace {
	struct tt_ctx *ctx;
	struct tt_trace_bpf *skel;
	struct timespec t0; /* CLOCK_MONOTONIC */
	uint32_t netns;
	char pod_log_dir[4096];
	int has_pod_dir;
};

static const struct tt_ctx *libbpf_ctx;

/* libbpf's words go to the context's log, as debug messages. */
static int __attribute__((format(printf, 2, 0)))
libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	if (libbpf_ctx == NULL || level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	tt_log(libbpf_ctx, TT_LOG_DEBUG, "libbpf: %s", buf);
	return 0;
}

/* -EACCES when the kernel's lockdown is in confidentiality mode. */
static int
check_lockdown(const struct tt_ctx *ctx, const char *path)
{
	char buf[256];
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	/* None (no lockdown LSM, securityfs not mounted), or not a file. */
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (strstr(buf, "[confidentiality]") == NULL)
		return 0;
	tt_log(ctx, TT_LOG_DEBUG, "tracing: %s says confidentiality", path);
	return -EACCES;
}

/* -ENOENT unless path is a readable regular file. */
static int
check_btf(const struct tt_ctx *ctx, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		tt_log(ctx, TT_LOG_DEBUG, "tracing: no kernel BTF at %s", path);
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	close(fd);
	return 0;
}

/* What a failed load or attach means to the caller. */
static int
load_error(const struct tt_ctx *ctx, const char *what, int e)
{
	char msg[128];

	libbpf_strerror(e, msg, sizeof(msg));
	tt_log(ctx, TT_LOG_DEBUG, "tracing: %s: %s", what, msg);
	if (e == -EPERM)
		return -EPERM;
	return -ENOSYS;
}

static int
start(struct tt_trace *t, const struct tt_trace_opts *opts)
{
	struct bpf_object_open_opts oo = { .sz = sizeof(oo), .btf_custom_path = opts->btf_path };
	int e;

	t->skel = tt_trace_bpf__open_opts(&oo);
	if (t->skel == NULL)
		return load_error(t->ctx, "open", -errno);
	t->skel->rodata->filter_netns = opts->netns;
	if ((e = tt_trace_bpf__load(t->skel)) < 0)
		return load_error(t->ctx, "load", e);
	if ((e = tt_trace_bpf__attach(t->skel)) < 0)
		return load_error(t->ctx, "attach", e);
	return 0;
}

int
tt_trace_open(struct tt_ctx *ctx, const struct tt_trace_opts *opts, struct tt_trace **out)
{
	const char *btf = opts->btf_path ? opts->btf_path : DEFAULT_BTF;
	struct tt_trace *t;
	int r;

	*out = NULL;
	if ((r = check_lockdown(
		 ctx, opts->lockdown_path ? opts->lockdown_path : DEFAULT_LOCKDOWN)) < 0 ||
	    (r = check_btf(ctx, btf)) < 0)
		return r;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	t->ctx = ctx;
	t->netns = opts->netns;
	if (opts->pod_log_dir != NULL) {
		snprintf(t->pod_log_dir, sizeof(t->pod_log_dir), "%s", opts->pod_log_dir);
		t->has_pod_dir = 1;
	}
	libbpf_ctx = ctx;
	libbpf_set_print(libbpf_log);
	if ((r = start(t, opts)) < 0) {
		tt_trace_close(t);
		return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	*out = t;
	return 0;
}

void
tt_trace_close(struct tt_trace *t)
{
	if (t == NULL)
		return;
	tt_trace_bpf__destroy(t->skel);
	free(t);
}

static void
who_from(struct tt_trace_who *w, const struct tt_trace_owner *o)
{
	memset(w, 0, sizeof(*w));
	w->pid = o->key.tgid;
	memcpy(w->comm, o->comm, sizeof(w->comm) - 1);
	w->cgroup = o->key.cgroup;
	w->netns = o->key.netns;
	w->family = o->key.family;
	memcpy(w->addr, o->key.addr, sizeof(w->addr));
	w->port = o->key.port;
	w->side = o->key.side == TT_TRACE_SIDE_ACCEPTED ? TT_TRACE_SIDE_IN : TT_TRACE_SIDE_OUT;
}

/* The per-CPU copies of a row summed into row (the command from the
 * first CPU that has one).  0 when every counter is 0. */
static int
sum_row(
    struct tt_trace_row *row, const struct tt_trace_key *k, const struct tt_trace_val *v, int ncpu)
{
	struct tt_trace_owner o = { .key = *k };
	uint64_t any = 0;

	for (int c = 0; c < ncpu; c++)
		if (o.comm[0] == '\0')
			memcpy(o.comm, v[c].comm, sizeof(o.comm));
	who_from(&row->who, &o);
	for (int i = 0; i < TT_TRACE_NCOUNTERS; i++) {
		row->c[i] = 0;
		for (int c = 0; c < ncpu; c++)
			row->c[i] += v[c].c[i]; /* unsigned: a CPU's -1 cancels another's +1 */
		any |= row->c[i];
	}
	return any != 0;
}

static int
read_rows(struct tt_trace *t, struct tt_trace_report *r)
{
	int fd = bpf_map__fd(t->skel->maps.stats), ncpu = libbpf_num_possible_cpus();
	struct tt_trace_key k, *prev = NULL;
	struct tt_trace_val *v;
	size_t cap = 0;
	int e = 0;

	if (ncpu <= 0 || (v = calloc((size_t)ncpu, sizeof(*v))) == NULL)
		return ncpu <= 0 ? -EIO : -ENOMEM;
	while (e == 0 && bpf_map_get_next_key(fd, prev, &k) == 0) {
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, v) < 0)
			continue;
		if (r->nrows == cap) {
			struct tt_trace_row *n =
			    reallocarray(r->rows, cap ? cap * 2 : 64, sizeof(*n));

			if (n == NULL) {
				e = -ENOMEM;
				break;
			}
			r->rows = n;
			cap = cap ? cap * 2 : 64;
		}
		r->nrows += (size_t)sum_row(&r->rows[r->nrows], &k, v, ncpu);
	}
	free(v);
	return e;
}

static int
read_closewait(struct tt_trace *t, struct tt_trace_report *r, const struct timespec *mono,
    const struct timespec *real)
{
	int fd = bpf_map__fd(t->skel->maps.owners);
	uint64_t k, *prev = NULL;
	uint64_t now = (uint64_t)mono->tv_sec * 1000000000ULL + (uint64_t)mono->tv_nsec;
	struct tt_trace_owner v;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &k) == 0) {
		struct tt_trace_closewait *c;
		uint64_t age, rt;

		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v) < 0 || v.cw_entered == 0)
			continue;
		if (r->ncw == cap) {
			struct tt_trace_closewait *n =
			    reallocarray(r->cw, cap ? cap * 2 : 64, sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			r->cw = n;
			cap = cap ? cap * 2 : 64;
		}
		c = &r->cw[r->ncw++];
		who_from(&c->who, &v);
		c->lport = (uint16_t)v.lport;
		age = now > v.cw_entered ? now - v.cw_entered : 0;
		rt = (uint64_t)real->tv_sec * 1000000000ULL + (uint64_t)real->tv_nsec - age;
		c->entered.tv_sec = (time_t)(rt / 1000000000ULL);
		c->entered.tv_nsec = (long)(rt % 1000000000ULL);
		c->age = (double)age / 1e9;
	}
	return 0;
}

static int
read_losses(struct tt_trace *t, struct tt_trace_report *r)
{
	int fd = bpf_map__fd(t->skel->maps.losses), ncpu = libbpf_num_possible_cpus();
	uint64_t *v;

	if (ncpu <= 0)
		return -EIO;
	if ((v = calloc((size_t)ncpu, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < TT_TRACE_NLOSSES; i++) {
		if (bpf_map_lookup_elem(fd, &i, v) < 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			r->lost[i] += v[c];
	}
	free(v);
	return 0;
}

static uint64_t
weight(const struct tt_trace_row *r)
{
	uint64_t w = 0;

	for (int i = 0; i < TT_TRACE_NCOUNTERS; i++)
		w += r->c[i];
	return w;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct tt_trace_row *x = a, *y = b;
	uint64_t wx = weight(x), wy = weight(y);

	if (wx != wy)
		return wx > wy ? -1 : 1;
	if (x->who.pid != y->who.pid)
		return x->who.pid < y->who.pid ? -1 : 1;
	return memcmp(x->who.addr, y->who.addr, sizeof(x->who.addr));
}

static int
cmp_cw(const void *a, const void *b)
{
	const struct tt_trace_closewait *x = a, *y = b;

	return x->age > y->age ? -1 : x->age < y->age;
}

int
tt_trace_read(struct tt_trace *t, struct tt_trace_report *out)
{
	struct timespec mono, real;
	int r;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	out->seconds =
	    (double)(mono.tv_sec - t->t0.tv_sec) + (double)(mono.tv_nsec - t->t0.tv_nsec) / 1e9;
	out->netns = t->netns;
	if ((r = read_rows(t, out)) < 0 || (r = read_closewait(t, out, &mono, &real)) < 0 ||
	    (r = read_losses(t, out)) < 0 ||
	    (r = tt_trace_name_cgroups(t->ctx, t->has_pod_dir ? t->pod_log_dir : NULL, out)) < 0) {
		tt_trace_report_free(out);
		return r;
	}
	if (out->nrows > 0)
		qsort(out->rows, out->nrows, sizeof(*out->rows), cmp_row);
	if (out->ncw > 0)
		qsort(out->cw, out->ncw, sizeof(*out->cw), cmp_cw);
	return 0;
}

#endif

void
tt_trace_report_free(struct tt_trace_report *r)
{
	free(r->rows);
	free(r->cw);
	memset(r, 0, sizeof(*r));
}
