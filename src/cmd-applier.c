/*
 * What the applier's commands (plan, apply, confirm, rollback, status)
 * share: loading a profile into a plan, printing plans and key results,
 * and holding off signals while keys change.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-applier.h"
#include "lib/rules.h"
#include "lib/nat.h"
#include "out-check.h"
#include "out-nat.h"

int
applier_load_profile(
    struct cmd_env *env, const char *path, unsigned flags, struct tt_profile **prof)
{
	return cmd_load_profile(env, path, flags, prof);
}

int
applier_snapshot(struct cmd_env *env, unsigned what, struct tt_snapshot *snap)
{
	/*
	 * NAT is a property of the network namespace tcptune runs in, and
	 * that is the namespace whose keys apply changes: its evidence is
	 * gathered from the live /proc even when --proc-root points at a
	 * copied tree, as the tests do to plan for an older kernel inside a
	 * namespace of known shape.  Evidence can only make tcptune more
	 * careful, except for the one case it must get right: "no NAT"
	 * needs every live source read and empty.
	 */
	const struct tt_netns live = { .proc_root = "/proc", .fd = -1 };

	return cmd_snapshot(env, &live, TT_GATHER_NAT | what, NULL, snap);
}

/* The change notes: empty (fs->n == 0) without a census. */
static void
change_notes(const struct tt_snapshot *snap, const struct tt_profile *prof, struct tt_findings *fs)
{
	struct tt_rule_input in = { .snap = snap, .prof = prof, .thr = &prof->thr };

	memset(fs, 0, sizeof(*fs));
	if (snap->census != NULL && tt_rules_run_change(&in, fs) < 0)
		fs->n = 0;
}

void
applier_print_notes(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	struct tt_findings fs;

	change_notes(snap, prof, &fs);
	out_check_text_notes(f, &fs);
	tt_findings_free(&fs);
}

void
applier_json_notes(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	struct tt_findings fs;

	change_notes(snap, prof, &fs);
	out_check_json_notes(j, &fs);
	tt_findings_free(&fs);
}

void
applier_snapshot_free(struct tt_snapshot *snap)
{
	tt_snapshot_free(snap);
}

void
applier_json_val(struct json *j, const char *key, const struct tt_val *v)
{
	char buf[TT_VAL_STRLEN];

	json_str(j, key, v != NULL && v->n > 0 ? tt_val_format(v, buf, sizeof(buf)) : NULL);
}

static const char *
val_text(const struct tt_val *v, char *buf, size_t len)
{
	return v->n > 0 ? tt_val_format(v, buf, len) : "?";
}

void
applier_print_caution(FILE *f, const struct tt_plan_item *it)
{
	char line[sizeof(it->caution) + 16];

	if (it->caution[0] == '\0')
		return;
	snprintf(line, sizeof(line), "warning: %s", it->caution);
	fputs("      ", f);
	cmd_wrap(f, line, 6, 78);
}

void
applier_print_plan(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_plan *plan)
{
	static const enum tt_plan_action order[] = { TT_PLAN_WRITE, TT_PLAN_KEEP, TT_PLAN_REFUSE };
	static const char *const title[] = { "WRITE", "ALREADY AT TARGET", "REFUSED" };
	char tp[4096];

	fprintf(f, "profile %s (nat = %s; evidence: %s; NAT in play: %s)\n",
	    cmd_term_str(prof->path, tp, sizeof(tp)), tt_nat_decl_name(prof->nat),
	    snap->nat ? tt_nat_verdict_name(snap->nat->verdict) : "not gathered",
	    tt_nat_answer_name(plan->nat));
	fprintf(f, "kernel %s, network namespace %s\n",
	    snap->kernel[0] ? snap->kernel : "(unknown)", tt_netns_name(snap->netns));
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		int count = order[o] == TT_PLAN_WRITE ? plan->nwrite :
		    order[o] == TT_PLAN_KEEP          ? plan->nkeep :
							plan->nrefuse;

		if (count == 0)
			continue;
		fprintf(f, "\n%s (%d)\n", title[o], count);
		for (int i = 0; i < plan->n; i++) {
			const struct tt_plan_item *it = &plan->items[i];
			char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN];

			if (it->action != order[o])
				continue;
			if (it->action == TT_PLAN_KEEP) {
				fprintf(f, "  %-32s %s\n", tt_key_get(it->id)->name,
				    val_text(&it->current, a, sizeof(a)));
				/* tuned's >N or <N that left the key as it is */
				if (prof->sysctl[it->id].note[0]) {
					fputs("      ", f);
					cmd_wrap(f, it->why, 6, 78);
				}
			} else {
				fprintf(f, "  %-32s %s -> %s\n", tt_key_get(it->id)->name,
				    val_text(&it->current, a, sizeof(a)),
				    tt_val_format(&it->target, b, sizeof(b)));
				fputs("      ", f);
				cmd_wrap(f, it->why, 6, 78);
			}
			applier_print_caution(f, it);
		}
	}
	fputc('\n', f);
	if (plan->nrefuse > 0)
		fprintf(f,
		    "refused: %d key%s; apply refuses the whole profile "
		    "(--skip-refused applies the rest)\n",
		    plan->nrefuse, plan->nrefuse == 1 ? "" : "s");
	else if (plan->nwrite == 0)
		fputs("nothing to do: every key is at its target\n", f);
	else
		fprintf(
		    f, "apply would write %d key%s\n", plan->nwrite, plan->nwrite == 1 ? "" : "s");
}

void
applier_json_plan(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_plan *plan)
{
	cmd_json_profile(j, "profile", prof);
	json_str(j, "kernel", snap->kernel[0] ? snap->kernel : NULL);
	json_str(j, "netns", tt_netns_name(snap->netns));
	json_str(j, "nat_declared", tt_nat_decl_name(prof->nat));
	json_str(j, "nat_evidence", snap->nat ? tt_nat_verdict_name(snap->nat->verdict) : NULL);
	json_str(j, "nat", tt_nat_answer_name(plan->nat));
	json_arr_begin(j, "plan");
	for (int i = 0; i < plan->n; i++) {
		const struct tt_plan_item *it = &plan->items[i];

		json_obj_begin(j, NULL);
		json_str(j, "key", tt_key_get(it->id)->name);
		json_str(j, "action", tt_plan_action_name(it->action));
		applier_json_val(j, "current", &it->current);
		applier_json_val(j, "target", &it->target);
		json_int(j, "line", it->line);
		json_str(j, "why", it->why);
		json_str(j, "caution", it->caution[0] ? it->caution : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_int(j, "writes", plan->nwrite);
	json_int(j, "unchanged", plan->nkeep);
	json_int(j, "refused", plan->nrefuse);
}

void
applier_print_keys(FILE *f, const struct tt_result *res)
{
	for (int i = 0; i < res->n; i++) {
		const struct tt_key_result *kr = &res->keys[i];
		char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN], c[TT_VAL_STRLEN];

		fprintf(f, "  %-32s %s -> %s: %s", tt_key_get(kr->id)->name,
		    val_text(&kr->from, a, sizeof(a)), val_text(&kr->to, b, sizeof(b)),
		    tt_outcome_name(kr->outcome));
		if (kr->outcome == TT_OUT_FAILED || kr->outcome == TT_OUT_RESTORE_FAILED ||
		    kr->outcome == TT_OUT_LEFT_ALONE)
			fprintf(f, " (now %s%s%s)", val_text(&kr->now, c, sizeof(c)),
			    kr->err ? ", " : "", kr->err ? strerror(kr->err) : "");
		fputc('\n', f);
	}
}

void
applier_json_keys(struct json *j, const struct tt_result *res)
{
	json_arr_begin(j, "keys");
	for (int i = 0; i < res->n; i++) {
		const struct tt_key_result *kr = &res->keys[i];

		json_obj_begin(j, NULL);
		json_str(j, "key", tt_key_get(kr->id)->name);
		applier_json_val(j, "from", &kr->from);
		applier_json_val(j, "to", &kr->to);
		applier_json_val(j, "now", &kr->now);
		json_str(j, "outcome", tt_outcome_name(kr->outcome));
		json_str(j, "error", kr->err ? strerror(kr->err) : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void
applier_print_unrestored(struct cmd_env *env, const struct tt_result *res, const char *proc_root)
{
	cmd_err(env, "*** THESE KEYS COULD NOT BE PUT BACK; THE HOST IS NOT AS IT WAS ***");
	for (int i = 0; i < res->n; i++) {
		const struct tt_key_result *kr = &res->keys[i];
		const struct tt_key *k = tt_key_get(kr->id);
		char a[TT_VAL_STRLEN], b[TT_VAL_STRLEN], rel[256];

		if (kr->outcome != TT_OUT_RESTORE_FAILED)
			continue;
		tt_key_relpath(k, rel, sizeof(rel));
		cmd_err(env, "%s is %s and should be %s (%s); fix it by hand:", k->name,
		    val_text(&kr->now, a, sizeof(a)), tt_val_format(&kr->want, b, sizeof(b)),
		    kr->err ? strerror(kr->err) : "unknown error");
		cmd_err(env, "    printf '%%s\\n' '%s' > %s/%s", b, proc_root, rel);
	}
	cmd_err(env, "then run `%s` (the journal keeps every original) and `%s` to check",
	    cmd_hint(env, "rollback"), cmd_hint(env, "status"));
}

void
applier_hold_signals(sigset_t *saved)
{
	sigset_t set;

	/* Every signal that can be held: SIGKILL and SIGSTOP cannot, and the
	 * ones a fault raises (SIGSEGV, ...) must not be. */
	sigfillset(&set);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGILL);
	sigdelset(&set, SIGTRAP);
	sigdelset(&set, SIGSYS);
	sigdelset(&set, SIGABRT);
	sigprocmask(SIG_BLOCK, &set, saved);
}

void
applier_release_signals(const sigset_t *saved)
{
	/* Flush first: a pending signal may end the process right here. */
	fflush(stdout);
	fflush(stderr);
	sigprocmask(SIG_SETMASK, saved, NULL);
}
