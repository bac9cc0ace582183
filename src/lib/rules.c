#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat.h"
#include "rules-internal.h"
#include "strtab.h"

TT_STRTAB(tt_severity, enum tt_severity, "ok", [TT_SEV_OK] = "ok", [TT_SEV_INFO] = "info",
    [TT_SEV_WARN] = "warn", [TT_SEV_CRITICAL] = "critical")

struct tt_finding *
tt_finding_add(struct tt_findings *out, enum tt_severity sev, const char *explain)
{
	struct tt_finding *f;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct tt_finding *v = realloc(out->v, cap * sizeof(*v));

		if (v == NULL) {
			out->oom = 1;
			memset(&out->scratch, 0, sizeof(out->scratch));
			return &out->scratch;
		}
		out->v = v;
		out->cap = cap;
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->id = out->rule != NULL ? out->rule->id : "";
	f->sev = sev;
	f->explain = explain;
	f->harm = out->rule != NULL ? out->rule->harm : TT_HARM_RISK;
	return f;
}

void
tt_finding_key(struct tt_finding *f, enum tt_key_id k)
{
	if (f->nkeys < TT_FINDING_MAX_KEYS)
		f->keys[f->nkeys++] = k;
}

void
tt_findings_free(struct tt_findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

void
tt_findings_count(const struct tt_findings *f, unsigned counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t i = 0; i < f->n; i++)
		counts[f->v[i].sev]++;
}

enum tt_severity
tt_findings_worst(const struct tt_findings *f)
{
	enum tt_severity w = TT_SEV_OK;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].sev > w)
			w = f->v[i].sev;
	return w;
}

/* --- helpers for rules ------------------------------------------------ */

void
tt_finding_say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void
tt_rule_add_text(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

const struct tt_val *
tt_rule_current(const struct tt_rule_input *in, enum tt_key_id k)
{
	return tt_snapshot_value(in->snap, k);
}

const struct tt_val *
tt_rule_target(const struct tt_rule_input *in, enum tt_key_id k)
{
	if (in->prof == NULL || !in->prof->sysctl[k].set)
		return NULL;
	return &in->prof->sysctl[k].val;
}

/* The value the host has once the profile is applied: target, else current. */
const struct tt_val *
tt_rule_effective(const struct tt_rule_input *in, enum tt_key_id k, const char **from)
{
	const struct tt_val *v = in->live_only ? NULL : tt_rule_target(in, k);

	*from = "profile";
	if (v == NULL) {
		v = tt_rule_current(in, k);
		*from = "current";
	}
	return v;
}

TT_STRTAB(tt_nat_answer, enum tt_nat_answer,
    "unknown", [TT_NATQ_UNKNOWN] = "unknown", [TT_NATQ_YES] = "yes", [TT_NATQ_NO] = "no")

enum tt_nat_answer
tt_nat_answer(const struct tt_snapshot *snap, const struct tt_profile *prof)
{
	enum tt_nat_verdict v =
	    snap != NULL && snap->nat != NULL ? snap->nat->verdict : TT_NATV_UNKNOWN;

	/* Either the declaration or the evidence saying NAT is enough; "no"
	 * needs both: the declaration, and evidence that looked everywhere
	 * and found nothing.  Evidence not gathered counts as unknown. */
	if ((prof != NULL && prof->nat == TT_NAT_YES) || v == TT_NATV_TRANSLATES ||
	    v == TT_NATV_BEHIND)
		return TT_NATQ_YES;
	if (prof != NULL && prof->nat == TT_NAT_NO && v == TT_NATV_NONE)
		return TT_NATQ_NO;
	return TT_NATQ_UNKNOWN;
}

bool
tt_rule_nat_likely(const struct tt_rule_input *in)
{
	return tt_nat_answer(in->snap, in->prof) == TT_NATQ_YES;
}

/* Every rule set, in report order (enum tt_rule_set).  A module with
 * rules of its own adds its table here. */
static const struct {
	const struct tt_rule *v;
	const size_t *n;
} rule_sets[TT_RULES__COUNT] = {
	[TT_RULES_CORE] = { tt_rules_core, &tt_rules_core_n },
	[TT_RULES_NAT] = { tt_rules_nat, &tt_rules_nat_n },
	[TT_RULES_CENSUS] = { tt_rules_census, &tt_rules_census_n },
	[TT_RULES_SYSCTLD] = { tt_rules_sysctld, &tt_rules_sysctld_n },
};
#define NSETS (sizeof(rule_sets) / sizeof(rule_sets[0]))

/* Whether some rule other than the generic ones judges key k itself. */
bool
tt_rule_key_owned(enum tt_key_id k)
{
	for (size_t s = 0; s < NSETS; s++) {
		for (size_t r = 0; r < *rule_sets[s].n; r++) {
			const enum tt_key_id *o = rule_sets[s].v[r].owns;

			for (size_t i = 0; i < 3 && o[i] != TT_K__COUNT; i++)
				if (o[i] == k)
					return true;
		}
	}
	return false;
}

/* Appends to a finding's message what it is now and with the profile. */
static void
tag_finding(struct tt_finding *f, const char *now, const char *later)
{
	char tag[64];
	size_t used = strlen(f->message);

	snprintf(tag, sizeof(tag), "%s now; %s", now, later);
	if (used + 1 < sizeof(f->message))
		snprintf(f->message + used, sizeof(f->message) - used, " (%s)", tag);
}

/*
 * A rule that weighs the profile runs on the host as it is and as the
 * profile would leave it.  A risk now is reported with now's severity,
 * whatever the profile does (never a bare ok while the host is at risk);
 * a risk only the profile brings is reported as the profile's.
 */
static void
run_both(const struct tt_rule *rule, const struct tt_rule_input *in, struct tt_findings *out)
{
	struct tt_rule_input live = *in;
	struct tt_findings after = { .rule = rule };
	char later[40];
	size_t before = out->n;
	bool now_ok;

	live.live_only = true;
	rule->fn(&live, out);
	now_ok = out->n == before;
	rule->fn(in, &after);
	if (after.oom)
		out->oom = 1;
	snprintf(later, sizeof(later), "%s with this profile",
	    tt_severity_name(tt_findings_worst(&after)));
	if (after.n == 0)
		snprintf(later, sizeof(later), "fixed by this profile");
	for (size_t i = before; i < out->n; i++)
		tag_finding(&out->v[i], tt_severity_name(out->v[i].sev), later);
	for (size_t i = 0; now_ok && i < after.n; i++) {
		struct tt_finding *f = tt_finding_add(out, after.v[i].sev, NULL);

		*f = after.v[i];
		tag_finding(f, "ok", "caused by this profile");
	}
	tt_findings_free(&after);
}

static void
run_rule(const struct tt_rule *rule, const struct tt_rule_input *in, struct tt_findings *out)
{
	size_t before = out->n;
	struct tt_finding *f;

	/* Rules about a profile say nothing, not "ok", without one. */
	if (rule->needs_profile && in->prof == NULL)
		return;
	if (rule->needs_census && in->snap->census == NULL)
		return;
	out->rule = rule;
	if (rule->weighs_profile && in->prof != NULL && !in->live_only)
		run_both(rule, in, out);
	else
		rule->fn(in, out);
	if (out->n == before) {
		f = tt_finding_add(out, TT_SEV_OK, NULL);
		TT_SAY(f->message, "%s", rule->ok_message);
	}
	out->rule = NULL;
}

static int
by_severity(const void *a, const void *b)
{
	/* Harm of now, then risks, then drift. */
	static const int rank[] = { [TT_HARM_NOW] = 0, [TT_HARM_RISK] = 1, [TT_HARM_DRIFT] = 2 };
	const struct tt_finding *fa = a, *fb = b;

	if (fa->sev != fb->sev)
		return (int)fb->sev - (int)fa->sev;
	return rank[fa->harm] - rank[fb->harm];
}

static void
run_set(enum tt_rule_set set, const struct tt_rule_input *in, struct tt_findings *out)
{
	for (size_t r = 0; r < *rule_sets[set].n; r++)
		run_rule(&rule_sets[set].v[r], in, out);
}

/* Most severe first, the most harmful first within a severity; an
 * insertion sort keeps rule order within those, which qsort(3) would
 * not. */
static int
finish(struct tt_findings *out)
{
	if (out->oom)
		return -ENOMEM;
	for (size_t i = 1; i < out->n; i++) {
		struct tt_finding tmp = out->v[i];
		size_t j = i;

		while (j > 0 && by_severity(&out->v[j - 1], &tmp) > 0) {
			out->v[j] = out->v[j - 1];
			j--;
		}
		out->v[j] = tmp;
	}
	return 0;
}

int
tt_rules_run(const struct tt_rule_input *in, struct tt_findings *out)
{
	for (size_t s = 0; s < NSETS; s++)
		run_set((enum tt_rule_set)s, in, out);
	return finish(out);
}

int
tt_rules_run_set(const struct tt_rule_input *in, enum tt_rule_set set, struct tt_findings *out)
{
	if ((unsigned)set >= TT_RULES__COUNT)
		return -EINVAL;
	run_set(set, in, out);
	return finish(out);
}

int
tt_rules_run_change(const struct tt_rule_input *in, struct tt_findings *out)
{
	size_t n = 0;

	for (size_t set = 0; set < NSETS; set++)
		for (size_t r = 0; r < *rule_sets[set].n; r++)
			if (rule_sets[set].v[r].about_change)
				run_rule(&rule_sets[set].v[r], in, out);
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].sev != TT_SEV_OK)
			out->v[n++] = out->v[i];
	out->n = n;
	return finish(out);
}
