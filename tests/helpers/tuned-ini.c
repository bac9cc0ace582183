/*
 * A file read as tcptune reads tuned's ini dialect, for the differential
 * test against Python's configparser with tuned's settings
 * (tuned-oracle.py --ini).  Prints "S NAME" for each section and
 * "O NAME=VALUE" for each option ('\n', '\\' and other control bytes
 * escaped), or "ERR" when the file is refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tuned-internal.h"

static void
esc(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

int
main(int argc, char **argv)
{
	struct tt_diags d = { 0 };
	struct tt_tini ini;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;

	if (f == NULL)
		return 66;
	for (;;) {
		if (cap - len < 4096) {
			char *v = realloc(buf, cap += 65536);

			if (v == NULL) {
				free(buf);
				return 70;
			}
			buf = v;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	if (tt_tini_parse(argv[1], buf, len, false, &ini, &d) < 0) {
		puts("ERR");
	} else {
		for (int i = 0; i < ini.n; i++) {
			printf("S ");
			esc(ini.s[i].name);
			putchar('\n');
			for (int j = 0; j < ini.s[i].opts.n; j++) {
				printf("O ");
				esc(ini.s[i].opts.v[j].name);
				putchar('=');
				esc(ini.s[i].opts.v[j].value);
				putchar('\n');
			}
		}
	}
	tt_tini_free(&ini);
	tt_diags_free(&d);
	free(buf);
	return 0;
}
