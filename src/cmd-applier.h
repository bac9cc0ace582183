/*
 * What the applier's commands (plan, apply, confirm, rollback, status)
 * share: loading a profile into a plan, printing plans and key results,
 * and holding off signals while keys change.
 */
#ifndef TCPTUNE_CMD_APPLIER_H
#define TCPTUNE_CMD_APPLIER_H

#include <signal.h>

#include "cmd.h"
#include "json.h"
#include "lib/apply.h"
#include "lib/plan.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

/* How long apply, rollback and confirm wait for another one to finish. */
#define APPLIER_LOCK_WAIT_MS 5000

/* Loads a profile, printing its diagnostics.  0, or an exit code. */
int applier_load_profile(
    struct cmd_env *env, const char *path, unsigned flags, struct tt_profile **prof);

/*
 * Reads the snapshot a plan is made from, with the NAT evidence of the
 * network namespace tcptune runs in, and what `what` adds
 * (TT_GATHER_SYSCTLD: the sysctl.d files, printing their warnings;
 * TT_GATHER_CENSUS: the sockets, for the notes below).  0, or an exit
 * code.  Free with applier_snapshot_free().
 */
int applier_snapshot(struct cmd_env *env, unsigned what, struct tt_snapshot *snap);
void applier_snapshot_free(struct tt_snapshot *snap);

/* "warning: ..." under a plan item with a caution; nothing without. */
void applier_print_caution(FILE *f, const struct tt_plan_item *it);
void applier_print_plan(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_plan *plan);
/* The plan's members of a JSON object that is already open. */
void applier_json_plan(struct json *j, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_plan *plan);

/* What applying the profile does to services running now (the rules
 * about_change), when the snapshot has a census: a section of text, and
 * the JSON array "notes". */
void applier_print_notes(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof);
void
applier_json_notes(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);

/* Key results, one line each / as the JSON array "keys". */
void applier_print_keys(FILE *f, const struct tt_result *res);
void applier_json_keys(struct json *j, const struct tt_result *res);
/* The loud message when keys could not be put back. */
void
applier_print_unrestored(struct cmd_env *env, const struct tt_result *res, const char *proc_root);

void applier_json_val(struct json *j, const char *key, const struct tt_val *v);

/*
 * Holds off every signal that can be held (all but SIGKILL, SIGSTOP and
 * those a fault raises) while keys are being changed, so an interrupt, a
 * dropped SSH session or a stray kill lets the apply or rollback finish
 * (or put everything back) before it takes effect.  SIGPIPE is ignored
 * from the start (main).  SIGKILL cannot be held off; the journal covers
 * that.
 */
void applier_hold_signals(sigset_t *saved);
void applier_release_signals(const sigset_t *saved);

#endif
