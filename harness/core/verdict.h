/*
 * Verdicts and how they combine.  Step verdicts follow TTCN-3: none < pass <
 * inconclusive < fail, with error set only by the harness and overriding all.
 * NOT_APPLICABLE and NOT_RUN are case-level outcomes decided before any step
 * runs.  A provision's roll-up is defined in verdict_rollup().
 */
#ifndef IOTCERT_VERDICT_H
#define IOTCERT_VERDICT_H

#include <stdbool.h>

typedef enum verdict {
	V_NONE = 0,
	V_PASS,
	V_INCONCLUSIVE,
	V_FAIL,
	V_ERROR,
	V_NOT_APPLICABLE,
	V_NOT_RUN,
	V__COUNT
} verdict_t;

const char *verdict_str(verdict_t v);          /* "PASS", "FAIL", ... */
int verdict_parse(const char *s, verdict_t *v); /* accepts upper/lower case, - or _ */

/* Combine two step verdicts TTCN-3 style; returns the worse. */
verdict_t verdict_combine(verdict_t a, verdict_t b);

/*
 * Roll up case verdicts into a provision verdict:
 * FAIL if any FAIL; else ERROR if any; else INCONCLUSIVE if any; else NOT_RUN if
 * any (the provision is not fully assessed); else PASS if any; else
 * NOT_APPLICABLE (all cases N/A); V_NONE for no cases.
 */
verdict_t verdict_rollup(verdict_t acc, verdict_t next);

/* Severity used for ordering in summaries: higher is worse. */
int verdict_rank(verdict_t v);

#endif
