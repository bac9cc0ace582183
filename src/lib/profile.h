/*
 * Profiles: ini files (through libinih) that name target values and the
 * audit thresholds.  Also reads sysctl.d files and the [sysctl] section of
 * tuned profiles.
 */
#ifndef TCPTUNE_PROFILE_H
#define TCPTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "ctx.h"
#include "diag.h"
#include "guard.h"

enum tt_nat_decl {
	TT_NAT_AUTO = 0, /* let the evidence decide */
	TT_NAT_YES,
	TT_NAT_NO,
};

const char *tt_nat_decl_name(enum tt_nat_decl v);
int tt_nat_decl_from_name(const char *s);

/*
 * Audit thresholds: X(name, default, min, max, description).  One list
 * drives the struct, the defaults, the parser and the documentation.
 */
#define TT_THRESHOLDS(X)                                                                        \
	X(nat_idle_timeout, 240, 10, 2592000,                                                   \
	    "seconds a NAT or load balancer on the path keeps an idle connection")              \
	X(close_wait_warn, 100, 1, 100000000,                                                   \
	    "CLOSE_WAIT sockets that make a warning (and look for their owners)")               \
	X(close_wait_age_warn, 600, 1, 4294967,                                                 \
	    "seconds a CLOSE_WAIT socket sits idle before it makes a warning naming its owner") \
	X(tw_buckets_warn_pct, 80, 1, 100,                                                      \
	    "TIME_WAIT as a percentage of tcp_max_tw_buckets that makes a warning")             \
	X(port_pressure_warn_pct, 70, 1, 100,                                                   \
	    "ephemeral ports in use towards one destination, percent of the range")             \
	X(fin_wait2_warn, 1000, 1, 100000000, "orphaned FIN_WAIT2 sockets that make a warning") \
	X(orphans_warn_pct, 80, 1, 100,                                                         \
	    "orphans as a percentage of tcp_max_orphans that makes a warning")

struct tt_thresholds {
#define TT_THR_FIELD(name, def, min, max, desc) long long name;
	TT_THRESHOLDS(TT_THR_FIELD)
#undef TT_THR_FIELD
};

void tt_thresholds_default(struct tt_thresholds *t);

struct tt_setting {
	bool set;
	/* "-key = value" in a sysctl.d-style file: ignore the key where the
	 * kernel does not have it, as systemd-sysctl does. */
	bool optional;
	int line;
	int file;  /* which file set it: 0 the profile, 1.. tuned includes */
	int depth; /* how deep in the includes that file is */
	struct tt_val val;
	/* tuned's ">N" / "<N", compared with the live value when the profile
	 * was read: "tuned's >2048: live 4096, unchanged" ("" otherwise) */
	char note[96];
};

struct tt_profile {
	char *path;
	char *description;
	enum tt_nat_decl nat;
	bool nat_given; /* nat= appeared in the file */
	struct tt_setting sysctl[TT_K__COUNT];
	struct tt_thresholds thr;
	struct tt_guard_config guard; /* [guard]: apply --guard's settings */
	/* The tuned files read through include= (and [variables] files), in
	 * the order read: a setting's file N > 0 is includes[N - 1]. */
	char **includes;
	int nincludes;
};

/* The file a setting comes from: the profile's path, or an include's. */
const char *tt_setting_file(const struct tt_profile *p, const struct tt_setting *s);

#define TT_PROFILE_IGNORE_UNKNOWN 0x1u /* unknown keys warn instead of fail */

/*
 * Loads the profile at path.  Every problem goes into diags with file, line,
 * key and reason.  Returns 0 with *out set, or a negative errno with *out
 * NULL: -ENOENT (no such file), -EACCES (unreadable), -EINVAL (the file has
 * errors, in diags), -ENOMEM.  Warnings and notices alone do not fail.
 *
 * Files are read as they are: a sysctl.d-style file (no [profile]
 * section) as systemd-sysctl reads it ("-key" ignored where absent, a later
 * duplicate winning with a warning, no setting at all an empty profile
 * with a notice), a tuned profile with its include= chain (looked up as
 * tt_ctx_tuned_dir() says) under its own settings.  A directory holding a
 * tuned.conf is that tuned profile.
 */
int tt_profile_load(struct tt_ctx *ctx, const char *path, unsigned flags, struct tt_profile **out,
    struct tt_diags *diags);
/*
 * The same for a profile already in memory: buf holds len bytes (need not
 * end in NUL), and path only names it in diagnostics.  Nothing is read
 * from a file, so this is what the fuzzer calls.
 */
int tt_profile_parse(struct tt_ctx *ctx, const char *path, const char *buf, size_t len,
    unsigned flags, struct tt_profile **out, struct tt_diags *diags);
void tt_profile_free(struct tt_profile *p);

#endif
