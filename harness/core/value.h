/*
 * Typed values: what probe parameters, evidence fields and expectation operands
 * hold.  Strings carry a length because device bytes may contain NULs; a list
 * is a list of strings (ports are listed as decimal strings).
 */
#ifndef IOTCERT_VALUE_H
#define IOTCERT_VALUE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum value_type {
	VT_NONE = 0,
	VT_BOOL,
	VT_INT,
	VT_STR,
	VT_LIST,
} value_type_t;

typedef struct value {
	value_type_t type;
	bool b;
	long long i;
	char *s;		/* VT_STR: owned, NUL-terminated, may contain NULs */
	size_t s_len;
	char **items;		/* VT_LIST: owned strings */
	size_t n_items;
} value_t;

const char *value_type_str(value_type_t t); /* "bool", "int", "string", "list" */
void value_set_bool(value_t *v, bool b);
void value_set_int(value_t *v, long long i);
void value_set_str(value_t *v, const char *s);
void value_set_bytes(value_t *v, const void *p, size_t n);
void value_list_push(value_t *v, const char *s); /* turns v into a list if empty */
void value_copy(value_t *dst, const value_t *src);
void value_clear(value_t *v);		/* frees contents, leaves VT_NONE */
/* Human text: "true", "42", the string, or "a, b, c"; caller frees. */
char *value_to_text(const value_t *v);

#endif
