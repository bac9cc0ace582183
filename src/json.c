#include "config.h"

#include <math.h>

#include "json.h"

void
json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->compact = false;
	j->first[0] = true;
}

void
json_document_begin(struct json *j, FILE *f)
{
	json_init(j, f);
	json_obj_begin(j, NULL);
	json_int(j, "format_version", JSON_FORMAT_VERSION);
	json_str(j, "tcptune_version", PACKAGE_VERSION);
}

size_t
utf8_seq_len(const unsigned char *p)
{
	unsigned cp, min;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1fu, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0fu, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07u, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* a NUL stops here too */
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	/* No overlong form, no surrogate, nothing past U+10FFFF. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void
put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20) {
				fprintf(f, "\\u%04x", *p);
			} else {
				size_t n = utf8_seq_len(p);

				if (n == 0)
					fputs("\\ufffd", f);
				else
					fwrite(p, 1, n, f);
				p += n > 0 ? n - 1 : 0;
			}
		}
	}
	fputc('"', f);
}

/* Separator, indentation and key for the next value. */
static void
prefix(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		if (!j->compact) {
			fputc('\n', j->f);
			for (int i = 0; i < j->depth; i++)
				fputs("  ", j->f);
		}
	}
	j->first[j->depth] = false;
	if (key != NULL) {
		put_string(j->f, key);
		fputs(j->compact ? ":" : ": ", j->f);
	}
}

static void
open_(struct json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty && !j->compact) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void
json_obj_begin(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void
json_obj_end(struct json *j)
{
	close_(j, '}');
}

void
json_arr_begin(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void
json_arr_end(struct json *j)
{
	close_(j, ']');
}

void
json_str(struct json *j, const char *key, const char *s)
{
	prefix(j, key);
	if (s == NULL)
		fputs("null", j->f);
	else
		put_string(j->f, s);
}

void
json_int(struct json *j, const char *key, long long v)
{
	prefix(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_num(struct json *j, const char *key, double v)
{
	if (!isfinite(v)) {
		json_null(j, key);
		return;
	}
	prefix(j, key);
	fprintf(j->f, "%.3f", v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	prefix(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->f);
}

void
json_init_at(struct json *j, FILE *f, int depth)
{
	json_init(j, f);
	j->depth = depth < JSON_MAX_DEPTH ? depth : JSON_MAX_DEPTH - 1;
	j->first[j->depth] = true;
}

void
json_raw_begin(struct json *j)
{
	if (j->depth > 0 && !j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

void
json_finish(struct json *j)
{
	fputc('\n', j->f);
}
