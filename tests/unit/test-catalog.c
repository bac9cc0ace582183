/* The catalog: complete, consistent, and in line with the kernel facts. */
#include "config.h"

#include <errno.h>

#include "testutil.h"
#include "lib/catalog.h"

static void
every_entry_is_complete(void **state)
{
	const struct tt_key *cat = tt_catalog();
	char why[160];

	(void)state;
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = &cat[i];

		assert_int_equal(k->id, i);
		assert_non_null(k->name);
		assert_true(strncmp(k->name, "net.", 4) == 0);
		assert_non_null(k->unit);
		assert_non_null(k->summary);
		assert_non_null(k->meaning);
		assert_non_null(k->risks);
		assert_non_null(k->advice);
		assert_non_null(k->netns_note);
		assert_true(k->nfields == 1 || k->nfields == 2);
		/* safe bounds lie within the kernel's */
		assert_true(k->kmin <= k->smin && k->smin <= k->smax && k->smax <= k->kmax);
		/* the default is accepted by the kernel and is safe */
		if (k->def.n != 0) {
			assert_int_equal(k->def.n, k->nfields);
			if (tt_key_check_kernel(k, &k->def, why, sizeof(why)) != 0)
				fail_msg("%s default: %s", k->name, why);
			if (tt_key_check_safe(k, &k->def, why, sizeof(why)) != 0)
				fail_msg("%s default not safe: %s", k->name, why);
		} else {
			assert_non_null(k->def_note);
		}
		assert_ptr_equal(tt_catalog_find(k->name), k);
		assert_ptr_equal(tt_catalog_find_any(tt_key_short(k)), k);
	}
}

static void
facts_match_the_kernel(void **state)
{
	const struct tt_key *k;

	(void)state;
	k = tt_catalog_find("net.ipv4.tcp_tw_recycle");
	assert_non_null(k);
	assert_int_equal(k->removed, TT_KV(4, 12));
	assert_false(tt_key_expected(k, TT_KV(6, 18)));
	assert_true(tt_key_expected(k, TT_KV(4, 9)));
	assert_non_null(strstr(k->risks, "NAT"));
	assert_non_null(strstr(k->history, "4.10"));

	k = tt_catalog_find("net.ipv4.tcp_max_orphans");
	assert_true(k->flags & TT_KEY_HOST_ONLY);
	assert_false(k->flags & TT_KEY_PER_NETNS);

	k = tt_catalog_find("net.ipv4.tcp_tw_timeout");
	assert_true(k->flags & TT_KEY_VENDOR);
	assert_false(tt_key_expected(k, TT_KV(6, 18)));

	k = tt_catalog_find("net.ipv4.tcp_tw_reuse");
	assert_int_equal(tt_key_default(k, TT_KV(6, 18))->v[0], 2);
	assert_int_equal(tt_key_default(k, TT_KV(4, 9))->v[0], 0);
	assert_int_equal(k->kmax, 2);

	k = tt_catalog_find("net.core.somaxconn");
	assert_int_equal(tt_key_default(k, TT_KV(6, 1))->v[0], 4096);
	assert_int_equal(tt_key_default(k, TT_KV(4, 19))->v[0], 128);

	k = tt_catalog_find("net.ipv4.tcp_fin_timeout");
	assert_int_equal(k->def.v[0], 60);
	/* the explanation must not repeat the myth that it is TIME_WAIT's length */
	assert_non_null(strstr(k->meaning, "not the length of TIME_WAIT"));

	k = tt_catalog_find("net.ipv4.tcp_tw_reuse_delay");
	assert_int_equal(k->kmin, 1);
	assert_int_equal(k->kmax, 60000);
	assert_false(tt_key_expected(k, TT_KV(6, 1)));

	k = tt_catalog_find("net.ipv4.tcp_keepalive_probes");
	assert_int_equal(k->kmax, 255);
}

static void
names_are_matched_exactly(void **state)
{
	(void)state;
	assert_non_null(tt_catalog_find("net/ipv4/tcp_fin_timeout"));
	assert_null(tt_catalog_find("tcp_fin_timeout")); /* short only for explain */
	assert_null(tt_catalog_find("net.ipv4.tcp_fin_timeou"));
	assert_null(tt_catalog_find("net.ipv4.tcp_fin_timeout2"));
	assert_null(tt_catalog_find("/proc/sys/net/ipv4/tcp_fin_timeout"));
	assert_null(tt_catalog_find("net/ipv4/../../kernel/core_pattern"));
	assert_null(tt_catalog_find("kernel.core_pattern"));
	assert_null(tt_catalog_find("NET.IPV4.TCP_FIN_TIMEOUT"));
	assert_null(tt_catalog_find(""));
	assert_null(tt_catalog_find_any("fin_timeout"));
}

/*
 * Every path tcptune reads or writes below the proc root comes from a
 * catalog name: each is sys/net/..., made of plain name components, and
 * maps back to the key it came from.
 */
static void
every_path_stays_in_sys_net(void **state)
{
	char buf[256], name[256];

	(void)state;
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		assert_int_equal(tt_key_relpath(k, buf, sizeof(buf)), 0);
		assert_int_equal(strncmp(buf, "sys/net/", 8), 0);
		assert_null(strstr(buf, ".."));
		assert_null(strstr(buf, "//"));
		assert_null(strchr(buf, '.'));
		for (const char *c = buf; *c != '\0'; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			    *c == '_' || *c == '/');
		assert_true(buf[strlen(buf) - 1] != '/');
		/* Back again: "sys/net/ipv4/x" is net/ipv4/x, which is the key. */
		snprintf(name, sizeof(name), "%s", buf + 4);
		assert_ptr_equal(tt_catalog_find(name), k);
	}
}

static void
paths_and_bounds(void **state)
{
	const struct tt_key *k = tt_catalog_find("net.ipv4.ip_local_port_range");
	struct tt_val v = { .n = 2, .v = { 40000, 30000 } };
	char buf[128], why[160];

	(void)state;
	assert_int_equal(tt_key_relpath(k, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sys/net/ipv4/ip_local_port_range");
	assert_int_equal(tt_key_relpath(k, buf, 8), -ENAMETOOLONG);
	assert_int_equal(tt_key_check_kernel(k, &v, why, sizeof(why)), -ERANGE);
	assert_non_null(strstr(why, "above"));
	v.v[0] = 0;
	assert_int_equal(tt_key_check_kernel(k, &v, why, sizeof(why)), -ERANGE);
	v = (struct tt_val){ .n = 2, .v = { 1000, 65000 } };
	assert_int_equal(tt_key_check_kernel(k, &v, why, sizeof(why)), 0);
	assert_int_equal(tt_key_check_safe(k, &v, why, sizeof(why)), -ERANGE);
	assert_int_equal(tt_kv_parse("6.18.44-fc-v669"), TT_KV(6, 18));
	assert_int_equal(tt_kv_parse("4.9.0-19-amd64"), TT_KV(4, 9));
	assert_int_equal(tt_kv_parse("garbage"), 0);
	assert_int_equal(tt_kv_parse("6.18"), TT_KV(6, 18));
	assert_int_equal(tt_kv_parse("255.0"), TT_KV(255, 0));
	/* Only digits: no signs, no blanks, nothing out of a byte's range. */
	assert_int_equal(tt_kv_parse("-1.2"), 0);
	assert_int_equal(tt_kv_parse("+6.18"), 0);
	assert_int_equal(tt_kv_parse(" 6.18"), 0);
	assert_int_equal(tt_kv_parse("6. 18"), 0);
	assert_int_equal(tt_kv_parse("6.-1"), 0);
	assert_int_equal(tt_kv_parse("256.1"), 0);
	assert_int_equal(tt_kv_parse("4294967302.18"), 0);
	assert_int_equal(tt_kv_parse("6"), 0);
	assert_int_equal(tt_kv_parse("6."), 0);
	assert_int_equal(tt_kv_parse(""), 0);
	assert_int_equal(tt_kv_parse(NULL), 0);
}

static void
facts_in_one_place(void **state)
{
	struct tt_val ok = { .n = 2, .v = { 32768, 60999 } }, one = { .n = 1, .v = { 32768 } };
	struct tt_val zero = { .n = 2, .v = { 0, 60999 } }, high = { .n = 2, .v = { 1024, 65536 } };
	struct tt_val upside = { .n = 2, .v = { 61000, 60999 } };
	char kv[16];

	(void)state;
	assert_true(tt_port_range_valid(&ok));
	assert_false(tt_port_range_valid(NULL));
	assert_false(tt_port_range_valid(&one));
	assert_false(tt_port_range_valid(&zero));
	assert_false(tt_port_range_valid(&high));
	assert_false(tt_port_range_valid(&upside));
	assert_string_equal(tt_kv_format(TT_KV(4, 12), kv, sizeof(kv)), "4.12");
	assert_int_equal(tt_key_absent_why(tt_key_get(TT_K_TW_RECYCLE)), TT_ABSENT_REMOVED);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);
		enum tt_absent_why w = tt_key_absent_why(k);

		assert_true(w != TT_ABSENT_VENDOR || (k->flags & TT_KEY_VENDOR));
		assert_true(w != TT_ABSENT_HOST_ONLY || (k->flags & TT_KEY_HOST_ONLY));
		assert_true(w != TT_ABSENT_NEWER || k->since != 0);
	}
}

/* The facts that tcptune once stated wrongly stay right. */
static void
corrected_facts_stay_corrected(void **state)
{
	const struct tt_key *tw = tt_key_get(TT_K_MAX_TW_BUCKETS);
	const struct tt_key *rec = tt_key_get(TT_K_TW_RECYCLE);
	const struct tt_key *ts = tt_key_get(TT_K_TIMESTAMPS);
	const struct tt_key *pr = tt_key_get(TT_K_LOCAL_PORT_RANGE);
	const struct tt_key *orph = tt_key_get(TT_K_ORPHAN_RETRIES);
	struct tt_val v = { .n = 1, .v = { -1 } };
	char why[200];

	(void)state;
	/* a negative tw_buckets means no limit, not "no TIME_WAIT" */
	assert_non_null(strstr(tw->kbounds_note, "negative value means no limit"));
	assert_null(strstr(tw->risks, "0 or -1"));
	assert_int_equal(tt_key_check_safe(tw, &v, why, sizeof(why)), -ERANGE);
	assert_non_null(strstr(why, "no limit"));
	v.v[0] = 0;
	assert_int_equal(tt_key_check_safe(tw, &v, why, sizeof(why)), -ERANGE);
	assert_non_null(strstr(why, "no TIME_WAIT socket"));
	/* defaults sized from memory are not stated as one number */
	assert_null(strstr(tw->def_note, "131072"));
	assert_non_null(strstr(tw->def_note, "memory"));
	assert_null(strstr(tt_key_get(TT_K_MAX_ORPHANS)->def_note, "131072"));
	/* tw_recycle: 4.10 broke it, 4.11 restored it but behind NAT, 4.12 removed it */
	assert_non_null(strstr(rec->history, "4.11"));
	assert_null(strstr(rec->history, "next release"));
	assert_null(strstr(rec->meaning, "PAWSPassiveRejected"));
	assert_non_null(strstr(rec->meaning, "PAWSPassive"));
	/* the timestamp offset's scope is stated per kernel, not once */
	assert_null(strstr(ts->meaning, "per-connection"));
	assert_non_null(strstr(ts->history, "4.11"));
	/* port range: the same parity is safe (the kernel takes it), a
	 * caution that says why and what balances it, and the advice */
	v = (struct tt_val){ .n = 2, .v = { 10240, 65000 } };
	assert_int_equal(tt_key_check_kernel(pr, &v, why, sizeof(why)), 0);
	assert_int_equal(tt_key_check_safe(pr, &v, why, sizeof(why)), 0);
	assert_int_equal(tt_key_caution(pr, &v, why, sizeof(why)), -ERANGE);
	assert_non_null(strstr(why, "parity"));
	assert_non_null(strstr(why, "10240 65001"));
	v.v[1] = 65001;
	assert_int_equal(tt_key_check_safe(pr, &v, why, sizeof(why)), 0);
	assert_int_equal(tt_key_caution(pr, &v, why, sizeof(why)), 0);
	assert_int_equal(tt_port_range_check(&pr->def, why, sizeof(why)), 0);
	assert_null(strstr(pr->advice, "65000"));
	/* orphan retries are a time budget */
	assert_non_null(strstr(orph->meaning, "time"));
	/* the jiffies bound names the HZ it depends on */
	assert_non_null(strstr(tt_key_get(TT_K_FIN_TIMEOUT)->kbounds_note, "HZ=250"));
	assert_non_null(strstr(tt_key_get(TT_K_FIN_TIMEOUT)->kbounds_note, "depends"));
}

/* Kubernetes' list: a safe key is one each pod's namespace has, and a
 * release before the key joined the list treats it as unsafe. */
static void
kubernetes_classes(void **state)
{
	const struct tt_key *cat = tt_catalog();

	(void)state;
	for (int i = 0; i < TT_K__COUNT; i++)
		if (cat[i].k8s_safe_since != 0)
			assert_true(cat[i].flags & TT_KEY_PER_NETNS);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_FIN_TIMEOUT), 29), TT_K8S_SAFE);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_FIN_TIMEOUT), 28), TT_K8S_UNSAFE);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_LOCAL_PORT_RANGE), 2), TT_K8S_SAFE);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_TW_REUSE), 40), TT_K8S_UNSAFE);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_MAX_ORPHANS), 40), TT_K8S_NODE);
	assert_int_equal(tt_key_k8s(tt_key_get(TT_K_TW_RECYCLE), 40), TT_K8S_NODE);
	assert_string_equal(tt_k8s_class_name(TT_K8S_UNSAFE), "unsafe");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_is_complete),
		cmocka_unit_test(facts_match_the_kernel),
		cmocka_unit_test(corrected_facts_stay_corrected),
		cmocka_unit_test(names_are_matched_exactly),
		cmocka_unit_test(every_path_stays_in_sys_net),
		cmocka_unit_test(paths_and_bounds),
		cmocka_unit_test(facts_in_one_place),
		cmocka_unit_test(kubernetes_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
