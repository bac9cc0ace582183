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

#define TT_SYSCTLD_PATH_MAX 512
/* The kernel reads at most a page of a write: text keeps that much. */
#define TT_SYSCTLD_VALUE_MAX 4096
/* tt_sysctld_read()'s present: every catalog key exists. */
#define TT_SYSCTLD_EVERY_KEY (~0ULL)

/* One assignment of a key in a file. */
struct tt_sysctld_set {
	bool set;
	char file[TT_SYSCTLD_PATH_MAX]; /* as named on the host, without the root */
	int line;
	char text[TT_SYSCTLD_VALUE_MAX]; /* the value as written */
	struct tt_val val;               /* n == 0: the text is not a strict value */
	bool glob;                       /* came from a pattern, not the key's name */
	bool optional;                   /* "-KEY = VALUE": a failed write is not an error */
	/* The kernel refuses the value (EINVAL): the write fails and the key
	 * keeps what it had, its default unless an earlier pattern set it. */
	bool refused;
	/* What the key holds after the write, as the kernel reads the text
	 * (tt_val_parse_kernel(): "012" is 10, "1 2" is 1); n == 0 when the
	 * write fails (refused, or a key this kernel lacks) or the result
	 * depends on the key's earlier value (one number for a range). */
	struct tt_val kval;
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
 * sysctl root (tt_ctx_sysctl_root(), "/" by default).  "boot" follows
 * systemd-sysctl (checked against systemd 252 by tests/diff/check-sysctld-diff.sh):
 *
 * - Files: *.conf from /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 *   /usr/lib/sysctl.d and /lib/sysctl.d; a name in an earlier directory
 *   hides the same name in a later one; a symlink to /dev/null (or an empty
 *   file) masks it; the files are read in the order of their names, each
 *   to its end, whatever its size.  /etc/sysctl.conf is not read, unless a
 *   *.conf links to it (Debian's 99-sysctl.conf).
 * - Lines end at LF, CR or NUL; CR LF and LF CR end one line, a NUL always
 *   ends the marker.  A line of 1 MiB (1048576 bytes) or more ends the
 *   file: what came before it counts, nothing after it.
 * - In a line, whitespace (space, tab) around everything is dropped; '#'
 *   or ';' starts a comment line.  "KEY = VALUE" and "-KEY = VALUE" (a
 *   failed write is no error) assign; "-KEY" without '=' is an exclusion;
 *   any other line without '=' is ignored, with a warning.
 * - Names: when the first separator is a dot, dots and slashes swap
 *   (net.ipv4.conf.eth0/1.rp_filter is net/ipv4/conf/eth0.1/rp_filter);
 *   empty and "." components and a leading slash go, so /net/ipv4/x and
 *   net//ipv4/x are net.ipv4.x.
 * - Order: one list of options, keyed by name or pattern.  A line whose
 *   name is already there with the same value changes nothing, not even
 *   the option's place; with another value, or as an exclusion, the old
 *   option goes and the new one is appended at the end.
 * - Writes: every option with a value is written in list order.  A key in
 *   the list by its own name is written once, with its value, or, as an
 *   exclusion, not at all, not even by a glob.  A glob (a name with '*',
 *   '?' or '[') is expanded with glob(3) below /proc/sys: braces give
 *   alternatives ({a,b}, nested too; braces alone make no glob), '*' and
 *   '?' never match a slash (the dot of the dotted name), and only keys
 *   that exist are matched: present has bit id set for each catalog key
 *   this kernel has (TT_SYSCTLD_EVERY_KEY: all).  A write the kernel
 *   refuses (tt_val_parse_kernel(), then the catalog's kernel bounds)
 *   changes nothing, so of the globs that write a key the last one whose
 *   value the kernel takes wins; a key whose own line is refused keeps
 *   its default.  The winner is that line, or, when every write to the
 *   key is refused, the last refused line (refused set).
 *
 * "system" (procps `sysctl --system`) is the same list with
 * /etc/sysctl.conf read after all the files.
 *
 * Problems with a file (unreadable, not a regular file, a line over the
 * limit, a line without '=') go into diags as warnings, with file and
 * line: they are not tcptune's files to reject.  Returns 0 with *out set,
 * or -ENOMEM.
 */
int tt_sysctld_read(const struct tt_ctx *ctx, unsigned long long present, struct tt_sysctld **out,
    struct tt_diags *diags);
void tt_sysctld_free(struct tt_sysctld *sd);

/*
 * Whether an assignment leaves the key at v: equal values, or, when its
 * text is not a strict value, never.
 */
bool tt_sysctld_same(const struct tt_sysctld_set *s, const struct tt_val *v);

#endif
