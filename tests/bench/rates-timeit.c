/*
 * What the exact per-destination rates cost, for the benchmark: in the
 * calling thread's network namespace, REPS rounds of
 *
 *   plain     two censuses that keep no socket identities
 *   interval  two censuses that keep every outgoing socket's identity,
 *             and the rates between them (identities sorted and merged)
 *
 * taking turns, each timed in CPU seconds of this process (user + system:
 * the dump's kernel work included, another process's load not) and in
 * wall seconds.  Prints the medians, and the identities kept; then the
 * census's sort of them (a radix sort on the cookie) against qsort() over
 * the same shuffled copies, CPU seconds:  rates-timeit [REPS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/census-gather.h"
#include "lib/rates.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A seeded pseudo-random number (xorshift64*). */
static uint32_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dULL) >> 32);
}

static int
id_cmp(const void *a, const void *b)
{
	return tt_census_id_cmp(a, b);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

static unsigned port_lo, port_hi; /* the namespace's ephemeral range */

/* Two censuses (and the rates between them with ids); CPU and wall s. */
static int
round_of(const struct tt_ctx *ctx, bool ids, double *cpu, double *wall, size_t *nid)
{
	struct tt_census_opts o = {
		.port_lo = port_lo, .port_hi = port_hi, .no_owners = true, .keep_ids = ids
	};
	struct tt_census *a, *b;
	struct tt_rates *r = malloc(sizeof(*r));
	double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);

	if (r == NULL || tt_census_gather(ctx, &o, &a) < 0) {
		free(r);
		return -1;
	}
	if (tt_census_gather(ctx, &o, &b) < 0) {
		tt_census_free(a);
		free(r);
		return -1;
	}
	if (ids)
		tt_rates_compute(a, b, 0.1, r);
	*cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*nid = b->nid;
	tt_census_free(a);
	tt_census_free(b);
	free(r);
	return 0;
}

/* The identities of one census shuffled (seeded), sorted by the census's
 * sort and by qsort(); the medians in CPU s into *radix and *qs. */
static int
sorts(const struct tt_ctx *ctx, int reps, double *radix, double *qs)
{
	struct tt_census_opts o = {
		.port_lo = port_lo, .port_hi = port_hi, .no_owners = true, .keep_ids = true
	};
	struct tt_census *c;
	struct tt_census_id *copy;
	double r[64], q[64];

	if (tt_census_gather(ctx, &o, &c) < 0)
		return -1;
	copy = malloc((c->nid ? c->nid : 1) * sizeof(*copy));
	if (copy == NULL) {
		tt_census_free(c);
		return -1;
	}
	for (int i = 0; i < reps; i++) {
		uint64_t seed = (uint64_t)i + 1;
		double t;

		for (size_t k = c->nid; k > 1; k--) {
			size_t j = (size_t)next_rand(&seed) % k;
			struct tt_census_id x = c->id[k - 1];

			c->id[k - 1] = c->id[j];
			c->id[j] = x;
		}
		memcpy(copy, c->id, c->nid * sizeof(*copy));
		t = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		tt_census_ids_sort(c);
		r[i] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - t;
		t = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		qsort(copy, c->nid, sizeof(*copy), id_cmp);
		q[i] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - t;
		for (size_t k = 0; k < c->nid; k++)
			if (tt_census_id_cmp(&copy[k], &c->id[k]) != 0) {
				fprintf(stderr, "rates-timeit: the two sorts disagree\n");
				exit(1);
			}
	}
	*radix = median(r, reps);
	*qs = median(q, reps);
	free(copy);
	tt_census_free(c);
	return 0;
}

int
main(int argc, char *argv[])
{
	int reps = argc > 1 ? atoi(argv[1]) : 7;
	double pc[64], pw[64], ic[64], iw[64];
	struct tt_ctx *ctx = tt_ctx_new(NULL);
	size_t nid = 0, dummy;
	double radix, qs;

	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	if (f == NULL || fscanf(f, "%u %u", &port_lo, &port_hi) != 2)
		port_lo = port_hi = 0;
	if (f != NULL)
		fclose(f);
	if (ctx == NULL || reps < 1 || reps > 64) {
		fprintf(stderr, "usage: rates-timeit [REPS (1 to 64)]\n");
		return 64;
	}
	for (int i = 0; i < reps; i++)
		if (round_of(ctx, false, &pc[i], &pw[i], &dummy) < 0 ||
		    round_of(ctx, true, &ic[i], &iw[i], &nid) < 0) {
			fprintf(stderr, "rates-timeit: the census failed\n");
			return 1;
		}
	printf("plain %.4f %.4f\n", median(pc, reps), median(pw, reps));
	printf("interval %.4f %.4f\n", median(ic, reps), median(iw, reps));
	printf("identities %zu\n", nid);
	if (sorts(ctx, reps, &radix, &qs) == 0)
		printf("sort %.4f qsort %.4f\n", radix, qs);
	tt_ctx_free(ctx);
	return 0;
}
