/*
 * Check's findings and reports: one namespace's (check), several
 * namespaces' (check --netns, --all-namespaces) and the applier's notes,
 * in text, JSON and Prometheus metrics.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "lib/compare.h"
#include "lib/nat.h"
#include "lib/sysctld.h"
#include "out-census.h"
#include "out-check.h"
#include "out-file.h"
#include "out-nat.h"
#include "out-prometheus.h"
#include "out-rates.h"
#include "out-sysctld.h"
#include "out-trace.h"
#include "out-verdict.h"

/* --- a finding -------------------------------------------------------------- */

static const char *
sev_color(enum tt_severity s)
{
	switch (s) {
	case TT_SEV_CRITICAL:
		return "\033[1;31m";
	case TT_SEV_WARN:
		return "\033[33m";
	case TT_SEV_INFO:
		return "\033[36m";
	case TT_SEV_OK:
		break;
	}
	return "\033[32m";
}

/* A finding's first line: "[WARN]     id: message". */
static void
finding_head(FILE *f, const struct tt_finding *fd, bool color)
{
	char tag[32];

	snprintf(tag, sizeof(tag), "[%s]", tt_severity_name(fd->sev));
	for (char *p = tag; *p; p++)
		if (fd->sev >= TT_SEV_WARN)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(f, "%s%-10s%s %s: %s\n", color ? sev_color(fd->sev) : "", tag,
	    color ? "\033[0m" : "", fd->id, fd->message);
}

void
out_check_text_finding(FILE *f, const struct tt_finding *fd, bool color)
{
	finding_head(f, fd, color);
	if (fd->sev == TT_SEV_OK)
		return;
	if (fd->evidence[0]) {
		fputs("    evidence: ", f);
		cmd_wrap(f, fd->evidence, 14, 78);
	}
	if (fd->advice[0]) {
		fputs("    advice:   ", f);
		cmd_wrap(f, fd->advice, 14, 78);
	}
	if (fd->explain)
		fprintf(f, "    explain:  tcptune explain %s\n", fd->explain);
}

void
out_check_json_finding(struct json *j, const struct tt_finding *fd, unsigned what)
{
	json_obj_begin(j, NULL);
	json_str(j, "id", fd->id);
	json_str(j, "severity", tt_severity_name(fd->sev));
	if (what & OUT_FINDING_KEYS) {
		json_arr_begin(j, "keys");
		for (int k = 0; k < fd->nkeys; k++)
			json_str(j, NULL, tt_key_get(fd->keys[k])->name);
		json_arr_end(j);
	}
	json_str(j, "message", fd->message);
	json_str(j, "evidence", fd->evidence[0] ? fd->evidence : NULL);
	json_str(j, "advice", fd->advice[0] ? fd->advice : NULL);
	if (what & OUT_FINDING_EXPLAIN)
		json_str(j, "explain", fd->explain);
	json_obj_end(j);
}

/* Opens "summary" with the counts; the caller may add more and closes it. */
static void
json_summary(struct json *j, const unsigned counts[4])
{
	json_obj_begin(j, "summary");
	json_int(j, "ok", counts[TT_SEV_OK]);
	json_int(j, "info", counts[TT_SEV_INFO]);
	json_int(j, "warn", counts[TT_SEV_WARN]);
	json_int(j, "critical", counts[TT_SEV_CRITICAL]);
}

void
out_check_json_findings(struct json *j, const struct tt_findings *fs)
{
	char verdict[OUT_VERDICT_WIDTH + 64];
	unsigned counts[4];

	json_arr_begin(j, "findings");
	for (size_t i = 0; i < fs->n; i++)
		out_check_json_finding(j, &fs->v[i], OUT_FINDING_CHECK);
	json_arr_end(j);
	tt_findings_count(fs, counts);
	json_summary(j, counts);
	json_str(j, "verdict", out_verdict(fs, verdict, sizeof(verdict)));
	json_obj_end(j);
}

void
out_check_text_notes(FILE *f, const struct tt_findings *fs)
{
	if (fs->n > 0)
		fprintf(f, "\nSERVICES RUNNING NOW (%zu)\n", fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		fprintf(f, "  [%s] %s\n      ", tt_severity_name(fs->v[i].sev), fs->v[i].id);
		cmd_wrap(f, fs->v[i].message, 6, 78);
		fputs("      ", f);
		cmd_wrap(f, fs->v[i].advice, 6, 78);
	}
}

void
out_check_json_notes(struct json *j, const struct tt_findings *fs)
{
	json_arr_begin(j, "notes");
	for (size_t i = 0; i < fs->n; i++)
		out_check_json_finding(j, &fs->v[i], 0);
	json_arr_end(j);
}

/* --- one namespace ---------------------------------------------------------- */

/* The text shown for a reading: the value, or why there is none. */
static const char *
reading_text(const struct tt_reading *r, char *buf, size_t len)
{
	if (r->state == TT_ST_OK)
		return tt_val_format(&r->val, buf, len);
	return tt_state_name(r->state);
}

/* One row of the key table; the profile column only with a profile. */
static void
table_row(FILE *f, const char *key, const char *cur, const char *def, const char *target)
{
	if (target != NULL)
		fprintf(f, "%-30s %-14s %-14s %s\n", key, cur, def, target);
	else
		fprintf(f, "%-30s %-14s %s\n", key, cur, def);
}

/* The key table: current value, default, and the profile's target. */
static void
text_keys(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	fputc('\n', f);
	table_row(f, "KEY", "CURRENT", "DEFAULT", prof ? "PROFILE" : NULL);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_val *def = tt_key_default(k, snap->kv);
		char cb[TT_VAL_STRLEN], db[TT_VAL_STRLEN], pb[TT_VAL_STRLEN];

		table_row(f, k->name, reading_text(&snap->sysctl[i], cb, sizeof(cb)),
		    def ? tt_val_format(def, db, sizeof(db)) : "(boot-sized)",
		    prof == NULL ? NULL :
				   tt_val_format(prof->sysctl[i].set ? &prof->sysctl[i].val : NULL,
				       pb, sizeof(pb)));
	}
}

/* The verdict, in the colour of the worst severity (ok's below warn). */
static void
verdict_line(FILE *f, const char *verdict, enum tt_severity worst, bool color)
{
	if (worst < TT_SEV_WARN)
		worst = TT_SEV_OK;
	fprintf(f, "%s%s%s\n", color ? sev_color(worst) : "", verdict, color ? "\033[0m" : "");
}

/* The tables, which --all shows after the findings: keys, boot
 * configuration, NAT evidence, sockets and counters, rates. */
static void
text_tables(FILE *f, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	text_keys(f, snap, prof);
	sysctld_print_boot(f, snap);
	out_nat_text(f, snap, prof);
	if (snap->census != NULL)
		out_census_text(f, snap->census, snap->netns);
	out_rates_text(f, snap->rates);
	out_trace_text(f, snap->trace);
}

/* The findings that are not ok, worst first: a warning or worse whole, an
 * info finding in its first line unless all. */
static void
text_not_ok(FILE *f, const struct tt_findings *fs, bool all, bool color)
{
	bool any = false;

	for (size_t i = 0; i < fs->n; i++) {
		const struct tt_finding *fd = &fs->v[i];

		if (fd->sev == TT_SEV_OK)
			continue;
		if (!any)
			fputc('\n', f);
		any = true;
		if (fd->sev >= TT_SEV_WARN || all)
			out_check_text_finding(f, fd, color);
		else
			finding_head(f, fd, color);
	}
}

/*
 * The verdict first (the worst finding, or nothing wrong, and the
 * counts), then what is not ok, most harmful first.  The checks that
 * passed and the tables only with all; without, one line says so.
 */
static void
text_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs, unsigned flags)
{
	bool all = flags & OUT_CHECK_ALL, color = flags & OUT_CHECK_COLOR;
	char verdict[OUT_VERDICT_WIDTH + 64], tp[4096], td[1024];
	unsigned counts[4];

	verdict_line(f, out_verdict(fs, verdict, sizeof(verdict)), tt_findings_worst(fs), color);
	fprintf(f, "kernel %s, network namespace %s, proc root %s\n",
	    snap->kernel[0] ? snap->kernel : "(unknown)", tt_netns_name(snap->netns),
	    tt_ctx_proc_root(ctx));
	if (prof != NULL)
		fprintf(f, "profile %s%s%s (nat = %s)\n", cmd_term_str(prof->path, tp, sizeof(tp)),
		    prof->description ? ": " : "",
		    prof->description ? cmd_term_str(prof->description, td, sizeof(td)) : "",
		    tt_nat_decl_name(prof->nat));
	text_not_ok(f, fs, all, color);
	if (!all) {
		/* Rates were asked for (--interval): they stay. */
		if (snap->rates != NULL && snap->rates->measured)
			out_rates_text(f, snap->rates);
		out_trace_text(f, snap->trace);
		tt_findings_count(fs, counts);
		fprintf(f,
		    "\n(tcptune check --all also shows the %u passed checks, info evidence and the\n"
		    " tables: keys, boot configuration, NAT, sockets, counters)\n",
		    counts[TT_SEV_OK]);
		return;
	}
	fputc('\n', f);
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].sev == TT_SEV_OK)
			finding_head(f, &fs->v[i], color);
	text_tables(f, snap, prof);
}

static void
json_val(struct json *j, const char *key, const struct tt_val *v)
{
	char buf[TT_VAL_STRLEN];

	json_str(j, key, v ? tt_val_format(v, buf, sizeof(buf)) : NULL);
}

void
out_check_json_keys(struct json *j, const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	json_obj_begin(j, "sysctl");
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		const struct tt_reading *r = &snap->sysctl[i];

		json_obj_begin(j, k->name);
		json_val(j, "value", r->state == TT_ST_OK ? &r->val : NULL);
		json_val(j, "default", tt_key_default(k, snap->kv));
		json_bool(j, "present", r->state != TT_ST_ABSENT);
		json_str(j, "state", tt_state_name(r->state));
		if (prof != NULL)
			json_val(j, "target", prof->sysctl[i].set ? &prof->sysctl[i].val : NULL);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void
json_report(FILE *f, const struct tt_ctx *ctx, const struct tt_snapshot *snap,
    const struct tt_profile *prof, const struct tt_findings *fs)
{
	struct json j;

	json_document_begin(&j, f);
	json_str(&j, "kernel", snap->kernel[0] ? snap->kernel : NULL);
	json_str(&j, "netns", tt_netns_name(snap->netns));
	json_str(&j, "proc_root", tt_ctx_proc_root(ctx));
	cmd_json_profile(&j, "profile", prof);
	out_check_json_keys(&j, snap, prof);
	out_nat_json(&j, snap, prof);
	sysctld_json_boot(&j, snap);
	out_census_json(&j, snap->census, snap->netns);
	out_rates_json(&j, snap->rates);
	out_trace_json(&j, "trace", snap->trace);
	out_check_json_findings(&j, fs);
	json_obj_end(&j);
	json_finish(&j);
}

void
out_check_report(FILE *f, enum output_format fmt, const struct tt_ctx *ctx,
    const struct tt_snapshot *snap, const struct tt_profile *prof, const struct tt_findings *fs,
    unsigned flags)
{
	switch (fmt) {
	case FORMAT_PROMETHEUS:
		prom_report(f, ctx, snap, prof, fs);
		break;
	case FORMAT_JSON:
		json_report(f, ctx, snap, prof, fs);
		break;
	case FORMAT_TEXT:
		text_report(f, ctx, snap, prof, fs, flags);
		break;
	}
}

/* --- where it goes ---------------------------------------------------------- */

int
out_check_failed(struct cmd_env *env, const char *output, enum output_format fmt, int rc)
{
	struct out_file out;
	int e;

	if (output == NULL || fmt != FORMAT_PROMETHEUS)
		return rc;
	e = out_file_open(&out, output);
	if (e == 0) {
		prom_failure(out.f);
		e = out_file_commit(&out);
	}
	if (e == -EEXIST)
		return out_dest_error(env, output, e);
	if (e < 0)
		cmd_err(env, "%s: cannot write: %s", output, strerror(-e));
	return rc;
}

/* --- several namespaces: the spool ------------------------------------------ */

int
out_spool_open(struct out_spool *s)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	*s = (struct out_spool){ .f = NULL };
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		s->f = fdopen(fd, "w+");
		if (s->f == NULL)
			close(fd);
	}
	if (s->f == NULL) /* no temporary file here: in memory, as before */
		s->f = open_memstream(&s->mem, &s->memlen);
	return s->f != NULL ? 0 : -errno;
}

/* Writes len bytes of the spool at off to f, read a piece at a time so that
 * no more of it is in memory than the piece. */
static void
out_spool_copy(FILE *f, struct out_spool *s, size_t off, size_t len)
{
	char buf[8192];

	if (s->f == NULL || fflush(s->f) != 0)
		return;
	if (s->mem != NULL) {
		fwrite(s->mem + off, 1, len, f);
		return;
	}
	while (len > 0) {
		ssize_t n =
		    pread(fileno(s->f), buf, len < sizeof(buf) ? len : sizeof(buf), (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		fwrite(buf, 1, (size_t)n, f);
		off += (size_t)n;
		len -= (size_t)n;
	}
}

void
out_spool_close(struct out_spool *s)
{
	if (s->f != NULL)
		fclose(s->f);
	free(s->mem);
	*s = (struct out_spool){ .f = NULL };
}

/* --- several namespaces: each one's part ------------------------------------ */

/* A namespace's keys, once its part is written, as a snapshot that holds
 * nothing else. */
static const struct tt_snapshot *
item_keys(const struct check_ns_item *it, struct tt_snapshot *tmp)
{
	memset(tmp, 0, sizeof(*tmp));
	if (it->keys != NULL) {
		tmp->kv = it->keys->kv;
		memcpy(tmp->sysctl, it->keys->sysctl, sizeof(tmp->sysctl));
	}
	return tmp;
}

/* "host tuned, 37 of 40 namespaces on kernel defaults" */
static void
headline(const struct check_ns_run *run, char *buf, size_t len, unsigned *ndef, unsigned *nchild)
{
	struct tt_snapshot tmp;

	*ndef = *nchild = 0;
	for (size_t i = 0; i < run->n; i++) {
		const struct check_ns_item *it = &run->v[i];

		if (!it->read || it == run->host)
			continue;
		(*nchild)++;
		*ndef += tt_snapshot_on_defaults(item_keys(it, &tmp));
	}
	snprintf(buf, len, "%s, %u of %u namespace%s on kernel defaults",
	    run->host == NULL                                       ? "host not read" :
		tt_snapshot_on_defaults(item_keys(run->host, &tmp)) ? "host on kernel defaults" :
								      "host tuned",
	    *ndef, *nchild, *nchild == 1 ? "" : "s");
}

static void
text_census_line(FILE *f, const struct tt_snapshot *s)
{
	const struct tt_census *c = s->census;
	char tb[64];

	if (c == NULL) {
		if (s->census_err < 0)
			fprintf(f, "sockets: census failed (%s)\n", strerror(-s->census_err));
		return;
	}
	fprintf(f, "sockets: %llu", (unsigned long long)c->total);
	for (int st = 1; st < TT_CS__COUNT; st++) {
		uint64_t n = tt_census_state(c, (enum tt_cstate)st);

		if (n > 0)
			fprintf(f, ", %s %llu", tt_cstate_name(st), (unsigned long long)n);
	}
	fputc('\n', f);
	for (size_t i = 0; i < c->nowner; i++)
		fprintf(f, "CLOSE_WAIT held by %s[%d] (port %u): %llu\n",
		    cmd_term_str(c->owner[i].comm, tb, sizeof(tb)), c->owner[i].pid,
		    c->owner[i].port, (unsigned long long)c->owner[i].count);
}

/* "pids 1 2 3 and 4 more" */
static void
text_pids(FILE *f, const struct tt_netns_entry *e)
{
	if (e->npid == 0)
		return;
	fputs(", pids", f);
	for (size_t i = 0; i < e->npid; i++)
		fprintf(f, " %d", e->pid[i]);
	if (e->nprocs > e->npid)
		fprintf(f, " and %lu more", e->nprocs - (unsigned long)e->npid);
}

static void
text_head(FILE *f, const struct check_ns_item *it)
{
	const struct tt_netns_entry *e = it->e;
	char tb[sizeof(e->name) * 4];

	fprintf(f, "\n== %s (%s, netns inode %llu", cmd_term_str(e->name, tb, sizeof(tb)),
	    tt_netns_kind_name(e->kind), (unsigned long long)e->ino);
	if (e->cg.pod_uid[0])
		fprintf(f, ", pod uid %s", e->cg.pod_uid);
	if (e->cg.container[0])
		fprintf(f, ", container %.12s", e->cg.container);
	text_pids(f, e);
	fputs(")\n", f);
}

/* The profile's keys a pod's namespace differs on, by what Kubernetes
 * lets its spec do about them (tcptune export writes the block). */
static unsigned
pod_differs(const struct check_ns_item *it, const struct tt_profile *prof, enum tt_k8s_class k8s)
{
	if (it->e->kind != TT_NSK_POD || !it->read)
		return 0;
	return tt_profile_differs(it->snap, prof, k8s);
}

static void
text_pod_spec(FILE *f, const struct check_ns_item *it, const struct tt_profile *prof)
{
	static const char *const what[] = {
		[TT_K8S_SAFE] = "the pod spec can set (securityContext.sysctls)",
		[TT_K8S_UNSAFE] = "the pod spec can set where the kubelet allows them "
				  "(--allowed-unsafe-sysctls)",
		[TT_K8S_NODE] = "no pod spec can set (the node's)",
	};

	for (int c = TT_K8S_SAFE; c <= TT_K8S_NODE; c++) {
		unsigned mask = pod_differs(it, prof, (enum tt_k8s_class)c);

		if (mask == 0)
			continue;
		fprintf(f, "differs from the profile, %s:", what[c]);
		for (int i = 0; i < TT_K__COUNT; i++)
			if (mask & (1u << i))
				fprintf(f, " %s", tt_key_get((enum tt_key_id)i)->name);
		fputc('\n', f);
	}
	if (pod_differs(it, prof, TT_K8S_SAFE) | pod_differs(it, prof, TT_K8S_UNSAFE))
		fprintf(f, "(`tcptune export %s` writes the pod spec's block)\n", prof->path);
}

static void
json_pod_spec(struct json *j, const struct check_ns_item *it, const struct tt_profile *prof)
{
	if (prof == NULL || it->e->kind != TT_NSK_POD) {
		json_null(j, "pod_spec");
		return;
	}
	json_obj_begin(j, "pod_spec");
	for (int c = TT_K8S_SAFE; c <= TT_K8S_NODE; c++) {
		unsigned mask = pod_differs(it, prof, (enum tt_k8s_class)c);

		json_arr_begin(j, tt_k8s_class_name((enum tt_k8s_class)c));
		for (int i = 0; i < TT_K__COUNT; i++)
			if (mask & (1u << i))
				json_str(j, NULL, tt_key_get((enum tt_key_id)i)->name);
		json_arr_end(j);
	}
	json_obj_end(j);
}

static void
text_part(FILE *f, const struct check_ns_item *it, const struct tt_profile *prof,
    const struct tt_findings *fs, bool color, bool all)
{
	text_head(f, it);
	text_pod_spec(f, it, prof);
	fprintf(f, "summary: %u ok, %u info, %u warn, %u critical\n", it->counts[TT_SEV_OK],
	    it->counts[TT_SEV_INFO], it->counts[TT_SEV_WARN], it->counts[TT_SEV_CRITICAL]);
	text_census_line(f, it->snap);
	if (it->snap->nat != NULL)
		fprintf(f, "NAT evidence: %s\n", tt_nat_verdict_name(it->snap->nat->verdict));
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].sev > TT_SEV_OK || all)
			out_check_text_finding(f, &fs->v[i], color);
}

static void
json_pids(struct json *j, const struct tt_netns_entry *e)
{
	json_arr_begin(j, "pids");
	for (size_t i = 0; i < e->npid; i++)
		json_int(j, NULL, e->pid[i]);
	json_arr_end(j);
	json_int(j, "processes", (long long)e->nprocs);
}

static void
json_netns(struct json *j, const struct tt_netns_entry *e)
{
	json_obj_begin(j, "netns");
	json_int(j, "inode", (long long)e->ino);
	json_str(j, "name", e->name);
	json_str(j, "kind", tt_netns_kind_name(e->kind));
	json_str(j, "path", e->path[0] ? e->path : NULL);
	json_pids(j, e);
	if (e->cg.pod_uid[0]) {
		json_obj_begin(j, "pod");
		json_str(j, "uid", e->cg.pod_uid);
		json_str(j, "namespace", e->pod_namespace[0] ? e->pod_namespace : NULL);
		json_str(j, "name", e->pod_name[0] ? e->pod_name : NULL);
		json_obj_end(j);
	} else {
		json_null(j, "pod");
	}
	if (e->cg.container[0]) {
		json_obj_begin(j, "container");
		json_str(j, "runtime", e->cg.runtime[0] ? e->cg.runtime : NULL);
		json_str(j, "id", e->cg.container);
		json_obj_end(j);
	} else {
		json_null(j, "container");
	}
	json_obj_end(j);
}

/* Why a namespace was not read, for each output. */
static const char *
item_error(int err)
{
	switch (-err) {
	case ENOENT:
		return "gone";
	case EPERM:
	case EACCES:
		return "not permitted";
	default:
		return "failed";
	}
}

/* A namespace's object in the JSON report, at depth 2; fs NULL when it was
 * not read. */
static void
json_part(FILE *f, const struct check_ns_item *it, const struct tt_profile *prof,
    const struct tt_findings *fs)
{
	struct json j;

	json_init_at(&j, f, 2);
	json_obj_begin(&j, NULL);
	json_netns(&j, it->e);
	json_str(&j, "error", it->read ? NULL : item_error(it->err));
	json_str(&j, "reason", it->read ? NULL : strerror(-it->err));
	if (it->read) {
		out_check_json_keys(&j, it->snap, prof);
		out_nat_json(&j, it->snap, prof);
		out_census_json(&j, it->snap->census, it->snap->netns);
		out_rates_json(&j, it->snap->rates);
		out_check_json_findings(&j, fs);
		json_pod_spec(&j, it, prof);
	}
	json_obj_end(&j);
}

int
out_check_ns_part(struct check_ns_run *run, struct check_ns_item *it, const struct tt_findings *fs)
{
	FILE *f = run->spool.f;
	long off = ftell(f);

	tt_findings_count(fs, it->counts);
	it->worst = tt_findings_worst(fs);
	/* Findings come worst first: the first is the one to name. */
	it->top_id = fs->n > 0 ? fs->v[0].id : NULL;
	snprintf(it->top_message, sizeof(it->top_message), "%s", fs->n > 0 ? fs->v[0].message : "");
	if (off < 0)
		return -errno;
	switch (run->format) {
	case FORMAT_PROMETHEUS:
		prom_report_ns(f, it->snap, run->prof, fs, it->label != NULL ? it->label : "");
		break;
	case FORMAT_JSON:
		json_part(f, it, run->prof, fs);
		break;
	case FORMAT_TEXT:
		text_part(f, it, run->prof, fs, run->color, run->all);
		break;
	}
	it->part_off = (size_t)off;
	it->part_len = (size_t)(ftell(f) - off);
	/* Each part ends in a NUL, so that the merge of metrics can take it
	 * as a string where it lies. */
	if (fputc('\0', f) == EOF || ferror(f))
		return -EIO;
	return 0;
}

/* --- several namespaces: the report ------------------------------------------ */

/* Items worst first, unread ones last, each rank in listing order. */
static int
rank(const struct check_ns_item *it)
{
	return it->read ? (int)it->worst : -1;
}

/* One item in the report's order. */
struct ns_ref {
	const struct check_ns_item *it;
};

static int
cmp_worst(const void *a, const void *b)
{
	const struct ns_ref *x = a, *y = b;

	if (rank(x->it) != rank(y->it))
		return rank(y->it) - rank(x->it);
	return x->it < y->it ? -1 : x->it > y->it;
}

/* The items in report order; NULL when out of memory. */
static struct ns_ref *
report_order(const struct check_ns_run *run)
{
	struct ns_ref *order = calloc(run->n ? run->n : 1, sizeof(*order));

	if (order == NULL)
		return NULL;
	for (size_t i = 0; i < run->n; i++)
		order[i].it = &run->v[i];
	qsort(order, run->n, sizeof(*order), cmp_worst);
	return order;
}

/* A key goes in the table when some namespace has it off its default or
 * off the host's value. */
static bool
key_in_table(const struct check_ns_run *run, enum tt_key_id k)
{
	struct tt_snapshot h, s;
	const struct tt_snapshot *host = run->host ? item_keys(run->host, &h) : NULL;

	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].read && tt_key_differs(item_keys(&run->v[i], &s), host, k))
			return true;
	return false;
}

/* One cell: the value, '*' when it is off the kernel's default. */
static void
cell(const struct check_ns_item *it, int k, char *buf, size_t len)
{
	char vb[TT_VAL_STRLEN];
	struct tt_snapshot tmp;
	const struct tt_snapshot *s = item_keys(it, &tmp);
	const struct tt_val *v = tt_snapshot_value(s, (enum tt_key_id)k);

	if (!it->read)
		snprintf(buf, len, "-");
	else if (v == NULL)
		snprintf(buf, len, "%s", tt_state_name(s->sysctl[k].state));
	else
		snprintf(buf, len, "%s%s", tt_val_format(v, vb, sizeof(vb)),
		    tt_key_at_default(s, (enum tt_key_id)k) ? "" : "*");
}

static int
name_width(const struct check_ns_run *run)
{
	int w = 9;

	for (size_t i = 0; i < run->n; i++)
		if ((int)strlen(run->v[i].e->name) > w)
			w = (int)strlen(run->v[i].e->name);
	return w > 40 ? 40 : w;
}

static void
text_table_row(FILE *f, const struct check_ns_item *it, const bool *col, int w)
{
	char b[TT_VAL_STRLEN + 4];

	fprintf(f, "%-*.*s %-9s", w, w, it->e->name, tt_netns_kind_name(it->e->kind));
	for (int k = 0; k < TT_K__COUNT; k++) {
		if (!col[k])
			continue;
		cell(it, k, b, sizeof(b));
		fprintf(f, " %-*s", (int)strlen(tt_key_short(tt_key_get((enum tt_key_id)k))), b);
	}
	fputc('\n', f);
}

static void
text_table(FILE *f, const struct check_ns_run *run)
{
	bool col[TT_K__COUNT];
	int w = name_width(run), ncol = 0;

	for (int k = 0; k < TT_K__COUNT; k++) {
		col[k] = key_in_table(run, (enum tt_key_id)k);
		ncol += col[k];
	}
	if (ncol == 0) {
		fputs("\nno namespace read has a key off the host's value or the kernel's "
		      "default\n",
		    f);
		return;
	}
	fprintf(f, "\n%-*s %-9s", w, "NAMESPACE", "KIND");
	for (int k = 0; k < TT_K__COUNT; k++)
		if (col[k])
			fprintf(f, " %-*s",
			    (int)strlen(tt_key_short(tt_key_get((enum tt_key_id)k))),
			    tt_key_short(tt_key_get((enum tt_key_id)k)));
	fputc('\n', f);
	for (size_t i = 0; i < run->n; i++)
		text_table_row(f, &run->v[i], col, w);
	fputs(
	    "(* off the kernel's default; keys the same everywhere and at their default not shown)\n",
	    f);
}

/* Host-only keys: one value for every namespace, the host's. */
static void
text_host_only(FILE *f, const struct check_ns_run *run)
{
	char vb[TT_VAL_STRLEN];
	struct tt_snapshot tmp;
	const struct tt_snapshot *host = run->host ? item_keys(run->host, &tmp) : NULL;
	bool any = false;

	for (int k = 0; host != NULL && k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *v = tt_snapshot_value(host, (enum tt_key_id)k);

		if (!(key->flags & TT_KEY_HOST_ONLY) || v == NULL)
			continue;
		fprintf(f, "%s %s = %s",
		    any ? "," : "host-only, the host's for every namespace:", tt_key_short(key),
		    tt_val_format(v, vb, sizeof(vb)));
		any = true;
	}
	if (any)
		fputc('\n', f);
}

/* The totals over the namespaces read, and how many have a warning or
 * worse. */
static size_t
ns_totals(const struct check_ns_run *run, unsigned tot[4])
{
	size_t not_ok = 0;

	memset(tot, 0, 4 * sizeof(tot[0]));
	for (size_t i = 0; i < run->n; i++) {
		if (!run->v[i].read)
			continue;
		for (int s = 0; s < 4; s++)
			tot[s] += run->v[i].counts[s];
		not_ok += run->v[i].worst >= TT_SEV_WARN;
	}
	return not_ok;
}

/* The overall verdict: the worst namespace (first in order) and its worst
 * finding, with the totals. */
static char *
ns_verdict(const struct check_ns_run *run, const struct ns_ref *order, char *buf, size_t len)
{
	const struct check_ns_item *w = run->n > 0 && order[0].it->read ? order[0].it : NULL;
	struct tt_finding top = { .sev = w != NULL ? w->worst : TT_SEV_OK };
	unsigned tot[4];
	size_t not_ok = ns_totals(run, tot);

	if (w != NULL && w->top_id != NULL) {
		top.id = w->top_id;
		snprintf(top.message, sizeof(top.message), "%s", w->top_message);
	}
	return out_verdict_ns(run->n, not_ok, w != NULL ? w->e->name : NULL,
	    top.id != NULL ? &top : NULL, tot, buf, len);
}

static void
text_report_ns(FILE *f, struct check_ns_run *run, const struct ns_ref *order)
{
	char verdict[OUT_VERDICT_WIDTH + 64];
	unsigned ndef, nchild;
	char head[160], tp[4096];

	headline(run, head, sizeof(head), &ndef, &nchild);
	verdict_line(f, ns_verdict(run, order, verdict, sizeof(verdict)),
	    run->n > 0 && order[0].it->read ? order[0].it->worst : TT_SEV_OK, run->color);
	fprintf(f, "%s\n", head);
	if (run->prof != NULL)
		fprintf(f, "profile %s (nat = %s)\n", cmd_term_str(run->prof->path, tp, sizeof(tp)),
		    tt_nat_decl_name(run->prof->nat));
	for (size_t i = 0; i < run->n; i++) {
		const struct check_ns_item *it = order[i].it;

		if (it->read) {
			out_spool_copy(f, &run->spool, it->part_off, it->part_len);
			continue;
		}
		text_head(f, it);
		fprintf(f, "not read: %s (%s)\n", item_error(it->err), strerror(-it->err));
	}
	text_table(f, run);
	text_host_only(f, run);
}

static void
json_headline(struct json *j, const struct check_ns_run *run)
{
	unsigned ndef, nchild;
	char head[160];
	struct tt_snapshot tmp;

	headline(run, head, sizeof(head), &ndef, &nchild);
	json_obj_begin(j, "headline");
	json_str(j, "text", head);
	if (run->host != NULL)
		json_bool(j, "host_tuned", !tt_snapshot_on_defaults(item_keys(run->host, &tmp)));
	else
		json_null(j, "host_tuned");
	json_int(j, "namespaces_on_defaults", ndef);
	json_int(j, "namespaces_other_than_host", nchild);
	json_obj_end(j);
}

static void
json_host_only(struct json *j, const struct check_ns_run *run)
{
	char vb[TT_VAL_STRLEN];
	struct tt_snapshot tmp;
	const struct tt_snapshot *host = run->host ? item_keys(run->host, &tmp) : NULL;

	json_obj_begin(j, "host_only");
	for (int k = 0; host != NULL && k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *v = tt_snapshot_value(host, (enum tt_key_id)k);

		if (key->flags & TT_KEY_HOST_ONLY)
			json_str(j, key->name, v ? tt_val_format(v, vb, sizeof(vb)) : NULL);
	}
	json_obj_end(j);
}

/* The namespaces' parts, each where the report's order puts it. */
static void
json_parts(struct json *j, struct check_ns_run *run, const struct ns_ref *order, unsigned tot[4],
    enum tt_severity *worst)
{
	for (size_t i = 0; i < run->n; i++) {
		const struct check_ns_item *it = order[i].it;

		json_raw_begin(j);
		if (!it->read) {
			json_part(j->f, it, run->prof, NULL);
			continue;
		}
		if (it->part_len == 0)
			fputs("null", j->f);
		out_spool_copy(j->f, &run->spool, it->part_off, it->part_len);
		for (int s = 0; s < 4; s++)
			tot[s] += it->counts[s];
		*worst = it->worst > *worst ? it->worst : *worst;
	}
}

static void
json_report_ns(
    FILE *f, const struct tt_ctx *ctx, struct check_ns_run *run, const struct ns_ref *order)
{
	char verdict[OUT_VERDICT_WIDTH + 64];
	unsigned tot[4] = { 0 };
	enum tt_severity worst = TT_SEV_OK;
	struct json j;

	json_document_begin(&j, f);
	json_str(&j, "proc_root", tt_ctx_proc_root(ctx));
	cmd_json_profile(&j, "profile", run->prof);
	json_headline(&j, run);
	json_host_only(&j, run);
	json_arr_begin(&j, "namespaces");
	json_parts(&j, run, order, tot, &worst);
	json_arr_end(&j);
	json_summary(&j, tot);
	json_str(&j, "worst", tt_severity_name(worst));
	json_int(&j, "namespaces", (long long)run->n);
	json_int(&j, "not_ok", (long long)ns_totals(run, tot));
	json_str(&j, "verdict", ns_verdict(run, order, verdict, sizeof(verdict)));
	json_obj_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

/* Each line of the spool's part at [off, off + len) into m, read a line
 * at a time. */
static void
spool_lines(struct out_spool *s, size_t off, size_t len, struct prom_merger *m)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (s->f == NULL || fflush(s->f) != 0)
		return;
	if (s->mem != NULL) {
		const char *p = s->mem + off, *end = p + len;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

			prom_merger_line(m, p, l);
			p += l + 1;
		}
		return;
	}
	if (fseeko(s->f, (off_t)off, SEEK_SET) != 0)
		return;
	while (len > 0 && (n = getline(&line, &cap, s->f)) > 0) {
		size_t take = (size_t)n > len ? len : (size_t)n;

		prom_merger_line(m, line, take - (line[take - 1] == '\n'));
		len -= take;
	}
	free(line);
	(void)fseeko(s->f, 0, SEEK_END);
}

/* Every namespace's part, merged family by family; what is read stays a
 * line at a time in memory, whatever the number of namespaces. */
static int
prom_report_all(FILE *f, struct check_ns_run *run)
{
	struct prom_merger *m = prom_merger_new();

	prom_begin(f);
	for (size_t i = 0; m != NULL && i < run->n; i++) {
		if (!run->v[i].read || run->v[i].part_len == 0)
			continue;
		spool_lines(&run->spool, run->v[i].part_off, run->v[i].part_len, m);
		prom_merger_next_part(m);
	}
	return prom_merger_finish(m, f);
}

int
out_check_ns_report(FILE *f, const struct tt_ctx *ctx, struct check_ns_run *run)
{
	struct ns_ref *order = report_order(run);
	int r = 0;

	if (order == NULL)
		return -ENOMEM;
	switch (run->format) {
	case FORMAT_PROMETHEUS:
		r = prom_report_all(f, run);
		break;
	case FORMAT_JSON:
		json_report_ns(f, ctx, run, order);
		break;
	case FORMAT_TEXT:
		text_report_ns(f, run, order);
		break;
	}
	free(order);
	return r;
}
