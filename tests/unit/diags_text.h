/*
 * The loader tests' view of a diagnostics list: every entry as
 * "\n  file:line:col: message", for assertion messages that show what the
 * loader said instead.  Header-only: each test executable includes it once.
 */
#ifndef IOTCERT_TEST_DIAGS_TEXT_H
#define IOTCERT_TEST_DIAGS_TEXT_H

#include "core/diag.h"
#include "core/util.h"

/* Caller frees. */
static char *
diags_text(const diags_t *d)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < d->n; i++)
		buf_printf(&b, "\n  %s:%d:%d: %s", d->v[i].file, d->v[i].line,
		    d->v[i].col, d->v[i].msg);
	return buf_steal(&b);
}

#endif
