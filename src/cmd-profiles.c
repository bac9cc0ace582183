/*
 * Profiles by name: where they are looked for, how a name becomes a path,
 * loading one for any command, and `tcptune profiles`, which lists them.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "lib/profile.h"

#ifndef TCPTUNE_PROFILE_DIRS
#define TCPTUNE_PROFILE_DIRS "/etc/tcptune/profiles:/usr/share/tcptune/profiles"
#endif

/*
 * Whether this binary runs from its build tree, before `make install`:
 * its own file is TCPTUNE_BUILD_BINDIR/tcptune.  An installed binary never
 * is, so only a build tree looks into the source tree's profiles.
 */
static bool
from_build_tree(void)
{
#ifdef TCPTUNE_BUILD_BINDIR
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len = strlen(TCPTUNE_BUILD_BINDIR);

	if (n <= 0)
		return false;
	self[n] = '\0';
	return strncmp(self, TCPTUNE_BUILD_BINDIR, len) == 0 && strcmp(self + len, "/tcptune") == 0;
#else
	return false;
#endif
}

const char *
cmd_profile_dirs(void)
{
	const char *env = getenv("TCPTUNE_PROFILE_PATH");

	if (env != NULL && env[0] != '\0')
		return env;
#ifdef TCPTUNE_SOURCE_PROFILES
	/* The shipped profiles first, so a build tree tests its own. */
	if (from_build_tree())
		return TCPTUNE_SOURCE_PROFILES ":" TCPTUNE_PROFILE_DIRS;
#endif
	return TCPTUNE_PROFILE_DIRS;
}

static bool
is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The name a profile file is known by: its file name without .ini. */
static bool
profile_file_name(const char *file, char *name, size_t len)
{
	size_t n = strlen(file);

	if (file[0] == '.' || n <= 4 || strcmp(file + n - 4, ".ini") != 0 || n - 4 >= len)
		return false;
	memcpy(name, file, n - 4);
	name[n - 4] = '\0';
	return true;
}

int
cmd_profile_resolve(const char *arg, char *buf, size_t len)
{
	const char *dirs = cmd_profile_dirs();
	struct stat st;

	/* A path that exists wins; so does anything that names a directory
	 * part or a file name with a suffix, found or not. */
	if (stat(arg, &st) == 0 || strchr(arg, '/') != NULL || strchr(arg, '.') != NULL ||
	    arg[0] == '\0')
		return 1;
	while (*dirs) {
		size_t n = strcspn(dirs, ":");

		if (n > 0 && (size_t)snprintf(buf, len, "%.*s/%s.ini", (int)n, dirs, arg) < len &&
		    is_regular(buf))
			return 0;
		dirs += n + (dirs[n] == ':');
	}
	return -ENOENT;
}

/*
 * A profile found by name is trusted for where it was found: as root, one
 * in a directory anyone can write to (or a file anyone can write) could
 * have been put there by anyone, so it is named with a warning (sudo and
 * ssh refuse such files; a profile is used, but not without a word).
 */
static void
warn_writable(struct cmd_env *env, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (geteuid() != 0 || slash == NULL)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH) != 0)
		cmd_message(env, TT_LOG_WARNING, "warning",
		    "%s: found in %s, a directory writable by anyone: anyone could have put "
		    "it there (TCPTUNE_PROFILE_PATH)",
		    path, dir);
	else if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH) != 0)
		cmd_message(env, TT_LOG_WARNING, "warning",
		    "%s: the profile file is writable by anyone: anyone could have changed it",
		    path);
}

int
cmd_load_profile(struct cmd_env *env, const char *arg, unsigned flags, struct tt_profile **prof)
{
	struct tt_diags diags = { 0 };
	char path[4096];
	int r;

	*prof = NULL;
	r = cmd_profile_resolve(arg, path, sizeof(path));
	if (r == -ENOENT) {
		cmd_err(env,
		    "%s: no such profile: not a file, nor a profile name (`tcptune profiles` "
		    "lists them)",
		    arg);
		return EXIT_NOINPUT;
	}
	if (r == 0)
		warn_writable(env, path);
	r = tt_profile_load(env->ctx, r == 0 ? path : arg, flags, prof, &diags);
	/* A file that is not there: the loader's one line says so. */
	cmd_print_diags(env, &diags);
	tt_diags_free(&diags);
	return r < 0 ? cmd_exit_for_errno(r) : 0;
}

/* The members every "profile" object has: path, name (the file name
 * without its suffix, or a tuned directory's name), description. */
static void
json_profile_members(struct json *j, const char *path, const char *description)
{
	const char *base, *dot;
	char name[256];

	base = strrchr(path, '/');
	base = base != NULL && base[1] != '\0' ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(name, sizeof(name), "%.*s", (int)(dot && dot != base ? dot - base : 255), base);
	json_str(j, "path", path);
	json_str(j, "name", name);
	json_str(j, "description", description);
}

void
cmd_json_profile(struct json *j, const char *key, const struct tt_profile *prof)
{
	if (prof == NULL) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_profile_members(j, prof->path, prof->description);
	json_str(j, "nat", tt_nat_decl_name(prof->nat));
	json_obj_end(j);
}

void
cmd_json_profile_path(struct json *j, const char *key, const char *path)
{
	if (path == NULL) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_profile_members(j, path, NULL);
	json_obj_end(j);
}

struct listed {
	char name[128];
	char path[4096];
	char *description;
	bool valid;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name, ((const struct listed *)b)->name);
}

/* Adds the profiles of dir that no earlier directory had. */
static int
list_dir(struct cmd_env *env, const char *dir, size_t dlen, struct listed **v, size_t *n)
{
	char dpath[4096];
	struct dirent *de;
	DIR *d;

	snprintf(dpath, sizeof(dpath), "%.*s", (int)dlen, dir);
	d = opendir(dpath);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct tt_diags diags = { 0 };
		struct tt_profile *p = NULL;
		struct listed it = { .valid = false };
		bool dup = false;

		if (!profile_file_name(de->d_name, it.name, sizeof(it.name)))
			continue;
		for (size_t i = 0; i < *n && !dup; i++)
			dup = strcmp((*v)[i].name, it.name) == 0;
		if (dup ||
		    (size_t)snprintf(it.path, sizeof(it.path), "%.2048s/%s", dpath, de->d_name) >=
			sizeof(it.path) ||
		    !is_regular(it.path))
			continue;
		it.valid = tt_profile_load(env->ctx, it.path, 0, &p, &diags) == 0;
		tt_diags_free(&diags);
		if (p != NULL && p->description != NULL)
			it.description = strdup(p->description);
		tt_profile_free(p);
		struct listed *nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (nv == NULL) {
			free(it.description);
			closedir(d);
			return -ENOMEM;
		}
		*v = nv;
		(*v)[(*n)++] = it;
	}
	closedir(d);
	return 0;
}

static void
print_list(const struct listed *v, size_t n, enum output_format format)
{
	struct json j;

	if (format == FORMAT_TEXT) {
		for (size_t i = 0; i < n; i++)
			printf("%-20s %s%s\n", v[i].name, v[i].description ? v[i].description : "",
			    v[i].valid ? "" : " (invalid: `tcptune plan` tells why)");
		return;
	}
	json_document_begin(&j, stdout);
	json_str(&j, "path", cmd_profile_dirs());
	json_arr_begin(&j, "profiles");
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "name", v[i].name);
		json_str(&j, "path", v[i].path);
		json_str(&j, "description", v[i].description);
		json_bool(&j, "valid", v[i].valid);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

static int
run_profiles(struct cmd_env *env, int argc, char *argv[])
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = FORMAT_TEXT;
	const char *dirs = cmd_profile_dirs();
	struct listed *v = NULL;
	size_t n = 0;
	int opt, r = 0;

	while ((opt = cmd_getopt(env, &cmd_profiles, argc, argv, longopts, &r)) != -1) {
		if (opt == CMD_OPT_STOP)
			return r;
		if (opt == OPT_FORMAT &&
		    (r = cmd_format_option(env, &cmd_profiles, optarg, &format)))
			return r;
	}
	if (optind != argc)
		return cmd_usage_error(
		    env, &cmd_profiles, "unexpected argument '%s'", argv[optind]);
	while (*dirs && r == 0) {
		size_t dl = strcspn(dirs, ":");

		if (dl > 0)
			r = list_dir(env, dirs, dl, &v, &n);
		dirs += dl + (dirs[dl] == ':');
	}
	if (r == 0) {
		if (n > 0)
			qsort(v, n, sizeof(*v), by_name);
		print_list(v, n, format);
	} else {
		cmd_err(env, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].description);
	free(v);
	return r == 0 ? EXIT_CLEAN : EXIT_SOFTWARE;
}

const struct cmd cmd_profiles = {
	.name = "profiles",
	.run = run_profiles,
	.usage = "[--format text|json]",
	.help = "list the profiles that commands take by name (TCPTUNE_PROFILE_PATH: where)",
};
