/*
 * The judgement of pre-installed passwords behind the password-quality probe
 * (EN 303 645 5.1-2, TS 103 701 5.1-2-2, UK PSTI Sch.1 §1(3)): a unique
 * per-device password must not be a common one, nor be derived from what the
 * unit shows anyone (MAC, serial, model, SSID, manufacturer), nor follow a
 * counter across units.  Pure: no I/O, so every rule is unit-tested.
 *
 * The passwords are the device's secrets: the sentences produced here name
 * the sample and the rule, never any part of a password.
 */
#ifndef IOTCERT_PROBES_PASSWORD_CHECKS_H
#define IOTCERT_PROBES_PASSWORD_CHECKS_H

#include <stddef.h>

#include "probes/password_list.h"

typedef enum pw_issue {
	PW_COMMON_LIST,
	PW_TOO_SHORT,
	PW_DERIVED_MAC,
	PW_DERIVED_SERIAL,	/* contains the serial, or follows its counter */
	PW_DERIVED_MODEL,
	PW_DERIVED_SSID,
	PW_DERIVED_MANUFACTURER,
	PW_SHARED,		/* the same password as another unit */
	PW_COUNTER,		/* another unit's password with the number moved a little */
	PW__N
} pw_issue_t;

const char *pw_issue_str(pw_issue_t i);	/* "common-list", "derived-mac", ... */

/* One unit's password with what the unit shows; all borrowed. */
typedef struct pw_sample {
	const char *label;	/* how sentences name it: its serial or "sample N" */
	const char *serial;	/* any identifier may be NULL */
	const char *mac;	/* any separators */
	const char *ssid;
	const char *password;	/* secret */
} pw_sample_t;

/* What every sample is judged against; all borrowed. */
typedef struct pw_policy {
	const char *manufacturer;	/* public names of the model, may be NULL */
	const char *model;
	size_t min_length;		/* characters (UTF-8 code points) */
	long long counter_window;	/* largest step still counted as a counter */
	const pwset_t *common;		/* sorted; NULL = no list */
} pw_policy_t;

typedef struct pw_hit {
	size_t sample;		/* index into the samples */
	pw_issue_t issue;
	char *why;		/* owned: "contains the serial number", no secret */
} pw_hit_t;

typedef struct pw_hits {
	pw_hit_t *v;
	size_t n, cap;
} pw_hits_t;

/*
 * Judges samples[0..n) and appends at most one hit per sample and issue, in
 * sample order then issue order.
 */
void pw_check(const pw_sample_t *samples, size_t n, const pw_policy_t *p,
    pw_hits_t *out);
void pw_hits_free(pw_hits_t *h);	/* frees the contents; NULL is fine */

#endif
