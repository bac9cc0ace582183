/*
 * An apply's guard as text and JSON: what it watches (apply's report) and
 * what it decided (status).
 */
#ifndef TCPTUNE_OUT_GUARD_H
#define TCPTUNE_OUT_GUARD_H

#include <stdio.h>

#include "json.h"
#include "lib/guard.h"

/* The counters watched, each with its baseline and threshold. */
void out_guard_text(FILE *f, const struct tt_guard *g, double window);
/* "guard": the object of what is watched, or null. */
void out_guard_json(struct json *j, const struct tt_guard *g, double window);
/* One line (with a newline) on the verdict, after indent spaces:
 * "undone 3.1 s after the apply: TcpExt.ListenDrops rose ..." */
void out_guard_verdict_text(FILE *f, const struct tt_guard_verdict *v, int indent);
/* key: the verdict object, or null when there is none. */
void out_guard_verdict_json(struct json *j, const char *key, const struct tt_guard_verdict *v);

#endif
