/*
 * tcptune explain [KEY]: what a key means, its bounds and history, why it
 * can hurt, and what this host has.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "json.h"
#include "lib/catalog.h"
#include "lib/sysctl.h"

static void
field(FILE *f, const char *label, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	fprintf(f, "%-14s", label);
	cmd_wrap(f, text, 14, 78);
}

static void
list_keys(FILE *f)
{
	const struct tt_key *cat = tt_catalog();

	fputs("Keys tcptune knows (tcptune explain KEY for one):\n\n", f);
	for (int i = 0; i < TT_K__COUNT; i++)
		fprintf(f, "  %-30s %s\n", cat[i].name, cat[i].summary);
}

/* What a pod spec can do with the key (tcptune export writes it). */
static const char *
k8s_text(const struct tt_key *k, char *buf, size_t len)
{
	switch (tt_key_k8s(k, TT_K8S_NEWEST)) {
	case TT_K8S_SAFE:
		if (k->k8s_safe_since == TT_K8S_SAFE_ALWAYS)
			return "safe: a pod sets it in securityContext.sysctls";
		snprintf(buf, len,
		    "safe since 1.%u: a pod sets it in securityContext.sysctls; earlier "
		    "releases need the kubelet's --allowed-unsafe-sysctls",
		    k->k8s_safe_since);
		return buf;
	case TT_K8S_UNSAFE:
		return "unsafe: a pod sets it only on nodes whose kubelet allows it with "
		       "--allowed-unsafe-sysctls";
	default:
		return "no pod can set it: one value for the whole node";
	}
}

static void
explain_key(struct cmd_env *env, FILE *f, const struct tt_key *k)
{
	char buf[512], a[TT_VAL_STRLEN], b[TT_VAL_STRLEN], v1[16];
	struct tt_reading r;
	char release[128] = "";
	const struct tt_val *def;
	unsigned kv;

	fprintf(f, "%s: %s\n\n", k->name, k->summary);
	field(f, "Meaning:", k->meaning);
	field(f, "Unit:", k->unit);
	if (tt_read_osrelease(env->ctx, release, sizeof(release)) < 0)
		release[0] = '\0';
	kv = tt_kv_parse(release);
	def = tt_key_default(k, kv);
	if (def != NULL && k->def_note != NULL)
		snprintf(
		    buf, sizeof(buf), "%s (%s)", tt_val_format(def, a, sizeof(a)), k->def_note);
	else if (def != NULL)
		tt_val_format(def, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", k->def_note ? k->def_note : "unknown");
	field(f, "Default:", buf);
	snprintf(buf, sizeof(buf), "%lld..%lld%s%s%s", k->kmin, k->kmax,
	    k->kbounds_note ? " (" : "", k->kbounds_note ? k->kbounds_note : "",
	    k->kbounds_note ? ")" : "");
	field(f, "Kernel takes:", buf);
	snprintf(buf, sizeof(buf), "%lld..%lld%s", k->smin, k->smax,
	    k->nfields == 2 ? " for each of low and high, ends of different parity" : "");
	field(f, "Safe range:", buf);
	if (k->flags & TT_KEY_PER_NETNS)
		snprintf(buf, sizeof(buf),
		    "%s; a new namespace (a container, a pod) starts from the kernel "
		    "default, not from the host's value",
		    k->netns_note);
	else
		snprintf(buf, sizeof(buf), "%s", k->netns_note);
	field(f, "Namespaces:", buf);
	field(f, "Kubernetes:", k8s_text(k, buf, sizeof(buf)));
	buf[0] = '\0';
	if (k->since) {
		tt_kv_format(k->since, v1, sizeof(v1));
		snprintf(buf, sizeof(buf), "Since Linux %s. ", v1);
	}
	if (k->removed) {
		tt_kv_format(k->removed, v1, sizeof(v1));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "Removed in Linux %s. ", v1);
	}
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s", k->history);
	field(f, "History:", buf);
	field(f, "Risks:", k->risks);
	field(f, "Advice:", k->advice);
	field(f, "Related:", k->related);

	tt_sysctl_read(env->ctx, k, &r);
	if (r.state == TT_ST_OK)
		snprintf(buf, sizeof(buf), "%s = %s", k->name, tt_val_format(&r.val, b, sizeof(b)));
	else if (r.state == TT_ST_ABSENT && k->removed && kv >= k->removed)
		snprintf(buf, sizeof(buf), "absent: kernel %s is past its removal", release);
	else if (r.state == TT_ST_ABSENT && (k->flags & TT_KEY_HOST_ONLY))
		snprintf(buf, sizeof(buf), "absent: this is not the initial network namespace");
	else
		snprintf(buf, sizeof(buf), "%s (kernel %s)", tt_state_name(r.state),
		    release[0] ? release : "unknown");
	field(f, "This host:", buf);
}

static void
json_list(void)
{
	const struct tt_key *cat = tt_catalog();
	struct json j;

	json_document_begin(&j, stdout);
	json_arr_begin(&j, "keys");
	for (int i = 0; i < TT_K__COUNT; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "key", cat[i].name);
		json_str(&j, "summary", cat[i].summary);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

static void
json_release(struct json *j, const char *key, unsigned kv)
{
	char v[16];

	json_str(j, key, kv ? tt_kv_format(kv, v, sizeof(v)) : NULL);
}

/* One key, with what this host has: the same facts as the text. */
static void
json_key(struct cmd_env *env, const struct tt_key *k, const char *asked)
{
	char release[128] = "", a[TT_VAL_STRLEN];
	const struct tt_val *def;
	struct tt_reading r;
	struct json j;

	if (tt_read_osrelease(env->ctx, release, sizeof(release)) < 0)
		release[0] = '\0';
	def = tt_key_default(k, tt_kv_parse(release));
	tt_sysctl_read(env->ctx, k, &r);
	json_document_begin(&j, stdout);
	json_str(&j, "asked", asked);
	json_str(&j, "key", k->name);
	json_str(&j, "summary", k->summary);
	json_str(&j, "meaning", k->meaning);
	json_str(&j, "unit", k->unit);
	json_int(&j, "fields", k->nfields);
	json_str(&j, "default", def ? tt_val_format(def, a, sizeof(a)) : NULL);
	json_str(&j, "default_note", k->def_note);
	json_arr_begin(&j, "kernel_range");
	json_int(&j, NULL, k->kmin);
	json_int(&j, NULL, k->kmax);
	json_arr_end(&j);
	json_arr_begin(&j, "safe_range");
	json_int(&j, NULL, k->smin);
	json_int(&j, NULL, k->smax);
	json_arr_end(&j);
	json_bool(&j, "per_netns", (k->flags & TT_KEY_PER_NETNS) != 0);
	json_str(&j, "kubernetes", tt_k8s_class_name(tt_key_k8s(k, TT_K8S_NEWEST)));
	json_release(&j, "since", k->since);
	json_release(&j, "removed", k->removed);
	json_str(&j, "history", k->history);
	json_str(&j, "risks", k->risks);
	json_str(&j, "advice", k->advice);
	json_str(&j, "related", k->related);
	json_str(&j, "kernel", release[0] ? release : NULL);
	json_str(&j, "state", tt_state_name(r.state));
	json_str(&j, "value", r.state == TT_ST_OK ? tt_val_format(&r.val, a, sizeof(a)) : NULL);
	json_obj_end(&j);
	json_finish(&j);
}

static int
run_explain(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = FORMAT_TEXT;
	const struct tt_key *k;
	int opt, r;

	while ((opt = cmd_getopt(env, &cmd_explain, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT &&
		    (r = cmd_format_option(env, &cmd_explain, optarg, &format)))
			return r;
	}
	if (optind == argc) {
		if (format == FORMAT_JSON)
			json_list();
		else
			list_keys(stdout);
		return EXIT_CLEAN;
	}
	if (argc - optind > 1)
		return cmd_usage_error(env, &cmd_explain, "one key at a time");
	k = tt_catalog_find_any(argv[optind]);
	if (k == NULL && (k = tt_catalog_suggest(argv[optind])) != NULL && format == FORMAT_TEXT)
		printf("'%s' is not a kernel key; the key meant is most likely %s.\n\n",
		    argv[optind], k->name);
	if (k == NULL) {
		cmd_err(env, "unknown key '%s' (tcptune explain lists the keys)", argv[optind]);
		return EXIT_USAGE;
	}
	if (format == FORMAT_JSON)
		json_key(env, k, argv[optind]);
	else
		explain_key(env, stdout, k);
	return EXIT_CLEAN;
}

const struct cmd cmd_explain = {
	.name = "explain",
	.run = run_explain,
	.usage = "[--format text|json] [KEY]",
	.help = "explain a key: meaning, bounds, history, risks (no KEY: list the keys)",
};
