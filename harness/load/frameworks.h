/*
 * The frameworks a test case may map to, as the YAML spells them, with the
 * shape a provision reference of each must have.  One table (frameworks.c);
 * the case loader, scheme loader and DUT loader all check refs through it so
 * a typo like "5.6.1" is caught wherever it is written.
 */
#ifndef IOTCERT_FRAMEWORKS_H
#define IOTCERT_FRAMEWORKS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct framework_key {
	const char *key;	/* "en303645-2.1.1": what a case's maps: uses */
	const char *framework;	/* "en303645": the model's token */
	const char *edition;	/* "2.1.1", or NULL where not versioned */
	const char *ref_re;	/* POSIX ERE a ref must match entirely */
} framework_key_t;

/* The maps: key, or NULL when unknown. */
const framework_key_t *framework_key_find(const char *key);
const framework_key_t *framework_keys(size_t *n);
/* The first entry for a framework token ("en303645"), or NULL. */
const framework_key_t *framework_find(const char *token);
/* Distinct framework tokens, in table order, for messages and suggestions. */
size_t framework_tokens(const char **out, size_t max);
/* Whether `edition` is a known edition of `token` (always true when the
 * framework is not versioned). */
bool framework_edition_known(const char *token, const char *edition);
/* Whether `ref` has the shape `fk` requires. */
bool framework_ref_ok(const framework_key_t *fk, const char *ref);

/* The ref shape of an EN 303 645 provision, as ICS entries use. */
#define EN303645_REF_RE "^(4-1|5\\.0-1|[56](\\.[0-9]+)?-[0-9]+[AB]?)$"

#endif
