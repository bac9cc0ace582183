/*
 * tcptune check --netns / --all-namespaces: each network namespace
 * gathered in turn (entered with setns()), its findings weighed and its
 * part of the report written at once, so that memory stays flat in the
 * number of namespaces; one walk over the processes finds the CLOSE_WAIT
 * owners of every namespace that needs them.  Then the report
 * (out_check_ns_report()): the table namespace by key, and each
 * namespace's part, worst first.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-check-ns.h"
#include "cmd-check.h"
#include "cmd-rates.h"
#include "cmd.h"
#include "lib/census.h"
#include "lib/netns.h"
#include "lib/rates.h"
#include "out-check.h"
#include "out-file.h"

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
gather_item(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o,
    struct check_ns_item *it)
{
	unsigned what = TT_GATHER_NAT | TT_GATHER_NO_OWNERS | (o->no_census ? 0 : TT_GATHER_CENSUS);
	struct tt_diags diags = { 0 };
	struct tt_netns ns;
	int r;

	if (it->e->kind == TT_NSK_HOST)
		what |= TT_GATHER_SYSCTLD;
	it->snap = calloc(1, sizeof(*it->snap));
	if (it->snap == NULL)
		return -ENOMEM;
	r = open_item(env, it->e, &ns);
	if (r == 0) {
		r = tt_snapshot_gather(env->ctx, &ns, what, &run->thr, it->snap, &diags);
		/* Its identity for the counters file: the cookie, never reused. */
		if (tt_netns_cookie_of(&ns, &it->cookie) < 0)
			it->cookie = 0;
		tt_netns_close(&ns);
	}
	if (it->e->kind == TT_NSK_HOST)
		cmd_print_diags(env, &diags);
	tt_diags_free(&diags);
	if (r == -ENOTRECOVERABLE || r == -ENOMEM)
		return r;
	if (r == -EPERM)
		run->no_admin = true;
	it->err = r;
	it->read = r == 0;
	if (!it->read) {
		free(it->snap);
		it->snap = NULL;
	}
	if (it->read && it->e->kind == TT_NSK_HOST)
		run->host = it;
	/* Each namespace's counters kept for its next check. */
	if (it->read) {
		struct tt_counters_id id = {
			.cookie = it->cookie, .dev = it->e->dev, .ino = it->e->ino
		};

		cmd_rates_since_last_ns(env, it->snap, &id);
	}
	return 0;
}

/* Runs the rules on a namespace read whole and writes its part. */
static int
finish_item(struct check_ns_run *run, struct check_ns_item *it)
{
	struct tt_rule_input in = { .snap = it->snap,
		.prof = run->prof,
		.thr = &run->thr,
		.pod = it->e->kind == TT_NSK_POD };
	struct tt_findings fs = { 0 };
	int r;

	if (tt_rules_run(&in, &fs) < 0) {
		tt_findings_free(&fs);
		return -ENOMEM;
	}
	r = out_check_ns_part(run, it, &fs);
	tt_findings_free(&fs);
	/* What the table needs stays: the keys.  The rest is written. */
	it->keys = malloc(sizeof(*it->keys));
	if (it->keys == NULL)
		return -ENOMEM;
	it->keys->kv = it->snap->kv;
	memcpy(it->keys->sysctl, it->snap->sysctl, sizeof(it->keys->sysctl));
	tt_snapshot_free(it->snap);
	free(it->snap);
	it->snap = NULL;
	return r;
}

/* One item for each namespace of the run's list.  0, or -ENOMEM. */
static int
items_of_list(struct check_ns_run *run)
{
	run->v = calloc(run->list.n ? run->list.n : 1, sizeof(*run->v));
	if (run->v == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < run->list.n; i++)
		run->v[i].e = &run->list.v[i];
	run->n = run->list.n;
	return 0;
}

/* The namespaces the run covers: every one, or the one --netns names. */
static int
list_items(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	struct tt_netns_list *l = &run->list;
	struct tt_netns ns;
	int r;

	if (o->all_namespaces) {
		r = tt_netns_list(env->ctx, NULL, l);
		if (r < 0) {
			cmd_err(env, "cannot list the network namespaces: %s", strerror(-r));
			return cmd_exit_for_errno(r);
		}
		run->unreadable = l->unreadable;
		return items_of_list(run) == 0 ? 0 : EXIT_SOFTWARE;
	}
	r = tt_netns_open(env->ctx, o->netns, NULL, &ns);
	if (r == 0) {
		l->v = calloc(1, sizeof(*l->v));
		r = l->v == NULL ? -ENOMEM : tt_netns_describe(env->ctx, NULL, o->netns, &ns, l->v);
		l->n = r == 0;
		tt_netns_close(&ns);
		if (r == 0)
			r = items_of_list(run);
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
walk_owners(struct cmd_env *env, struct check_ns_run *run)
{
	struct tt_snapshot_ref *snaps = calloc(run->n ? run->n : 1, sizeof(*snaps));
	size_t k = 0;
	int r = 0;

	if (snaps == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].pending)
			snaps[k++].snap = run->v[i].snap;
	if (k > 0)
		(void)tt_snapshot_find_owners(env->ctx, snaps, k, &run->thr);
	free(snaps);
	for (size_t i = 0; r == 0 && i < run->n; i++) {
		if (!run->v[i].pending)
			continue;
		run->v[i].pending = false;
		r = finish_item(run, &run->v[i]);
	}
	return r;
}

static bool
needs_owners(const struct check_ns_run *run, const struct tt_snapshot *s)
{
	(void)run;
	/* Any CLOSE_WAIT, and keepalive sockets beyond a NAT: the findings
	 * name their owners. */
	return s->census != NULL &&
	    (tt_census_state(s->census, TT_CS_CLOSE_WAIT) > 0 || s->census->est_far_keepalive > 0);
}

static int
gather_all(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	int r = 0;

	/* The host first: the others' host-only keys are its. */
	for (size_t i = 0; r == 0 && i < run->n; i++) {
		struct check_ns_item *it = &run->v[i];

		r = gather_item(env, run, o, it);
		if (r < 0 || !it->read)
			continue;
		if (needs_owners(run, it->snap))
			it->pending = true;
		else
			r = finish_item(run, it);
	}
	if (r == 0)
		r = walk_owners(env, run);
	if (r == -ENOTRECOVERABLE)
		cmd_err(env, "could not return to this process's own network namespace");
	else if (r < 0)
		cmd_err(env, "%s", strerror(-r));
	return r < 0 ? EXIT_SOFTWARE : 0;
}

/* A namespace's label before any two are told apart: its name, a
 * process's namespace by its command. */
static void
base_label(const struct check_ns_item *it, char *buf, size_t len)
{
	if (it->e->kind == TT_NSK_PROCESS)
		snprintf(buf, len, "process:%.31s", it->e->comm);
	else
		snprintf(buf, len, "%.160s", it->e->name);
}

/* Prometheus labels: the name, never a pid, so that a series outlives a
 * restart.  Namespaces that share one (two processes of one command, a
 * pod's old and new sandbox) each get their namespace's inode after a
 * '#': a label that stays with its namespace whatever order they are
 * listed in. */
static int
make_labels(struct check_ns_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct check_ns_item *it = &run->v[i];
		char base[176], other[176], label[200];
		bool shared = false;

		base_label(it, base, sizeof(base));
		for (size_t j = 0; j < run->n && !shared; j++) {
			base_label(&run->v[j], other, sizeof(other));
			shared = j != i && strcmp(other, base) == 0;
		}
		if (shared)
			snprintf(
			    label, sizeof(label), "%s#%llu", base, (unsigned long long)it->e->ino);
		else
			snprintf(label, sizeof(label), "%s", base);
		it->label = strdup(label);
		if (it->label == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* After a listing of every namespace that missed none: the counters
 * files of namespaces no longer there go. */
static void
prune_counters(struct cmd_env *env, const struct check_ns_run *run)
{
	struct tt_counters_id *keep = calloc(run->n ? run->n : 1, sizeof(*keep));
	int r;

	if (keep == NULL)
		return;
	for (size_t i = 0; i < run->n; i++) {
		keep[i].cookie = run->v[i].cookie;
		keep[i].dev = (unsigned long long)run->v[i].e->dev;
		keep[i].ino = (unsigned long long)run->v[i].e->ino;
	}
	r = tt_counters_prune(env->ctx, keep, run->n);
	if (r < 0 && r != -ENOENT)
		cmd_message(
		    env, TT_LOG_DEBUG, "debug", "counters files not pruned: %s", strerror(-r));
	free(keep);
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
	return cmd_exit_for_worst(worst);
}

static void
run_free(struct check_ns_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		if (run->v[i].snap != NULL)
			tt_snapshot_free(run->v[i].snap);
		free(run->v[i].snap);
		free(run->v[i].keys);
		free(run->v[i].label);
	}
	free(run->v);
	tt_netns_list_free(&run->list);
	tt_profile_free(run->prof);
	out_spool_close(&run->spool);
}

/* The profile, the namespaces listed and each one weighed and written into
 * the spool.  0, or the exit code. */
static int
run_gather(struct cmd_env *env, struct check_ns_run *run, const struct check_opts *o)
{
	int r = 0;

	if (o->profile != NULL)
		r = cmd_load_profile(env, o->profile, o->profile_flags, &run->prof);
	if (r != 0)
		return r;
	if (run->prof != NULL)
		run->thr = run->prof->thr;
	else
		tt_thresholds_default(&run->thr);
	r = out_spool_open(&run->spool);
	if (r < 0) {
		cmd_err(env, "%s", strerror(-r));
		return EXIT_SOFTWARE;
	}
	r = list_items(env, run, o);
	/* Labels only for metrics: they are the one thing kept of every
	 * namespace at once. */
	if (r == 0 && o->format == FORMAT_PROMETHEUS && make_labels(run) < 0)
		r = EXIT_SOFTWARE;
	if (r == 0)
		r = gather_all(env, run, o);
	if (r == 0 && !o->all_namespaces && run->n == 1 && !run->v[0].read) {
		cmd_err(env, "--netns %s: %s%s", o->netns, strerror(-run->v[0].err),
		    run->v[0].err == -EPERM ?
			" (entering a network namespace needs CAP_SYS_ADMIN)" :
			"");
		r = cmd_exit_for_errno(run->v[0].err);
	}
	return r;
}

int
check_namespaces(struct cmd_env *env, const struct check_opts *o)
{
	struct check_ns_run run = {
		.format = o->format,
		.color = o->color && o->output == NULL,
		.all = o->all,
	};
	struct out_dest d;
	int r = run_gather(env, &run, o);

	if (r != 0) {
		run_free(&run);
		return out_check_failed(env, o->output, o->format, r);
	}
	warn_unread(env, &run);
	if (o->all_namespaces && run.unreadable == 0)
		prune_counters(env, &run);
	r = out_dest_open(env, &d, o->output);
	if (r == 0) {
		int e = out_check_ns_report(d.f, env->ctx, &run);

		if (e < 0) {
			/* Never a file that looks whole but is not: the
			 * failure's own, as for any failed check. */
			cmd_err(env, "the report is incomplete: %s", strerror(-e));
			if (d.output != NULL)
				out_file_abort(&d.file);
			r = out_check_failed(env, o->output, o->format, cmd_exit_for_errno(e));
		} else {
			r = out_dest_close(env, &d, run_exit(&run));
		}
	}
	run_free(&run);
	return r;
}
