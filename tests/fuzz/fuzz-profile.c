/*
 * Fuzz target: the profile loader with catalog validation, the way `check`
 * and `apply` use it, on arbitrary bytes.
 *
 * Besides "does not crash or leak", it checks the promise the applier
 * builds on: a profile that loads names only catalog keys, each with a
 * value of the right shape inside the kernel's bounds, and thresholds
 * inside their documented ranges.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/catalog.h"
#include "lib/diag.h"
#include "lib/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_profile(const struct tt_profile *p)
{
	char why[160];

	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_setting *s = &p->sysctl[i];
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		if (!s->set)
			continue;
		if (s->line < 1 || s->val.n != k->nfields ||
		    tt_key_check_kernel(k, &s->val, why, sizeof(why)) < 0)
			abort();
	}
	if (p->nat != TT_NAT_AUTO && p->nat != TT_NAT_YES && p->nat != TT_NAT_NO)
		abort();
}

static void
check_diags(const struct tt_diags *d)
{
	char line[1024];

	for (size_t i = 0; i < d->n; i++) {
		/* Every message names the file and says something. */
		if (d->v[i].file == NULL || d->v[i].msg == NULL || d->v[i].msg[0] == '\0')
			abort();
		tt_diag_format(&d->v[i], line, sizeof(line));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flags[] = { 0, TT_PROFILE_IGNORE_UNKNOWN };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct tt_diags d = { 0 };
		struct tt_profile *p = NULL;
		int r;

		r = tt_profile_parse(NULL, "fuzz.ini", (const char *)data, size, flags[i], &p, &d);
		if (r == 0) {
			if (p == NULL || d.nerr != 0)
				abort();
			check_profile(p);
		} else if (p != NULL || (r == -EINVAL && d.nerr == 0)) {
			abort(); /* a refusal leaves no profile and says why */
		}
		check_diags(&d);
		tt_profile_free(p);
		tt_diags_free(&d);
	}
	return 0;
}
