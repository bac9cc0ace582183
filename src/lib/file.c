#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

ssize_t
tt_read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	char extra;

	if (len == 0)
		return -EINVAL;
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			buf[got] = '\0';
			return (ssize_t)got;
		}
		got += (size_t)n;
	}
	/* Full buffer: only fine if the file ends here. */
	do
		n = read(fd, &extra, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > 0)
		return -EFBIG;
	buf[got] = '\0';
	return (ssize_t)got;
}

ssize_t
tt_read_file(int fd, size_t max, struct stat *st, char **out)
{
	char *buf;
	ssize_t n;

	*out = NULL;
	memset(st, 0, sizeof(*st));
	if (fstat(fd, st) < 0) {
		int e = errno;

		memset(st, 0, sizeof(*st));
		return -e;
	}
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode))
		return -ENODEV;
	if ((unsigned long long)st->st_size > max)
		return -EFBIG;
	buf = malloc((size_t)st->st_size + 1);
	if (buf == NULL)
		return -ENOMEM;
	n = tt_read_all(fd, buf, (size_t)st->st_size + 1);
	/* More than the size said: /proc and /sys files say 0 and are not
	 * empty; anything else grew while being read. */
	if (n == -EFBIG && st->st_size == 0)
		n = -ENODEV;
	if (n < 0) {
		free(buf);
		return n;
	}
	*out = buf;
	return n;
}
