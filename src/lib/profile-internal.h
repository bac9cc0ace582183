/*
 * Inside the profile reader: the tuned path (profile-tuned.c), called by
 * the loader (profile.c).
 */
#ifndef TCPTUNE_PROFILE_INTERNAL_H
#define TCPTUNE_PROFILE_INTERNAL_H

#include "profile.h"

/*
 * Fills p from the tuned profile path (buf, len: its contents): the
 * values tuned's sysctl plugin would leave in the keys tcptune manages.
 * Problems go into diags; 0 or -ENOMEM.
 */
int tt_profile_tuned(struct tt_ctx *ctx, const char *path, const char *buf, size_t len,
    unsigned flags, struct tt_profile *p, struct tt_diags *diags);

#endif
