/*
 * tcptune export [--format k8s|json] [--kubernetes-version 1.N] PROFILE:
 * the profile's keys as a Kubernetes pod sets them.  A value applied inside
 * a pod's namespace by hand is gone when the pod restarts; the pod spec is
 * what lasts.  Keys fall in three groups: those a pod sets in
 * securityContext.sysctls on any node, those it may set only where the
 * kubelet allows them with --allowed-unsafe-sysctls, and those no pod can
 * set (one value for the whole host).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "lib/catalog.h"
#include "lib/profile.h"

enum export_format {
	EXPORT_K8S,
	EXPORT_JSON,
};

enum {
	OPT_K8S_VERSION = OPT_CMD_BASE,
};

/* "1.29" or "v1.29" into 29; 0 when it is not one. */
static unsigned
parse_k8s_version(const char *s)
{
	char *end;
	long minor;

	if (s[0] == 'v')
		s++;
	if (strncmp(s, "1.", 2) != 0)
		return 0;
	minor = strtol(s + 2, &end, 10);
	if (end == s + 2 || (*end != '\0' && *end != '.') || minor < 1 || minor > 999)
		return 0;
	return (unsigned)minor;
}

/* The flag value that allows the unsafe keys: "a,b"; "" when none. */
static void
unsafe_flag(const struct tt_profile *p, unsigned minor, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		if (p->sysctl[i].set && tt_key_k8s(k, minor) == TT_K8S_UNSAFE && off < len)
			off +=
			    (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "", k->name);
	}
}

/* The pod's sysctls list for one group; prefix "" or "# " (shown, not
 * part of the document). */
static void
yaml_sysctls(const struct tt_profile *p, unsigned minor, enum tt_k8s_class g, const char *prefix)
{
	char v[TT_VAL_STRLEN];

	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		if (!p->sysctl[i].set || tt_key_k8s(k, minor) != g)
			continue;
		printf("%s    - name: %s\n%s      value: \"%s\"\n", prefix, k->name, prefix,
		    tt_val_format(&p->sysctl[i].val, v, sizeof(v)));
	}
}

static int
group_count(const struct tt_profile *p, unsigned minor, enum tt_k8s_class g)
{
	int n = 0;

	for (int i = 0; i < TT_K__COUNT; i++)
		n += p->sysctl[i].set && tt_key_k8s(tt_key_get((enum tt_key_id)i), minor) == g;
	return n;
}

/* Text inside a YAML comment: a line break would end the comment. */
static void
comment_text(const char *s)
{
	for (; *s; s++)
		putchar(*s == '\n' || *s == '\r' ? '?' : *s);
}

static void
export_yaml(const struct tt_profile *p, unsigned minor)
{
	char flag[1024], v[TT_VAL_STRLEN];

	printf("# ");
	comment_text(p->path);
	printf(" for Kubernetes 1.%u: the keys a pod sets in its spec.\n", minor);
	printf("# Under a pod's spec; a new pod starts from the kernel defaults otherwise.\n"
	       "# The kubelet takes a safe key only where the node's kernel keeps it per\n"
	       "# network namespace (`tcptune explain KEY` says since when).\n");
	printf("securityContext:\n");
	if (group_count(p, minor, TT_K8S_SAFE) == 0)
		printf("  sysctls: []\n");
	else
		printf("  sysctls:\n");
	yaml_sysctls(p, minor, TT_K8S_SAFE, "");
	unsafe_flag(p, minor, flag, sizeof(flag));
	if (flag[0] != '\0') {
		printf("#\n# Unsafe for Kubernetes 1.%u: a pod may set these only on nodes whose\n"
		       "# kubelet runs with\n#   --allowed-unsafe-sysctls=%s\n"
		       "# (elsewhere the pod is rejected); then they join the list above:\n",
		    minor, flag);
		yaml_sysctls(p, minor, TT_K8S_UNSAFE, "#");
	}
	if (group_count(p, minor, TT_K8S_NODE) == 0)
		return;
	printf("#\n# Not settable per pod (one value for the whole node, or not in this\n"
	       "# kernel): set them on the node itself, with tcptune apply or sysctl.d:\n");
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		if (p->sysctl[i].set && tt_key_k8s(k, minor) == TT_K8S_NODE)
			printf("#   %s = %s\n", k->name,
			    tt_val_format(&p->sysctl[i].val, v, sizeof(v)));
	}
}

static void
json_group(struct json *j, const char *key, const struct tt_profile *p, unsigned minor,
    enum tt_k8s_class g)
{
	char v[TT_VAL_STRLEN];

	json_arr_begin(j, key);
	for (int i = 0; i < TT_K__COUNT; i++) {
		const struct tt_key *k = tt_key_get((enum tt_key_id)i);

		if (!p->sysctl[i].set || tt_key_k8s(k, minor) != g)
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "name", k->name);
		json_str(j, "value", tt_val_format(&p->sysctl[i].val, v, sizeof(v)));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
export_json(const struct tt_profile *p, unsigned minor)
{
	char flag[1024], ver[16];
	struct json j;

	snprintf(ver, sizeof(ver), "1.%u", minor);
	unsafe_flag(p, minor, flag, sizeof(flag));
	json_document_begin(&j, stdout);
	cmd_json_profile(&j, "profile", p);
	json_str(&j, "kubernetes_version", ver);
	json_group(&j, "safe", p, minor, TT_K8S_SAFE);
	json_group(&j, "unsafe", p, minor, TT_K8S_UNSAFE);
	json_str(&j, "allowed_unsafe_sysctls", flag[0] ? flag : NULL);
	json_group(&j, "node_only", p, minor, TT_K8S_NODE);
	json_obj_end(&j);
	json_finish(&j);
}

static int
export_parse(struct cmd_env *env, int argc, char *argv[], enum export_format *fmt, unsigned *minor)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "kubernetes-version", required_argument, NULL, OPT_K8S_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r = 0;

	while ((opt = cmd_getopt(env, &cmd_export, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT && strcmp(optarg, "k8s") == 0)
			*fmt = EXPORT_K8S;
		else if (opt == OPT_FORMAT && strcmp(optarg, "json") == 0)
			*fmt = EXPORT_JSON;
		else if (opt == OPT_FORMAT)
			return cmd_usage_error(
			    env, &cmd_export, "--format: '%s' is not k8s or json", optarg);
		else if (opt == OPT_K8S_VERSION && (*minor = parse_k8s_version(optarg)) == 0)
			return cmd_usage_error(env, &cmd_export,
			    "--kubernetes-version: '%s' is not a release such as 1.29", optarg);
		else if (opt == OPT_K8S_VERSION && *minor < TT_K8S_POD_SYSCTLS_SINCE)
			return cmd_usage_error(env, &cmd_export,
			    "--kubernetes-version: %s has no securityContext.sysctls (pods set "
			    "sysctls there since 1.%u)",
			    optarg, TT_K8S_POD_SYSCTLS_SINCE);
	}
	if (optind == argc)
		return cmd_usage_error(env, &cmd_export, "no profile given");
	if (optind + 1 != argc)
		return cmd_usage_error(
		    env, &cmd_export, "unexpected argument '%s'", argv[optind + 1]);
	return CMD_CONTINUE;
}

static int
run_export(struct cmd_env *env, int argc, char *argv[])
{
	enum export_format fmt = EXPORT_K8S;
	unsigned minor = TT_K8S_NEWEST;
	struct tt_profile *p;
	int r;

	r = export_parse(env, argc, argv, &fmt, &minor);
	if (r != CMD_CONTINUE)
		return r;
	r = cmd_load_profile(env, argv[optind], 0, &p);
	if (r != 0)
		return r;
	if (fmt == EXPORT_JSON)
		export_json(p, minor);
	else
		export_yaml(p, minor);
	tt_profile_free(p);
	return EXIT_CLEAN;
}

const struct cmd cmd_export = {
	.name = "export",
	.run = run_export,
	.usage = "[--format k8s|json] [--kubernetes-version 1.N] PROFILE",
	.help = "write a profile's keys as a Kubernetes pod spec sets them",
};
