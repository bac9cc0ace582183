/*
 * tuned's ${variables} and ${f:functions} as tcptune expands them, for
 * the differential test against tuned's own Variables (tuned-oracle.py
 * --expand).  Reads lines from standard input:
 *
 *   V NAME VALUE   define a variable (its value expanded first, as tuned does)
 *   E STRING       expand STRING
 *
 * and prints, for each E line, "= RESULT", "? UNDECIDED" (a function
 * tcptune does not evaluate) or "! FAILED" (an assertion failed).
 * The virt_check answer is TUNED_VIRT (0 or 1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tuned-internal.h"

int
main(void)
{
	struct tt_tdict vars = { 0 };
	struct tt_texp e = { .vars = &vars };
	const char *virt = getenv("TUNED_VIRT");
	char line[8192];

	e.virt = virt != NULL && strcmp(virt, "1") == 0;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *s = line + 2, *v, *out;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'V' && (v = strchr(s, ' ')) != NULL)
			*v++ = '\0';
		else
			v = s;
		e.why[0] = e.fail[0] = '\0';
		if ((out = tt_texpand(&e, v)) == NULL)
			return 70;
		if (line[0] == 'V') {
			/* tuned stores what it got, function text and all */
			if (e.fail[0] == '\0' && tt_tdict_set(&vars, s, out, "-", 0) < 0)
				return 70;
			if (e.fail[0] != '\0')
				free(out);
			if (e.why[0] != '\0') {
				int k = tt_tdict_find(&vars, s);

				free(vars.v[k].value);
				vars.v[k].value = NULL;
				vars.v[k].why = strdup(e.why);
			}
			continue;
		}
		if (e.fail[0])
			printf("! FAILED\n");
		else if (e.why[0])
			printf("? UNDECIDED\n");
		else
			printf("= %s\n", out);
		free(out);
	}
	tt_tdict_free(&vars);
	return 0;
}
