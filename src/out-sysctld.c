/*
 * sysctl.d conflicts beside a plan.  The words are the rule's own, so that
 * check, plan and the boot log say the same thing.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "lib/rules.h"
#include "lib/sysctld.h"
#include "out-sysctld.h"

/* Runs the sysctl.d rules and keeps their warnings; fs->n may be 0. */
static void
conflicts(const struct tt_snapshot *snap, const struct tt_profile *prof, struct tt_findings *fs)
{
	struct tt_rule_input in = { .snap = snap, .prof = prof, .thr = &prof->thr };
	size_t n = 0;

	memset(fs, 0, sizeof(*fs));
	if (snap->sysctld == NULL || tt_rules_run_set(&in, TT_RULES_SYSCTLD, fs) < 0)
		return;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].sev != TT_SEV_OK && strcmp(fs->v[i].id, "sysctld_conflict") == 0)
			fs->v[n++] = fs->v[i];
	fs->n = n;
}

void
sysctld_print_conflicts(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	struct tt_findings fs;

	conflicts(snap, prof, &fs);
	if (fs.n > 0)
		fprintf(f, "\nSYSCTL.D SETS THESE KEYS TOO (%zu)\n", fs.n);
	for (size_t i = 0; i < fs.n; i++) {
		fprintf(f, "  %s\n      ", fs.v[i].message);
		cmd_wrap(f, fs.v[i].evidence, 6, 78);
	}
	tt_findings_free(&fs);
}

void
sysctld_json_conflicts(
    struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	struct tt_findings fs;

	conflicts(snap, prof, &fs);
	json_arr_begin(j, "sysctld_conflicts");
	for (size_t i = 0; i < fs.n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "key", tt_key_get(fs.v[i].keys[0])->name);
		json_str(j, "message", fs.v[i].message);
		json_str(j, "evidence", fs.v[i].evidence);
		json_obj_end(j);
	}
	json_arr_end(j);
	tt_findings_free(&fs);
}

void
sysctld_log_conflicts(
    struct cmd_env *env, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	struct tt_findings fs;

	conflicts(snap, prof, &fs);
	for (size_t i = 0; i < fs.n; i++)
		cmd_report(env, TT_LOG_WARNING, "%s: %s", fs.v[i].message, fs.v[i].evidence);
	tt_findings_free(&fs);
}

void
sysctld_print_boot(FILE *f, const struct tt_snapshot *snap)
{
	const struct tt_sysctld *sd = snap->sysctld;
	bool any = false;

	for (int i = 0; sd != NULL && i < TT_K__COUNT; i++) {
		const struct tt_sysctld_set *s = &sd->boot[i];

		if (!s->set)
			continue;
		if (!any)
			fprintf(f,
			    "\nBOOT CONFIGURATION (what systemd-sysctl writes at the next boot)\n");
		any = true;
		fprintf(f, "%-30s %-14s %s:%d%s%s\n", tt_key_get((enum tt_key_id)i)->name, s->text,
		    s->file, s->line, s->glob ? " (a pattern)" : "",
		    snap->sysctl[i].state == TT_ST_ABSENT ? " (this kernel lacks it: not written)" :
			s->refused ? " (the kernel refuses it: the default stays)" :
				     "");
	}
}

void
sysctld_json_boot(struct json *j, const struct tt_snapshot *snap)
{
	const struct tt_sysctld *sd = snap->sysctld;

	if (sd == NULL) {
		json_null(j, "boot_config");
		return;
	}
	json_obj_begin(j, "boot_config");
	json_int(j, "files", sd->nfiles);
	json_obj_begin(j, "keys");
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_sysctld_set *s = &sd->boot[i];

		if (!s->set)
			continue;
		char kv[TT_VAL_STRLEN];

		json_obj_begin(j, tt_key_get((enum tt_key_id)i)->name);
		json_str(j, "value", s->text);
		json_str(j, "file", s->file);
		json_int(j, "line", s->line);
		json_bool(j, "pattern", s->glob);
		if (s->kval.n > 0)
			json_str(j, "kernel_value", tt_val_format(&s->kval, kv, sizeof(kv)));
		else
			json_null(j, "kernel_value");
		json_bool(j, "refused", s->refused);
		json_bool(j, "optional", s->optional);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_obj_end(j);
}
