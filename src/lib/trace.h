/*
 * The tracer (tcptune trace): a BPF program that counts, per process,
 * network namespace and peer, the connections opened and accepted, who
 * closed first, TIME_WAIT entries, connect() failures by errno, resets and
 * SYN retransmissions, and keeps the time each socket entered CLOSE_WAIT.
 * The sums are made in the kernel; tt_trace_read() copies them out.  The
 * programs stay attached only while the handle is open (no pinning), so
 * a process that ends, however it ends, leaves nothing behind.
 */
#ifndef TCPTUNE_TRACE_H
#define TCPTUNE_TRACE_H

#include <stdint.h>
#include <time.h>

#include "ctx.h"
#include "netns.h"

/* The counters of a row, in the BPF program's order (trace-shared.h). */
enum tt_trace_counter {
	TT_TRACE_OPENED,
	TT_TRACE_ACCEPTED,
	TT_TRACE_CLOSED_FIRST,
	TT_TRACE_PEER_CLOSED,
	TT_TRACE_TIME_WAIT,
	TT_TRACE_RESET_SENT,
	TT_TRACE_RESET_RECEIVED,
	TT_TRACE_SYN_RETRANS,
	TT_TRACE_FAIL_ADDRNOTAVAIL,
	TT_TRACE_FAIL_TIMEDOUT,
	TT_TRACE_FAIL_REFUSED,
	TT_TRACE_FAIL_OTHER,
	TT_TRACE_NCOUNTERS
};
/* "opened", "accepted", ... "connect_failed_eaddrnotavail" */
const char *tt_trace_counter_name(enum tt_trace_counter v);
int tt_trace_counter_from_name(const char *s);

/* What could not be recorded (the losses map). */
enum tt_trace_loss {
	TT_TRACE_LOST_TABLE_FULL, /* an event whose row found no room */
	TT_TRACE_LOST_CW_FULL,    /* a CLOSE_WAIT the table had no room for */
	TT_TRACE_LOST_NO_OWNER,   /* a socket opened before tracing began */
	TT_TRACE_EVENTS,          /* every event counted (not a loss) */
	TT_TRACE_NLOSSES
};
const char *tt_trace_loss_name(enum tt_trace_loss v);
int tt_trace_loss_from_name(const char *s);

enum tt_trace_side {
	TT_TRACE_SIDE_OUT,
	TT_TRACE_SIDE_IN
};
/* "opened" (connect: port is the peer's), "accepted" (port is ours) */
const char *tt_trace_side_name(enum tt_trace_side v);
int tt_trace_side_from_name(const char *s);

/* Whose a row or a CLOSE_WAIT socket is. */
struct tt_trace_who {
	uint32_t pid; /* 0: not known (opened before tracing began) */
	char comm[16];
	uint64_t cgroup;       /* cgroup v2 id */
	char cgroup_path[256]; /* below the cgroup2 root, "" when not found */
	char workload[192];    /* pod "NAMESPACE/NAME" or "pod/UID", container "RUNTIME:ID", "" */
	struct tt_cgroup_id cg;
	uint32_t netns; /* inode of the socket's namespace */
	int family;     /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	enum tt_trace_side side;
};

struct tt_trace_row {
	struct tt_trace_who who;
	uint64_t c[TT_TRACE_NCOUNTERS];
};

struct tt_trace_closewait {
	struct tt_trace_who who;
	uint16_t lport;
	struct timespec entered; /* CLOCK_REALTIME */
	double age;              /* seconds, at the reading */
};

struct tt_trace_report {
	struct tt_trace_row *rows;
	size_t nrows;
	struct tt_trace_closewait *cw;
	size_t ncw;
	uint64_t lost[TT_TRACE_NLOSSES];
	double seconds; /* traced for */
	uint32_t netns; /* the namespace traced, 0 every one */
};

struct tt_trace_opts {
	/* The kernel's BTF; NULL: /sys/kernel/btf/vmlinux. */
	const char *btf_path;
	/* The kernel's lockdown state; NULL: /sys/kernel/security/lockdown. */
	const char *lockdown_path;
	/* The kubelet's pod logs, for pod names; NULL /var/log/pods, "" none. */
	const char *pod_log_dir;
	/* Only sockets of this namespace (its inode); 0: every namespace. */
	uint32_t netns;
};

struct tt_trace;

/*
 * Loads and attaches the tracer.  0 with *out set, or:
 *  -EOPNOTSUPP  built without the tracer (configure --without-bpf);
 *  -ENOENT      the kernel's BTF is not at opts->btf_path;
 *  -EACCES      kernel lockdown (confidentiality) forbids reading kernel memory;
 *  -EPERM       no CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN);
 *  -ENOTSUP... another negative errno: the kernel refused the program.
 * The reason is also logged.  Close with tt_trace_close().
 */
int tt_trace_open(struct tt_ctx *ctx, const struct tt_trace_opts *opts, struct tt_trace **out);
/* Copies the sums so far (rows sorted busiest first).  0 or a negative errno;
 * free with tt_trace_report_free(). */
int tt_trace_read(struct tt_trace *t, struct tt_trace_report *out);
void tt_trace_report_free(struct tt_trace_report *r);
/* Detaches and frees. */
void tt_trace_close(struct tt_trace *t);

/*
 * Names each row's and CLOSE_WAIT socket's cgroup: its path below the
 * cgroup2 mount of <proc root>/self/mountinfo and the workload that path
 * names (tt_cgroup_workload()).  Ids not found stay unnamed.  0 or -ENOMEM.
 */
int
tt_trace_name_cgroups(const struct tt_ctx *ctx, const char *pod_log_dir, struct tt_trace_report *r);

/* A row's connect() failures of every errno. */
uint64_t tt_trace_failures(const struct tt_trace_row *r);

#endif
