/*
 * Prometheus text exposition for node_exporter's textfile collector.
 *
 * The collector reads every *.prom file in its directory on each scrape,
 * so the output is a snapshot: gauges only, no sample timestamps (the
 * collector refuses them), each series once.  Findings are counted by rule
 * id and severity rather than listed, so that one series stays one series
 * from run to run and alerts can be written on it.
 *
 * Names:
 *   tcptune_last_run_success                         1 when the check ran, 0 when it failed
 *   tcptune_last_run_timestamp_seconds               when it ran (or failed)
 *   tcptune_info{version,kernel,netns,profile}       1
 *   tcptune_check_timestamp_seconds                  when the check ran
 *   tcptune_sysctl_value{key}                        current value of a key that counts or
 *                                                    selects; _seconds for a time (in
 *                                                    seconds), _port_range_low and _high for
 *                                                    a port range's ends
 *   tcptune_sysctl_default{key}, _seconds, ...       the kernel's default, likewise
 *   tcptune_sysctl_target{key}, _seconds, ...        the profile's value, likewise
 *   tcptune_sysctl_matches_profile{key}              1 when current == target
 *   tcptune_sysctl_state{key,state}                  1 for how reading went
 *   tcptune_findings{severity}                       findings per severity
 *   tcptune_finding_severity{id}                     worst severity per rule: 0 ok .. 3 critical
 *   tcptune_worst_severity                           0 ok .. 3 critical
 *   tcptune_nat{answer}                              1 for the NAT answer
 *   tcptune_nat_verdict{verdict}                     1 for the evidence's verdict
 *   tcptune_sockets{family,state}                    TCP sockets per state
 *   tcptune_orphan_sockets                           the host's orphans (sockstat)
 *   tcptune_netstat_total{counter}                   this namespace's cumulative Tcp and
 *                                                    TcpExt counters (type counter), the
 *                                                    label as node_exporter's netstat
 *                                                    collector ends its names
 *                                                    (TcpExt_ListenOverflows)
 *   tcptune_rate_interval_seconds                    --interval, or since the previous check
 *   tcptune_netstat_rate_per_second{counter}         their rise per second over it
 *   tcptune_destination_sockets{rank,destination}    the PROM_DEST_MAX busiest destinations
 *   tcptune_destination_time_wait{rank,destination}
 *   tcptune_destination_new_per_second{rank,destination}      with --interval
 *   tcptune_destination_fails_at_per_second{rank,destination} with --interval
 *   tcptune_destination_port_use_ratio{rank,destination}      with --interval
 *   tcptune_destination_seconds_to_exhaustion{rank,destination} with --interval:
 *                                                    0 exhausted now, +Inf not at this rate
 *   tcptune_destination_ports_exhausted{rank,destination}     with --interval: 1 or 0
 *   tcptune_destination_rate_exact{rank,destination} with --interval: 1 exact, 0 estimate
 *
 * sockstat's counts but the host's orphans are left to node_exporter's
 * sockstat collector.
 * Destinations are labelled by rank (1 to PROM_DEST_MAX) and address, so
 * a file holds at most PROM_DEST_MAX series of each.
 *
 * For several namespaces (prom_report_ns(), a prom_merger) each sample
 * gets a first label netns="NAME", and tcptune_info says initial or child
 * in a label scope.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/census.h"
#include "lib/nat.h"
#include "lib/rates.h"
#include "json.h"
#include "out-prometheus.h"

/* One character of a label value, U+FFFD for a byte of invalid UTF-8;
 * the bytes it took beyond the first. */
static size_t
utf8_label_char(FILE *f, const char *p)
{
	size_t n = utf8_seq_len((const unsigned char *)p);

	if (n == 0) {
		fputs("\xef\xbf\xbd", f);
		return 0;
	}
	fwrite(p, 1, n, f);
	return n - 1;
}

/* The netns label every sample of a namespace's part begins with, NULL
 * for the report of one namespace alone. */
static const char *ns_label;

static void label(FILE *f, const char *name, const char *value, bool first);

/* Label values: backslash, double quote and newline are escaped, invalid
 * UTF-8 replaced. */
void
prom_label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			p += utf8_label_char(f, p);
	}
	fputc('"', f);
}

static void
label(FILE *f, const char *name, const char *value, bool first)
{
	if (first && ns_label != NULL) {
		prom_label(f, "netns", ns_label, true);
		first = false;
	}
	prom_label(f, name, value, first);
}

/* A sample's name without labels of its own: with the netns label alone
 * when the report covers several namespaces. */
static void
bare_name(FILE *f, const char *name)
{
	fputs(name, f);
	if (ns_label != NULL) {
		fputc('{', f);
		prom_label(f, "netns", ns_label, true);
		fputc('}', f);
	}
}

/* A label value of one word, easy to match in a query: a name's spaces
 * become '_' ("not permitted" is "not_permitted"). */
static void
word_label(FILE *f, const char *name, const char *value, bool first)
{
	char w[64];

	snprintf(w, sizeof(w), "%s", value);
	for (char *p = w; *p; p++)
		if (*p == ' ')
			*p = '_';
	label(f, name, w, first);
}

/* Destinations exported, busiest first: a fixed bound on the series. */
#define PROM_DEST_MAX 5

static void
family_typed(FILE *f, const char *name, const char *help, const char *type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
family(FILE *f, const char *name, const char *help)
{
	family_typed(f, name, help, "gauge");
}

void
prom_family(FILE *f, const char *name, const char *help)
{
	family(f, name, help);
}

/* A key's values go in one of four families, each with the key label
 * alone: numbers that count or select, times in seconds, and a port
 * range's two ends. */
enum key_family {
	FAM_PLAIN,
	FAM_SECONDS,
	FAM_LOW,
	FAM_HIGH,
	FAM__COUNT
};

static const struct {
	const char *suffix, *help;
} key_fams[FAM__COUNT] = {
	[FAM_PLAIN] = { "", "of a key that counts or selects (sockets, probes, a mode)." },
	[FAM_SECONDS] = { "_seconds", "of a key that is a time, in seconds." },
	[FAM_LOW] = { "_port_range_low", "of a port range key: its low end." },
	[FAM_HIGH] = { "_port_range_high", "of a port range key: its high end." },
};

static bool
in_family(const struct tt_key *k, enum key_family fam)
{
	switch (fam) {
	case FAM_PLAIN:
		return k->nfields == 1 && k->time_ms == 0;
	case FAM_SECONDS:
		return k->nfields == 1 && k->time_ms != 0;
	default:
		return k->nfields == 2;
	}
}

/* The value of key i the family reports (current, default, target), or
 * NULL for none. */
typedef const struct tt_val *(*key_val_fn)(int i, const void *arg);

static void
key_sample(
    FILE *f, const char *name, enum key_family fam, const struct tt_key *k, const struct tt_val *v)
{
	int fi = fam == FAM_HIGH;

	if (v == NULL || fi >= v->n)
		return;
	fprintf(f, "%s{", name);
	label(f, "key", k->name, true);
	if (fam != FAM_SECONDS)
		fprintf(f, "} %lld\n", v->v[fi]);
	else if (k->time_ms % 1000 == 0)
		fprintf(f, "} %lld\n", v->v[0] * (k->time_ms / 1000));
	else
		fprintf(f, "} %.3f\n", (double)v->v[0] * k->time_ms / 1000.0);
}

/* base, base_seconds, base_port_range_low and _high, every key in the
 * one its kind belongs to. */
static void
key_families(FILE *f, const char *base, const char *what, key_val_fn get, const void *arg)
{
	for (int fam = 0; fam < FAM__COUNT; fam++) {
		char name[80], help[160];

		snprintf(name, sizeof(name), "%s%s", base, key_fams[fam].suffix);
		snprintf(help, sizeof(help), "%s %s", what, key_fams[fam].help);
		family(f, name, help);
		for (int i = 0; i < TT_K__COUNT; i++) {
			const struct tt_key *k = tt_key_get((enum tt_key_id)i);

			if (in_family(k, (enum key_family)fam))
				key_sample(f, name, (enum key_family)fam, k, get(i, arg));
		}
	}
}

static const struct tt_val *
current_of(int i, const void *arg)
{
	return tt_snapshot_value(arg, (enum tt_key_id)i);
}

static const struct tt_val *
default_of(int i, const void *arg)
{
	const struct tt_snapshot *snap = arg;

	return tt_key_default(tt_key_get((enum tt_key_id)i), snap->kv);
}

static const struct tt_val *
target_of(int i, const void *arg)
{
	const struct tt_profile *prof = arg;

	return prof->sysctl[i].set ? &prof->sysctl[i].val : NULL;
}

static void
sysctl_metrics(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	static const enum tt_state states[] = {
		TT_ST_OK,
		TT_ST_ABSENT,
		TT_ST_NOPERM,
		TT_ST_FAILED,
	};

	key_families(f, "tcptune_sysctl_value", "Current value", current_of, snap);
	key_families(f, "tcptune_sysctl_default", "The kernel's default", default_of, snap);
	family(f, "tcptune_sysctl_state",
	    "How reading a key went: 1 for its outcome (ok, absent, not_permitted, failed).");
	for (int i = 0; i < TT_K__COUNT; i++) {
		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
			fputs("tcptune_sysctl_state{", f);
			label(f, "key", tt_key_get((enum tt_key_id)i)->name, true);
			word_label(f, "state", tt_state_name(states[s]), false);
			fprintf(f, "} %d\n", snap->sysctl[i].state == states[s]);
		}
	}
	if (prof == NULL)
		return;
	key_families(f, "tcptune_sysctl_target", "The profile's value", target_of, prof);
	family(f, "tcptune_sysctl_matches_profile",
	    "1 when a key the profile sets has the profile's value, else 0.");
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_val *cur = tt_snapshot_value(snap, (enum tt_key_id)i);

		if (!prof->sysctl[i].set)
			continue;
		fputs("tcptune_sysctl_matches_profile{", f);
		label(f, "key", tt_key_get((enum tt_key_id)i)->name, true);
		fprintf(f, "} %d\n", cur != NULL && tt_val_eq(cur, &prof->sysctl[i].val));
	}
}

static void
finding_metrics(FILE *f, const struct tt_findings *fs)
{
	unsigned counts[4];

	tt_findings_count(fs, counts);
	family(f, "tcptune_findings", "Findings of the check, per severity.");
	for (int s = TT_SEV_OK; s <= TT_SEV_CRITICAL; s++) {
		fputs("tcptune_findings{", f);
		label(f, "severity", tt_severity_name((enum tt_severity)s), true);
		fprintf(f, "} %u\n", counts[s]);
	}
	family(f, "tcptune_finding_severity",
	    "The most severe finding of each rule: 0 ok, 1 info, 2 warn, 3 critical.");
	for (size_t i = 0; i < fs->n; i++) {
		enum tt_severity worst = fs->v[i].sev;
		bool seen = false;

		/* One series per rule id, whatever it found, so that a series
		 * stays one series from run to run. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(fs->v[j].id, fs->v[i].id) == 0;
		if (seen)
			continue;
		for (size_t j = i + 1; j < fs->n; j++)
			if (strcmp(fs->v[j].id, fs->v[i].id) == 0 && fs->v[j].sev > worst)
				worst = fs->v[j].sev;
		fputs("tcptune_finding_severity{", f);
		label(f, "id", fs->v[i].id, true);
		fprintf(f, "} %d\n", (int)worst);
	}
	family(f, "tcptune_worst_severity",
	    "The most severe finding: 0 ok, 1 info, 2 warn, 3 critical.");
	bare_name(f, "tcptune_worst_severity");
	fprintf(f, " %d\n", (int)tt_findings_worst(fs));
}

static void
nat_metrics(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	static const enum tt_nat_answer answers[] = {
		TT_NATQ_YES,
		TT_NATQ_NO,
		TT_NATQ_UNKNOWN,
	};
	enum tt_nat_answer a = tt_nat_answer(snap, prof);

	family(f, "tcptune_nat",
	    "Is NAT in play (the profile's declaration and the evidence): 1 for the answer.");
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		fputs("tcptune_nat{", f);
		label(f, "answer", tt_nat_answer_name(answers[i]), true);
		fprintf(f, "} %d\n", a == answers[i]);
	}
}

static void
nat_verdict_metrics(FILE *f, const struct tt_nat *nat)
{
	static const enum tt_nat_verdict verdicts[] = { TT_NATV_NONE, TT_NATV_TRANSLATES,
		TT_NATV_BEHIND, TT_NATV_UNKNOWN };

	family(f, "tcptune_nat_verdict",
	    "What the NAT evidence on this host says: 1 for the verdict.");
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		fputs("tcptune_nat_verdict{", f);
		label(f, "verdict", tt_nat_verdict_name(verdicts[i]), true);
		fprintf(f, "} %d\n", nat->verdict == verdicts[i]);
	}
}

/* Every state of both families, zeros included, so a series never
 * vanishes when its state empties. */
static void
census_metrics(FILE *f, const struct tt_census *c)
{
	family(
	    f, "tcptune_sockets", "TCP sockets in this network namespace, per family and state.");
	for (int fam = 0; fam < TT_CF__COUNT; fam++) {
		for (int st = 1; st < TT_CS__COUNT; st++) {
			fputs("tcptune_sockets{", f);
			label(f, "family", tt_cfamily_name(fam), true);
			label(f, "state", tt_cstate_name(st), false);
			fprintf(f, "} %llu\n", (unsigned long long)c->state[fam][st]);
		}
	}
}

/* The host's orphans, as sockstat counts them, beside the limit they
 * are held to (tcp_max_orphans, one for the whole host). */
static void
orphan_metric(FILE *f, const struct tt_census *c)
{
	if (!c->have[TT_CTR_TCP_ORPHAN])
		return;
	family(f, "tcptune_orphan_sockets",
	    "TCP sockets no process holds any more, over the whole host (sockstat's orphan), "
	    "which tcp_max_orphans bounds.");
	bare_name(f, "tcptune_orphan_sockets");
	fprintf(f, " %llu\n", (unsigned long long)c->counter[TT_CTR_TCP_ORPHAN]);
}

/* A counter's label value: SECTION_FIELD, as node_exporter's netstat
 * collector ends its names ("TcpExt_ListenOverflows"). */
static const char *
counter_label(enum tt_counter_id id, char *buf, size_t len)
{
	const struct tt_counter_info *ci = tt_counter_info(id);

	snprintf(buf, len, "%s_%s", ci->section, ci->field);
	return buf;
}

/* The cumulative counters, as one counter family with a counter label. */
static void
counter_metrics(FILE *f, const struct tt_census *c)
{
	family_typed(f, "tcptune_netstat_total",
	    "A cumulative Tcp or TcpExt counter of this network namespace (/proc/net/netstat, "
	    "/proc/net/snmp).",
	    "counter");
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		char name[96];

		if (!c->have[i] || !tt_counter_cumulative((enum tt_counter_id)i))
			continue;
		fputs("tcptune_netstat_total{", f);
		label(f, "counter", counter_label((enum tt_counter_id)i, name, sizeof(name)), true);
		fprintf(f, "} %llu\n", (unsigned long long)c->counter[i]);
	}
}

/* The counters' rise per second: over --interval, or since the previous
 * check (the counters file). */
static void
rate_metrics(FILE *f, const struct tt_rates *r)
{
	family(f, "tcptune_rate_interval_seconds",
	    "The time the rates were measured over: --interval, or since the previous check.");
	bare_name(f, "tcptune_rate_interval_seconds");
	fprintf(f, " %.3f\n", r->seconds);
	family(f, "tcptune_netstat_rate_per_second",
	    "The rise per second of a Tcp or TcpExt counter over tcptune_rate_interval_seconds.");
	for (int i = 0; i < TT_CTR__COUNT; i++) {
		char name[96];

		if (!r->have[i])
			continue;
		fputs("tcptune_netstat_rate_per_second{", f);
		label(f, "counter", counter_label((enum tt_counter_id)i, name, sizeof(name)), true);
		fprintf(f, "} %.3f\n", tt_rate_per_s(r, (enum tt_counter_id)i));
	}
}

/* One destination's sample of a metric. */
static void
dest_sample(FILE *f, const char *metric, size_t rank, const struct tt_census_dest *d, double v)
{
	char ds[64], rk[8];

	snprintf(rk, sizeof(rk), "%zu", rank + 1);
	fprintf(f, "%s{", metric);
	label(f, "rank", rk, true);
	label(f, "destination", tt_census_dest_str(d, ds, sizeof(ds)), false);
	if (isinf(v))
		fputs(v > 0 ? "} +Inf\n" : "} -Inf\n", f);
	else
		fprintf(f, "} %.6g\n", v);
}

/* When each destination's ports run out, and whether its rate is exact. */
static void
dest_forecast_metrics(FILE *f, const struct tt_rates *r, size_t nr)
{
	family(f, "tcptune_destination_seconds_to_exhaustion",
	    "Seconds until no local port to it is left at the measured rate: 0 exhausted now, "
	    "+Inf not at this rate.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_seconds_to_exhaustion", i, &r->dest[i].dest,
		    r->dest[i].fc.to_exhaustion >= 0 ? r->dest[i].fc.to_exhaustion : INFINITY);
	family(f, "tcptune_destination_ports_exhausted",
	    "1 when every local port to it is held now: connect() fails with EADDRNOTAVAIL.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_ports_exhausted", i, &r->dest[i].dest,
		    r->dest[i].fc.exhausted ? 1 : 0);
	family(f, "tcptune_destination_rate_exact",
	    "1 when its rate is exact (every socket told apart in both readings), 0 for an "
	    "estimate.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_rate_exact", i, &r->dest[i].dest,
		    r->dest[i].why == TT_RW_EXACT ? 1 : 0);
}

static void
dest_metrics(FILE *f, const struct tt_census *c, const struct tt_rates *r)
{
	size_t idx[PROM_DEST_MAX], n = tt_census_top_dests(c, idx, PROM_DEST_MAX);
	size_t nr =
	    r != NULL && r->measured ? (r->ndest < PROM_DEST_MAX ? r->ndest : PROM_DEST_MAX) : 0;

	family(f, "tcptune_destination_sockets",
	    "Sockets on ephemeral ports towards one of the busiest destinations.");
	for (size_t i = 0; i < n; i++)
		dest_sample(f, "tcptune_destination_sockets", i, &c->dest[idx[i]],
		    (double)c->dest[idx[i]].count);
	family(f, "tcptune_destination_time_wait",
	    "Of them, timewait sockets (TIME_WAIT and orphaned FIN_WAIT2).");
	for (size_t i = 0; i < n; i++)
		dest_sample(f, "tcptune_destination_time_wait", i, &c->dest[idx[i]],
		    (double)(c->dest[idx[i]].time_wait + c->dest[idx[i]].fin_wait2));
	if (nr == 0)
		return;
	family(f, "tcptune_destination_new_per_second",
	    "New connections per second to the destination over the interval.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_new_per_second", i, &r->dest[i].dest,
		    r->dest[i].new_per_s);
	family(f, "tcptune_destination_fails_at_per_second",
	    "The rate of new connections at which connect() to it runs out of local ports.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_fails_at_per_second", i, &r->dest[i].dest,
		    r->dest[i].fc.fails_at);
	family(f, "tcptune_destination_port_use_ratio",
	    "The rate of new connections to it as a share of the rate its ports sustain.");
	for (size_t i = 0; i < nr; i++)
		dest_sample(f, "tcptune_destination_port_use_ratio", i, &r->dest[i].dest,
		    r->dest[i].fc.use_pct / 100);
	dest_forecast_metrics(f, r, nr);
}

#define PROM_OWNERS 5 /* CLOSE_WAIT owners written, busiest first */

/* The oldest CLOSE_WAIT of the busiest owners, one series per command and
 * port (two processes of one command on one port are one series). */
static void
owner_age_metrics(FILE *f, const struct tt_census *c)
{
	size_t n = tt_census_owners_of(c, TT_CI_CLOSE_WAIT) && c->nowner < PROM_OWNERS ?
	    c->nowner :
	    PROM_OWNERS;

	if (!tt_census_owners_of(c, TT_CI_CLOSE_WAIT))
		return;
	family(f, "tcptune_close_wait_owner_oldest_seconds",
	    "The oldest CLOSE_WAIT socket of each of the 5 busiest owners (command, local port).");
	for (size_t i = 0; i < n; i++) {
		const struct tt_census_owner *o = &c->owner[i];
		uint32_t ms = o->age.oldest_ms;
		char port[8];
		bool dup = false;

		for (size_t k = 0; k < i; k++)
			dup = dup ||
			    (c->owner[k].port == o->port && strcmp(c->owner[k].comm, o->comm) == 0);
		if (dup)
			continue;
		for (size_t k = i + 1; k < n; k++)
			if (c->owner[k].port == o->port && strcmp(c->owner[k].comm, o->comm) == 0 &&
			    c->owner[k].age.oldest_ms > ms)
				ms = c->owner[k].age.oldest_ms;
		snprintf(port, sizeof(port), "%u", o->port);
		fputs("tcptune_close_wait_owner_oldest_seconds{", f);
		label(f, "command", o->comm, true);
		label(f, "port", port, false);
		fprintf(f, "} %.3f\n", ms / 1000.0);
	}
}

/* Keepalive coverage and CLOSE_WAIT ages: every series written, zeros
 * included. */
static void
detail_metrics(FILE *f, const struct tt_census *c)
{
	static const char *const ka[] = { "armed", "none", "unknown" };
	static const char *const ages[TT_CENSUS_AGE_SHOW] = { "0-10s", "10s-1min", "1min-10min",
		"10min-1h", "1h-1d", "1d+" };
	const uint64_t kv[] = { c->est_keepalive, c->est_no_timer, c->est_busy };

	family(f, "tcptune_established_keepalive_sockets",
	    "ESTABLISHED sockets by keepalive timer: armed, none, unknown (retransmitting).");
	for (size_t i = 0; i < 3; i++) {
		fputs("tcptune_established_keepalive_sockets{", f);
		label(f, "keepalive", ka[i], true);
		fprintf(f, "} %llu\n", (unsigned long long)kv[i]);
	}
	if (!c->detail)
		return;
	family(f, "tcptune_close_wait_age_seconds",
	    "CLOSE_WAIT idle time (since data last came in): oldest, and median to within 1/8.");
	fputs("tcptune_close_wait_age_seconds{", f);
	label(f, "stat", "oldest", true);
	fprintf(f, "} %.3f\n", c->cw_age.oldest_ms / 1000.0);
	fputs("tcptune_close_wait_age_seconds{", f);
	label(f, "stat", "median", true);
	fprintf(f, "} %.3f\n", tt_census_cw_median_ms(c) / 1000.0);
	family(f, "tcptune_close_wait_sockets_by_age",
	    "CLOSE_WAIT sockets by idle time: 0-10s, 10s-1min, 1min-10min, 10min-1h, 1h-1d, 1d+.");
	for (int i = 0; i < TT_CENSUS_AGE_SHOW; i++) {
		fputs("tcptune_close_wait_sockets_by_age{", f);
		label(f, "age", ages[i], true);
		fprintf(f, "} %llu\n", (unsigned long long)c->cw_age.bucket[i]);
	}
	owner_age_metrics(f, c);
}

static void
last_run(FILE *f, bool success)
{
	family(f, "tcptune_last_run_success",
	    "1 when the last check ran to its report, 0 when it failed.");
	fprintf(f, "tcptune_last_run_success %d\n", success);
	family(f, "tcptune_last_run_timestamp_seconds",
	    "When the last check ran, in seconds since the epoch.");
	fprintf(f, "tcptune_last_run_timestamp_seconds %lld\n", (long long)time(NULL));
}

static void
timestamp_metric(FILE *f)
{
	family(f, "tcptune_check_timestamp_seconds",
	    "When the check ran, in seconds since the epoch.");
	fprintf(f, "tcptune_check_timestamp_seconds %lld\n", (long long)time(NULL));
}

/* tcptune_info; the namespace's name goes in the label scope_label
 * ("netns", or "scope" when every sample has its netns label already). */
static void
info_metric(
    FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof, const char *scope_label)
{
	family(f, "tcptune_info", "What tcptune checked; always 1.");
	fputs("tcptune_info{", f);
	label(f, "version", PACKAGE_VERSION, true);
	label(f, "kernel", snap->kernel, false);
	label(f, scope_label, tt_netns_name(snap->netns), false);
	label(f, "profile", prof ? prof->path : "", false);
	fputs("} 1\n", f);
}

/* Everything that describes one network namespace. */
static void
namespace_metrics(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_findings *fs)
{
	sysctl_metrics(f, snap, prof);
	finding_metrics(f, fs);
	nat_metrics(f, snap, prof);
	if (snap->nat != NULL)
		nat_verdict_metrics(f, snap->nat);
	/* A dump cut short would show too few sockets: better none. */
	if (snap->census != NULL && snap->census->dumped) {
		census_metrics(f, snap->census);
		orphan_metric(f, snap->census);
		counter_metrics(f, snap->census);
		dest_metrics(f, snap->census, snap->rates);
		detail_metrics(f, snap->census);
	}
	if (snap->rates != NULL)
		rate_metrics(f, snap->rates);
}

void
prom_failure(FILE *f)
{
	last_run(f, false);
}

void
prom_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs)
{
	(void)ctx;
	last_run(f, true);
	info_metric(f, snap, prof, "netns");
	timestamp_metric(f);
	namespace_metrics(f, snap, prof, fs);
}

void
prom_begin(FILE *f)
{
	last_run(f, true);
	timestamp_metric(f);
}

void
prom_report_ns(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof,
    const struct tt_findings *fs, const char *netns)
{
	ns_label = netns;
	info_metric(f, snap, prof, "scope");
	namespace_metrics(f, snap, prof, fs);
	ns_label = NULL;
}

#define PROM_FAMILIES_MAX 256

struct prom_merger {
	size_t n;
	int part;
	bool failed;
	struct {
		char name[128];
		FILE *lines;   /* its lines so far */
		int meta_part; /* the part its HELP and TYPE came from; -1: none yet */
	} fam[PROM_FAMILIES_MAX];
};

struct prom_merger *
prom_merger_new(void)
{
	return calloc(1, sizeof(struct prom_merger));
}

/* The family named name[0..n), added when new; NULL when it cannot be. */
static FILE *
merger_family(struct prom_merger *m, const char *name, size_t n, int **meta_part)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strlen(m->fam[i].name) == n && strncmp(m->fam[i].name, name, n) == 0)
			break;
	if (i == m->n) {
		if (m->n == PROM_FAMILIES_MAX || n >= sizeof(m->fam[0].name) ||
		    (m->fam[i].lines = tmpfile()) == NULL) {
			m->failed = true;
			return NULL;
		}
		memcpy(m->fam[i].name, name, n);
		m->fam[i].name[n] = '\0';
		m->fam[i].meta_part = -1;
		m->n++;
	}
	*meta_part = &m->fam[i].meta_part;
	return m->fam[i].lines;
}

void
prom_merger_line(struct prom_merger *m, const char *line, size_t len)
{
	const char *name = line;
	size_t n;
	int *meta_part;
	FILE *f;

	if (m == NULL || len == 0)
		return;
	if (len > 7 && (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0))
		name += 7;
	n = strcspn(name, "{ \n");
	if (n > (size_t)(line + len - name))
		n = (size_t)(line + len - name);
	f = merger_family(m, name, n, &meta_part);
	if (f == NULL)
		return;
	if (line[0] == '#') {
		if (*meta_part != -1 && *meta_part != m->part)
			return; /* an earlier part said it already */
		*meta_part = m->part;
	}
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

void
prom_merger_next_part(struct prom_merger *m)
{
	if (m != NULL)
		m->part++;
}

int
prom_merger_finish(struct prom_merger *m, FILE *f)
{
	char buf[8192];
	bool failed;

	if (m == NULL)
		return -ENOMEM;
	failed = m->failed;
	for (size_t i = 0; i < m->n; i++) {
		FILE *t = m->fam[i].lines;
		size_t k;

		if (fflush(t) != 0 || ferror(t))
			failed = true;
		rewind(t);
		while ((k = fread(buf, 1, sizeof(buf), t)) > 0)
			fwrite(buf, 1, k, f);
		fclose(t);
	}
	free(m);
	return failed ? -EIO : 0;
}
