/*
 * The verdict line of the text reports (out-verdict.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "out-verdict.h"

static const char *
upper_name(enum tt_severity s)
{
	switch (s) {
	case TT_SEV_CRITICAL:
		return "CRITICAL";
	case TT_SEV_WARN:
		return "WARN";
	default:
		break;
	}
	return "OK";
}

/* "head" + what + " (counts)", what cut so the line stays within
 * OUT_VERDICT_WIDTH. */
static char *
compose(const char *head, const char *what, const unsigned counts[4], char *buf, size_t len)
{
	char tail[96], cut[OUT_VERDICT_WIDTH + 1];
	size_t room;

	snprintf(tail, sizeof(tail), " (%u critical, %u warn, %u info, %u ok)",
	    counts[TT_SEV_CRITICAL], counts[TT_SEV_WARN], counts[TT_SEV_INFO], counts[TT_SEV_OK]);
	room = OUT_VERDICT_WIDTH > strlen(head) + strlen(tail) ?
	    OUT_VERDICT_WIDTH - strlen(head) - strlen(tail) :
	    4;
	if (strlen(what) > room && room > 3)
		snprintf(cut, sizeof(cut), "%.*s...", (int)(room - 3), what);
	else
		snprintf(cut, sizeof(cut), "%s", what);
	snprintf(buf, len, "%s%s%s", head, cut, tail);
	return buf;
}

char *
out_verdict(const struct tt_findings *fs, char *buf, size_t len)
{
	unsigned counts[4];
	char head[96];

	tt_findings_count(fs, counts);
	/* Findings come worst first, the most harmful first within a severity. */
	if (fs->n == 0 || fs->v[0].sev < TT_SEV_WARN)
		return compose("OK: ", "nothing wrong", counts, buf, len);
	snprintf(head, sizeof(head), "%s: %s: ", upper_name(fs->v[0].sev), fs->v[0].id);
	return compose(head, fs->v[0].message, counts, buf, len);
}

char *
out_verdict_ns(size_t n, size_t not_ok, const char *worst_name, const struct tt_finding *worst,
    const unsigned counts[4], char *buf, size_t len)
{
	char head[192];

	if (worst == NULL || worst->sev < TT_SEV_WARN) {
		snprintf(head, sizeof(head), "OK: %zu network namespace%s, ", n, n == 1 ? "" : "s");
		return compose(head, "nothing wrong", counts, buf, len);
	}
	snprintf(head, sizeof(head),
	    "%s: %zu network namespace%s, %zu with a warning or worse; "
	    "worst %s: %s: ",
	    upper_name(worst->sev), n, n == 1 ? "" : "s", not_ok, worst_name ? worst_name : "?",
	    worst->id);
	return compose(head, worst->message, counts, buf, len);
}
