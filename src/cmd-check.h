/*
 * tcptune check's options, shared by the check of one namespace
 * (cmd-check.c) and of several (cmd-check-ns.c, cmd-check-ns.h).
 */
#ifndef TCPTUNE_CMD_CHECK_H
#define TCPTUNE_CMD_CHECK_H

#include <stdbool.h>

#include "cmd.h"

struct check_opts {
	const char *profile;
	unsigned profile_flags;
	enum output_format format;
	bool color;
	bool no_census;
	bool all;            /* --all: the checks that passed and the tables too */
	const char *output;  /* --output FILE, written whole or not at all */
	double interval;     /* --interval SECONDS; 0: one reading */
	const char *netns;   /* --netns NAME|PID|PATH */
	bool all_namespaces; /* --all-namespaces */
	bool no_trace;       /* --no-trace: no tracer during --interval */
};

#endif
