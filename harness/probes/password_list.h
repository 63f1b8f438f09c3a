/*
 * Lists of well-known passwords for the password-quality probe (5.1-2): a
 * pre-installed password found in one is guessable by any attacker with the
 * same list.  A file holds either one password a line or user:password pairs
 * (the credential lists of the default-credentials probe, whose passwords
 * count too); '#' lines and blank lines are ignored.  Entries are kept
 * lower-cased and compared case-insensitively.
 */
#ifndef IOTCERT_PROBES_PASSWORD_LIST_H
#define IOTCERT_PROBES_PASSWORD_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

typedef struct pwset {
	char **v;		/* owned, lower-cased; sorted by pwset_sort */
	size_t n, cap;
} pwset_t;

void pwset_add(pwset_t *s, const char *pw);
/*
 * Appends the passwords of `path`: user:password format when every entry
 * holds a ':', else one password a line.  -1 (with diagnostics) when the
 * file is missing, over 1 MiB or malformed.
 */
int pwset_load(pwset_t *s, const char *path, diags_t *d);
void pwset_sort(pwset_t *s);	/* once, after the last add, before pwset_has */
bool pwset_has(const pwset_t *s, const char *pw);
void pwset_free(pwset_t *s);	/* frees the contents; NULL is fine */

#endif
