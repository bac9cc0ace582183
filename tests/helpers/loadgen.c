/* What the load generators share: see loadgen.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

void
lg_die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", lg_prog, what, strerror(errno));
	exit(1);
}

double
lg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
lg_sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

pid_t
lg_server(const struct sockaddr_in *addr)
{
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	if (s < 0)
		lg_die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (const struct sockaddr *)addr, sizeof(*addr)) < 0 || listen(s, 4096) < 0)
		lg_die("listen");
	pid = fork();
	if (pid < 0)
		lg_die("fork");
	if (pid > 0) {
		close(s);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		char b[16];
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		while (read(c, b, sizeof(b)) > 0)
			;
		close(c);
	}
}

int
lg_connect_once(const struct sockaddr_in *addr)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), e = 0;

	if (s < 0)
		lg_die("socket");
	if (connect(s, (const struct sockaddr *)addr, sizeof(*addr)) < 0)
		e = errno;
	close(s);
	return e;
}
