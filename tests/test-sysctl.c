/* The reader (and the low-level writer) on fixture proc roots. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/snapshot.h"
#include "lib/sysctl.h"

static void
reads_a_current_kernel(void **state)
{
	struct tt_ctx *ctx = fixture_ctx("proc-6.18", NULL);
	struct tt_reading r;
	char rel[64];

	(void)state;
	assert_int_equal(tt_sysctl_read(ctx, tt_key_get(TT_K_FIN_TIMEOUT), &r), 0);
	assert_int_equal(r.state, TT_ST_OK);
	assert_int_equal(r.val.v[0], 60);
	assert_int_equal(tt_sysctl_read(ctx, tt_key_get(TT_K_LOCAL_PORT_RANGE), &r), 0);
	assert_int_equal(r.val.n, 2);
	assert_int_equal(r.val.v[0], 32768);
	assert_int_equal(r.val.v[1], 60999);
	/* removed in 4.12: absent, which is not an error of the tree */
	assert_int_equal(tt_sysctl_read(ctx, tt_key_get(TT_K_TW_RECYCLE), &r), -ENOENT);
	assert_int_equal(r.state, TT_ST_ABSENT);
	assert_int_equal(r.val.n, 0);
	assert_int_equal(tt_read_osrelease(ctx, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "6.18.44-generic");
	tt_ctx_free(ctx);
}

static void
snapshots_of_each_era(void **state)
{
	struct tt_snapshot s;
	struct tt_ctx *ctx;

	(void)state;
	ctx = fixture_ctx("proc-4.9", NULL);
	assert_int_equal(tt_snapshot_read(ctx, &s), 0);
	assert_int_equal(s.kv, TT_KV(4, 9));
	assert_int_equal(s.sysctl[TT_K_TW_RECYCLE].state, TT_ST_OK);
	assert_int_equal(s.sysctl[TT_K_TW_REUSE].val.v[0], 0);
	assert_int_equal(s.sysctl[TT_K_TW_REUSE_DELAY].state, TT_ST_ABSENT);
	assert_int_equal(s.sysctl[TT_K_SOMAXCONN].val.v[0], 128);
	assert_int_equal(s.netns, 1);
	tt_ctx_free(ctx);

	ctx = fixture_ctx("proc-vendor", NULL);
	assert_int_equal(tt_snapshot_read(ctx, &s), 0);
	assert_int_equal(s.sysctl[TT_K_TW_TIMEOUT].state, TT_ST_OK);
	assert_int_equal(s.sysctl[TT_K_TW_TIMEOUT].val.v[0], 60);
	assert_int_equal(s.sysctl[TT_K_TW_RECYCLE].state, TT_ST_ABSENT);
	tt_ctx_free(ctx);

	/* a child namespace has no tcp_max_orphans */
	ctx = fixture_ctx("proc-6.18-netns", NULL);
	assert_int_equal(tt_snapshot_read(ctx, &s), 0);
	assert_int_equal(s.sysctl[TT_K_MAX_ORPHANS].state, TT_ST_ABSENT);
	assert_int_equal(s.netns, 0);
	tt_ctx_free(ctx);
}

static void
broken_tree_keeps_states_apart(void **state)
{
	struct logbuf lb;
	struct tt_ctx *ctx = fixture_ctx("proc-broken", &lb);
	struct tt_snapshot s;

	(void)state;
	assert_int_equal(tt_snapshot_read(ctx, &s), 0);
	assert_int_equal(s.sysctl[TT_K_KEEPALIVE_TIME].state, TT_ST_OK);
	/* "sixty" is not a value: failed, and said so */
	assert_int_equal(s.sysctl[TT_K_FIN_TIMEOUT].state, TT_ST_FAILED);
	assert_non_null(strstr(lb.text, "net.ipv4.tcp_fin_timeout"));
	/* a directory where a file should be */
	assert_int_equal(s.sysctl[TT_K_TIMESTAMPS].state, TT_ST_FAILED);
	assert_int_equal(s.sysctl[TT_K_TIMESTAMPS].err, EISDIR);
	/* one number where the kernel prints two */
	assert_int_equal(s.sysctl[TT_K_LOCAL_PORT_RANGE].state, TT_ST_FAILED);
	assert_int_equal(s.sysctl[TT_K_KEEPALIVE_INTVL].state, TT_ST_ABSENT);
	assert_null(tt_snapshot_value(&s, TT_K_FIN_TIMEOUT));
	/* no tcp_max_orphans next to per-namespace keys: a child namespace */
	assert_int_equal(s.netns, 0);
	tt_ctx_free(ctx);
}

static void
empty_root_is_an_error(void **state)
{
	struct tt_ctx *ctx = fixture_ctx("does-not-exist", NULL);
	struct tt_snapshot s;

	(void)state;
	assert_int_equal(tt_snapshot_read(ctx, &s), -ENOENT);
	tt_ctx_free(ctx);
}

/* Makes a private copy of a key file under a temporary root. */
static char *
temp_root(const char *key_rel, const char *contents)
{
	char *root = strdup("/tmp/tcptune-test-XXXXXX");
	char path[4096];
	FILE *f;

	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/sys", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sys/net", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s", root, key_rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(contents, f);
	fclose(f);
	return root;
}

static void
remove_root(char *root, const char *key_rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, key_rel);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys/net", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys", root);
	rmdir(path);
	rmdir(root);
	free(root);
}

static void
unreadable_is_not_permitted(void **state)
{
	const char *rel = "sys/net/ipv4/tcp_fin_timeout";
	char *root = temp_root(rel, "60\n");
	char path[4096];
	pid_t pid;
	int status;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(root, 0755), 0);
	if (geteuid() != 0) {
		/* not root: the file is ours, so take the read bit away */
		assert_int_equal(chmod(path, 0200), 0);
	}
	/* Root reads any file: check from a child that dropped to nobody. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tt_ctx *ctx = tt_ctx_new(NULL);
		struct tt_reading r;

		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(10);
		tt_ctx_set_proc_root(ctx, root);
		if (tt_sysctl_read(ctx, tt_key_get(TT_K_FIN_TIMEOUT), &r) != -EACCES)
			_exit(11);
		_exit(r.state == TT_ST_NOPERM && r.val.n == 0 ? 0 : 12);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	remove_root(root, rel);
}

static void
writes_once_at_offset_zero(void **state)
{
	const char *rel = "sys/net/ipv4/tcp_keepalive_time";
	char *root = temp_root(rel, "7200\n");
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_val v = { .n = 1, .v = { 600 } };
	struct tt_val pair = { .n = 2, .v = { 1, 2 } };
	struct tt_reading r;
	char path[4096];

	(void)state;
	tt_ctx_set_proc_root(ctx, root);
	assert_int_equal(tt_sysctl_write(ctx, tt_key_get(TT_K_KEEPALIVE_TIME), &v), 0);
	assert_int_equal(tt_sysctl_read(ctx, tt_key_get(TT_K_KEEPALIVE_TIME), &r), 0);
	/* "600" replaced "7200" whole: no "6000" left over */
	assert_int_equal(r.val.v[0], 600);
	/* a value of the wrong shape is never written */
	assert_int_equal(tt_sysctl_write(ctx, tt_key_get(TT_K_KEEPALIVE_TIME), &pair), -EINVAL);
	/* a key with no file is not created */
	assert_int_equal(tt_sysctl_write(ctx, tt_key_get(TT_K_FIN_TIMEOUT), &v), -ENOENT);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/tcp_fin_timeout", root);
	assert_int_equal(access(path, F_OK), -1);
	tt_ctx_free(ctx);
	remove_root(root, rel);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_current_kernel),
		cmocka_unit_test(snapshots_of_each_era),
		cmocka_unit_test(broken_tree_keeps_states_apart),
		cmocka_unit_test(empty_root_is_an_error),
		cmocka_unit_test(unreadable_is_not_permitted),
		cmocka_unit_test(writes_once_at_offset_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
