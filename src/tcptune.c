/*
 * tcptune: the command table and dispatch.  Everything else lives in one
 * file per command (cmd-*.c) and in the library (lib/).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/sysctld.h"

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
	&cmd_help,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
log_stderr(void *data, int prio, const char *fmt, va_list ap)
{
	struct cmd_env *env = data;

	if (env->journal)
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "%s: %s", env->progname,
	    prio <= TT_LOG_ERR         ? "error: " :
		prio == TT_LOG_WARNING ? "warning: " :
					 "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cmd_err(struct cmd_env *env, const char *fmt, ...)
{
	va_list ap;

	if (env->journal)
		fprintf(stderr, "<%d>", TT_LOG_ERR);
	fprintf(stderr, "%s: ", env->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cmd_print_usage(FILE *f, struct cmd_env *env, const struct cmd *cmd)
{
	fprintf(f, "usage: %s %s %s\n", env->progname, cmd->name, cmd->usage);
	fprintf(f, "       %s\n", cmd->help);
	fprintf(f,
	    "common options: [--proc-root DIR] [--state-dir DIR] [--sysctl-root DIR] [--help]\n");
}

int
cmd_usage_error(struct cmd_env *env, const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", env->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_print_usage(stderr, env, cmd);
	return EXIT_USAGE;
}

int
cmd_common_option(struct cmd_env *env, const struct cmd *cmd, int opt, const char *arg)
{
	switch (opt) {
	case OPT_PROC_ROOT:
		if (arg[0] == '\0')
			return cmd_usage_error(env, cmd, "--proc-root needs a directory");
		return tt_ctx_set_proc_root(env->ctx, arg) < 0 ? EXIT_SOFTWARE : 1;
	case OPT_STATE_DIR:
		if (arg[0] == '\0')
			return cmd_usage_error(env, cmd, "--state-dir needs a directory");
		return tt_ctx_set_state_dir(env->ctx, arg) < 0 ? EXIT_SOFTWARE : 1;
	case OPT_SYSCTL_ROOT:
		if (arg[0] == '\0')
			return cmd_usage_error(env, cmd, "--sysctl-root needs a directory");
		return tt_ctx_set_sysctl_root(env->ctx, arg) < 0 ? EXIT_SOFTWARE : 1;
	case 'h':
		cmd_print_usage(stdout, env, cmd);
		return -1;
	case '?':
		cmd_print_usage(stderr, env, cmd);
		return EXIT_USAGE;
	default:
		return 0;
	}
}

int
cmd_format_option(
    struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out)
{
	if (strcmp(arg, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(arg, "json") == 0)
		*out = FORMAT_JSON;
	else
		return cmd_usage_error(env, cmd, "unknown format '%s' (text, json)", arg);
	return 0;
}

int
cmd_getopt(struct cmd_env *env, const struct cmd *cmd, int argc, char *argv[],
    const struct option *longopts, int *rc)
{
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		r = cmd_common_option(env, cmd, opt, optarg);
		if (r == 1)
			continue;
		if (r == 0)
			return opt;
		*rc = r < 0 ? EXIT_CLEAN : r;
		return CMD_OPT_STOP;
	}
	return -1;
}

int
cmd_exit_for_errno(int e)
{
	switch (-e) {
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ENODEV:
		return EXIT_NOINPUT;
	case EACCES:
	case EPERM:
	case EROFS:
		return EXIT_NOPERM;
	case EINVAL:
	case EFBIG:
	case ERANGE:
		return EXIT_DATAERR;
	default:
		return EXIT_SOFTWARE;
	}
}

void
cmd_print_diags(struct cmd_env *env, const struct tt_diags *d)
{
	char line[1024];

	for (size_t i = 0; i < d->n; i++) {
		const char *kind = d->v[i].prio <= TT_LOG_ERR ? "error" :
		    d->v[i].prio == TT_LOG_WARNING            ? "warning" :
								"notice";

		tt_diag_format(&d->v[i], line, sizeof(line));
		if (env->journal)
			fprintf(stderr, "<%d>", d->v[i].prio);
		fprintf(stderr, "%s: %s: %s\n", env->progname, kind, line);
	}
}

void
cmd_wrap(FILE *f, const char *text, int indent, int width)
{
	int col = indent;
	const char *s = text;

	while (*s) {
		size_t w;

		while (*s == ' ')
			s++;
		w = strcspn(s, " ");
		if (w == 0)
			break;
		if (col > indent && col + 1 + (int)w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, w, f);
		col += (int)w;
		s += w;
	}
	fputc('\n', f);
}

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
	    "COMMAND [ARGS]\n"
	    "       %s --version | --help\n\ncommands:\n",
	    progname, progname);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->help);
	fprintf(f, "\n`%s help COMMAND` or `%s COMMAND --help` tells more.\n", progname, progname);
}

static int
run_help(struct cmd_env *env, int argc, char *argv[])
{
	const struct cmd *c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout, env->progname);
		return EXIT_CLEAN;
	}
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
	.usage = "[COMMAND]",
	.help = "list the commands, or show how to use one",
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
	tt_ctx_set_log(env.ctx, log_stderr, &env);
	env.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;

	/* Options before the command; '+' stops at the command name. */
	while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
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
