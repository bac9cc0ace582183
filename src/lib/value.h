/*
 * Values of sysctl keys: one or two integers, parsed strictly and written
 * in one canonical form.
 */
#ifndef TCPTUNE_VALUE_H
#define TCPTUNE_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#define TT_VAL_MAX_FIELDS 2
/* Big enough for any canonical value: two 20-digit numbers, a space, NUL. */
#define TT_VAL_STRLEN 48

struct tt_val {
	int n; /* number of fields; 0 = no value */
	long long v[TT_VAL_MAX_FIELDS];
};

/*
 * Parses s as exactly nfields strict decimal integers separated by spaces
 * or tabs, with optional surrounding white space (a trailing newline is
 * white space).  Strict: an optional '-', then digits, with no leading
 * zero ("012" is what the kernel reads as octal 10), no '+', no hex.
 * Returns 0, or -EINVAL with a reason in why (a static string).
 */
int tt_val_parse(const char *s, int nfields, struct tt_val *out, const char **why);

/*
 * Reads s as the kernel's integer handlers (proc_dointvec and its
 * relatives) read a write of s and a newline, which is what systemd-sysctl
 * writes: white space (isspace(3)) skipped before each number; a number is
 * an optional '-' and digits in the base they announce ("0x1f" is
 * hexadecimal, "012" octal), at most 20 characters with its sign and
 * prefix, followed by a space, a tab or the end; once nfields numbers are
 * read the rest is not looked at ("1 2" sets a one-number key to 1).
 * With no_sign (the kernel's unsigned handlers) a '-' is refused, even in
 * "-0".  Returns how many numbers were read (1..nfields: fewer when the
 * text ends first, which leaves the other fields of the key as they were),
 * or -EINVAL when the kernel refuses the text.  The key's bounds are the
 * caller's (tt_key_check_kernel()).
 */
int tt_val_parse_kernel(const char *s, int nfields, bool no_sign, struct tt_val *out);

/* Writes the canonical form ("30", "1024 65000").  Returns buf. */
char *tt_val_format(const struct tt_val *v, char *buf, size_t len);

bool tt_val_eq(const struct tt_val *a, const struct tt_val *b);

#endif
