/*
 * Rates and forecasts as text and JSON (check's report, watch's lines).
 */
#ifndef TCPTUNE_OUT_RATES_H
#define TCPTUNE_OUT_RATES_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "lib/rates.h"

/* "40 s", "10 min", "3 h", "2 days" */
const char *out_age(double seconds, char *buf, size_t len);
/* "over 2.0 s", "since the last check 10 min ago" */
const char *out_rates_span(const struct tt_rates *r, char *buf, size_t len);
/* When a destination's ports run out: "now", "26 s", "-" (not at this rate). */
const char *out_runs_out(const struct tt_forecast *fc, char *buf, size_t len);
/* The RATES section (nothing when r is NULL). */
void out_rates_text(FILE *f, const struct tt_rates *r);
/* "rates": the object, or null. */
void out_rates_json(struct json *j, const struct tt_rates *r);

#endif
