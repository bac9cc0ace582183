/*
 * Naming network namespaces without a kernel: cgroup paths of each
 * runtime and cgroup driver, the kubelet's pod log entries, and the
 * --netns argument's refusals.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/ctx.h"
#include "lib/netns.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID  "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define UIDU "6f1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d"

static void
test_systemd_pod(void **state)
{
	struct tt_cgroup_id id;
	const char *text = "0::/kubepods.slice/kubepods-burstable.slice/"
			   "kubepods-burstable-pod" UIDU ".slice/cri-containerd-" ID64 ".scope\n";

	(void)state;
	assert_int_equal(tt_cgroup_parse(text, &id), TT_NSK_POD);
	assert_string_equal(id.pod_uid, UID);
	assert_string_equal(id.container, ID64);
	assert_string_equal(id.runtime, "containerd");
}

static void
test_cgroupfs_pod(void **state)
{
	struct tt_cgroup_id id;

	(void)state;
	assert_int_equal(
	    tt_cgroup_parse_path("/kubepods/besteffort/pod" UID "/" ID64, &id), TT_NSK_POD);
	assert_string_equal(id.pod_uid, UID);
	assert_string_equal(id.container, ID64);
	assert_string_equal(id.runtime, "");
	/* a guaranteed pod has no QoS level in its path */
	assert_int_equal(
	    tt_cgroup_parse_path("/kubepods/pod" UID "/crio-" ID64 ".scope", &id), TT_NSK_POD);
	assert_string_equal(id.runtime, "cri-o");
	assert_int_equal(
	    tt_cgroup_parse_path("/kubepods.slice/kubepods-pod" UIDU ".slice", &id), TT_NSK_POD);
	assert_string_equal(id.pod_uid, UID);
	assert_string_equal(id.container, "");
}

static void
test_containers(void **state)
{
	struct tt_cgroup_id id;

	(void)state;
	assert_int_equal(
	    tt_cgroup_parse_path("/system.slice/docker-" ID64 ".scope", &id), TT_NSK_CONTAINER);
	assert_string_equal(id.runtime, "docker");
	assert_string_equal(id.container, ID64);
	assert_int_equal(tt_cgroup_parse_path("/docker/" ID64, &id), TT_NSK_CONTAINER);
	assert_string_equal(id.runtime, "docker");
	assert_int_equal(
	    tt_cgroup_parse_path("/machine.slice/libpod-" ID64 ".scope/container", &id),
	    TT_NSK_CONTAINER);
	assert_string_equal(id.runtime, "podman");
	/* a monitor process is not the container */
	assert_int_equal(tt_cgroup_parse_path("/machine.slice/libpod-conmon-" ID64 ".scope", &id),
	    TT_NSK_PROCESS);
	assert_int_equal(
	    tt_cgroup_parse_path("/system.slice/crio-conmon-" ID64 ".scope", &id), TT_NSK_PROCESS);
}

static void
test_not_containers(void **state)
{
	struct tt_cgroup_id id;

	(void)state;
	assert_int_equal(
	    tt_cgroup_parse("0::/user.slice/user-0.slice/session-3.scope\n", &id), TT_NSK_PROCESS);
	assert_string_equal(id.container, "");
	assert_string_equal(id.pod_uid, "");
	/* a hex-looking name outside docker or kubepods is nobody's container */
	assert_int_equal(tt_cgroup_parse_path("/system.slice/" ID64, &id), TT_NSK_PROCESS);
	/* too short to be an id */
	assert_int_equal(
	    tt_cgroup_parse_path("/system.slice/docker-abc.scope", &id), TT_NSK_PROCESS);
	/* a slice that only looks like a pod: the uid is not hex */
	assert_int_equal(
	    tt_cgroup_parse_path("/a.slice/x-podnotauidatallnotauidatall00.slice", &id),
	    TT_NSK_PROCESS);
	assert_int_equal(tt_cgroup_parse("", &id), TT_NSK_PROCESS);
	assert_int_equal(tt_cgroup_parse("garbage without colons\n", &id), TT_NSK_PROCESS);
}

/* cgroup v1: the pod is in a controller's line, the unified line empty. */
static void
test_v1_lines(void **state)
{
	struct tt_cgroup_id id;
	const char *text = "12:pids:/kubepods/burstable/pod" UID "/" ID64 "\n"
			   "11:cpu,cpuacct:/kubepods/burstable/pod" UID "/" ID64 "\n"
			   "1:name=systemd:/system.slice/containerd.service\n"
			   "0::/\n";

	(void)state;
	assert_int_equal(tt_cgroup_parse(text, &id), TT_NSK_POD);
	assert_string_equal(id.pod_uid, UID);
	assert_string_equal(id.container, ID64);
}

static void
test_pod_log_entry(void **state)
{
	char ns[64], name[128];

	(void)state;
	assert_true(tt_pod_log_entry(
	    "kube-system_coredns-5d78c9869d-abcde_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_string_equal(ns, "kube-system");
	assert_string_equal(name, "coredns-5d78c9869d-abcde");
	assert_false(
	    tt_pod_log_entry("default_web_" UID "0", UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(tt_pod_log_entry("_web_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(tt_pod_log_entry("default__" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(tt_pod_log_entry("default_web_" UID, "", ns, sizeof(ns), name, sizeof(name)));
}

/* The workload a cgroup path names (the tracer's rows), with and without
 * the kubelet's log directory knowing the pod. */
static void
test_cgroup_workload(void **state)
{
	char dir[] = "/tmp/tcptune-test-pods.XXXXXX", sub[256], buf[192];
	struct tt_cgroup_id id;
	const char *pod = "/kubepods.slice/kubepods-besteffort.slice/"
			  "kubepods-besteffort-pod" UIDU ".slice/cri-containerd-" ID64 ".scope";

	(void)state;
	tt_cgroup_workload(pod, "", &id, buf, sizeof(buf));
	assert_string_equal(buf, "pod/" UID);
	assert_string_equal(id.container, ID64);
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/shop_cart-7d9f_" UID, dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	tt_cgroup_workload(pod, dir, &id, buf, sizeof(buf));
	assert_string_equal(buf, "shop/cart-7d9f");
	rmdir(sub);
	rmdir(dir);
	tt_cgroup_workload("/system.slice/docker-" ID64 ".scope", "", &id, buf, sizeof(buf));
	assert_string_equal(buf, "docker:0123456789ab");
	tt_cgroup_workload("/user.slice/user-0.slice/session-1.scope", "", &id, buf, sizeof(buf));
	assert_string_equal(buf, "");
	tt_cgroup_workload("/", "", &id, buf, 4); /* a short buffer stays terminated */
	assert_string_equal(buf, "");
	tt_cgroup_workload(pod, "", &id, buf, 8);
	assert_string_equal(buf, "pod/6f1");
}

static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(tt_netns_kind_name(TT_NSK_HOST), "host");
	assert_string_equal(tt_netns_kind_name(TT_NSK_NAMED), "named");
	assert_string_equal(tt_netns_kind_name(TT_NSK_POD), "pod");
	assert_string_equal(tt_netns_kind_name(TT_NSK_CONTAINER), "container");
	assert_string_equal(tt_netns_kind_name(TT_NSK_PROCESS), "process");
}

/* Arguments that name nothing, or something that is not a namespace. */
static void
test_open_refusals(void **state)
{
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_netns ns;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(tt_netns_open(ctx, "", FIXTURES, &ns), -ENOENT);
	assert_int_equal(ns.fd, -1);
	assert_int_equal(tt_netns_open(ctx, "..", FIXTURES, &ns), -ENOENT);
	assert_int_equal(tt_netns_open(ctx, "no-such-name-here", FIXTURES, &ns), -ENOENT);
	assert_int_equal(tt_netns_open(ctx, "99999999999", FIXTURES, &ns), -ENOENT);
	/* a regular file is not a namespace */
	assert_int_equal(tt_netns_open(ctx, FIXTURES "/../unit/test-netns.c", NULL, &ns), -EINVAL);
	assert_int_equal(ns.fd, -1);
	/* this process's own namespace is one, by pid and by path */
	assert_int_equal(tt_netns_open(ctx, "self/ns/net", NULL, &ns), -ENOENT);
	assert_int_equal(tt_netns_open(ctx, "/proc/self/ns/net", NULL, &ns), 0);
	assert_true(ns.fd >= 0);
	assert_true(ns.ino != 0);
	tt_netns_close(&ns);
	assert_int_equal(ns.fd, -1);
	tt_ctx_free(ctx);
}

/* A made-up proc tree: each pid's ns/net a file, the same file (a hard
 * link) for pids of one namespace, as the same inode is the same one. */
static void
put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	(void)mkdir(root, 0755);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
pid(const char *root, int p, const char *comm, const char *cgroup, int ns_of)
{
	char rel[64], a[512], b[512];

	snprintf(rel, sizeof(rel), "%d/comm", p);
	put(root, rel, comm);
	snprintf(rel, sizeof(rel), "%d/cgroup", p);
	put(root, rel, cgroup);
	if (ns_of == p) {
		snprintf(rel, sizeof(rel), "%d/ns/net", p);
		put(root, rel, "");
		return;
	}
	snprintf(a, sizeof(a), "%s/%d/ns/net", root, ns_of);
	snprintf(b, sizeof(b), "%s/%d/ns", root, p);
	(void)mkdir(b, 0755);
	snprintf(b, sizeof(b), "%s/%d/ns/net", root, p);
	assert_int_equal(link(a, b), 0);
}

static const struct tt_netns_entry *
by_pid(const struct tt_netns_list *l, int p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].npid > 0 && l->v[i].pid[0] == p)
			return &l->v[i];
	return NULL;
}

static void
test_list_fixture(void **state)
{
	char root[] = "/tmp/tt-netns-XXXXXX", proc[600], logs[600], run[600];
	struct tt_netns_list_opts o = { .run_dir = run, .pod_log_dir = logs };
	struct tt_netns_list l;
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	const struct tt_netns_entry *e;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(logs, sizeof(logs), "%s/pods", root);
	snprintf(run, sizeof(run), "%s/run", root);
	assert_int_equal(mkdir(proc, 0755), 0);
	assert_int_equal(mkdir(run, 0755), 0);
	put(logs, "shop_web-1_" UID "/web/0.log", "");
	pid(proc, 1, "systemd\n", "0::/init.scope\n", 1);
	pid(proc, 2, "kthreadd\n", "0::/\n", 1);
	pid(proc, 300, "pause\n",
	    "0::/kubepods.slice/kubepods-pod" UIDU ".slice/cri-containerd-" ID64 ".scope\n", 300);
	pid(proc, 310, "nginx\n", "0::/kubepods.slice/kubepods-pod" UIDU ".slice/x.scope\n", 300);
	pid(proc, 400, "redis\n", "0::/system.slice/docker-" ID64 ".scope\n", 400);
	pid(proc, 500, "sleep\n", "0::/user.slice/session-1.scope\n", 500);
	assert_non_null(ctx);
	assert_int_equal(tt_ctx_set_proc_root(ctx, proc), 0);
	assert_int_equal(tt_netns_list(ctx, &o, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].kind, TT_NSK_HOST); /* the host first */
	assert_string_equal(l.v[0].name, "host");
	assert_int_equal(l.v[0].nprocs, 2);
	e = by_pid(&l, 300);
	assert_non_null(e);
	assert_int_equal(e->kind, TT_NSK_POD);
	assert_string_equal(e->name, "shop/web-1");
	assert_string_equal(e->pod_namespace, "shop");
	assert_int_equal(e->npid, 2);
	assert_int_equal(e->pid[1], 310);
	e = by_pid(&l, 400);
	assert_non_null(e);
	assert_int_equal(e->kind, TT_NSK_CONTAINER);
	assert_string_equal(e->name, "docker:0123456789ab");
	e = by_pid(&l, 500);
	assert_non_null(e);
	assert_int_equal(e->kind, TT_NSK_PROCESS);
	assert_string_equal(e->name, "sleep[500]");
	assert_non_null(strstr(e->path, "/500/ns/net"));
	assert_ptr_equal(tt_netns_list_find(&l, e->dev, e->ino), e);
	tt_netns_list_free(&l);
	assert_null(l.v);
	tt_ctx_free(ctx);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_systemd_pod),
		cmocka_unit_test(test_cgroup_workload),
		cmocka_unit_test(test_cgroupfs_pod),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_v1_lines),
		cmocka_unit_test(test_pod_log_entry),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_open_refusals),
		cmocka_unit_test(test_list_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
