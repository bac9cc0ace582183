/*
 * A tuned profile as tuned 2.20 loads it for its [sysctl] plugin: the
 * include= chain (each profile once, in tuned's order), the merge
 * (replace=, drop=, enabled=, type=), [variables] and the functions that
 * decide includes, the units of type sysctl that match this host
 * (cpuinfo_regex=, uname_regex=, priority=), and the writes they make, in
 * tuned's order.
 */
#ifndef TCPTUNE_TUNED_H
#define TCPTUNE_TUNED_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "diag.h"

/* Every tuned profile read for one load, in total: past these the load
 * is refused.  tuned itself reads each profile once. */
#define TT_TUNED_MAX_FILES 256
#define TT_TUNED_MAX_BYTES (8u << 20)

struct tt_tuned_write {
	char *key;        /* as the profile spells it */
	char *value;      /* unquoted and expanded; NULL when undecidable here */
	char *why;        /* then: what could not be decided */
	const char *file; /* one of files[] */
	int line;
};

struct tt_tuned {
	char *summary; /* the top profile's [main] summary=, or NULL */
	char **files;  /* every file read, the top profile's first */
	int nfiles;
	struct tt_tuned_write *w;
	int nw;
};

/*
 * Loads the tuned profile in file (buf, len: its contents), looking its
 * includes up as tt_ctx_tuned_dir() says.  Errors go into diags with file
 * and line, warnings and notices too.  0, -EINVAL (errors in diags) or
 * -ENOMEM; *out is filled either way and freed with tt_tuned_free().
 */
int tt_tuned_load(struct tt_ctx *ctx, const char *file, const char *buf, size_t len,
    struct tt_tuned *out, struct tt_diags *diags);
void tt_tuned_free(struct tt_tuned *t);

#endif
