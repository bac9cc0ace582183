/*
 * tcptune: the command table and dispatch.  Everything else lives in
 * cmd.c (what every command shares), one file per command (cmd-*.c) and
 * the library (lib/).
 */
#include "config.h"

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
	&cmd_explain,
	&cmd_plan,
	&cmd_apply,
	&cmd_confirm,
	&cmd_rollback,
	&cmd_status,
	&cmd_profiles,
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

	env.ctx = tt_ctx_new(TCPTUNE_STATE_DIR);
	if (env.ctx == NULL) {
		cmd_err(&env, "out of memory");
		return EXIT_SOFTWARE;
	}
	tt_ctx_set_log(env.ctx, cmd_log_hook, &env);
	env.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;

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
	if (fflush(stdout) != 0 && r == EXIT_CLEAN)
		r = EXIT_SOFTWARE;
	tt_ctx_free(env.ctx);
	return r;
}
