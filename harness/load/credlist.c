/*
 * Credential list files.  Capped (1 MiB, 100 000 pairs, 256-byte fields) so a
 * wrong path to a huge file fails clearly instead of exhausting memory.
 */
#include "load/credlist.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX_BYTES (1u << 20)
#define LIST_MAX_PAIRS 100000u
#define FIELD_MAX 256

void
credlist_add(credlist_t *l, const char *user, const char *pass, const char *source)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].user, user) == 0 && strcmp(l->v[i].pass, pass) == 0)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap, sizeof(*l->v));
	}
	cred_t *c = &l->v[l->n++];
	c->user = xstrdup(user);
	c->pass = xstrdup(pass);
	c->source = xstrdup(source);
}

void
credlist_free(credlist_t *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].user);
		free(l->v[i].pass);
		free(l->v[i].source);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int
credlist_load(const char *path, credlist_t *l, diags_t *d)
{
	char *text;
	size_t len;
	if (read_file_capped(path, LIST_MAX_BYTES, &text, &len) < 0) {
		diags_add(d, DIAG_ERROR, path, 0, 0, "cannot read credential list "
		    "(missing, unreadable or over 1 MiB)");
		return -1;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	int errors = 0, lineno = 0;
	/* strtok_r would merge empty lines and lose line numbers: walk by hand. */
	char *p = text, *end = text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = (size_t)((nl ? nl : end) - p);
		lineno++;
		if (k && p[k - 1] == '\r')
			k--;
		bool has_nul = memchr(p, '\0', k) != NULL;
		p[k] = '\0';
		char *colon = strchr(p, ':');
		if (k == 0 || p[0] == '#') {
			/* blank or comment */
		} else if (has_nul || colon == NULL || colon == p) {
			diags_add(d, DIAG_ERROR, path, lineno, 1,
			    "expected user:password, got '%.40s'", p);
			errors++;
		} else if ((size_t)(colon - p) >= FIELD_MAX || strlen(colon + 1) >= FIELD_MAX) {
			diags_add(d, DIAG_ERROR, path, lineno, 1, "user or password over %d bytes",
			    FIELD_MAX - 1);
			errors++;
		} else if (l->n >= LIST_MAX_PAIRS) {
			diags_add(d, DIAG_ERROR, path, lineno, 1, "more than %u pairs", LIST_MAX_PAIRS);
			errors++;
			break;
		} else {
			*colon = '\0';
			char src[300];
			snprintf(src, sizeof(src), "%s:%d", base, lineno);
			credlist_add(l, p, colon + 1, src);
		}
		p = nl ? nl + 1 : end;
	}
	free(text);
	return errors ? -1 : 0;
}
