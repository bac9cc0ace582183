/*
 * The state directory: its layout, and the one way into it.
 *
 *   STATE/journal            the last apply's journal (journal.c)
 *   STATE/journal.reserve    room kept for the journal
 *   STATE/journal.undone     the journal of an apply undone
 *   STATE/journal.boot-ID    a journal kept from an earlier boot
 *   STATE/counters-KEY       the counters the previous check saw
 *                            (rates-state.c), KEY its namespace's
 *   STATE/netns/KEY/         a namespace's own state directory
 *                            (--netns), with the same files
 *   STATE/netns/KEY/name     the name it was given when applied to
 *
 * KEY names a network namespace; tt_state_key() is the one place that
 * makes it.  Every directory on the way is opened with O_NOFOLLOW and
 * refused unless it is a real directory owned by root (or, where the
 * caller allows, by the caller) that nobody else can write to, in a parent
 * that nobody else could rename it out of (owned so, and writable by
 * others only when sticky and root's, as /tmp); every file
 * in it is opened at its directory's descriptor with O_NOFOLLOW.  Nothing
 * is written below a directory before the whole way to it was checked.
 */
#ifndef TCPTUNE_STATE_H
#define TCPTUNE_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

#define TT_STATE_NETNS_DIR "netns"
#define TT_STATE_NAME_FILE "name"

enum {
	TT_STATE_CREATE = 1 << 0,    /* make it (mode 0700) when missing */
	TT_STATE_QUIET = 1 << 1,     /* say nothing, only return the errno */
	TT_STATE_CALLER_OK = 1 << 2, /* owned by the caller will do, not only root */
};

/*
 * Opens the state directory dir (the context's when NULL): a directory
 * descriptor, or a negative errno: -EPERM for one that is a symlink, not
 * a directory, owned by another user or writable by others (said through
 * the context's log unless quiet), -ENOENT when missing and not created.
 */
int tt_state_dir_open(const struct tt_ctx *ctx, const char *dir, unsigned flags);

/*
 * The key of a namespace's state, from its identity: "cookie-COOKIE", its
 * namespace cookie (tt_netns_cookie()), which the kernel never gives
 * another namespace during a boot; "DEV-INO", the nsfs device and inode,
 * only where the kernel has no cookie (cookie 0), since an inode number is
 * given again to the next namespace made after one is freed.  The length
 * written, as snprintf().
 */
int tt_state_key(char *buf, size_t len, unsigned long long cookie, unsigned long long dev,
    unsigned long long ino);

/*
 * The state directory of a namespace, STATE/netns/KEY, into path: with
 * TT_STATE_CREATE the directories are made and, when name is not NULL,
 * the name is recorded; without it only what exists is checked (a
 * missing directory is no error: nothing was applied there).  0, or a
 * negative errno (-EPERM for anything unsafe on the way, logged) with
 * nothing written.
 */
int tt_state_netns_dir(const struct tt_ctx *ctx, unsigned long long cookie, unsigned long long dev,
    unsigned long long ino, const char *name, unsigned flags, char *path, size_t len);

/*
 * The state directories of the namespaces recorded under name (a name may
 * have named several, one after the other): fn is called with each one's
 * path.  Returns how many, or a negative errno.
 */
int tt_state_netns_named(const struct tt_ctx *ctx, const char *name,
    void (*fn)(const char *path, void *data), void *data);

#endif
