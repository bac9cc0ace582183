/*
 * The library context: where /proc is, where state lives, and where log
 * messages go.  The library never prints; every message it has for a human
 * goes through the caller's log function, and every failure is also a
 * return code (negative errno).  Threads, ownership, descriptors and
 * signals: docs/design.md, "The library's contract with its caller".
 */
#ifndef TCPTUNE_CTX_H
#define TCPTUNE_CTX_H

/*
 * Return values.  A library function that can fail returns 0 or a
 * negative errno.  The exceptions, each also said at its prototype:
 *  - lengths: tt_read_all(), tt_read_file(), tt_proc_read() and
 *    tt_journal_format() return the bytes read or written (>= 0);
 *  - handles and answers: tt_state_open() and tt_state_dir_open() return
 *    a descriptor (>= 0), tt_state_busy() 1 when the lock is held,
 *    tt_journal_load() and tt_journal_peek() 1 when a journal was loaded
 *    (0: there is none), tt_state_netns_named() how many namespaces
 *    were recorded under the name, tt_state_key() the length it wrote;
 *  - counts of pure functions: tt_census_top_dests(),
 *    tt_nat_parse_netdev(), tt_nat_parse_ipvs(), tt_kv_parse();
 *  - source states: the NAT adapters (nat-netlink.h, nat-xtables.h) return an enum
 *    tt_nat_source_state, since a source that cannot be read is evidence;
 *  - tt_nl_errno() only maps a libnl code to a negative errno.
 * A function returning a pointer says at its prototype what NULL means.
 */

#include <stdarg.h>
#include <stddef.h>

/* Log priorities, the syslog(3) numbers so a front end can pass them on. */
enum tt_log_prio {
	TT_LOG_ERR = 3,
	TT_LOG_WARNING = 4,
	TT_LOG_NOTICE = 5,
	TT_LOG_INFO = 6,
	TT_LOG_DEBUG = 7,
};

typedef void (*tt_log_fn)(void *data, int prio, const char *fmt, va_list ap);

struct tt_ctx;

/*
 * Returns a new context with proc root "/proc" and state directory
 * state_dir (which may be NULL: no state directory), or NULL when out of
 * memory.  Messages are dropped until tt_ctx_set_log() is called.
 */
struct tt_ctx *tt_ctx_new(const char *state_dir);
void tt_ctx_free(struct tt_ctx *ctx);
/*
 * A new context like ctx (roots, state directory, log) but with proc root
 * proc_root (NULL: ctx's own).  NULL when out of memory.
 */
struct tt_ctx *tt_ctx_dup(const struct tt_ctx *ctx, const char *proc_root);

/* Both return 0, or -ENOMEM; the string is copied. */
int tt_ctx_set_proc_root(struct tt_ctx *ctx, const char *proc_root);
int tt_ctx_set_state_dir(struct tt_ctx *ctx, const char *state_dir);
const char *tt_ctx_proc_root(const struct tt_ctx *ctx);
/*
 * The root below which sysctl.d and sysctl.conf are read: "/" by default, a
 * copy of another system's tree in tests and image builds.  0 or -ENOMEM.
 */
int tt_ctx_set_sysctl_root(struct tt_ctx *ctx, const char *root);
const char *tt_ctx_sysctl_root(const struct tt_ctx *ctx);
/*
 * Where a tuned profile's include= names are looked up: DIR/NAME/tuned.conf
 * or DIR/profiles/NAME/tuned.conf.  NULL (the default, also for a NULL ctx):
 * tuned's own /etc/tuned, then /usr/lib/tuned.  0 or -ENOMEM.
 */
int tt_ctx_set_tuned_dir(struct tt_ctx *ctx, const char *dir);
const char *tt_ctx_tuned_dir(const struct tt_ctx *ctx);
const char *tt_ctx_state_dir(const struct tt_ctx *ctx);

void tt_ctx_set_log(struct tt_ctx *ctx, tt_log_fn fn, void *data);
/* Messages above this priority number are not passed on; default NOTICE.
 * Only the tests lower it yet (to see debug messages); kept as tested API. */
void tt_ctx_set_log_priority(struct tt_ctx *ctx, int prio);

void tt_log(const struct tt_ctx *ctx, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Builds "<proc root>/<rel>" into buf.  Returns 0, or -ENAMETOOLONG when it
 * does not fit.  rel must not begin with '/'.
 */
int tt_proc_path(const struct tt_ctx *ctx, const char *rel, char *buf, size_t len);

/* CLOCK_MONOTONIC in seconds: the one clock intervals are measured on. */
double tt_monotonic(void);

#endif
