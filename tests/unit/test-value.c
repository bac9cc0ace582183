/* Strict value parsing and canonical formatting. */
#include "config.h"

#include "testutil.h"
#include "lib/value.h"

static void
parses_plain_decimal(void **state)
{
	struct tt_val v;

	(void)state;
	assert_int_equal(tt_val_parse("30", 1, &v, NULL), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.v[0], 30);
	assert_int_equal(tt_val_parse("  0\n", 1, &v, NULL), 0);
	assert_int_equal(v.v[0], 0);
	assert_int_equal(tt_val_parse("-1", 1, &v, NULL), 0);
	assert_int_equal(v.v[0], -1);
	assert_int_equal(tt_val_parse("9223372036854775807", 1, &v, NULL), 0);
	assert_true(v.v[0] == 9223372036854775807LL);
	assert_int_equal(tt_val_parse("-9223372036854775808", 1, &v, NULL), 0);
	assert_true(v.v[0] == -9223372036854775807LL - 1);
}

static void
parses_pairs_with_space_or_tab(void **state)
{
	struct tt_val v;

	(void)state;
	assert_int_equal(tt_val_parse("32768\t60999\n", 2, &v, NULL), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.v[0], 32768);
	assert_int_equal(v.v[1], 60999);
	assert_int_equal(tt_val_parse("1024   65000", 2, &v, NULL), 0);
	assert_int_equal(v.v[1], 65000);
}

static void
rejects_what_the_kernel_would_misread(void **state)
{
	static const char *bad[] = {
		"012",
		"0x10",
		"0X1f",
		"+5",
		"",
		"   ",
		"1.5",
		"1e3",
		"ten",
		"30s",
		"99999999999999999999",
		"-9223372036854775809",
		"1 2",
		"--1",
		"-",
		"1\n2",
		"30 # comment",
	};
	struct tt_val v = { .n = 7 };
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (tt_val_parse(bad[i], 1, &v, &why) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(why);
	}
	/* a rejected parse leaves the output alone */
	assert_int_equal(v.n, 7);
	assert_int_equal(tt_val_parse("012", 1, &v, &why), -EINVAL);
	assert_non_null(strstr(why, "octal"));
	assert_int_equal(tt_val_parse("1024", 2, &v, &why), -EINVAL);
	assert_int_equal(tt_val_parse("1 2 3", 2, &v, &why), -EINVAL);
}

/* What the kernel makes of a write: its own bases, the first numbers. */
static void
reads_as_the_kernel_does(void **state)
{
	struct tt_val v;

	(void)state;
	assert_int_equal(tt_val_parse_kernel("012", 1, false, &v), 1);
	assert_int_equal(v.v[0], 10);
	assert_int_equal(tt_val_parse_kernel("0x1f", 1, false, &v), 1);
	assert_int_equal(v.v[0], 31);
	assert_int_equal(tt_val_parse_kernel("1 2", 1, false, &v), 1);
	assert_int_equal(v.v[0], 1);
	assert_int_equal(tt_val_parse_kernel("-5", 1, false, &v), 1);
	assert_int_equal(v.v[0], -5);
	assert_int_equal(tt_val_parse_kernel("1024\t65000 x", 2, false, &v), 2);
	assert_int_equal(v.v[1], 65000);
	assert_int_equal(tt_val_parse_kernel("1024", 2, false, &v), 1);
	assert_int_equal(tt_val_parse_kernel("-0", 1, true, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("08", 1, false, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("1x", 1, false, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("1,2", 1, false, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("+1", 1, false, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("", 1, false, &v), -EINVAL);
	/* 21 characters fill the kernel's buffer; 20 do not. */
	assert_int_equal(tt_val_parse_kernel("000000000000000000001", 1, false, &v), -EINVAL);
	assert_int_equal(tt_val_parse_kernel("00000000000000000001", 1, false, &v), 1);
}

static void
formats_canonically(void **state)
{
	struct tt_val a = { .n = 1, .v = { 30 } }, b = { .n = 2, .v = { 1024, 65000 } };
	struct tt_val none = { 0 };
	char buf[TT_VAL_STRLEN];

	(void)state;
	assert_string_equal(tt_val_format(&a, buf, sizeof(buf)), "30");
	assert_string_equal(tt_val_format(&b, buf, sizeof(buf)), "1024 65000");
	assert_string_equal(tt_val_format(&none, buf, sizeof(buf)), "-");
	assert_true(tt_val_eq(&b, &b));
	assert_false(tt_val_eq(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_plain_decimal),
		cmocka_unit_test(parses_pairs_with_space_or_tab),
		cmocka_unit_test(rejects_what_the_kernel_would_misread),
		cmocka_unit_test(reads_as_the_kernel_does),
		cmocka_unit_test(formats_canonically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
