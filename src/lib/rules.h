/*
 * The rules engine: a table of small pure functions over a snapshot and an
 * optional profile.  A rule reads its input and adds findings; it does no
 * I/O, so each one is tested with a hand-made snapshot.
 */
#ifndef TCPTUNE_RULES_H
#define TCPTUNE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "profile.h"
#include "snapshot.h"

enum tt_severity {
	TT_SEV_OK = 0,
	TT_SEV_INFO,
	TT_SEV_WARN,
	TT_SEV_CRITICAL,
};

const char *tt_severity_name(enum tt_severity v);
int tt_severity_from_name(const char *s);

#define TT_FINDING_MAX_KEYS 4

/* What kind of harm a rule's findings are about: within a severity the
 * harm of now comes first, drift from what was meant last. */
enum tt_harm {
	TT_HARM_RISK = 0, /* a setting that puts connections at risk */
	TT_HARM_NOW,      /* harm the host shows now: drops, leaks, exhaustion */
	TT_HARM_DRIFT,    /* the configuration differs from what was meant */
};

struct tt_finding {
	const char *id; /* the rule's stable id */
	enum tt_severity sev;
	enum tt_key_id keys[TT_FINDING_MAX_KEYS];
	int nkeys;
	char message[384];
	char evidence[512];
	char advice[512];
	const char *explain; /* short key name for `tcptune explain`, or NULL */
	enum tt_harm harm;   /* the rule's */
};

struct tt_rule;

struct tt_findings {
	struct tt_finding *v;
	size_t n, cap;
	int oom;
	const struct tt_rule *rule; /* the rule running: its id goes on findings */
	struct tt_finding scratch;  /* handed out when memory runs out */
};

struct tt_rule_input {
	const struct tt_snapshot *snap;
	const struct tt_profile *prof; /* NULL: audit without a profile */
	const struct tt_thresholds *thr;
	/* The host as it is: tt_rule_effective() ignores the profile.  The
	 * engine sets it to judge a rule that weighs the profile twice. */
	bool live_only;
	/* The namespace is a Kubernetes pod's: a value written by hand lasts
	 * only until the pod is replaced, so advice names the pod spec. */
	bool pod;
};

typedef void (*tt_rule_fn)(const struct tt_rule_input *in, struct tt_findings *out);

struct tt_rule {
	const char *id;
	const char *ok_message; /* said when the rule finds nothing */
	tt_rule_fn fn;
	/* Keys this rule judges by itself, so the generic bounds rule leaves
	 * them alone (terminated by TT_K__COUNT). */
	enum tt_key_id owns[3];
	enum tt_harm harm;  /* orders its findings within a severity */
	bool needs_profile; /* only runs when a profile is given */
	bool needs_census;  /* only runs when a socket census was gathered */
	/* Judges the host as the profile would leave it (tt_rule_effective()):
	 * with a profile the engine runs it on the host as it is too, and each
	 * finding says both ("warn now; fixed by this profile"). */
	bool weighs_profile;
	/* Says what applying the profile does to services running now (a
	 * listener the new port range covers, one left capped): plan and
	 * apply show it beside the plan (tt_rules_run_change()). */
	bool about_change;
};

/*
 * Runs every rule.  A rule that adds nothing adds one "ok" finding with its
 * id, so the summary counts what passed.  Findings are sorted most severe
 * first; within a severity harm now first, then risks, then drift
 * (enum tt_harm); stable within those.  Returns 0 or -ENOMEM.
 */
int tt_rules_run(const struct tt_rule_input *in, struct tt_findings *out);

/* The rule sets, in the order tt_rules_run() runs them. */
enum tt_rule_set {
	TT_RULES_CORE = 0, /* rules-core.c */
	TT_RULES_NAT,      /* rules-nat.c */
	TT_RULES_CENSUS,   /* rules-census.c */
	TT_RULES_SYSCTLD,  /* rules-sysctld.c */
	TT_RULES__COUNT,
};

/* Runs one rule set alone, as tt_rules_run() does all of them.  Returns 0,
 * -EINVAL for an unknown set, or -ENOMEM. */
int tt_rules_run_set(const struct tt_rule_input *in, enum tt_rule_set set, struct tt_findings *out);
/* Runs the rules about_change alone, keeping what they find that is not
 * ok.  0 or -ENOMEM. */
int tt_rules_run_change(const struct tt_rule_input *in, struct tt_findings *out);
void tt_findings_free(struct tt_findings *f);

/*
 * Adds a finding of the running rule (out->rule, set by the engine, gives
 * its id), message/evidence/advice empty, and returns it; never NULL.
 */
struct tt_finding *
tt_finding_add(struct tt_findings *out, enum tt_severity sev, const char *explain);
/*
 * Formats into one of a finding's fixed-size text fields; a text too long
 * for it is cut, which is fine for prose.  TT_SAY(f->message, ...) passes
 * the field's size.
 */
void
tt_finding_say(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define TT_SAY(field, ...) tt_finding_say((field), sizeof(field), __VA_ARGS__)
void tt_finding_key(struct tt_finding *f, enum tt_key_id k);

/* Per-severity counts of a result. */
void tt_findings_count(const struct tt_findings *f, unsigned counts[4]);
enum tt_severity tt_findings_worst(const struct tt_findings *f);

/*
 * Is NAT in play, for safety decisions?  Combines the profile's declaration
 * (prof may be NULL) with the evidence in snap->nat (NULL: not gathered).
 * Either one saying NAT wins: YES (nat = yes, or a verdict of
 * this_host_translates or behind_nat_likely).  NO only when the profile
 * declares nat = no and the verdict is none, which needs the evidence
 * gathered.  Otherwise UNKNOWN.
 */
enum tt_nat_answer {
	TT_NATQ_UNKNOWN = 0,
	TT_NATQ_YES,
	TT_NATQ_NO,
};
enum tt_nat_answer tt_nat_answer(const struct tt_snapshot *snap, const struct tt_profile *prof);
/* "yes", "no" or "unknown", for every output. */
const char *tt_nat_answer_name(enum tt_nat_answer v);
int tt_nat_answer_from_name(const char *s);

/* tt_nat_answer() for a rule's input: true when it is YES. */
bool tt_rule_nat_likely(const struct tt_rule_input *in);

#endif
