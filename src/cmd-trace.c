/*
 * tcptune trace: who opens, accepts and closes TCP connections, who fails
 * to connect and why, and since when sockets wait in CLOSE_WAIT, per
 * process and peer, for a while (docs/trace.md).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json.h"
#include "lib/netns.h"
#include "lib/trace.h"
#include "out-trace.h"

struct trace_opts {
	double duration;
	const char *netns; /* NULL: the namespace tcptune runs in */
	bool all;
	enum trace_format format;
	const char *btf;
};

enum {
	OPT_DURATION = OPT_CMD_BASE,
	OPT_NETNS,
	OPT_ALL,
	OPT_BTF
};

static int
trace_parse(struct cmd_env *env, int argc, char *argv[], struct trace_opts *o)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "all-namespaces", no_argument, NULL, OPT_ALL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;
	char *end;

	while ((opt = cmd_getopt(env, &cmd_trace, argc, argv, longopts, &rc)) != -1) {
		if (opt == CMD_OPT_STOP)
			return rc;
		if (opt == OPT_DURATION) {
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) ||
			    o->duration > 86400)
				return cmd_usage_error(env, &cmd_trace,
				    "--duration '%s': seconds, more than 0 and at most 86400",
				    optarg);
		} else if (opt == OPT_NETNS) {
			o->netns = optarg;
		} else if (opt == OPT_ALL) {
			o->all = true;
		} else if (opt == OPT_BTF) {
			o->btf = optarg;
		} else if (opt == OPT_FORMAT) {
			if (strcmp(optarg, "text") == 0)
				o->format = TRACE_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = TRACE_JSON;
			else if (strcmp(optarg, "prometheus") == 0)
				o->format = TRACE_PROMETHEUS;
			else
				return cmd_usage_error(env, &cmd_trace,
				    "unknown format '%s' (text, json, prometheus)", optarg);
		} else {
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cmd_usage_error(env, &cmd_trace, "unexpected operand '%s'", argv[optind]);
	if (o->all && o->netns)
		return cmd_usage_error(
		    env, &cmd_trace, "--netns and --all-namespaces exclude each other");
	return CMD_CONTINUE;
}

/* The namespace to trace: its inode, 0 for every one.  0 or an exit code. */
static int
trace_target(struct cmd_env *env, const struct trace_opts *o, uint32_t *ino)
{
	struct tt_netns ns;
	dev_t dev;
	ino_t i;
	int r;

	*ino = 0;
	if (o->all)
		return 0;
	if (o->netns == NULL) {
		r = tt_netns_self(env->ctx, &dev, &i);
	} else {
		r = tt_netns_open(env->ctx, o->netns, NULL, &ns);
		i = ns.ino;
		if (r == 0)
			tt_netns_close(&ns);
	}
	if (r < 0) {
		cmd_err(env, "network namespace %s: %s", o->netns ? o->netns : "of this process",
		    strerror(-r));
		return cmd_exit_for_errno(r);
	}
	*ino = (uint32_t)i;
	return 0;
}

/* Why tracing cannot start, and the documented exit code. */
static int
trace_refused(struct cmd_env *env, int r, const char *btf)
{
	switch (r) {
	case -EOPNOTSUPP:
		cmd_err(env,
		    "tracing is not built in (configured --without-bpf, or clang, "
		    "libbpf or bpftool were missing)");
		return EXIT_UNAVAILABLE;
	case -ENOENT:
		cmd_err(env,
		    "the kernel has no BTF type information at %s: tracing needs a kernel "
		    "built with CONFIG_DEBUG_INFO_BTF",
		    btf ? btf : "/sys/kernel/btf/vmlinux");
		return EXIT_UNAVAILABLE;
	case -EACCES:
		cmd_err(env,
		    "kernel lockdown (confidentiality) forbids BPF programs that read "
		    "kernel memory: tracing is not possible on this boot");
		return EXIT_NOPERM;
	case -EPERM:
		cmd_err(env,
		    "loading BPF programs is not permitted: tracing needs CAP_BPF and "
		    "CAP_PERFMON (or CAP_SYS_ADMIN)");
		return EXIT_NOPERM;
	default:
		cmd_err(env, "the kernel refused the tracer (%s); -v tells more", strerror(-r));
		return EXIT_UNAVAILABLE;
	}
}

/* Waits for the duration, or until SIGINT, SIGTERM or SIGHUP. */
static void
trace_wait(double seconds)
{
	struct timespec end, now, left;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)seconds;
	end.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return;
		if (sigtimedwait(&set, NULL, &left) >= 0 || errno != EINTR)
			return;
	}
}

/* The report, with each namespace named when there are several. */
static void
trace_names(struct cmd_env *env, const struct trace_opts *o, const struct tt_trace_report *rep)
{
	struct tt_netns_list l = { 0 };
	bool named = o->all && tt_netns_list(env->ctx, NULL, &l) == 0;

	out_trace(stdout, o->format, rep, named ? &l : NULL);
	if (named)
		tt_netns_list_free(&l);
	if (rep->lost[TT_TRACE_LOST_TABLE_FULL] || rep->lost[TT_TRACE_LOST_CW_FULL])
		cmd_message(env, TT_LOG_WARNING, "warning",
		    "the tracer's tables were full: %llu events and %llu CLOSE_WAIT sockets "
		    "were not recorded",
		    (unsigned long long)rep->lost[TT_TRACE_LOST_TABLE_FULL],
		    (unsigned long long)rep->lost[TT_TRACE_LOST_CW_FULL]);
}

static int
trace_run(struct cmd_env *env, int argc, char *argv[])
{
	struct trace_opts o = { .duration = 10, .format = TRACE_TEXT };
	struct tt_trace_opts to = { 0 };
	struct tt_trace_report rep;
	struct tt_trace *t;
	int r;

	if ((r = trace_parse(env, argc, argv, &o)) != CMD_CONTINUE)
		return r;
	if ((r = trace_target(env, &o, &to.netns)) != 0)
		return r;
	to.btf_path = o.btf;
	to.lockdown_path = getenv("TCPTUNE_LOCKDOWN_FILE");
	if ((r = tt_trace_open(env->ctx, &to, &t)) < 0)
		return trace_refused(env, r, o.btf);
	trace_wait(o.duration);
	r = tt_trace_read(t, &rep);
	tt_trace_close(t);
	if (r < 0) {
		cmd_err(env, "reading the tracer's maps: %s", strerror(-r));
		return EXIT_SOFTWARE;
	}
	trace_names(env, &o, &rep);
	tt_trace_report_free(&rep);
	return EXIT_CLEAN;
}

const struct cmd cmd_trace = {
	.name = "trace",
	.run = trace_run,
	.usage = "[--duration SECONDS] [--netns NAME|PID|PATH | --all-namespaces] "
		 "[--format text|json|prometheus] [--btf FILE]",
	.help = "who opens, closes and fails connections (BPF)",
};
