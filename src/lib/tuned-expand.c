/*
 * tuned's ${variables} and ${f:functions}, expanded in tuned's order and
 * with its escapes.  The functions that decide something tcptune can
 * decide here (virt_check, strip, assertion, assertion_non_equal) are
 * evaluated; the others (exec, the CPU-list functions, ...) are
 * undecidable here and say so in e->why.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"
#include "tuned-internal.h"

struct buf {
	char *s;
	size_t n, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *v = realloc(b->s, cap);

		if (v == NULL) {
			b->oom = 1;
			return;
		}
		memset(v + b->n, 0, cap - b->n);
		b->s = v;
		b->cap = cap;
	}
	if (b->s == NULL)
		return;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static bool
word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of "${name}" at s (name of word characters), or 0. */
static size_t
var_ref(const char *s, size_t *name_len)
{
	size_t i = 2;

	if (s[0] != '$' || s[1] != '{')
		return 0;
	while (word(s[i]))
		i++;
	if (i == 2 || s[i] != '}')
		return 0;
	*name_len = i - 2;
	return i + 1;
}

/* The variables, then "\${name}" unescaped to "${name}". */
static char *
expand_static(struct tt_texp *e, const char *s)
{
	struct buf b = { 0 }, u = { 0 };
	size_t len, nl;

	put(&b, "", 0);
	for (size_t i = 0; s[i];) {
		if (e->work + b.n > TT_TEXP_MAX_WORK) {
			e->over = true;
			break;
		}
		if ((i == 0 || s[i - 1] != '\\') && e->vars != NULL &&
		    (len = var_ref(s + i, &nl))) {
			char name[256];
			int k;

			snprintf(name, sizeof(name), "%.*s", (int)nl, s + i + 2);
			if ((k = tt_tdict_find(e->vars, name)) >= 0) {
				const struct tt_topt *o = &e->vars->v[k];

				if (o->value == NULL && e->why[0] == '\0')
					snprintf(e->why, sizeof(e->why), "%s", o->why);
				put(&b, o->value ? o->value : "", o->value ? strlen(o->value) : 0);
				i += len;
				continue;
			}
		}
		put(&b, s + i, 1);
		i++;
	}
	put(&u, "", 0);
	for (size_t i = 0; !b.oom && b.s[i];) {
		if (b.s[i] == '\\' && (len = var_ref(b.s + i + 1, &nl))) {
			put(&u, b.s + i + 1, len);
			i += 1 + len;
			continue;
		}
		put(&u, b.s + i, 1);
		i++;
	}
	e->work += b.n;
	free(b.s);
	if (b.oom || u.oom) {
		free(u.s);
		return NULL;
	}
	return u.s;
}

/* The functions tuned 2.20 has that tcptune does not evaluate. */
static const char *const undecidable[] = { "calc_isolated_cores", "check_net_queue_count",
	"cpuinfo_check", "cpulist2devs", "cpulist2hex", "cpulist2hex_invert", "cpulist_invert",
	"cpulist_online", "cpulist_pack", "cpulist_present", "cpulist_unpack", "exec",
	"hex2cpulist", "kb2s", "regex_search_ternary", "s2kb" };

struct call {
	char *argv[64];
	int argc;
};

/* Splits s (n bytes, "${f:name:args") at ':' not after '\', then "\:" to ":". */
static int
split_call(const char *s, size_t n, struct call *c)
{
	size_t start = 0;

	c->argc = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && !(s[i] == ':' && (i == 0 || s[i - 1] != '\\')))
			continue;
		if (c->argc == 64)
			return -E2BIG;
		char *a = strndup(s + start, i - start), *r = a, *w = a;

		if (a == NULL)
			return -ENOMEM;
		for (; *r; r++)
			if (!(r[0] == '\\' && r[1] == ':'))
				*w++ = *r;
		*w = '\0';
		c->argv[c->argc++] = a;
		start = i + 1;
	}
	return 0;
}

static void
free_call(struct call *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
}

/* tuned's strip: the arguments joined, white space trimmed. */
static char *
strip_join(char **a, int n)
{
	struct buf b = { 0 };
	size_t s = 0, t;

	put(&b, "", 0);
	for (int i = 0; i < n; i++)
		put(&b, a[i], strlen(a[i]));
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	t = b.n;
	while (s < t && isspace((unsigned char)b.s[s]))
		s++;
	while (t > s && isspace((unsigned char)b.s[t - 1]))
		t--;
	memmove(b.s, b.s + s, t - s);
	b.s[t - s] = '\0';
	return b.s;
}

/* Runs the function; NULL leaves the text as it is (as tuned does). */
static char *
call(struct tt_texp *e, struct call *c)
{
	const char *f = c->argv[1];
	int n = c->argc - 2;
	char **a = c->argv + 2;

	for (size_t i = 0; i < sizeof(undecidable) / sizeof(undecidable[0]); i++)
		if (strcmp(f, undecidable[i]) == 0) {
			if (e->why[0] == '\0')
				snprintf(e->why, sizeof(e->why), "tuned function ${f:%s}", f);
			return NULL;
		}
	if (strcmp(f, "virt_check") == 0 && n == 2) {
		if (e->virt < 0)
			e->virt = tt_tvirt();
		return strdup(a[e->virt ? 0 : 1]);
	}
	if (strcmp(f, "strip") == 0 && n >= 1)
		return strip_join(a, n);
	if ((strcmp(f, "assertion") == 0 || strcmp(f, "assertion_non_equal") == 0) && n == 3) {
		bool eq = strcmp(a[1], a[2]) == 0;

		/* Undecided arguments: the assertion is not enforced here. */
		if (e->why[0] == '\0' && eq == (f[9] == '_') && e->fail[0] == '\0')
			snprintf(e->fail, sizeof(e->fail), "tuned's assertion '%s' failed", a[0]);
	}
	return NULL;
}

struct proc {
	struct buf b; /* the string being expanded, changed in place */
	size_t cnt;
};

/* tuned's _process_func: the text from "${" at from to the '}' at cnt. */
static void
process_func(struct tt_texp *e, struct proc *p, size_t from)
{
	struct call c;
	char *res = NULL;
	size_t n = p->cnt - from;
	int r;

	if (n < 3 || memcmp(p->b.s + from, "${f", 3) != 0 || (n > 3 && p->b.s[from + 3] != ':'))
		return;
	if ((r = split_call(p->b.s + from, n, &c)) < 0) {
		free_call(&c);
		if (r == -E2BIG)
			snprintf(e->fail, sizeof(e->fail),
			    "a tuned function call of more than 62 arguments");
		else
			p->b.oom = 1;
		return;
	}
	if (c.argc < 2) {
		/* tuned fails on "${f}" with an exception of its own. */
		snprintf(e->fail, sizeof(e->fail), "tuned cannot read \"${f}\" without a function");
	} else if (c.argv[1][0] != '\0' &&
	    strspn(c.argv[1], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
		strlen(c.argv[1])) {
		res = call(e, &c);
	}
	free_call(&c);
	if (res == NULL)
		return;
	/* every substitution copies the string: counted against the bound */
	e->work += p->b.n;
	if (e->work > TT_TEXP_MAX_WORK) {
		e->over = true;
		free(res);
		return;
	}
	{
		size_t rl = strlen(res), tail = p->b.n - p->cnt - 1;
		struct buf nb = { 0 };

		put(&nb, p->b.s, from);
		put(&nb, res, rl);
		put(&nb, p->b.s + p->cnt + 1, tail);
		free(res);
		free(p->b.s);
		p->b = nb;
		p->cnt = from + rl > 0 ? from + rl - 1 : 0;
	}
}

/* tuned's Functions._process: "${" pushed, "}" pops and calls. */
static void
process(struct tt_texp *e, struct proc *p)
{
	size_t stack[256] = { 0 }, depth = 0;
	bool esc_stack[256] = { false }, esc = false;

	for (p->cnt = 0; p->cnt < p->b.n && !p->b.oom && !e->over; p->cnt++) {
		char c = p->b.s[p->cnt];

		if (c == '}') {
			if (depth == 0)
				return; /* tuned logs and stops here */
			depth--;
			if (!esc_stack[depth])
				process_func(e, p, stack[depth]);
		} else if (c == '$' && p->cnt + 1 < p->b.n && p->b.s[p->cnt + 1] == '{') {
			if (depth == 256) {
				snprintf(e->fail, sizeof(e->fail), "${ nested deeper than 256");
				return;
			}
			esc_stack[depth] = esc;
			stack[depth++] = p->cnt;
		}
		esc = p->cnt < p->b.n && p->b.s[p->cnt] == '\\';
	}
}

/* Then "\${f:...}" loses its backslash: the leftmost on each line that
 * has a '}' after it, as tuned's greedy regular expression does. */
static char *
unescape_funcs(const char *s)
{
	struct buf b = { 0 };

	put(&b, "", 0);
	while (*s) {
		size_t n = strcspn(s, "\n");
		const char *line_end = s + n, *m = NULL;

		for (const char *q = s; q + 5 <= line_end; q++)
			if (memcmp(q, "\\${f:", 5) == 0 &&
			    memchr(q + 5, '}', (size_t)(line_end - q - 5)) != NULL) {
				m = q;
				break;
			}
		if (m != NULL) {
			put(&b, s, (size_t)(m - s));
			put(&b, m + 1, (size_t)(line_end - m - 1));
		} else {
			put(&b, s, n);
		}
		s = line_end;
		if (*s == '\n') {
			put(&b, "\n", 1);
			s++;
		}
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *
tt_texpand(struct tt_texp *e, const char *value)
{
	struct proc p = { 0 };
	char *out;

	if (value[0] == '\0')
		return strdup("");
	p.b.s = expand_static(e, value);
	if (p.b.s == NULL)
		return NULL;
	p.b.n = p.b.cap = strlen(p.b.s);
	p.b.cap++;
	process(e, &p);
	if (p.b.oom) {
		free(p.b.s);
		return NULL;
	}
	out = unescape_funcs(p.b.s);
	free(p.b.s);
	return out;
}

/* Whether the small file at path holds any of the words. */
static bool
file_has(const char *path, const char *const *words)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	for (; *words; words++)
		if (strstr(buf, *words) != NULL)
			return true;
	return false;
}

/*
 * The facts systemd-detect-virt looks at: a container (container= in
 * pid 1's environment, /run/systemd/container, Docker's and Podman's
 * marker files), the CPU's hypervisor flag, the DMI vendor strings of
 * the common hypervisors, /sys/hypervisor.  All of the machine tcptune
 * runs on, as systemd-detect-virt and tuned see it, whatever --proc-root
 * names: a proc tree copied from elsewhere has none of them, and half of
 * them from one machine and half from another would answer for neither.
 */
int
tt_tvirt(void)
{
	static const char *const env[] = { "\ncontainer=", NULL };
	static const char *const flag[] = { " hypervisor", NULL };
	static const char *const dmi[] = { "KVM", "QEMU", "VMware", "VMW", "innotek", "VirtualBox",
		"Xen", "Bochs", "Parallels", "Microsoft Corporation", "Amazon EC2", "Google",
		"OpenStack", "BHYVE", "Hyper-V", NULL };
	static const char *const dmi_files[] = { "/sys/class/dmi/id/product_name",
		"/sys/class/dmi/id/sys_vendor", "/sys/class/dmi/id/board_vendor",
		"/sys/class/dmi/id/bios_vendor" };
	static const char *const any[] = { "", NULL };
	char envbuf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	/* pid 1's environment, with a separator in front of its first entry */
	envbuf[0] = '\n';
	n = -1;
	if ((fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, envbuf + 1, sizeof(envbuf) - 2);
		close(fd);
	}
	if (n > 0) {
		envbuf[n + 1] = '\0';
		for (ssize_t i = 1; i <= n; i++)
			if (envbuf[i] == '\0')
				envbuf[i] = '\n';
		if (strstr(envbuf, env[0]) != NULL)
			return 1;
	}
	if (stat("/.dockerenv", &st) == 0 || stat("/run/.containerenv", &st) == 0 ||
	    file_has("/run/systemd/container", any))
		return 1;
	if (file_has("/proc/cpuinfo", flag))
		return 1;
	for (size_t i = 0; i < sizeof(dmi_files) / sizeof(dmi_files[0]); i++)
		if (file_has(dmi_files[i], dmi))
			return 1;
	return file_has("/sys/hypervisor/type", any) ? 1 : 0;
}
