/*
 * The socket census in check's report, as text or JSON.
 */
#ifndef TCPTUNE_OUT_CENSUS_H
#define TCPTUNE_OUT_CENSUS_H

#include <stdio.h>

#include "json.h"
#include "lib/census.h"
#include "lib/profile.h"
#include "lib/snapshot.h"

void out_census_text(FILE *f, const struct tt_census *c, int netns);
/* Adds "census", "sockets", "top_destinations", "close_wait_owners" and
 * "counters" to the current object (null when c is NULL). */
void out_census_json(struct json *j, const struct tt_census *c, int netns);

#endif
