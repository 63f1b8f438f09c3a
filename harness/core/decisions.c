/*
 * Assessor decisions: lookup and freeing (the loader is load/decisions_load.c).
 */
#include "decisions.h"

#include <stdlib.h>
#include <string.h>

void
decisions_free(decisions_t *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		decision_t *x = &d->v[i];
		free(x->case_id);
		free(x->assessor);
		free(x->date);
		free(x->rationale);
		free(x->evidence);
	}
	free(d->v);
	free(d->file);
	free(d->sha256);
	free(d);
}

const decision_t *
decisions_find(const decisions_t *d, const char *id)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (strcmp(d->v[i].case_id, id) == 0)
			return &d->v[i];
	return NULL;
}
