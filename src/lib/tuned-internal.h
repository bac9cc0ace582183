/*
 * tuned profiles, read as tuned 2.20 reads them for its [sysctl] plugin:
 * its ini dialect (tuned-ini.c), its ${variables} and ${f:functions}
 * (tuned-expand.c), and its loader, merger and units (tuned.c).
 */
#ifndef TCPTUNE_TUNED_INTERNAL_H
#define TCPTUNE_TUNED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "diag.h"

/* One option of a section, where it was last set. */
struct tt_topt {
	char *name;
	char *value;      /* NULL: a variable that could not be decided here */
	char *why;        /* then: what could not be decided */
	const char *file; /* owned by the loader's list of files */
	int line;
};

/* An ordered dict, as Python's: an update keeps the first position. */
struct tt_tdict {
	struct tt_topt *v;
	int n, cap;
};

int tt_tdict_find(const struct tt_tdict *d, const char *name);
/* Takes ownership of value (name is copied).  0 or -ENOMEM. */
int tt_tdict_set(struct tt_tdict *d, const char *name, char *value, const char *file, int line);
/* Removes name, handing its option to *out (the caller frees it). */
bool tt_tdict_pop(struct tt_tdict *d, const char *name, struct tt_topt *out);
void tt_topt_free(struct tt_topt *o);
void tt_tdict_free(struct tt_tdict *d);

struct tt_tsection {
	char *name;
	struct tt_tdict opts;
};

struct tt_tini {
	struct tt_tsection *s;
	int n;
};

/*
 * Parses buf as Python's configparser does with tuned's settings (only '='
 * separates, '#' after white space starts a comment, indented lines
 * continue a value, a later duplicate wins in place).  magic: a nameless
 * first section, as tuned reads a variables file.  Errors go to diags
 * (file, line).  0, -EINVAL or -ENOMEM.
 */
int tt_tini_parse(const char *file, const char *buf, size_t len, bool magic, struct tt_tini *out,
    struct tt_diags *diags);
void tt_tini_free(struct tt_tini *ini);

/* Python's os.path.normpath of an absolute or relative path; malloc'd. */
char *tt_tnormpath(const char *path);

/* The bytes that expanding one profile's values may produce in all:
 * ${a}${a} in ${b}, ${b}${b} in ${c}, ... doubles at every step. */
#define TT_TEXP_MAX_WORK (16u << 20)

/* What tuned's functions see of this host. */
struct tt_texp {
	struct tt_tdict *vars; /* NULL: none yet */
	int virt;              /* -1 not yet known, 0 bare metal, 1 virtual */
	char why[160];         /* the first thing that could not be decided */
	char fail[256];        /* an assertion that failed: tuned refuses the profile */
	size_t work;           /* bytes produced so far, for the bound */
	bool over;             /* past TT_TEXP_MAX_WORK: the result is cut short */
};

/*
 * Expands value as tuned's Variables.expand() does: ${name} from the
 * variables, then ${f:function:args}.  Returns a malloc'd string, or NULL
 * on -ENOMEM.  e->why is set when a function or variable could not be
 * decided here, e->fail when an assertion failed.
 */
char *tt_texpand(struct tt_texp *e, const char *value);

/* Whether this host is a virtual machine or a container, as tuned's
 * virt_check would say: 1 or 0. */
int tt_tvirt(void);

#endif
