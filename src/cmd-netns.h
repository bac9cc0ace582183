/*
 * --netns for plan, apply, rollback, status and confirm: entering the
 * namespace for the rest of the process, with the journal of its own.
 */
#ifndef TCPTUNE_CMD_NETNS_H
#define TCPTUNE_CMD_NETNS_H

#include <stdbool.h>

#include "cmd.h"
#include "lib/netns.h"

/*
 * Enters the network namespace arg names (an `ip netns` name, a pid, a
 * path) for the rest of the process, and moves the state directory to
 * STATE_DIR/netns/DEV-INO, so each namespace has its own journal and
 * lock; the namespace tcptune already runs in keeps the state directory.
 * record: write the name given into that directory (apply), so that a
 * later rollback of a namespace gone can say where its journal is.
 * 0, or an exit code after saying what is wrong.
 */
int cmd_enter_netns(struct cmd_env *env, const char *arg, bool record);
/* The same for a namespace opened by arg and known as name; when expect
 * is not NULL, one whose identity is another is taken as gone. */
int cmd_enter_netns_as(struct cmd_env *env, const char *arg, const char *name, bool record,
    const struct tt_netns *expect);

/* Enters the namespace --netns named (env->netns), when one was: the
 * command calls it when its options end.  record as for cmd_enter_netns(). */
int cmd_netns_enter_option(struct cmd_env *env, bool record);

#endif
