/*
 * Typed value helpers.
 */
#include "value.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *
value_type_str(value_type_t t)
{
	switch (t) {
	case VT_BOOL: return "bool";
	case VT_INT: return "int";
	case VT_STR: return "string";
	case VT_LIST: return "list";
	default: return "none";
	}
}

void
value_clear(value_t *v)
{
	if (v == NULL)
		return;
	free(v->s);
	for (size_t i = 0; i < v->n_items; i++)
		free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void
value_set_bool(value_t *v, bool b)
{
	value_clear(v);
	v->type = VT_BOOL;
	v->b = b;
}

void
value_set_int(value_t *v, long long i)
{
	value_clear(v);
	v->type = VT_INT;
	v->i = i;
}

void
value_set_bytes(value_t *v, const void *p, size_t n)
{
	value_clear(v);
	v->type = VT_STR;
	v->s = xstrndup(p, n);
	v->s_len = n;
}

void
value_set_str(value_t *v, const char *s)
{
	value_set_bytes(v, s, strlen(s));
}

void
value_list_push(value_t *v, const char *s)
{
	if (v->type != VT_LIST) {
		value_clear(v);
		v->type = VT_LIST;
	}
	v->items = xrealloc(v->items, v->n_items + 1, sizeof(*v->items));
	v->items[v->n_items++] = xstrdup(s);
}

void
value_copy(value_t *dst, const value_t *src)
{
	value_clear(dst);
	switch (src->type) {
	case VT_BOOL: value_set_bool(dst, src->b); break;
	case VT_INT: value_set_int(dst, src->i); break;
	case VT_STR: value_set_bytes(dst, src->s, src->s_len); break;
	case VT_LIST:
		dst->type = VT_LIST;
		for (size_t i = 0; i < src->n_items; i++)
			value_list_push(dst, src->items[i]);
		break;
	default: break;
	}
}

char *
value_to_text(const value_t *v)
{
	switch (v->type) {
	case VT_BOOL: return xstrdup(v->b ? "true" : "false");
	case VT_INT: return xasprintf("%lld", v->i);
	case VT_STR: return xstrndup(v->s, v->s_len);
	case VT_LIST: {
		strlist_t l = { .v = v->items, .n = v->n_items, .cap = v->n_items };
		return strlist_join(&l, ", ");
	}
	default: return xstrdup("");
	}
}
