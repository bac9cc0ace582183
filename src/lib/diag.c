#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int
tt_diags_add(
    struct tt_diags *d, int prio, const char *file, int line, const char *key, const char *fmt, ...)
{
	struct tt_diag dg = { .prio = prio, .line = line };
	va_list ap;
	int r;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct tt_diag *v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&dg.msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	dg.file = file ? strdup(file) : NULL;
	dg.key = key ? strdup(key) : NULL;
	if ((file && !dg.file) || (key && !dg.key)) {
		free(dg.msg);
		free(dg.file);
		free(dg.key);
		return -ENOMEM;
	}
	d->v[d->n++] = dg;
	if (prio == TT_LOG_ERR)
		d->nerr++;
	return 0;
}

void
tt_diags_free(struct tt_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].key);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int
tt_diag_format(const struct tt_diag *dg, char *buf, size_t len)
{
	char where[64] = "";
	int n;

	if (dg->line > 0)
		snprintf(where, sizeof(where), ":%d", dg->line);
	n = snprintf(buf, len, "%s%s: %s%s%s", dg->file ? dg->file : "", where,
	    dg->key ? dg->key : "", dg->key ? ": " : "", dg->msg);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
