/*
 * The least an owner lookup can do, for the benchmark: readlink() every
 * link in /proc/PID/fd of every process and count the socket links.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	unsigned long links = 0, sockets = 0;
	DIR *proc = opendir("/proc");
	struct dirent *e;

	if (proc == NULL)
		return 1;
	while ((e = readdir(proc)) != NULL) {
		char rel[300], link[64];
		struct dirent *f;
		DIR *d;
		int fd;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(rel, sizeof(rel), "%s/fd", e->d_name);
		fd = openat(dirfd(proc), rel, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || (d = fdopendir(fd)) == NULL)
			continue;
		while ((f = readdir(d)) != NULL) {
			ssize_t n;

			if (f->d_name[0] == '.')
				continue;
			links++;
			n = readlinkat(fd, f->d_name, link, sizeof(link) - 1);
			if (n > 8 && strncmp(link, "socket:[", 8) == 0)
				sockets++;
		}
		closedir(d);
	}
	closedir(proc);
	printf("%lu links, %lu sockets\n", links, sockets);
	return 0;
}
