/*
 * Puts real TCP sockets into known states on loopback, for the census test
 * and benchmark.  Run it inside a private network namespace.
 *
 *   census-sockets [-t TW] [-T PORTS] [-c CW] [-C PROCS] [-e EST] [-E PROCS]
 *                  [-6] [-b BASEPORT] [-u UN]
 *
 * TW TIME_WAIT sockets on the connecting side, towards PORTS listeners on
 * 127.0.0.1 (ports BASE, BASE+1, ...); CW CLOSE_WAIT sockets held by PROCS
 * child processes (listeners on BASE+100+i), whose peers become orphaned
 * FIN_WAIT2; EST connected pairs (2 x EST ESTABLISHED sockets) held by
 * PROCS children, on ::1 with -6 (listeners on BASE+200+i).  UN
 * connections to a listener on BASE+300 that never accepts them, closed by
 * the client: CLOSE_WAIT sockets in its accept queue.  With -S each
 * CLOSE_WAIT holder forks a child that holds the same sockets.
 *
 *   -k KEEP   of the EST pairs, KEEP connecting ends set SO_KEEPALIVE
 *   -f B      a listener on BASE+400 with a backlog of B that never
 *             accepts: B + 1 connections fill its queue, 3 more are
 *             dropped (ListenOverflows)
 *   -x X      X connections to BASE+600 whose accepting end closes: the
 *             connecting ends, on ephemeral ports, sit in CLOSE_WAIT held
 *             by this process (a client's leak)
 *   -g MS     after "ready", one more such connection every MS ms (up to
 *             10000): client CLOSE_WAIT that grows
 *   -w W      W connections to BASE+500 whose connecting end calls
 *             shutdown(SHUT_WR) and keeps the socket: FIN_WAIT2 with an
 *             owner (and W CLOSE_WAIT on the accepting end, also kept)
 *
 * Prints "listen PORT PID" for each listener with the pid that owns it,
 * then "ready", and holds every socket until it is killed.  SIGTERM ends
 * every process it forked before it exits itself, so once a caller's
 * wait for it returns no socket of it is left (a listening port is free
 * for the next run).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH    1000
#define FULL_MAX 1024 /* -f at most */

static int v6;
static int share;              /* -S: CLOSE_WAIT holders fork a child that shares them */
static long keep;              /* -k: connecting ends that set SO_KEEPALIVE, left to set */
static int held[FULL_MAX + 1]; /* -f: the connections in the full queue */
static void
die(const char *what)
{
	fprintf(stderr, "census-sockets: %s: %s\n", what, strerror(errno));
	exit(1);
}

static pid_t kids[256]; /* this process's own children */
static volatile sig_atomic_t nkids;

/* SIGTERM: end and reap our children first, so that when this process is
 * gone, so are the sockets they inherited. */
static void
on_term(int sig)
{
	(void)sig;
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	for (int i = 0; i < nkids; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	_exit(0);
}

/* fork(), the child recorded in the parent; the child starts with none. */
static pid_t
fork_kid(void)
{
	pid_t pid;

	if (nkids >= (int)(sizeof(kids) / sizeof(kids[0])))
		die("too many children");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		nkids = 0;
		/* Die with the parent even if it is killed outright. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(0);
	} else {
		kids[nkids] = pid;
		nkids = nkids + 1;
	}
	return pid;
}

static int
listener(int port, int family)
{
	int one = 1, s = socket(family, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
			.sin6_port = htons((uint16_t)port),
			.sin6_addr = IN6ADDR_LOOPBACK_INIT };

		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("bind");
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("bind");
	}
	if (listen(s, 4096) < 0)
		die("listen");
	return s;
}

static int
connect_to(int port, int family)
{
	int s = socket(family, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	if (family == AF_INET6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
			.sin6_port = htons((uint16_t)port),
			.sin6_addr = IN6ADDR_LOOPBACK_INIT };

		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect");
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect");
	}
	return s;
}

/*
 * n connections to the listener l; close_client/close_server say which
 * ends are closed, client first.  Kept ends are leaked on purpose: they
 * live until the process ends.
 */
static void
connections(int l, int port, int family, long n, int close_client, int close_server)
{
	int c[BATCH], s[BATCH];

	while (n > 0) {
		int b = n > BATCH ? BATCH : (int)n;

		for (int i = 0; i < b; i++) {
			int one = 1;

			c[i] = connect_to(port, family);
			if (!close_client && keep > 0 &&
			    setsockopt(c[i], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0)
				keep--;
		}
		for (int i = 0; i < b; i++)
			if ((s[i] = accept(l, NULL, NULL)) < 0)
				die("accept");
		if (close_client)
			for (int i = 0; i < b; i++)
				close(c[i]);
		if (close_server) {
			char buf[1];

			/* Wait for the client's FIN so the client, not us,
			 * ends in TIME_WAIT. */
			for (int i = 0; i < b; i++) {
				(void)read(s[i], buf, sizeof(buf));
				close(s[i]);
			}
		}
		n -= b;
	}
}

/* A child that makes n connections to its listener l and holds them. */
static pid_t
holder(int l, int port, int family, long n, int close_client)
{
	pid_t pid;

	pid = fork_kid();
	if (pid == 0) {
		connections(l, port, family, n, close_client, 0);
		if (share && close_client) {
			if (fork_kid() == 0) {
				close(3);
				for (;;)
					pause();
			}
		}
		/* Tell the parent we are done by closing the pipe end. */
		close(3);
		for (;;)
			pause();
	}
	close(l);
	return pid;
}

/* A listener with a backlog of b that never accepts, its queue full and
 * three more connections dropped.  Everything is kept open. */
static void
full_listener(int port, int b)
{
	int l = listener(port, AF_INET);

	if (listen(l, b) < 0)
		die("listen");
	/* Kept open on purpose: they fill the queue until the process ends. */
	for (int i = 0; i <= b; i++)
		held[i] = connect_to(port, AF_INET);
	for (int i = 0; i < 3; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (s < 0 ||
		    (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS))
			die("connect");
	}
	printf("listen %d %d full %d (fds %d-%d)\n", port, (int)getpid(), b, held[0], held[b]);
}

/* One connection to the listener l on port whose accepting end closes:
 * the connecting end is left in CLOSE_WAIT, kept open on purpose. */
static void
client_close_wait(int l, int port)
{
	static int kept; /* the latest connecting end, never closed */
	int s;

	kept = connect_to(port, AF_INET);
	(void)kept;
	if ((s = accept(l, NULL, NULL)) < 0)
		die("accept");
	close(s);
}

/* n connections whose connecting end is shut down for writing and kept:
 * FIN_WAIT2 sockets a process still owns. */
static void
half_closed(int port, long n)
{
	int l = listener(port, AF_INET);

	for (long i = 0; i < n; i++) {
		int c = connect_to(port, AF_INET);

		if (accept(l, NULL, NULL) < 0)
			die("accept");
		if (shutdown(c, SHUT_WR) < 0)
			die("shutdown");
	}
	printf("listen %d %d fin_wait2 %ld\n", port, (int)getpid(), n);
}

int
main(int argc, char *argv[])
{
	long tw = 0, cw = 0, est = 0, un = 0, half = 0, ccw = 0, grow_ms = 0;
	int full = 0, cl = -1;
	int twports = 1, cwprocs = 1, estprocs = 1, base = 5000, opt;
	int nlisten;
	int *tl;
	int p[2];

	while ((opt = getopt(argc, argv, "t:T:c:C:e:E:6b:u:Sk:f:w:x:g:")) != -1) {
		switch (opt) {
		case 't':
			tw = atol(optarg);
			break;
		case 'T':
			twports = atoi(optarg);
			break;
		case 'c':
			cw = atol(optarg);
			break;
		case 'C':
			cwprocs = atoi(optarg);
			break;
		case 'e':
			est = atol(optarg);
			break;
		case 'E':
			estprocs = atoi(optarg);
			break;
		case '6':
			v6 = 1;
			break;
		case 'b':
			base = atoi(optarg);
			break;
		case 'u':
			un = atol(optarg);
			break;
		case 'S':
			share = 1;
			break;
		case 'k':
			keep = atol(optarg);
			break;
		case 'f':
			full = atoi(optarg);
			if (full > FULL_MAX)
				return 64;
			break;
		case 'x':
			ccw = atol(optarg);
			break;
		case 'g':
			grow_ms = atol(optarg);
			break;
		case 'w':
			half = atol(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: census-sockets [-t TW] [-T PORTS] [-c CW] "
			    "[-C PROCS] [-e EST] [-E PROCS] [-6] [-b BASEPORT] [-u UN] "
			    "[-S] [-k KEEP] [-f BACKLOG] [-w HALF] [-x CLIENT_CW] [-g MS]\n");
			return 64;
		}
	}
	if (twports < 1 || cwprocs < 1 || estprocs < 1 || twports > 100 || cwprocs > 100 ||
	    estprocs > 100)
		return 64;
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_handler = on_term };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Children signal completion by closing fd 3, a pipe's write end. */
	if (pipe(p) < 0)
		die("pipe");
	if (p[1] != 3) {
		if (dup2(p[1], 3) < 0)
			die("dup2");
		close(p[1]);
	}
	/* Every listener first: once connections start, ephemeral ports
	 * may take any free port of a wide range. */
	nlisten = tw > 0 ? twports : 0;
	tl = calloc((size_t)nlisten + (size_t)cwprocs + (size_t)estprocs, sizeof(*tl));
	if (tl == NULL)
		die("calloc");
	for (int i = 0; i < nlisten; i++)
		tl[i] = listener(base + i, AF_INET);
	for (int i = 0; cw > 0 && i < cwprocs; i++)
		tl[nlisten + i] = listener(base + 100 + i, AF_INET);
	for (int i = 0; est > 0 && i < estprocs; i++)
		tl[nlisten + cwprocs + i] = listener(base + 200 + i, v6 ? AF_INET6 : AF_INET);

	for (int i = 0; cw > 0 && i < cwprocs; i++) {
		long n = cw / cwprocs + (i < cw % cwprocs);
		pid_t pid = holder(tl[nlisten + i], base + 100 + i, AF_INET, n, 1);

		printf("listen %d %d close_wait %ld\n", base + 100 + i, (int)pid, n);
	}
	for (int i = 0; est > 0 && i < estprocs; i++) {
		static long all = -1;
		long n = est / estprocs + (i < est % estprocs);
		pid_t pid;

		/* Each holder sets its share of the keepalives. */
		if (all < 0)
			all = keep;
		keep = all / estprocs + (i < all % estprocs);
		pid = holder(
		    tl[nlisten + cwprocs + i], base + 200 + i, v6 ? AF_INET6 : AF_INET, n, 0);

		printf("listen %d %d established %ld\n", base + 200 + i, (int)pid, n);
	}
	keep = 0;
	close(3);

	for (int i = 0; i < nlisten; i++) {
		long n = tw / twports + (i < tw % twports);

		connections(tl[i], base + i, AF_INET, n, 1, 1);
		printf("listen %d %d time_wait %ld\n", base + i, (int)getpid(), n);
	}
	if (un > 0) {
		/* Never accepted: the listener stays open, its queue full of
		 * connections whose clients are gone. */
		int l = listener(base + 300, AF_INET);

		for (long i = 0; i < un; i++)
			close(connect_to(base + 300, AF_INET));
		printf("listen %d %d unaccepted %ld (fd %d)\n", base + 300, (int)getpid(), un, l);
	}
	if (full > 0)
		full_listener(base + 400, full);
	if (half > 0)
		half_closed(base + 500, half);
	if (ccw > 0 || grow_ms > 0) {
		cl = listener(base + 600, AF_INET);
		for (long i = 0; i < ccw; i++)
			client_close_wait(cl, base + 600);
		printf("listen %d %d client_close_wait %ld\n", base + 600, (int)getpid(), ccw);
	}
	/* Every child has closed its copy of the pipe when it is done. */
	{
		char b;

		while (read(p[0], &b, 1) != 0)
			if (errno != EINTR)
				break;
	}
	/* Let the last ACKs land: loopback is quick, but not instant. */
	usleep(200000);
	printf("ready\n");
	for (long i = 0; grow_ms > 0 && i < 10000; i++) {
		usleep((useconds_t)grow_ms * 1000);
		client_close_wait(cl, base + 600);
	}
	for (;;)
		pause();
}
