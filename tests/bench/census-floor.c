/*
 * The floor for the census benchmark: the least a program can do to count
 * TCP states, a raw NETLINK_SOCK_DIAG dump per family into one buffer,
 * no library, no tables.  Prints the total and each state's count.
 *
 *   census-floor       every state, the fixed message only
 *   census-floor -i    every state, with tcp_info (INET_DIAG_INFO) for
 *                      every full socket
 *   census-floor -s    split: every state but CLOSE_WAIT without tcp_info,
 *                      then CLOSE_WAIT alone with it (a second dump)
 *
 * The last two are what per-socket detail could cost at the least.
 *
 * Namespace files after the option (/run/netns/NAME) are entered in turn
 * (setns), one line each: the floor of a check of every namespace.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

static unsigned char buf[64 * 1024];

#define CLOSE_WAIT 8

static int
dump(int s, int family, unsigned states, int info, unsigned long long *st)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = states;
	if (info)
		req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			st[((struct inet_diag_msg *)NLMSG_DATA(h))->idiag_state & 15]++;
		}
	}
}

static int
dump_family(int s, int family, char mode, unsigned long long *st)
{
	if (mode == 's')
		return dump(s, family, 0xfff & ~(1u << CLOSE_WAIT), 0, st) < 0 ?
		    -1 :
		    dump(s, family, 1u << CLOSE_WAIT, 1, st);
	return dump(s, family, 0xfff, mode == 'i', st);
}

static int
count(char mode)
{
	unsigned long long st[16] = { 0 }, total = 0;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (s < 0 || dump_family(s, AF_INET, mode, st) < 0 ||
	    dump_family(s, AF_INET6, mode, st) < 0) {
		perror("census-floor");
		return 1;
	}
	close(s);
	for (int i = 0; i < 16; i++)
		total += st[i];
	printf("total %llu", total);
	for (int i = 1; i < 12; i++)
		printf(" %d:%llu", i, st[i]);
	putchar('\n');
	return 0;
}

int
main(int argc, char *argv[])
{
	char mode = 0;
	int first = 1;

	if (argc > 1 && argv[1][0] == '-') {
		mode = argv[1][1];
		first = 2;
	}
	if (argc <= first)
		return count(mode);
	for (int i = first; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
			perror(argv[i]);
			return 1;
		}
		close(fd);
		if (count(mode) != 0)
			return 1;
	}
	return 0;
}
