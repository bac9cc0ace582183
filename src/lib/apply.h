/*
 * The applier: executes a plan under the state directory's lock, journal
 * first, one verified write per key, and undoes everything it wrote on the
 * first failure.  Rollback, the undo of an unconfirmed apply, and confirm
 * live here too: everything that changes the journal or the kernel keys.
 *
 * The caller takes the lock (tt_state_open()) before it reads the snapshot
 * the plan is made from, so the plan's "current" values are the ones the
 * journal records.
 */
#ifndef TCPTUNE_APPLY_H
#define TCPTUNE_APPLY_H

#include <stdbool.h>

#include "catalog.h"
#include "ctx.h"
#include "journal.h"
#include "plan.h"

/*
 * Test-only: milliseconds to sleep before each key an apply writes or a
 * rollback restores, so a test can kill one between two writes or run two
 * at once.  Documented in
 * docs/journal.md; the product never sets it.
 */
#define TT_ENV_TEST_WRITE_DELAY "TCPTUNE_TEST_WRITE_DELAY_MS"

enum tt_outcome {
	TT_OUT_PENDING = 0,    /* not reached (an earlier key failed) */
	TT_OUT_WRITTEN,        /* written and read back equal */
	TT_OUT_FAILED,         /* the write or its read-back failed */
	TT_OUT_RESTORED,       /* put back and read back equal */
	TT_OUT_RESTORE_FAILED, /* could not be put back: the host is not as it was */
	TT_OUT_ALREADY,        /* already at the value it would be put back to */
	TT_OUT_LEFT_ALONE,     /* changed by someone else since tcptune wrote it */
};

const char *tt_outcome_name(enum tt_outcome v);
int tt_outcome_from_name(const char *s);

struct tt_key_result {
	enum tt_key_id id;
	struct tt_val from; /* the value before this operation (n == 0: unknown) */
	struct tt_val to;   /* what this operation writes (or would) */
	struct tt_val now;  /* read back at the end (n == 0: unreadable) */
	struct tt_val want; /* what a restore puts back (n == 0: none tried) */
	enum tt_outcome outcome;
	int err; /* errno of a failure */
};

struct tt_result {
	bool changed; /* some key's value changed and stayed changed */
	int n;
	struct tt_key_result keys[TT_K__COUNT];
};

/* What tt_apply() is asked to do. */
struct tt_apply_params {
	int state;                  /* the locked state directory: tt_state_open() */
	const struct tt_plan *plan; /* its writes are made */
	const char *profile;        /* recorded in the journal */
	/* != 0: the journal marks the apply as waiting for confirmation
	 * until then, under confirm_token. */
	long long confirm_deadline;
	unsigned long long confirm_token;
};

/*
 * Applies the plan's writes, as p says.  *old receives the journal as it
 * was before (*had_old tells whether there was one), which an unconfirmed
 * apply needs to go back to.
 *
 * Returns 0 (res->changed false when nothing needed writing), or:
 * -EINPROGRESS  an earlier apply or rollback was interrupted: roll back first
 * -EALREADY     an earlier apply waits for confirmation
 * -ENOSPC, -EDQUOT, -EROFS  no room for the journal: nothing was written
 * -EIO          a write failed and every key written was put back
 * -EAGAIN       a key changed between the plan and its write (someone else
 *               wrote it): stopped there, every key written was put back
 *               and the journal is as before
 * -ENOTRECOVERABLE  a write failed and some key could not be put back;
 *               the journal stays, so `tcptune rollback` can finish
 * or the journal's errors (-ELOOP, -EPERM, -EBADMSG, ...).
 */
int tt_apply(struct tt_ctx *ctx, const struct tt_apply_params *p, struct tt_journal *old,
    bool *had_old, struct tt_result *res);

/*
 * Restores every journalled key to its original, last written first.  A
 * key whose live value is neither what tcptune wrote nor the original was
 * changed by someone else: left alone (and kept in the journal) unless
 * force.  The journal is removed when no key remains.  No journal: 0 with
 * res->n == 0.  Returns 0, 1 when some keys were left alone,
 * -ENOTRECOVERABLE when some key could not be restored, or -ESTALE when
 * the keys are restored (or left alone) as res says but the journal could
 * not be updated (a full or read-only state directory).
 */
int tt_rollback(struct tt_ctx *ctx, int state, bool force, struct tt_result *res);

/*
 * The end of a confirmation window, or a guard's verdict that the host got
 * worse (why, NULL: not confirmed in time): when the journal still waits
 * for confirmation under token, puts the keys of the latest apply back to
 * their values before it, and the journal back to *old (NULL: there was
 * none); the undo record (journal.undone) keeps why.  Returns 0 when it
 * undid the apply, -ESRCH when the apply was confirmed or rolled back
 * meanwhile, or as tt_rollback().
 */
int tt_undo_unconfirmed(struct tt_ctx *ctx, int state, unsigned long long token,
    const struct tt_journal *old, const struct tt_guard_verdict *why, struct tt_result *res);

/*
 * A guard's window passed healthy: records the verdict in the journal
 * still waiting under token and, with confirm, confirms the apply.
 * 0, -ESRCH when the apply was confirmed or rolled back meanwhile.
 */
int tt_guard_settle(struct tt_ctx *ctx, int state, unsigned long long token,
    const struct tt_guard_verdict *v, bool confirm);

/*
 * Confirms a pending apply.  Returns 0, -ESRCH when nothing waits for
 * confirmation, -ETIME when the deadline has passed (the apply is being
 * or will be undone).
 */
int tt_confirm(struct tt_ctx *ctx, int state, long long now);

#endif
