/*
 * Output files written whole or not at all: a temporary file in the same
 * directory, synced, then renamed over the name asked for.  A reader (such
 * as node_exporter's textfile collector) sees the old file or the new one,
 * never half of one.
 */
#ifndef TCPTUNE_OUT_FILE_H
#define TCPTUNE_OUT_FILE_H

#include <stdio.h>

struct out_file {
	FILE *f;    /* write the document here */
	char *path; /* the name asked for */
	char *tmp;  /* the temporary file beside it */
};

/* Opens the temporary file.  0, or a negative errno (nothing left behind). */
int out_file_open(struct out_file *o, const char *path);
/* Flushes, syncs and renames it over path.  0, or a negative errno with the
 * temporary file removed and path untouched. */
int out_file_commit(struct out_file *o);
/* Removes the temporary file and leaves path untouched. */
void out_file_abort(struct out_file *o);

#endif
