/*
 * Checking a ydoc tree against what a loader expects.  A mapping is described
 * by a table of allowed keys (name, type, required); schema_check reports
 * unknown keys (suggesting the nearest allowed one), missing required keys and
 * values of the wrong type, each at the offending node, and hands back the
 * value nodes that passed so the loader can convert them without checking
 * the type again.  The typed getters convert one node and report at it when
 * it does not fit; they are used for values (range, format) and for sequence
 * items.
 */
#ifndef IOTCERT_SCHEMA_H
#define IOTCERT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/util.h"
#include "ydoc.h"

/* Where diagnostics go: the file being loaded and the list. */
typedef struct sctx {
	const char *file;
	diags_t *d;
} sctx_t;

typedef enum stype {
	ST_ANY,		/* any node */
	ST_STR,		/* string scalar (quoted, or plain that is not null/bool/number) */
	ST_INT,		/* plain integer */
	ST_BOOL,	/* plain true / false */
	ST_DURATION,	/* int (milliseconds) or string like 500ms, 30s, 2m */
	ST_SCALAR,	/* any scalar except null */
	ST_SEQ,		/* sequence */
	ST_MAP,		/* mapping */
} stype_t;

typedef struct skey {
	const char *name;
	stype_t type;
	bool required;
} skey_t;

/* An error at `n` (file:line:col of the node). */
void schema_err(const sctx_t *sc, const ynode_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void schema_warn(const sctx_t *sc, const ynode_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Check mapping `map` against `keys[0..n)`.  vals[i] receives the value of
 * keys[i] when present and of the right type, else NULL.  `what` names the
 * mapping in messages ("test case", "step").  Returns the number of errors
 * added; a `map` that is not a mapping is one error and leaves vals NULL.
 */
int schema_check(const sctx_t *sc, const ynode_t *map, const char *what,
    const skey_t *keys, size_t n, const ynode_t **vals);

/*
 * Report every key that repeats an earlier one among keys[0..n) (nodes[i] is
 * where keys[i] is written) as "duplicate <what> '<key>'", naming the first.
 */
void schema_dups(const sctx_t *sc, const ynode_t *const *nodes,
    const char *const *keys, size_t n, const char *what);

/* Does `n` have type `t`?  No diagnostics. */
bool schema_type_ok(const ynode_t *n, stype_t t);
const char *schema_type_str(stype_t t);	/* "a string", "an int", ... */

/* Levenshtein distance, capped: returns max+1 once it exceeds `max`. */
size_t edit_distance(const char *a, const char *b, size_t max);
/* The candidate nearest to `s` within a small distance, or NULL. */
const char *nearest(const char *s, const char *const *cands, size_t n);

/*
 * Typed getters.  Each checks `n` and on success stores into *out and returns
 * true; otherwise reports one error at `n`, naming it `label`, and leaves *out
 * untouched.  Strings are returned owned (caller frees).
 */
bool sget_str(const sctx_t *sc, const ynode_t *n, const char *label, char **out);
/* A string, int or float scalar as its literal text: refs like 1 or 5.6-1. */
bool sget_text(const sctx_t *sc, const ynode_t *n, const char *label, char **out);
bool sget_int(const sctx_t *sc, const ynode_t *n, const char *label,
    long long min, long long max, long long *out);
bool sget_bool(const sctx_t *sc, const ynode_t *n, const char *label, bool *out);
/* Milliseconds: an int, or a string <digits>ms|s|m; result within [min, max]. */
bool sget_duration(const sctx_t *sc, const ynode_t *n, const char *label,
    unsigned long min_ms, unsigned long max_ms, unsigned long *out);
/* A sequence of strings, appended to *out; every bad item is reported. */
bool sget_strlist(const sctx_t *sc, const ynode_t *n, const char *label,
    strlist_t *out);
/*
 * A port list: items are ints 1-65535 or strings "N" / "A-B" (A <= B).
 * Expanded, de-duplicated and sorted; *out (caller frees) is NULL when empty.
 */
bool sget_ports(const sctx_t *sc, const ynode_t *n, const char *label,
    int **out, size_t *n_out);

#endif
