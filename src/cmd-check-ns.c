/*
 * tcptune check --netns / --all-namespaces: each network namespace
 * gathered in turn (entered with setns()), its findings weighed and its
 * part of the report written at once, so that memory stays flat in the
 * number of namespaces; one walk over the processes finds the CLOSE_WAIT
 * owners of every namespace that needs them.  Then the report: the table
 * namespace by key, and each namespace's part, worst first.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-check.h"
#include "cmd.h"
#include "lib/census.h"
#include "lib/nat.h"
#include "lib/netns.h"
#include "out-census.h"
#include "out-nat.h"
#include "out-prometheus.h"

struct ns_item {
	struct tt_netns_entry e;
	char label[200]; /* its Prometheus netns label: never a pid */
	int err;         /* 0, or why it was not read (negative errno) */
	bool read;
	struct tt_snapshot snap; /* its census and NAT freed once written */
	bool pending;            /* waits for the owner walk */
	unsigned counts[4];
	enum tt_severity worst;
	char *part; /* its part of the report, in the format asked for */
};

struct check_ns_run {
	struct ns_item *v;
	size_t n;
	bool no_admin; /* entering a namespace was refused */
	const struct ns_item *host;
	struct tt_profile *prof;
	struct tt_thresholds thr;
	unsigned long unreadable; /* processes whose namespace was not seen */
};

/* Is the key's value the kernel's default (false when not read or the
 * default is boot-sized)? */
static bool
at_default(const struct tt_snapshot *s, int i)
{
	const struct tt_key *k = tt_key_get((enum tt_key_id)i);
	const struct tt_val *def = tt_key_default(k, s->kv);
	const struct tt_val *cur = tt_snapshot_value(s, (enum tt_key_id)i);

	return def != NULL && cur != NULL && tt_val_eq(cur, def);
}

static bool
key_compared(int i, const struct tt_snapshot *s)
{
	const struct tt_key *k = tt_key_get((enum tt_key_id)i);

	return (k->flags & TT_KEY_PER_NETNS) && !(k->flags & TT_KEY_HOST_ONLY) &&
	    tt_key_default(k, s->kv) != NULL && tt_snapshot_value(s, (enum tt_key_id)i) != NULL;
}

/* Every per-namespace key that has a fixed default is at it. */
static bool
on_defaults(const struct tt_snapshot *s)
{
	for (int i = 0; i < TT_K__COUNT; i++)
		if (key_compared(i, s) && !at_default(s, i))
			return false;
	return true;
}

/* "host tuned, 37 of 40 namespaces on kernel defaults" */
static void
headline(const struct check_ns_run *run, char *buf, size_t len, unsigned *ndef, unsigned *nchild)
{
	*ndef = *nchild = 0;
	for (size_t i = 0; i < run->n; i++) {
		const struct ns_item *it = &run->v[i];

		if (!it->read || it == run->host)
			continue;
		(*nchild)++;
		*ndef += on_defaults(&it->snap);
	}
	snprintf(buf, len, "%s, %u of %u namespace%s on kernel defaults",
	    run->host == NULL                 ? "host not read" :
		on_defaults(&run->host->snap) ? "host on kernel defaults" :
						"host tuned",
	    *ndef, *nchild, *nchild == 1 ? "" : "s");
}

/* --- gathering ------------------------------------------------------------ */

/* The namespace of e, opened and checked to be still the one listed;
 * fd -1 when it is the one this process is in. */
static int
open_item(struct cmd_env *env, const struct tt_netns_entry *e, struct tt_netns *ns)
{
	dev_t dev;
	ino_t ino;
	int r;

	if (tt_netns_self(env->ctx, &dev, &ino) == 0 && dev == e->dev && ino == e->ino) {
		*ns = TT_NETNS_CURRENT;
		return 0;
	}
	r = tt_netns_open_path(e->path, ns);
	if (r == -EINVAL || r == -ENOENT || r == -ESRCH)
		return -ENOENT; /* the process or the mount went away */
	if (r == 0 && (ns->dev != e->dev || ns->ino != e->ino)) {
		tt_netns_close(ns); /* its pid now belongs to another process */
		return -ENOENT;
	}
	return r;
}

static int
gather_item(
    struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o, struct ns_item *it)
{
	unsigned what = TT_GATHER_NAT | TT_GATHER_NO_OWNERS | (o->no_census ? 0 : TT_GATHER_CENSUS);
	struct tt_diags diags = { 0 };
	struct tt_netns ns;
	int r;

	if (it->e.kind == TT_NSK_HOST)
		what |= TT_GATHER_SYSCTLD;
	r = open_item(env, &it->e, &ns);
	if (r == 0) {
		r = tt_snapshot_gather(env->ctx, &ns, what, &run->thr, &it->snap, &diags);
		tt_netns_close(&ns);
	}
	if (it->e.kind == TT_NSK_HOST)
		cmd_print_diags(env, &diags);
	tt_diags_free(&diags);
	if (r == -ENOTRECOVERABLE || r == -ENOMEM)
		return r;
	if (r == -EPERM)
		run->no_admin = true;
	it->err = r;
	it->read = r == 0;
	if (it->read && it->e.kind == TT_NSK_HOST)
		run->host = it;
	return 0;
}

/* --- each namespace's part ------------------------------------------------ */

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
text_head(FILE *f, const struct ns_item *it)
{
	char tb[sizeof(it->e.name) * 4];
	const struct tt_netns_entry *e = &it->e;

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
pod_differs(const struct ns_item *it, const struct tt_profile *prof, enum tt_k8s_class k8s)
{
	unsigned mask = 0;

	if (prof == NULL || it->e.kind != TT_NSK_POD || !it->read)
		return 0;
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_val *now = tt_snapshot_value(&it->snap, (enum tt_key_id)i);

		if (prof->sysctl[i].set && now != NULL && !tt_val_eq(now, &prof->sysctl[i].val) &&
		    tt_key_k8s(tt_key_get((enum tt_key_id)i), TT_K8S_NEWEST) == k8s)
			mask |= 1u << i;
	}
	return mask;
}

static void
text_pod_spec(FILE *f, const struct ns_item *it, const struct tt_profile *prof)
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
json_pod_spec(struct json *j, const struct ns_item *it, const struct tt_profile *prof)
{
	if (prof == NULL || it->e.kind != TT_NSK_POD) {
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
text_part(FILE *f, const struct ns_item *it, const struct tt_profile *prof,
    const struct tt_findings *fs, bool color)
{
	text_head(f, it);
	text_pod_spec(f, it, prof);
	fprintf(f, "summary: %u ok, %u info, %u warn, %u critical\n", it->counts[TT_SEV_OK],
	    it->counts[TT_SEV_INFO], it->counts[TT_SEV_WARN], it->counts[TT_SEV_CRITICAL]);
	text_census_line(f, &it->snap);
	if (it->snap.nat != NULL)
		fprintf(f, "NAT evidence: %s\n", tt_nat_verdict_name(it->snap.nat->verdict));
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].sev > TT_SEV_OK)
			check_text_finding(f, &fs->v[i], color);
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

static void
json_part(
    FILE *f, const struct ns_item *it, const struct tt_profile *prof, const struct tt_findings *fs)
{
	struct json j;

	json_init_at(&j, f, 2);
	json_obj_begin(&j, NULL);
	json_netns(&j, &it->e);
	json_str(&j, "error", it->read ? NULL : item_error(it->err));
	json_str(&j, "reason", it->read ? NULL : strerror(-it->err));
	if (it->read) {
		check_json_keys(&j, &it->snap, prof);
		out_nat_json(&j, &it->snap, prof);
		out_census_json(&j, it->snap.census, it->snap.netns);
		check_json_findings(&j, fs);
		json_pod_spec(&j, it, prof);
	}
	json_obj_end(&j);
}

/* Runs the rules on a namespace read whole and writes its part. */
static int
finish_item(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o,
    struct ns_item *it, size_t idx)
{
	struct tt_rule_input in = { .snap = &it->snap, .prof = run->prof, .thr = &run->thr };
	struct tt_findings fs = { 0 };
	size_t len = 0;
	FILE *f;

	(void)env;
	(void)idx;
	if (tt_rules_run(&in, &fs) < 0) {
		tt_findings_free(&fs);
		return -ENOMEM;
	}
	tt_findings_count(&fs, it->counts);
	it->worst = tt_findings_worst(&fs);
	f = open_memstream(&it->part, &len);
	if (f == NULL) {
		tt_findings_free(&fs);
		return -ENOMEM;
	}
	if (o->prometheus)
		prom_report_ns(f, &it->snap, run->prof, &fs, it->label);
	else if (o->format == FORMAT_JSON)
		json_part(f, it, run->prof, &fs);
	else
		text_part(f, it, run->prof, &fs, o->color && o->output == NULL);
	fclose(f);
	tt_findings_free(&fs);
	/* What the table needs stays: the keys.  The rest is written. */
	tt_snapshot_free(&it->snap);
	return 0;
}

/* The namespaces the run covers: every one, or the one --netns names. */
static int
list_items(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	struct tt_netns_list l;
	struct tt_netns ns;
	int r;

	if (o->all_namespaces) {
		r = tt_netns_list(env->ctx, NULL, &l);
		if (r < 0) {
			cmd_err(env, "cannot list the network namespaces: %s", strerror(-r));
			return cmd_exit_for_errno(r);
		}
		run->v = calloc(l.n ? l.n : 1, sizeof(*run->v));
		for (size_t i = 0; run->v != NULL && i < l.n; i++)
			run->v[i].e = l.v[i];
		run->n = run->v ? l.n : 0;
		run->unreadable = l.unreadable;
		tt_netns_list_free(&l);
		return run->v ? 0 : EXIT_SOFTWARE;
	}
	r = tt_netns_open(env->ctx, o->netns, NULL, &ns);
	if (r == 0) {
		run->v = calloc(1, sizeof(*run->v));
		r = run->v == NULL ? -ENOMEM :
				     tt_netns_describe(env->ctx, NULL, o->netns, &ns, &run->v[0].e);
		run->n = r == 0;
		tt_netns_close(&ns);
	}
	if (r == -ENOENT)
		cmd_err(env, "--netns %s: no such `ip netns` name, process or file", o->netns);
	else if (r == -EINVAL)
		cmd_err(env, "--netns %s: not a network namespace", o->netns);
	else if (r < 0)
		cmd_err(env, "--netns %s: %s", o->netns, strerror(-r));
	return r < 0 ? cmd_exit_for_errno(r) : 0;
}

/* The owners of every namespace waiting for them, in one walk. */
static int
walk_owners(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	struct tt_snapshot_ref *snaps = calloc(run->n ? run->n : 1, sizeof(*snaps));
	size_t k = 0;
	int r = 0;

	if (snaps == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].pending)
			snaps[k++].snap = &run->v[i].snap;
	if (k > 0)
		(void)tt_snapshot_find_owners(env->ctx, snaps, k, &run->thr);
	free(snaps);
	for (size_t i = 0; r == 0 && i < run->n; i++) {
		if (!run->v[i].pending)
			continue;
		run->v[i].pending = false;
		r = finish_item(env, run, o, &run->v[i], i);
	}
	return r;
}

static bool
needs_owners(const struct check_ns_run *run, const struct tt_snapshot *s)
{
	uint64_t cw = s->census ? tt_census_state(s->census, TT_CS_CLOSE_WAIT) : 0;

	return cw > 0 && (long long)cw >= run->thr.close_wait_warn;
}

static int
gather_all(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	int r = 0;

	/* The host first: the others' host-only keys are its. */
	for (size_t i = 0; r == 0 && i < run->n; i++) {
		struct ns_item *it = &run->v[i];

		r = gather_item(env, run, o, it);
		if (r < 0 || !it->read)
			continue;
		if (needs_owners(run, &it->snap))
			it->pending = true;
		else
			r = finish_item(env, run, o, it, i);
	}
	if (r == 0)
		r = walk_owners(env, run, o);
	if (r == -ENOTRECOVERABLE)
		cmd_err(env, "could not return to this process's own network namespace");
	else if (r < 0)
		cmd_err(env, "%s", strerror(-r));
	return r < 0 ? EXIT_SOFTWARE : 0;
}

/* --- the report ------------------------------------------------------------ */

/* Items worst first, unread ones last, each rank in listing order. */
static int
rank(const struct ns_item *it)
{
	return it->read ? (int)it->worst : -1;
}

/* One item in the report's order. */
struct ns_ref {
	const struct ns_item *it;
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
key_differs(const struct check_ns_run *run, int k)
{
	const struct tt_val *hv =
	    run->host ? tt_snapshot_value(&run->host->snap, (enum tt_key_id)k) : NULL;

	for (size_t i = 0; i < run->n; i++) {
		const struct tt_snapshot *s = &run->v[i].snap;
		const struct tt_val *v = tt_snapshot_value(s, (enum tt_key_id)k);

		if (!run->v[i].read || !key_compared(k, s))
			continue;
		if (!at_default(s, k) || (hv != NULL && !tt_val_eq(v, hv)))
			return true;
	}
	return false;
}

/* One cell: the value, '*' when it is off the kernel's default. */
static void
cell(const struct ns_item *it, int k, char *buf, size_t len)
{
	char vb[TT_VAL_STRLEN];
	const struct tt_val *v = tt_snapshot_value(&it->snap, (enum tt_key_id)k);

	if (!it->read)
		snprintf(buf, len, "-");
	else if (v == NULL)
		snprintf(buf, len, "%s", tt_state_name(it->snap.sysctl[k].state));
	else
		snprintf(buf, len, "%s%s", tt_val_format(v, vb, sizeof(vb)),
		    at_default(&it->snap, k) ? "" : "*");
}

static int
name_width(const struct check_ns_run *run)
{
	int w = 9;

	for (size_t i = 0; i < run->n; i++)
		if ((int)strlen(run->v[i].e.name) > w)
			w = (int)strlen(run->v[i].e.name);
	return w > 40 ? 40 : w;
}

static void
text_table(FILE *f, const struct check_ns_run *run)
{
	bool col[TT_K__COUNT];
	int w = name_width(run), ncol = 0;
	char b[TT_VAL_STRLEN + 4];

	for (int k = 0; k < TT_K__COUNT; k++) {
		col[k] = key_differs(run, k);
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
	for (size_t i = 0; i < run->n; i++) {
		const struct ns_item *it = &run->v[i];

		fprintf(f, "%-*.*s %-9s", w, w, it->e.name, tt_netns_kind_name(it->e.kind));
		for (int k = 0; k < TT_K__COUNT; k++) {
			if (!col[k])
				continue;
			cell(it, k, b, sizeof(b));
			fprintf(f, " %-*s",
			    (int)strlen(tt_key_short(tt_key_get((enum tt_key_id)k))), b);
		}
		fputc('\n', f);
	}
	fputs(
	    "(* off the kernel's default; keys the same everywhere and at their default not shown)\n",
	    f);
}

/* Host-only keys: one value for every namespace, the host's. */
static void
text_host_only(FILE *f, const struct check_ns_run *run)
{
	char vb[TT_VAL_STRLEN];
	bool any = false;

	for (int k = 0; run->host != NULL && k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *v = tt_snapshot_value(&run->host->snap, (enum tt_key_id)k);

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

static void
text_report_ns(FILE *f, const struct check_ns_run *run, const struct ns_ref *order)
{
	unsigned ndef, nchild;
	char head[160];

	headline(run, head, sizeof(head), &ndef, &nchild);
	fprintf(f, "%zu network namespace%s\n%s\n", run->n, run->n == 1 ? "" : "s", head);
	if (run->prof != NULL)
		fprintf(f, "profile %s (nat = %s)\n", run->prof->path,
		    tt_nat_decl_name(run->prof->nat));
	text_table(f, run);
	text_host_only(f, run);
	for (size_t i = 0; i < run->n; i++) {
		const struct ns_item *it = order[i].it;

		if (it->read) {
			fputs(it->part ? it->part : "", f);
			continue;
		}
		text_head(f, it);
		fprintf(f, "not read: %s (%s)\n", item_error(it->err), strerror(-it->err));
	}
}

static void
json_headline(struct json *j, const struct check_ns_run *run)
{
	unsigned ndef, nchild;
	char head[160];

	headline(run, head, sizeof(head), &ndef, &nchild);
	json_obj_begin(j, "headline");
	json_str(j, "text", head);
	if (run->host != NULL)
		json_bool(j, "host_tuned", !on_defaults(&run->host->snap));
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

	json_obj_begin(j, "host_only");
	for (int k = 0; run->host != NULL && k < TT_K__COUNT; k++) {
		const struct tt_key *key = tt_key_get((enum tt_key_id)k);
		const struct tt_val *v = tt_snapshot_value(&run->host->snap, (enum tt_key_id)k);

		if (key->flags & TT_KEY_HOST_ONLY)
			json_str(j, key->name, v ? tt_val_format(v, vb, sizeof(vb)) : NULL);
	}
	json_obj_end(j);
}

static void
json_report_ns(
    FILE *f, struct cmd_env *env, const struct check_ns_run *run, const struct ns_ref *order)
{
	unsigned tot[4] = { 0 };
	enum tt_severity worst = TT_SEV_OK;
	struct json j;

	json_document_begin(&j, f);
	json_str(&j, "proc_root", tt_ctx_proc_root(env->ctx));
	cmd_json_profile(&j, "profile", run->prof);
	json_headline(&j, run);
	json_host_only(&j, run);
	json_arr_begin(&j, "namespaces");
	for (size_t i = 0; i < run->n; i++) {
		const struct ns_item *it = order[i].it;
		char *buf = NULL;
		size_t len = 0;
		FILE *m;

		if (it->read) {
			json_raw(&j, it->part ? it->part : "null");
			for (int s = 0; s < 4; s++)
				tot[s] += it->counts[s];
			worst = it->worst > worst ? it->worst : worst;
			continue;
		}
		m = open_memstream(&buf, &len);
		if (m == NULL)
			continue;
		json_part(m, it, run->prof, NULL);
		fclose(m);
		json_raw(&j, buf);
		free(buf);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "summary");
	json_int(&j, "ok", tot[TT_SEV_OK]);
	json_int(&j, "info", tot[TT_SEV_INFO]);
	json_int(&j, "warn", tot[TT_SEV_WARN]);
	json_int(&j, "critical", tot[TT_SEV_CRITICAL]);
	json_str(&j, "worst", tt_severity_name(worst));
	json_obj_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

static void
prom_report_all(FILE *f, const struct check_ns_run *run)
{
	const char **parts = calloc(run->n ? run->n : 1, sizeof(*parts));
	size_t k = 0;

	for (size_t i = 0; parts != NULL && i < run->n; i++)
		if (run->v[i].read && run->v[i].part != NULL)
			parts[k++] = run->v[i].part;
	prom_begin(f);
	if (parts != NULL)
		prom_merge(f, parts, k);
	free(parts);
}

void
check_ns_print(FILE *f, struct cmd_env *env, const struct check_opts *o)
{
	const struct check_ns_run *run = o->ns_run;
	struct ns_ref *order = report_order(run);

	if (order == NULL)
		return;
	if (o->prometheus)
		prom_report_all(f, run);
	else if (o->format == FORMAT_JSON)
		json_report_ns(f, env, run, order);
	else
		text_report_ns(f, run, order);
	free(order);
}

/* Prometheus labels: the name, never a pid; a process's namespace by its
 * command.  Two namespaces with one label (two processes of one command,
 * a pod's old and new sandbox) are numbered #2, #3 in listing order, so
 * that every series stays one series. */
static void
make_labels(struct check_ns_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct ns_item *it = &run->v[i];
		char base[sizeof(it->label)];
		unsigned same = 1;

		if (it->e.kind == TT_NSK_PROCESS)
			snprintf(base, sizeof(base), "process:%.31s", it->e.comm);
		else
			snprintf(base, sizeof(base), "%.190s", it->e.name);
		snprintf(it->label, sizeof(it->label), "%s", base);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(run->v[j].label, it->label) != 0)
				continue;
			snprintf(it->label, sizeof(it->label), "%.190s#%u", base, ++same);
			j = (size_t)-1; /* look again from the first */
		}
	}
}

static void
warn_unread(struct cmd_env *env, const struct check_ns_run *run)
{
	size_t gone = 0, denied = 0;

	for (size_t i = 0; i < run->n; i++) {
		gone += !run->v[i].read && run->v[i].err == -ENOENT;
		denied += !run->v[i].read && (run->v[i].err == -EPERM || run->v[i].err == -EACCES);
	}
	if (run->no_admin || denied > 0)
		cmd_message(env, TT_LOG_WARNING, "warning",
		    "%zu network namespace%s not entered: entering one needs CAP_SYS_ADMIN; "
		    "the others are audited",
		    denied, denied == 1 ? "" : "s");
	if (gone > 0)
		cmd_message(env, TT_LOG_NOTICE, "note",
		    "%zu network namespace%s went away while being read", gone,
		    gone == 1 ? "" : "s");
	if (run->unreadable > 0)
		cmd_message(env, TT_LOG_NOTICE, "note",
		    "the network namespace of %lu process%s could not be seen (not permitted)",
		    run->unreadable, run->unreadable == 1 ? "" : "es");
}

static int
run_exit(const struct check_ns_run *run)
{
	enum tt_severity worst = TT_SEV_OK;

	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].read && run->v[i].worst > worst)
			worst = run->v[i].worst;
	return worst == TT_SEV_CRITICAL ? EXIT_CRITICAL :
	    worst == TT_SEV_WARN        ? EXIT_WARNINGS :
					  EXIT_CLEAN;
}

static void
run_free(struct check_ns_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		tt_snapshot_free(&run->v[i].snap);
		free(run->v[i].part);
	}
	free(run->v);
	tt_profile_free(run->prof);
}

int
check_namespaces(struct cmd_env *env, struct check_opts *o)
{
	struct check_ns_run run = { .n = 0 };
	struct tt_findings none = { 0 };
	int r = 0;

	if (o->profile != NULL)
		r = cmd_load_profile(env, o->profile, o->profile_flags, &run.prof);
	if (r != 0)
		return check_report(env, o, NULL, NULL, NULL, r);
	if (run.prof != NULL)
		run.thr = run.prof->thr;
	else
		tt_thresholds_default(&run.thr);
	r = list_items(env, &run, o);
	if (r == 0) {
		make_labels(&run);
		r = gather_all(env, &run, o);
	}
	if (r == 0 && !o->all_namespaces && run.n == 1 && !run.v[0].read) {
		cmd_err(env, "--netns %s: %s%s", o->netns, strerror(-run.v[0].err),
		    run.v[0].err == -EPERM ? " (entering a network namespace needs CAP_SYS_ADMIN)" :
					     "");
		r = cmd_exit_for_errno(run.v[0].err);
	}
	if (r != 0) {
		run_free(&run);
		return check_report(env, o, NULL, NULL, NULL, r);
	}
	warn_unread(env, &run);
	o->ns_run = &run;
	r = check_report(env, o, NULL, NULL, &none, run_exit(&run));
	o->ns_run = NULL;
	run_free(&run);
	return r;
}
