/*
 * The library's one way to read a file whole: proc files, profiles,
 * sysctl.d files, the journal, the boot id, the counters file and the
 * namespace name files all go through tt_read_all() (tt_read_file() for a
 * regular file of unknown size).  Two files are read line by line as a
 * stream instead, because a line can be long and only one is wanted:
 * <proc root>/stat for btime (journal.c) and self/mountinfo for the
 * namespaces' bind mounts (netns-list.c).
 */
#ifndef TCPTUNE_FILE_H
#define TCPTUNE_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Reads what is left of fd into buf, NUL-terminated.  Returns the length,
 * -EFBIG when more than len - 1 bytes are there, or a negative errno.
 */
ssize_t tt_read_all(int fd, char *buf, size_t len);

/*
 * Reads the regular file open as fd whole, at most max bytes, into a new
 * NUL-terminated buffer (*out, free with free(3)).  st is filled by
 * fstat(2) first and left zeroed when that failed, so a caller can tell
 * which check failed.  Returns the length, or:
 *   -EISDIR  a directory;
 *   -ENODEV  not a regular file, or a file whose size says 0 while it has
 *            contents (a /proc or /sys file);
 *   -EFBIG   larger than max bytes, or grew while being read;
 *   -ENOMEM, or the errno of fstat(2) or read(2).
 */
ssize_t tt_read_file(int fd, size_t max, struct stat *st, char **out);

#endif
