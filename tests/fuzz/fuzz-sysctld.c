/*
 * Fuzz target: the sysctl.d reader, on arbitrary file contents.  The files
 * are someone else's, so anything may be in them.
 *
 * The reader has no entry point that takes a buffer: it reads the
 * directories below a sysctl root through a directory descriptor.  So
 * each input is written to etc/sysctl.d/50-fuzz.conf of a scratch root
 * made once, with a fixed etc/sysctl.conf beside it, and the reader reads
 * that root.  Slower than a pure parser, but the code under test is the
 * code that runs.
 *
 * Besides "does not crash or leak", it checks: every key the reader says
 * is set names a file below the root and a line of it, its text fits, and
 * a value it parsed has the key's shape.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/ctx.h"
#include "lib/diag.h"
#include "lib/sysctld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static struct tt_ctx *ctx;

static void
remove_root(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/etc/sysctl.d/50-fuzz.conf", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/sysctl.conf", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/sysctl.d", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
}

static void
make_root(void)
{
	static const char conf[] = "net.ipv4.tcp_fin_timeout = 45\nnet/core/somaxconn=1024\n";
	char path[128];
	FILE *f;

	snprintf(root, sizeof(root), "%s/tcptune-fuzz-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(root) == NULL)
		abort();
	atexit(remove_root);
	snprintf(path, sizeof(path), "%s/etc", root);
	if (mkdir(path, 0755) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/etc/sysctl.d", root);
	if (mkdir(path, 0755) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/etc/sysctl.conf", root);
	f = fopen(path, "w");
	if (f == NULL || fputs(conf, f) < 0 || fclose(f) != 0)
		abort();
	ctx = tt_ctx_new(NULL);
	if (ctx == NULL || tt_ctx_set_sysctl_root(ctx, root) < 0)
		abort();
}

static void
check(const struct tt_sysctld_set *s, int id)
{
	const struct tt_key *k = tt_key_get((enum tt_key_id)id);

	if (!s->set)
		return;
	if (s->line < 1 || s->file[0] != '/' || memchr(s->file, '\0', sizeof(s->file)) == NULL ||
	    memchr(s->text, '\0', sizeof(s->text)) == NULL ||
	    (s->val.n != 0 && s->val.n != k->nfields))
		abort();
	(void)tt_sysctld_same(s, &s->val);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_diags d = { 0 };
	struct tt_sysctld *sd = NULL;
	char path[128];
	int fd;

	if (ctx == NULL)
		make_root();
	snprintf(path, sizeof(path), "%s/etc/sysctl.d/50-fuzz.conf", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) < 0)
		abort();
	if (tt_sysctld_read(ctx, TT_SYSCTLD_EVERY_KEY, &sd, &d) < 0) {
		tt_diags_free(&d);
		return 0;
	}
	if (sd->nfiles != 2)
		abort(); /* both files were there to read */
	for (int i = 0; i < TT_K__COUNT; i++) {
		check(&sd->boot[i], i);
		check(&sd->system[i], i);
	}
	tt_sysctld_free(sd);
	tt_diags_free(&d);
	return 0;
}
