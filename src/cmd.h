/*
 * The command layer: one file per command, each parsing its own options,
 * calling the library, printing, and choosing the exit code.
 */
#ifndef TCPTUNE_CMD_H
#define TCPTUNE_CMD_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/ctx.h"
#include "lib/diag.h"
#include "lib/rules.h"

/* Exit codes (sysexits(3) numbers for the errors). */
enum {
	EXIT_CLEAN = 0,    /* no warning */
	EXIT_WARNINGS = 1, /* warnings found */
	EXIT_CRITICAL = 2, /* critical findings */
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,     /* bad profile, refused plan */
	EXIT_NOINPUT = 66,     /* missing input file */
	EXIT_UNAVAILABLE = 69, /* trace: not built in, no BTF, the kernel refused */
	EXIT_SOFTWARE = 70,
	EXIT_CANTCREAT = 73, /* the journal cannot be written (full, read-only) */
	EXIT_IOERR = 74,     /* a write failed; everything was put back */
	EXIT_TEMPFAIL = 75,  /* busy, interrupted or waiting: try again later */
	EXIT_NOPERM = 77,
};

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_PROMETHEUS, /* node_exporter's textfile collector: check and status */
};

/* What every command gets: the library context and the global options. */
struct cmd_env {
	struct tt_ctx *ctx;
	const char *progname;
	bool color; /* colour allowed on standard output */
	/* Messages go to the systemd journal: each line starts with its
	 * syslog priority as "<N>" (apply --boot). */
	bool journal;
	/* -v, --verbose: debug messages too, the library's among them. */
	bool verbose;
	/* apply, rollback, confirm: the exit code describes what happened
	 * to the kernel, so a failed output is reported, not folded in. */
	bool changes_kernel;
	/* -q, --quiet: errors only on standard error. */
	bool quiet;
	/* `help --options COMMAND`: the command's cmd_getopt() prints its
	 * option table, one option a line, and the command ends there. */
	bool list_options;
	/* --netns NAME|PID|PATH of plan, apply, rollback, status and
	 * confirm: kept by the option parser, entered by the command when
	 * its options end (cmd_netns_enter_option(), cmd-netns.h). */
	const char *netns;
	/* The namespace entered for the rest of the run ("" none). */
	char netns_name[256];
};

struct cmd {
	const char *name;
	int (*run)(struct cmd_env *env, int argc, char *argv[]);
	const char *usage; /* options and operands, after the command name */
	const char *help;  /* one line */
};

/* Long options every command takes; OPT_* values above any short option. */
enum {
	OPT_PROC_ROOT = 0x100,
	OPT_STATE_DIR,
	OPT_FORMAT,
	OPT_COLOR,
	OPT_SYSCTL_ROOT,
	OPT_TUNED_DIR,
	OPT_QUIET,
	OPT_NETNS_ENTER,
	OPT_CMD_BASE = 0x200, /* commands number their own long options from here */
};

#define COMMON_LONG_OPTIONS                                                             \
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },                        \
	    { "state-dir", required_argument, NULL, OPT_STATE_DIR },                    \
	    { "sysctl-root", required_argument, NULL, OPT_SYSCTL_ROOT },                \
	    { "tuned-dir", required_argument, NULL, OPT_TUNED_DIR },                    \
	    { "verbose", no_argument, NULL, 'v' }, { "quiet", no_argument, NULL, 'q' }, \
	{                                                                               \
		"help", no_argument, NULL, 'h'                                          \
	}

/* --netns for the commands that change or show one namespace's keys. */
#define NETNS_LONG_OPTION                                         \
	{                                                         \
		"netns", required_argument, NULL, OPT_NETNS_ENTER \
	}

/*
 * Handles an option from COMMON_LONG_OPTIONS.  Returns 1 when handled, 0 when
 * it is not a common option, or an exit code (> 1) on error.  For 'h' it
 * prints the command's usage and returns -1: the caller exits 0.
 */
int cmd_common_option(struct cmd_env *env, const struct cmd *cmd, int opt, const char *arg);
/* --format text|json: 0, or EXIT_USAGE after saying what is wrong. */
int cmd_format_option(
    struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out);
/* The same for a command that also writes metrics: text|json|prometheus. */
int cmd_format_option_metrics(
    struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out);

/*
 * getopt_long() for a command, with the common options handled here.
 * Returns the next option that is the command's own, -1 after the last
 * option, or CMD_OPT_STOP with *rc set when the command must end now
 * (0 after --help, the exit code of a usage error).
 */
#define CMD_OPT_STOP (-2)
/* What a command's option parser returns when the command goes on; any
 * other value is the exit code to end with. */
#define CMD_CONTINUE (-1)
int cmd_getopt(struct cmd_env *env, const struct cmd *cmd, int argc, char *argv[],
    const struct option *longopts, int *rc);
/* Prints an option table for the shell's completion: "--name", with " ARG"
 * after one that takes an argument, one a line. */
void cmd_print_options(FILE *f, const struct option *longopts);
/* Reports an unknown option or bad operand and returns EXIT_USAGE. */
int cmd_usage_error(struct cmd_env *env, const struct cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cmd_print_usage(FILE *f, struct cmd_env *env, const struct cmd *cmd);

/*
 * Maps 0 or a negative errno from the library to an exit code: the one map
 * of every command.  EXIT_IOERR is not in it: "a write failed and every key
 * was put back" is what tt_apply() means by -EIO, and only apply says it.
 */
int cmd_exit_for_errno(int e);
/* The exit code of check's worst finding: 0 clean, 1 warnings, 2 critical. */
int cmd_exit_for_worst(enum tt_severity worst);

/* Prints profile diagnostics to standard error. */
void cmd_print_diags(struct cmd_env *env, const struct tt_diags *d);

/*
 * Messages for a person, on standard error: "tcptune: ", the kind when
 * given ("error", "warning", ...), and the text, with the syslog priority
 * in front as "<N>" when the journal reads them (env->journal).  Messages
 * of a priority above notice (debug with --verbose) are dropped.
 */
void cmd_vmessage(struct cmd_env *env, int prio, const char *kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
void cmd_message(struct cmd_env *env, int prio, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The library's log function (tt_log_fn): data is the struct cmd_env. */
void cmd_log_hook(void *data, int prio, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* An error of the front end's own: "tcptune: " and the text. */
void cmd_err(struct cmd_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A line of a report the journal reads (apply --boot), on standard output:
 * the text, with "<N>" in front when env->journal.  Never dropped.
 */
void cmd_report(struct cmd_env *env, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * How to run verb for the namespace this run is about: "tcptune VERB",
 * with "--netns NAME" when one was given (quoted for a shell when it
 * needs it).  Four results stay valid at once.
 */
const char *cmd_hint(const struct cmd_env *env, const char *verb);
/*
 * s made safe for a terminal into buf: control characters (C0, DEL, C1 in
 * UTF-8) and the backslash written as \xNN, so that a process name or a
 * path cannot move the cursor or change colours.  Returns buf, cut at len.
 */
const char *cmd_term_str(const char *s, char *buf, size_t len);

/* Word-wraps text to width, each line after the first indented by indent,
 * with control characters escaped as cmd_term_str() does. */
void cmd_wrap(FILE *f, const char *text, int indent, int width);

extern const struct cmd cmd_apply;
extern const struct cmd cmd_check;
extern const struct cmd cmd_confirm;
extern const struct cmd cmd_explain;
extern const struct cmd cmd_help;
extern const struct cmd cmd_plan;
extern const struct cmd cmd_profiles;
extern const struct cmd cmd_export;
extern const struct cmd cmd_rollback;
extern const struct cmd cmd_status;
extern const struct cmd cmd_trace;
extern const struct cmd cmd_watch;

/* Declared apart, by the file that defines them: cmd_snapshot()
 * (cmd-snapshot.h) and profiles by name (cmd-profiles.h). */
#include "cmd-profiles.h"
#include "cmd-snapshot.h"

#endif
