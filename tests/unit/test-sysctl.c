/* The reader (and the low-level writer) on fixture proc roots. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/census.h"
#include "lib/file.h"
#include "lib/nat.h"
#include "lib/snapshot.h"
#include "lib/sysctl.h"
#include "lib/sysctld.h"

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
	char path[4096], got = '?';
	int status, fds[2];
	pid_t pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(root, 0755), 0);
	if (geteuid() != 0) {
		/* not root: the file is ours, so take the read bit away */
		assert_int_equal(chmod(path, 0200), 0);
	}
	/* Root reads any file: check from a child that dropped to nobody.
	 * The child's verdict comes through a pipe, not its exit status,
	 * which a memory checker may set for reasons of its own (one that
	 * cannot read every map after setuid reports leaks it cannot rule
	 * out). */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tt_ctx *ctx = tt_ctx_new(NULL);
		struct tt_reading r;
		char verdict = '0';

		close(fds[0]);
		tt_ctx_set_proc_root(ctx, root);
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			verdict = 'u';
		else if (tt_sysctl_read(ctx, tt_key_get(TT_K_FIN_TIMEOUT), &r) != -EACCES)
			verdict = 'e';
		else if (r.state != TT_ST_NOPERM || r.val.n != 0)
			verdict = 's';
		if (write(fds[1], &verdict, 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &got, 1), 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(got, '0');
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

/* A sysctl root with one sysctl.d file: one assignment, one bad line. */
static char *
sysctld_root(char *conf, size_t len)
{
	char *root = strdup("/tmp/tcptune-test-XXXXXX");
	char path[4096];
	FILE *f;

	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/sysctl.d", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(conf, len, "%s/etc/sysctl.d/50-test.conf", root);
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs("net.ipv4.tcp_fin_timeout = 30\nno separator here\n", f);
	fclose(f);
	return root;
}

static void
gathers_a_fixture_in_one_call(void **state)
{
	struct tt_ctx *ctx = fixture_ctx("proc-nat-docker", NULL);
	struct tt_diags diags = { 0 };
	struct tt_snapshot s;
	char conf[4096], path[4096];
	char *root = sysctld_root(conf, sizeof(conf));

	(void)state;
	assert_int_equal(tt_ctx_set_sysctl_root(ctx, root), 0);
	assert_int_equal(
	    tt_snapshot_gather(
		ctx, NULL, TT_GATHER_NAT | TT_GATHER_CENSUS | TT_GATHER_SYSCTLD, NULL, &s, &diags),
	    0);
	assert_int_equal(s.sysctl[TT_K_KEEPALIVE_TIME].state, TT_ST_OK);
	/* NAT from the fixture, netlink sources skipped: not the live /proc */
	assert_non_null(s.nat);
	assert_int_equal(s.nat->source[TT_NATSRC_CONNTRACK], TT_NATSS_SKIPPED);
	assert_int_equal(s.nat->source[TT_NATSRC_PROC], TT_NATSS_OK);
	/* no census of a copied tree, and no error either */
	assert_null(s.census);
	assert_int_equal(s.census_err, 0);
	/* sysctl.d read, its bad line handed back, not printed */
	assert_non_null(s.sysctld);
	assert_true(s.sysctld->boot[TT_K_FIN_TIMEOUT].set);
	assert_int_equal(diags.n, 1);
	assert_int_equal(diags.v[0].prio, TT_LOG_WARNING);
	tt_snapshot_free(&s);
	assert_null(s.nat);
	assert_null(s.sysctld);
	tt_diags_free(&diags);

	/* nothing asked beyond the keys: nothing hung on the snapshot */
	assert_int_equal(tt_snapshot_gather(ctx, NULL, 0, NULL, &s, NULL), 0);
	assert_null(s.nat);
	assert_null(s.sysctld);
	tt_ctx_free(ctx);

	/* a tree without keys fails before anything else is read */
	ctx = fixture_ctx("does-not-exist", NULL);
	assert_int_equal(tt_snapshot_gather(ctx, NULL, TT_GATHER_NAT, NULL, &s, NULL), -ENOENT);
	assert_null(s.nat);
	tt_ctx_free(ctx);

	unlink(conf);
	snprintf(path, sizeof(path), "%s/etc/sysctl.d", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
	free(root);
}

static void
live_is_decided_in_one_place(void **state)
{
	struct tt_ctx *ctx = fixture_ctx("proc-6.18", NULL);
	struct tt_netns live = { .proc_root = "/proc/", .fd = -1 };
	struct tt_netns copy = { .proc_root = NULL, .fd = -1 };

	(void)state;
	assert_false(tt_netns_is_live(ctx, NULL));
	assert_false(tt_netns_is_live(ctx, &copy));
	/* the namespace's own proc root wins over the context's */
	assert_true(tt_netns_is_live(ctx, &live));
	assert_string_equal(tt_netns_proc_root(ctx, &live), "/proc/");
	assert_int_equal(tt_ctx_set_proc_root(ctx, "/proc"), 0);
	assert_true(tt_netns_is_live(ctx, NULL));
	tt_ctx_free(ctx);
}

static ino_t
netns_inode(void)
{
	struct stat st;

	assert_int_equal(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/*
 * The census of another namespace, entered through its file: it sees the
 * one listener made there, and the thread is back home afterwards.
 */
static void
gathers_another_namespace(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_netns ns = { .proc_root = NULL, .fd = -1 };
	struct tt_snapshot s;
	ino_t home_ino = netns_inode();
	int home, lsock;

	(void)state;
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	if (unshare(CLONE_NEWNET) < 0) {
		close(home);
		tt_ctx_free(ctx);
		skip(); /* not root: no namespace of our own */
		return;
	}
	ns.fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(ns.fd >= 0);
	lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lsock >= 0);
	assert_int_equal(bind(lsock, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lsock, 1), 0);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	assert_true(netns_inode() == home_ino);

	assert_int_equal(tt_snapshot_gather(ctx, &ns, TT_GATHER_CENSUS, NULL, &s, NULL), 0);
	assert_true(netns_inode() == home_ino);
	assert_non_null(s.census);
	assert_int_equal(tt_census_state(s.census, TT_CS_LISTEN), 1);
	assert_int_equal(s.census->total, 1);
	tt_snapshot_free(&s);

	/* a file that is no namespace is an error, and the thread stays home */
	close(ns.fd);
	ns.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(ns.fd >= 0);
	assert_int_equal(tt_snapshot_gather(ctx, &ns, TT_GATHER_CENSUS, NULL, &s, NULL), -EINVAL);
	assert_null(s.census);
	assert_true(netns_inode() == home_ino);
	close(ns.fd);
	close(lsock);
	close(home);
	tt_ctx_free(ctx);
}

/* The one reader: regular files whole and bounded, nothing else. */
static void
reads_regular_files_only(void **state)
{
	char path[] = "/tmp/tcptune-test-XXXXXX", *text, small[4];
	struct stat st;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc\n", 4), 4);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(tt_read_file(fd, 4, &st, &text), 4);
	assert_string_equal(text, "abc\n");
	free(text);
	/* one byte over the cap: refused, as is a buffer one byte short */
	assert_int_equal(tt_read_file(fd, 3, &st, &text), -EFBIG);
	assert_null(text);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(tt_read_all(fd, small, sizeof(small)), -EFBIG);
	close(fd);
	unlink(path);

	fd = open("/tmp", O_RDONLY | O_CLOEXEC);
	assert_int_equal(tt_read_file(fd, 4096, &st, &text), -EISDIR);
	close(fd);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_int_equal(tt_read_file(fd, 4096, &st, &text), -ENODEV);
	close(fd);
	/* a proc file says its size is 0 and has contents */
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	assert_int_equal(tt_read_file(fd, 1 << 20, &st, &text), -ENODEV);
	assert_true(S_ISREG(st.st_mode));
	assert_null(text);
	close(fd);
	/* and a one-byte buffer still sees that the file goes on */
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	assert_int_equal(tt_read_all(fd, small, 1), -EFBIG);
	close(fd);
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
		cmocka_unit_test(gathers_a_fixture_in_one_call),
		cmocka_unit_test(live_is_decided_in_one_place),
		cmocka_unit_test(gathers_another_namespace),
		cmocka_unit_test(reads_regular_files_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
