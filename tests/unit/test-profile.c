/* The profile loader: tcptune profiles, sysctl.d files, tuned profiles. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/profile.h"
#include "lib/tuned-internal.h"

static char tmpl[] = "/tmp/tcptune-profile-XXXXXX";

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *
temp_file(const char *text, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s", tmpl);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static int
load_text(const char *text, unsigned flags, struct tt_profile **p, struct tt_diags *d)
{
	const char *path = temp_file(text, strlen(text));
	int r = tt_profile_load(NULL, path, flags, p, d);

	unlink(path);
	return r;
}

static const struct tt_diag *
find_diag(const struct tt_diags *d, int prio, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].prio == prio && strstr(d->v[i].msg, needle) != NULL)
			return &d->v[i];
	return NULL;
}

static void
loads_the_issue_example(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;

	(void)state;
	assert_int_equal(
	    load_text(
		"[profile]\n"
		"description = Busy HTTP front end closing many short connections\n"
		"nat = auto            ; auto | yes | no: do clients reach this host through NAT?\n"
		"\n[sysctl]\n"
		"net.ipv4.tcp_fin_timeout = 30\n"
		"net.ipv4.tcp_tw_reuse = 1\n"
		"net.ipv4.ip_local_port_range = 10240 65000\n"
		"\n[thresholds] ; audit\n"
		"close_wait_warn = 100 ; example\n",
		0, &p, &d),
	    0);
	assert_int_equal(d.nerr, 0);
	assert_string_equal(p->description, "Busy HTTP front end closing many short connections");
	assert_int_equal(p->nat, TT_NAT_AUTO);
	assert_true(p->nat_given);
	assert_true(p->sysctl[TT_K_FIN_TIMEOUT].set);
	assert_int_equal(p->sysctl[TT_K_FIN_TIMEOUT].val.v[0], 30);
	assert_int_equal(p->sysctl[TT_K_FIN_TIMEOUT].line, 6);
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].val.v[1], 65000);
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].line, 8);
	assert_false(p->sysctl[TT_K_KEEPALIVE_TIME].set);
	assert_int_equal(p->thr.close_wait_warn, 100);
	assert_int_equal(p->thr.nat_idle_timeout, 240); /* default */
	tt_profile_free(p);
	tt_diags_free(&d);
}

static void
sysctl_d_style_slashes_crlf_bom(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;

	(void)state;
	assert_int_equal(load_text("\xef\xbb\xbf# /etc/sysctl.d/90-tcp.conf\r\n"
				   "net/ipv4/tcp_keepalive_time = 600\r\n"
				   "   net.ipv4.tcp_keepalive_intvl = 30\r\n"
				   "net.ipv4.tcp_keepalive_probes=5\r\n",
			     0, &p, &d),
	    0);
	assert_int_equal(d.nerr, 0);
	assert_int_equal(p->sysctl[TT_K_KEEPALIVE_TIME].val.v[0], 600);
	assert_int_equal(p->sysctl[TT_K_KEEPALIVE_TIME].line, 2);
	/* an indented line is a setting of its own, not a continuation */
	assert_int_equal(p->sysctl[TT_K_KEEPALIVE_INTVL].val.v[0], 30);
	assert_int_equal(p->sysctl[TT_K_KEEPALIVE_PROBES].val.v[0], 5);
	assert_int_equal(p->nat, TT_NAT_AUTO);
	assert_false(p->nat_given);
	tt_profile_free(p);
	tt_diags_free(&d);
}

static void
shipped_profiles_load(void **state)
{
	static const char *names[] = {
		"kernel-defaults.ini",
		"web-server.ini",
		"proxy-client.ini",
		"behind-nat.ini",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct tt_diags d = { 0 };
		struct tt_profile *p;
		char path[4096];
		char why[160];

		snprintf(path, sizeof(path), "%s/%s", PROFILES, names[i]);
		if (tt_profile_load(NULL, path, 0, &p, &d) != 0)
			fail_msg("%s: %s", names[i], d.n ? d.v[0].msg : "?");
		assert_int_equal(d.n, 0);
		assert_non_null(p->description);
		assert_true(p->nat_given);
		/* every shipped value is one tcptune itself would apply */
		for (int k = 0; k < TT_K__COUNT; k++) {
			const struct tt_key *key = tt_key_get((enum tt_key_id)k);

			if (!p->sysctl[k].set)
				continue;
			if (tt_key_check_safe(key, &p->sysctl[k].val, why, sizeof(why)) != 0)
				fail_msg("%s: %s: %s", names[i], key->name, why);
			/* and none that a current kernel lacks */
			assert_true(tt_key_expected(key, TT_KV(6, 18)));
		}
		tt_profile_free(p);
		tt_diags_free(&d);
	}
}

static void
tuned_profiles_read_as_they_are(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;
	struct tt_ctx *ctx;
	char path[4096], tdir[64], inc[256];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/realworld/tuned-oracle.conf", FIXTURES);
	/* include=throughput-performance, which a tuned directory must have */
	snprintf(tdir, sizeof(tdir), "/tmp/tcptune-tuned.XXXXXX");
	assert_non_null(mkdtemp(tdir));
	ctx = tt_ctx_new(tdir);
	assert_non_null(ctx);
	assert_int_equal(tt_ctx_set_tuned_dir(ctx, tdir), 0);
	assert_int_equal(tt_profile_load(ctx, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), -EINVAL);
	assert_non_null(find_diag(&d, TT_LOG_ERR, "no tuned profile \"throughput-performance\""));
	tt_diags_free(&d);
	snprintf(inc, sizeof(inc), "%s/throughput-performance", tdir);
	assert_int_equal(mkdir(inc, 0700), 0);
	snprintf(inc, sizeof(inc), "%s/throughput-performance/tuned.conf", tdir);
	f = fopen(inc, "w");
	assert_non_null(f);
	fputs("[main]\nsummary=base\n[sysctl]\nnet.ipv4.ip_local_port_range = 1024 65001\n"
	      "net.ipv4.tcp_fin_timeout = 30\n",
	    f);
	fclose(f);
	/* kernel.* and vm.* keys are not tcptune's: an error unless ignored */
	assert_int_equal(tt_profile_load(ctx, path, 0, &p, &d), -EINVAL);
	assert_null(p);
	assert_non_null(find_diag(&d, TT_LOG_ERR, "unknown key"));
	tt_diags_free(&d);
	assert_int_equal(tt_profile_load(ctx, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), 0);
	/* the including profile wins over the included one */
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].val.v[0], 9000);
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].val.v[1], 65499);
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].line, 19);
	assert_int_equal(p->sysctl[TT_K_FIN_TIMEOUT].val.v[0], 30);
	assert_string_equal(p->description, "Optimize for Oracle RDBMS");
	assert_non_null(find_diag(&d, TT_LOG_WARNING, "unknown key"));
	assert_null(find_diag(&d, TT_LOG_WARNING, "set again"));
	tt_profile_free(p);
	tt_diags_free(&d);
	unlink(inc);
	snprintf(inc, sizeof(inc), "%s/throughput-performance", tdir);
	rmdir(inc);
	rmdir(tdir);
	tt_ctx_free(ctx);

	/* virt_check decides the include, as tuned's does: here neither
	 * profile it names exists, and the error names the one it chose */
	snprintf(path, sizeof(path), "%s/realworld/tuned-openshift.conf", FIXTURES);
	ctx = tt_ctx_new("/nonexistent");
	assert_non_null(ctx);
	assert_int_equal(tt_ctx_set_tuned_dir(ctx, "/nonexistent"), 0);
	assert_int_equal(tt_profile_load(ctx, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), -EINVAL);
	assert_non_null(find_diag(&d, TT_LOG_ERR,
	    tt_tvirt() ? "no tuned profile \"virtual-guest\"" :
			 "no tuned profile \"network-throughput\""));
	tt_diags_free(&d);
	tt_ctx_free(ctx);
	/* an include that no tuned directory has: the profile is incomplete */
	snprintf(path, sizeof(path), "%s/realworld/tuned-spectrumscale-ece.conf", FIXTURES);
	ctx = tt_ctx_new("/nonexistent");
	assert_non_null(ctx);
	assert_int_equal(tt_ctx_set_tuned_dir(ctx, "/nonexistent"), 0);
	assert_int_equal(tt_profile_load(ctx, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), -EINVAL);
	assert_non_null(find_diag(&d, TT_LOG_ERR, "no tuned profile"));
	tt_diags_free(&d);
	tt_ctx_free(ctx);
}

static void
quoted_values_are_unquoted(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;

	(void)state;
	assert_int_equal(
	    load_text("[sysctl]\nnet.ipv4.ip_local_port_range=\"10240 65000\"\n", 0, &p, &d), 0);
	assert_int_equal(p->sysctl[TT_K_LOCAL_PORT_RANGE].val.v[0], 10240);
	tt_profile_free(p);
	tt_diags_free(&d);
}

static void
folk_sysctl_conf_blocks(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/realworld/wild-server-init-a.conf", FIXTURES);
	assert_int_equal(tt_profile_load(NULL, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), 0);
	assert_int_equal(p->sysctl[TT_K_TW_RECYCLE].val.v[0], 1);
	assert_int_equal(p->sysctl[TT_K_TW_RECYCLE].line, 10);
	assert_int_equal(p->sysctl[TT_K_FIN_TIMEOUT].val.v[0], 2);
	/* "=15" without a space, and the comment line with a shell variable */
	assert_int_equal(p->sysctl[TT_K_KEEPALIVE_INTVL].val.v[0], 15);
	assert_non_null(find_diag(&d, TT_LOG_WARNING, "unknown key"));
	tt_profile_free(p);
	tt_diags_free(&d);

	snprintf(path, sizeof(path), "%s/realworld/wild-server-init-b.conf", FIXTURES);
	assert_int_equal(tt_profile_load(NULL, path, TT_PROFILE_IGNORE_UNKNOWN, &p, &d), 0);
	assert_int_equal(p->sysctl[TT_K_TIMESTAMPS].val.v[0], 0);
	assert_int_equal(p->sysctl[TT_K_MAX_ORPHANS].val.v[0], 3276800);
	tt_profile_free(p);
	tt_diags_free(&d);
}

static void
errors_carry_file_line_and_key(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p = (void *)1;
	const struct tt_diag *dg;
	char buf[512];

	(void)state;
	assert_int_equal(load_text("[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n"
				   "net.ipv4.tcp_tw_reuse = 7\n"
				   "net.ipv4.tcp_keepalive_time = 012\n",
			     0, &p, &d),
	    -EINVAL);
	assert_null(p);
	assert_int_equal(d.nerr, 2);
	dg = find_diag(&d, TT_LOG_ERR, "outside what the kernel accepts 0..2");
	assert_non_null(dg);
	assert_int_equal(dg->line, 3);
	assert_string_equal(dg->key, "net.ipv4.tcp_tw_reuse");
	assert_non_null(dg->file);
	assert_int_equal(tt_diag_format(dg, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, ":3: net.ipv4.tcp_tw_reuse: bad value \"7\""));
	dg = find_diag(&d, TT_LOG_ERR, "octal");
	assert_non_null(dg);
	assert_int_equal(dg->line, 4);
	tt_diags_free(&d);
}

static void
missing_and_odd_files(void **state)
{
	struct tt_diags d = { 0 };
	struct tt_profile *p;

	(void)state;
	assert_int_equal(tt_profile_load(NULL, "/nonexistent/x.ini", 0, &p, &d), -ENOENT);
	assert_int_equal(tt_profile_load(NULL, "/tmp", 0, &p, &d), -EISDIR);
	assert_int_equal(tt_profile_load(NULL, "/dev/null", 0, &p, &d), -ENODEV);
	assert_int_equal(d.nerr, 3);
	tt_diags_free(&d);
	/* nothing at all, as an empty sysctl.conf: a profile that sets nothing */
	assert_int_equal(load_text("\n\n   \n", 0, &p, &d), 0);
	assert_non_null(find_diag(&d, TT_LOG_NOTICE, "empty profile"));
	assert_int_equal(d.nerr, 0);
	tt_profile_free(p);
	tt_diags_free(&d);
	/* a profile with sections but no settings is valid: it changes nothing */
	assert_int_equal(load_text("[profile]\ndescription = nothing yet\n[sysctl]\n"
				   "# net.ipv4.tcp_fin_timeout = 30\n",
			     0, &p, &d),
	    0);
	for (int k = 0; k < TT_K__COUNT; k++)
		assert_false(p->sysctl[k].set);
	tt_profile_free(p);
	tt_diags_free(&d);
}

/* The in-memory entry point reads exactly len bytes: no NUL needed after. */
static void
parses_a_buffer_without_terminator(void **state)
{
	static const char text[] =
	    "net.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_tw_reuse = 1\nGARBAGE";
	struct tt_diags d = { 0 };
	struct tt_profile *p;

	(void)state;
	/* Only the first two lines are handed over; the garbage is past len. */
	assert_int_equal(tt_profile_parse(NULL, "mem", text, sizeof(text) - 1 - 7, 0, &p, &d), 0);
	assert_non_null(p);
	assert_int_equal(p->sysctl[TT_K_FIN_TIMEOUT].val.v[0], 30);
	assert_int_equal(p->sysctl[TT_K_TW_REUSE].line, 2);
	assert_string_equal(p->path, "mem");
	tt_profile_free(p);
	tt_diags_free(&d);

	/* With the garbage it is an error, named on line 3 of "mem". */
	assert_int_equal(tt_profile_parse(NULL, "mem", text, sizeof(text) - 1, 0, &p, &d), -EINVAL);
	assert_null(p);
	assert_non_null(find_diag(&d, TT_LOG_ERR, "malformed line"));
	assert_int_equal(d.v[0].line, 3);
	assert_string_equal(d.v[0].file, "mem");
	tt_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_the_issue_example),
		cmocka_unit_test(sysctl_d_style_slashes_crlf_bom),
		cmocka_unit_test(shipped_profiles_load),
		cmocka_unit_test(tuned_profiles_read_as_they_are),
		cmocka_unit_test(quoted_values_are_unquoted),
		cmocka_unit_test(folk_sysctl_conf_blocks),
		cmocka_unit_test(errors_carry_file_line_and_key),
		cmocka_unit_test(missing_and_odd_files),
		cmocka_unit_test(parses_a_buffer_without_terminator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
