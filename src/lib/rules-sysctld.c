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
		boot_differs = boot->set && !tt_sysctld_same(boot, &want->val);
		sys_differs = sys->set && !tt_sysctld_same(sys, &want->val);
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

const struct tt_rule tt_rules_sysctld[] = {
	{ .id = "sysctld_conflict",
	    .fn = rule_sysctld_conflict,
	    .ok_message = "no sysctl.d file sets a profile's key to another value",
	    OWNS_NONE,
	    .needs_profile = true },
};
const size_t tt_rules_sysctld_n = sizeof(tt_rules_sysctld) / sizeof(tt_rules_sysctld[0]);
