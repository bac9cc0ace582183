/*
 * Short connections on loopback at a known rate, for the rates test.  Run
 * it inside a private network namespace.
 *
 *   churn -p PORT -r RATE -d SECONDS   RATE connections a second for SECONDS
 *   churn -p PORT -f                   as fast as possible until connect()
 *                                      fails for want of a local port
 *   churn -p PORT -r RATE -d SECONDS -v PCT
 *                                      the rate changes every second by up
 *                                      to PCT percent either way, in a fixed
 *                                      sequence (noise around RATE)
 *
 * A child listens on 127.0.0.1:PORT and accepts; the client closes each
 * connection first, so its end holds the local port in TIME_WAIT.  Prints
 * "ready" once listening, and at the end "made N failed M" (connections
 * made, connect() failures).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loadgen.h"

const char *lg_prog = "churn";

/*
 * When connection i is due: evenly spaced at rate, or with vary, at a rate
 * that changes every second, rate x (1 + vary x f) for f in a fixed
 * sequence in [-1, 1]; the whole run keeps rate x seconds connections.
 */
static double
due_at(double t0, long i, double rate, double vary)
{
	static const double f[] = { -1, 1, 0, -0.6, 0.8, -0.2, 0.4, -1, 1, -0.4 };
	double sec = 0, left = (double)i;

	if (vary <= 0)
		return t0 + (double)i / (rate > 0 ? rate : 1e9);
	for (int k = 0;; k++) {
		double r = rate * (1 + vary * f[k % (sizeof(f) / sizeof(f[0]))]);

		if (left < r)
			return t0 + sec + left / r;
		left -= r;
		sec += 1;
	}
}

int
main(int argc, char **argv)
{
	double rate = 0, secs = 0, vary = 0, t0;
	int opt, fill = 0, port = 0;
	long made = 0, failed = 0;
	struct sockaddr_in addr = { 0 };
	pid_t srv;

	while ((opt = getopt(argc, argv, "p:r:d:fv:")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'r')
			rate = atof(optarg);
		else if (opt == 'd')
			secs = atof(optarg);
		else if (opt == 'f')
			fill = 1;
		else if (opt == 'v')
			vary = atof(optarg) / 100;
		else
			return 2;
	}
	if (port <= 0 || (!fill && (rate <= 0 || secs <= 0)))
		return 2;
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = lg_server(&addr);
	printf("ready\n");
	fflush(stdout);
	t0 = lg_now();
	for (long i = 0; fill || i < (long)(rate * secs); i++) {
		int e;

		if (!fill)
			lg_sleep_until(due_at(t0, i, rate, vary));
		e = lg_connect_once(&addr);
		if (e == 0)
			made++;
		else if (e == EADDRNOTAVAIL) {
			failed++;
			if (fill)
				break;
		} else {
			errno = e;
			lg_die("connect");
		}
	}
	printf("made %ld failed %ld\n", made, failed);
	fflush(stdout);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	return 0;
}
