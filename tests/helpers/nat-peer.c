/*
 * A TCP peer for the NAT namespace tests.
 *
 *   nat-peer listen ADDR PORT        accept connections and keep them open
 *   nat-peer connect ADDR PORT N     open N connections and keep them open
 *   nat-peer connect ADDR PORT N keepalive
 *                                    the same, each with SO_KEEPALIVE set
 *
 * Each prints one line ("listening", "connected N") once it is ready, then
 * waits until it is killed, so the connections stay in conntrack while
 * tcptune looks at them.  IPv4 only: the tests use IPv4 addresses.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
address(const char *host, const char *port, struct sockaddr_in *sin)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (*end != '\0' || p <= 0 || p > 65535 || inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	sin->sin_port = htons((uint16_t)p);
	return 0;
}

static int
do_listen(const struct sockaddr_in *sin)
{
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (const struct sockaddr *)sin, sizeof(*sin)) < 0 || listen(s, 64) < 0) {
		perror("nat-peer: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	/* Accepted sockets are never closed: the test kills us. */
	for (;;)
		if (accept(s, NULL, NULL) < 0 && errno != EINTR && errno != ECONNABORTED) {
			perror("nat-peer: accept");
			return 1;
		}
}

static int
do_connect(const struct sockaddr_in *sin, long n, int keepalive)
{
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 ||
		    setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &keepalive, sizeof(keepalive)) < 0 ||
		    connect(s, (const struct sockaddr *)sin, sizeof(*sin)) < 0) {
			perror("nat-peer: connect");
			return 1;
		}
	}
	printf("connected %ld\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;

	if (argc >= 4 && address(argv[2], argv[3], &sin) == 0) {
		if (argc == 4 && strcmp(argv[1], "listen") == 0)
			return do_listen(&sin);
		if (argc == 5 && strcmp(argv[1], "connect") == 0 && atol(argv[4]) > 0)
			return do_connect(&sin, atol(argv[4]), 0);
		if (argc == 6 && strcmp(argv[1], "connect") == 0 && atol(argv[4]) > 0 &&
		    strcmp(argv[5], "keepalive") == 0)
			return do_connect(&sin, atol(argv[4]), 1);
	}
	fprintf(stderr, "usage: nat-peer listen ADDR PORT | connect ADDR PORT N [keepalive]\n");
	return 64;
}
