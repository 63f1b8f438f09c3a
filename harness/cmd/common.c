/*
 * Helpers shared by the sub-commands.
 */
#include "cmd/cmd.h"
#include "core/util.h"
#include "load/load.h"

#include <stdarg.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef IOTCERT_DATADIR
#define IOTCERT_DATADIR "/usr/local/share/iotcert"
#endif

void
warnx_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("iotcert: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool
is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
datadir(void)
{
	const char *e = getenv("IOTCERT_DATA");
	if (e && *e)
		return e;
	if (is_dir("testcases") && is_dir("profiles"))
		return ".";
	return IOTCERT_DATADIR;
}

char *
scheme_path(const char *s)
{
	size_t n = strlen(s);
	if (strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(s + n - 4, ".yml") == 0))
		return xstrdup(s);
	char *rel = xasprintf("profiles/%s.yaml", s);
	char *p = data_path(rel);
	free(rel);
	return p;
}

char *
data_path(const char *rel)
{
	const char *d = datadir();
	return strcmp(d, ".") == 0 ? xstrdup(rel) : xasprintf("%s/%s", d, rel);
}

int
load_case_paths(const strlist_t *paths, caseset_t *out)
{
	diags_t d = { 0 };
	if (paths->n == 0) {
		char *def = data_path("testcases");
		load_cases(def, out, &d);
		free(def);
	}
	for (size_t i = 0; i < paths->n; i++)
		load_cases(paths->v[i], out, &d);
	diags_print(&d, stderr);
	int bad = d.errors ? -1 : 0;
	diags_free(&d);
	return bad;
}

void
split_list(const char *s, strlist_t *l)
{
	char *copy = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t k = strlen(t);
		while (k && t[k - 1] == ' ')
			t[--k] = '\0';
		if (*t)
			strlist_push(l, t);
	}
	free(copy);
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int
parse_ports(const char *s, int **out, size_t *n, char *err, size_t errlen)
{
	unsigned char *seen = xcalloc(65536, 1);
	strlist_t items = { 0 };
	split_list(s, &items);
	int rc = 0;
	for (size_t i = 0; i < items.n && rc == 0; i++) {
		char *end;
		long a = strtol(items.v[i], &end, 10), b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (*end != '\0' || a < 1 || b > 65535 || a > b) {
			snprintf(err, errlen, "bad port or range '%s' (use 1-65535, e.g. 22,80,8000-8100)",
			    items.v[i]);
			rc = -1;
			break;
		}
		for (long p = a; p <= b; p++)
			seen[p] = 1;
	}
	strlist_free(&items);
	*n = 0;
	*out = NULL;
	if (rc == 0) {
		*out = xcalloc(65536, sizeof(int));
		for (int p = 1; p < 65536; p++)
			if (seen[p])
				(*out)[(*n)++] = p;
		qsort(*out, *n, sizeof(int), cmp_int);
		if (*n == 0) {
			snprintf(err, errlen, "empty port list");
			free(*out);
			*out = NULL;
			rc = -1;
		}
	}
	free(seen);
	return rc;
}

int
mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = '/';
		}
	}
	int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* The '/'-separated components of an absolute path, into l. */
static void
components(char *path, strlist_t *l)
{
	char *save = NULL;
	for (char *t = strtok_r(path, "/", &save); t; t = strtok_r(NULL, "/", &save))
		strlist_push(l, t);
}

char *
path_from_dir(const char *dir, const char *file)
{
	char *d = realpath(dir, NULL), *f = realpath(file, NULL);
	char *out = NULL;
	if (d && f) {
		strlist_t dc = { 0 }, fc = { 0 };
		components(d, &dc);
		components(f, &fc);
		size_t c = 0;
		while (c < dc.n && c + 1 < fc.n && strcmp(dc.v[c], fc.v[c]) == 0)
			c++;
		strlist_t parts = { 0 };
		for (size_t i = c; i < dc.n; i++)
			strlist_push(&parts, "..");
		for (size_t i = c; i < fc.n; i++)
			strlist_push(&parts, fc.v[i]);
		out = strlist_join(&parts, "/");
		strlist_free(&parts);
		strlist_free(&dc);
		strlist_free(&fc);
	}
	free(d);
	free(f);
	return out;
}

bool
parse_dir_key_args(int argc, char **argv, dir_key_args_t *a, int *rc)
{
	const struct option opts[] = {
		{ a->key_name, required_argument, NULL, a->key_letter },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char optstring[] = { a->key_letter, ':', 'q', 'h', '\0' };
	a->dir = a->key = NULL;
	a->quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c == a->key_letter) {
			a->key = optarg;
		} else if (c == 'q') {
			a->quiet = true;
		} else if (c == 'h') {
			a->usage(stdout);
			*rc = EXIT_NO_FAIL;
			return false;
		} else {
			a->usage(stderr);
			*rc = EXIT_USAGE;
			return false;
		}
	}
	if (optind != argc - 1 || (a->key_required && a->key == NULL)) {
		if (optind >= argc)
			warnx_("%s: a directory to %s is required", a->cmd, a->cmd);
		else if (optind < argc - 1)
			warnx_("%s: one directory at a time", a->cmd);
		else
			warnx_("%s: --%s KEY is required", a->cmd, a->key_name);
		a->usage(stderr);
		*rc = EXIT_USAGE;
		return false;
	}
	a->dir = argv[optind];
	return true;
}
