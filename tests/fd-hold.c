/*
 * Holds open descriptors for the owner-walk benchmark:
 *   fd-hold PROCS FDS
 * forks PROCS children that each hold FDS descriptors (dups of /dev/null
 * and, one in 16, of a socket, so the walk has sockets to skip), prints
 * "ready" once all are open and waits until killed.  Run it in another
 * network namespace than the one looked at.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int
hold(long fds)
{
	struct rlimit rl = { (rlim_t)fds + 64, (rlim_t)fds + 64 };
	int null = open("/dev/null", O_RDONLY), sock = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || null < 0 || sock < 0) {
		perror("fd-hold");
		return 1;
	}
	for (long i = 2; i < fds; i++)
		if (dup(i % 16 == 0 ? sock : null) < 0) {
			perror("fd-hold: dup");
			return 1;
		}
	return 0;
}

int
main(int argc, char *argv[])
{
	long procs, fds;
	int p[2];
	char c;

	if (argc != 3 || (procs = atol(argv[1])) < 1 || (fds = atol(argv[2])) < 3) {
		fprintf(stderr, "usage: fd-hold PROCS FDS\n");
		return 2;
	}
	if (pipe(p) < 0)
		return 1;
	for (long i = 0; i < procs; i++) {
		if (fork() == 0) {
			close(p[0]);
			c = hold(fds) == 0 ? 'y' : 'n';
			if (write(p[1], &c, 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	for (long i = 0; i < procs; i++)
		if (read(p[0], &c, 1) != 1 || c != 'y') {
			kill(0, SIGTERM);
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
