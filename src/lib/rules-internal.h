/*
 * What the rule files share and nothing else needs: the rule tables the
 * engine runs, and the small helpers that read a rule's input.
 */
#ifndef TCPTUNE_RULES_INTERNAL_H
#define TCPTUNE_RULES_INTERNAL_H

#include "rules.h"

/* A rule's .owns list: the keys it judges, or none. */
#define OWNS(...) .owns = { __VA_ARGS__, TT_K__COUNT }
#define OWNS_NONE .owns = { TT_K__COUNT }

/* One table per rule set (enum tt_rule_set), in rules-<set>.c. */
extern const struct tt_rule tt_rules_core[];
extern const size_t tt_rules_core_n;
extern const struct tt_rule tt_rules_nat[];
extern const size_t tt_rules_nat_n;
extern const struct tt_rule tt_rules_census[];
extern const size_t tt_rules_census_n;
extern const struct tt_rule tt_rules_sysctld[];
extern const size_t tt_rules_sysctld_n;

/* Appends to a finding's text field without overflowing it; ADD(f->evidence,
 * ...) passes the field's size. */
void
tt_rule_add_text(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define ADD(field, ...) tt_rule_add_text((field), sizeof(field), __VA_ARGS__)

/* The key's current value, NULL when not readable. */
const struct tt_val *tt_rule_current(const struct tt_rule_input *in, enum tt_key_id k);
/* The value the profile sets, NULL without a profile or when it sets none. */
const struct tt_val *tt_rule_target(const struct tt_rule_input *in, enum tt_key_id k);
/* The value the host has once the profile is applied: target, else
 * current; *from says which ("profile" or "current").  With in->live_only,
 * always the current value. */
const struct tt_val *
tt_rule_effective(const struct tt_rule_input *in, enum tt_key_id k, const char **from);
/* Whether some rule in any set names key k in its .owns. */
bool tt_rule_key_owned(enum tt_key_id k);

#endif
