/*
 * The catalog of keys.  Facts here follow the kernel sources of the
 * release each line names; the prose is tcptune's own.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "strtab.h"

/* clang-format off: it takes the braces of an initialiser for a block. */
#define V1(a)                          \
	{                              \
		.n = 1, .v = {(a), 0 } \
	}
#define V2(a, b)                         \
	{                                \
		.n = 2, .v = {(a), (b) } \
	}
/* clang-format on */
/* Seconds kept in jiffies: the kernel refuses |v| > INT_MAX / HZ, so the
 * bound depends on the kernel's HZ.  tcptune applies the bound for
 * HZ=1000, the highest HZ in use, which every kernel accepts. */
#define JIFFY_SECS (INT_MAX / 1000)
#define JIFFY_NOTE                                                             \
	"|value| <= INT_MAX/HZ, which depends on the kernel's HZ: 2147483 at " \
	"HZ=1000, 8589934 at HZ=250; tcptune applies 2147483, which every "    \
	"kernel accepts"

static const struct tt_key catalog[TT_K__COUNT] = {
	[TT_K_KEEPALIVE_TIME] = { .id = TT_K_KEEPALIVE_TIME,
		.name = "net.ipv4.tcp_keepalive_time",
		.unit = "seconds",
		.time_ms = 1000,
		.nfields = 1,
		.kmin = -JIFFY_SECS, .kmax = JIFFY_SECS, .kbounds_note = JIFFY_NOTE,
		.smin = 30, .smax = 86400,
		.def = V1(7200),
		.flags = TT_KEY_PER_NETNS,
		.netns_note = "per network namespace since 4.5",
		.k8s_safe_since = 29,
		.summary = "idle time before the first keepalive probe",
		.meaning =
		    "How long a connection may sit idle before the kernel sends the first "
		    "keepalive probe. It applies only to sockets that turned on SO_KEEPALIVE "
		    "and did not set their own TCP_KEEPIDLE; every other socket is never "
		    "probed, however long it idles. No probe is sent while data is "
		    "unacknowledged: a peer that vanished with data in flight is found "
		    "by retransmissions (tcp_retries2, about 15 minutes) or the "
		    "socket's TCP_USER_TIMEOUT, not by keepalive.",
		.history = "Per network namespace since Linux 4.5.",
		.risks =
		    "The default of two hours is longer than the idle timeout of most NAT "
		    "gateways, firewalls and load balancers (minutes, not hours). Figures "
		    "tcptune relies on: an AWS NAT gateway or Network Load Balancer drops "
		    "an idle TCP flow after 350 s, Azure Load Balancer and NAT gateway "
		    "after 4 minutes by default, Google Cloud NAT after 20 minutes; hence "
		    "the nat_idle_timeout threshold of 240 s. An idle connection through "
		    "one of them is forgotten by the middlebox long before the first "
		    "probe, and the next packet meets a reset or silence. Very short "
		    "values make every idle keepalive socket send traffic.",
		.advice =
		    "Behind NAT or a load balancer keep it, and tcp_keepalive_intvl, below "
		    "the middlebox idle timeout (below 240 s, e.g. 120 s). Better still, let "
		    "the application set TCP_KEEPIDLE on the sockets that need it. A lowered "
		    "value reaches a connection open now only when its keepalive timer next "
		    "fires on the old schedule (up to the old value later); sock_diag shows "
		    "each socket's timer (`ss -to`).",
		.related = "tcp_keepalive_intvl tcp_keepalive_probes",
	},
	[TT_K_KEEPALIVE_INTVL] = { .id = TT_K_KEEPALIVE_INTVL,
		.name = "net.ipv4.tcp_keepalive_intvl",
		.unit = "seconds",
		.time_ms = 1000,
		.nfields = 1,
		.kmin = -JIFFY_SECS, .kmax = JIFFY_SECS, .kbounds_note = JIFFY_NOTE,
		.smin = 5, .smax = 600,
		.def = V1(75),
		.flags = TT_KEY_PER_NETNS,
		.netns_note = "per network namespace since 4.5",
		.k8s_safe_since = 29,
		.summary = "seconds between unanswered keepalive probes",
		.meaning =
		    "Once a keepalive socket has been idle for tcp_keepalive_time, the "
		    "kernel repeats an unanswered probe every tcp_keepalive_intvl seconds "
		    "until tcp_keepalive_probes probes went unanswered, then drops the "
		    "connection. Dead-peer detection of an idle connection takes "
		    "time + intvl x probes. The timer also re-arms at this interval after "
		    "an answered probe, and a probe goes out only once the connection has "
		    "been idle for tcp_keepalive_time: on an idle connection whose peer "
		    "answers, packets cross a middlebox every max(tcp_keepalive_time, "
		    "tcp_keepalive_intvl) seconds.",
		.history = "Per network namespace since Linux 4.5.",
		.risks = "Long intervals stretch the time a dead peer holds resources. An interval "
			 "longer than a NAT's idle timeout lets it forget an idle connection "
			 "between two probes, even with a short tcp_keepalive_time (45 s time "
			 "and 75 s interval lose a 60 s conntrack entry).",
		.advice = "15 to 75 s is usual; behind NAT keep both it and tcp_keepalive_time "
			  "below the middlebox's idle timeout; pair it with "
			  "tcp_keepalive_probes.",
		.related = "tcp_keepalive_time tcp_keepalive_probes",
	},
	[TT_K_KEEPALIVE_PROBES] = { .id = TT_K_KEEPALIVE_PROBES,
		.name = "net.ipv4.tcp_keepalive_probes",
		.unit = "probes",
		.nfields = 1,
		.kmin = 0, .kmax = 255, .kbounds_note = "an unsigned byte",
		.smin = 1, .smax = 50,
		.def = V1(9),
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace since 4.5",
		.k8s_safe_since = 29,
		.summary = "unanswered keepalive probes before the connection is dropped",
		.meaning =
		    "How many keepalive probes may go unanswered before the kernel gives "
		    "up on the peer and resets the connection (the per-socket TCP_KEEPCNT "
		    "option caps at 127). 0 drops the connection when the idle time "
		    "is reached, without sending any probe.",
		.history = "Per network namespace since Linux 4.5.",
		.risks = "One or two probes turn a single lost packet into a dropped connection.",
		.advice = "Keep 3 or more.",
		.related = "tcp_keepalive_time tcp_keepalive_intvl",
	},
	[TT_K_FIN_TIMEOUT] = { .id = TT_K_FIN_TIMEOUT,
		.name = "net.ipv4.tcp_fin_timeout",
		.unit = "seconds",
		.time_ms = 1000,
		.nfields = 1,
		.kmin = -JIFFY_SECS, .kmax = JIFFY_SECS, .kbounds_note = JIFFY_NOTE,
		.smin = 10, .smax = 300,
		.def = V1(60),
		.flags = TT_KEY_PER_NETNS,
		.netns_note = "per network namespace since 4.6",
		.k8s_safe_since = 29,
		.summary = "lifetime of an orphaned FIN_WAIT2 socket",
		.meaning =
		    "How long a socket stays in FIN_WAIT2 after the application closed it "
		    "(an orphan: no process holds it) while the peer has not sent its FIN. "
		    "It is not the length of TIME_WAIT, which the kernel fixes at 60 s, and "
		    "it does nothing for a socket that was only shut down with shutdown() "
		    "and is still open in the application. The kernel never makes it "
		    "shorter than 3.5 retransmission timeouts of the connection; above "
		    "60 s the excess is spent as a full socket, the rest as a small "
		    "timewait socket.",
		.history =
		    "Per network namespace since Linux 4.6. Folk tuning guides often "
		    "describe it as the TIME_WAIT timeout; it never was.",
		.risks =
		    "Lowering it does not shorten TIME_WAIT. Very low values (1 or 2 s) cut "
		    "off peers that are slow to send their FIN, which then meet a reset.",
		.advice =
		    "15 to 30 s is plenty where many orphaned FIN_WAIT2 sockets pile up; "
		    "otherwise the default is fine. To deal with TIME_WAIT, look at "
		    "tcp_tw_reuse and connection reuse instead.",
		.related = "tcp_max_orphans tcp_max_tw_buckets tcp_orphan_retries",
	},
	[TT_K_MAX_TW_BUCKETS] = { .id = TT_K_MAX_TW_BUCKETS,
		.name = "net.ipv4.tcp_max_tw_buckets",
		.unit = "sockets",
		.nfields = 1,
		.kmin = INT_MIN, .kmax = INT_MAX,
		.kbounds_note = "any int; 0 keeps no TIME_WAIT socket at all, a negative value "
				"means no limit",
		.smin = 8192, .smax = 67108864,
		.def_note = "sized from the machine's memory at boot: half the TCP established "
			    "hash, so it differs between machines; in a namespace with its own "
			    "hash (tcp_child_ehash_entries, 6.1+) half of that",
		.flags = TT_KEY_PER_NETNS,
		.netns_note = "per network namespace since 4.11",
		.summary = "most TIME_WAIT (and orphaned FIN_WAIT2) minisockets at once",
		.meaning =
		    "The most timewait minisockets the namespace keeps at once; the count "
		    "includes TIME_WAIT and orphaned FIN_WAIT2 sockets. Past the limit a "
		    "closing connection skips TIME_WAIT altogether and the TcpExt counter "
		    "TCPTimeWaitOverflow goes up (current kernels log nothing).",
		.history = "Per network namespace since Linux 4.11.",
		.risks =
		    "Skipping TIME_WAIT lets a late segment of an old connection land in a "
		    "new one on the same 4-tuple. A low limit hides the symptom rather than "
		    "fixing the cause; 0 switches TIME_WAIT off entirely. A negative "
		    "value is the opposite: no limit at all, so a closing storm can "
		    "keep any number of timewait sockets and the memory they take.",
		.advice =
		    "Raise it if TCPTimeWaitOverflow grows; each minisocket costs a few "
		    "hundred bytes. Reduce the TIME_WAIT rate itself with connection reuse "
		    "(keep-alive, pools) on the side that closes first.",
		.related = "tcp_tw_reuse tcp_fin_timeout",
	},
	[TT_K_TW_REUSE] = { .id = TT_K_TW_REUSE,
		.name = "net.ipv4.tcp_tw_reuse",
		.unit = "mode (0 off, 1 on, 2 loopback only)",
		.nfields = 1,
		.kmin = 0, .kmax = 2,
		.smin = 0, .smax = 2,
		.def = V1(2), .old_def = V1(0), .def_since = TT_KV(4, 19),
		.def_note = "2 since 4.19; 0 before",
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace",
		.summary = "let outgoing connections reuse a TIME_WAIT 4-tuple",
		.meaning =
		    "Lets connect() take a source port whose 4-tuple is still in TIME_WAIT, "
		    "when TCP timestamps are on for that old connection and "
		    "tcp_tw_reuse_delay has passed since it entered TIME_WAIT; the "
		    "timestamps let the kernel tell old segments from new ones. 1 allows it "
		    "for every destination, 2 only for loopback (so for loopback churn "
		    "the default 2 already reuses and 1 changes nothing there). It only "
		    "helps the side that opens connections: incoming connections are "
		    "never affected. A socket that bind()s its local port explicitly "
		    "before connect() does not go through this check at all.",
		.history =
		    "Value 2 (loopback only) was added and made the default in Linux 4.19; "
		    "before, the default was 0.",
		.risks =
		    "Without tcp_timestamps it silently does nothing. It is the safe "
		    "replacement for tcp_tw_recycle, not a cure for an application that "
		    "opens a new connection per request.",
		.advice =
		    "Set 1 on hosts that make many outgoing connections to few destinations "
		    "(proxies, API clients) and keep tcp_timestamps on.",
		.related = "tcp_timestamps tcp_tw_reuse_delay ip_local_port_range tcp_tw_recycle",
	},
	[TT_K_TW_REUSE_DELAY] = { .id = TT_K_TW_REUSE_DELAY,
		.name = "net.ipv4.tcp_tw_reuse_delay",
		.unit = "milliseconds",
		.time_ms = 1,
		.nfields = 1,
		.kmin = 1, .kmax = 60000,
		.smin = 100, .smax = 60000,
		.def = V1(1000),
		.since = TT_KV(6, 14),
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace",
		.summary = "time in TIME_WAIT before tcp_tw_reuse may take the 4-tuple",
		.meaning =
		    "How long a connection must have been in TIME_WAIT before tcp_tw_reuse "
		    "lets a new outgoing connection take its 4-tuple. Kernels before 6.14 "
		    "have no key: they wait until a whole second has passed since the "
		    "last timestamp received, so 1 to 2 s.",
		.history = "Added in Linux 6.14; before, the wait was 1 to 2 s, counted in whole "
			   "seconds from the last timestamp received.",
		.risks = "Very short delays let duplicates of the old connection still in flight reach the new one.",
		.advice = "Leave at 1000 ms unless port pressure is extreme.",
		.related = "tcp_tw_reuse",
	},
	[TT_K_TIMESTAMPS] = { .id = TT_K_TIMESTAMPS,
		.name = "net.ipv4.tcp_timestamps",
		.unit = "mode (0 off, 1 on with a random offset, 2 on without offset)",
		.nfields = 1,
		.kmin = 0, .kmax = 255, .kbounds_note = "an unsigned byte; 3..255 behave as 2",
		.smin = 1, .smax = 2,
		.def = V1(1),
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace; value 2 since 4.10",
		.summary = "TCP timestamps option (RFC 7323)",
		.meaning =
		    "Adds the timestamps option to TCP segments. It gives RTT measurement, "
		    "PAWS (protection against old segments with wrapped sequence numbers) "
		    "and the proof tcp_tw_reuse needs. 1 adds a random offset so the clock "
		    "does not reveal uptime; 2 leaves the offset out.",
		.history =
		    "What the random offset is keyed on depends on the kernel: Linux 4.10 "
		    "gave each connection its own (and added value 2), 4.11 went back to "
		    "one offset per source and destination address pair, and current "
		    "kernels (7.0, and stable releases with the change backported) give "
		    "each connection its own again.",
		.risks =
		    "Turning timestamps off, a common folk fix for tcp_tw_recycle trouble, "
		    "also turns off PAWS and makes tcp_tw_reuse do nothing.",
		.advice = "Keep 1.",
		.related = "tcp_tw_reuse tcp_tw_recycle",
	},
	[TT_K_TW_RECYCLE] = { .id = TT_K_TW_RECYCLE,
		.name = "net.ipv4.tcp_tw_recycle",
		.unit = "boolean",
		.nfields = 1,
		.kmin = 0, .kmax = 1,
		.smin = 0, .smax = 1,
		.def = V1(0),
		.removed = TT_KV(4, 12),
		.netns_note = "per network namespace only in 4.11, its last release",
		.summary = "fast TIME_WAIT recycling (removed in Linux 4.12; unsafe behind NAT)",
		.meaning =
		    "On kernels before 4.12, cut TIME_WAIT to a few retransmission timeouts "
		    "and, to make that safe, remembered for each peer address the last TCP "
		    "timestamp it had sent. A new SYN from that address within 60 s "
		    "carrying an older timestamp was taken for a stray old segment and "
		    "dropped without a word (counted in TcpExt PAWSPassive, a counter "
		    "that went away with the key).",
		.history =
		    "Linux 4.10 gave every connection its own random timestamp offset, so "
		    "timestamps from one host were no longer comparable across its "
		    "connections and recycling misfired for every peer, NAT or not. "
		    "4.11 went back to one offset per address pair, so it worked again, "
		    "except for clients behind NAT; 4.12 removed the key. On current "
		    "kernels the file does not exist.",
		.risks =
		    "Behind NAT many clients share one address, but each client has its "
		    "own timestamp clock. To the server their timestamps seem to jump "
		    "backwards, and the SYNs of every client whose clock is behind are "
		    "dropped: connections fail intermittently, with no error on either "
		    "side, only for some clients. The same happens behind a load balancer "
		    "or a carrier-grade NAT you do not control.",
		.advice =
		    "Never turn it on. Leave it at 0 on old kernels and remove it from "
		    "sysctl.conf on new ones (setting it there only yields an error). "
		    "For outgoing connection churn use tcp_tw_reuse=1 with timestamps on; "
		    "for TIME_WAIT pressure raise tcp_max_tw_buckets and reuse connections.",
		.related = "tcp_tw_reuse tcp_timestamps tcp_max_tw_buckets",
	},
	[TT_K_TW_TIMEOUT] = { .id = TT_K_TW_TIMEOUT,
		.name = "net.ipv4.tcp_tw_timeout",
		.unit = "seconds",
		.time_ms = 1000,
		.nfields = 1,
		.kmin = 1, .kmax = 600,
		.smin = 30, .smax = 600,
		.def = V1(60),
		.flags = TT_KEY_PER_NETNS | TT_KEY_VENDOR,
		.netns_note = "per network namespace on the kernels that have it",
		.summary = "TIME_WAIT length (vendor kernels only)",
		.meaning =
		    "The length of TIME_WAIT in seconds. Upstream Linux has no such key "
		    "(TIME_WAIT is fixed at 60 s); only some vendor kernels (Alibaba Cloud "
		    "Linux 2 and 3) add it.",
		.history = "Not in upstream Linux; absent on almost every kernel.",
		.risks =
		    "Short TIME_WAIT gives old duplicates less time to die before the "
		    "4-tuple is used again.",
		.advice = "Prefer tcp_tw_reuse for outgoing churn; keep 60 unless the vendor documents otherwise.",
		.related = "tcp_max_tw_buckets tcp_tw_reuse",
	},
	[TT_K_MAX_ORPHANS] = { .id = TT_K_MAX_ORPHANS,
		.name = "net.ipv4.tcp_max_orphans",
		.unit = "sockets",
		.nfields = 1,
		.kmin = INT_MIN, .kmax = INT_MAX,
		.smin = 4096, .smax = 16777216,
		.def_note = "sized from the machine's memory at boot, so it differs between "
			    "machines",
		.flags = TT_KEY_HOST_ONLY,
		.netns_note = "global: only the initial network namespace has the file",
		.summary = "most orphaned sockets in the whole system",
		.meaning =
		    "The most orphaned TCP sockets (closed by their application, still "
		    "finishing their close) the whole system keeps. Past it the kernel "
		    "resets orphans at once and logs \"too many orphaned sockets\".",
		.history = "Global: a child network namespace, such as a container's, has no such file.",
		.risks = "A low limit resets connections that were closing normally.",
		.advice =
		    "Raise it only when orphans approach it; many orphans usually mean "
		    "peers that do not finish their close, where tcp_fin_timeout and "
		    "tcp_orphan_retries matter more.",
		.related = "tcp_orphan_retries tcp_fin_timeout",
	},
	[TT_K_ORPHAN_RETRIES] = { .id = TT_K_ORPHAN_RETRIES,
		.name = "net.ipv4.tcp_orphan_retries",
		.unit = "retries, applied as a time budget (0 means 8)",
		.nfields = 1,
		.kmin = 0, .kmax = 255, .kbounds_note = "an unsigned byte",
		.smin = 0, .smax = 15,
		.def = V1(0),
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace",
		.summary = "retransmissions before an unanswered orphan is killed",
		.meaning =
		    "How long the kernel keeps retransmitting for an orphaned socket whose "
		    "peer does not answer. It is given as a count but applied as a time: "
		    "the time that many doublings of a 200 ms retransmission timeout "
		    "take (8 is about 102 s, 3 about 3 s), so a peer with a long "
		    "round trip gets fewer real retransmissions than the number. 0 "
		    "means 8, except after an ICMP soft error once the timeout is at "
		    "its maximum, when 0 means 0.",
		.history = "",
		.risks = "High values keep orphans of dead peers for many minutes.",
		.advice = "Lower it (2 to 4) on busy servers that see many orphans from vanished clients.",
		.related = "tcp_max_orphans tcp_fin_timeout",
	},
	[TT_K_LOCAL_PORT_RANGE] = { .id = TT_K_LOCAL_PORT_RANGE,
		.name = "net.ipv4.ip_local_port_range",
		.unit = "ports (low high)",
		.nfields = 2,
		.kmin = 1, .kmax = 65535,
		.kbounds_note = "each in 1..65535, low <= high, low not below "
				"ip_unprivileged_port_start; ends of the same parity are "
				"taken with a warning in the kernel log",
		.smin = 1024, .smax = 65535,
		.def = V2(32768, 60999),
		.flags = TT_KEY_PER_NETNS | TT_KEY_ORDERED,
		.netns_note = "per network namespace",
		.k8s_safe_since = TT_K8S_SAFE_ALWAYS,
		.summary = "ephemeral source ports for outgoing connections",
		.meaning =
		    "The source ports the kernel picks from for connect() without bind(). "
		    "Each (source address, destination address, destination port) can hold "
		    "at most this many connections at once, TIME_WAIT included; when they "
		    "run out, connect() fails with \"Cannot assign requested address\". "
		    "Ports listed in ip_local_reserved_ports are skipped. Since 4.6 "
		    "connect() prefers ports of one parity and bind() to port 0 the "
		    "other, so the two ends should differ in parity.",
		.history = "Since Linux 4.6 the kernel asks for ends of different parity.",
		.risks =
		    "Starting the range low can collide with ports that services listen "
		    "on; a range that overlaps a listener makes that service fail to start "
		    "when a client happens to hold its port.",
		.advice =
		    "Widen it (e.g. 10240 65001: ends of different parity) on hosts that "
		    "open many outgoing connections to few destinations, and reserve "
		    "listening ports inside it with ip_local_reserved_ports.",
		.related = "tcp_tw_reuse",
	},
	[TT_K_SYNCOOKIES] = { .id = TT_K_SYNCOOKIES,
		.name = "net.ipv4.tcp_syncookies",
		.unit = "mode (0 off, 1 on overflow, 2 always)",
		.nfields = 1,
		.kmin = 0, .kmax = 255, .kbounds_note = "an unsigned byte",
		.smin = 1, .smax = 2,
		.def = V1(1),
		.flags = TT_KEY_PER_NETNS | TT_KEY_UNSIGNED,
		.netns_note = "per network namespace since 4.6",
		.k8s_safe_since = TT_K8S_SAFE_ALWAYS,
		.summary = "SYN cookies when a listen queue overflows",
		.meaning =
		    "With 1 the kernel answers SYNs with cookies once a listener's SYN "
		    "queue is full, so a SYN flood cannot lock out real clients; 2 uses "
		    "cookies always.",
		.history = "Per network namespace since Linux 4.6.",
		.risks =
		    "0 leaves listeners open to SYN floods. With 2 every connection is "
		    "set up from a cookie: the exact MSS (rounded to one of a few "
		    "values), Fast Open and SYN-ACK retransmission are lost; window "
		    "scaling, SACK and ECN survive in the timestamp when the peer sends "
		    "timestamps, and are lost when it does not.",
		.advice = "Keep 1.",
		.related = "somaxconn",
	},
	[TT_K_SOMAXCONN] = { .id = TT_K_SOMAXCONN,
		.name = "net.core.somaxconn",
		.unit = "connections",
		.nfields = 1,
		.kmin = 0, .kmax = INT_MAX,
		.smin = 128, .smax = 1048576,
		.def = V1(4096), .old_def = V1(128), .def_since = TT_KV(5, 4),
		.def_note = "4096 since 5.4; 128 before",
		.flags = TT_KEY_PER_NETNS,
		.netns_note = "per network namespace",
		.summary = "cap on the listen() backlog",
		.meaning =
		    "The largest accept queue a listen() call gets; a larger backlog is "
		    "cut to this without an error. It is read at listen(): a running "
		    "service keeps the cap it got until it listens again (a restart).",
		.history = "The default rose from 128 to 4096 in Linux 5.4.",
		.risks = "A small cap drops connections under bursts (ListenOverflows).",
		.advice = "4096 is enough for most; raise it with the application's own backlog.",
		.related = "tcp_syncookies",
	},
};

const struct tt_key *
tt_catalog(void)
{
	return catalog;
}

const struct tt_key *
tt_key_get(enum tt_key_id id)
{
	if ((int)id < 0 || id >= TT_K__COUNT)
		return NULL;
	return &catalog[id];
}

const char *
tt_key_short(const struct tt_key *k)
{
	const char *dot = strrchr(k->name, '.');

	return dot ? dot + 1 : k->name;
}

int
tt_key_relpath(const struct tt_key *k, char *buf, size_t len)
{
	int n = snprintf(buf, len, "sys/%s", k->name);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	for (char *p = buf + 4; *p != '\0'; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

const struct tt_key *
tt_catalog_find(const char *name)
{
	char norm[128];
	size_t n;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	if (n == 0 || n >= sizeof(norm))
		return NULL;
	/* sysctl(8) accepts "net/ipv4/x" for "net.ipv4.x": no catalog name has
	 * a dot inside a component, so mapping '/' to '.' is enough. */
	for (size_t i = 0; i <= n; i++) {
		norm[i] = name[i];
		if (norm[i] == '/')
			norm[i] = '.';
	}
	for (int i = 0; i < TT_K__COUNT; i++)
		if (strcmp(catalog[i].name, norm) == 0)
			return &catalog[i];
	return NULL;
}

const struct tt_key *
tt_catalog_find_any(const char *name)
{
	const struct tt_key *k = tt_catalog_find(name);

	if (k != NULL || name == NULL)
		return k;
	for (int i = 0; i < TT_K__COUNT; i++)
		if (strcmp(tt_key_short(&catalog[i]), name) == 0)
			return &catalog[i];
	return NULL;
}

/* Edit distance between two short strings, capped at cap + 1. */
static size_t
edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= sizeof(row) / sizeof(row[0]) || lb >= sizeof(row) / sizeof(row[0]))
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (a[i - 1] != b[j - 1]);
			size_t del = up + 1, ins = row[j - 1] + 1;

			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			diag = up;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

const struct tt_key *
tt_catalog_suggest(const char *name)
{
	char norm[128];
	const char *shortname, *dot;
	size_t n, prefix, best_d = 4;
	const struct tt_key *best = NULL;

	if (name == NULL || (n = strlen(name)) == 0 || n >= sizeof(norm))
		return NULL;
	memcpy(norm, name, n + 1);
	for (char *p = norm; *p != '\0'; p++)
		if (*p == '/')
			*p = '.';
	dot = strrchr(norm, '.');
	shortname = dot ? dot + 1 : norm;
	prefix = (size_t)(shortname - norm);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const char *ks = tt_key_short(&catalog[i]);
		size_t d;

		/* "net.ipv4.x" suggests only keys of net.ipv4. */
		if (prefix != 0 &&
		    (prefix != (size_t)(ks - catalog[i].name) ||
			strncmp(norm, catalog[i].name, prefix) != 0))
			continue;
		d = edit_distance(shortname, ks, 3);
		/* Close enough to be a slip, not another key: at most 3 edits
		 * and no more than a third of the name. */
		if (d < best_d && d * 3 <= strlen(shortname)) {
			best_d = d;
			best = &catalog[i];
		}
	}
	return best;
}

const struct tt_val *
tt_key_default(const struct tt_key *k, unsigned kv)
{
	if (k->def.n == 0)
		return NULL;
	if (k->def_since != 0 && kv != 0 && kv < k->def_since)
		return &k->old_def;
	return &k->def;
}

bool
tt_key_expected(const struct tt_key *k, unsigned kv)
{
	if (k->flags & TT_KEY_VENDOR)
		return false;
	if (kv == 0)
		return k->removed == 0;
	if (k->since != 0 && kv < k->since)
		return false;
	if (k->removed != 0 && kv >= k->removed)
		return false;
	return true;
}

bool
tt_port_range_valid(const struct tt_val *v)
{
	return v != NULL && v->n == 2 && v->v[0] >= 1 && v->v[0] <= v->v[1] && v->v[1] <= 65535;
}

char *
tt_kv_format(unsigned kv, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", kv >> 16, (kv >> 8) & 0xff);
	return buf;
}

enum tt_absent_why
tt_key_absent_why(const struct tt_key *k)
{
	if (k->removed != 0)
		return TT_ABSENT_REMOVED;
	if (k->flags & TT_KEY_HOST_ONLY)
		return TT_ABSENT_HOST_ONLY;
	if (k->flags & TT_KEY_VENDOR)
		return TT_ABSENT_VENDOR;
	if (k->since != 0)
		return TT_ABSENT_NEWER;
	return TT_ABSENT_UNKNOWN;
}

static int
check_bounds(const struct tt_key *k, const struct tt_val *v, long long lo, long long hi,
    const char *what, char *why, size_t len)
{
	if (v->n != k->nfields) {
		snprintf(why, len, "%d value%s expected", k->nfields, k->nfields == 1 ? "" : "s");
		return -ERANGE;
	}
	for (int i = 0; i < v->n; i++) {
		if (v->v[i] < lo || v->v[i] > hi) {
			snprintf(why, len, "%lld is outside %s %lld..%lld", v->v[i], what, lo, hi);
			return -ERANGE;
		}
	}
	if ((k->flags & TT_KEY_ORDERED) && v->n == 2 && v->v[0] > v->v[1]) {
		snprintf(why, len, "low %lld is above high %lld", v->v[0], v->v[1]);
		return -ERANGE;
	}
	return 0;
}

int
tt_key_check_kernel(const struct tt_key *k, const struct tt_val *v, char *why, size_t len)
{
	return check_bounds(k, v, k->kmin, k->kmax, "what the kernel accepts", why, len);
}

int
tt_port_range_check(const struct tt_val *v, char *why, size_t len)
{
	if (!tt_port_range_valid(v)) {
		snprintf(why, len, "a range is two ports in 1..65535, low then high");
		return -ERANGE;
	}
	/* connect() starts on one parity and bind(0) on the other (4.6+);
	 * ends of one parity leave the halves unequal, and the kernel says
	 * so in its log when the range is written. */
	if ((v->v[0] & 1) == (v->v[1] & 1)) {
		snprintf(why, len,
		    "ends %lld and %lld have the same parity: the kernel takes it and logs a "
		    "warning, and connect() and bind() to port 0 get unequal halves of the "
		    "range; one odd and one even end (e.g. %lld %lld) balances them",
		    v->v[0], v->v[1], v->v[0], v->v[1] + (v->v[1] < 65535 ? 1 : -1));
		return -ERANGE;
	}
	return 0;
}

int
tt_key_caution(const struct tt_key *k, const struct tt_val *v, char *why, size_t len)
{
	if (k->id == TT_K_LOCAL_PORT_RANGE && tt_port_range_valid(v))
		return tt_port_range_check(v, why, len);
	return 0;
}

/* The special values of tcp_max_tw_buckets are a trap: say what they do
 * rather than only that they are out of range. */
static int
tw_buckets_meaning(const struct tt_val *v, char *why, size_t len)
{
	if (v->n == 1 && v->v[0] < 0) {
		snprintf(why, len,
		    "%lld is negative, which means no limit at all on timewait sockets "
		    "(not \"no TIME_WAIT\"; that is 0)",
		    v->v[0]);
		return -ERANGE;
	}
	if (v->n == 1 && v->v[0] == 0) {
		snprintf(why, len, "0 keeps no TIME_WAIT socket at all");
		return -ERANGE;
	}
	return 0;
}

int
tt_key_check_safe(const struct tt_key *k, const struct tt_val *v, char *why, size_t len)
{
	int r = 0;

	if (k->id == TT_K_MAX_TW_BUCKETS)
		r = tw_buckets_meaning(v, why, len);
	if (r == 0)
		r = check_bounds(k, v, k->smin, k->smax, "tcptune's safe range", why, len);
	/* Ends of one parity are a caution (tt_key_caution()), not unsafe. */
	return r;
}

/* One release number component, 0..255, at *sp; advances past it. */
static int
kv_part(const char **sp, unsigned *out)
{
	const char *s = *sp;
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 255)
			return -ERANGE;
	}
	*sp = s;
	*out = v;
	return 0;
}

unsigned
tt_kv_parse(const char *release)
{
	unsigned maj, min;

	/* Digits only: sscanf("%u") took signs and white space, so "-1.2"
	 * wrapped around instead of being refused. */
	if (release == NULL || kv_part(&release, &maj) < 0 || *release++ != '.' ||
	    kv_part(&release, &min) < 0)
		return 0;
	return TT_KV(maj, min);
}

TT_STRTAB(tt_k8s_class, enum tt_k8s_class,
    "node", [TT_K8S_SAFE] = "safe", [TT_K8S_UNSAFE] = "unsafe", [TT_K8S_NODE] = "node")

enum tt_k8s_class
tt_key_k8s(const struct tt_key *k, unsigned minor)
{
	if (!(k->flags & TT_KEY_PER_NETNS) || k->removed != 0)
		return TT_K8S_NODE;
	if (k->k8s_safe_since != 0 && k->k8s_safe_since <= minor)
		return TT_K8S_SAFE;
	return TT_K8S_UNSAFE;
}
