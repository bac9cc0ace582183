/*
 * check --netns and --all-namespaces (cmd-check-ns.c).
 */
#ifndef TCPTUNE_CMD_CHECK_NS_H
#define TCPTUNE_CMD_CHECK_NS_H

#include "cmd-check.h"
#include "cmd.h"

/*
 * check --netns / --all-namespaces, after the options: gathers each
 * namespace, runs the rules, and writes the report of them all (into
 * --output when given).  Returns the exit code.
 */
int check_namespaces(struct cmd_env *env, const struct check_opts *o);

#endif
