/*
 * Diagnostics about an input file: where (file, line, key) and why.  The
 * library collects them; the front end decides how to show them.
 */
#ifndef TCPTUNE_DIAG_H
#define TCPTUNE_DIAG_H

#include <stddef.h>

#include "ctx.h"

struct tt_diag {
	int prio; /* TT_LOG_ERR, TT_LOG_WARNING or TT_LOG_NOTICE */
	char *file;
	int line;  /* 0 when the message is about the whole file */
	char *key; /* NULL when no key is involved */
	char *msg;
};

struct tt_diags {
	struct tt_diag *v;
	size_t n, cap;
	size_t nerr; /* how many have prio TT_LOG_ERR */
};

/* Appends one; returns 0 or -ENOMEM. */
int tt_diags_add(struct tt_diags *d, int prio, const char *file, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void tt_diags_free(struct tt_diags *d);

/* "file:line: key: msg" (parts left out when unknown).  0, or
 * -ENAMETOOLONG when it did not fit (cut short). */
int tt_diag_format(const struct tt_diag *dg, char *buf, size_t len);

#endif
