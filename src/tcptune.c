/*
 * tcptune: the command table and dispatch.  Everything else lives in
 * cmd.c (what every command shares), one file per command (cmd-*.c) and
 * the library (lib/).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#ifndef TCPTUNE_STATE_DIR
#define TCPTUNE_STATE_DIR "/var/lib/tcptune"
#endif

static const struct cmd *const commands[] = {
	&cmd_check,
	&cmd_watch,
	&cmd_explain,
	&cmd_plan,
	&cmd_apply,
	&cmd_confirm,
	&cmd_rollback,
	&cmd_status,
	&cmd_trace,
	&cmd_profiles,
	&cmd_export,
	&cmd_help,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cmd *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void
main_usage(FILE *f, const char *progname)
{
	fprintf(f,
	    "usage: %s [--proc-root DIR] [--state-dir DIR] [--sysctl-root DIR] "
	    "[--tuned-dir DIR] [-v|--verbose] [-q|--quiet] COMMAND [ARGS]\n"
	    "       %s --version | --help\n\ncommands:\n",
	    progname, progname);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->help);
	fprintf(f, "\n`%s help COMMAND` or `%s COMMAND --help` tells more.\n", progname, progname);
}

/*
 * help --commands, help --options [COMMAND]: what the shell's completion
 * reads.  The options come from the tables the commands parse with, so
 * the two cannot drift apart.
 */
static int
help_lists(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option main_options[] = {
		COMMON_LONG_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c;
	char *args[2];

	if (strcmp(argv[1], "--commands") == 0) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			printf("%s\n", commands[i]->name);
		return EXIT_CLEAN;
	}
	if (argc < 3) {
		cmd_print_options(stdout, main_options);
		return EXIT_CLEAN;
	}
	c = find_command(argv[2]);
	if (c == NULL) {
		cmd_err(env, "unknown command '%s'", argv[2]);
		return EXIT_USAGE;
	}
	if (c == &cmd_help)
		return EXIT_CLEAN;
	args[0] = argv[2];
	args[1] = NULL;
	env->list_options = true;
	optind = 0;
	return c->run(env, 1, args);
}

static int
run_help(struct cmd_env *env, int argc, char *argv[])
{
	const struct cmd *c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout, env->progname);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--commands") == 0 || strcmp(argv[1], "--options") == 0)
		return help_lists(env, argc, argv);
	c = find_command(argv[1]);
	if (c == NULL) {
		cmd_err(env, "unknown command '%s'", argv[1]);
		return EXIT_USAGE;
	}
	cmd_print_usage(stdout, env, c);
	return EXIT_CLEAN;
}

const struct cmd cmd_help = {
	.name = "help",
	.run = run_help,
	.usage = "[COMMAND] | --commands | --options [COMMAND]",
	.help = "list the commands, or show how to use one (--commands, --options: "
		"one a line, for completion)",
};

/*
 * Descriptors 0, 1 and 2 closed by the caller would be reused by the first
 * files tcptune opens (a journal, the timer's pipe), and output meant for
 * the terminal would land there: they are opened on /dev/null first.
 */
static void
sane_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EXIT_SOFTWARE);
	}
}

/* Standard output is flushed at the end; r: the command's exit code. */
static int
finish_output(struct cmd_env *env, int r)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return r;
	if (env->changes_kernel) {
		/* The kernel is as the exit code says; only the report is
		 * lost. */
		cmd_err(env, "cannot write to standard output: %s", strerror(errno));
		return r;
	}
	return r == EXIT_CLEAN ? EXIT_SOFTWARE : r;
}

/* Colour on a terminal, unless NO_COLOR is set to something (set but
 * empty does not count, as no-color.org says) or TERM says it cannot. */
static bool
want_color(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (!isatty(STDOUT_FILENO) || (no != NULL && no[0] != '\0'))
		return false;
	return term == NULL || strcmp(term, "dumb") != 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_env env = { .progname = "tcptune" };
	const struct cmd *c;
	int opt, r;

	sane_std_fds();
	/* A reader that went away (a dropped SSH session) must not end
	 * tcptune between two key writes: writes to it fail instead. */
	signal(SIGPIPE, SIG_IGN);

	env.ctx = tt_ctx_new(TCPTUNE_STATE_DIR);
	if (env.ctx == NULL) {
		cmd_err(&env, "out of memory");
		return EXIT_SOFTWARE;
	}
	tt_ctx_set_log(env.ctx, cmd_log_hook, &env);
	env.color = want_color();

	/* Options before the command; '+' stops at the command name. */
	while ((opt = getopt_long(argc, argv, "+hvqV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			r = EXIT_CLEAN;
			goto out;
		case 'h':
			main_usage(stdout, env.progname);
			r = EXIT_CLEAN;
			goto out;
		case OPT_PROC_ROOT:
		case OPT_STATE_DIR:
		case OPT_SYSCTL_ROOT:
		case OPT_TUNED_DIR:
		case 'v':
		case 'q':
			r = cmd_common_option(&env, &cmd_help, opt, optarg);
			if (r != 1)
				goto out;
			break;
		default:
			main_usage(stderr, env.progname);
			r = EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		main_usage(stderr, env.progname);
		r = EXIT_USAGE;
		goto out;
	}
	c = find_command(argv[optind]);
	if (c == NULL) {
		cmd_err(&env, "unknown command '%s' (see '%s help')", argv[optind], env.progname);
		r = EXIT_USAGE;
		goto out;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* a fresh getopt_long() scan for the command */
	r = c->run(&env, argc, argv);
out:
	r = finish_output(&env, r);
	tt_ctx_free(env.ctx);
	return r;
}
