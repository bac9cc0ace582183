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

#include "lib/catalog.h"
#include "lib/ctx.h"
#include "lib/snapshot.h"

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

/*
 * A hand-made snapshot, the one way unit tests build one: release kv
 * (kernel is its uname text), every key the release and the namespace
 * (netns: 1 initial, 0 child) have at its default, the others absent; a
 * key whose default depends on memory reads 131072.
 */
static inline void
test_snapshot(struct tt_snapshot *s, unsigned kv, int netns, const char *kernel)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->kernel, sizeof(s->kernel), "%s", kernel);
	s->kv = kv;
	s->netns = netns;
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_val *def = tt_key_default(k, kv);

		if (!tt_key_expected(k, kv) || ((k->flags & TT_KEY_HOST_ONLY) && netns == 0)) {
			s->sysctl[i].state = TT_ST_ABSENT;
			continue;
		}
		s->sysctl[i].state = TT_ST_OK;
		if (def != NULL && def->n > 0)
			s->sysctl[i].val = *def;
		else
			s->sysctl[i].val = (struct tt_val){ .n = k->nfields, .v = { 131072 } };
	}
}

#endif
