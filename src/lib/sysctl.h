/*
 * Reading (and writing) kernel keys below the proc root.
 */
#ifndef TCPTUNE_SYSCTL_H
#define TCPTUNE_SYSCTL_H

#include <stddef.h>
#include <sys/types.h>

#include "catalog.h"
#include "ctx.h"

/* What became of one reading.  Only TT_ST_OK carries a value. */
enum tt_state {
	TT_ST_UNREAD = 0, /* not looked at (yet) */
	TT_ST_OK,
	TT_ST_ABSENT, /* the file does not exist on this kernel / namespace */
	TT_ST_NOPERM, /* it exists but may not be read */
	TT_ST_FAILED, /* anything else: I/O error, unparsable contents */
};

struct tt_reading {
	enum tt_state state;
	int err; /* errno of the failure, 0 when OK */
	struct tt_val val;
};

/* Its name in text and JSON ("not permitted"); Prometheus labels write the
 * same name with '_' for ' '. */
const char *tt_state_name(enum tt_state v);
int tt_state_from_name(const char *s);

/*
 * Reads one small proc file (relative to the proc root) into buf,
 * NUL-terminated, through tt_read_all().  Returns the length read, or a negative errno; -EFBIG
 * when the file does not fit.
 */
ssize_t tt_proc_read(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len);

/* Reads one key; r->state tells the outcome.  Returns 0 or negative errno. */
int tt_sysctl_read(const struct tt_ctx *ctx, const struct tt_key *k, struct tt_reading *r);

/*
 * Writes v in canonical form with a single write() at offset 0, as the
 * kernel wants it, and fails with -EIO unless the whole length was taken.
 * Does not read back; callers verify with tt_sysctl_read().  Returns 0 or
 * a negative errno (-EINVAL when the kernel rejected the value).
 */
int tt_sysctl_write(const struct tt_ctx *ctx, const struct tt_key *k, const struct tt_val *v);

/* Kernel release from sys/kernel/osrelease, without the newline. */
int tt_read_osrelease(const struct tt_ctx *ctx, char *buf, size_t len);

#endif
