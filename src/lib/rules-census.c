/*
 * Rules that weigh the socket census: what the host is actually doing, set
 * against the keys that bound it.  Pure functions over the snapshot; they
 * say nothing when no census was gathered.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "census.h"
#include "rates.h"
#include "rules-internal.h"
#include "trace.h"

/* "over the last 2.0 s", "since the last check 10 min ago" */
static const char *
rates_span(const struct tt_rates *r, char *buf, size_t len)
{
	double s = r->seconds;

	if (r->measured)
		snprintf(buf, len, "over the last %.1f s", s);
	else if (s < 120)
		snprintf(buf, len, "since the last check %.0f s ago", s);
	else if (s < 7200)
		snprintf(buf, len, "since the last check %.0f min ago", s / 60);
	else if (s < 172800)
		snprintf(buf, len, "since the last check %.0f h ago", s / 3600);
	else
		snprintf(buf, len, "since the last check %.0f days ago", s / 86400);
	return buf;
}

/* The rates, when they have counter id. */
static const struct tt_rates *
rates_with(const struct tt_rule_input *in, enum tt_counter_id id)
{
	const struct tt_rates *r = in->snap->rates;

	return r != NULL && r->have[id] ? r : NULL;
}

/* The ports the ephemeral range really offers, from the snapshot, else the
 * kernel default: the range less the ports reserved in it. */
static long long
port_range(const struct tt_rule_input *in, long long *lo, long long *hi, unsigned *reserved)
{
	const struct tt_val *v = tt_rule_current(in, TT_K_LOCAL_PORT_RANGE);
	long long n;

	if (!tt_port_range_valid(v))
		v = &tt_key_get(TT_K_LOCAL_PORT_RANGE)->def;
	*lo = v->v[0];
	*hi = v->v[1];
	*reserved = tt_snapshot_reserved_in(in->snap, (unsigned)*lo, (unsigned)*hi);
	n = *hi - *lo + 1 - *reserved;
	return n > 0 ? n : 1;
}

/* A TIME_WAIT overflow counted some time in the past: the counter adds up
 * since boot (or since the namespace was made), so without TIME_WAIT near
 * the limit now it is no evidence of trouble now. */
static void
time_wait_past_overflow(const struct tt_rule_input *in, struct tt_findings *out, uint64_t tw)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *max = tt_rule_current(in, TT_K_MAX_TW_BUCKETS);
	const char *since = tt_counters_since(in->snap->netns);
	struct tt_finding *f;

	f = tt_finding_add(out, TT_SEV_INFO, "tcp_max_tw_buckets");
	tt_finding_key(f, TT_K_MAX_TW_BUCKETS);
	TT_SAY(f->message,
	    "the TIME_WAIT table overflowed %" PRIu64 " times %s; "
	    "%" PRIu64 " timewait sockets now",
	    c->counter[TT_CTR_TW_OVERFLOW], since, tw);
	TT_SAY(f->evidence, "TcpExt TCPTimeWaitOverflow = %" PRIu64 " (cumulative, %s)",
	    c->counter[TT_CTR_TW_OVERFLOW], since);
	if (max != NULL)
		ADD(f->evidence, "; tcp_max_tw_buckets = %lld now%s", max->v[0],
		    max->v[0] < 0 ? " (no limit)" : "");
	if (rates_with(in, TT_CTR_TW_OVERFLOW)) {
		char span[64];

		ADD(f->evidence, "; no rise %s", rates_span(in->snap->rates, span, sizeof(span)));
		TT_SAY(f->advice, "It did not overflow %s: nothing to do now.", span);
		return;
	}
	TT_SAY(f->advice,
	    "Nothing shows an overflow now. To know whether it still happens, run "
	    "`tcptune check --interval 5`, or check again later: only a rise of "
	    "TcpExt.TCPTimeWaitOverflow is a current overflow.");
}

/* The TIME_WAIT table overflowed between two readings: a problem now. */
static void
time_wait_overflow_now(const struct tt_rule_input *in, struct tt_findings *out, uint64_t tw)
{
	const struct tt_rates *r = in->snap->rates;
	const struct tt_val *max = tt_rule_current(in, TT_K_MAX_TW_BUCKETS);
	struct tt_finding *f;
	char span[64];

	rates_span(r, span, sizeof(span));
	f = tt_finding_add(out, TT_SEV_WARN, "tcp_max_tw_buckets");
	tt_finding_key(f, TT_K_MAX_TW_BUCKETS);
	tt_finding_key(f, TT_K_TW_REUSE);
	if (r->measured)
		TT_SAY(f->message,
		    "the TIME_WAIT table overflows now: %.1f closes a second skip TIME_WAIT",
		    tt_rate_per_s(r, TT_CTR_TW_OVERFLOW));
	else
		TT_SAY(f->message, "TcpExt.TCPTimeWaitOverflow +%" PRIu64 " %s",
		    r->delta[TT_CTR_TW_OVERFLOW], span);
	TT_SAY(f->evidence,
	    "TcpExt TCPTimeWaitOverflow +%" PRIu64 " %s; %" PRIu64 " timewait sockets now",
	    r->delta[TT_CTR_TW_OVERFLOW], span, tw);
	if (max != NULL)
		ADD(f->evidence, "; tcp_max_tw_buckets = %lld", max->v[0]);
	TT_SAY(f->advice,
	    "Closing sockets skip TIME_WAIT, so a late segment of an old connection can "
	    "corrupt a new one with the same ports. Reuse connections (keep-alive, pools) "
	    "so fewer are closed; raise net.ipv4.tcp_max_tw_buckets if memory allows (a "
	    "timewait socket is small).");
}

/*
 * Which side closes first, when the tracer watched (check --interval):
 * TIME_WAIT stays with the side that closes first, and tcp_tw_reuse helps
 * only outgoing connections, so the advice differs.
 */
static void
time_wait_side(const struct tt_rule_input *in, struct tt_finding *f)
{
	const struct tt_trace_report *tr = in->snap->trace;
	uint64_t out_tw = 0, in_tw = 0;

	if (tr == NULL)
		return;
	for (size_t i = 0; i < tr->nrows; i++) {
		if (tr->rows[i].who.side == TT_TRACE_SIDE_IN)
			in_tw += tr->rows[i].c[TT_TRACE_TIME_WAIT];
		else
			out_tw += tr->rows[i].c[TT_TRACE_TIME_WAIT];
	}
	if (in_tw + out_tw == 0)
		return;
	ADD(f->evidence,
	    "; traced %.1f s: %" PRIu64 " TIME_WAIT on connections this host opened, %" PRIu64
	    " on connections it accepted",
	    tr->seconds, out_tw, in_tw);
	if (in_tw > out_tw)
		ADD(f->advice,
		    " Here the server side closes first (%" PRIu64 "%% of TIME_WAIT is on "
		    "accepted connections): tcp_tw_reuse does nothing for those, it only "
		    "lets outgoing connections reuse a port; let the clients close first, or "
		    "keep connections open longer.",
		    in_tw * 100 / (in_tw + out_tw));
	else
		ADD(f->advice,
		    " Here this host closes its own outgoing connections first (%" PRIu64
		    "%% of TIME_WAIT): pooling them, or tcp_tw_reuse, addresses that.",
		    out_tw * 100 / (in_tw + out_tw));
}

/* The process the tracer saw open the most connections to d, and how
 * many connect() calls to it already failed for want of a port. */
static void
port_pressure_opener(
    const struct tt_rule_input *in, const struct tt_census_dest *d, struct tt_finding *f)
{
	const struct tt_trace_report *tr = in->snap->trace;
	const struct tt_trace_row *top = NULL;
	uint64_t failed = 0;

	if (tr == NULL)
		return;
	for (size_t i = 0; i < tr->nrows; i++) {
		const struct tt_trace_row *r = &tr->rows[i];

		if (r->who.side != TT_TRACE_SIDE_OUT || r->who.family != d->family ||
		    r->who.port != d->port ||
		    memcmp(r->who.addr, d->addr, d->family == AF_INET6 ? 16 : 4) != 0)
			continue;
		failed += r->c[TT_TRACE_FAIL_ADDRNOTAVAIL];
		if (top == NULL ||
		    r->c[TT_TRACE_OPENED] + tt_trace_failures(r) >
			top->c[TT_TRACE_OPENED] + tt_trace_failures(top))
			top = r;
	}
	if (top == NULL) {
		ADD(f->evidence, "; traced %.1f s: no process connected to it meanwhile",
		    tr->seconds);
		return;
	}
	ADD(f->message, "; opened by %s[%u]%s%s", top->who.comm, top->who.pid,
	    top->who.workload[0] ? " in " : "", top->who.workload);
	if (failed > 0)
		ADD(f->message,
		    ", and %" PRIu64 " connect() calls already failed for want of a port", failed);
	ADD(f->evidence, "; traced %.1f s: %s[%u] (cgroup %s) opened %" PRIu64, tr->seconds,
	    top->who.comm, top->who.pid, top->who.cgroup_path[0] ? top->who.cgroup_path : "?",
	    top->c[TT_TRACE_OPENED]);
	if (failed > 0)
		ADD(f->evidence, ", EADDRNOTAVAIL %" PRIu64, failed);
}

static void
rule_time_wait(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *max = tt_rule_current(in, TT_K_MAX_TW_BUCKETS);
	uint64_t tw =
	    tt_census_state(c, TT_CS_TIME_WAIT) + tt_census_state(c, TT_CS_FIN_WAIT2_ORPHANED);
	uint64_t ovf = c->have[TT_CTR_TW_OVERFLOW] ? c->counter[TT_CTR_TW_OVERFLOW] : 0;
	bool near = false;
	struct tt_finding *f;

	/* A limit of 0 keeps no TIME_WAIT at all: every close overflows, so
	 * the count is evidence of now.  A negative limit is no limit. */
	if (max != NULL && max->v[0] > 0)
		near = tw * 100 >= (uint64_t)max->v[0] * (uint64_t)in->thr->tw_buckets_warn_pct;
	else if (max != NULL && max->v[0] == 0)
		near = ovf > 0;
	if (rates_with(in, TT_CTR_TW_OVERFLOW) && in->snap->rates->delta[TT_CTR_TW_OVERFLOW] > 0) {
		time_wait_overflow_now(in, out, tw);
		return;
	}
	if (!near) {
		if (ovf > 0)
			time_wait_past_overflow(in, out, tw);
		return;
	}
	f = tt_finding_add(out, TT_SEV_WARN, "tcp_max_tw_buckets");
	tt_finding_key(f, TT_K_MAX_TW_BUCKETS);
	tt_finding_key(f, TT_K_TW_REUSE);
	if (max->v[0] > 0)
		TT_SAY(f->message, "TIME_WAIT is at %" PRIu64 "%% of tcp_max_tw_buckets",
		    tw * 100 / (uint64_t)max->v[0]);
	else
		TT_SAY(f->message, "tcp_max_tw_buckets = 0: every closing socket skips TIME_WAIT");
	TT_SAY(f->evidence,
	    "%" PRIu64 " timewait sockets (%" PRIu64 " TIME_WAIT, %" PRIu64 " orphaned FIN_WAIT2)",
	    tw, tt_census_state(c, TT_CS_TIME_WAIT), tt_census_state(c, TT_CS_FIN_WAIT2_ORPHANED));
	ADD(f->evidence, ", tcp_max_tw_buckets = %lld, warning at %lld%%", max->v[0],
	    in->thr->tw_buckets_warn_pct);
	if (c->have[TT_CTR_TW_OVERFLOW])
		ADD(f->evidence, "; TcpExt TCPTimeWaitOverflow = %" PRIu64 " %s", ovf,
		    tt_counters_since(in->snap->netns));
	TT_SAY(f->advice,
	    "Past the limit the kernel drops TIME_WAIT for new closes, so a late "
	    "segment of an old connection can corrupt a new one with the same "
	    "ports. Reuse connections (keep-alive, pools) so fewer are closed; "
	    "raise net.ipv4.tcp_max_tw_buckets if memory allows (a timewait "
	    "socket is small); tcp_tw_reuse = 1 lets outgoing connects reuse them.");
	time_wait_side(in, f);
}

static bool
dest_loopback(const struct tt_census_dest *d)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (d->family == AF_INET6)
		return memcmp(d->addr, v6lo, 16) == 0;
	return d->addr[0] == 127;
}

/* What tcp_tw_reuse can do for ports held in TIME_WAIT towards d. */
static void
reuse_advice(const struct tt_rule_input *in, const struct tt_census_dest *d, struct tt_finding *f)
{
	const struct tt_val *reuse = tt_rule_current(in, TT_K_TW_REUSE);
	const struct tt_val *delay = tt_rule_current(in, TT_K_TW_REUSE_DELAY);
	bool lo = dest_loopback(d);

	if (delay != NULL)
		ADD(f->evidence, "; tcp_tw_reuse_delay = %lld ms", delay->v[0]);
	/* 2 is reuse for loopback: setting 1 changes nothing there, and
	 * what holds connect() back is the wait before a port is reused. */
	if (reuse != NULL && (reuse->v[0] == 1 || (reuse->v[0] == 2 && lo))) {
		ADD(f->advice,
		    "; tcp_tw_reuse = %lld already reuses TIME_WAIT ports towards %s, but "
		    "only once tcp_tw_reuse_delay has passed (%s; before 6.14 1 to 2 s from "
		    "the last timestamp) and with timestamps on: churn faster than that still "
		    "runs out of ports",
		    reuse->v[0], lo ? "loopback" : "every destination",
		    delay != NULL ? "see the evidence" : "1000 ms by default");
		return;
	}
	ADD(f->advice,
	    "; most ports sit in TIME_WAIT: set net.ipv4.tcp_tw_reuse = 1 (with "
	    "tcp_timestamps on) so connect() may reuse them after tcp_tw_reuse_delay%s",
	    reuse != NULL && reuse->v[0] == 2 ? " (2 helps loopback only)" : "");
}

static void
rule_port_pressure(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *reuse = tt_rule_current(in, TT_K_TW_REUSE);
	size_t idx[3], n;
	unsigned reserved;
	long long lo, hi, range = port_range(in, &lo, &hi, &reserved);

	n = tt_census_top_dests(c, idx, 3);
	for (size_t i = 0; i < n; i++) {
		const struct tt_census_dest *d = &c->dest[idx[i]];
		uint64_t pct = d->count * 100 / (uint64_t)range;
		char ds[64];
		struct tt_finding *f;

		if ((long long)pct < in->thr->port_pressure_warn_pct)
			break;
		f = tt_finding_add(
		    out, pct >= 95 ? TT_SEV_CRITICAL : TT_SEV_WARN, "ip_local_port_range");
		tt_finding_key(f, TT_K_LOCAL_PORT_RANGE);
		tt_finding_key(f, TT_K_TW_REUSE);
		tt_census_dest_str(d, ds, sizeof(ds));
		TT_SAY(f->message,
		    "outgoing connections to %s hold %" PRIu64
		    "%% of the ephemeral ports; when they run out, connect() "
		    "fails with \"cannot assign requested address\"",
		    ds, pct);
		TT_SAY(f->evidence,
		    "%" PRIu64 " sockets to %s on local ports %lld-%lld "
		    "(%lld ports): %" PRIu64 " in TIME_WAIT, %" PRIu64
		    " orphaned FIN_WAIT2, %" PRIu64 " connecting",
		    d->count, ds, lo, hi, range, d->time_wait, d->fin_wait2, d->syn_sent);
		if (reserved)
			ADD(f->evidence, "; %u reserved ports of the range taken out", reserved);
		if (d->err)
			ADD(f->evidence, "; count may be high by up to %" PRIu64, d->err);
		if (reuse != NULL)
			ADD(f->evidence, "; tcp_tw_reuse = %lld", reuse->v[0]);
		TT_SAY(f->advice,
		    "Reuse connections to this destination (keep-alive, a pool) "
		    "instead of opening one per request");
		port_pressure_opener(in, d, f);
		if (d->time_wait * 2 >= d->count)
			reuse_advice(in, d, f);
		ADD(f->advice,
		    "; widen net.ipv4.ip_local_port_range; or spread the load "
		    "over more destination addresses or ports.");
	}
}

/* CLOSE_WAIT sockets in a listener's accept queue: no process has them
 * yet, so no owner can be named; the listener's application is not
 * accepting (or accepts too slowly: its clients gave up and closed). */
static void
close_wait_queued(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;

	for (size_t i = 0; i < c->ncw_port; i++) {
		const struct tt_census_port *p = &c->cw_port[i];
		const struct tt_census_listener *l = tt_census_listener(c, p->port);
		bool full = l != NULL && l->backlog > 0 && l->accept_queue >= l->backlog;
		struct tt_finding *f;

		if (p->not_accepted == 0)
			continue;
		f = tt_finding_add(
		    out, p->not_accepted >= 10 || full ? TT_SEV_WARN : TT_SEV_INFO, NULL);
		TT_SAY(f->message,
		    "%" PRIu64 " CLOSE_WAIT sockets wait in the accept queue of the listener on "
		    "port %u: the application is not accepting",
		    p->not_accepted, p->port);
		TT_SAY(f->evidence,
		    "%" PRIu64
		    " CLOSE_WAIT sockets on local port %u have no owner (not accept()ed)",
		    p->not_accepted, p->port);
		if (l != NULL)
			ADD(f->evidence,
			    "; its listener's accept queue holds %u of a backlog of %u%s",
			    l->accept_queue, l->backlog, full ? " (full)" : "");
		if (l != NULL && l->pid > 0)
			ADD(f->evidence, "; the listener is held by pid %d (%s)", l->pid, l->comm);
		TT_SAY(f->advice,
		    "Their clients gave up before the service accepted them. Look at the "
		    "process listening on port %u (`ss -ltnp 'sport = :%u'` as root names "
		    "it): it does not call accept(), or is stuck or too slow; no kernel "
		    "setting fixes that.",
		    p->port, p->port);
	}
}

/* CLOSE_WAIT by local port (a client's by destination), into a
 * finding's evidence. */
static void
close_wait_ports(const struct tt_census *c, struct tt_finding *f)
{
	char row[64];

	ADD(f->evidence, "; by local port or destination:");
	for (size_t i = 0; i < c->ncw_port && i < 5; i++) {
		const struct tt_census_port *p = &c->cw_port[i];

		ADD(f->evidence, "%s %s%s: %" PRIu64, i ? "," : "", p->client ? "to " : "",
		    tt_census_cw_row_str(p, row, sizeof(row)), p->close_wait);
		if (p->not_accepted)
			ADD(f->evidence, " (%" PRIu64 " not accepted)", p->not_accepted);
	}
	if (c->ncw_port > 5)
		ADD(f->evidence, ", and %zu more", c->ncw_port - 5);
}

/* The oldest CLOSE_WAIT a process holds (its owners' ages, else every
 * socket's when none waits in an accept queue); 0 when unknown. */
static uint32_t
close_wait_held_ms(const struct tt_census *c, uint64_t queued)
{
	uint32_t ms = 0;

	for (size_t i = 0; tt_census_owners_of(c, TT_CI_CLOSE_WAIT) && i < c->nowner; i++)
		if (c->owner[i].age.n > 0 && c->owner[i].age.oldest_ms > ms)
			ms = c->owner[i].age.oldest_ms;
	if (ms == 0 && queued == 0 && c->cw_age.n > 0)
		ms = c->cw_age.oldest_ms;
	return ms;
}

/* Whether CLOSE_WAIT held by processes grew between two readings. */
static bool
close_wait_grows(const struct tt_rule_input *in)
{
	const struct tt_rates *r = in->snap->rates;

	for (size_t i = 0; r != NULL && r->measured && i < r->nport; i++)
		if (r->port[i].after > r->port[i].before &&
		    r->port[i].after - r->port[i].not_accepted > r->port[i].before)
			return true;
	return false;
}

/* A program that has not closed a socket this long after its peer did
 * is stuck, not slow: at most a minute, sooner when close_wait_age_warn
 * is lower. */
static uint64_t
close_wait_stuck_ms(const struct tt_rule_input *in)
{
	long long s = in->thr->close_wait_age_warn;

	return (uint64_t)(s > 0 && s < 60 ? s : 60) * 1000;
}

static void
rule_close_wait(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	uint64_t cw = tt_census_state(c, TT_CS_CLOSE_WAIT), queued = 0;
	bool many, old, grows;
	uint32_t held;
	struct tt_finding *f;
	char a[32];

	close_wait_queued(in, out);
	for (size_t i = 0; i < c->ncw_port; i++)
		queued += c->cw_port[i].not_accepted;
	if (cw <= queued)
		return;
	/* Severity follows the harm: many, held long, or growing. */
	held = close_wait_held_ms(c, queued);
	many = (long long)(cw - queued) >= in->thr->close_wait_warn;
	old = held >= close_wait_stuck_ms(in);
	grows = close_wait_grows(in);
	f = tt_finding_add(
	    out, many || old || grows ? TT_SEV_WARN : TT_SEV_INFO, "tcp_keepalive_time");
	if (many || old || grows)
		TT_SAY(f->message,
		    "%" PRIu64 " sockets in CLOSE_WAIT%s%s%s: an application does not close() "
		    "connections its peers closed",
		    cw - queued, old ? ", held for up to " : "",
		    old ? tt_census_age_str(held, a, sizeof(a)) : "", grows ? ", and growing" : "");
	else
		TT_SAY(f->message,
		    "%" PRIu64 " sockets in CLOSE_WAIT, none held long and not growing: fewer than "
		    "the warning threshold",
		    cw - queued);
	TT_SAY(f->evidence, "CLOSE_WAIT = %" PRIu64 ", close_wait_warn = %lld", cw,
	    in->thr->close_wait_warn);
	if (queued)
		ADD(f->evidence, " (%" PRIu64 " of them not accepted yet)", queued);
	if (held >= 1000)
		ADD(f->evidence, "; held for up to %s (stuck past %" PRIu64 " s)",
		    tt_census_age_str(held, a, sizeof(a)), close_wait_stuck_ms(in) / 1000);
	close_wait_ports(c, f);
	if (tt_census_owners_of(c, TT_CI_CLOSE_WAIT) && c->cw_kept < cw - queued)
		ADD(f->evidence, "; owners of the first %zu looked up", c->cw_kept);
	if (tt_census_owners_of(c, TT_CI_CLOSE_WAIT) && c->nowner > 0) {
		ADD(f->evidence, "; held by");
		for (size_t i = 0; i < c->nowner && i < 5; i++)
			ADD(f->evidence, "%s pid %d (%s) port %u: %" PRIu64, i ? "," : "",
			    c->owner[i].pid, c->owner[i].comm, c->owner[i].port, c->owner[i].count);
		if (c->nowner > 5)
			ADD(f->evidence, ", and %zu more", c->nowner - 5);
	} else if (tt_census_owners_of(c, TT_CI_CLOSE_WAIT)) {
		ADD(f->evidence,
		    "; no process readable here holds them: naming the owners needs root "
		    "(or the user that runs them)");
	}
	if (c->owners_partial)
		ADD(f->evidence,
		    "; the owner search stopped after %" PRIu64 " descriptors with sockets "
		    "unmatched, so the owners are partial",
		    c->owner_fds_read);
	TT_SAY(f->advice,
	    "CLOSE_WAIT is an application bug that no kernel setting fixes: the program "
	    "must close() a socket once read() returns 0. %s Keepalive only reaps sockets "
	    "that set SO_KEEPALIVE, and only once the peer is gone.",
	    tt_census_owners_of(c, TT_CI_CLOSE_WAIT) && c->nowner > 0 ?
		"Fix the program named above." :
		"Find the program that serves the local port above (`ss -tnp state close-wait` "
		"as root names it) and fix it.");
}

/* Who holds FIN_WAIT2 sockets shut down but not closed. */
static void
fin_wait2_owners(const struct tt_census *c, struct tt_finding *f)
{
	if (!tt_census_owners_of(c, TT_CI_FIN_WAIT2) || c->nfw2_owner == 0)
		return;
	ADD(f->evidence, "; held by");
	for (size_t i = 0; i < c->nfw2_owner && i < 5; i++)
		ADD(f->evidence, "%s pid %d (%s) port %u: %" PRIu64, i ? "," : "",
		    c->fw2_owner[i].pid, c->fw2_owner[i].comm, c->fw2_owner[i].port,
		    c->fw2_owner[i].count);
	if (c->nfw2_owner > 5)
		ADD(f->evidence, ", and %zu more", c->nfw2_owner - 5);
}

static void
rule_fin_wait2(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *ft = tt_rule_current(in, TT_K_FIN_TIMEOUT);
	uint64_t orphans = tt_census_state(c, TT_CS_FIN_WAIT2_ORPHANED) + c->fin_wait2_full_orphans;
	uint64_t owned = tt_census_state(c, TT_CS_FIN_WAIT2) - c->fin_wait2_full_orphans;
	struct tt_finding *f;

	if ((long long)orphans >= in->thr->fin_wait2_warn) {
		bool longt = ft == NULL || ft->v[0] > 30;

		f = tt_finding_add(out, longt ? TT_SEV_WARN : TT_SEV_INFO, "tcp_fin_timeout");
		tt_finding_key(f, TT_K_FIN_TIMEOUT);
		TT_SAY(f->message,
		    "%" PRIu64 " orphaned FIN_WAIT2 sockets wait for peers that "
		    "never send their FIN",
		    orphans);
		TT_SAY(f->evidence,
		    "%" PRIu64 " as timewait minisockets, %" PRIu64
		    " as full sockets; fin_wait2_warn = %lld",
		    tt_census_state(c, TT_CS_FIN_WAIT2_ORPHANED), c->fin_wait2_full_orphans,
		    in->thr->fin_wait2_warn);
		if (ft != NULL)
			ADD(f->evidence, "; tcp_fin_timeout = %lld s", ft->v[0]);
		if (longt)
			TT_SAY(f->advice,
			    "Lower net.ipv4.tcp_fin_timeout (15 to 30 s) so "
			    "orphans are freed sooner; the peers should also close "
			    "their side.");
		else
			TT_SAY(f->advice,
			    "tcp_fin_timeout is already short; look at the peers, "
			    "which do not close their side.");
	}
	if ((long long)owned >= in->thr->fin_wait2_warn) {
		f = tt_finding_add(out, TT_SEV_INFO, "tcp_fin_timeout");
		TT_SAY(f->message,
		    "%" PRIu64 " FIN_WAIT2 sockets are still owned by a process "
		    "(shutdown() without close())",
		    owned);
		TT_SAY(f->evidence, "FIN_WAIT2 full sockets with an owner = %" PRIu64, owned);
		fin_wait2_owners(c, f);
		TT_SAY(f->advice,
		    "tcp_fin_timeout does not shorten these: it applies to "
		    "orphans only. The program must close() them.");
	}
}

static void
rule_orphans(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *max = tt_rule_current(in, TT_K_MAX_ORPHANS);
	uint64_t n, aborts;
	struct tt_finding *f;

	/* The orphan count is the whole host's; only the host namespace has
	 * the limit to set it against. */
	if (in->snap->netns != 1 || max == NULL || max->v[0] <= 0 || !c->have[TT_CTR_TCP_ORPHAN])
		return;
	n = c->counter[TT_CTR_TCP_ORPHAN];
	aborts = c->have[TT_CTR_ABORT_ON_MEMORY] ? c->counter[TT_CTR_ABORT_ON_MEMORY] : 0;
	if (n * 100 < (uint64_t)max->v[0] * (uint64_t)in->thr->orphans_warn_pct)
		return;
	f = tt_finding_add(
	    out, n >= (uint64_t)max->v[0] ? TT_SEV_CRITICAL : TT_SEV_WARN, "tcp_max_orphans");
	tt_finding_key(f, TT_K_MAX_ORPHANS);
	TT_SAY(f->message,
	    "orphaned sockets are at %" PRIu64 "%% of tcp_max_orphans: past it "
	    "the kernel resets them",
	    n * 100 / (uint64_t)max->v[0]);
	TT_SAY(f->evidence,
	    "sockstat orphan = %" PRIu64 " (whole host), tcp_max_orphans = %lld, "
	    "warning at %lld%%; TcpExt TCPAbortOnMemory = %" PRIu64,
	    n, max->v[0], in->thr->orphans_warn_pct, aborts);
	TT_SAY(f->advice,
	    "Raise net.ipv4.tcp_max_orphans if memory allows, lower "
	    "tcp_fin_timeout and tcp_orphan_retries so orphans go sooner.");
}

/*
 * Listening ports inside the ephemeral range (as the profile would leave
 * it): an outgoing connection may take such a port while its service is
 * down or restarting, and the service then cannot bind it.  Reserved
 * ports are skipped by the range, so they are fine.
 */
static void
rule_port_range_listeners(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const char *from;
	const struct tt_val *v = tt_rule_effective(in, TT_K_LOCAL_PORT_RANGE, &from);
	char ports[128] = "";
	unsigned n = 0, last = 0;
	struct tt_finding *f;

	if (!tt_port_range_valid(v))
		return;
	for (size_t i = 0; i < c->nlistener; i++) {
		unsigned p = c->listener[i].port;

		if (p < v->v[0] || p > v->v[1] || tt_snapshot_port_reserved(in->snap, p) ||
		    p == last)
			continue;
		ADD(ports, "%s%u", n ? "," : "", p);
		last = p;
		n++;
	}
	if (n == 0)
		return;
	/* Inside the current range a listener may have got its port from the
	 * range itself (bind() to port 0): info.  A profile that widens the
	 * range over a service's port is a new risk: warn. */
	f = tt_finding_add(
	    out, strcmp(from, "profile") == 0 ? TT_SEV_WARN : TT_SEV_INFO, "ip_local_port_range");
	tt_finding_key(f, TT_K_LOCAL_PORT_RANGE);
	TT_SAY(f->message,
	    "%u listening port%s inside the ephemeral range %lld-%lld: an outgoing "
	    "connection can take one while its service is down, which then cannot bind it",
	    n, n == 1 ? " lies" : "s lie", v->v[0], v->v[1]);
	TT_SAY(f->evidence,
	    "ip_local_port_range = %lld %lld (%s); listening on %s; not in "
	    "ip_local_reserved_ports",
	    v->v[0], v->v[1], from, ports);
	TT_SAY(f->advice,
	    "Reserve them: net.ipv4.ip_local_reserved_ports = %s (keep the ports already "
	    "there), or keep the range clear of the services' ports.",
	    ports);
}

/*
 * somaxconn is read at listen(): a profile that raises it leaves every
 * listener capped at the current value until its service listens again.
 * A listener whose backlog equals the current somaxconn was (or may have
 * been) cut by it.
 */
static void
rule_listener_backlog(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_val *cur = tt_rule_current(in, TT_K_SOMAXCONN);
	const struct tt_val *want = tt_rule_target(in, TT_K_SOMAXCONN);
	char ports[128] = "";
	unsigned n = 0, last = 0;
	struct tt_finding *f;

	if (cur == NULL || want == NULL || want->v[0] <= cur->v[0])
		return;
	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		if ((long long)l->backlog < cur->v[0] || l->port == last)
			continue;
		ADD(ports, "%s%u", n ? "," : "", l->port);
		last = l->port;
		n++;
	}
	if (n == 0)
		return;
	f = tt_finding_add(out, TT_SEV_INFO, "somaxconn");
	tt_finding_key(f, TT_K_SOMAXCONN);
	TT_SAY(f->message,
	    "listeners on port %s are capped at somaxconn = %lld and keep that backlog "
	    "after the profile raises it to %lld",
	    ports, cur->v[0], want->v[0]);
	TT_SAY(f->evidence,
	    "%u listeners have a backlog of %lld (sock_diag), the current "
	    "net.core.somaxconn; the profile sets %lld",
	    n, cur->v[0], want->v[0]);
	TT_SAY(f->advice,
	    "somaxconn is read when a service calls listen(): restart these services after "
	    "the apply (and let them ask for a larger backlog) to use the new cap.");
}

/* Advice for a destination whose ports run out, in order of effect. */
static void
forecast_advice(const struct tt_rule_input *in, const struct tt_rate_dest *d, struct tt_finding *f)
{
	const struct tt_forecast *fc = &d->fc;
	const struct tt_val *reuse = tt_rule_current(in, TT_K_TW_REUSE);

	TT_SAY(f->advice,
	    "In order of effect: reuse connections to this destination (keep-alive, a pool)");
	if (d->new_per_s >= 1)
		ADD(f->advice, ": one kept connection replaces %.0f new ones a second",
		    d->new_per_s);
	ADD(f->advice,
	    "; spread the load over more destination addresses or ports (each has a port "
	    "range of its own)");
	if (!fc->reuse_on)
		ADD(f->advice,
		    "; net.ipv4.tcp_tw_reuse = 1 (with tcp_timestamps on) lets connect() take a "
		    "TIME_WAIT port after %.0f s instead of %.0f s, which sustains %.0f/s%s",
		    fc->reuse_delay, fc->time_wait_len, fc->sustain_reuse,
		    reuse != NULL && reuse->v[0] == 2 ? " (2 helps loopback only)" : "");
	else
		ADD(f->advice,
		    "; tcp_tw_reuse already applies here (a TIME_WAIT port is taken again after "
		    "%.1f s)",
		    fc->reuse_delay);
	ADD(f->advice, "; last, widen net.ipv4.ip_local_port_range: every port more adds %.3f/s.",
	    1 / (fc->reuse_on ? fc->reuse_delay : fc->time_wait_len));
}

/* Every port towards a destination held now: what shows it, and what the
 * census cannot see. */
static void
port_exhausted(const struct tt_rule_input *in, const struct tt_rate_dest *d, const char *ds,
    struct tt_finding *f)
{
	const struct tt_rates *r = in->snap->rates;
	const struct tt_forecast *fc = &d->fc;

	TT_SAY(f->message,
	    "the ports to %s are exhausted now: connect() to it fails with EADDRNOTAVAIL "
	    "until one is free",
	    ds);
	TT_SAY(f->evidence,
	    "%" PRIu64 " of %" PRIu64 " ports held (%" PRIu64 " by open sockets, %" PRIu64
	    " in TIME_WAIT)",
	    fc->live + fc->time_wait, fc->available, fc->live, fc->time_wait);
	if (r->have[TT_CTR_ACTIVE_OPENS])
		ADD(f->evidence, "; Tcp.ActiveOpens +%" PRIu64 " over %.1f s",
		    r->delta[TT_CTR_ACTIVE_OPENS], r->seconds);
	ADD(f->evidence,
	    "; %.1f/s got a port. The application's own connect() failures are not visible "
	    "to the census, so the rate it tries is not known",
	    d->new_per_s);
}

/* The rate, whether it is exact, and when the ports run out at it. */
static void
port_forecast_words(
    const struct tt_rates *r, const struct tt_rate_dest *d, const char *ds, struct tt_finding *f)
{
	const struct tt_forecast *fc = &d->fc;

	TT_SAY(f->message,
	    "at %.0f/s to %s you use %.0f%% of what the port range sustains; connect() "
	    "starts failing at %.0f/s",
	    d->new_per_s, ds, fc->use_pct, fc->fails_at);
	if (fc->to_exhaustion >= 0)
		ADD(f->message, "; at this rate its ports run out in about %.0f s",
		    fc->to_exhaustion);
	TT_SAY(f->evidence,
	    "%.1f new connections/s to %s over %.1f s (%.1f/s closing); "
	    "%" PRIu64 " ports available (range less reserved), %" PRIu64
	    " held by open sockets, %" PRIu64 " in TIME_WAIT; each closed port is held %.0f s",
	    d->new_per_s, ds, r->seconds, d->time_wait_per_s, fc->available, fc->live,
	    fc->time_wait, fc->time_wait_len);
	if (fc->reuse_on)
		ADD(f->evidence, "; tcp_tw_reuse applies: reused after %.1f s", fc->reuse_delay);
	if (d->why != TT_RW_EXACT)
		ADD(f->evidence, "; the rate is an estimate: %s", tt_rate_why_text_name(d->why));
}

/*
 * The port exhaustion forecast: the rate of new connections to a
 * destination against the rate its ephemeral ports sustain, when they run
 * out at it, or that they have.
 */
static void
rule_port_forecast(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_rates *r = in->snap->rates;

	for (size_t i = 0; r != NULL && r->measured && i < r->ndest; i++) {
		const struct tt_rate_dest *d = &r->dest[i];
		const struct tt_forecast *fc = &d->fc;
		char ds[64];
		struct tt_finding *f;

		if (!fc->exhausted &&
		    (fc->use_pct < (double)in->thr->port_pressure_warn_pct || d->new_per_s <= 0))
			continue;
		f = tt_finding_add(out,
		    fc->exhausted || fc->use_pct >= 100 ? TT_SEV_CRITICAL : TT_SEV_WARN,
		    "ip_local_port_range");
		tt_finding_key(f, TT_K_LOCAL_PORT_RANGE);
		tt_finding_key(f, TT_K_TW_REUSE);
		tt_census_dest_str(&d->dest, ds, sizeof(ds));
		if (fc->exhausted)
			port_exhausted(in, d, ds, f);
		else
			port_forecast_words(r, d, ds, f);
		forecast_advice(in, d, f);
	}
}

/* Listen queues that overflowed between two readings. */
static void
rule_listen_overflow(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	const struct tt_rates *r = rates_with(in, TT_CTR_LISTEN_OVERFLOWS);
	uint64_t ovf, drops;
	unsigned full = 0;
	char span[64];
	struct tt_finding *f;

	if (r == NULL || r->delta[TT_CTR_LISTEN_OVERFLOWS] == 0)
		return;
	ovf = r->delta[TT_CTR_LISTEN_OVERFLOWS];
	drops = r->have[TT_CTR_LISTEN_DROPS] ? r->delta[TT_CTR_LISTEN_DROPS] : 0;
	rates_span(r, span, sizeof(span));
	f = tt_finding_add(out, r->measured ? TT_SEV_WARN : TT_SEV_INFO, "somaxconn");
	tt_finding_key(f, TT_K_SOMAXCONN);
	TT_SAY(f->message, "listen queues overflowed %" PRIu64 " times %s%s", ovf, span,
	    r->measured ? ": connection attempts are dropped now, and clients retransmit their "
			  "SYN until they connect or time out" :
			  "");
	TT_SAY(f->evidence, "TcpExt ListenOverflows +%" PRIu64 ", ListenDrops +%" PRIu64 " %s", ovf,
	    drops, span);
	for (size_t i = 0; i < c->nlistener && full < 5; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		if (l->backlog == 0 || l->accept_queue < l->backlog)
			continue;
		ADD(f->evidence, "%s port %u accept queue %u of a backlog of %u (full)",
		    full++ ? "," : ";", l->port, l->accept_queue, l->backlog);
		if (l->pid > 0)
			ADD(f->evidence, ", held by pid %d (%s)", l->pid, l->comm);
	}
	if (full == 0)
		ADD(f->evidence, "; no accept queue is full now");
	TT_SAY(f->advice,
	    "A full accept queue means the service does not accept() fast enough: look at %s "
	    "first. If it only bursts, let it ask for a larger backlog (listen()) and raise "
	    "net.core.somaxconn, then restart it.",
	    full > 0 ? "the listener named above" :
		       "the listeners of this host (`ss -ltn`: Recv-Q near Send-Q is a queue "
		       "filling up; none is full now)");
}

/* The sockets the tracer saw enter CLOSE_WAIT on port during the
 * interval: how many, how long ago exactly, and whose. */
static void
close_wait_traced(const struct tt_rule_input *in, unsigned port, struct tt_finding *f)
{
	const struct tt_trace_report *tr = in->snap->trace;
	const struct tt_trace_closewait *first = NULL;
	size_t n = 0;

	for (size_t i = 0; tr != NULL && i < tr->ncw; i++) {
		if (tr->cw[i].lport != port)
			continue;
		if (first == NULL || tr->cw[i].age > first->age)
			first = &tr->cw[i];
		n++;
	}
	if (first == NULL)
		return;
	ADD(f->evidence, "; traced: %zu entered CLOSE_WAIT on it, the first %.3f s before the end",
	    n, first->age);
	if (first->who.pid > 0)
		ADD(f->evidence, ", owned by %s[%u]%s%s", first->who.comm, first->who.pid,
		    first->who.workload[0] ? " in " : "", first->who.workload);
}

/* CLOSE_WAIT that grew between two readings in one row: a leak going on
 * now, unless what grew waits in an accept queue (never accepted, so no
 * program holds it: the service does not accept). */
static void
close_wait_growth_one(const struct tt_rule_input *in, const struct tt_rates *r,
    const struct tt_rate_port *p, struct tt_finding *f)
{
	struct tt_census_port row = { .port = p->port, .client = p->client, .family = p->family };
	bool queued = p->after - p->not_accepted <= p->before;
	char name[64];

	memcpy(row.addr, p->addr, sizeof(row.addr));
	tt_census_cw_row_str(&row, name, sizeof(name));
	TT_SAY(f->message, "CLOSE_WAIT grows %s %s: +%" PRIu64 " in %.1f s (%.1f/s)",
	    queued        ? "in the accept queue of" :
		p->client ? "on connections to" :
			    "on local",
	    name, p->after - p->before, r->seconds, p->per_s);
	TT_SAY(f->evidence,
	    "CLOSE_WAIT %s %s: %" PRIu64 " then %" PRIu64 " (%" PRIu64 " not accepted)",
	    p->client ? "to" : "on", name, p->before, p->after, p->not_accepted);
	if (p->pid > 0)
		ADD(f->evidence, "; held by pid %d (%s)", p->pid, p->comm);
	close_wait_traced(in, p->port, f);
	if (queued)
		TT_SAY(f->advice,
		    "These were never accepted: their clients gave up before the service on %s "
		    "accepted them. It does not call accept(), or is stuck or too slow (`ss -ltnp "
		    "'sport = :%u'` names it); no kernel setting fixes that.",
		    name, p->port);
	else if (p->client)
		TT_SAY(f->advice,
		    "A client program leaks connections now: %s closed them and the program does "
		    "not close() its side. %s No kernel setting fixes that.",
		    name,
		    p->pid > 0 ? "Fix the program named above." :
				 "`ss -tnp state close-wait` as root names the program.");
	else
		TT_SAY(f->advice,
		    "A program leaks sockets now: it does not close() connections its peers "
		    "closed. %s No kernel setting fixes that.",
		    p->pid > 0 ?
			"Fix the program named above." :
			"Find the program serving this port (`ss -tnp state close-wait` as "
			"root names it).");
}

static void
rule_close_wait_growth(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_rates *r = in->snap->rates;

	for (size_t i = 0; r != NULL && r->measured && i < r->nport; i++)
		if (r->port[i].after > r->port[i].before)
			close_wait_growth_one(
			    in, r, &r->port[i], tt_finding_add(out, TT_SEV_WARN, NULL));
}

#define age_str tt_census_age_str

/* The owners whose oldest CLOSE_WAIT is at least lim ms old, into the
 * evidence; returns how many. */
static size_t
old_owners(const struct tt_census *c, uint64_t lim, struct tt_finding *f)
{
	size_t n = 0;
	char a[32];

	for (size_t i = 0; i < c->nowner; i++) {
		const struct tt_census_owner *o = &c->owner[i];

		if (o->age.n == 0 || o->age.oldest_ms < lim)
			continue;
		if (n < 5)
			ADD(f->evidence, "%s pid %d (%s) port %u: %" PRIu64 " sockets, oldest %s",
			    n ? "," : "; held by", o->pid, o->comm, o->port, o->count,
			    age_str(o->age.oldest_ms, a, sizeof(a)));
		n++;
	}
	if (n > 5)
		ADD(f->evidence, ", and %zu more", n - 5);
	return n;
}

/* The local ports whose oldest CLOSE_WAIT is at least lim ms old. */
static void
old_ports(const struct tt_census *c, uint64_t lim, struct tt_finding *f)
{
	size_t n = 0;
	char a[32], row[64];

	for (size_t i = 0; i < c->ncw_port; i++) {
		const struct tt_census_port *p = &c->cw_port[i];

		if (p->age.n == 0 || p->age.oldest_ms < lim || n++ >= 5)
			continue;
		ADD(f->evidence, "%s %s%s oldest %s",
		    n > 1 ? "," : "; by local port or destination:", p->client ? "to " : "",
		    tt_census_cw_row_str(p, row, sizeof(row)),
		    age_str(p->age.oldest_ms, a, sizeof(a)));
	}
}

/*
 * CLOSE_WAIT sockets idle for longer than close_wait_age_warn: the
 * application has had the peer's FIN that long and not closed.  Names
 * the owners when the walk found them.
 */
static void
rule_close_wait_age(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	uint64_t lim = (uint64_t)in->thr->close_wait_age_warn * 1000, old = 0;
	struct tt_finding *f;
	char a[32], m[32];
	size_t owners;

	if (c->cw_age.n == 0 || c->cw_age.oldest_ms < lim)
		return;
	/* The buckets wholly past the limit: a lower bound of how many. */
	for (int i = 1; i < TT_CENSUS_AGE_SHOW; i++)
		if ((uint64_t)tt_census_age_bound(i - 1) * 1000 >= lim)
			old += c->cw_age.bucket[i];
	f = tt_finding_add(out, TT_SEV_WARN, NULL);
	TT_SAY(f->message,
	    "CLOSE_WAIT sockets sit idle for up to %s: their application has not closed "
	    "them since the peer did",
	    age_str(c->cw_age.oldest_ms, a, sizeof(a)));
	TT_SAY(f->evidence,
	    "%" PRIu64 " CLOSE_WAIT sockets with an age (tcp_info last data received): "
	    "oldest %s, median about %s",
	    c->cw_age.n, a, age_str(tt_census_cw_median_ms(c), m, sizeof(m)));
	if (old > 0)
		ADD(f->evidence, ", at least %" PRIu64 " older than %s", old,
		    age_str((uint32_t)lim, m, sizeof(m)));
	ADD(f->evidence, "; close_wait_age_warn = %lld s", in->thr->close_wait_age_warn);
	owners = tt_census_owners_of(c, TT_CI_CLOSE_WAIT) ? old_owners(c, lim, f) : 0;
	if (owners == 0)
		old_ports(c, lim, f);
	TT_SAY(f->advice,
	    "%s must close() a socket once read() returns 0; the longer they wait the "
	    "likelier it never will (a leak, not slowness). No kernel setting reaps them "
	    "unless the socket set SO_KEEPALIVE and the peer is gone.",
	    owners > 0 ? "The program named above" :
			 "The program serving the local port above (`ss -tnp state close-wait` "
			 "as root names it)");
}

/*
 * Keepalive coverage: the keepalive keys only reach ESTABLISHED sockets
 * that set SO_KEEPALIVE (their timer shows as keepalive, idiag_timer 2).
 * A socket busy retransmitting shows that timer instead and is counted
 * apart.
 */
static void
rule_keepalive_coverage(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	uint64_t est = c->est_keepalive + c->est_no_timer + c->est_busy;
	bool profile = tt_rule_target(in, TT_K_KEEPALIVE_TIME) != NULL ||
	    tt_rule_target(in, TT_K_KEEPALIVE_INTVL) != NULL ||
	    tt_rule_target(in, TT_K_KEEPALIVE_PROBES) != NULL;
	struct tt_finding *f;

	if (est == 0 || c->est_no_timer == 0)
		return;
	f = tt_finding_add(out, TT_SEV_INFO, "tcp_keepalive_time");
	tt_finding_key(f, TT_K_KEEPALIVE_TIME);
	TT_SAY(f->message,
	    "%" PRIu64 " of %" PRIu64 " ESTABLISHED sockets have keepalive armed: the keepalive "
	    "keys%s do not reach the other %" PRIu64,
	    c->est_keepalive, est, profile ? " the profile sets" : "", c->est_no_timer);
	TT_SAY(f->evidence,
	    "ESTABLISHED by timer (sock_diag): keepalive %" PRIu64 ", none %" PRIu64,
	    c->est_keepalive, c->est_no_timer);
	if (c->est_busy)
		ADD(f->evidence, ", retransmitting or probing (keepalive unknown) %" PRIu64,
		    c->est_busy);
	TT_SAY(f->advice,
	    "tcp_keepalive_time, _intvl and _probes apply only to sockets that set SO_KEEPALIVE; "
	    "the others rely on the application (its own timeouts, TCP_USER_TIMEOUT) to notice a "
	    "dead peer, or a NAT that dropped them. Enable keepalive in those applications%s.",
	    profile ? " for the profile's values to matter" : " if they hold idle connections");
}

/* One full listener: its queue, backlog, owner and the overflow count. */
static void
listener_full(
    const struct tt_rule_input *in, const struct tt_census_listener *l, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;
	bool ovf = c->have[TT_CTR_LISTEN_OVERFLOWS] && c->counter[TT_CTR_LISTEN_OVERFLOWS] > 0;
	struct tt_finding *f;
	char who[64] = "";

	if (l->pid > 0)
		snprintf(who, sizeof(who), " (pid %d, %s)", l->pid, l->comm);
	f = tt_finding_add(out, ovf ? TT_SEV_WARN : TT_SEV_INFO, "somaxconn");
	tt_finding_key(f, TT_K_SOMAXCONN);
	TT_SAY(f->message,
	    "the listener on port %u%s has its accept queue full: new connections to it are "
	    "dropped until it accepts",
	    l->port, who);
	TT_SAY(f->evidence, "accept queue %u, backlog %u (sock_diag)", l->accept_queue, l->backlog);
	if (c->have[TT_CTR_LISTEN_OVERFLOWS])
		ADD(f->evidence, "; TcpExt ListenOverflows = %" PRIu64 " (cumulative, %s)",
		    c->counter[TT_CTR_LISTEN_OVERFLOWS], tt_counters_since(in->snap->netns));
	if (l->pid == 0 && tt_census_owners_of(c, TT_CI_LISTEN))
		ADD(f->evidence, "; its owner could not be read (needs root)");
	TT_SAY(f->advice,
	    "The application%s accepts more slowly than connections come, or not at all: "
	    "look at it first. A larger backlog (listen() with more, up to net.core.somaxconn) "
	    "only absorbs bursts.",
	    who);
}

static void
rule_listener_full(const struct tt_rule_input *in, struct tt_findings *out)
{
	const struct tt_census *c = in->snap->census;

	for (size_t i = 0; i < c->nlistener; i++) {
		const struct tt_census_listener *l = &c->listener[i];

		if (l->backlog > 0 && l->accept_queue >= l->backlog)
			listener_full(in, l, out);
	}
}

const struct tt_rule tt_rules_census[] = {
	{ .id = "census_time_wait",
	    .harm = TT_HARM_NOW,
	    .fn = rule_time_wait,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "TIME_WAIT is well below tcp_max_tw_buckets, no overflow" },
	{ .id = "census_port_pressure",
	    .harm = TT_HARM_NOW,
	    .fn = rule_port_pressure,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no destination uses much of the ephemeral port range" },
	{ .id = "census_port_range_listeners",
	    .fn = rule_port_range_listeners,
	    OWNS_NONE,
	    .needs_census = true,
	    .weighs_profile = true,
	    .about_change = true,
	    .ok_message = "no listening port lies in the ephemeral range, or it is reserved" },
	{ .id = "census_listener_backlog",
	    .fn = rule_listener_backlog,
	    OWNS_NONE,
	    .needs_census = true,
	    .needs_profile = true,
	    .about_change = true,
	    .ok_message = "no listener stays capped below the profile's somaxconn" },
	{ .id = "census_close_wait",
	    .harm = TT_HARM_NOW,
	    .fn = rule_close_wait,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no socket in CLOSE_WAIT" },
	{ .id = "census_close_wait_age",
	    .harm = TT_HARM_NOW,
	    .fn = rule_close_wait_age,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no CLOSE_WAIT socket older than close_wait_age_warn, or no ages" },
	{ .id = "census_keepalive_coverage",
	    .fn = rule_keepalive_coverage,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "every ESTABLISHED socket has keepalive armed, or there are none" },
	{ .id = "census_listener_full",
	    .harm = TT_HARM_NOW,
	    .fn = rule_listener_full,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no listener has its accept queue full" },
	{ .id = "census_fin_wait2",
	    .harm = TT_HARM_NOW,
	    .fn = rule_fin_wait2,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "few FIN_WAIT2 sockets" },
	{ .id = "census_port_forecast",
	    .harm = TT_HARM_NOW,
	    .fn = rule_port_forecast,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no destination opens connections near the rate its ports sustain, "
			  "or no rates measured" },
	{ .id = "census_listen_overflow",
	    .harm = TT_HARM_NOW,
	    .fn = rule_listen_overflow,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "no listen queue overflowed between two readings, or no rates" },
	{ .id = "census_close_wait_growth",
	    .harm = TT_HARM_NOW,
	    .fn = rule_close_wait_growth,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "CLOSE_WAIT did not grow between two readings, or no rates measured" },
	{ .id = "census_orphans",
	    .harm = TT_HARM_NOW,
	    .fn = rule_orphans,
	    OWNS_NONE,
	    .needs_census = true,
	    .ok_message = "orphans are well below tcp_max_orphans, or not this namespace's "
			  "to judge" },
};
const size_t tt_rules_census_n = sizeof(tt_rules_census) / sizeof(tt_rules_census[0]);
