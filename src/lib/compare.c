/*
 * A namespace's keys weighed against the kernel's defaults, the host's
 * values and a profile.
 */
#include "config.h"

#include "compare.h"
#include "value.h"

_Static_assert(TT_K__COUNT <= 32, "a profile's differing keys are bits of an unsigned");

bool
tt_key_at_default(const struct tt_snapshot *s, enum tt_key_id k)
{
	const struct tt_val *def = tt_key_default(tt_key_get(k), s->kv);
	const struct tt_val *cur = tt_snapshot_value(s, k);

	return def != NULL && cur != NULL && tt_val_eq(cur, def);
}

bool
tt_key_compared(const struct tt_snapshot *s, enum tt_key_id k)
{
	const struct tt_key *key = tt_key_get(k);

	return (key->flags & TT_KEY_PER_NETNS) && !(key->flags & TT_KEY_HOST_ONLY) &&
	    tt_key_default(key, s->kv) != NULL && tt_snapshot_value(s, k) != NULL;
}

bool
tt_snapshot_on_defaults(const struct tt_snapshot *s)
{
	for (int i = 0; i < TT_K__COUNT; i++)
		if (tt_key_compared(s, (enum tt_key_id)i) &&
		    !tt_key_at_default(s, (enum tt_key_id)i))
			return false;
	return true;
}

bool
tt_key_differs(const struct tt_snapshot *s, const struct tt_snapshot *host, enum tt_key_id k)
{
	const struct tt_val *hv = host != NULL ? tt_snapshot_value(host, k) : NULL;

	if (!tt_key_compared(s, k))
		return false;
	return !tt_key_at_default(s, k) || (hv != NULL && !tt_val_eq(tt_snapshot_value(s, k), hv));
}

unsigned
tt_profile_differs(
    const struct tt_snapshot *s, const struct tt_profile *prof, enum tt_k8s_class k8s)
{
	unsigned mask = 0;

	for (int i = 0; prof != NULL && i < TT_K__COUNT; i++) {
		const struct tt_val *now = tt_snapshot_value(s, (enum tt_key_id)i);

		if (prof->sysctl[i].set && now != NULL && !tt_val_eq(now, &prof->sysctl[i].val) &&
		    tt_key_k8s(tt_key_get((enum tt_key_id)i), TT_K8S_NEWEST) == k8s)
			mask |= 1u << i;
	}
	return mask;
}
