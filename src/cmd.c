/*
 * What every command shares: the common options, usage and error
 * messages, diagnostics, exit codes, and word-wrapped text.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lib/sysctld.h"

/*
 * The one function that writes a line for a person: the priority as "<N>"
 * when the journal reads the line (apply --boot), then head and kind when
 * given ("tcptune: ", "error: "), then the text.
 */
static void
write_line(struct cmd_env *env, FILE *f, int prio, const char *head, const char *kind,
    const char *fmt, va_list ap)
{
	if (env->journal)
		fprintf(f, "<%d>", prio);
	if (head != NULL)
		fprintf(f, "%s: ", head);
	if (kind != NULL)
		fprintf(f, "%s: ", kind);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void
cmd_vmessage(struct cmd_env *env, int prio, const char *kind, const char *fmt, va_list ap)
{
	if (prio > (env->verbose ? TT_LOG_DEBUG : env->quiet ? TT_LOG_ERR : TT_LOG_NOTICE))
		return;
	write_line(env, stderr, prio, env->progname, kind, fmt, ap);
}

void
cmd_message(struct cmd_env *env, int prio, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vmessage(env, prio, kind, fmt, ap);
	va_end(ap);
}

void
cmd_log_hook(void *data, int prio, const char *fmt, va_list ap)
{
	cmd_vmessage(data, prio,
	    prio <= TT_LOG_ERR         ? "error" :
		prio == TT_LOG_WARNING ? "warning" :
		prio >= TT_LOG_DEBUG   ? "debug" :
					 NULL,
	    fmt, ap);
}

void
cmd_err(struct cmd_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vmessage(env, TT_LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void
cmd_report(struct cmd_env *env, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	write_line(env, stdout, prio, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
cmd_print_usage(FILE *f, struct cmd_env *env, const struct cmd *cmd)
{
	fprintf(f, "usage: %s %s %s\n", env->progname, cmd->name, cmd->usage);
	fprintf(f, "       %s\n", cmd->help);
	fprintf(f,
	    "common options: [--proc-root DIR] [--state-dir DIR] [--sysctl-root DIR] "
	    "[--tuned-dir DIR] [-v|--verbose] [-q|--quiet] [--help]\n");
}

int
cmd_usage_error(struct cmd_env *env, const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vmessage(env, TT_LOG_ERR, NULL, fmt, ap);
	va_end(ap);
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
	case OPT_TUNED_DIR:
		if (arg[0] == '\0')
			return cmd_usage_error(env, cmd, "--tuned-dir needs a directory");
		return tt_ctx_set_tuned_dir(env->ctx, arg) < 0 ? EXIT_SOFTWARE : 1;
	case OPT_NETNS_ENTER:
		if (arg[0] == '\0')
			return cmd_usage_error(env, cmd, "--netns needs a name, pid or path");
		env->netns = arg;
		return 1;
	case 'q':
		env->quiet = true;
		env->verbose = false;
		tt_ctx_set_log_priority(env->ctx, TT_LOG_ERR);
		return 1;
	case 'v':
		env->verbose = true;
		env->quiet = false;
		tt_ctx_set_log_priority(env->ctx, TT_LOG_DEBUG);
		return 1;
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

/* --format's spellings, each once. */
static const char *const format_names[] = {
	[FORMAT_TEXT] = "text",
	[FORMAT_JSON] = "json",
	[FORMAT_PROMETHEUS] = "prometheus",
};

static int
format_option(struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out,
    enum output_format last)
{
	for (int i = 0; i <= (int)last; i++)
		if (strcmp(arg, format_names[i]) == 0) {
			*out = (enum output_format)i;
			return 0;
		}
	return cmd_usage_error(env, cmd, "unknown format '%s' (text, json%s)", arg,
	    last == FORMAT_PROMETHEUS ? ", prometheus" : "");
}

int
cmd_format_option(
    struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out)
{
	return format_option(env, cmd, arg, out, FORMAT_JSON);
}

int
cmd_format_option_metrics(
    struct cmd_env *env, const struct cmd *cmd, const char *arg, enum output_format *out)
{
	return format_option(env, cmd, arg, out, FORMAT_PROMETHEUS);
}

int
cmd_exit_for_worst(enum tt_severity worst)
{
	switch (worst) {
	case TT_SEV_CRITICAL:
		return EXIT_CRITICAL;
	case TT_SEV_WARN:
		return EXIT_WARNINGS;
	default:
		return EXIT_CLEAN;
	}
}

int
cmd_getopt(struct cmd_env *env, const struct cmd *cmd, int argc, char *argv[],
    const struct option *longopts, int *rc)
{
	int opt, r;

	if (env->list_options) {
		cmd_print_options(stdout, longopts);
		*rc = EXIT_CLEAN;
		return CMD_OPT_STOP;
	}
	while ((opt = getopt_long(argc, argv, "hvq", longopts, NULL)) != -1) {
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

void
cmd_print_options(FILE *f, const struct option *longopts)
{
	for (const struct option *o = longopts; o->name != NULL; o++)
		fprintf(f, "--%s%s\n", o->name, o->has_arg == required_argument ? " ARG" : "");
}

int
cmd_exit_for_errno(int e)
{
	switch (-e) {
	case 0:
		return EXIT_CLEAN;
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ENODEV:
	case ENXIO: /* a device with nothing behind it (/dev/tty, no terminal) */
		return EXIT_NOINPUT;
	case ENAMETOOLONG: /* a name given that no file can have */
		return EXIT_USAGE;
	case EROFS: /* the state directory's file system */
	case ENOSPC:
	case EDQUOT:
		return EXIT_CANTCREAT;
	case EACCES:
	case EPERM:
	case ELOOP: /* a symlink where tcptune refuses one */
		return EXIT_NOPERM;
	case EINVAL:
	case EFBIG:
	case ERANGE:
	case EBADMSG: /* a damaged journal */
	case EXDEV:   /* a journal from another proc root, namespace or boot */
		return EXIT_DATAERR;
	case EBUSY:       /* another tcptune holds the state directory */
	case EINPROGRESS: /* an earlier apply or rollback was interrupted */
	case EALREADY:    /* an earlier apply waits for confirmation */
	case EAGAIN:      /* a key changed under an apply: everything put back */
		return EXIT_TEMPFAIL;
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
		cmd_message(env, d->v[i].prio, kind, "%s", line);
	}
}

static size_t term_write(FILE *f, const char *s, size_t n);

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
		col += (int)term_write(f, s, w);
		s += w;
	}
	fputc('\n', f);
}

const char *
cmd_hint(const struct cmd_env *env, const char *verb)
{
	static char buf[4][320];
	static unsigned next;
	char *b = buf[next++ % 4];
	const char *name = env->netns_name;
	bool plain = true;

	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-/:@+", *p) == NULL)
			plain = false;
	if (name[0] == '\0')
		snprintf(b, sizeof(buf[0]), "tcptune %s", verb);
	else if (plain)
		snprintf(b, sizeof(buf[0]), "tcptune %s --netns %s", verb, name);
	else
		snprintf(b, sizeof(buf[0]), "tcptune %s --netns '%s'", verb, name);
	return b;
}

/* Whether p starts a character a terminal would obey rather than show:
 * C0 controls, DEL, C1 controls as UTF-8 spells them (2 bytes), and the
 * backslash that the escapes start with.  Its length, 0 for none. */
static size_t
term_control(const unsigned char *p, size_t n)
{
	if (p[0] < 0x20 || p[0] == 0x7f || p[0] == '\\')
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

/* Writes n bytes of s to f with term_control()'s characters as \xNN;
 * returns the columns written (one a byte). */
static size_t
term_write(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cols = 0;

	for (size_t i = 0; i < n;) {
		size_t c = term_control(p + i, n - i);

		if (c == 0) {
			fputc(p[i++], f);
			cols++;
			continue;
		}
		for (size_t k = 0; k < c; k++)
			fprintf(f, "\\x%02x", p[i++]);
		cols += 4 * c;
	}
	return cols;
}

const char *
cmd_term_str(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;

	if (len == 0)
		return "";
	for (size_t i = 0; i < n && o + 9 < len;) {
		size_t c = term_control(p + i, n - i);

		if (c == 0)
			buf[o++] = (char)p[i++];
		for (size_t k = 0; k < c; k++)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i++]);
	}
	buf[o] = '\0';
	return buf;
}
