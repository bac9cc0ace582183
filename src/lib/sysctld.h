/*
 * sysctl.d: what the files that systemd-sysctl (at boot) and `sysctl
 * --system` (procps, later, by hand or by a package) would write to the
 * keys tcptune manages, and which file and line wins for each.
 *
 * The files are someone else's: any key, any number of files, the same key
 * in several of them.  They are read with a small parser of their own, not
 * the profile loader, which must stay strict about a profile (unknown keys
 * and duplicates are errors there, and ini sections mean something).
 */
#ifndef TCPTUNE_SYSCTLD_H
#define TCPTUNE_SYSCTLD_H

#include <stdbool.h>

#include "catalog.h"
#include "ctx.h"
#include "diag.h"
#include "rules.h"

#define TT_SYSCTLD_PATH_MAX  512
#define TT_SYSCTLD_VALUE_MAX 64

/* One assignment of a key in a file. */
struct tt_sysctld_set {
	bool set;
	char file[TT_SYSCTLD_PATH_MAX]; /* as named on the host, without the root */
	int line;
	char text[TT_SYSCTLD_VALUE_MAX]; /* the value as written */
	struct tt_val val;               /* n == 0: the text is not a strict value */
	bool glob;                       /* came from a pattern, not the key's name */
};

struct tt_sysctld {
	int nfiles; /* configuration files read */
	/* What systemd-sysctl leaves at boot: the sysctl.d directories only. */
	struct tt_sysctld_set boot[TT_K__COUNT];
	/* What `sysctl --system` leaves: the same, then /etc/sysctl.conf. */
	struct tt_sysctld_set system[TT_K__COUNT];
};

/*
 * Reads the sysctl.d directories and /etc/sysctl.conf below the context's
 * sysctl root (tt_ctx_sysctl_root(), "/" by default), following
 * systemd-sysctl's rules: *.conf files from /etc/sysctl.d, /run/sysctl.d,
 * /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d; a file name
 * in an earlier directory hides the same name in a later one; a symlink to
 * /dev/null masks it; the files are read in the order of their names, and
 * a later assignment of a key wins over an earlier one.  An explicit key
 * wins over a glob pattern matching it, wherever it appears.  procps reads
 * /etc/sysctl.conf after all of them.
 *
 * Problems with a file (unreadable, not a regular file, larger than 1 MiB,
 * a line without '=') go into diags as warnings: they are not tcptune's files to reject.  Returns 0 with *out
 * set, or -ENOMEM.
 */
int tt_sysctld_read(const struct tt_ctx *ctx, struct tt_sysctld **out, struct tt_diags *diags);
void tt_sysctld_free(struct tt_sysctld *sd);

/*
 * Whether an assignment leaves the key at v: equal values, or, when its
 * text is not a strict value, never.
 */
bool tt_sysctld_same(const struct tt_sysctld_set *s, const struct tt_val *v);

#endif
