/*
 * The census's counters from net/sockstat, net/sockstat6, net/snmp and
 * net/netstat.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "census-proc.h"
#include "sysctl.h"

static const struct tt_counter_info counters[TT_CTR__COUNT] = {
#define TT_CTR_INFO(id, file, sect, field, netns) [TT_CTR_##id] = { file, sect, field, netns },
	TT_COUNTERS(TT_CTR_INFO)
#undef TT_CTR_INFO
};

const struct tt_counter_info *
tt_counter_info(enum tt_counter_id id)
{
	return id < TT_CTR__COUNT ? &counters[id] : NULL;
}

const char *
tt_counter_name(enum tt_counter_id id, char *buf, size_t len)
{
	const struct tt_counter_info *ci = tt_counter_info(id);

	snprintf(buf, len, "%s.%s", ci ? ci->section : "?", ci ? ci->field : "?");
	return buf;
}

bool
tt_counter_cumulative(enum tt_counter_id id)
{
	return id < TT_CTR__COUNT && strncmp(counters[id].file, "sockstat", 8) != 0;
}

const char *
tt_counters_since(int netns)
{
	if (netns == 1)
		return "since boot";
	if (netns == 0)
		return "since this network namespace was made";
	return "since boot, or since this network namespace was made";
}

/* --- counters ------------------------------------------------------------ */

static const char *
next_line(const char *s, const char **end)
{
	const char *e = strchr(s, '\n');

	*end = e ? e : s + strlen(s);
	return e ? e + 1 : *end;
}

/* Copies the next white-space separated token of [*s, end) into tok. */
static bool
token(const char **s, const char *end, char *tok, size_t len)
{
	const char *p = *s;
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return false;
	while (p < end && *p != ' ' && *p != '\t') {
		if (n + 1 < len)
			tok[n++] = *p;
		p++;
	}
	tok[n] = '\0';
	*s = p;
	return true;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *e;
	unsigned long long x;

	if (!isdigit((unsigned char)s[0]))
		return -EBADMSG;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno != 0 || *e != '\0')
		return -EBADMSG;
	*v = x;
	return 0;
}

static int
find_counter(const char *file_prefix, const char *sect, const char *field)
{
	for (int i = 0; i < TT_CTR__COUNT; i++)
		if (strncmp(counters[i].file, file_prefix, strlen(file_prefix)) == 0 &&
		    strcmp(counters[i].section, sect) == 0 && strcmp(counters[i].field, field) == 0)
			return i;
	return -1;
}

int
tt_census_parse_sockstat(struct tt_census *c, const char *text)
{
	const char *s = text, *end;

	while (*s) {
		const char *line = s, *colon;
		char sect[32], name[64], val[32];

		s = next_line(s, &end);
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon == NULL || (size_t)(colon - line) >= sizeof(sect))
			continue;
		memcpy(sect, line, (size_t)(colon - line));
		sect[colon - line] = '\0';
		line = colon + 1;
		while (token(&line, end, name, sizeof(name))) {
			int i;

			if (!token(&line, end, val, sizeof(val)))
				break;
			i = find_counter("sockstat", sect, name);
			if (i < 0)
				continue;
			if (parse_u64(val, &c->counter[i]) < 0)
				return -EBADMSG;
			c->have[i] = true;
		}
	}
	return 0;
}

/* netstat and snmp: lines in pairs, names then values, same prefix. */
static int
parse_pairs(struct tt_census *c, const char *file, const char *text)
{
	const char *s = text, *end, *hdr = NULL, *hdr_end = NULL;
	size_t hdr_sect = 0;

	while (*s) {
		const char *line = s, *colon, *h;
		char name[64], val[32], sect[32];
		size_t sl;

		s = next_line(s, &end);
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon == NULL)
			continue;
		sl = (size_t)(colon - line);
		/* Lines come in pairs: names, then values, same prefix. */
		if (hdr == NULL || hdr_sect != sl || memcmp(hdr, line, sl) != 0) {
			hdr = line;
			hdr_end = end;
			hdr_sect = sl;
			continue;
		}
		if (sl >= sizeof(sect)) {
			hdr = NULL;
			continue;
		}
		memcpy(sect, line, sl);
		sect[sl] = '\0';
		h = hdr + sl + 1;
		line = colon + 1;
		while (token(&h, hdr_end, name, sizeof(name))) {
			int i;

			if (!token(&line, end, val, sizeof(val)))
				return -EBADMSG;
			i = find_counter(file, sect, name);
			if (i < 0)
				continue;
			if (parse_u64(val, &c->counter[i]) < 0)
				return -EBADMSG;
			c->have[i] = true;
		}
		hdr = NULL;
	}
	return 0;
}

int
tt_census_parse_netstat(struct tt_census *c, const char *text)
{
	return parse_pairs(c, "netstat", text);
}

int
tt_census_parse_snmp(struct tt_census *c, const char *text)
{
	return parse_pairs(c, "snmp", text);
}

int
tt_census_read_counters(const struct tt_ctx *ctx, struct tt_census *c)
{
	static const char *const files[] = { "net/sockstat", "net/sockstat6", "net/snmp",
		"net/netstat" };
	size_t len = (size_t)256 * 1024;
	char *buf = malloc(len);
	int r = 0;

	if (buf == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ssize_t n = tt_proc_read(ctx, files[i], buf, len);
		int e;

		if (n == -ENOENT || n == -ENOTDIR)
			continue;
		if (n < 0) {
			tt_log(ctx, TT_LOG_WARNING, "%s/%s: %s", tt_ctx_proc_root(ctx), files[i],
			    strerror((int)-n));
			r = (int)n;
			continue;
		}
		e = i < 2  ? tt_census_parse_sockstat(c, buf) :
		    i == 2 ? tt_census_parse_snmp(c, buf) :
			     tt_census_parse_netstat(c, buf);
		if (e < 0) {
			tt_log(ctx, TT_LOG_WARNING, "%s/%s: unexpected contents",
			    tt_ctx_proc_root(ctx), files[i]);
			r = e;
		}
	}
	free(buf);
	return r;
}
