/*
 * Assessor decisions: the verdicts of conceptual test cases, which the
 * harness never decides itself (TS 103 701: the IXIT judged against the
 * provision).  Loaded from a decisions file (load/decisions_load.c), handed
 * to the runner, and merged into the report with who decided, when, why and
 * on what evidence.  decisions_free accepts NULL and frees everything.
 */
#ifndef IOTCERT_DECISIONS_H
#define IOTCERT_DECISIONS_H

#include <stddef.h>

#include "model.h"
#include "verdict.h"

typedef struct decision {
	char *case_id;		/* a conceptual test case's id */
	verdict_t verdict;	/* PASS, FAIL, NOT_APPLICABLE or INCONCLUSIVE */
	char *assessor;
	char *date;		/* YYYY-MM-DD */
	char *rationale;
	char *evidence;		/* what the assessor relied on: document, section */
	srcpos_t pos;
} decision_t;

typedef struct decisions {
	decision_t *v;
	size_t n;
	char *file, *sha256;
} decisions_t;

void decisions_free(decisions_t *d);
/* The decision for case `id`, or NULL (also for d == NULL). */
const decision_t *decisions_find(const decisions_t *d, const char *id);

#endif
