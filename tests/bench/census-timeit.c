/*
 * Runs a command REPS times with its output thrown away and prints the
 * best and the median wall time in seconds and the largest peak RSS of
 * the command itself in KiB:  census-timeit REPS COMMAND [ARG...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	double t[64];
	long rss = 0;
	int reps;

	if (argc < 3 || (reps = atoi(argv[1])) < 1 || reps > 64) {
		fprintf(stderr, "usage: census-timeit REPS COMMAND [ARG...]\n");
		return 64;
	}
	for (int i = 0; i < reps; i++) {
		struct timespec a, b;
		struct rusage ru;
		int status;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		/* check exits 1 or 2 when it has findings: only >2 failed. */
		if (!WIFEXITED(status) || WEXITSTATUS(status) > 2) {
			fprintf(stderr, "census-timeit: %s failed\n", argv[2]);
			return 1;
		}
		t[i] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(t, (size_t)reps, sizeof(t[0]), cmp);
	printf("%.4f %.4f %ld\n", t[0], t[reps / 2], rss);
	return 0;
}
