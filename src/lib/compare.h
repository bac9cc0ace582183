/*
 * A namespace's keys weighed against the kernel's defaults, the host's
 * values and a profile: what the report of several namespaces shows.
 * Pure functions over snapshots already read.
 */
#ifndef TCPTUNE_COMPARE_H
#define TCPTUNE_COMPARE_H

#include <stdbool.h>

#include "catalog.h"
#include "profile.h"
#include "snapshot.h"

/* Is the key's value the kernel's default (false when not read or the
 * default is boot-sized)? */
bool tt_key_at_default(const struct tt_snapshot *s, enum tt_key_id k);
/* Is the key one to compare between namespaces: per namespace, not the
 * host's alone, with a fixed default and a value read? */
bool tt_key_compared(const struct tt_snapshot *s, enum tt_key_id k);
/* Every key compared between namespaces is at the kernel's default. */
bool tt_snapshot_on_defaults(const struct tt_snapshot *s);
/* The key is compared and s has it off the kernel's default or off the
 * host's value (host NULL: not read). */
bool tt_key_differs(const struct tt_snapshot *s, const struct tt_snapshot *host, enum tt_key_id k);
/* The profile's keys that s has another value for, among those of
 * Kubernetes class k8s (what a pod spec can set about them): a mask of
 * 1 << key id; 0 without a profile. */
unsigned tt_profile_differs(
    const struct tt_snapshot *s, const struct tt_profile *prof, enum tt_k8s_class k8s);

#endif
