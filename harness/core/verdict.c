/*
 * Verdict names, parsing and the two combination rules (step and roll-up).
 */
#include "verdict.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const names[V__COUNT] = {
	[V_NONE] = "NONE",
	[V_PASS] = "PASS",
	[V_INCONCLUSIVE] = "INCONCLUSIVE",
	[V_FAIL] = "FAIL",
	[V_ERROR] = "ERROR",
	[V_NOT_APPLICABLE] = "NOT_APPLICABLE",
	[V_NOT_RUN] = "NOT_RUN",
};

const char *
verdict_str(verdict_t v)
{
	return (unsigned)v < V__COUNT ? names[v] : "NONE";
}

int
verdict_parse(const char *s, verdict_t *v)
{
	char tmp[32];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (size_t i = 0; i <= n; i++)
		tmp[i] = s[i] == '-' ? '_' : (char)toupper((unsigned char)s[i]);
	for (int i = V_PASS; i < V__COUNT; i++) {
		if (strcmp(tmp, names[i]) == 0) {
			*v = (verdict_t)i;
			return 0;
		}
	}
	return -1;
}

verdict_t
verdict_combine(verdict_t a, verdict_t b)
{
	if (a == V_ERROR || b == V_ERROR)
		return V_ERROR;
	return a > b ? a : b;
}

int
verdict_rank(verdict_t v)
{
	static const int rank[V__COUNT] = {
		[V_NONE] = 0, [V_NOT_APPLICABLE] = 1, [V_PASS] = 2, [V_NOT_RUN] = 3,
		[V_INCONCLUSIVE] = 4, [V_ERROR] = 5, [V_FAIL] = 6,
	};
	return (unsigned)v < V__COUNT ? rank[v] : 0;
}

verdict_t
verdict_rollup(verdict_t acc, verdict_t next)
{
	return verdict_rank(next) > verdict_rank(acc) ? next : acc;
}
