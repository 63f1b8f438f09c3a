/*
 * Expectations over evidence fields, and case selection.  Pure functions:
 * the runner calls them, the unit tests exercise them directly.
 */
#ifndef IOTCERT_EXPECT_H
#define IOTCERT_EXPECT_H

#include <stddef.h>

#include "evidence.h"
#include "model.h"
#include "target.h"

typedef enum expect_result {
	EXPECT_HOLDS,
	EXPECT_FAILS,
	EXPECT_UNDECIDED,	/* the field is missing or of the wrong type */
} expect_result_t;

/* Evaluates one expectation; `why` gets a sentence when it does not hold. */
expect_result_t expect_eval(const expect_t *x, const evidence_t *ev, char *why, size_t len);

/*
 * Expands {name} placeholders in text: evidence field names, and port,
 * protocol, transport, service (from svc, may be NULL).  Unknown names stay
 * as written.  Caller frees.
 */
char *expand_placeholders(const char *text, const evidence_t *ev, const service_t *svc);

/*
 * Whether a case matches a selector list (comma-separated items, each a case
 * id glob, a provision ref or ref glob of any framework, or a tag).  An empty
 * or NULL list selects everything.
 */
bool case_selected(const tcase_t *c, const char *selectors);
bool case_selected_list(const tcase_t *c, const strlist_t *selectors);

#endif
