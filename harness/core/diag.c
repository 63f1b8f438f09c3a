/*
 * Diagnostic list for configuration loading.
 */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

void
diags_add(diags_t *d, diag_level_t lvl, const char *file, int line, int col,
    const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xrealloc(d->v, d->cap, sizeof(*d->v));
	}
	va_list ap;
	va_start(ap, fmt);
	diag_t *g = &d->v[d->n++];
	g->level = lvl;
	g->file = xstrdup(file ? file : "<input>");
	g->line = line;
	g->col = col;
	g->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (lvl == DIAG_ERROR)
		d->errors++;
}

void
diags_print(const diags_t *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const diag_t *g = &d->v[i];
		fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col,
		    g->level == DIAG_ERROR ? "error" : "warning", g->msg);
	}
}

void
diags_free(diags_t *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->errors = 0;
}
