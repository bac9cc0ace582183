/*
 * tcptune check inside the front end: its options, and the parts of the
 * report that the check of several network namespaces shares.
 */
#ifndef TCPTUNE_CMD_CHECK_H
#define TCPTUNE_CMD_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "lib/profile.h"
#include "lib/rules.h"
#include "lib/snapshot.h"

struct check_ns_run; /* the namespaces checked (cmd-check-ns.c) */

struct check_opts {
	const char *profile;
	unsigned profile_flags;
	enum output_format format;
	bool prometheus;
	bool color;
	bool no_census;
	const char *output;  /* --output FILE, written whole or not at all */
	double interval;     /* --interval SECONDS; 0: one reading */
	const char *netns;   /* --netns NAME|PID|PATH */
	bool all_namespaces; /* --all-namespaces */
	bool no_trace;       /* --no-trace: no tracer during --interval */
	struct check_ns_run *ns_run;
};

void check_text_finding(FILE *f, const struct tt_finding *fd, bool color);
void check_json_keys(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* "findings" and "summary" */
void check_json_findings(struct json *j, const struct tt_findings *fs);
/* The exit code of the worst finding. */
int check_exit_for_findings(const struct tt_findings *fs);

/*
 * check --netns / --all-namespaces, after the options: gathers each
 * namespace, runs the rules, and prints through check_report().
 */
int check_namespaces(struct cmd_env *env, struct check_opts *o);
/* Prints the report of the namespaces checked (o->ns_run) to f. */
void check_ns_print(FILE *f, struct cmd_env *env, const struct check_opts *o);
/* Prints the report (or a failure's) as check_print() does, into --output
 * when given; returns rc or the exit code of a failed write. */
int check_report(struct cmd_env *env, const struct check_opts *o, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs, int rc);

#endif
