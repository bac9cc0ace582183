/*
 * tcptune trace's report: one row per process, namespace and peer with
 * the counters that are not zero, then the sockets in CLOSE_WAIT with the
 * time each entered it, then what the tracer could not record.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "out-prometheus.h"
#include "out-trace.h"

static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };

static const char *
addr_text(const struct tt_trace_who *w, char *buf, size_t len)
{
	if (w->family == AF_INET6 && memcmp(w->addr, v4mapped, 12) != 0)
		inet_ntop(AF_INET6, w->addr, buf, (socklen_t)len);
	else
		inet_ntop(
		    AF_INET, w->family == AF_INET6 ? w->addr + 12 : w->addr, buf, (socklen_t)len);
	return buf;
}

static const char *
ns_name(const struct tt_netns_list *names, uint32_t ino)
{
	for (size_t i = 0; names != NULL && i < names->n; i++)
		if (names->v[i].ino == ino)
			return names->v[i].name;
	return NULL;
}

static void
text_who(FILE *f, const struct tt_trace_who *w, const struct tt_netns_list *names)
{
	char a[INET6_ADDRSTRLEN];
	const char *ns = ns_name(names, w->netns);

	if (w->pid)
		fprintf(f, "%s[%u]", w->comm, w->pid);
	else if (w->side == TT_TRACE_SIDE_IN)
		fputs("(accepted, not closed by a process yet)", f);
	else
		fputs("(process not known)", f);
	if (w->workload[0])
		fprintf(f, " %s", w->workload);
	if (names != NULL)
		fprintf(f, " netns %s", ns ? ns : "?");
	addr_text(w, a, sizeof(a));
	if (w->side == TT_TRACE_SIDE_IN)
		fprintf(f, " accepted from %s on port %u", a, w->port);
	else
		fprintf(f, strchr(a, ':') ? " to [%s]:%u" : " to %s:%u", a, w->port);
}

static void
text_report(FILE *f, const struct tt_trace_report *r, const struct tt_netns_list *names)
{
	double s = r->seconds > 0 ? r->seconds : 1;

	fprintf(f, "traced %.1f s, %s\n", r->seconds,
	    r->netns ? "this network namespace" : "every network namespace");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct tt_trace_row *row = &r->rows[i];

		text_who(f, &row->who, names);
		fputc('\n', f);
		for (int c = 0; c < TT_TRACE_NCOUNTERS; c++) {
			if (row->c[c] == 0)
				continue;
			fprintf(f, "  %-30s %10llu", tt_trace_counter_name(c),
			    (unsigned long long)row->c[c]);
			if (c == TT_TRACE_OPENED || c == TT_TRACE_ACCEPTED)
				fprintf(f, "  %.1f/s", (double)row->c[c] / s);
			fputc('\n', f);
		}
	}
	if (r->nrows == 0)
		fputs("no TCP connection events\n", f);
	fprintf(f, "in CLOSE_WAIT now, entered while tracing: %zu\n", r->ncw);
	for (size_t i = 0; i < r->ncw; i++) {
		const struct tt_trace_closewait *c = &r->cw[i];
		struct tm tm;
		char when[64] = "?";

		if (gmtime_r(&c->entered.tv_sec, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(f, "  port %u, ", c->lport);
		text_who(f, &c->who, names);
		fprintf(f, ": since %s.%03ld UTC (%.3f s)\n", when, c->entered.tv_nsec / 1000000,
		    c->age);
	}
	fprintf(f,
	    "events %llu; not recorded: %llu (tables full), %llu CLOSE_WAIT (table full); "
	    "on sockets opened before tracing: %llu\n",
	    (unsigned long long)r->lost[TT_TRACE_EVENTS],
	    (unsigned long long)r->lost[TT_TRACE_LOST_TABLE_FULL],
	    (unsigned long long)r->lost[TT_TRACE_LOST_CW_FULL],
	    (unsigned long long)r->lost[TT_TRACE_LOST_NO_OWNER]);
}

static void
json_who(struct json *j, const struct tt_trace_who *w, const struct tt_netns_list *names)
{
	char a[INET6_ADDRSTRLEN];

	if (w->pid)
		json_int(j, "pid", w->pid);
	else
		json_null(j, "pid");
	json_str(j, "comm", w->pid ? w->comm : NULL);
	json_obj_begin(j, "cgroup");
	json_int(j, "id", (long long)w->cgroup);
	json_str(j, "path", w->cgroup_path[0] ? w->cgroup_path : NULL);
	json_str(j, "workload", w->workload[0] ? w->workload : NULL);
	json_str(j, "pod_uid", w->cg.pod_uid[0] ? w->cg.pod_uid : NULL);
	json_str(j, "container", w->cg.container[0] ? w->cg.container : NULL);
	json_obj_end(j);
	json_obj_begin(j, "netns");
	json_int(j, "inode", w->netns);
	json_str(j, "name", ns_name(names, w->netns));
	json_obj_end(j);
	json_str(j, "side", tt_trace_side_name(w->side));
	json_obj_begin(j, "peer");
	json_str(j, "address", addr_text(w, a, sizeof(a)));
	if (w->side == TT_TRACE_SIDE_OUT)
		json_int(j, "port", w->port);
	json_obj_end(j);
	if (w->side == TT_TRACE_SIDE_IN)
		json_int(j, "local_port", w->port);
}

static void
json_close_wait(struct json *j, const struct tt_trace_report *r, const struct tt_netns_list *names)
{
	json_arr_begin(j, "close_wait");
	for (size_t i = 0; i < r->ncw; i++) {
		const struct tt_trace_closewait *c = &r->cw[i];

		json_obj_begin(j, NULL);
		json_who(j, &c->who, names);
		json_int(j, "local_port", c->lport);
		json_num(
		    j, "entered", (double)c->entered.tv_sec + (double)c->entered.tv_nsec / 1e9);
		json_num(j, "age_seconds", c->age);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_begin(j, "lost");
	for (int l = 0; l < TT_TRACE_NLOSSES; l++)
		if (l != TT_TRACE_EVENTS)
			json_int(j, tt_trace_loss_name(l), (long long)r->lost[l]);
	json_obj_end(j);
	json_int(j, "events", (long long)r->lost[TT_TRACE_EVENTS]);
}

/* The members of a trace: seconds, all_namespaces, rows, close_wait, lost
 * and events. */
static void
json_members(struct json *j, const struct tt_trace_report *r, const struct tt_netns_list *names)
{
	double s = r->seconds > 0 ? r->seconds : 1;

	json_num(j, "seconds", r->seconds);
	json_bool(j, "all_namespaces", r->netns == 0);
	json_arr_begin(j, "rows");
	for (size_t i = 0; i < r->nrows; i++) {
		json_obj_begin(j, NULL);
		json_who(j, &r->rows[i].who, names);
		json_obj_begin(j, "counts");
		for (int c = 0; c < TT_TRACE_NCOUNTERS; c++)
			json_int(j, tt_trace_counter_name(c), (long long)r->rows[i].c[c]);
		json_obj_end(j);
		json_num(j, "opened_per_second", (double)r->rows[i].c[TT_TRACE_OPENED] / s);
		json_num(j, "accepted_per_second", (double)r->rows[i].c[TT_TRACE_ACCEPTED] / s);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_close_wait(j, r, names);
}

static void
json_report(FILE *f, const struct tt_trace_report *r, const struct tt_netns_list *names)
{
	struct json j;

	json_document_begin(&j, f);
	json_str(&j, "command", "trace");
	json_members(&j, r, names);
	json_obj_end(&j);
	json_finish(&j);
}

void
out_trace_json(struct json *j, const char *key, const struct tt_trace_report *r)
{
	if (r == NULL) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_members(j, r, NULL);
	json_obj_end(j);
}

/* CLOSE_WAIT sockets, what was lost, and the events counted. */

static void
prom_who(FILE *f, const struct tt_trace_who *w, const struct tt_netns_list *names)
{
	char a[INET6_ADDRSTRLEN], n[32];
	const char *ns = ns_name(names, w->netns);

	snprintf(n, sizeof(n), "%u", w->pid);
	prom_label(f, "pid", n, true);
	prom_label(f, "comm", w->comm, false);
	prom_label(f, "workload", w->workload, false);
	snprintf(n, sizeof(n), "%u", w->netns);
	prom_label(f, "netns", ns ? ns : n, false);
	prom_label(f, "side", tt_trace_side_name(w->side), false);
	prom_label(f, "peer", addr_text(w, a, sizeof(a)), false);
	snprintf(n, sizeof(n), "%u", w->port);
	prom_label(f, "port", n, false);
}

static void
trace_prom(FILE *f, const struct tt_trace_report *r, const struct tt_netns_list *names)
{
	fputs("# HELP tcptune_trace_events_total TCP events while tracing, by process, peer "
	      "and event.\n# TYPE tcptune_trace_events_total counter\n",
	    f);
	for (size_t i = 0; i < r->nrows; i++)
		for (int c = 0; c < TT_TRACE_NCOUNTERS; c++) {
			fputs("tcptune_trace_events_total{", f);
			prom_who(f, &r->rows[i].who, names);
			prom_label(f, "event", tt_trace_counter_name(c), false);
			fprintf(f, "} %llu\n", (unsigned long long)r->rows[i].c[c]);
		}
	fputs("# HELP tcptune_trace_close_wait_age_seconds How long each socket has been in "
	      "CLOSE_WAIT.\n# TYPE tcptune_trace_close_wait_age_seconds gauge\n",
	    f);
	for (size_t i = 0; i < r->ncw; i++) {
		char lp[16];

		fputs("tcptune_trace_close_wait_age_seconds{", f);
		prom_who(f, &r->cw[i].who, names);
		snprintf(lp, sizeof(lp), "%u", r->cw[i].lport);
		prom_label(f, "local_port", lp, false);
		fprintf(f, "} %.3f\n", r->cw[i].age);
	}
	fputs("# HELP tcptune_trace_lost_total What the tracer could not record, by reason.\n"
	      "# TYPE tcptune_trace_lost_total counter\n",
	    f);
	for (int l = 0; l < TT_TRACE_NLOSSES; l++) {
		if (l == TT_TRACE_EVENTS)
			continue;
		fputs("tcptune_trace_lost_total{", f);
		prom_label(f, "reason", tt_trace_loss_name(l), true);
		fprintf(f, "} %llu\n", (unsigned long long)r->lost[l]);
	}
	fprintf(f,
	    "# HELP tcptune_trace_seconds How long the trace ran.\n"
	    "# TYPE tcptune_trace_seconds gauge\ntcptune_trace_seconds %.3f\n",
	    r->seconds);
}

void
out_trace_top(FILE *f, const struct tt_trace_report *r)
{
	const struct tt_trace_row *top = NULL;

	for (size_t i = 0; r != NULL && i < r->nrows; i++)
		if (r->rows[i].who.side == TT_TRACE_SIDE_OUT && r->rows[i].who.pid > 0 &&
		    (top == NULL || r->rows[i].c[TT_TRACE_OPENED] > top->c[TT_TRACE_OPENED]))
			top = &r->rows[i];
	if (top == NULL)
		return;
	fprintf(f, " opener %s[%u]", top->who.comm, top->who.pid);
	if (top->who.workload[0])
		fprintf(f, " (%s)", top->who.workload);
	fprintf(f, " %.1f/s, %llu EADDRNOTAVAIL",
	    (double)top->c[TT_TRACE_OPENED] / (r->seconds > 0 ? r->seconds : 1),
	    (unsigned long long)top->c[TT_TRACE_FAIL_ADDRNOTAVAIL]);
}

void
out_trace_text(FILE *f, const struct tt_trace_report *r)
{
	if (r == NULL)
		return;
	fputs("\nTRACED DURING THE INTERVAL\n", f);
	text_report(f, r, NULL);
}

void
out_trace(FILE *f, enum trace_format format, const struct tt_trace_report *r,
    const struct tt_netns_list *names)
{
	if (format == TRACE_JSON)
		json_report(f, r, names);
	else if (format == TRACE_PROMETHEUS)
		trace_prom(f, r, names);
	else
		text_report(f, r, names);
}
