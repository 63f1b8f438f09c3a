/*
 * Finding the YAML files under a path.  Each directory's entries are sorted
 * so that load order, and with it diagnostics and duplicate-id messages, are
 * the same on every file system.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loaders.h"

/* Deep enough for any sane tree, shallow enough to stop symlink loops. */
#define MAX_WALK_DEPTH 32

static bool
has_yaml_ext(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_dir(const char *dir, int depth, strlist_t *out, diags_t *d)
{
	if (depth > MAX_WALK_DEPTH) {
		diags_add(d, DIAG_ERROR, dir, 0, 0,
		    "directories nested deeper than %d (a symlink loop?)", MAX_WALK_DEPTH);
		return;
	}
	DIR *dp = opendir(dir);
	if (dp == NULL) {
		diags_add(d, DIAG_ERROR, dir, 0, 0, "cannot open directory: %s",
		    strerror(errno));
		return;
	}
	strlist_t names = { 0 };
	struct dirent *de;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			strlist_push(&names, de->d_name);
	closedir(dp);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	for (size_t i = 0; i < names.n; i++) {
		char *p = xasprintf("%s%s%s", dir, slash ? "" : "/", names.v[i]);
		struct stat st;
		if (stat(p, &st) != 0) {
			diags_add(d, DIAG_ERROR, p, 0, 0, "cannot stat: %s", strerror(errno));
			free(p);
		} else if (S_ISDIR(st.st_mode)) {
			walk_dir(p, depth + 1, out, d);
			free(p);
		} else if (S_ISREG(st.st_mode) && has_yaml_ext(names.v[i])) {
			strlist_push_owned(out, p);
		} else {
			free(p);
		}
	}
	strlist_free(&names);
}

int
yaml_files(const char *path, strlist_t *out, diags_t *d)
{
	size_t before = d->errors;
	struct stat st;
	if (stat(path, &st) != 0)
		diags_add(d, DIAG_ERROR, path, 0, 0, "cannot open: %s", strerror(errno));
	else if (S_ISDIR(st.st_mode))
		walk_dir(path, 0, out, d);
	else
		strlist_push(out, path);
	return (int)(d->errors - before);
}
