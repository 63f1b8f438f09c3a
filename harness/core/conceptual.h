/*
 * The conceptual test cases of TS 103 701 as cases of the run: for every
 * conceptual test case the scheme's ts103701 framework lists and no loaded
 * case maps to, a case with no steps that only an assessor's decision
 * (--decisions) can give a verdict, so each one appears in the report as
 * NOT_RUN "requires an assessor's decision" until decided and a lab can
 * decide any of them without writing a case file.
 */
#ifndef IOTCERT_CONCEPTUAL_H
#define IOTCERT_CONCEPTUAL_H

#include <stddef.h>

#include "model.h"

#define CONCEPTUAL_ID_PREFIX "TS103701-"

/* Adds the cases to cs (which owns them); returns how many. */
size_t caseset_add_conceptual(caseset_t *cs, const scheme_t *s);

#endif
