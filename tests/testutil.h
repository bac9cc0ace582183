/* Shared bits for the cmocka unit tests. */
#ifndef TCPTUNE_TESTUTIL_H
#define TCPTUNE_TESTUTIL_H

#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ctx.h"

/* Collects log messages so tests can assert on them. */
struct logbuf {
	char text[8192];
	size_t len;
};

static inline void
logbuf_fn(void *data, int prio, const char *fmt, va_list ap)
{
	struct logbuf *lb = data;
	int n;

	(void)prio;
	if (lb->len >= sizeof(lb->text) - 1)
		return;
	n = vsnprintf(lb->text + lb->len, sizeof(lb->text) - lb->len, fmt, ap);
	if (n > 0)
		lb->len += (size_t)n;
	if (lb->len < sizeof(lb->text) - 1)
		lb->text[lb->len++] = '\n';
	lb->text[lb->len < sizeof(lb->text) ? lb->len : sizeof(lb->text) - 1] = '\0';
}

/* A context on a fixture proc root, logging into lb (may be NULL). */
static inline struct tt_ctx *
fixture_ctx(const char *tree, struct logbuf *lb)
{
	char root[4096];
	struct tt_ctx *ctx = tt_ctx_new(NULL);

	assert_non_null(ctx);
	snprintf(root, sizeof(root), "%s/%s", FIXTURES, tree);
	assert_int_equal(tt_ctx_set_proc_root(ctx, root), 0);
	if (lb != NULL) {
		memset(lb, 0, sizeof(*lb));
		tt_ctx_set_log(ctx, logbuf_fn, lb);
		tt_ctx_set_log_priority(ctx, TT_LOG_DEBUG);
	}
	return ctx;
}

#endif
