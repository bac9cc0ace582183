/*
 * Profiles by name and in JSON (cmd-profiles.c).
 */
#ifndef TCPTUNE_CMD_PROFILES_H
#define TCPTUNE_CMD_PROFILES_H

#include <stddef.h>

struct cmd_env;
struct json;
struct tt_profile;

/* Loads a profile given by path or name, printing its diagnostics (one line
 * for a missing one).  0 with *prof set, or an exit code. */
int
cmd_load_profile(struct cmd_env *env, const char *arg, unsigned flags, struct tt_profile **prof);

/*
 * Profiles by name.  The directories looked in, in order, separated by ':':
 * $TCPTUNE_PROFILE_PATH when set, else /etc/tcptune/profiles and the
 * shipped ones.
 */
const char *cmd_profile_dirs(void);
/*
 * What a profile argument names: 1 when arg is to be read as a path (it
 * exists, or has a '/' or a '.'), 0 with buf set to DIR/ARG.ini for a name
 * found in the first directory that has it, -ENOENT for a name not found.
 */
int cmd_profile_resolve(const char *arg, char *buf, size_t len);
/* "profile": {path, name, description, nat}, or null: the same everywhere. */
void cmd_json_profile(struct json *j, const char *key, const struct tt_profile *prof);
/* The same for a profile known only by its path (the journal's): no
 * description (null), no nat. */
void cmd_json_profile_path(struct json *j, const char *key, const char *path);

#endif
