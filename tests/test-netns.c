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
#include <string.h>

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
	assert_int_equal(tt_netns_open(ctx, FIXTURES "/../test-netns.c", NULL, &ns), -EINVAL);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_systemd_pod),
		cmocka_unit_test(test_cgroupfs_pod),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_v1_lines),
		cmocka_unit_test(test_pod_log_entry),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_open_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
