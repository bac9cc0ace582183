/*
 * The sysctl.d conflicts of a profile, for plan and apply: the findings of
 * the sysctld_conflict rule, as text, JSON or journal lines.
 */
#ifndef TCPTUNE_OUT_SYSCTLD_H
#define TCPTUNE_OUT_SYSCTLD_H

#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

/* Text: a titled list, nothing at all when there is no conflict. */
void
sysctld_print_conflicts(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* The array "sysctld_conflicts" in a JSON object that is already open. */
void sysctld_json_conflicts(
    struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* One report line per conflict, prefixed for the journal, as a warning. */
void sysctld_log_conflicts(
    struct cmd_env *env, const struct tt_snapshot *snap, const struct tt_profile *prof);
/* check: the keys the boot configuration sets (the winner of each in the
 * sysctl.d directories), as a text section (none when nothing is set) or
 * as the JSON object "boot_config" (null when the files were not read). */
void sysctld_print_boot(FILE *f, const struct tt_snapshot *snap);
void sysctld_json_boot(struct json *j, const struct tt_snapshot *snap);

#endif
