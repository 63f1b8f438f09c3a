/*
 * Common-password lists; see password_list.h.  Files in the credential-list
 * format go through load/credlist.c so both probes read them alike.  Capped
 * like credential lists (1 MiB a file, 256-byte entries) so a wrong path to a
 * huge file fails clearly.
 */
#include "probes/password_list.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "load/credlist.h"

#define LIST_MAX_BYTES (1u << 20)
#define ENTRY_MAX 256

static char *
lower_dup(const char *s)
{
	char *l = xstrdup(s);
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

void
pwset_add(pwset_t *s, const char *pw)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = lower_dup(pw);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
pwset_sort(pwset_t *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

bool
pwset_has(const pwset_t *s, const char *pw)
{
	if (s == NULL || s->n == 0)
		return false;
	char *key = lower_dup(pw);
	bool found = bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
	free(key);
	return found;
}

void
pwset_free(pwset_t *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Is every entry (not blank, not '#') of `text` a user:password pair? */
static bool
all_pairs(const char *text)
{
	bool any = false;
	for (const char *p = text; *p; ) {
		size_t k = strcspn(p, "\n");
		if (k && p[0] != '#' && !(k == 1 && p[0] == '\r')) {
			const char *colon = memchr(p, ':', k);
			if (colon == NULL || colon == p)
				return false;
			any = true;
		}
		p += k + (p[k] == '\n');
	}
	return any;
}

static int
load_pairs(pwset_t *s, const char *path, diags_t *d)
{
	credlist_t cl = { 0 };
	int rc = credlist_load(path, &cl, d);
	for (size_t i = 0; rc == 0 && i < cl.n; i++)
		pwset_add(s, cl.v[i].pass);
	credlist_free(&cl);
	return rc;
}

int
pwset_load(pwset_t *s, const char *path, diags_t *d)
{
	char *text;
	size_t len;
	if (read_file_capped(path, LIST_MAX_BYTES, &text, &len) < 0) {
		diags_add(d, DIAG_ERROR, path, 0, 0, "cannot read password list "
		    "(missing, unreadable or over 1 MiB)");
		return -1;
	}
	if (strlen(text) != len) {
		diags_add(d, DIAG_ERROR, path, 0, 0, "password list holds a NUL byte");
		free(text);
		return -1;
	}
	if (all_pairs(text)) {
		free(text);
		return load_pairs(s, path, d);
	}
	int lineno = 0, errors = 0;
	for (char *p = text; *p; ) {
		size_t k = strcspn(p, "\n");
		char *next = p + k + (p[k] == '\n');
		lineno++;
		if (k && p[k - 1] == '\r')
			k--;
		p[k] = '\0';
		if (k >= ENTRY_MAX) {
			diags_add(d, DIAG_ERROR, path, lineno, 1, "password over %d bytes",
			    ENTRY_MAX - 1);
			errors++;
		} else if (k && p[0] != '#') {
			pwset_add(s, p);
		}
		p = next;
	}
	free(text);
	return errors ? -1 : 0;
}
