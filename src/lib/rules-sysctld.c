/*
 * The rule about sysctl.d files that set a profile's keys to other values.
 *
 * tcptune.service runs after systemd-sysctl.service, so at boot the
 * profile wins; but whoever later runs `sysctl --system` (a package's
 * postinst does) writes the files' values back, and the host silently
 * leaves the profile.  Both outcomes are named, so the operator can fix
 * the file rather than find out later.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "rules-internal.h"
#include "sysctld.h"

static void
where(const struct tt_sysctld_set *s, char *buf, size_t len)
{
	tt_finding_say(buf, len, "%s:%d%s", s->file, s->line, s->glob ? " (a pattern)" : "");
}

static void
rule_sysctld_conflict(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_sysctld *sd = in->snap->sysctld;

	if (sd == NULL || in->prof == NULL)
		return;
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_setting *want = &in->prof->sysctl[i];
		const struct tt_sysctld_set *boot = &sd->boot[i], *sys = &sd->system[i];
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		char pv[TT_VAL_STRLEN], bw[TT_SYSCTLD_PATH_MAX + 32], sw[TT_SYSCTLD_PATH_MAX + 32];
		bool boot_differs, sys_differs;
		struct tt_finding *f;

		if (!want->set)
			continue;
		/* A write the kernel refuses changes nothing. */
		boot_differs = boot->set && !boot->refused && !tt_sysctld_same(boot, &want->val);
		sys_differs = sys->set && !sys->refused && !tt_sysctld_same(sys, &want->val);
		if (!boot_differs && !sys_differs)
			continue;
		tt_val_format(&want->val, pv, sizeof(pv));
		where(boot, bw, sizeof(bw));
		where(sys, sw, sizeof(sw));
		f = tt_finding_add(out, TT_SEV_WARN, tt_key_short(k));
		tt_finding_key(f, (enum tt_key_id)i);
		if (boot_differs)
			TT_SAY(f->message, "%s: %s sets %s, the profile %s", k->name, bw,
			    boot->text, pv);
		else
			TT_SAY(f->message, "%s: %s sets %s, the profile %s", k->name, sw, sys->text,
			    pv);
		if (boot_differs && sys_differs)
			TT_SAY(f->evidence,
			    "at boot systemd-sysctl writes %s from %s, then tcptune.service "
			    "(ordered after it) writes the profile's %s; a later `sysctl "
			    "--system` writes %s back from %s, and the host leaves the profile",
			    boot->text, bw, pv, sys->text, sw);
		else if (boot_differs)
			TT_SAY(f->evidence,
			    "at boot systemd-sysctl writes %s from %s, then tcptune.service "
			    "(ordered after it) writes the profile's %s; a later `sysctl "
			    "--system` ends with the profile's value, from %s",
			    boot->text, bw, pv, sw);
		else
			TT_SAY(f->evidence,
			    "systemd-sysctl leaves it alone at boot, but a later `sysctl "
			    "--system` reads /etc/sysctl.conf last and writes %s from %s over "
			    "the profile's %s",
			    sys->text, sw, pv);
		TT_SAY(f->advice,
		    "Make the file agree with the profile (or drop the line, or mask the file "
		    "with a symlink to /dev/null in /etc/sysctl.d), so that boot, `sysctl "
		    "--system` and tcptune all leave %s at %s.",
		    k->name, pv);
	}
}

/* --- the boot configuration alone ------------------------------------- */

/*
 * A key the boot configuration names by itself that this kernel lacks.
 * Harmless: systemd-sysctl 252 goes on without it and its unit succeeds
 * (a glob never reaches a missing key, so only a line of its own gets
 * here).
 */
static void
boot_absent(
    struct tt_findings *out, enum tt_key_id k, const struct tt_sysctld_set *s, const char *kernel)
{
	const struct tt_key *key = tt_key_get(k);
	bool removed = tt_key_absent_why(key) == TT_ABSENT_REMOVED;
	char w[TT_SYSCTLD_PATH_MAX + 32], rel[128];
	struct tt_finding *f;

	where(s, w, sizeof(w));
	/* systemd-sysctl names the key as its path below /proc/sys. */
	if (tt_key_relpath(key, rel, sizeof(rel)) < 0)
		snprintf(rel, sizeof(rel), "sys/%s", key->name);
	f = tt_finding_add(out, TT_SEV_INFO, tt_key_short(key));
	tt_finding_key(f, k);
	if (s->optional)
		TT_SAY(f->message,
		    "at the next boot, %s sets %s = %s, which this kernel does not have; the "
		    "'-' in front of the key makes systemd-sysctl skip it without a word",
		    w, key->name, s->text);
	else
		TT_SAY(f->message,
		    "at the next boot, %s sets %s = %s, which this kernel does not have; "
		    "systemd-sysctl logs \"Couldn't write '%s' to '%s', ignoring\" and goes on "
		    "(its unit still succeeds)",
		    w, key->name, s->text, s->text, rel + 4);
	TT_SAY(f->evidence, "%s is absent on kernel %s%s; nothing is written in its place",
	    key->name, kernel[0] ? kernel : "(unknown)",
	    removed ? "; it was removed from Linux" : "");
	if (s->optional)
		TT_SAY(f->advice,
		    "Harmless. Drop the line from %s when you next edit it (a leftover of an "
		    "older kernel's tuning); `tcptune explain %s` tells more.",
		    s->file, tt_key_short(key));
	else
		TT_SAY(f->advice,
		    "Harmless, but logged at every boot: drop the line from %s, or put '-' in "
		    "front of the key to keep it quiet; `tcptune explain %s` tells more.",
		    s->file, tt_key_short(key));
}

/* A value the kernel refuses: the write fails, the key keeps its default. */
static void
boot_refused(struct tt_findings *out, enum tt_key_id k, const struct tt_sysctld_set *s)
{
	const struct tt_key *key = tt_key_get(k);
	char w[TT_SYSCTLD_PATH_MAX + 32], why[160];
	struct tt_val v;
	struct tt_finding *f;

	where(s, w, sizeof(w));
	if (tt_val_parse_kernel(s->text, key->nfields, (key->flags & TT_KEY_UNSIGNED) != 0, &v) <
		key->nfields ||
	    tt_key_check_kernel(key, &v, why, sizeof(why)) == 0)
		snprintf(why, sizeof(why), "the kernel does not read \"%.64s\" as %s", s->text,
		    key->nfields == 1 ? "a number" : "two numbers");
	f = tt_finding_add(out, s->optional ? TT_SEV_INFO : TT_SEV_WARN, tt_key_short(key));
	tt_finding_key(f, k);
	TT_SAY(f->message, "at the next boot, %s sets %s = %s, which the kernel refuses: %s", w,
	    key->name, s->text,
	    s->optional ? "the '-' in front of the key makes systemd-sysctl ignore the error, and "
			  "the key keeps its default" :
			  "systemd-sysctl logs the error and its unit fails at every boot; the key "
			  "keeps its default");
	TT_SAY(f->evidence, "%s", why);
	TT_SAY(f->advice, "Fix or remove the line in %s. %s", s->file, key->advice);
}

/* A value the kernel takes, outside tcptune's safe range. */
static void
boot_unsafe(struct tt_findings *out, enum tt_key_id k, const struct tt_sysctld_set *s)
{
	const struct tt_key *key = tt_key_get(k);
	char w[TT_SYSCTLD_PATH_MAX + 32], why[160];
	bool caution = false;
	struct tt_finding *f;

	if (tt_key_check_safe(key, &s->kval, why, sizeof(why)) == 0) {
		caution = tt_key_caution(key, &s->kval, why, sizeof(why)) < 0;
		if (!caution)
			return;
	}
	where(s, w, sizeof(w));
	f = tt_finding_add(out, TT_SEV_WARN, tt_key_short(key));
	tt_finding_key(f, k);
	TT_SAY(f->message, "at the next boot, %s sets %s = %s, %s", w, key->name, s->text,
	    caution ? "which the kernel takes with a warning" : "outside tcptune's safe range");
	TT_SAY(f->evidence, "%s", why);
	TT_SAY(f->advice, "Fix or remove the line in %s. %s", s->file, key->advice);
}

/* Timestamps off at boot, and what that does to tcp_tw_reuse then. */
static void
boot_timestamps(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_sysctld_set *ts = &in->snap->sysctld->boot[TT_K_TIMESTAMPS];
	const struct tt_sysctld_set *ru = &in->snap->sysctld->boot[TT_K_TW_REUSE];
	const struct tt_val *reuse = ru->set && ru->kval.n > 0 ?
	    &ru->kval :
	    tt_key_default(tt_key_get(TT_K_TW_REUSE), in->snap->kv);
	char w[TT_SYSCTLD_PATH_MAX + 32];
	struct tt_finding *f;

	if (!ts->set || ts->kval.n == 0 || ts->kval.v[0] != 0)
		return;
	where(ts, w, sizeof(w));
	f = tt_finding_add(out, TT_SEV_WARN, "tcp_timestamps");
	tt_finding_key(f, TT_K_TIMESTAMPS);
	tt_finding_key(f, TT_K_TW_REUSE);
	if (reuse != NULL && reuse->v[0] != 0)
		TT_SAY(f->message,
		    "at the next boot, %s turns TCP timestamps off: PAWS protection is lost "
		    "and tcp_tw_reuse = %lld has no effect",
		    w, reuse->v[0]);
	else
		TT_SAY(f->message,
		    "at the next boot, %s turns TCP timestamps off: PAWS protection is lost", w);
	TT_SAY(f->evidence, "tcp_timestamps = 0 from %s; tcp_tw_reuse = %lld at boot (%s)", w,
	    reuse != NULL ? reuse->v[0] : 0LL, ru->set ? ru->file : "kernel default");
	TT_SAY(f->advice,
	    "Remove the line or set net.ipv4.tcp_timestamps = 1 in %s; turning timestamps off was "
	    "folk advice against tcp_tw_recycle trouble.",
	    ts->file);
}

/*
 * What systemd-sysctl will write at the next boot, judged alone: the
 * winner of each key in the sysctl.d directories.  Runs with or without a
 * profile, whenever the files were read.  Findings come by harm: values
 * that weaken TCP (timestamps off, then the rest outside the safe range),
 * then writes the kernel refuses, then keys this kernel lacks, which do
 * nothing.
 */
static void
rule_boot_config(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_sysctld *sd = in->snap->sysctld;

	if (sd == NULL)
		return;
	boot_timestamps(in, out);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_sysctld_set *s = &sd->boot[i];

		if (s->set && !s->refused && s->kval.n > 0 && i != TT_K_TIMESTAMPS &&
		    in->snap->sysctl[i].state != TT_ST_ABSENT)
			boot_unsafe(out, (enum tt_key_id)i, s);
	}
	for (int i = 0; i < TT_K__COUNT; i++)
		if (sd->boot[i].set && sd->boot[i].refused &&
		    in->snap->sysctl[i].state != TT_ST_ABSENT)
			boot_refused(out, (enum tt_key_id)i, &sd->boot[i]);
	for (int i = 0; i < TT_K__COUNT; i++)
		if (sd->boot[i].set && in->snap->sysctl[i].state == TT_ST_ABSENT)
			boot_absent(out, (enum tt_key_id)i, &sd->boot[i], in->snap->kernel);
}

const struct tt_rule tt_rules_sysctld[] = {
	{ .id = "sysctld_conflict",
	    .harm = TT_HARM_DRIFT,
	    .fn = rule_sysctld_conflict,
	    .ok_message = "no sysctl.d file sets a profile's key to another value",
	    OWNS_NONE,
	    .needs_profile = true },
	{ .id = "boot_config",
	    .fn = rule_boot_config,
	    .ok_message = "the boot configuration (sysctl.d) sets nothing harmful, or was not read",
	    OWNS_NONE },
};
const size_t tt_rules_sysctld_n = sizeof(tt_rules_sysctld) / sizeof(tt_rules_sysctld[0]);
