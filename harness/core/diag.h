/*
 * Diagnostics collected while loading configuration: each one names
 * file:line:col and a message.  Loaders keep going after an error and the
 * caller decides at the end (like httpd -n), so one `iotcert check` shows every
 * mistake at once.
 */
#ifndef IOTCERT_DIAG_H
#define IOTCERT_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef enum { DIAG_ERROR, DIAG_WARNING } diag_level_t;

typedef struct diag {
	diag_level_t level;
	char *file;	/* owned */
	int line;	/* 1-based; 0 when unknown */
	int col;	/* 1-based; 0 when unknown */
	char *msg;	/* owned */
} diag_t;

typedef struct diags {
	diag_t *v;
	size_t n, cap;
	size_t errors;
} diags_t;

void diags_add(diags_t *d, diag_level_t lvl, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Prints "file:line:col: error: msg" lines. */
void diags_print(const diags_t *d, FILE *out);
void diags_free(diags_t *d);

#endif
