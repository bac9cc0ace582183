/*
 * The journal: what tcptune has changed on this host and what each key was
 * before, so that any apply can be undone, even after a crash.  The format
 * is documented in docs/journal.md.  Formatting and parsing are pure (no
 * I/O), so the parser can be tested and fuzzed on its own; loading and
 * storing go through the state directory, which must be safe to trust.
 */
#ifndef TCPTUNE_JOURNAL_H
#define TCPTUNE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "ctx.h"
#include "guard.h"
#include "value.h"

#define TT_JOURNAL_VERSION 1
#define TT_JOURNAL_NAME    "journal"

enum tt_journal_state {
	TT_J_APPLYING = 0, /* an apply started; it may not have finished */
	TT_J_APPLIED,      /* the last apply finished */
	TT_J_ROLLING_BACK, /* a rollback started; it may not have finished */
};

const char *tt_journal_state_name(enum tt_journal_state v);
int tt_journal_state_from_name(const char *s);

struct tt_journal_key {
	enum tt_key_id id;
	struct tt_val original; /* before tcptune first changed it */
	struct tt_val target;   /* what tcptune last wrote (or means to) */
	/* The value before the latest apply, for the keys the latest apply
	 * writes; prev.n == 0 for the others.  It lets a failed or
	 * unconfirmed apply go back exactly one step. */
	struct tt_val prev;
};

/*
 * Which kernel a journal describes: its originals are true of that one
 * only.  Empty root, zero namespace or empty boot: not recorded (a
 * fixture tree without self/ns/net or boot_id).
 *
 * A network namespace is known for sure by its cookie (tt_netns_cookie()),
 * never given to another namespace in the same boot.  Its nsfs device and
 * inode only tell it from the namespaces alive at the same time: the
 * kernel gives a freed inode number to the next namespace made.
 */
struct tt_origin {
	char root[1024];                   /* the proc root, absolute */
	unsigned long long ns_dev, ns_ino; /* of ROOT/self/ns/net */
	unsigned long long ns_cookie;      /* its cookie; 0: not known */
	char boot[40];                     /* ROOT/sys/kernel/random/boot_id */
	long long btime;                   /* ROOT/stat's btime; 0: unknown */
};

enum tt_origin_match {
	TT_ORIGIN_SAME = 0,
	TT_ORIGIN_OTHER_ROOT,
	TT_ORIGIN_OTHER_NETNS,
	TT_ORIGIN_OTHER_BOOT,
	/* The same inode but another cookie: the journal's namespace is
	 * gone, and this one got its inode number. */
	TT_ORIGIN_NETNS_GONE,
	/* The same inode of a namespace other than the initial one, and no
	 * cookie to tell whether it is the same namespace or a later one. */
	TT_ORIGIN_NETNS_UNPROVEN,
};

/* The origin tcptune works on now (ctx's proc root).  0 or an errno. */
int tt_origin_here(const struct tt_ctx *ctx, struct tt_origin *o);
/* Whether a journal from j describes the kernel here. */
enum tt_origin_match tt_origin_compare(const struct tt_origin *j, const struct tt_origin *here);
/* "here", "another-proc-root", "another-netns", "earlier-boot",
 * "netns-gone", "netns-unproven" */
const char *tt_origin_match_name(enum tt_origin_match v);
int tt_origin_match_from_name(const char *s);

struct tt_journal {
	enum tt_journal_state state;
	long long time; /* of the latest apply, seconds since the epoch */
	char profile[1024];
	long long confirm_deadline; /* 0: no confirmation pending */
	unsigned long long confirm_token;
	struct tt_origin origin;
	/* What the apply's guard decided (outcome none: no guard, or no
	 * verdict yet); kept in the journal it was undone from too. */
	struct tt_guard_verdict guard;
	int nkeys;
	struct tt_journal_key keys[TT_K__COUNT]; /* each key at most once */
};

/* The entry for a key, or NULL. */
struct tt_journal_key *tt_journal_find(struct tt_journal *j, enum tt_key_id id);
/* Appends an entry for id (which must not be there yet). */
struct tt_journal_key *tt_journal_add(struct tt_journal *j, enum tt_key_id id);
void tt_journal_del(struct tt_journal *j, enum tt_key_id id);

/*
 * Writes the journal's text into buf.  Returns the length, or -ENOSPC when
 * it does not fit, or -EINVAL when a field cannot be represented (a profile
 * path with a newline or tab).  8192 bytes always suffice.
 */
#define TT_JOURNAL_MAX 8192
int tt_journal_format(const struct tt_journal *j, char *buf, size_t len);

/*
 * Parses len bytes of journal text (no NUL needed).  Strict: an unknown
 * version, line, key or value, a key named twice, or a missing "end" line
 * fails with -EBADMSG and the line number and reason in why.  Returns 0.
 */
int tt_journal_parse(const char *buf, size_t len, struct tt_journal *j, char *why, size_t whylen);

/*
 * The state directory.  tt_state_open() creates it (one level, mode 0700)
 * when missing, and refuses it unless it is a real directory (not a
 * symlink) owned by root and writable by nobody else: -EPERM, logged.
 * Then it locks the directory itself (flock(2) on its descriptor, so no
 * lock file can be swapped), waiting up to wait_ms for another tcptune to
 * finish: -EBUSY when it does not, -EACCES when this user may not write
 * there.  Returns a handle (>= 0, the directory's descriptor) to pass to
 * the functions below; the lock goes with tt_state_close() or the
 * process.
 */
int tt_state_open(const struct tt_ctx *ctx, int wait_ms);
void tt_state_close(int state);
/* Whether another process holds the lock now (for status); 0/1 or errno. */
int tt_state_busy(const struct tt_ctx *ctx);

/*
 * Loads the journal: 1 with *j filled, 0 when there is none, or a negative
 * errno (-EBADMSG for a damaged one, -ELOOP when it is a symlink, -EPERM
 * when it is not a private regular file).
 */
int tt_journal_load(const struct tt_ctx *ctx, int state, struct tt_journal *j);
/* The same without the lock, read-only, for status: the state directory
 * is still checked. */
int tt_journal_peek(const struct tt_ctx *ctx, struct tt_journal *j);

/*
 * Replaces the journal atomically: a temporary file (mode 0600) is
 * written, fsync'd and renamed over the journal, and the directory is
 * fsync'd, so a crash leaves the old or the new journal, never a mix.
 */
int tt_journal_store(const struct tt_ctx *ctx, int state, const struct tt_journal *j);
/*
 * The room the journal's stores need, reserved before an apply's first
 * write: a file of TT_JOURNAL_RESERVE bytes that tt_journal_store()
 * gives up when the file system is full, so no store of a transaction
 * fails for space.  0, or -ENOSPC, -EROFS, ... (logged).
 */
#define TT_JOURNAL_RESERVE_NAME TT_JOURNAL_NAME ".reserve"
#define TT_JOURNAL_RESERVE      (2L * TT_JOURNAL_MAX)
int tt_journal_reserve(const struct tt_ctx *ctx, int state);

/*
 * The journal of the last apply undone because it was not confirmed (by
 * the timer at its deadline, or at once when the timer could not start),
 * as it was before the undo: the keys it had written (those with a
 * previous value) went back from target to previous.  Stored in
 * TT_JOURNAL_UNDONE_NAME, replacing the one before; peeked as
 * tt_journal_peek() does, with the time of the undo (the file's mtime)
 * in *when.
 */
#define TT_JOURNAL_UNDONE_NAME TT_JOURNAL_NAME ".undone"
int tt_journal_store_undone(const struct tt_ctx *ctx, int state, const struct tt_journal *j);
int tt_journal_peek_undone(const struct tt_ctx *ctx, struct tt_journal *j, long long *when);
/* Removes that record (the next apply does: status shows an undo only
 * until then). */
void tt_journal_forget_undone(int state);

/* Renames the journal to name (replacing one there), keeping it aside. */
int tt_journal_set_aside(const struct tt_ctx *ctx, int state, const char *name);
/* Removes the journal (and syncs the directory); no journal is fine. */
int tt_journal_remove(const struct tt_ctx *ctx, int state);

#endif
