/*
 * Expectation evaluation, placeholder expansion and selection.
 */
#include "expect.h"
#include "util.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
list_has(const value_t *v, const char *s)
{
	for (size_t i = 0; i < v->n_items; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

static bool
values_equal(const value_t *a, const value_t *b)
{
	if (a->type == VT_LIST && b->type == VT_STR)
		return a->n_items == 1 && strcmp(a->items[0], b->s) == 0;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VT_BOOL: return a->b == b->b;
	case VT_INT: return a->i == b->i;
	case VT_STR: return a->s_len == b->s_len && memcmp(a->s, b->s, a->s_len) == 0;
	case VT_LIST:
		if (a->n_items != b->n_items)
			return false;
		for (size_t i = 0; i < a->n_items; i++)
			if (strcmp(a->items[i], b->items[i]) != 0)
				return false;
		return true;
	default: return false;
	}
}

static int
regex_any(const char *re, const value_t *v, bool *matched)
{
	regex_t rx;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return -1;
	*matched = false;
	if (v->type == VT_STR)
		*matched = regexec(&rx, v->s, 0, NULL, 0) == 0;
	for (size_t i = 0; v->type == VT_LIST && i < v->n_items && !*matched; i++)
		*matched = regexec(&rx, v->items[i], 0, NULL, 0) == 0;
	regfree(&rx);
	return 0;
}

expect_result_t
expect_eval(const expect_t *x, const evidence_t *ev, char *why, size_t len)
{
	const value_t *v = ev_get(ev, x->field);
	const value_t *w = &x->value;
	why[0] = '\0';
	if (x->op == OP_PRESENT || x->op == OP_ABSENT) {
		bool ok = (v != NULL) == (x->op == OP_PRESENT);
		if (!ok)
			snprintf(why, len, "field %s is %s", x->field, v ? "present" : "absent");
		return ok ? EXPECT_HOLDS : EXPECT_FAILS;
	}
	if (v == NULL || v->type == VT_NONE) {
		snprintf(why, len, "the probe did not report field %s", x->field);
		return EXPECT_UNDECIDED;
	}
	char *have = value_to_text(v);
	char *want = value_to_text(w);
	bool ok = false;
	bool typed = true;
	switch (x->op) {
	case OP_EQ: ok = values_equal(v, w); break;
	case OP_NE: ok = !values_equal(v, w); break;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		typed = v->type == VT_INT && w->type == VT_INT;
		if (typed)
			ok = x->op == OP_LT ? v->i < w->i : x->op == OP_LE ? v->i <= w->i
			    : x->op == OP_GT ? v->i > w->i : v->i >= w->i;
		break;
	case OP_CONTAINS: case OP_NOT_CONTAINS:
		typed = w->type == VT_STR && (v->type == VT_STR || v->type == VT_LIST);
		if (typed) {
			bool has = v->type == VT_LIST ? list_has(v, w->s)
			    : memmem(v->s, v->s_len, w->s, w->s_len) != NULL;
			ok = x->op == OP_CONTAINS ? has : !has;
		}
		break;
	case OP_MATCHES: case OP_NOT_MATCHES: {
		bool m = false;
		typed = w->type == VT_STR && regex_any(w->s, v, &m) == 0;
		ok = x->op == OP_MATCHES ? m : !m;
		break;
	}
	case OP_EMPTY: case OP_NOT_EMPTY: {
		bool empty = v->type == VT_LIST ? v->n_items == 0
		    : v->type == VT_STR ? v->s_len == 0 : false;
		typed = v->type == VT_LIST || v->type == VT_STR;
		ok = x->op == OP_EMPTY ? empty : !empty;
		break;
	}
	default: typed = false; break;
	}
	expect_result_t r;
	if (!typed) {
		snprintf(why, len, "field %s (%s) cannot be compared with '%s'", x->field,
		    value_type_str(v->type), expect_op_str(x->op));
		r = EXPECT_UNDECIDED;
	} else if (ok) {
		r = EXPECT_HOLDS;
	} else {
		if (expect_op_takes_value(x->op))
			snprintf(why, len, "expected %s %s %s, got %s", x->field,
			    expect_op_str(x->op), want, have[0] ? have : "(empty)");
		else
			snprintf(why, len, "expected %s %s, got %s", x->field,
			    expect_op_str(x->op), have[0] ? have : "(empty)");
		r = EXPECT_FAILS;
	}
	free(have);
	free(want);
	return r;
}

char *
expand_placeholders(const char *text, const evidence_t *ev, const service_t *svc)
{
	buf_t b;
	buf_init(&b, 16 * 1024);
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (open == NULL || close == NULL) {
			buf_append(&b, p, strlen(p));
			break;
		}
		buf_append(&b, p, (size_t)(open - p));
		char name[64];
		size_t k = (size_t)(close - open - 1);
		if (k == 0 || k >= sizeof(name)) {
			buf_append(&b, open, (size_t)(close - open + 1));
			p = close + 1;
			continue;
		}
		memcpy(name, open + 1, k);
		name[k] = '\0';
		const value_t *v = ev ? ev_get(ev, name) : NULL;
		if (v) {
			char *t = value_to_text(v);
			buf_append(&b, t, strlen(t));
			free(t);
		} else if (svc && strcmp(name, "port") == 0) {
			buf_printf(&b, "%d", svc->port);
		} else if (svc && strcmp(name, "protocol") == 0) {
			buf_printf(&b, "%s", svc->protocol);
		} else if (svc && strcmp(name, "transport") == 0) {
			buf_printf(&b, "%s", svc->transport);
		} else if (svc && strcmp(name, "service") == 0) {
			buf_printf(&b, "%s on %s/%d", svc->protocol, svc->transport, svc->port);
		} else {
			buf_append(&b, open, (size_t)(close - open + 1));
		}
		p = close + 1;
	}
	return buf_steal(&b);
}

static bool
item_selects(const tcase_t *c, const char *item)
{
	if (glob_match(item, c->id))
		return true;
	for (size_t i = 0; i < c->n_maps; i++)
		if (glob_match(item, c->maps[i].ref))
			return true;
	return strlist_has(&c->tags, item);
}

bool
case_selected_list(const tcase_t *c, const strlist_t *sel)
{
	if (sel == NULL || sel->n == 0)
		return true;
	for (size_t i = 0; i < sel->n; i++)
		if (item_selects(c, sel->v[i]))
			return true;
	return false;
}

bool
case_selected(const tcase_t *c, const char *selectors)
{
	if (selectors == NULL || *selectors == '\0')
		return true;
	strlist_t l = { 0 };
	char *copy = xstrdup(selectors), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok)
			strlist_push(&l, tok);
	}
	free(copy);
	bool r = case_selected_list(c, &l);
	strlist_free(&l);
	return r;
}
