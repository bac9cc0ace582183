/*
 * An apply's guard as text and JSON (out-guard.h).
 */
#include "out-guard.h"

void
out_guard_text(FILE *f, const struct tt_guard *g, double window)
{
	char name[64];

	fprintf(f,
	    "guarded for %.0f s: a sample every %.1f s; undone at once when a counter "
	    "rises past its threshold in %d samples in a row\n",
	    window, g->cfg.interval, g->cfg.streak);
	fprintf(f, "  %-32s %12s %12s\n", "counter", "baseline/s", "threshold/s");
	for (int i = 0; i < TT_GUARD_NSIG; i++)
		if (g->cfg.watch[i])
			fprintf(f, "  %-32s %12.1f %12.1f\n",
			    tt_guard_signal_name(i, name, sizeof(name)), g->base[i],
			    tt_guard_threshold(g, i));
	if (!g->cfg.watch[TT_GUARD_CONNECT_FAILS])
		fprintf(f,
		    "  (connect() failures for want of a port, EADDRNOTAVAIL, are counted by no "
		    "kernel counter, and tcptune trace cannot run here: this guard cannot see "
		    "them)\n");
}

void
out_guard_json(struct json *j, const struct tt_guard *g, double window)
{
	char name[64];

	if (g == NULL) {
		json_null(j, "guard");
		return;
	}
	json_obj_begin(j, "guard");
	json_num(j, "window_seconds", window);
	json_num(j, "interval_seconds", g->cfg.interval);
	json_num(j, "baseline_seconds", g->cfg.baseline);
	json_num(j, "relative", g->cfg.relative);
	json_int(j, "streak", g->cfg.streak);
	json_arr_begin(j, "counters");
	for (int i = 0; i < TT_GUARD_NSIG; i++) {
		if (!g->cfg.watch[i])
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "name", tt_guard_signal_name(i, name, sizeof(name)));
		json_num(j, "baseline_per_second", g->base[i]);
		json_num(j, "threshold_per_second", tt_guard_threshold(g, i));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void
out_guard_verdict_text(FILE *f, const struct tt_guard_verdict *v, int indent)
{
	char name[64];

	if (v->outcome == TT_GUARD_HEALTHY) {
		fprintf(f, "%*sguard: healthy for %.0f s after the apply (%d counters watched)\n",
		    indent, "", v->window, v->nwatched);
		return;
	}
	if (v->outcome != TT_GUARD_WORSE)
		return;
	fprintf(f,
	    "%*sguard: undone %.1f s after the apply: %s rose from %.1f/s to %.1f/s "
	    "(threshold %.1f/s); samples",
	    indent, "", v->after, tt_guard_signal_name(v->counter, name, sizeof(name)), v->base,
	    v->nsamples ? v->samples[v->nsamples - 1] : 0.0, v->threshold);
	for (int i = 0; i < v->nsamples; i++)
		fprintf(f, "%s%.1f", i ? ", " : " ", v->samples[i]);
	fprintf(f, " /s\n");
}

void
out_guard_verdict_json(struct json *j, const char *key, const struct tt_guard_verdict *v)
{
	char name[64];

	if (v->outcome == TT_GUARD_NONE) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_str(j, "outcome", tt_guard_outcome_name(v->outcome));
	json_num(j, "after_seconds", v->after);
	json_num(j, "window_seconds", v->window);
	json_int(j, "counters_watched", v->nwatched);
	if (v->counter >= 0) {
		json_str(j, "counter", tt_guard_signal_name(v->counter, name, sizeof(name)));
		json_num(j, "baseline_per_second", v->base);
		json_num(j, "threshold_per_second", v->threshold);
		json_arr_begin(j, "samples_per_second");
		for (int i = 0; i < v->nsamples; i++)
			json_num(j, NULL, v->samples[i]);
		json_arr_end(j);
	} else {
		json_null(j, "counter");
	}
	json_obj_end(j);
}
