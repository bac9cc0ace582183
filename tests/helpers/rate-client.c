/*
 * A client that opens connections at a known rate and keeps its own exact
 * count of them, for the exact-rates test.  Run it inside a private
 * network namespace.
 *
 *   rate-client -p PORT -r RATE [-R END_RATE] -d SECONDS -o LOG [-a ADDR] [-s]
 *
 * A child listens on ADDR:PORT (127.0.0.1 by default) and accepts; the
 * client connects RATE times a second, rising evenly to END_RATE over
 * SECONDS when given, and closes each connection first, so its end holds
 * the local port in TIME_WAIT.  Each connection is due at an absolute
 * time (CLOCK_MONOTONIC, clock_nanosleep with TIMER_ABSTIME), so a late
 * wake-up is caught up, never carried over.  -s stops one second after
 * the first connect() that finds no local port.
 *
 * LOG gets one line per connect(): its CLOCK_MONOTONIC time in seconds
 * when it returned and "ok" or "fail" (EADDRNOTAVAIL), then a last line
 * "# made N failed M first_fail T max_late S" (T is 0 without a failure;
 * S is how far in seconds the client fell behind its schedule at worst).
 * Any other connect() error ends it with status 1.  Prints "ready" once
 * listening.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loadgen.h"

const char *lg_prog = "rate-client";

/*
 * When connection i is due, seconds after the start: the rate rises
 * evenly from r0 to r1 over secs, so i = r0 t + (r1 - r0) t^2 / (2 secs).
 */
static double
due_at(long i, double r0, double r1, double secs)
{
	double a = (r1 - r0) / (2 * secs);

	if (fabs(a) < 1e-12)
		return (double)i / r0;
	return (-r0 + sqrt(r0 * r0 + 4 * a * (double)i)) / (2 * a);
}

int
main(int argc, char **argv)
{
	double r0 = 0, r1 = -1, secs = 0, t0, first_fail = 0, late = 0, stop_at = 0;
	const char *log = NULL, *ip = "127.0.0.1";
	int opt, stop = 0, port = 0;
	long made = 0, failed = 0;
	FILE *f;
	struct sockaddr_in addr = { 0 };
	pid_t srv;

	while ((opt = getopt(argc, argv, "p:r:R:d:o:a:s")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'r')
			r0 = atof(optarg);
		else if (opt == 'R')
			r1 = atof(optarg);
		else if (opt == 'd')
			secs = atof(optarg);
		else if (opt == 'o')
			log = optarg;
		else if (opt == 'a')
			ip = optarg;
		else if (opt == 's')
			stop = 1;
		else
			return 2;
	}
	if (r1 < 0)
		r1 = r0;
	if (port <= 0 || r0 <= 0 || r1 <= 0 || secs <= 0 || log == NULL)
		return 2;
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1)
		return 2;
	if ((f = fopen(log, "w")) == NULL)
		lg_die(log);
	srv = lg_server(&addr);
	printf("ready\n");
	fflush(stdout);
	t0 = lg_now();
	for (long i = 0;; i++) {
		double due = due_at(i, r0, r1, secs), t;
		int e;

		if (due >= secs || (stop_at > 0 && t0 + due >= stop_at))
			break;
		lg_sleep_until(t0 + due);
		if (lg_now() - (t0 + due) > late)
			late = lg_now() - (t0 + due);
		e = lg_connect_once(&addr);
		t = lg_now();
		if (e == 0) {
			made++;
			fprintf(f, "%.6f ok\n", t);
		} else if (e == EADDRNOTAVAIL) {
			failed++;
			fprintf(f, "%.6f fail\n", t);
			if (first_fail == 0) {
				first_fail = t;
				if (stop)
					stop_at = t + 1;
			}
		} else {
			errno = e;
			lg_die("connect");
		}
	}
	fprintf(f, "# made %ld failed %ld first_fail %.6f max_late %.3f\n", made, failed,
	    first_fail, late);
	if (fclose(f) != 0)
		lg_die(log);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	return 0;
}
