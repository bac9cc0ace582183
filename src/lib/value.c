#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "value.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One strict decimal integer at *sp; advances *sp past it. */
static int
parse_one(const char **sp, long long *out, const char **why)
{
	const char *s = *sp;
	bool neg = false;
	unsigned long long acc = 0;
	unsigned long long limit;

	if (*s == '-') {
		neg = true;
		s++;
	} else if (*s == '+') {
		*why = "a '+' sign is not accepted: write plain decimal";
		return -EINVAL;
	}
	if (*s < '0' || *s > '9') {
		*why = "not a decimal number";
		return -EINVAL;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		*why = "hexadecimal is not accepted: write plain decimal";
		return -EINVAL;
	}
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		*why = "leading zero: the kernel would read this as octal; write plain decimal";
		return -EINVAL;
	}
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (acc > (limit - d) / 10) {
			*why = "number too large";
			return -EINVAL;
		}
		acc = acc * 10 + d;
	}
	if (*s != '\0' && !is_blank(*s)) {
		*why = "not a decimal number";
		return -EINVAL;
	}
	if (neg)
		*out = acc == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)acc;
	else
		*out = (long long)acc;
	*sp = s;
	return 0;
}

int
tt_val_parse(const char *s, int nfields, struct tt_val *out, const char **why)
{
	struct tt_val v = { 0 };
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (s == NULL || nfields < 1 || nfields > TT_VAL_MAX_FIELDS) {
		*why = "no value";
		return -EINVAL;
	}
	while (is_blank(*s))
		s++;
	if (*s == '\0') {
		*why = "empty value";
		return -EINVAL;
	}
	while (*s != '\0') {
		if (v.n == nfields) {
			*why = nfields == 1 ? "one number expected, found more" :
					      "two numbers expected, found more";
			return -EINVAL;
		}
		if (parse_one(&s, &v.v[v.n], why) < 0)
			return -EINVAL;
		v.n++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '\r') {
			/* A line ending may only end the value. */
			while (is_blank(*s))
				s++;
			if (*s != '\0') {
				*why = "a value may not span lines";
				return -EINVAL;
			}
		}
	}
	if (v.n != nfields) {
		*why = "two numbers expected (\"low high\"), found one";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The kernel's isspace(), which proc_skip_spaces() uses. */
static bool
kernel_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
kernel_digit(char c, unsigned base)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		d = (unsigned)((c | 0x20) - 'a' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

/* One number as proc_get_long() reads it; advances *sp past it. */
static int
kernel_one(const char **sp, bool no_sign, long long *out)
{
	const char *s = *sp, *start = s;
	unsigned long long acc = 0;
	unsigned base = 10;
	bool neg = false;
	int d;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s < '0' || *s > '9' || (neg && no_sign))
		return -EINVAL;
	if (s[0] == '0') {
		base = 8;
		if ((s[1] | 0x20) == 'x' && kernel_digit(s[2], 16) >= 0) {
			base = 16;
			s += 2;
		}
	}
	for (; (d = kernel_digit(*s, base)) >= 0; s++) {
		if (acc > (ULLONG_MAX - (unsigned)d) / base)
			return -EINVAL;
		acc = acc * base + (unsigned)d;
	}
	/* 21 characters fill the kernel's buffer: it cannot tell where the
	 * number ends, and refuses it. */
	if (s - start >= 21)
		return -EINVAL;
	/* The write ends with a newline, which the end of s stands for. */
	if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n')
		return -EINVAL;
	if (acc > (unsigned long long)LLONG_MAX)
		return -EINVAL;
	*out = neg ? -(long long)acc : (long long)acc;
	*sp = s;
	return 0;
}

int
tt_val_parse_kernel(const char *s, int nfields, bool no_sign, struct tt_val *out)
{
	struct tt_val v = { 0 };

	if (s == NULL || nfields < 1 || nfields > TT_VAL_MAX_FIELDS)
		return -EINVAL;
	while (v.n < nfields) {
		while (kernel_space(*s))
			s++;
		if (*s == '\0')
			break;
		if (kernel_one(&s, no_sign, &v.v[v.n]) < 0)
			return -EINVAL;
		v.n++;
	}
	if (v.n == 0)
		return -EINVAL;
	*out = v;
	return v.n;
}

char *
tt_val_format(const struct tt_val *v, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (v == NULL || v->n == 0)
		snprintf(buf, len, "-");
	else if (v->n == 1)
		snprintf(buf, len, "%lld", v->v[0]);
	else
		snprintf(buf, len, "%lld %lld", v->v[0], v->v[1]);
	return buf;
}

bool
tt_val_eq(const struct tt_val *a, const struct tt_val *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->v[i] != b->v[i])
			return false;
	return true;
}
