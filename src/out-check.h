/*
 * Check's findings and reports, as text, JSON and Prometheus metrics: the
 * report of one namespace (check), of several (check --netns,
 * --all-namespaces) and the notes the applier's commands print.  One
 * writer for a finding in each format.
 */
#ifndef TCPTUNE_OUT_CHECK_H
#define TCPTUNE_OUT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "lib/netns.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"

/* One finding as text: "[WARN]  id: message", then evidence, advice and
 * the explain hint, wrapped. */
void out_check_text_finding(FILE *f, const struct tt_finding *fd, bool color);

/* What a finding's JSON object holds beside id, severity, message,
 * evidence and advice. */
enum {
	OUT_FINDING_KEYS = 1 << 0,    /* "keys": the keys it is about */
	OUT_FINDING_EXPLAIN = 1 << 1, /* "explain": the key to explain */
	OUT_FINDING_CHECK = OUT_FINDING_KEYS | OUT_FINDING_EXPLAIN,
};
/* One finding as a JSON object (the next value of j). */
void out_check_json_finding(struct json *j, const struct tt_finding *fd, unsigned what);
/* "findings" (every member) and "summary". */
void out_check_json_findings(struct json *j, const struct tt_findings *fs);
/* "sysctl": each key's value, default, state and the profile's target. */
void
out_check_json_keys(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);

/* The applier's notes on the services running now: a titled list, or the
 * JSON array "notes" (id, severity, message, evidence, advice). */
void out_check_text_notes(FILE *f, const struct tt_findings *fs);
void out_check_json_notes(struct json *j, const struct tt_findings *fs);

/* How a text report looks (out_check_report()'s flags). */
enum {
	OUT_CHECK_COLOR = 1 << 0, /* severities in colour */
	OUT_CHECK_ALL = 1 << 1,   /* --all: the checks that passed and the tables */
};
/* The report of one namespace in format fmt. */
void out_check_report(FILE *f, enum output_format fmt, const struct tt_ctx *ctx,
    const struct tt_snapshot *snap, const struct tt_profile *prof, const struct tt_findings *fs,
    unsigned flags);

/* A check that failed before its report: into --output only a Prometheus
 * file says so (tcptune_last_run_success 0).  Returns rc. */
int out_check_failed(struct cmd_env *env, const char *output, enum output_format fmt, int rc);

/* --- several namespaces ---------------------------------------------------- */

/* What the table of several namespaces needs of one once its part is written:
 * its keys. */
struct check_ns_keys {
	unsigned kv; /* the kernel's release, as in the snapshot */
	struct tt_reading sysctl[TT_K__COUNT];
};

/* One namespace of the report; its part is written as soon as it is weighed,
 * into the run's spool, and its snapshot freed but for its keys. */
struct check_ns_item {
	const struct tt_netns_entry *e; /* in the run's list */
	char *label;                    /* its Prometheus netns label, never a pid */
	int err;                        /* 0, or why it was not read (negative errno) */
	bool read;
	unsigned long long cookie;  /* its namespace cookie, 0: none known */
	bool pending;               /* waits for the owner walk */
	struct tt_snapshot *snap;   /* from its gathering until its part is written */
	struct check_ns_keys *keys; /* once its part is written */
	unsigned counts[4];
	enum tt_severity worst;
	/* Its worst finding, for the overall verdict: id and message. */
	const char *top_id;
	char top_message[sizeof(((struct tt_finding *)0)->message)];
	size_t part_off, part_len; /* its part in the spool (part_len 0: none) */
};

/* Parts written as they are finished, read back in the report's order:
 * a temporary file, so that memory does not grow with the namespaces. */
struct out_spool {
	FILE *f;
	char *mem; /* where no temporary file can be made: in memory */
	size_t memlen;
};

struct check_ns_run {
	struct tt_netns_list list; /* the namespaces, in listing order */
	struct check_ns_item *v;   /* one for each of the list's */
	size_t n;
	bool no_admin; /* entering a namespace was refused */
	const struct check_ns_item *host;
	struct tt_profile *prof;
	struct tt_thresholds thr;
	unsigned long unreadable; /* processes whose namespace was not seen */
	enum output_format format;
	bool color;
	bool all; /* --all: each namespace's checks that passed too */
	struct out_spool spool;
};

/* 0, or a negative errno. */
int out_spool_open(struct out_spool *s);
void out_spool_close(struct out_spool *s);
/* Weighs it->counts from fs and writes its part (from it->snap) in run's
 * format into run's spool.  0, or a negative errno. */
int
out_check_ns_part(struct check_ns_run *run, struct check_ns_item *it, const struct tt_findings *fs);
/* The report of every namespace of run: the overall verdict, each
 * namespace's part, worst first, then the table namespace by key.  0, or
 * a negative errno when part of it could not be written (-EIO: no room
 * for the temporary files the metrics are merged through). */
int out_check_ns_report(FILE *f, const struct tt_ctx *ctx, struct check_ns_run *run);

#endif
