/*
 * The guard of an apply: baseline, thresholds and the judgment of each
 * sample (guard.h).  Pure but for tt_guard_read().
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "census-proc.h"
#include "guard.h"
#include "netns.h"
#include "strtab.h"
#include "trace.h"

TT_STRTAB(tt_guard_outcome, enum tt_guard_outcome,
    "none", [TT_GUARD_NONE] = "none", [TT_GUARD_WORSE] = "worse", [TT_GUARD_HEALTHY] = "healthy")

void
tt_guard_config_default(struct tt_guard_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->window = 30;
	cfg->baseline = 5;
	cfg->interval = 1;
	cfg->relative = 2;
	cfg->streak = 2;
#define TT_GUARD_DEF(id, abs)           \
	cfg->watch[TT_CTR_##id] = true; \
	cfg->absolute[TT_CTR_##id] = (abs);
	TT_GUARD_COUNTERS(TT_GUARD_DEF)
#undef TT_GUARD_DEF
	cfg->watch[TT_GUARD_CONNECT_FAILS] = true;
	cfg->absolute[TT_GUARD_CONNECT_FAILS] = TT_GUARD_CONNECT_FAILS_ABS;
}

const char *
tt_guard_signal_name(int id, char *buf, size_t len)
{
	if (id == TT_GUARD_CONNECT_FAILS) {
		snprintf(buf, len, "%s", TT_GUARD_CONNECT_FAILS_NAME);
		return buf;
	}
	return tt_counter_name((enum tt_counter_id)id, buf, len);
}

int
tt_guard_signal_from_name(const char *name)
{
	if (strcmp(name, TT_GUARD_CONNECT_FAILS_NAME) == 0)
		return TT_GUARD_CONNECT_FAILS;
	return tt_counter_from_name(name);
}

/* A number in [lo, hi]; 0 or -EINVAL. */
static int
number(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
tt_guard_config_set(
    struct tt_guard_config *cfg, const char *name, const char *value, char *why, size_t whylen)
{
	double v;
	int id;

	if (strcmp(name, "window") == 0 || strcmp(name, "baseline") == 0 ||
	    strcmp(name, "interval") == 0) {
		if (number(value, 0.1, 3600, &v) < 0)
			goto bad_seconds;
		*(name[0] == 'w'       ? &cfg->window :
			name[0] == 'b' ? &cfg->baseline :
					 &cfg->interval) = v;
		return 0;
	}
	if (strcmp(name, "relative") == 0) {
		if (number(value, 1, 1000, &v) < 0) {
			snprintf(why, whylen, "relative must be a number from 1 to 1000");
			return -EINVAL;
		}
		cfg->relative = v;
		return 0;
	}
	if (strcmp(name, "streak") == 0) {
		if (number(value, 1, TT_GUARD_SAMPLES_MAX, &v) < 0 || v != (double)(int)v) {
			snprintf(why, whylen, "streak must be a whole number from 1 to %d",
			    TT_GUARD_SAMPLES_MAX);
			return -EINVAL;
		}
		cfg->streak = (int)v;
		return 0;
	}
	id = tt_guard_signal_from_name(name);
	if (id < 0 ||
	    (id != TT_GUARD_CONNECT_FAILS && !tt_counter_cumulative((enum tt_counter_id)id))) {
		snprintf(why, whylen,
		    "unknown guard setting (window, baseline, interval, relative, streak, or a "
		    "counter such as TcpExt.ListenDrops)");
		return -EINVAL;
	}
	if (strcmp(value, "off") == 0) {
		cfg->watch[id] = false;
		return 0;
	}
	if (number(value, 0, 1e9, &v) < 0) {
		snprintf(why, whylen, "a counter's threshold is a rise per second (>= 0) or off");
		return -EINVAL;
	}
	cfg->watch[id] = true;
	cfg->absolute[id] = v;
	return 0;
bad_seconds:
	snprintf(why, whylen, "%s must be seconds from 0.1 to 3600", name);
	return -EINVAL;
}

/* The connect() failures t counted so far, of every process and peer. */
static bool
trace_failures(struct tt_trace *t, uint64_t *out)
{
	struct tt_trace_report rep;

	if (t == NULL || tt_trace_read(t, &rep) < 0)
		return false;
	*out = 0;
	for (size_t i = 0; i < rep.nrows; i++)
		*out += tt_trace_failures(&rep.rows[i]);
	tt_trace_report_free(&rep);
	return true;
}

int
tt_guard_read(const struct tt_ctx *ctx, struct tt_trace *t, struct tt_guard_reading *out)
{
	struct tt_census *c = malloc(sizeof(*c));
	int r;

	if (c == NULL)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	tt_census_init(c, 0, 0);
	r = tt_census_read_counters(ctx, c);
	out->have[TT_GUARD_CONNECT_FAILS] = trace_failures(t, &out->v[TT_GUARD_CONNECT_FAILS]);
	out->t = tt_monotonic();
	memcpy(out->have, c->have, sizeof(c->have));
	memcpy(out->v, c->counter, sizeof(c->counter));
	free(c);
	return r;
}

struct tt_trace *
tt_guard_trace_open(struct tt_ctx *ctx)
{
	struct tt_trace_opts o = { .pod_log_dir = "" };
	struct tt_trace *t = NULL;
	dev_t dev;
	ino_t ino;

	if (tt_netns_self(ctx, &dev, &ino) < 0)
		return NULL;
	o.netns = (uint32_t)ino;
	if (tt_trace_open(ctx, &o, &t) < 0)
		return NULL;
	return t;
}

void
tt_guard_trace_restart(struct tt_guard *g)
{
	g->last.v[TT_GUARD_CONNECT_FAILS] = 0;
}

/* The rise per second of counter i from a to b; false without one. */
static bool
rise(const struct tt_guard_reading *a, const struct tt_guard_reading *b, int i, double *out)
{
	double dt = b->t - a->t;

	if (!a->have[i] || !b->have[i] || b->v[i] < a->v[i] || dt <= 0)
		return false;
	*out = (double)(b->v[i] - a->v[i]) / dt;
	return true;
}

void
tt_guard_start(struct tt_guard *g, const struct tt_guard_config *cfg,
    const struct tt_guard_reading *r, int n, double applied)
{
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->last = r[n - 1];
	g->applied = applied;
	for (int i = 0; i < TT_GUARD_NSIG; i++) {
		for (int k = 1; g->cfg.watch[i] && k < n; k++) {
			double rate;

			if (!rise(&r[k - 1], &r[k], i, &rate))
				g->cfg.watch[i] = false;
			else if (rate > g->base[i])
				g->base[i] = rate;
		}
		if (n < 2)
			g->cfg.watch[i] = false;
	}
}

double
tt_guard_threshold(const struct tt_guard *g, int id)
{
	double rel = g->base[id] * g->cfg.relative, abs = g->base[id] + g->cfg.absolute[id];

	return rel > abs ? rel : abs;
}

/* Fills v with counter i's figures (or none when i < 0). */
static void
verdict(const struct tt_guard *g, int i, double now, enum tt_guard_outcome o,
    struct tt_guard_verdict *v)
{
	int n = g->nring < TT_GUARD_SAMPLES_MAX ? g->nring : TT_GUARD_SAMPLES_MAX;

	memset(v, 0, sizeof(*v));
	v->outcome = o;
	v->after = now - g->applied;
	v->window = v->after;
	v->counter = i;
	for (int k = 0; k < TT_GUARD_NSIG; k++)
		v->nwatched += g->cfg.watch[k];
	if (i < 0)
		return;
	v->base = g->base[i];
	v->threshold = tt_guard_threshold(g, i);
	v->nsamples = n;
	for (int k = 0; k < n; k++)
		v->samples[k] = g->ring[i][(g->nring - n + k) % TT_GUARD_SAMPLES_MAX];
}

bool
tt_guard_sample(struct tt_guard *g, const struct tt_guard_reading *r, struct tt_guard_verdict *v)
{
	int worst = -1;
	double worst_ratio = 0;

	for (int i = 0; i < TT_GUARD_NSIG; i++) {
		double rate = 0, thr;

		if (!g->cfg.watch[i])
			continue;
		if (!rise(&g->last, r, i, &rate))
			rate = 0; /* gone back: the namespace is new; no harm seen */
		g->ring[i][g->nring % TT_GUARD_SAMPLES_MAX] = rate;
		thr = tt_guard_threshold(g, i);
		g->run[i] = rate > thr ? g->run[i] + 1 : 0;
		if (g->run[i] >= g->cfg.streak && rate / thr > worst_ratio) {
			worst = i;
			worst_ratio = rate / thr;
		}
	}
	g->nring++;
	g->last = *r;
	verdict(g, worst, r->t, worst >= 0 ? TT_GUARD_WORSE : TT_GUARD_HEALTHY, v);
	return worst >= 0;
}
