/*
 * Prints what the sysctl.d reader says each catalog key is left at:
 * "boot KEY VALUE FILE:LINE" and "system KEY VALUE FILE:LINE", one line per
 * key that is set, for the tree below ROOT, with the keys that exist in
 * this process's network namespace (/proc/sys).  `make bench` times it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/sysctld.h"

static void
show(const char *which, const struct tt_sysctld_set *v)
{
	for (int i = 0; i < TT_K__COUNT; i++)
		if (v[i].set)
			printf("%s %s %s %s:%d\n", which, tt_key_get((enum tt_key_id)i)->name,
			    v[i].text, v[i].file, v[i].line);
}

/* The catalog keys this namespace has. */
static unsigned long long
present(void)
{
	unsigned long long m = 0;
	char rel[256], path[300];

	for (int i = 0; i < TT_K__COUNT; i++)
		if (tt_key_relpath(tt_key_get((enum tt_key_id)i), rel, sizeof(rel)) == 0 &&
		    snprintf(path, sizeof(path), "/proc/%s", rel) < (int)sizeof(path) &&
		    access(path, F_OK) == 0)
			m |= 1ULL << i;
	return m;
}

int
main(int argc, char **argv)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd = NULL;
	struct tt_ctx *ctx;

	if (argc != 2) {
		fprintf(stderr, "usage: sysctld-winners ROOT\n");
		return 64;
	}
	ctx = tt_ctx_new(NULL);
	if (ctx == NULL || tt_ctx_set_sysctl_root(ctx, argv[1]) < 0 ||
	    tt_sysctld_read(ctx, present(), &sd, &d) < 0) {
		fprintf(stderr, "sysctld-winners: cannot read %s\n", argv[1]);
		return 1;
	}
	show("boot", sd->boot);
	show("system", sd->system);
	tt_sysctld_free(sd);
	tt_diags_free(&d);
	tt_ctx_free(ctx);
	return 0;
}
