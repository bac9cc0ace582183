/*
 * Fuzz target: the strict sysctl value parser, and the other small parsers
 * of text that reaches tcptune from outside (kernel release strings, key
 * names given on the command line).
 *
 * Besides "does not crash", it checks what callers rely on: a value that
 * parses has exactly the fields asked for, and its canonical form parses
 * back to the same value.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/catalog.h"
#include "lib/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char fmt[TT_VAL_STRLEN];
	struct tt_val v, again;
	const char *why = NULL;
	char *s;

	/* The parsers take C strings: copy, so a missing NUL is never read past. */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	for (int nfields = 1; nfields <= TT_VAL_MAX_FIELDS; nfields++) {
		if (tt_val_parse(s, nfields, &v, &why) < 0) {
			if (why == NULL)
				abort(); /* every refusal must say why */
			continue;
		}
		if (v.n != nfields)
			abort();
		tt_val_format(&v, fmt, sizeof(fmt));
		if (tt_val_parse(fmt, nfields, &again, &why) < 0 || !tt_val_eq(&v, &again))
			abort();
	}

	(void)tt_kv_parse(s);

	/* A name either is a catalog key, named as the catalog names it, or
	 * nothing: user text never becomes a path. */
	const struct tt_key *k = tt_catalog_find_any(s);
	if (k != NULL) {
		char rel[256];

		if (tt_key_relpath(k, rel, sizeof(rel)) < 0 || strncmp(rel, "sys/net/", 8) != 0 ||
		    strstr(rel, "..") != NULL)
			abort();
	}

	free(s);
	return 0;
}
