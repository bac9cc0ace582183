/* A small streaming JSON writer for the front end. */
#ifndef TCPTUNE_JSON_H
#define TCPTUNE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16
/* The version of the documents' shape (docs/json.md, docs/schema/): raised
 * when a member changes meaning or type, not when one is added. */
#define JSON_FORMAT_VERSION 1

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool compact; /* one line: no newlines or indentation (JSON lines) */
};

void json_init(struct json *j, FILE *f);
/* json_init(), then the top-level object with "format_version" and
 * "tcptune_version" first, as every command's JSON starts. */
void json_document_begin(struct json *j, FILE *f);
/* key is NULL inside arrays and for the top level value. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s); /* NULL: null */
void json_int(struct json *j, const char *key, long long v);
/* A number with three decimals; null when not finite. */
void json_num(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* json_init() for a value written apart (a namespace's part of a
 * document, kept as text), later put in place at depth. */
void json_init_at(struct json *j, FILE *f, int depth);
/* Makes room for the next value of j, which is at the depth of a json from
 * json_init_at(): the caller then writes the text that json wrote. */
void json_raw_begin(struct json *j);
/* Ends the document with a newline. */
void json_finish(struct json *j);

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 when the
 * byte there starts none: JSON and Prometheus output write U+FFFD for it. */
#include <stddef.h>
size_t utf8_seq_len(const unsigned char *p);

#endif
