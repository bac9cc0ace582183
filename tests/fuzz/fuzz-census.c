/*
 * Fuzz target: the socket census decoders.  The first byte picks the
 * decoder, the rest is its input:
 *
 *   0  tt_census_decode(): a buffer of sock_diag netlink messages, as a
 *      recvmsg() of the dump returns it
 *   1  tt_census_parse_sockstat(): the text of net/sockstat(6)
 *   2  tt_census_parse_netstat(): the text of net/netstat
 *
 * Besides "does not crash or leak", it checks the census stays consistent
 * whatever it is fed: the per-state counts add up to the total, the
 * bounded tables stay inside their bounds, and the destination report can
 * be made; and that the decoder returns 0 or a negative errno, which its
 * callers hand to strerror(-r).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/census-diag.h"
#include "lib/census-proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_census(const struct tt_census *c)
{
	size_t idx[TT_CENSUS_DEST_SHOW], n;
	uint64_t sum = 0;
	char buf[128];

	for (int f = 0; f < TT_CF__COUNT; f++)
		for (int s = 0; s < TT_CS__COUNT; s++)
			sum += c->state[f][s];
	if (sum != c->total || c->ndest > TT_CENSUS_DEST_CAP || c->ncw > TT_CENSUS_CW_CAP ||
	    c->nowner > TT_CENSUS_OWNER_CAP || c->outbound > c->total)
		abort();
	n = tt_census_top_dests(c, idx, TT_CENSUS_DEST_SHOW);
	if (n > TT_CENSUS_DEST_SHOW || n > c->ndest)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= c->ndest)
			abort();
		tt_census_dest_str(&c->dest[idx[i]], buf, sizeof(buf));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1 MiB of CLOSE_WAIT table: made once, reset for every input. */
	static struct tt_census c;
	bool done = false;
	char *text;
	int r;

	if (size < 1)
		return 0;
	tt_census_init(&c, 32768, 60999);
	switch (data[0] % 3) {
	case 0:
		/* An unaligned copy, as a short read could leave it. */
		text = malloc(size);
		if (text == NULL)
			return 0;
		memcpy(text, data + 1, size - 1);
		r = tt_census_decode(&c, text, size - 1, &done);
		free(text);
		if (r > 0 || r < -4095)
			abort();
		break;
	case 1:
	case 2:
		/* The text parsers take what a proc read gives: a C string. */
		text = malloc(size);
		if (text == NULL)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		if (data[0] % 3 == 1)
			(void)tt_census_parse_sockstat(&c, text);
		else
			(void)tt_census_parse_netstat(&c, text);
		free(text);
		break;
	}
	check_census(&c);
	return 0;
}
