/*
 * --netns for plan, apply, rollback, status and confirm: entering the
 * namespace for the rest of the process, with the journal of its own.
 */
#ifndef TCPTUNE_CMD_NETNS_H
#define TCPTUNE_CMD_NETNS_H

#include <stdbool.h>

#include "cmd.h"
#include "lib/netns.h"

/* What a command does with the namespace's state directory. */
enum netns_state {
	NETNS_STATE_NONE,   /* nothing (plan) */
	NETNS_STATE_USE,    /* reads or changes its journal: checked first */
	NETNS_STATE_RECORD, /* apply: made if missing, the name recorded */
};

/*
 * Enters the network namespace arg names (an `ip netns` name, a pid, a
 * path) for the rest of the process, and moves the state directory to
 * STATE_DIR/netns/KEY (tt_state_key(): its namespace cookie), so each
 * namespace has its own journal and lock; the namespace tcptune already
 * runs in keeps the state directory.  A name whose journal was kept for
 * another namespace (one whose pid or name was taken since) is refused
 * unless state is NETNS_STATE_RECORD; a journal kept by inode only for
 * this namespace's inode is refused as unproven.  Every run names the
 * namespace it acts on.
 * The way to that directory is checked before the namespace is entered
 * (unless state is NETNS_STATE_NONE), and an unsafe one refused as a plain
 * apply refuses it; with NETNS_STATE_RECORD the name given is written
 * there, so that a later rollback of a namespace gone can say where its
 * journal is.
 * 0, or an exit code after saying what is wrong.
 */
int cmd_enter_netns(struct cmd_env *env, const char *arg, enum netns_state state);
/* The same for a namespace opened by arg and known as name; when expect
 * is not NULL, one whose identity is another is taken as gone. */
int cmd_enter_netns_as(struct cmd_env *env, const char *arg, const char *name,
    enum netns_state state, const struct tt_netns *expect);

/* The state directory of the open namespace ns (its cookie taken by
 * entering it for a moment): 0 or a negative errno. */
int cmd_netns_state_dir(struct cmd_env *env, const struct tt_netns *ns, char *dir, size_t len);
/* Whether a namespace's state directory holds a journal. */
bool cmd_netns_has_journal(const char *dir);
struct json;
/* "netns_entered": {name, cookie, inode} of the namespace --netns entered
 * for this run, or null: plan, apply, rollback, status, confirm. */
void cmd_json_netns_entered(struct json *j);

struct tt_netns_entry;
/*
 * One namespace of an --all-namespaces command: a heading, then fn(env,
 * arg) in a child process that enters the listed namespace e for good
 * (state as for cmd_enter_netns()).  Returns the child's exit code,
 * EXIT_NOINPUT when the namespace went away.
 */
int cmd_in_netns(struct cmd_env *env, const struct tt_netns_entry *e, enum netns_state state,
    int (*fn)(struct cmd_env *env, const void *arg), const void *arg);

/* Enters the namespace --netns named (env->netns), when one was: the
 * command calls it when its options end.  state as for cmd_enter_netns(). */
int cmd_netns_enter_option(struct cmd_env *env, enum netns_state state);

#endif
