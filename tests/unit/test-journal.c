/*
 * Unit tests of the journal's text format: round trips and a strict
 * parser that refuses anything damaged.
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

#include "lib/journal.h"

static void
sample(struct tt_journal *j)
{
	struct tt_journal_key *e;

	memset(j, 0, sizeof(*j));
	j->state = TT_J_APPLIED;
	j->time = 1795471333;
	strcpy(j->profile, "/etc/tcptune/web server.ini");
	j->confirm_deadline = 1795471400;
	j->confirm_token = 1234567890123ULL;
	strcpy(j->origin.root, "/proc");
	j->origin.ns_dev = 4;
	j->origin.ns_ino = 4026531840ULL;
	strcpy(j->origin.boot, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	j->origin.btime = 1795400000;
	e = tt_journal_add(j, TT_K_FIN_TIMEOUT);
	e->original = (struct tt_val){ 1, { 60 } };
	e->target = (struct tt_val){ 1, { 30 } };
	e->prev = (struct tt_val){ 1, { 45 } };
	e = tt_journal_add(j, TT_K_LOCAL_PORT_RANGE);
	e->original = (struct tt_val){ 2, { 32768, 60999 } };
	e->target = (struct tt_val){ 2, { 10240, 65000 } };
	e = tt_journal_add(j, TT_K_KEEPALIVE_TIME);
	e->original = (struct tt_val){ 1, { -5 } };
	e->target = (struct tt_val){ 1, { 600 } };
}

static void
test_roundtrip(void **state)
{
	struct tt_journal j, back;
	char buf[TT_JOURNAL_MAX], again[TT_JOURNAL_MAX], why[128];
	int n;

	(void)state;
	sample(&j);
	n = tt_journal_format(&j, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(
	    strstr(buf, "key\tnet.ipv4.ip_local_port_range\t32768 60999\t10240 65000\t-\n"));
	assert_int_equal(tt_journal_parse(buf, (size_t)n, &back, why, sizeof(why)), 0);
	assert_int_equal(back.state, TT_J_APPLIED);
	assert_int_equal(back.time, j.time);
	assert_string_equal(back.profile, j.profile);
	assert_int_equal(back.confirm_deadline, j.confirm_deadline);
	assert_true(back.confirm_token == j.confirm_token);
	assert_int_equal(back.nkeys, 3);
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_SAME);
	back.origin.ns_ino++;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_OTHER_NETNS);
	back.origin.ns_ino--;
	/* Another boot id with the same boot time: a container's own id over
	 * the kernel's, the same boot.  Another boot time too: another boot.
	 * No boot time recorded (an older journal): the id decides. */
	assert_int_equal(back.origin.btime, 1795400000);
	back.origin.boot[0] = 'a';
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_SAME);
	back.origin.btime++;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_OTHER_BOOT);
	back.origin.btime = 0;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_OTHER_BOOT);
	back.origin.btime = j.origin.btime;
	back.origin.boot[0] = j.origin.boot[0];
	/* A namespace by its cookie: the same inode with another cookie is a
	 * namespace that is gone; without a cookie on one side, only the
	 * initial namespace's inode proves it. */
	back.origin.ns_ino = j.origin.ns_ino = 4026532999ULL;
	back.origin.ns_cookie = j.origin.ns_cookie = 77;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_SAME);
	back.origin.ns_cookie = 78;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_NETNS_GONE);
	back.origin.btime++; /* cookies of another boot say nothing */
	back.origin.boot[0] = 'a';
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_OTHER_BOOT);
	back.origin.btime--;
	back.origin.boot[0] = j.origin.boot[0];
	back.origin.ns_cookie = 0;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_NETNS_UNPROVEN);
	back.origin.ns_ino = j.origin.ns_ino = 4026531840ULL;
	assert_int_equal(tt_origin_compare(&back.origin, &j.origin), TT_ORIGIN_SAME);
	j.origin.ns_cookie = 0;
	{
		struct tt_journal c = j;
		char cb[TT_JOURNAL_MAX];
		int cn;

		c.origin.ns_ino = 4026532999ULL;
		c.origin.ns_cookie = 18446744073709551615ULL;
		cn = tt_journal_format(&c, cb, sizeof(cb));
		assert_true(cn > 0);
		assert_non_null(strstr(cb, "\nnetns 4 4026532999 18446744073709551615\n"));
		assert_int_equal(tt_journal_parse(cb, (size_t)cn, &c, why, sizeof(why)), 0);
		assert_true(c.origin.ns_cookie == 18446744073709551615ULL);
		strstr(cb, "18446744073709551615")[19] = 'x';
		assert_int_not_equal(tt_journal_parse(cb, (size_t)cn, &c, why, sizeof(why)), 0);
	}
	/* order kept: rollback walks it backwards */
	assert_int_equal(back.keys[0].id, TT_K_FIN_TIMEOUT);
	assert_int_equal(back.keys[1].id, TT_K_LOCAL_PORT_RANGE);
	assert_int_equal(back.keys[0].prev.v[0], 45);
	assert_int_equal(back.keys[1].prev.n, 0);
	assert_int_equal(back.keys[1].original.v[1], 60999);
	assert_int_equal(back.keys[2].original.v[0], -5);
	assert_int_equal(tt_journal_format(&back, again, sizeof(again)), n);
	assert_memory_equal(buf, again, (size_t)n);
}

static void
test_no_confirm_states(void **state)
{
	static const enum tt_journal_state st[] = { TT_J_APPLYING, TT_J_APPLIED,
		TT_J_ROLLING_BACK };
	struct tt_journal j, back;
	char buf[TT_JOURNAL_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		int n;

		sample(&j);
		j.state = st[i];
		j.confirm_deadline = 0;
		n = tt_journal_format(&j, buf, sizeof(buf));
		assert_null(strstr(buf, "confirm "));
		assert_int_equal(tt_journal_parse(buf, (size_t)n, &back, NULL, 0), 0);
		assert_int_equal(back.state, st[i]);
		assert_int_equal(back.confirm_deadline, 0);
	}
}

static void
test_format_limits(void **state)
{
	struct tt_journal j;
	char small[64];

	(void)state;
	sample(&j);
	assert_int_equal(tt_journal_format(&j, small, sizeof(small)), -ENOSPC);
	strcpy(j.profile, "/tmp/evil\nkey\tnet.core.somaxconn\t1\t1\t-");
	assert_int_equal(tt_journal_format(&j, small, sizeof(small)), -EINVAL);
}

/* Each text is a damaged or hostile journal the parser must refuse. */
static void
test_refuses(void **state)
{
	static const char head[] = "tcptune-journal 1\nstate applied\ntime 5\nprofile /p\n";
	static const char *const bad[] = {
		"",
		"tcptune-journal 2\nstate applied\ntime 5\nprofile /p\nend\n",
		"tcptune-journal 1\nstate applied\ntime 5\nend\n", /* no profile */
		"tcptune-journal 1\nstate sideways\ntime 5\nprofile /p\nend\n",
		"tcptune-journal 1\nstate applied\ntime -5\nprofile /p\nend\n",
		"tcptune-journal 1\nstate applied\ntime 5\ntime 6\nprofile /p\nend\n",
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\t-\n",              /* no end */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\t-\nend",           /* no newline */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\t-\nend\nkey\tx\n", /* after end */
		"@key\tnet.ipv4.tcp_bogus\t60\t30\t-\nend\n",
		"@key\t../../etc/passwd\t60\t30\t-\nend\n",
		"@key\tnet.ipv4.tcp_fin_timeout\t060\t30\t-\nend\n", /* octal */
		"@key\tnet.ipv4.tcp_fin_timeout\t0x3c\t30\t-\nend\n",
		"@key\tnet.ipv4.tcp_fin_timeout\t-\t30\t-\nend\n", /* no original */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\nend\n",   /* 3 fields */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\t-\t-\nend\n",
		"@key\tnet.ipv4.ip_local_port_range\t32768\t1 2\t-\nend\n", /* one of two */
		/* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): two lines, one journal */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30\t-\n"
		"key\tnet.ipv4.tcp_fin_timeout\t60\t31\t-\nend\n",           /* twice */
		"@key\tnet.ipv4.tcp_fin_timeout\t60\t30000000000\t-\nend\n", /* kernel bound */
		"@key\tnet.ipv4.ip_local_port_range\t32768 60999\t0 70000\t-\nend\n",
		"@root proc\nend\n",                                      /* not absolute */
		"@netns 4 0\nend\n",                                      /* no inode */
		"@boot XYZ\nend\n",                                       /* not a boot id */
		"@boot 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 soon\nend\n", /* not a boot time */
		"@root /a\nroot /b\nend\n",                               /* twice */
		"@confirm 0 5\nend\n",
		"@confirm 100\nend\n",
		"@whatever 1\nend\n",
		"@nonsense\nend\n",
		/* A path the writer could not write back (it refuses \r too). */
		"tcptune-journal 1\nstate applied\ntime 5\nprofile /p\rx\nend\n",
	};
	char buf[1024], why[128];
	struct tt_journal j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* "@" stands for a good header. */
		int n = bad[i][0] == '@' ? snprintf(buf, sizeof(buf), "%s%s", head, bad[i] + 1) :
					   snprintf(buf, sizeof(buf), "%s", bad[i]);

		why[0] = '\0';
		if (tt_journal_parse(buf, (size_t)n, &j, why, sizeof(why)) != -EBADMSG)
			fail_msg("accepted bad journal #%zu:\n%s", i, buf);
		assert_true(why[0] != '\0');
		assert_int_equal(j.nkeys, 0);
	}

	/* A NUL byte inside a line. */
	memcpy(buf, head, sizeof(head) - 1);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): no NUL is the point */
	memcpy(buf + sizeof(head) - 1, "end\0\n", 5);
	assert_int_equal(tt_journal_parse(buf, sizeof(head) - 1 + 5, &j, NULL, 0), -EBADMSG);
}

static void
test_accepts_comments(void **state)
{
	static const char ok[] = "tcptune-journal 1\n# a comment\n\nstate applying\n"
				 "time 0\nprofile \nkey\tnet.core.somaxconn\t4096\t8192\t4096\n"
				 "end\n";
	struct tt_journal j;

	(void)state;
	assert_int_equal(tt_journal_parse(ok, sizeof(ok) - 1, &j, NULL, 0), 0);
	assert_int_equal(j.state, TT_J_APPLYING);
	assert_string_equal(j.profile, "");
	assert_int_equal(j.nkeys, 1);
	assert_int_equal(j.keys[0].id, TT_K_SOMAXCONN);
	assert_int_equal(j.keys[0].prev.v[0], 4096);
}

static void
test_find_add_del(void **state)
{
	struct tt_journal j;

	(void)state;
	sample(&j);
	assert_non_null(tt_journal_find(&j, TT_K_LOCAL_PORT_RANGE));
	tt_journal_del(&j, TT_K_FIN_TIMEOUT);
	assert_int_equal(j.nkeys, 2);
	assert_null(tt_journal_find(&j, TT_K_FIN_TIMEOUT));
	assert_int_equal(j.keys[0].id, TT_K_LOCAL_PORT_RANGE);
	assert_int_equal(j.keys[1].id, TT_K_KEEPALIVE_TIME);
	for (int i = 0; i < TT_K__COUNT; i++)
		if (tt_journal_find(&j, (enum tt_key_id)i) == NULL)
			assert_non_null(tt_journal_add(&j, (enum tt_key_id)i));
	assert_int_equal(j.nkeys, TT_K__COUNT);
	assert_null(tt_journal_add(&j, TT_K_SOMAXCONN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_no_confirm_states),
		cmocka_unit_test(test_format_limits),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_accepts_comments),
		cmocka_unit_test(test_find_add_del),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
