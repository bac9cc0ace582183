/*
 * Real connections for the tracer's test, counted by the process that
 * makes them, so the trace can be compared with its own counts.  Run it
 * inside a private network namespace; every address is 127.0.0.1.
 *
 *   trace-peer serve PORT [first]  accept; close after the peer (or first)
 *   trace-peer client PORT RATE SECONDS [wait]
 *                                  RATE connections a second, each closed
 *                                  at once (or after the server's close);
 *                                  prints "made N failed M"
 *   trace-peer exhaust PORT TRIES [MS]
 *                                  connect TRIES times keeping every
 *                                  socket (MS apart once they fail);
 *                                  prints "made N failed M"
 *                                  (EADDRNOTAVAIL failures)
 *   trace-peer closewait PORT N MS N connections; the accepting ends are
 *                                  closed one by one MS apart, each close's
 *                                  CLOCK_REALTIME printed as "closed T";
 *                                  then the connecting ends stay in
 *                                  CLOSE_WAIT until the process is killed
 *   trace-peer bench PORT N K      a server child and N connections from
 *                                  K client children, as fast as they go
 *                                  (the clients close first); prints
 *                                  "conns N seconds S cpu C": wall time
 *                                  and the CPU time of every process,
 *                                  user and system
 *   trace-peer abort PORT N        N connections, each closed with
 *                                  SO_LINGER 0 (a reset); prints "aborted N"
 *   trace-peer fail ADDR PORT N    N connects at once to ADDR:PORT, each
 *                                  waited for to its end; prints "refused R
 *                                  timedout T other O" (connect()'s errors)
 * Every mode but bench prints "ready" when it has its listener or starts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in addr;

static void
die(const char *what)
{
	fprintf(stderr, "trace-peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
listener(void)
{
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 4096) < 0)
		die("listen");
	return s;
}

static void
drain(int c)
{
	char b[64];

	while (read(c, b, sizeof(b)) > 0)
		;
}

static void
serve(int first)
{
	int s = listener();

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		if (!first)
			drain(c);
		close(c);
	}
}

/* One connection.  0, or connect()'s errno. */
static int
connect_once(int wait)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), e = 0;

	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		e = errno;
	else if (wait)
		drain(s);
	close(s);
	return e;
}

static int
client(double rate, double secs, int wait)
{
	long made = 0, failed = 0;
	double t0 = now(CLOCK_MONOTONIC);

	printf("ready\n");
	fflush(stdout);
	for (long i = 0; i < (long)(rate * secs); i++) {
		double due = t0 + (double)i / rate, left = due - now(CLOCK_MONOTONIC);
		int e;

		if (left > 0)
			usleep((useconds_t)(left * 1e6));
		e = connect_once(wait);
		if (e == 0)
			made++;
		else
			failed++;
	}
	printf("made %ld failed %ld\n", made, failed);
	return 0;
}

static int
exhaust(long tries, int ms)
{
	long made = 0, failed = 0;

	printf("ready\n");
	fflush(stdout);
	for (long i = 0; i < tries; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0)
			die("socket");
		if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			made++; /* kept open: its port stays taken */
			continue;
		}
		if (errno != EADDRNOTAVAIL)
			die("connect");
		failed++;
		close(s);
		usleep((useconds_t)ms * 1000);
	}
	printf("made %ld failed %ld\n", made, failed);
	fflush(stdout);
	pause();
	return 0;
}

static int
closewait(int n, int ms)
{
	int s = listener(), *acc = calloc((size_t)n, sizeof(int));

	if (acc == NULL)
		die("calloc");
	for (int i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			die("connect");
		if ((acc[i] = accept(s, NULL, NULL)) < 0)
			die("accept");
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		usleep((useconds_t)ms * 1000);
		close(acc[i]);
		printf("closed %.6f\n", now(CLOCK_REALTIME));
		fflush(stdout);
	}
	free(acc); /* the connecting ends stay open, in CLOSE_WAIT */
	printf("done\n");
	fflush(stdout);
	pause();
	return 0;
}

static int
abort_all(long n)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	long done = 0;

	printf("ready\n");
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			die("connect");
		done += setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0;
		close(s);
	}
	printf("aborted %ld\n", done);
	return 0;
}

static int
failing(const char *a, long n)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	long refused = 0, timedout = 0, other = 0, left = n;

	if (p == NULL || inet_pton(AF_INET, a, &addr.sin_addr) != 1)
		die("fail: address");
	printf("ready\n");
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		p[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		p[i].events = POLLOUT;
		if (p[i].fd < 0 ||
		    (connect(p[i].fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 &&
			errno != EINPROGRESS))
			die("connect");
	}
	while (left > 0 && poll(p, (nfds_t)n, -1) > 0) {
		for (long i = 0; i < n; i++) {
			int e = 0;
			socklen_t len = sizeof(e);

			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &e, &len);
			refused += e == ECONNREFUSED;
			timedout += e == ETIMEDOUT;
			other += e != ECONNREFUSED && e != ETIMEDOUT;
			close(p[i].fd);
			p[i].fd = -1;
			left--;
		}
	}
	printf("refused %ld timedout %ld other %ld\n", refused, timedout, other);
	free(p);
	return 0;
}

static double
cpu(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* k clients of n / k connections each; how many were made. */
static long
bench_clients(long n, int k)
{
	long made = 0;

	for (int j = 0; j < k; j++) {
		pid_t c = fork();

		if (c < 0)
			die("fork");
		if (c == 0) {
			long ok = 0;

			for (long i = 0; i < n / k; i++)
				ok += connect_once(0) == 0;
			_exit(ok == n / k ? 0 : 1);
		}
	}
	for (int j = 0; j < k; j++) {
		int st;

		if (wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			made += n / k;
	}
	return made;
}

static int
bench(long n, int k)
{
	int s = listener();
	double t0;
	long made;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (;;) {
			int c = accept(s, NULL, NULL);

			if (c >= 0) {
				drain(c);
				close(c);
			}
		}
	}
	close(s);
	t0 = now(CLOCK_MONOTONIC);
	made = bench_clients(n, k);
	t0 = now(CLOCK_MONOTONIC) - t0;
	sleep(1); /* the server's last closes */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf(
	    "conns %ld seconds %.3f cpu %.3f\n", made, t0, cpu(RUSAGE_SELF) + cpu(RUSAGE_CHILDREN));
	return made == n / k * k ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strcmp(argv[1], "serve") == 0) {
		serve(argc > 3 && strcmp(argv[3], "first") == 0);
		return 0;
	}
	if (strcmp(argv[1], "client") == 0 && argc >= 5)
		return client(
		    atof(argv[3]), atof(argv[4]), argc > 5 && strcmp(argv[5], "wait") == 0);
	if (strcmp(argv[1], "exhaust") == 0 && argc >= 4)
		return exhaust(atol(argv[3]), argc > 4 ? atoi(argv[4]) : 0);
	if (strcmp(argv[1], "abort") == 0 && argc >= 4)
		return abort_all(atol(argv[3]));
	if (strcmp(argv[1], "fail") == 0 && argc >= 5) {
		addr.sin_port = htons((uint16_t)atoi(argv[3]));
		return failing(argv[2], atol(argv[4]));
	}
	if (strcmp(argv[1], "bench") == 0 && argc >= 5 && atoi(argv[4]) > 0)
		return bench(atol(argv[3]), atoi(argv[4]));
	if (strcmp(argv[1], "closewait") == 0 && argc >= 5)
		return closewait(atoi(argv[3]), atoi(argv[4]));
	return 2;
}
