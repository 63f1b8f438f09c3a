/*
 * Steps of a test case.  The point of checking here rather than at run time
 * is that `iotcert check` catches a misspelt field or a regex that does not
 * compile before a lab spends an afternoon on a device.
 */
#include "case_step.h"

#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { S_PROBE, S_WITH, S_EXPECT, S__N };
static const skey_t step_keys[S__N] = {
	[S_PROBE] = { "probe", ST_STR, true },
	[S_WITH] = { "with", ST_MAP, false },
	[S_EXPECT] = { "expect", ST_SEQ, false },
};

enum { E_FIELD, E_OP, E_VALUE, E_ELSE, E_REASON, E__N };
static const skey_t expect_keys[E__N] = {
	[E_FIELD] = { "field", ST_STR, true },
	[E_OP] = { "op", ST_STR, true },
	[E_VALUE] = { "value", ST_ANY, false },
	[E_ELSE] = { "else", ST_STR, false },
	[E_REASON] = { "reason", ST_STR, false },
};

/* Placeholders a reason may use besides the probe's own field names; the
 * runner fills them from the service instance (core/expect.c). */
static const char *const service_placeholders[] = {
	"port", "protocol", "service", "transport",
};

static srcpos_t
pos_of(const sctx_t *sc, const ynode_t *n)
{
	return (srcpos_t){ .file = sc->file, .line = n->line, .col = n->col };
}

static const char *
vt_article(value_type_t t)
{
	switch (t) {
	case VT_BOOL: return "true or false";
	case VT_INT: return "an int";
	case VT_STR: return "a string";
	case VT_LIST: return "a list";
	default: return "a value";
	}
}

/*
 * Convert `n` to a value of type `t`.  List items may be strings or ints
 * because lists hold text and ports are written as numbers.
 */
static bool
node_value(const sctx_t *sc, const ynode_t *n, value_type_t t, const char *what,
    value_t *out)
{
	char got[96];
	yscalar_type_t st = yscalar_type(n);
	bool ok = false;
	switch (t) {
	case VT_BOOL: ok = schema_type_ok(n, ST_BOOL); break;
	case VT_INT: ok = schema_type_ok(n, ST_INT); break;
	case VT_STR: ok = schema_type_ok(n, ST_STR); break;
	case VT_LIST: ok = n->kind == YN_SEQ; break;
	default: break;
	}
	if (!ok) {
		schema_err(sc, n, "%s must be %s, got %s", what, vt_article(t),
		    ynode_describe(n, got, sizeof(got)));
		return false;
	}
	switch (t) {
	case VT_BOOL:
		value_set_bool(out, strcmp(n->str, "true") == 0);
		return true;
	case VT_INT: {
		long long v;
		if (!sget_int(sc, n, what, LLONG_MIN, LLONG_MAX, &v))
			return false;
		value_set_int(out, v);
		return true;
	}
	case VT_STR:
		value_set_bytes(out, n->str, n->len);
		return true;
	case VT_LIST:
		break;
	default:
		return false;
	}
	value_t v = { .type = VT_LIST };
	bool all = true;
	for (size_t i = 0; i < n->n_items; i++) {
		const ynode_t *it = n->items[i];
		st = yscalar_type(it);
		if (it->kind != YN_SCALAR || (st != YS_STR && st != YS_INT) ||
		    strlen(it->str) != it->len) {
			schema_err(sc, it, "%s: list items must be strings or ints, got %s",
			    what, ynode_describe(it, got, sizeof(got)));
			all = false;
			continue;
		}
		value_list_push(&v, it->str);
	}
	if (!all) {
		value_clear(&v);
		return false;
	}
	*out = v;
	return true;
}

static const char **
param_names(const probe_kind_t *k, size_t *n)
{
	*n = 0;
	for (const param_spec_t *p = k->params; p && p->name; p++)
		(*n)++;
	const char **v = xcalloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = k->params[i].name;
	return v;
}

static const char **
field_names(const probe_kind_t *k, size_t *n)
{
	*n = 0;
	for (const field_spec_t *f = k->fields; f && f->name; f++)
		(*n)++;
	const char **v = xcalloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = k->fields[i].name;
	return v;
}

static void
unknown_name(const sctx_t *sc, const ynode_t *at, const char *kind,
    const char *name, const probe_kind_t *k, const char **names, size_t n)
{
	const char *near = nearest(name, names, n);
	strlist_t l = { .v = (char **)names, .n = n, .cap = n };
	char *all = n ? strlist_join(&l, ", ") : xstrdup("none");
	if (near)
		schema_err(sc, at, "unknown %s '%s' for probe '%s' (did you mean '%s'?)",
		    kind, name, k->name, near);
	else
		schema_err(sc, at, "unknown %s '%s' for probe '%s' (known: %s)",
		    kind, name, k->name, all);
	free(all);
}

void
step_params_load(const sctx_t *sc, const ynode_t *with, const ynode_t *at,
    const probe_kind_t *k, step_t *st)
{
	size_t n_names = 0;
	const char **names = k ? param_names(k, &n_names) : NULL;
	size_t n = with ? with->n_pairs : 0;
	st->params = n ? xcalloc(n, sizeof(*st->params)) : NULL;
	for (size_t i = 0; i < n; i++) {
		const ynode_t *key = with->pairs[i].key, *val = with->pairs[i].val;
		const param_spec_t *ps = k ? probe_param(k, key->str) : NULL;
		if (k && ps == NULL) {
			unknown_name(sc, key, "parameter", key->str, k, names, n_names);
			continue;
		}
		if (k == NULL || step_param(st, key->str) != NULL)
			continue;	/* unknown probe, or a duplicate ydoc reported */
		char *what = xasprintf("parameter '%s' of probe '%s'", ps->name, k->name);
		value_t v = { 0 };
		if (node_value(sc, val, ps->type, what, &v)) {
			param_t *p = &st->params[st->n_params++];
			p->name = xstrdup(ps->name);
			p->val = v;
			p->pos = pos_of(sc, key);
		}
		free(what);
	}
	free(names);
	if (k == NULL)
		return;
	for (const param_spec_t *ps = k->params; ps && ps->name; ps++)
		if (ps->def == NULL && !ps->optional &&
		    (with == NULL || ymap_get(with, ps->name) == NULL))
			schema_err(sc, with ? with : at,
			    "probe '%s' needs parameter '%s' (%s)", k->name, ps->name,
			    ps->help ? ps->help : value_type_str(ps->type));
}

static bool
check_regex(const sctx_t *sc, const ynode_t *n, const char *s)
{
	regex_t re;
	int rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &re, msg, sizeof(msg));
		schema_err(sc, n, "'value' is not a valid extended regular expression: %s",
		    msg);
		return false;
	}
	regfree(&re);
	return true;
}

/*
 * Which field types each operator can compare, as a bit set over value_type_t.
 * Ordering needs numbers; matching and containment need text or a list.
 */
static unsigned
op_field_types(expect_op_t op)
{
	const unsigned text = 1u << VT_STR | 1u << VT_LIST;
	switch (op) {
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return 1u << VT_INT;
	case OP_CONTAINS: case OP_NOT_CONTAINS:
	case OP_MATCHES: case OP_NOT_MATCHES:
	case OP_EMPTY: case OP_NOT_EMPTY:
		return text;
	default:
		return 1u << VT_BOOL | 1u << VT_INT | text;
	}
}

/* The operand type: fixed by the op, else by the field, else by the YAML. */
static value_type_t
operand_type(expect_op_t op, const field_spec_t *f, const ynode_t *v)
{
	switch (op) {
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return VT_INT;
	case OP_MATCHES: case OP_NOT_MATCHES:
		return VT_STR;
	case OP_CONTAINS: case OP_NOT_CONTAINS:
		/* An item of a list may be written as a number (a port). */
		if ((f == NULL || f->type == VT_LIST) && yscalar_type(v) == YS_INT)
			return VT_INT;
		return VT_STR;
	default:
		break;
	}
	if (f)
		return f->type;
	if (v->kind == YN_SEQ)
		return VT_LIST;
	switch (yscalar_type(v)) {
	case YS_BOOL: return VT_BOOL;
	case YS_INT: return VT_INT;
	default: return VT_STR;
	}
}

static void
expect_value(const sctx_t *sc, const ynode_t *vn, const field_spec_t *f,
    expect_t *e)
{
	value_type_t want = operand_type(e->op, f, vn);
	char *what = f ? xasprintf("'value' of '%s' on %s field '%s'",
	    expect_op_str(e->op), value_type_str(f->type), f->name) :
	    xasprintf("'value' of '%s'", expect_op_str(e->op));
	value_t v = { 0 };
	if (node_value(sc, vn, want, what, &v)) {
		if ((e->op == OP_MATCHES || e->op == OP_NOT_MATCHES) &&
		    !check_regex(sc, vn, v.s)) {
			value_clear(&v);
		} else if (v.type == VT_INT && (e->op == OP_CONTAINS ||
		    e->op == OP_NOT_CONTAINS)) {
			char *s = value_to_text(&v);	/* list items are text */
			value_set_str(&v, s);
			free(s);
		}
	}
	e->value = v;
	free(what);
}

static void
check_placeholders(const sctx_t *sc, const ynode_t *n, const probe_kind_t *k)
{
	for (const char *p = strchr(n->str, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (end == NULL)
			return;
		char *name = xstrndup(p + 1, (size_t)(end - p - 1));
		bool known = (k && probe_field(k, name)) || k == NULL;
		for (size_t i = 0; i < ARRAY_LEN(service_placeholders); i++)
			if (strcmp(name, service_placeholders[i]) == 0)
				known = true;
		if (!known)
			schema_warn(sc, n, "reason: '{%s}' is not a field of probe '%s' "
			    "and will not expand", name, k->name);
		free(name);
	}
}

static bool
expect_load(const sctx_t *sc, const ynode_t *n, const probe_kind_t *k, expect_t *e)
{
	const ynode_t *v[E__N];
	size_t before = sc->d->errors;
	schema_check(sc, n, "expectation", expect_keys, E__N, v);
	if (n->kind != YN_MAP)
		return false;
	e->pos = pos_of(sc, n);
	e->otherwise = V_FAIL;
	const field_spec_t *f = NULL;
	if (v[E_FIELD]) {
		e->field = xstrdup(v[E_FIELD]->str);
		f = k ? probe_field(k, e->field) : NULL;
		if (k && f == NULL) {
			size_t nn;
			const char **names = field_names(k, &nn);
			unknown_name(sc, v[E_FIELD], "evidence field", e->field, k, names, nn);
			free(names);
		}
	}
	bool have_op = false;
	if (v[E_OP]) {
		if (expect_op_parse(v[E_OP]->str, &e->op) == 0) {
			have_op = true;
		} else {
			const char *ops[OP__COUNT];
			for (int i = 0; i < OP__COUNT; i++)
				ops[i] = expect_op_str((expect_op_t)i);
			const char *near = nearest(v[E_OP]->str, ops, OP__COUNT);
			schema_err(sc, v[E_OP], "unknown op '%s'%s%s%s (equals not-equals lt "
			    "le gt ge contains not-contains matches not-matches empty "
			    "not-empty present absent)", v[E_OP]->str,
			    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
	}
	if (have_op && f && !(op_field_types(e->op) & (1u << f->type)))
		schema_err(sc, v[E_OP], "op '%s' does not apply to %s field '%s'",
		    expect_op_str(e->op), value_type_str(f->type), f->name);
	if (have_op && expect_op_takes_value(e->op) && ymap_get(n, "value") == NULL)
		schema_err(sc, n, "op '%s' needs a 'value'", expect_op_str(e->op));
	if (have_op && !expect_op_takes_value(e->op) && v[E_VALUE])
		schema_err(sc, v[E_VALUE], "op '%s' takes no 'value'",
		    expect_op_str(e->op));
	if (have_op && expect_op_takes_value(e->op) && v[E_VALUE])
		expect_value(sc, v[E_VALUE], f, e);
	if (v[E_ELSE]) {
		if (strcmp(v[E_ELSE]->str, "fail") == 0)
			e->otherwise = V_FAIL;
		else if (strcmp(v[E_ELSE]->str, "inconclusive") == 0)
			e->otherwise = V_INCONCLUSIVE;
		else
			schema_err(sc, v[E_ELSE], "'else' must be fail or inconclusive, "
			    "got '%s'", v[E_ELSE]->str);
	}
	if (v[E_REASON] && sget_str(sc, v[E_REASON], "reason", &e->reason))
		check_placeholders(sc, v[E_REASON], k);
	return sc->d->errors == before;
}

void
step_expects_load(const sctx_t *sc, const ynode_t *list, const probe_kind_t *k,
    step_t *st)
{
	if (list == NULL || list->n_items == 0)
		return;
	st->expects = xcalloc(list->n_items, sizeof(*st->expects));
	for (size_t i = 0; i < list->n_items; i++) {
		expect_t *e = &st->expects[st->n_expects];
		if (expect_load(sc, list->items[i], k, e)) {
			st->n_expects++;
		} else {
			free(e->field);
			free(e->reason);
			value_clear(&e->value);
			memset(e, 0, sizeof(*e));
		}
	}
}

void
case_step_load(const sctx_t *sc, const ynode_t *n, step_t *st)
{
	const ynode_t *v[S__N];
	schema_check(sc, n, "step", step_keys, S__N, v);
	if (n->kind != YN_MAP)
		return;
	st->pos = pos_of(sc, n);
	const probe_kind_t *k = NULL;
	if (v[S_PROBE]) {
		st->probe = xstrdup(v[S_PROBE]->str);
		k = probe_find(st->probe);
		if (k == NULL) {
			size_t nk;
			const probe_kind_t *const *all = probe_all(&nk);
			const char **names = xcalloc(nk, sizeof(*names));
			for (size_t i = 0; i < nk; i++)
				names[i] = all[i]->name;
			strlist_t l = { .v = (char **)names, .n = nk, .cap = nk };
			char *known = strlist_join(&l, ", ");
			const char *near = nearest(st->probe, names, nk);
			if (near)
				schema_err(sc, v[S_PROBE], "unknown probe '%s' (did you mean "
				    "'%s'?)", st->probe, near);
			else
				schema_err(sc, v[S_PROBE], "unknown probe '%s' (known: %s)",
				    st->probe, known);
			free(known);
			free(names);
		}
	}
	step_params_load(sc, v[S_WITH], n, k, st);
	step_expects_load(sc, v[S_EXPECT], k, st);
}
