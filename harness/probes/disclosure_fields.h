/*
 * The disclosure field vocabulary of the unauthenticated-disclosure probe:
 * the tokens its findings use as `field` and which of them are
 * security-relevant.  A header of its own because the DUT profile loader
 * checks `discloses:` lists against it without pulling in the probe.
 */
#ifndef IOTCERT_DISCLOSURE_FIELDS_H
#define IOTCERT_DISCLOSURE_FIELDS_H

#include <stddef.h>

typedef enum disc_sr {
	SR_NO = 0,
	SR_YES = 1,
	SR_IF_VERSION = 2,	/* security-relevant when the value holds a version */
} disc_sr_t;

typedef struct disc_field {
	const char *token;	/* finding attribute `field`, DUT `discloses` item */
	disc_sr_t sr;
	const char *help;
} disc_field_t;

const disc_field_t *disclosure_fields(size_t *n);
const disc_field_t *disclosure_field(const char *token);	/* NULL if unknown */

#endif
