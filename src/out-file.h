/*
 * Output files written whole or not at all: a temporary file in the same
 * directory, synced, then renamed over the name asked for.  A reader (such
 * as node_exporter's textfile collector) sees the old file or the new one,
 * never half of one.  Only a regular file (or no file) is replaced: a
 * device, a FIFO, a directory or a symlink at the name is refused, since
 * the rename would put a file in its place.  A signal that ends the
 * process (SIGTERM, SIGINT, SIGHUP) while the file is open removes the
 * temporary file first.
 */
#ifndef TCPTUNE_OUT_FILE_H
#define TCPTUNE_OUT_FILE_H

#include <stdio.h>

struct out_file {
	FILE *f;    /* write the document here */
	char *path; /* the name asked for */
	char *tmp;  /* the temporary file beside it */
};

/* Opens the temporary file.  0, or a negative errno (nothing left behind):
 * -EEXIST when path exists and is not a regular file. */
int out_file_open(struct out_file *o, const char *path);
/* Flushes, syncs and renames it over path.  0, or a negative errno with the
 * temporary file removed and path untouched. */
int out_file_commit(struct out_file *o);
/* Removes the temporary file and leaves path untouched. */
void out_file_abort(struct out_file *o);

/*
 * Where a command's document goes: standard output, or --output FILE
 * written whole as above.
 */
struct cmd_env;
struct out_dest {
	FILE *f;
	const char *output; /* NULL: standard output */
	struct out_file file;
};
/* 0 with d->f to write to, or the exit code after saying what failed. */
int out_dest_open(struct cmd_env *env, struct out_dest *d, const char *output);
/* Ends the document: rc, or the exit code of a failed write. */
int out_dest_close(struct cmd_env *env, struct out_dest *d, int rc);
/* Says why output cannot be written (e from out_file_*()); its exit code. */
int out_dest_error(struct cmd_env *env, const char *output, int e);

#endif
