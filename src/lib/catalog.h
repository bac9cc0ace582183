/*
 * The catalog: everything tcptune knows about a kernel key, in one table.
 * No other file hard-codes a key's path, bounds, default or history.
 */
#ifndef TCPTUNE_CATALOG_H
#define TCPTUNE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

enum tt_key_id {
	TT_K_KEEPALIVE_TIME,
	TT_K_KEEPALIVE_INTVL,
	TT_K_KEEPALIVE_PROBES,
	TT_K_FIN_TIMEOUT,
	TT_K_MAX_TW_BUCKETS,
	TT_K_TW_REUSE,
	TT_K_TW_REUSE_DELAY,
	TT_K_TIMESTAMPS,
	TT_K_TW_RECYCLE,
	TT_K_TW_TIMEOUT,
	TT_K_MAX_ORPHANS,
	TT_K_ORPHAN_RETRIES,
	TT_K_LOCAL_PORT_RANGE,
	TT_K_SYNCOOKIES,
	TT_K_SOMAXCONN,
	TT_K__COUNT
};

/* Key flags. */
#define TT_KEY_PER_NETNS 0x1u /* each network namespace has its own */
#define TT_KEY_HOST_ONLY 0x2u /* only the initial namespace has the file */
#define TT_KEY_VENDOR    0x4u /* not upstream: some vendor kernels only */
#define TT_KEY_ORDERED   0x8u /* fields must be in non-decreasing order */
/* The kernel reads it as unsigned (proc_dou8vec_minmax, proc_douintvec_minmax):
 * a '-' is refused, even in "-0". */
#define TT_KEY_UNSIGNED 0x10u

/* k8s_safe_since of a key safe in every Kubernetes release with pod
 * sysctls. */
#define TT_K8S_SAFE_ALWAYS 1u
/* The first Kubernetes release whose pods set sysctls in
 * securityContext.sysctls (1.11; before, an alpha annotation). */
#define TT_K8S_POD_SYSCTLS_SINCE 11u

/* What Kubernetes lets a pod do with a key. */
enum tt_k8s_class {
	TT_K8S_SAFE,   /* securityContext.sysctls on any node */
	TT_K8S_UNSAFE, /* only where the kubelet's --allowed-unsafe-sysctls names it */
	TT_K8S_NODE,   /* no pod: one value for the whole node, or gone from Linux */
};

/* The first 1.N release whose safe list is the catalog's newest. */
#define TT_K8S_NEWEST 29u

/* A kernel release as one comparable number: TT_KV(4, 12) < TT_KV(6, 18). */
#define TT_KV(maj, min) (((unsigned)(maj) << 16) | ((unsigned)(min) << 8))

struct tt_key {
	enum tt_key_id id;
	const char *name; /* "net.ipv4.tcp_fin_timeout" */
	const char *unit;
	/* A time: milliseconds per unit (1000 for seconds, 1 for
	 * milliseconds); 0 for anything else. */
	unsigned time_ms;
	int nfields;              /* 1, or 2 for "low high" */
	long long kmin, kmax;     /* what the kernel accepts, per field */
	long long smin, smax;     /* what tcptune is willing to apply */
	const char *kbounds_note; /* when the kernel's limit needs words */
	struct tt_val def;        /* default; def.n == 0 when sized at boot */
	const char *def_note;     /* how the default is sized, or its history */
	struct tt_val old_def;    /* default before def_since, if it changed */
	unsigned def_since;
	unsigned since;   /* TT_KV of the first release with the key, 0 = old */
	unsigned removed; /* TT_KV of the release that removed it, 0 = present */
	unsigned flags;
	const char *netns_note;
	/* Kubernetes: the first 1.x release whose kubelet lets a pod set the
	 * key in securityContext.sysctls without --allowed-unsafe-sysctls
	 * (TT_K8S_SAFE_ALWAYS: every release with pod sysctls); 0 when the
	 * key is not on that list. */
	unsigned k8s_safe_since;
	const char *summary; /* one line */
	const char *meaning;
	const char *history;
	const char *risks;
	const char *advice;
	const char *related; /* space separated short names */
};

/* The whole table, indexed by enum tt_key_id. */
const struct tt_key *tt_catalog(void);
const struct tt_key *tt_key_get(enum tt_key_id id);

/* How a kubelet of release 1.minor treats the key. */
enum tt_k8s_class tt_key_k8s(const struct tt_key *k, unsigned minor);
/* "safe", "unsafe", "node" (the JSON spelling). */
const char *tt_k8s_class_name(enum tt_k8s_class v);
int tt_k8s_class_from_name(const char *s);

/*
 * Finds a key by its full name, with dots ("net.ipv4.tcp_fin_timeout") or
 * slashes ("net/ipv4/tcp_fin_timeout").  Returns NULL when tcptune does not
 * know it.  Nothing but an exact catalog name matches, so no user text ever
 * becomes part of a path.
 */
const struct tt_key *tt_catalog_find(const char *name);
/* As tt_catalog_find(), and also the short name ("tcp_fin_timeout"). */
const struct tt_key *tt_catalog_find_any(const char *name);

/*
 * The catalog key an unknown name most likely meant: the same subtree and a
 * short name within a few edits ("net.ipv4.tcp_recycle" gives
 * net.ipv4.tcp_tw_recycle).  NULL when nothing is that close.
 */
const struct tt_key *tt_catalog_suggest(const char *name);

/* The key's last name component: "tcp_fin_timeout", "somaxconn". */
const char *tt_key_short(const struct tt_key *k);
/* Path below the proc root: "sys/net/ipv4/tcp_fin_timeout".  0 or -ENAMETOOLONG. */
int tt_key_relpath(const struct tt_key *k, char *buf, size_t len);

/* The default on the given kernel release (TT_KV), NULL when unknown. */
const struct tt_val *tt_key_default(const struct tt_key *k, unsigned kv);
/* Whether a release has the key, by the catalog's history (kv 0: unknown).
 * No command asks yet; kept as tested API, the catalog's history in one
 * answer (tests/unit/test-catalog.c). */
bool tt_key_expected(const struct tt_key *k, unsigned kv);

/*
 * Checks a parsed value against the kernel's bounds (what a write would
 * accept) or tcptune's safe bounds.  Return 0, or -ERANGE with a reason in
 * why.
 */
int tt_key_check_kernel(const struct tt_key *k, const struct tt_val *v, char *why, size_t len);
int tt_key_check_safe(const struct tt_key *k, const struct tt_val *v, char *why, size_t len);
/* What tcptune advises for a port range on top of tt_port_range_valid():
 * ends of different parity, as the kernel asks since 4.6 (it accepts the
 * same parity and logs a warning).  0, or -ERANGE with a reason in why. */
int tt_port_range_check(const struct tt_val *v, char *why, size_t len);
/* A caution about a value that is safe and is written (check, plan and
 * apply warn, none refuses): a port range whose ends share their parity.
 * 0 when none, else -ERANGE with the caution in why. */
int tt_key_caution(const struct tt_key *k, const struct tt_val *v, char *why, size_t len);

/* Parses "6.18.44-foo" into TT_KV(6, 18); 0 when it cannot. */
unsigned tt_kv_parse(const char *release);
/* Whether v is a usable ip_local_port_range: two ports, 1 <= low <= high
 * <= 65535, as the kernel holds it. */
bool tt_port_range_valid(const struct tt_val *v);
/* Writes a TT_KV as "6.18" into buf (16 bytes hold any); returns buf. */
char *tt_kv_format(unsigned kv, char *buf, size_t len);

/* Why a key has no file here, by the catalog's history. */
enum tt_absent_why {
	TT_ABSENT_REMOVED = 0, /* removed from Linux (k->removed) */
	TT_ABSENT_HOST_ONLY,   /* only the initial network namespace has it */
	TT_ABSENT_VENDOR,      /* some vendor kernels only */
	TT_ABSENT_NEWER,       /* newer kernels only (k->since) */
	TT_ABSENT_UNKNOWN,     /* the catalog does not say */
};
enum tt_absent_why tt_key_absent_why(const struct tt_key *k);

#endif
