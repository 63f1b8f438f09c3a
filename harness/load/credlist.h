/*
 * Credential lists: text files of username:password pairs, one per line,
 * for the default-credential probes.  Blank lines and lines starting with '#'
 * are ignored; the first ':' separates user from password (passwords may
 * hold ':'); "user:" is an empty password.  Errors name file:line.
 */
#ifndef IOTCERT_CREDLIST_H
#define IOTCERT_CREDLIST_H

#include <stddef.h>

#include "core/diag.h"

typedef struct cred {
	char *user;
	char *pass;
	char *source;		/* "universal.txt:12" or "dut profile" (owned) */
} cred_t;

typedef struct credlist {
	cred_t *v;
	size_t n, cap;
} credlist_t;

/* Appends the pairs of path (duplicates across calls are skipped); -1 on errors. */
int credlist_load(const char *path, credlist_t *l, diags_t *d);
void credlist_add(credlist_t *l, const char *user, const char *pass, const char *source);
void credlist_free(credlist_t *l);	/* frees the contents; NULL is fine */

#endif
