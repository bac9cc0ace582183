/*
 * sysctl.d precedence on trees made in a temporary directory, and the
 * conflict rule on hand-made snapshots.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/rules.h"
#include "lib/sysctld.h"

struct tree {
	char root[256];
};

/* Makes the directories above rel; returns the full path in path. */
static void
parents(struct tree *t, const char *rel, char *path, size_t len)
{
	char *slash;

	snprintf(path, len, "%s/%s", t->root, rel);
	for (slash = strchr(path + strlen(t->root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
}

static void
put(struct tree *t, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	parents(t, rel, path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
put_bytes(struct tree *t, const char *rel, const char *bytes, size_t len)
{
	char path[512];
	FILE *f;

	parents(t, rel, path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

static void
link_to(struct tree *t, const char *rel, const char *target)
{
	char path[512];

	parents(t, rel, path, sizeof(path));
	assert_int_equal(symlink(target, path), 0);
}

static void
tree_new(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "%s/tcptune-sysctld.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(t->root));
}

static void
tree_free(struct tree *t)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

static struct tt_sysctld *
read_present(struct tree *t, unsigned long long present, struct tt_diags *d)
{
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	struct tt_sysctld *sd = NULL;

	assert_non_null(ctx);
	assert_int_equal(tt_ctx_set_sysctl_root(ctx, t->root), 0);
	assert_int_equal(tt_sysctld_read(ctx, present, &sd, d), 0);
	assert_non_null(sd);
	tt_ctx_free(ctx);
	return sd;
}

static struct tt_sysctld *
read_tree(struct tree *t, struct tt_diags *d)
{
	return read_present(t, TT_SYSCTLD_EVERY_KEY, d);
}

/* The winner of key k at boot: its line and what the kernel holds. */
static void
expect_boot(const struct tt_sysctld *sd, enum tt_key_id k, int line, long long v)
{
	assert_true(sd->boot[k].set);
	assert_int_equal(sd->boot[k].line, line);
	assert_int_equal(sd->boot[k].kval.n, 1);
	assert_int_equal(sd->boot[k].kval.v[0], v);
}

/*
 * Lines end at LF, CR or NUL (CR LF and LF CR are one end); braces give
 * alternatives only in a glob; a glob reaches only keys that exist; a
 * write the kernel refuses leaves the earlier glob's value.
 */
static void
test_lines_globs_refusals(void **state)
{
	static const char ends[] = "net.ipv4.tcp_fin_timeout = 11\r"
				   "net.ipv4.tcp_keepalive_time = 012\0"
				   "net.ipv4.tcp_keepalive_intvl = 13 14\n\r"
				   "net.ipv4.tcp_keepalive_probes = 4\r\n\r"
				   "net.core.somaxconn=0x10\n";
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put_bytes(&t, "etc/sysctl.d/10-ends.conf", ends, sizeof(ends) - 1);
	put(&t, "etc/sysctl.d/20-globs.conf",
	    "net.ipv4.tcp_{fin_timeout,keepalive_time} = 30\n"
	    "net.ipv4.tcp_{tw_reuse,syncookies}* = 1\n"
	    "net.ipv4.tcp_tw_* = 7\n"
	    "-net.ipv4.tcp_orphan_retries = -1\n");
	sd = read_present(&t, TT_SYSCTLD_EVERY_KEY & ~(1ULL << TT_K_TW_RECYCLE), &d);
	expect_boot(sd, TT_K_FIN_TIMEOUT, 1, 11);
	expect_boot(sd, TT_K_KEEPALIVE_TIME, 2, 10);
	expect_boot(sd, TT_K_KEEPALIVE_INTVL, 3, 13);
	expect_boot(sd, TT_K_KEEPALIVE_PROBES, 4, 4);
	expect_boot(sd, TT_K_SOMAXCONN, 6, 16);
	/* tw_reuse refuses 7: line 2's 1 stays; tw_reuse_delay takes 7. */
	expect_boot(sd, TT_K_TW_REUSE, 2, 1);
	assert_true(sd->boot[TT_K_TW_REUSE].glob);
	expect_boot(sd, TT_K_TW_REUSE_DELAY, 3, 7);
	expect_boot(sd, TT_K_SYNCOOKIES, 2, 1);
	assert_false(sd->boot[TT_K_TW_RECYCLE].set);
	/* Refused by an unsigned key, and '-': kept, held nothing. */
	assert_true(sd->boot[TT_K_ORPHAN_RETRIES].refused);
	assert_true(sd->boot[TT_K_ORPHAN_RETRIES].optional);
	assert_int_equal(sd->boot[TT_K_ORPHAN_RETRIES].kval.n, 0);
	tt_sysctld_free(sd);
	tt_diags_free(&d);

	/* Nested braces; a pattern of 2^13 alternatives is named, not tried. */
	tree_free(&t);
	tree_new(&t);
	put(&t, "etc/sysctl.d/30-braces.conf",
	    "net.core.{somax{conn,x},y}* = 77\n"
	    "net.ipv4.tcp_{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}* = 1\n");
	sd = read_tree(&t, &d);
	expect_boot(sd, TT_K_SOMAXCONN, 1, 77);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "/etc/sysctl.d/30-braces.conf");
	assert_int_equal(d.v[0].line, 2);
	assert_non_null(strstr(d.v[0].msg, "brace alternatives"));
	tt_sysctld_free(sd);
	tt_diags_free(&d);
	tree_free(&t);
}

/* Same name: /etc hides /run hides /usr/lib; across names, the later wins. */
static void
test_precedence(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put(&t, "usr/lib/sysctl.d/50-default.conf",
	    "net.ipv4.tcp_fin_timeout = 45\nvm.swappiness = 10\n");
	put(&t, "usr/lib/sysctl.d/70-pkg.conf", "net.ipv4.tcp_keepalive_time = 100\n");
	put(&t, "run/sysctl.d/70-pkg.conf", "net.ipv4.tcp_keepalive_time = 200\n");
	put(&t, "etc/sysctl.d/70-pkg.conf", "# local\n\nnet.ipv4.tcp_keepalive_time = 300\n");
	put(&t, "usr/lib/sysctl.d/80-late.conf", "net/ipv4/tcp_fin_timeout=50\n");
	put(&t, "etc/sysctl.d/notes.txt", "net.ipv4.tcp_fin_timeout = 1\n");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->nfiles, 3);
	assert_true(sd->boot[TT_K_KEEPALIVE_TIME].set);
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].val.v[0], 300);
	assert_string_equal(sd->boot[TT_K_KEEPALIVE_TIME].file, "/etc/sysctl.d/70-pkg.conf");
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].line, 3);
	assert_int_equal(sd->boot[TT_K_FIN_TIMEOUT].val.v[0], 50);
	assert_string_equal(sd->boot[TT_K_FIN_TIMEOUT].file, "/usr/lib/sysctl.d/80-late.conf");
	assert_false(sd->boot[TT_K_TW_REUSE].set);
	assert_int_equal(d.n, 0);
	tt_sysctld_free(sd);
	tree_free(&t);
}

/* sysctl.conf: last for procps, unread by systemd-sysctl unless linked in. */
static void
test_sysctl_conf(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put(&t, "etc/sysctl.conf", "net.ipv4.tcp_tw_reuse = 0\nnet.ipv4.tcp_fin_timeout=30\n");
	put(&t, "etc/sysctl.d/90-x.conf", "net.ipv4.tcp_tw_reuse = 1\n");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->boot[TT_K_TW_REUSE].val.v[0], 1);
	assert_false(sd->boot[TT_K_FIN_TIMEOUT].set);
	assert_int_equal(sd->system[TT_K_TW_REUSE].val.v[0], 0);
	assert_string_equal(sd->system[TT_K_TW_REUSE].file, "/etc/sysctl.conf");
	assert_int_equal(sd->system[TT_K_FIN_TIMEOUT].val.v[0], 30);
	tt_sysctld_free(sd);

	/* Debian's link: an absolute target resolves inside the root. */
	link_to(&t, "etc/sysctl.d/99-sysctl.conf", "/etc/sysctl.conf");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->boot[TT_K_TW_REUSE].val.v[0], 0);
	assert_string_equal(sd->boot[TT_K_TW_REUSE].file, "/etc/sysctl.d/99-sysctl.conf");
	assert_int_equal(sd->boot[TT_K_FIN_TIMEOUT].val.v[0], 30);
	tt_sysctld_free(sd);
	tree_free(&t);
}

/* A link to /dev/null masks a name; explicit keys beat globs; bad values. */
static void
test_mask_glob_values(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put(&t, "usr/lib/sysctl.d/10-pkg.conf", "net.ipv4.tcp_fin_timeout = 5\n");
	link_to(&t, "etc/sysctl.d/10-pkg.conf", "/dev/null");
	put(&t, "usr/lib/sysctl.d/20-keep.conf",
	    "net.ipv4.tcp_keepalive_time = 600\n"
	    "net.ipv4.tcp_keepalive_probes = 012\n"
	    "this line has no equals sign\n"
	    "-net.ipv4.ip_local_port_range = 1024\t65000\n");
	put(&t, "usr/lib/sysctl.d/30-glob.conf", "net.ipv4.tcp_keepalive_* = 77\n");
	sd = read_tree(&t, &d);
	assert_false(sd->boot[TT_K_FIN_TIMEOUT].set);
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].val.v[0], 600);
	assert_false(sd->boot[TT_K_KEEPALIVE_TIME].glob);
	assert_true(sd->boot[TT_K_KEEPALIVE_INTVL].glob);
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_INTVL].val.v[0], 77);
	/* 012 is octal to the kernel: kept as text, never "equal". */
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_PROBES].val.n, 0);
	assert_string_equal(sd->boot[TT_K_KEEPALIVE_PROBES].text, "012");
	assert_false(tt_sysctld_same(
	    &sd->boot[TT_K_KEEPALIVE_PROBES], &(struct tt_val){ .n = 1, .v = { 12 } }));
	assert_int_equal(sd->boot[TT_K_LOCAL_PORT_RANGE].val.n, 2);
	assert_int_equal(sd->boot[TT_K_LOCAL_PORT_RANGE].val.v[1], 65000);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 3);
	tt_diags_free(&d);
	tt_sysctld_free(sd);
	tree_free(&t);
}

/* Links that climb with "..", chains of links, a link to a directory. */
static void
test_links_by_hand(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put(&t, "srv/conf/real.conf", "net.ipv4.tcp_fin_timeout = 33\n");
	put(&t, "srv/other/keep.conf", "net.ipv4.tcp_keepalive_time = 900\n");
	link_to(&t, "etc/sysctl.d/10-a.conf", "../../../../../srv/conf/real.conf");
	link_to(&t, "etc/sysctl.d/20-b.conf", "/etc/sysctl.d/30-c.conf");
	link_to(&t, "etc/sysctl.d/30-c.conf", "/usr/lib/sysctl.d/keep.conf");
	link_to(&t, "usr/lib/sysctl.d", "/srv/other");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->boot[TT_K_FIN_TIMEOUT].val.v[0], 33);
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].val.v[0], 900);
	/* Three names for one file, the same value each time: the first stays. */
	assert_string_equal(sd->boot[TT_K_KEEPALIVE_TIME].file, "/etc/sysctl.d/20-b.conf");
	assert_int_equal(d.n, 0);
	tt_sysctld_free(sd);
	tree_free(&t);
}

/*
 * systemd-sysctl's own rules, each seen on systemd 252: "-KEY" keeps a key
 * out of every glob and cancels an earlier assignment; a glob repeated with
 * the same value keeps its first place; '*' stops at a dot; leading and
 * doubled slashes go; "-KEY = VALUE" assigns.
 */
static void
test_systemd_rules(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	tree_new(&t);
	put(&t, "usr/lib/sysctl.d/50-a.conf",
	    "net.ipv4.tcp_*_time = 3\n"
	    "net.ipv4.tcp_keepalive_* = 4\n"
	    "net.*_timeout = 5\n"
	    "-net.ipv4.tcp_tw_reuse\n"
	    "net.ipv4.tcp_tw_* = 1\n"
	    "net.ipv4.tcp_syncookies = 2\n"
	    "/net/core/somaxconn = 77\n"
	    "\t-  net//ipv4/./tcp_orphan_retries/ \t= \t6 \n");
	put(&t, "etc/sysctl.d/60-b.conf",
	    "net.ipv4.tcp_*_time = 3\n"
	    "-net/ipv4/tcp_syncookies\n"
	    "net.ipv4.tcp_fin_* = 8\n"
	    "-net.ipv4.tcp_fin_*\n");
	sd = read_tree(&t, &d);
	/* The repeat of "tcp_*_time = 3" keeps its place before keepalive_*. */
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].val.v[0], 4);
	assert_string_equal(sd->boot[TT_K_KEEPALIVE_TIME].file, "/usr/lib/sysctl.d/50-a.conf");
	assert_int_equal(sd->boot[TT_K_KEEPALIVE_TIME].line, 2);
	/* "net.*_timeout" is net/<one name>_timeout; the later "-pattern"
	 * takes its own pattern back, nothing else. */
	assert_false(sd->boot[TT_K_FIN_TIMEOUT].set);
	assert_false(sd->boot[TT_K_TW_REUSE].set);
	assert_true(sd->boot[TT_K_TW_REUSE_DELAY].glob);
	assert_false(sd->boot[TT_K_SYNCOOKIES].set);
	assert_int_equal(sd->boot[TT_K_SOMAXCONN].val.v[0], 77);
	assert_int_equal(sd->boot[TT_K_ORPHAN_RETRIES].val.v[0], 6);
	assert_false(sd->boot[TT_K_ORPHAN_RETRIES].glob);
	assert_int_equal(d.n, 0);
	tt_sysctld_free(sd);
	tree_free(&t);

	/* A later assignment undoes an exclusion. */
	tree_new(&t);
	put(&t, "usr/lib/sysctl.d/50-a.conf",
	    "net.ipv4.tcp_fin_timeout = 5\n-net.ipv4.tcp_fin_timeout\n");
	put(&t, "etc/sysctl.d/60-b.conf", "net.ipv4.tcp_fin_timeout = 6\n");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->boot[TT_K_FIN_TIMEOUT].val.v[0], 6);
	tt_sysctld_free(sd);
	tree_free(&t);
}

/* A root that does not exist sets nothing and says so. */
static void
test_no_root(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd;
	struct tree t;

	(void)state;
	snprintf(t.root, sizeof(t.root), "/nonexistent/tcptune-root");
	sd = read_tree(&t, &d);
	assert_int_equal(sd->nfiles, 0);
	assert_false(sd->boot[TT_K_FIN_TIMEOUT].set);
	assert_int_equal(d.n, 1);
	tt_diags_free(&d);
	tt_sysctld_free(sd);
}

static size_t
count(const struct tt_findings *fs, const char *id, enum tt_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		n += strcmp(fs->v[i].id, id) == 0 && fs->v[i].sev == sev;
	return n;
}

static const struct tt_finding *
find(const struct tt_findings *fs, const char *id, enum tt_severity sev)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].id, id) == 0 && fs->v[i].sev == sev)
			return &fs->v[i];
	return NULL;
}

static void
setv(struct tt_sysctld_set *s, const char *file, int line, long long v)
{
	memset(s, 0, sizeof(*s));
	s->set = true;
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->line = line;
	snprintf(s->text, sizeof(s->text), "%lld", v);
	s->val = (struct tt_val){ .n = 1, .v = { v } };
	s->kval = s->val;
}

static void
test_rule(void **state)
{
	struct tt_snapshot snap = { .kv = TT_KV(6, 18), .netns = 1 };
	struct tt_sysctld sd = { 0 };
	struct tt_profile prof = { .path = (char *)"p.ini" };
	struct tt_thresholds thr;
	struct tt_rule_input in = { .snap = &snap, .prof = &prof, .thr = &thr };
	struct tt_findings fs = { 0 };
	const struct tt_finding *f;

	(void)state;
	tt_thresholds_default(&thr);
	snap.sysctld = &sd;
	prof.sysctl[TT_K_FIN_TIMEOUT] =
	    (struct tt_setting){ .set = true, .line = 4, .val = { .n = 1, .v = { 30 } } };
	prof.sysctl[TT_K_TW_REUSE] =
	    (struct tt_setting){ .set = true, .line = 5, .val = { .n = 1, .v = { 1 } } };

	/* Same value in a file: no conflict, one ok. */
	setv(&sd.boot[TT_K_FIN_TIMEOUT], "/etc/sysctl.d/a.conf", 1, 30);
	sd.system[TT_K_FIN_TIMEOUT] = sd.boot[TT_K_FIN_TIMEOUT];
	assert_int_equal(tt_rules_run(&in, &fs), 0);
	assert_int_equal(count(&fs, "sysctld_conflict", TT_SEV_OK), 1);
	assert_int_equal(count(&fs, "sysctld_conflict", TT_SEV_WARN), 0);
	tt_findings_free(&fs);

	/* Different at boot and for sysctl --system. */
	setv(&sd.boot[TT_K_FIN_TIMEOUT], "/etc/sysctl.d/a.conf", 7, 45);
	sd.system[TT_K_FIN_TIMEOUT] = sd.boot[TT_K_FIN_TIMEOUT];
	/* Different for sysctl --system only: sysctl.conf read last. */
	setv(&sd.system[TT_K_TW_REUSE], "/etc/sysctl.conf", 2, 0);
	assert_int_equal(tt_rules_run(&in, &fs), 0);
	assert_int_equal(count(&fs, "sysctld_conflict", TT_SEV_WARN), 2);
	assert_int_equal(count(&fs, "sysctld_conflict", TT_SEV_OK), 0);
	f = find(&fs, "sysctld_conflict", TT_SEV_WARN);
	assert_non_null(f);
	assert_int_equal(f->keys[0], TT_K_FIN_TIMEOUT);
	assert_non_null(strstr(f->message, "/etc/sysctl.d/a.conf:7 sets 45"));
	assert_non_null(strstr(f->evidence, "writes 45 back"));
	assert_non_null(strstr(fs.v[1].message, "/etc/sysctl.conf:2 sets 0"));
	assert_non_null(strstr(fs.v[1].evidence, "leaves it alone at boot"));
	tt_findings_free(&fs);

	/* The sysctl.d set run alone: its two warnings, and the boot
	 * configuration's audit, which finds 45 and 0 harmless. */
	prof.sysctl[TT_K_TW_RECYCLE] =
	    (struct tt_setting){ .set = true, .line = 6, .val = { .n = 1, .v = { 1 } } };
	assert_int_equal(tt_rules_run_set(&in, TT_RULES_SYSCTLD, &fs), 0);
	assert_int_equal(fs.n, 3);
	assert_int_equal(count(&fs, "sysctld_conflict", TT_SEV_WARN), 2);
	assert_int_equal(count(&fs, "boot_config", TT_SEV_OK), 1);
	tt_findings_free(&fs);
	assert_int_equal(tt_rules_run_set(&in, TT_RULES__COUNT, &fs), -EINVAL);
	assert_int_equal(fs.n, 0);
	prof.sysctl[TT_K_TW_RECYCLE].set = false;

	/* Without a profile the rule says nothing at all. */
	in.prof = NULL;
	assert_int_equal(tt_rules_run(&in, &fs), 0);
	assert_int_equal(
	    count(&fs, "sysctld_conflict", TT_SEV_OK) + count(&fs, "sysctld_conflict", TT_SEV_WARN),
	    0);
	/* but the boot configuration is audited all the same */
	assert_int_equal(count(&fs, "boot_config", TT_SEV_OK), 1);
	tt_findings_free(&fs);

	/* A leftover tw_recycle on a kernel without it: systemd-sysctl logs
	 * it and goes on; with '-' it says nothing.  Harmless either way. */
	setv(&sd.boot[TT_K_TW_RECYCLE], "/etc/sysctl.d/99-old.conf", 3, 1);
	snap.sysctl[TT_K_TW_RECYCLE].state = TT_ST_ABSENT;
	assert_int_equal(tt_rules_run(&in, &fs), 0);
	assert_null(find(&fs, "boot_config", TT_SEV_WARN));
	f = find(&fs, "boot_config", TT_SEV_INFO);
	assert_non_null(f);
	assert_non_null(strstr(f->message,
	    "/etc/sysctl.d/99-old.conf:3 sets "
	    "net.ipv4.tcp_tw_recycle = 1"));
	assert_non_null(
	    strstr(f->message, "Couldn't write '1' to 'net/ipv4/tcp_tw_recycle', ignoring"));
	assert_null(strstr(f->message, "fail"));
	tt_findings_free(&fs);
	sd.boot[TT_K_TW_RECYCLE].optional = true;
	assert_int_equal(tt_rules_run(&in, &fs), 0);
	f = find(&fs, "boot_config", TT_SEV_INFO);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "skip it without a word"));
	tt_findings_free(&fs);
}

/*
 * Refuses openat2() with ENOSYS from now on, as a container manager's
 * seccomp filter does, so the same tests run the fallback that follows
 * symlinks by hand.
 */
static int
refuse_openat2(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -1;
	return syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0) < 0 && errno == ENOSYS ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_sysctl_conf),
		cmocka_unit_test(test_mask_glob_values),
		cmocka_unit_test(test_no_root),
		cmocka_unit_test(test_links_by_hand),
		cmocka_unit_test(test_systemd_rules),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_lines_globs_refusals),
	};

	const struct CMUnitTest by_hand[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_sysctl_conf),
		cmocka_unit_test(test_mask_glob_values),
		cmocka_unit_test(test_links_by_hand),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (refuse_openat2() < 0) {
		fprintf(stderr, "cannot install a seccomp filter: the fallback is not tested\n");
		return failed ? failed : 1;
	}
	return failed + cmocka_run_group_tests_name("without openat2", by_hand, NULL, NULL);
}
