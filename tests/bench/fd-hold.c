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
	struct rlimit rl;
	int null = open("/dev/null", O_RDONLY), sock = socket(AF_UNIX, SOCK_DGRAM, 0);

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)fds + 64)
		rl.rlim_cur = rl.rlim_max < (rlim_t)fds + 64 ? rl.rlim_max : (rlim_t)fds + 64;
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

static void
sigwait_term(const pid_t *kids, long procs)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	for (long k = 0; k < procs; k++)
		kill(kids[k], SIGKILL);
	while (wait(NULL) > 0)
		;
}

int
main(int argc, char *argv[])
{
	long procs, fds;
	pid_t *kids;
	int p[2];
	char c;

	if (argc != 3 || (procs = atol(argv[1])) < 1 || (fds = atol(argv[2])) < 3) {
		fprintf(stderr, "usage: fd-hold PROCS FDS\n");
		return 2;
	}
	kids = calloc((size_t)procs, sizeof(*kids));
	if (kids == NULL || pipe(p) < 0) {
		free(kids);
		return 1;
	}
	for (long i = 0; i < procs; i++) {
		if ((kids[i] = fork()) == 0) {
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
			for (long k = 0; k < procs; k++)
				if (kids[k] > 0)
					kill(kids[k], SIGTERM);
			free(kids);
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	/* Killed, the children go too. */
	sigwait_term(kids, procs);
	free(kids);
	return 0;
}
