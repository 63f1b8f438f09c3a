/*
 * Key tables and typed getters over ydoc nodes; see schema.h.
 */
#include "schema.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PORT 65535

static void
vreport(const sctx_t *sc, diag_level_t lvl, const ynode_t *n, const char *fmt,
    va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	diags_add(sc->d, lvl, sc->file, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	free(msg);
}

void
schema_err(const sctx_t *sc, const ynode_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(sc, DIAG_ERROR, n, fmt, ap);
	va_end(ap);
}

void
schema_warn(const sctx_t *sc, const ynode_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(sc, DIAG_WARNING, n, fmt, ap);
	va_end(ap);
}

const char *
schema_type_str(stype_t t)
{
	switch (t) {
	case ST_STR: return "a string";
	case ST_INT: return "an int";
	case ST_BOOL: return "true or false";
	case ST_DURATION: return "a duration (milliseconds, or e.g. 500ms, 30s, 2m)";
	case ST_SCALAR: return "a scalar";
	case ST_SEQ: return "a sequence";
	case ST_MAP: return "a mapping";
	default: return "a value";
	}
}

bool
schema_type_ok(const ynode_t *n, stype_t t)
{
	if (n == NULL)
		return false;
	yscalar_type_t st = yscalar_type(n);
	bool scalar = n->kind == YN_SCALAR;
	switch (t) {
	case ST_ANY: return true;
	case ST_STR: return scalar && st == YS_STR;
	case ST_INT: return scalar && st == YS_INT;
	case ST_BOOL: return scalar && st == YS_BOOL;
	case ST_DURATION: return scalar && (st == YS_INT || st == YS_STR);
	case ST_SCALAR: return scalar && st != YS_NULL;
	case ST_SEQ: return n->kind == YN_SEQ;
	case ST_MAP: return n->kind == YN_MAP;
	}
	return false;
}

/* A hint for the most common YAML surprise: an unquoted number or bool. */
static const char *
quote_hint(const ynode_t *n, stype_t want)
{
	if (want != ST_STR || n->kind != YN_SCALAR)
		return "";
	yscalar_type_t st = yscalar_type(n);
	return st == YS_INT || st == YS_FLOAT || st == YS_BOOL ?
	    " (quote it to make it a string)" : "";
}

static void
type_error(const sctx_t *sc, const ynode_t *n, const char *label, stype_t want)
{
	char got[96];
	schema_err(sc, n, "'%s': expected %s, got %s%s", label, schema_type_str(want),
	    ynode_describe(n, got, sizeof(got)), quote_hint(n, want));
}

size_t
edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > max || lb > 64)
		return max + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best = row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[lb] > max ? max + 1 : row[lb];
}

const char *
nearest(const char *s, const char *const *cands, size_t n)
{
	/* Two edits catch typos and transpositions without absurd guesses. */
	size_t max = strlen(s) <= 3 ? 1 : 2;
	const char *best = NULL;
	size_t bestd = max + 1;
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(s, cands[i], max);
		if (dist < bestd) {
			bestd = dist;
			best = cands[i];
		}
	}
	return best;
}

int
schema_check(const sctx_t *sc, const ynode_t *map, const char *what,
    const skey_t *keys, size_t n, const ynode_t **vals)
{
	size_t before = sc->d->errors;
	for (size_t i = 0; i < n; i++)
		vals[i] = NULL;
	if (map == NULL || map->kind != YN_MAP) {
		char got[96];
		schema_err(sc, map, "%s: expected a mapping, got %s", what,
		    ynode_describe(map, got, sizeof(got)));
		return (int)(sc->d->errors - before);
	}
	const char **names = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	strlist_t l = { .v = (char **)names, .n = n, .cap = n };
	char *allowed = strlist_join(&l, ", ");
	for (size_t p = 0; p < map->n_pairs; p++) {
		const ynode_t *k = map->pairs[p].key, *v = map->pairs[p].val;
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(k->str, keys[i].name) == 0)
				break;
		if (i == n) {
			const char *near = nearest(k->str, names, n);
			if (near)
				schema_err(sc, k, "unknown key '%s' in %s (did you mean '%s'?)",
				    k->str, what, near);
			else
				schema_err(sc, k, "unknown key '%s' in %s (allowed: %s)",
				    k->str, what, allowed);
			continue;
		}
		if (vals[i] != NULL)	/* a duplicate key; ydoc reported it */
			continue;
		if (!schema_type_ok(v, keys[i].type)) {
			type_error(sc, v, keys[i].name, keys[i].type);
			continue;
		}
		vals[i] = v;
	}
	free(allowed);
	free(names);
	for (size_t i = 0; i < n; i++)
		if (keys[i].required && ymap_get(map, keys[i].name) == NULL)
			schema_err(sc, map, "%s: missing required key '%s'", what,
			    keys[i].name);
	return (int)(sc->d->errors - before);
}

bool
sget_str(const sctx_t *sc, const ynode_t *n, const char *label, char **out)
{
	if (!schema_type_ok(n, ST_STR)) {
		type_error(sc, n, label, ST_STR);
		return false;
	}
	/* Model strings are C strings; a "\0" escape would silently cut them. */
	if (strlen(n->str) != n->len) {
		schema_err(sc, n, "'%s': string contains a NUL character", label);
		return false;
	}
	*out = xstrdup(n->str);
	return true;
}

bool
sget_text(const sctx_t *sc, const ynode_t *n, const char *label, char **out)
{
	yscalar_type_t st = yscalar_type(n);
	if (n == NULL || n->kind != YN_SCALAR ||
	    (st != YS_STR && st != YS_INT && st != YS_FLOAT)) {
		type_error(sc, n, label, ST_STR);
		return false;
	}
	if (strlen(n->str) != n->len) {
		schema_err(sc, n, "'%s': string contains a NUL character", label);
		return false;
	}
	*out = xstrdup(n->str);
	return true;
}

/* Decimal with an optional sign; false on overflow. */
static bool
parse_ll(const char *s, long long *out)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 :
	    (unsigned long long)LLONG_MAX;
	for (; *s; s++) {
		unsigned dig = (unsigned)(*s - '0');
		if (v > (lim - dig) / 10)
			return false;
		v = v * 10 + dig;
	}
	if (neg)
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else
		*out = (long long)v;
	return true;
}

bool
sget_int(const sctx_t *sc, const ynode_t *n, const char *label,
    long long min, long long max, long long *out)
{
	if (!schema_type_ok(n, ST_INT)) {
		type_error(sc, n, label, ST_INT);
		return false;
	}
	long long v;
	if (!parse_ll(n->str, &v) || v < min || v > max) {
		schema_err(sc, n, "'%s': %s is out of range (%lld to %lld)", label,
		    n->str, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool
sget_bool(const sctx_t *sc, const ynode_t *n, const char *label, bool *out)
{
	if (!schema_type_ok(n, ST_BOOL)) {
		type_error(sc, n, label, ST_BOOL);
		return false;
	}
	*out = strcmp(n->str, "true") == 0;
	return true;
}

bool
sget_duration(const sctx_t *sc, const ynode_t *n, const char *label,
    unsigned long min_ms, unsigned long max_ms, unsigned long *out)
{
	if (!schema_type_ok(n, ST_DURATION)) {
		type_error(sc, n, label, ST_DURATION);
		return false;
	}
	const char *s = n->str;
	unsigned long long v = 0, mult = 1;
	size_t ndig = 0;
	while (s[ndig] >= '0' && s[ndig] <= '9') {
		if (v > (ULLONG_MAX - 9) / 10)
			goto range;
		v = v * 10 + (unsigned)(s[ndig] - '0');
		ndig++;
	}
	const char *unit = s + ndig;
	if (yscalar_type(n) == YS_INT && *unit == '\0')
		mult = 1;
	else if (strcmp(unit, "ms") == 0)
		mult = 1;
	else if (strcmp(unit, "s") == 0)
		mult = 1000;
	else if (strcmp(unit, "m") == 0)
		mult = 60000;
	else
		ndig = 0;
	if (ndig == 0 || (yscalar_type(n) == YS_INT && s[0] == '-')) {
		type_error(sc, n, label, ST_DURATION);
		return false;
	}
	if (v > ULLONG_MAX / mult)
		goto range;
	v *= mult;
	if (v < min_ms || v > max_ms)
		goto range;
	*out = (unsigned long)v;
	return true;
range:
	schema_err(sc, n, "'%s': %s is out of range (%lums to %lums)", label, s,
	    min_ms, max_ms);
	return false;
}

bool
sget_strlist(const sctx_t *sc, const ynode_t *n, const char *label, strlist_t *out)
{
	if (!schema_type_ok(n, ST_SEQ)) {
		type_error(sc, n, label, ST_SEQ);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < n->n_items; i++) {
		char *s;
		if (sget_str(sc, n->items[i], label, &s))
			strlist_push_owned(out, s);
		else
			ok = false;
	}
	return ok;
}

/* "N" or "A-B" with 1 <= A <= B <= 65535. */
static bool
parse_port_range(const char *s, long *lo, long *hi)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	*lo = strtol(s, &end, 10);
	if (*end == '\0') {
		*hi = *lo;
	} else {
		if (*end != '-' || end[1] < '0' || end[1] > '9')
			return false;
		*hi = strtol(end + 1, &end, 10);
		if (*end != '\0')
			return false;
	}
	return *lo >= 1 && *hi <= MAX_PORT && *lo <= *hi;
}

bool
sget_ports(const sctx_t *sc, const ynode_t *n, const char *label,
    int **out, size_t *n_out)
{
	if (!schema_type_ok(n, ST_SEQ)) {
		type_error(sc, n, label, ST_SEQ);
		return false;
	}
	/* A bitmap de-duplicates and sorts in one pass, in bounded memory. */
	uint8_t *seen = xcalloc(MAX_PORT / 8 + 1, 1);
	bool ok = true;
	for (size_t i = 0; i < n->n_items; i++) {
		const ynode_t *it = n->items[i];
		long lo, hi;
		yscalar_type_t st = yscalar_type(it);
		if (it->kind == YN_SCALAR && (st == YS_INT || st == YS_STR) &&
		    strlen(it->str) == it->len && parse_port_range(it->str, &lo, &hi) &&
		    (st == YS_STR || lo == hi)) {
			for (long p = lo; p <= hi; p++)
				seen[p / 8] |= (uint8_t)(1u << (p % 8));
			continue;
		}
		char got[96];
		schema_err(sc, it, "'%s': expected a port 1-65535 or a range \"A-B\", "
		    "got %s", label, ynode_describe(it, got, sizeof(got)));
		ok = false;
	}
	if (ok) {
		size_t cnt = 0;
		for (long p = 1; p <= MAX_PORT; p++)
			cnt += (seen[p / 8] >> (p % 8)) & 1u;
		int *v = cnt ? xcalloc(cnt, sizeof(*v)) : NULL;
		size_t k = 0;
		for (long p = 1; p <= MAX_PORT; p++)
			if ((seen[p / 8] >> (p % 8)) & 1u)
				v[k++] = (int)p;
		*out = v;
		*n_out = cnt;
	}
	free(seen);
	return ok;
}

typedef struct dupent {
	const char *key;
	size_t idx;
} dupent_t;

static int
dupent_cmp(const void *a, const void *b)
{
	const dupent_t *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c == 0)
		c = x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
	return c;
}

/* Sorted, so a list of thousands of entries stays cheap. */
void
schema_dups(const sctx_t *sc, const ynode_t *const *nodes,
    const char *const *keys, size_t n, const char *what)
{
	if (n < 2)
		return;
	dupent_t *v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (dupent_t){ keys[i], i };
	qsort(v, n, sizeof(*v), dupent_cmp);
	size_t first = 0;
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i].key, v[first].key) != 0) {
			first = i;
			continue;
		}
		const ynode_t *f = nodes[v[first].idx];
		schema_err(sc, nodes[v[i].idx], "duplicate %s '%s' (first at line %d, "
		    "column %d)", what, v[i].key, f->line, f->col);
	}
	free(v);
}
