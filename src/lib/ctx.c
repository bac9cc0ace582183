#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"

struct tt_ctx {
	char *proc_root;
	char *state_dir;
	char *sysctl_root;
	char *tuned_dir; /* NULL: tuned's own directories */
	tt_log_fn log_fn;
	void *log_data;
	int log_prio;
};

struct tt_ctx *
tt_ctx_new(const char *state_dir)
{
	struct tt_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	ctx->log_prio = TT_LOG_NOTICE;
	if (tt_ctx_set_proc_root(ctx, "/proc") < 0 || tt_ctx_set_state_dir(ctx, state_dir) < 0 ||
	    tt_ctx_set_sysctl_root(ctx, "/") < 0) {
		tt_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void
tt_ctx_free(struct tt_ctx *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->proc_root);
	free(ctx->state_dir);
	free(ctx->sysctl_root);
	free(ctx->tuned_dir);
	free(ctx);
}

static int
replace_string(char **slot, const char *s)
{
	char *copy = NULL;

	if (s != NULL) {
		size_t n = strlen(s);

		/* "/proc/" and "/proc" name the same tree: drop trailing '/'. */
		while (n > 1 && s[n - 1] == '/')
			n--;
		copy = strndup(s, n);
		if (copy == NULL)
			return -ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

int
tt_ctx_set_proc_root(struct tt_ctx *ctx, const char *proc_root)
{
	return replace_string(&ctx->proc_root, proc_root ? proc_root : "/proc");
}

int
tt_ctx_set_state_dir(struct tt_ctx *ctx, const char *state_dir)
{
	return replace_string(&ctx->state_dir, state_dir);
}

int
tt_ctx_set_sysctl_root(struct tt_ctx *ctx, const char *root)
{
	return replace_string(&ctx->sysctl_root, root ? root : "/");
}

const char *
tt_ctx_sysctl_root(const struct tt_ctx *ctx)
{
	return ctx->sysctl_root;
}

int
tt_ctx_set_tuned_dir(struct tt_ctx *ctx, const char *dir)
{
	char *s = strdup(dir);

	if (s == NULL)
		return -ENOMEM;
	free(ctx->tuned_dir);
	ctx->tuned_dir = s;
	return 0;
}

const char *
tt_ctx_tuned_dir(const struct tt_ctx *ctx)
{
	return ctx != NULL ? ctx->tuned_dir : NULL;
}

const char *
tt_ctx_proc_root(const struct tt_ctx *ctx)
{
	return ctx->proc_root;
}

const char *
tt_ctx_state_dir(const struct tt_ctx *ctx)
{
	return ctx->state_dir;
}

void
tt_ctx_set_log(struct tt_ctx *ctx, tt_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

void
tt_ctx_set_log_priority(struct tt_ctx *ctx, int prio)
{
	ctx->log_prio = prio;
}

void
tt_log(const struct tt_ctx *ctx, int prio, const char *fmt, ...)
{
	va_list ap;

	if (ctx == NULL || ctx->log_fn == NULL || prio > ctx->log_prio)
		return;
	va_start(ap, fmt);
	ctx->log_fn(ctx->log_data, prio, fmt, ap);
	va_end(ap);
}

int
tt_proc_path(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", ctx->proc_root, rel);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

struct tt_ctx *
tt_ctx_dup(const struct tt_ctx *ctx, const char *proc_root)
{
	struct tt_ctx *c = tt_ctx_new(ctx->state_dir);

	if (c == NULL)
		return NULL;
	if (tt_ctx_set_proc_root(c, proc_root ? proc_root : ctx->proc_root) < 0 ||
	    tt_ctx_set_sysctl_root(c, ctx->sysctl_root) < 0 ||
	    (ctx->tuned_dir != NULL && tt_ctx_set_tuned_dir(c, ctx->tuned_dir) < 0)) {
		tt_ctx_free(c);
		return NULL;
	}
	c->log_fn = ctx->log_fn;
	c->log_data = ctx->log_data;
	c->log_prio = ctx->log_prio;
	return c;
}

double
tt_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
