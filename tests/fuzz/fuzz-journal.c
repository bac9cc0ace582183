/*
 * Fuzz target: the journal reader, on arbitrary bytes.  The journal is
 * what rollback trusts to put a host back, so a damaged one must be
 * refused, never half-read.
 *
 * Besides "does not crash or leak", it checks: a refused journal leaves
 * nothing behind and says why; an accepted one names each catalog key at
 * most once with values of the key's shape, and is written back by
 * tt_journal_format() into text that reads back to the same journal and
 * formats to the same text.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/catalog.h"
#include "lib/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_val(const struct tt_val *a, const struct tt_val *b)
{
	return a->n == b->n && (a->n == 0 || tt_val_eq(a, b));
}

static bool
same_journal(const struct tt_journal *a, const struct tt_journal *b)
{
	if (a->state != b->state || a->time != b->time || strcmp(a->profile, b->profile) != 0 ||
	    a->confirm_deadline != b->confirm_deadline || a->confirm_token != b->confirm_token ||
	    a->nkeys != b->nkeys)
		return false;
	for (int i = 0; i < a->nkeys; i++) {
		const struct tt_journal_key *x = &a->keys[i], *y = &b->keys[i];

		if (x->id != y->id || !same_val(&x->original, &y->original) ||
		    !same_val(&x->target, &y->target) || !same_val(&x->prev, &y->prev))
			return false;
	}
	return true;
}

static void
check_keys(const struct tt_journal *j)
{
	bool seen[TT_K__COUNT] = { false };

	if (j->nkeys < 0 || j->nkeys > TT_K__COUNT)
		abort();
	for (int i = 0; i < j->nkeys; i++) {
		const struct tt_journal_key *e = &j->keys[i];
		const struct tt_key *k = tt_key_get(e->id);

		if (k == NULL || seen[e->id])
			abort();
		seen[e->id] = true;
		/* Rollback writes original: it must be a whole value. */
		if (e->original.n != k->nfields || e->target.n != k->nfields ||
		    (e->prev.n != 0 && e->prev.n != k->nfields))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tt_journal j, again;
	static char text[TT_JOURNAL_MAX], text2[TT_JOURNAL_MAX];
	char why[256] = "";
	int n, n2;

	if (tt_journal_parse((const char *)data, size, &j, why, sizeof(why)) < 0) {
		if (why[0] == '\0' || j.nkeys != 0 || j.profile[0] != '\0')
			abort();
		return 0;
	}
	check_keys(&j);
	n = tt_journal_format(&j, text, sizeof(text));
	if (n < 0)
		abort(); /* read, but could not be written back */
	if (tt_journal_parse(text, (size_t)n, &again, why, sizeof(why)) < 0 ||
	    !same_journal(&j, &again))
		abort();
	n2 = tt_journal_format(&again, text2, sizeof(text2));
	if (n2 != n || memcmp(text, text2, (size_t)n) != 0)
		abort();
	return 0;
}
