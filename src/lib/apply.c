#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "strtab.h"
#include "sysctl.h"

TT_STRTAB(tt_outcome, enum tt_outcome, "unknown", [TT_OUT_PENDING] = "not-reached",
    [TT_OUT_WRITTEN] = "written", [TT_OUT_FAILED] = "failed", [TT_OUT_RESTORED] = "restored",
    [TT_OUT_RESTORE_FAILED] = "restore-failed", [TT_OUT_ALREADY] = "already",
    [TT_OUT_LEFT_ALONE] = "left-alone")

static void
test_delay(void)
{
	const char *s = getenv(TT_ENV_TEST_WRITE_DELAY);
	struct tt_val v;

	if (s == NULL || tt_val_parse(s, 1, &v, NULL) < 0 || v.v[0] <= 0 || v.v[0] > 600000)
		return;
	usleep((useconds_t)v.v[0] * 1000);
}

/*
 * Writes v and reads it back.  Returns 0 when the key now holds v, else a
 * negative errno; kr->now gets what the key holds afterwards.
 */
static int
write_verify(const struct tt_ctx *ctx, struct tt_key_result *kr, const struct tt_val *v)
{
	const struct tt_key *k = tt_key_get(kr->id);
	struct tt_reading rd;
	char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];
	int r, rr;

	r = tt_sysctl_write(ctx, k, v);
	rr = tt_sysctl_read(ctx, k, &rd);
	kr->now = rd.state == TT_ST_OK ? rd.val : (struct tt_val){ 0 };
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "%s: writing %s failed: %s", k->name,
		    tt_val_format(v, a, sizeof(a)), strerror(-r));
		return r;
	}
	if (rr < 0) {
		tt_log(ctx, TT_LOG_ERR, "%s: reading back failed: %s", k->name, strerror(-rr));
		return rr;
	}
	if (!tt_val_eq(&rd.val, v)) {
		tt_log(ctx, TT_LOG_ERR, "%s: wrote %s but the kernel reads back %s", k->name,
		    tt_val_format(v, a, sizeof(a)), tt_val_format(&rd.val, b, sizeof(b)));
		return -EIO;
	}
	return 0;
}

static int
read_live(const struct tt_ctx *ctx, enum tt_key_id id, struct tt_val *out)
{
	struct tt_reading rd;
	int r = tt_sysctl_read(ctx, tt_key_get(id), &rd);

	*out = rd.state == TT_ST_OK ? rd.val : (struct tt_val){ 0 };
	return r;
}

/*
 * Whether the journal j describes the kernel tcptune works on now.  0, or
 * -EXDEV (logged) when it is from another proc root or network namespace,
 * or (unless boot_ok) another boot or a namespace that is gone: its
 * originals are not this kernel's.  Returns 1 for another boot, 2 for a
 * namespace gone, when boot_ok (an apply, which sets the journal aside).
 */
static int
check_origin(struct tt_ctx *ctx, const struct tt_journal *j, bool boot_ok)
{
	struct tt_origin here;
	int r = tt_origin_here(ctx, &here);

	if (r < 0)
		return r;
	switch (tt_origin_compare(&j->origin, &here)) {
	case TT_ORIGIN_SAME:
		return 0;
	case TT_ORIGIN_OTHER_ROOT:
		tt_log(ctx, TT_LOG_ERR,
		    "the journal was written for the proc root %s, not %s: its originals "
		    "are not this kernel's (use --proc-root %s or another --state-dir)",
		    j->origin.root, here.root, j->origin.root);
		return -EXDEV;
	case TT_ORIGIN_OTHER_NETNS:
		tt_log(ctx, TT_LOG_ERR,
		    "the journal was written in another network namespace "
		    "(nsfs inode %llu, this one is %llu): run tcptune in that one, "
		    "or use another --state-dir",
		    j->origin.ns_ino, here.ns_ino);
		return -EXDEV;
	case TT_ORIGIN_NETNS_GONE:
		if (boot_ok)
			return 2;
		tt_log(ctx, TT_LOG_ERR,
		    "the journal is of a network namespace that is gone (cookie %llu): this "
		    "namespace (cookie %llu) only got its inode number, and its keys are not "
		    "the ones the journal describes; nothing to roll back here (a new apply "
		    "sets the journal aside)",
		    j->origin.ns_cookie, here.ns_cookie);
		return -EXDEV;
	case TT_ORIGIN_NETNS_UNPROVEN:
		tt_log(ctx, TT_LOG_ERR,
		    "the journal names this network namespace by its inode (%llu) only, "
		    "which the kernel gives again to a namespace made after one is freed: "
		    "it cannot be proven to be this namespace's. If it is, roll back by "
		    "hand from its originals (`tcptune status`); then move %s/%s away",
		    j->origin.ns_ino, tt_ctx_state_dir(ctx), TT_JOURNAL_NAME);
		return -EXDEV;
	case TT_ORIGIN_OTHER_BOOT:
	default:
		if (boot_ok)
			return 1;
		tt_log(ctx, TT_LOG_ERR,
		    "the journal is from an earlier boot (%s): the kernel it describes "
		    "is gone, and its originals are not this boot's; a new apply "
		    "starts a new journal and keeps this one aside",
		    j->origin.boot);
		return -EXDEV;
	}
}

/* Sets a journal from an earlier boot aside as journal.boot-BOOTID, one
 * of a namespace that is gone (gone) as journal.netns-COOKIE. */
static int
set_aside_old(struct tt_ctx *ctx, int state, const struct tt_journal *j, bool gone)
{
	char name[64];
	int r;

	if (gone)
		snprintf(name, sizeof(name), "%s.netns-%llu", TT_JOURNAL_NAME, j->origin.ns_cookie);
	else
		snprintf(name, sizeof(name), "%s.boot-%s", TT_JOURNAL_NAME, j->origin.boot);
	r = tt_journal_set_aside(ctx, state, name);
	if (r == 0)
		tt_log(ctx, TT_LOG_WARNING,
		    "the journal was %s: set aside as %s/%s; this apply starts a new one",
		    gone ? "of a network namespace that is gone (this one got its inode)" :
			   "from an earlier boot",
		    tt_ctx_state_dir(ctx), name);
	return r;
}

/*
 * Loads the journal as it is before an apply into *old, and refuses to go
 * on over an interrupted operation or a pending confirmation.
 */
static int
load_before(struct tt_ctx *ctx, int state, struct tt_journal *old, bool *had_old)
{
	int r;

	r = tt_journal_load(ctx, state, old);
	if (r < 0)
		return r;
	*had_old = r == 1;
	r = *had_old ? check_origin(ctx, old, true) : 0;
	if (r < 0)
		return r;
	if (r == 1 || r == 2) {
		*had_old = false;
		return set_aside_old(ctx, state, old, r == 2);
	}
	if (*had_old && old->state != TT_J_APPLIED) {
		tt_log(ctx, TT_LOG_ERR,
		    "an earlier %s was interrupted; run `tcptune rollback` "
		    "(see `tcptune status`) before applying again",
		    old->state == TT_J_APPLYING ? "apply" : "rollback");
		return -EINPROGRESS;
	}
	if (*had_old && old->confirm_deadline != 0) {
		tt_log(ctx, TT_LOG_ERR,
		    "an earlier apply is waiting for confirmation; run "
		    "`tcptune confirm` or `tcptune rollback` first");
		return -EALREADY;
	}
	return 0;
}

/*
 * The journal an apply writes before its first key: the earlier one (old,
 * NULL: none) with the plan's writes added, state applying.
 */
static int
journal_for_apply(struct tt_ctx *ctx, const struct tt_apply_params *p, const struct tt_journal *old,
    struct tt_journal *nj)
{
	const struct tt_plan *plan = p->plan;
	int r;

	/* The new journal keeps every key's first original: an apply over an
	 * earlier one must not make rollback stop at the earlier one. */
	if (old != NULL)
		*nj = *old;
	else
		memset(nj, 0, sizeof(*nj));
	nj->state = TT_J_APPLYING;
	nj->time = (long long)time(NULL);
	if (strlen(p->profile) >= sizeof(nj->profile)) {
		tt_log(ctx, TT_LOG_ERR, "profile path too long for the journal");
		return -ENAMETOOLONG;
	}
	if (strpbrk(p->profile, "\n\r\t") != NULL) {
		tt_log(ctx, TT_LOG_ERR,
		    "the profile's path has a newline, tab or carriage return, which the "
		    "journal cannot record: rename the file; nothing was written");
		return -EINVAL;
	}
	strcpy(nj->profile, p->profile);
	r = tt_origin_here(ctx, &nj->origin);
	if (r < 0)
		return r;
	nj->confirm_deadline = 0;
	nj->confirm_token = 0;
	nj->guard = (struct tt_guard_verdict){ 0 }; /* an earlier apply's */
	for (int i = 0; i < nj->nkeys; i++)
		nj->keys[i].prev = (struct tt_val){ 0 };
	for (int i = 0; i < plan->n; i++) {
		const struct tt_plan_item *it = &plan->items[i];
		struct tt_journal_key *e = tt_journal_find(nj, it->id);

		if (it->action == TT_PLAN_KEEP && e != NULL) {
			/* Already at the new target: that is what tcptune now
			 * stands for, so a rollback recognises it. */
			e->target = it->target;
			continue;
		}
		if (it->action != TT_PLAN_WRITE)
			continue;
		if (e == NULL) {
			e = tt_journal_add(nj, it->id);
			e->original = it->current;
		}
		e->prev = it->current;
		e->target = it->target;
	}
	return 0;
}

/*
 * After the write of key failed: puts back everything, newest first,
 * including the key that failed (a write the kernel took but read back
 * differently changed it too), and the journal as it was (old, NULL:
 * none).  -EIO when every key is back, -ENOTRECOVERABLE when some is not.
 */
static int
put_back(
    struct tt_ctx *ctx, int state, struct tt_result *res, int failed, const struct tt_journal *old)
{
	bool restored_all = true;
	int r;

	for (int i = failed; i >= 0; i--) {
		struct tt_key_result *kr = &res->keys[i];
		struct tt_val live;

		if (read_live(ctx, kr->id, &live) == 0 && tt_val_eq(&live, &kr->from)) {
			kr->now = live;
			if (kr->outcome == TT_OUT_WRITTEN)
				kr->outcome = TT_OUT_RESTORED;
			continue;
		}
		kr->want = kr->from;
		r = write_verify(ctx, kr, &kr->from);
		if (r < 0) {
			kr->outcome = TT_OUT_RESTORE_FAILED;
			kr->err = -r;
			restored_all = false;
		} else if (kr->outcome == TT_OUT_WRITTEN) {
			kr->outcome = TT_OUT_RESTORED;
		}
	}
	if (!restored_all) {
		/* The journal (state applying) stays: it holds the
		 * originals that `tcptune rollback` needs. */
		tt_log(ctx, TT_LOG_ERR,
		    "some keys could not be put back; the journal "
		    "keeps their original values");
		return -ENOTRECOVERABLE;
	}
	r = old != NULL ? tt_journal_store(ctx, state, old) : tt_journal_remove(ctx, state);
	if (r < 0)
		tt_log(ctx, TT_LOG_WARNING,
		    "every key is back, but the journal could not "
		    "be reset; `tcptune rollback` will find nothing to do for them");
	return -EIO;
}

/*
 * Reads the key again immediately before its write: the journal holds the
 * plan's reading as its original, which is only true while nobody else
 * has written the key since.  0, or -EAGAIN (logged) when it changed.
 */
static int
still_original(struct tt_ctx *ctx, struct tt_key_result *kr)
{
	char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];
	struct tt_val live;

	if (read_live(ctx, kr->id, &live) < 0 || tt_val_eq(&live, &kr->from))
		return 0; /* unreadable: the write and its read-back say why */
	kr->now = live;
	tt_log(ctx, TT_LOG_ERR,
	    "%s changed from %s to %s since the plan was made (written by someone "
	    "else): stopped before writing it, and the keys written before it were put "
	    "back; apply again to plan from the value it has now",
	    tt_key_get(kr->id)->name, tt_val_format(&kr->from, a, sizeof(a)),
	    tt_val_format(&live, b, sizeof(b)));
	return -EAGAIN;
}

int
tt_apply(struct tt_ctx *ctx, const struct tt_apply_params *p, struct tt_journal *old, bool *had_old,
    struct tt_result *res)
{
	struct tt_journal nj;
	int r;

	memset(res, 0, sizeof(*res));
	r = load_before(ctx, p->state, old, had_old);
	if (r < 0)
		return r;
	for (int i = 0; i < p->plan->n; i++) {
		const struct tt_plan_item *it = &p->plan->items[i];
		struct tt_key_result *kr;

		if (it->action != TT_PLAN_WRITE)
			continue;
		kr = &res->keys[res->n++];
		kr->id = it->id;
		kr->from = it->current;
		kr->to = it->target;
		kr->now = it->current;
	}
	if (res->n == 0)
		return 0; /* nothing to do: leave the journal exactly as it is */
	r = journal_for_apply(ctx, p, *had_old ? old : NULL, &nj);
	if (r < 0)
		return r;
	/* The room for every store of this apply, before its first write. */
	r = tt_journal_reserve(ctx, p->state);
	if (r == 0)
		r = tt_journal_store(ctx, p->state, &nj);
	if (r < 0) {
		tt_log(ctx, TT_LOG_ERR, "the journal cannot be written: nothing was written");
		return r;
	}
	tt_journal_forget_undone(p->state); /* an undo before this apply is history */
	for (int i = 0; i < res->n; i++) {
		struct tt_key_result *kr = &res->keys[i];

		test_delay();
		if (still_original(ctx, kr) < 0) {
			r = put_back(ctx, p->state, res, i - 1, *had_old ? old : NULL);
			return r == -EIO ? -EAGAIN : r;
		}
		r = write_verify(ctx, kr, &kr->to);
		if (r < 0) {
			kr->outcome = TT_OUT_FAILED;
			kr->err = -r;
			return put_back(ctx, p->state, res, i, *had_old ? old : NULL);
		}
		kr->outcome = TT_OUT_WRITTEN;
	}
	res->changed = true;
	nj.state = TT_J_APPLIED;
	nj.confirm_deadline = p->confirm_deadline;
	nj.confirm_token = p->confirm_deadline ? p->confirm_token : 0;
	r = tt_journal_store(ctx, p->state, &nj);
	if (r < 0)
		tt_log(ctx, TT_LOG_ERR,
		    "every key is written, but the journal could not be "
		    "marked finished; `tcptune rollback` still restores the originals");
	return r;
}

/*
 * Puts one journalled key back to want.  ours: the live values that
 * tcptune itself left there, which it may overwrite without --force.
 */
static void
restore_key(struct tt_ctx *ctx, struct tt_key_result *kr, const struct tt_val *want,
    const struct tt_val *ours, int nours, bool force)
{
	struct tt_val live;
	bool mine = force;
	char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];
	int r;

	r = read_live(ctx, kr->id, &live);
	kr->from = live;
	kr->to = *want;
	kr->now = live;
	if (r == 0 && tt_val_eq(&live, want)) {
		kr->outcome = TT_OUT_ALREADY;
		return;
	}
	for (int i = 0; i < nours && r == 0; i++)
		if (ours[i].n != 0 && tt_val_eq(&live, &ours[i]))
			mine = true;
	if (!mine) {
		kr->outcome = TT_OUT_LEFT_ALONE;
		if (r == 0)
			tt_log(ctx, TT_LOG_WARNING,
			    "%s: now %s, which tcptune did not write: "
			    "someone else changed it; left alone (--force restores %s)",
			    tt_key_get(kr->id)->name, tt_val_format(&live, a, sizeof(a)),
			    tt_val_format(want, b, sizeof(b)));
		else
			tt_log(ctx, TT_LOG_WARNING, "%s: cannot read it (%s); left alone",
			    tt_key_get(kr->id)->name, strerror(-r));
		kr->err = r < 0 ? -r : 0;
		return;
	}
	kr->want = *want;
	test_delay();
	r = write_verify(ctx, kr, want);
	if (r < 0) {
		kr->outcome = TT_OUT_RESTORE_FAILED;
		kr->err = -r;
	} else {
		kr->outcome = TT_OUT_RESTORED;
	}
}

static int
finish(int nleft, int nfailed)
{
	if (nfailed > 0)
		return -ENOTRECOVERABLE;
	return nleft > 0 ? 1 : 0;
}

/* The keys are done, the journal is not. */
static int
journal_stale(struct tt_ctx *ctx, int nfailed)
{
	tt_log(ctx, TT_LOG_ERR,
	    "*** the keys are as reported, but the journal in %s could not be updated: "
	    "run `tcptune rollback` again once it is writable (keys already at their "
	    "originals count as done) ***",
	    tt_ctx_state_dir(ctx));
	return nfailed > 0 ? -ENOTRECOVERABLE : -ESTALE;
}

int
tt_rollback(struct tt_ctx *ctx, int state, bool force, struct tt_result *res)
{
	struct tt_journal j, rest;
	bool was_applied, journal_ok;
	int r, nleft = 0, nfailed = 0;

	memset(res, 0, sizeof(*res));
	r = tt_journal_load(ctx, state, &j);
	if (r <= 0)
		return r;
	r = check_origin(ctx, &j, false);
	if (r < 0)
		return r;
	was_applied = j.state == TT_J_APPLIED;
	j.state = TT_J_ROLLING_BACK;
	/* A journal that cannot be updated is no reason to leave the keys
	 * tuned: restoring is idempotent, so a later rollback finds them at
	 * their originals and only has the journal to clear. */
	journal_ok = tt_journal_reserve(ctx, state) == 0;
	journal_ok = tt_journal_store(ctx, state, &j) == 0 && journal_ok;

	rest = j;
	rest.nkeys = 0;
	for (int i = j.nkeys - 1; i >= 0; i--) {
		const struct tt_journal_key *e = &j.keys[i];
		struct tt_key_result *kr = &res->keys[res->n++];
		struct tt_val ours[2] = { e->target, { 0 } };

		/* After an interrupted apply, a key not yet written still
		 * holds its value from before that apply. */
		if (!was_applied)
			ours[1] = e->prev;
		kr->id = e->id;
		restore_key(ctx, kr, &e->original, ours, 2, force);
		switch (kr->outcome) {
		case TT_OUT_RESTORED:
			res->changed = true;
			break;
		case TT_OUT_RESTORE_FAILED:
			nfailed++;
			break;
		case TT_OUT_LEFT_ALONE:
			nleft++;
			break;
		default:
			break;
		}
		if (kr->outcome == TT_OUT_LEFT_ALONE || kr->outcome == TT_OUT_RESTORE_FAILED) {
			/* Still owed: keep it, in the original order. */
			memmove(&rest.keys[1], &rest.keys[0],
			    (size_t)rest.nkeys * sizeof(rest.keys[0]));
			rest.keys[0] = *e;
			rest.keys[0].prev = (struct tt_val){ 0 };
			rest.nkeys++;
		}
	}
	if (rest.nkeys == 0) {
		r = tt_journal_remove(ctx, state);
	} else {
		rest.state = TT_J_APPLIED;
		rest.confirm_deadline = 0;
		rest.confirm_token = 0;
		r = tt_journal_store(ctx, state, &rest);
	}
	if (r < 0 || !journal_ok)
		return journal_stale(ctx, nfailed);
	return finish(nleft, nfailed);
}

/* Puts back the keys the apply being undone wrote (those with a previous
 * value), last first; counts those left and those that failed. */
static void
undo_keys(struct tt_ctx *ctx, struct tt_journal *j, struct tt_result *res, int *nleft, int *nfailed)
{
	for (int i = j->nkeys - 1; i >= 0; i--) {
		struct tt_journal_key *e = &j->keys[i];
		struct tt_key_result *kr;

		if (e->prev.n == 0)
			continue; /* not written by the apply being undone */
		kr = &res->keys[res->n++];
		kr->id = e->id;
		restore_key(ctx, kr, &e->prev, &e->target, 1, false);
		switch (kr->outcome) {
		case TT_OUT_RESTORED:
			res->changed = true;
			__attribute__((fallthrough));
		case TT_OUT_ALREADY:
			e->target = e->prev;
			break;
		case TT_OUT_RESTORE_FAILED:
			(*nfailed)++;
			break;
		default:
			(*nleft)++;
			break;
		}
	}
}

int
tt_undo_unconfirmed(struct tt_ctx *ctx, int state, unsigned long long token,
    const struct tt_journal *old, const struct tt_guard_verdict *why, struct tt_result *res)
{
	struct tt_journal j, undone;
	int r, nleft = 0, nfailed = 0;

	memset(res, 0, sizeof(*res));
	r = tt_journal_load(ctx, state, &j);
	if (r < 0)
		return r;
	if (r == 0 || j.confirm_deadline == 0 || j.confirm_token != token)
		return -ESRCH;
	r = check_origin(ctx, &j, false);
	if (r < 0)
		return r;
	/* Before the first key goes back: an undo cut short leaves a journal
	 * that says so, and rollback then takes the keys already back at
	 * their value before the apply for its own. */
	if (why != NULL)
		j.guard = *why;
	undone = j;
	j.state = TT_J_ROLLING_BACK;
	if (tt_journal_store(ctx, state, &j) < 0)
		tt_log(ctx, TT_LOG_ERR,
		    "cannot record the undo in the journal; undoing all the same (run "
		    "`tcptune rollback --force` if it is cut short)");
	undo_keys(ctx, &j, res, &nleft, &nfailed);
	if (nleft == 0 && nfailed == 0) {
		/* What was undone, for status (the undo stands without it),
		 * recorded before the journal changes: whoever waits for the
		 * verdict (apply --wait) finds it once the journal is gone. */
		if (tt_journal_store_undone(ctx, state, &undone) < 0)
			tt_log(ctx, TT_LOG_WARNING, "status will not show this undo");
		r = old != NULL ? tt_journal_store(ctx, state, old) : tt_journal_remove(ctx, state);
	} else {
		/* Not everything went back: describe what is true now.  Keys
		 * back at their original are no longer owed. */
		for (int i = j.nkeys - 1; i >= 0; i--) {
			struct tt_journal_key *e = &j.keys[i];

			e->prev = (struct tt_val){ 0 };
			if (tt_val_eq(&e->target, &e->original))
				tt_journal_del(&j, e->id);
		}
		j.state = TT_J_APPLIED;
		j.confirm_deadline = 0;
		j.confirm_token = 0;
		r = j.nkeys ? tt_journal_store(ctx, state, &j) : tt_journal_remove(ctx, state);
	}
	if (r < 0)
		return r;
	return finish(nleft, nfailed);
}

int
tt_guard_settle(struct tt_ctx *ctx, int state, unsigned long long token,
    const struct tt_guard_verdict *v, bool confirm)
{
	struct tt_journal j;
	int r;

	r = tt_journal_load(ctx, state, &j);
	if (r < 0)
		return r;
	if (r == 0 || j.confirm_deadline == 0 || j.confirm_token != token ||
	    j.state != TT_J_APPLIED)
		return -ESRCH;
	j.guard = *v;
	if (confirm) {
		j.confirm_deadline = 0;
		j.confirm_token = 0;
	}
	return tt_journal_store(ctx, state, &j);
}

int
tt_confirm(struct tt_ctx *ctx, int state, long long now)
{
	struct tt_journal j;
	int r;

	r = tt_journal_load(ctx, state, &j);
	if (r < 0)
		return r;
	if (r == 1 && check_origin(ctx, &j, false) < 0)
		return -EXDEV;
	if (r == 0 || j.confirm_deadline == 0)
		return -ESRCH;
	if (now > j.confirm_deadline || j.state != TT_J_APPLIED)
		return -ETIME; /* being undone, or due to be */
	j.confirm_deadline = 0;
	j.confirm_token = 0;
	return tt_journal_store(ctx, state, &j);
}
