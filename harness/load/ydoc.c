/*
 * libyaml event stream -> ynode tree.  The event API is used rather than the
 * document API because the latter expands aliases and builds its own tree we
 * would only copy; here each event becomes at most one node, so the tree is
 * bounded by the (capped) input size.
 */
#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/util.h"

typedef struct pctx {
	yaml_parser_t parser;
	const char *file;
	const char *buf;
	size_t len;
	diags_t *d;
} pctx_t;

static void
node_free(ynode_t *n)
{
	if (n == NULL)
		return;
	free(n->str);
	for (size_t i = 0; i < n->n_items; i++)
		node_free(n->items[i]);
	free(n->items);
	for (size_t i = 0; i < n->n_pairs; i++) {
		node_free(n->pairs[i].key);
		node_free(n->pairs[i].val);
	}
	free(n->pairs);
	free(n);
}

void
ydoc_free(ydoc_t *doc)
{
	if (doc == NULL)
		return;
	node_free(doc->root);
	free(doc->file);
	free(doc);
}

/* Reader errors carry a byte offset rather than a mark. */
static void
offset_pos(const pctx_t *p, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void
syntax_error(pctx_t *p)
{
	const yaml_parser_t *y = &p->parser;
	int line, col;
	if (y->error == YAML_READER_ERROR) {
		offset_pos(p, y->problem_offset, &line, &col);
	} else {
		line = (int)y->problem_mark.line + 1;
		col = (int)y->problem_mark.column + 1;
	}
	const char *problem = y->problem ? y->problem : "unknown error";
	if (y->context)
		diags_add(p->d, DIAG_ERROR, p->file, line, col,
		    "YAML syntax error: %s (%s at %d:%d)", problem, y->context,
		    (int)y->context_mark.line + 1, (int)y->context_mark.column + 1);
	else
		diags_add(p->d, DIAG_ERROR, p->file, line, col,
		    "YAML syntax error: %s", problem);
}

static bool
next_event(pctx_t *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(&p->parser, ev))
		return true;
	syntax_error(p);
	return false;
}

static int
ev_line(const yaml_event_t *ev)
{
	return (int)ev->start_mark.line + 1;
}

static int
ev_col(const yaml_event_t *ev)
{
	return (int)ev->start_mark.column + 1;
}

static ynode_t *
node_new(ynode_kind_t kind, const yaml_event_t *ev)
{
	ynode_t *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = ev_line(ev);
	n->col = ev_col(ev);
	return n;
}

/*
 * Anchors and tags are refused outright: configuration needs neither, and
 * silently ignoring a tag like !!int would make "123" mean something else.
 * The one tag honoured is !!str, the standard way to force a string.
 */
static bool
check_decorations(pctx_t *p, const yaml_event_t *ev, const yaml_char_t *anchor,
    const yaml_char_t *tag, bool implicit)
{
	if (anchor) {
		diags_add(p->d, DIAG_ERROR, p->file, ev_line(ev), ev_col(ev),
		    "anchors are not allowed (&%s)", (const char *)anchor);
		return false;
	}
	if (tag && !implicit && strcmp((const char *)tag, YAML_STR_TAG) != 0) {
		diags_add(p->d, DIAG_ERROR, p->file, ev_line(ev), ev_col(ev),
		    "YAML tags are not allowed (%s)", (const char *)tag);
		return false;
	}
	return true;
}

static int
pair_cmp(const void *a, const void *b)
{
	const ypair_t *x = *(const ypair_t *const *)a;
	const ypair_t *y = *(const ypair_t *const *)b;
	size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
	int c = memcmp(x->key->str, y->key->str, n);
	if (c == 0 && x->key->len != y->key->len)
		c = x->key->len < y->key->len ? -1 : 1;
	if (c == 0)	/* equal keys stay in file order: the first is the original */
		c = x < y ? -1 : (x > y ? 1 : 0);
	return c;
}

/* Sorting rather than pairwise comparison keeps a huge mapping O(n log n). */
static void
check_duplicate_keys(pctx_t *p, const ynode_t *map)
{
	if (map->n_pairs < 2)
		return;
	const ypair_t **v = xcalloc(map->n_pairs, sizeof(*v));
	for (size_t i = 0; i < map->n_pairs; i++)
		v[i] = &map->pairs[i];
	qsort(v, map->n_pairs, sizeof(*v), pair_cmp);
	size_t first = 0;
	for (size_t i = 1; i < map->n_pairs; i++) {
		const ynode_t *k = v[i]->key, *f = v[first]->key;
		if (k->len == f->len && memcmp(k->str, f->str, k->len) == 0)
			diags_add(p->d, DIAG_ERROR, p->file, k->line, k->col,
			    "duplicate key '%s' (first at line %d, column %d)",
			    k->str, f->line, f->col);
		else
			first = i;
	}
	free(v);
}

static ynode_t *parse_node(pctx_t *p, yaml_event_t *ev, int depth);

static ynode_t *
parse_seq(pctx_t *p, yaml_event_t *start, int depth)
{
	ynode_t *n = node_new(YN_SEQ, start);
	size_t cap = 0;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(p, &ev))
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return n;
		}
		ynode_t *item = parse_node(p, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (item == NULL)
			goto fail;
		if (n->n_items == cap) {
			cap = cap ? cap * 2 : 4;
			n->items = xrealloc(n->items, cap, sizeof(*n->items));
		}
		n->items[n->n_items++] = item;
	}
fail:
	node_free(n);
	return NULL;
}

static ynode_t *
parse_map(pctx_t *p, yaml_event_t *start, int depth)
{
	ynode_t *n = node_new(YN_MAP, start);
	size_t cap = 0;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(p, &ev))
			goto fail;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			check_duplicate_keys(p, n);
			return n;
		}
		ynode_t *key = parse_node(p, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (key == NULL)
			goto fail;
		if (key->kind != YN_SCALAR) {
			diags_add(p->d, DIAG_ERROR, p->file, key->line, key->col,
			    "mapping keys must be scalars");
			node_free(key);
			goto fail;
		}
		if (!next_event(p, &ev)) {
			node_free(key);
			goto fail;
		}
		ynode_t *val = parse_node(p, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (val == NULL) {
			node_free(key);
			goto fail;
		}
		if (n->n_pairs == cap) {
			cap = cap ? cap * 2 : 8;
			n->pairs = xrealloc(n->pairs, cap, sizeof(*n->pairs));
		}
		n->pairs[n->n_pairs].key = key;
		n->pairs[n->n_pairs].val = val;
		n->n_pairs++;
	}
fail:
	node_free(n);
	return NULL;
}

static ynode_t *
parse_node(pctx_t *p, yaml_event_t *ev, int depth)
{
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		diags_add(p->d, DIAG_ERROR, p->file, ev_line(ev), ev_col(ev),
		    "aliases are not allowed (*%s)", (const char *)ev->data.alias.anchor);
		return NULL;
	case YAML_SCALAR_EVENT: {
		const yaml_char_t *tag = ev->data.scalar.tag;
		if (!check_decorations(p, ev, ev->data.scalar.anchor, tag,
		    ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit))
			return NULL;
		ynode_t *n = node_new(YN_SCALAR, ev);
		n->len = ev->data.scalar.length;
		n->str = xstrndup((const char *)ev->data.scalar.value, n->len);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    (tag && strcmp((const char *)tag, YAML_STR_TAG) == 0);
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		if (!check_decorations(p, ev,
		    seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor,
		    seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag,
		    seq ? ev->data.sequence_start.implicit : ev->data.mapping_start.implicit))
			return NULL;
		if (depth >= YDOC_MAX_DEPTH) {
			diags_add(p->d, DIAG_ERROR, p->file, ev_line(ev), ev_col(ev),
			    "nesting deeper than %d levels", YDOC_MAX_DEPTH);
			return NULL;
		}
		return seq ? parse_seq(p, ev, depth) : parse_map(p, ev, depth);
	}
	default:
		/* libyaml only yields node events here; anything else is a bug. */
		diags_add(p->d, DIAG_ERROR, p->file, ev_line(ev), ev_col(ev),
		    "unexpected YAML event %d", (int)ev->type);
		return NULL;
	}
}

/* STREAM-START, then at most one DOCUMENT, then STREAM-END. */
static bool
parse_stream(pctx_t *p, ynode_t **root)
{
	yaml_event_t ev;
	bool seen_doc = false;
	for (;;) {
		if (!next_event(p, &ev))
			return false;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		if (t == YAML_DOCUMENT_START_EVENT && seen_doc) {
			diags_add(p->d, DIAG_ERROR, p->file, ev_line(&ev), ev_col(&ev),
			    "only one YAML document per file");
			yaml_event_delete(&ev);
			return false;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			seen_doc = true;
		} else if (t != YAML_STREAM_START_EVENT && t != YAML_DOCUMENT_END_EVENT) {
			*root = parse_node(p, &ev, 0);
			yaml_event_delete(&ev);
			if (*root == NULL)
				return false;
			continue;
		}
		yaml_event_delete(&ev);
	}
}

ydoc_t *
ydoc_parse(const char *file, const char *buf, size_t len, diags_t *d)
{
	if (file == NULL)
		file = "<input>";
	if (len > YDOC_MAX_BYTES) {
		diags_add(d, DIAG_ERROR, file, 0, 0,
		    "file is larger than %d bytes", YDOC_MAX_BYTES);
		return NULL;
	}
	size_t before = d->errors;
	pctx_t p = { .file = file, .buf = buf, .len = len, .d = d };
	if (!yaml_parser_initialize(&p.parser)) {
		diags_add(d, DIAG_ERROR, file, 0, 0, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p.parser, YAML_UTF8_ENCODING);
	ynode_t *root = NULL;
	bool ok = parse_stream(&p, &root);
	yaml_parser_delete(&p.parser);
	if (!ok) {
		node_free(root);
		return NULL;
	}
	ydoc_t *doc = xcalloc(1, sizeof(*doc));
	doc->root = root;
	doc->file = xstrdup(file);
	sha256_buf(buf, len, doc->sha256);
	doc->errors = d->errors - before;
	return doc;
}

ydoc_t *
ydoc_load(const char *path, diags_t *d)
{
	char *buf;
	size_t len;
	/* One byte over the cap tells "too large" from "exactly at the cap". */
	if (read_file_capped(path, (size_t)YDOC_MAX_BYTES + 1, &buf, &len) < 0) {
		if (errno == EFBIG)
			diags_add(d, DIAG_ERROR, path, 0, 0,
			    "file is larger than %d bytes", YDOC_MAX_BYTES);
		else
			diags_add(d, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		return NULL;
	}
	ydoc_t *doc = ydoc_parse(path, buf, len, d);
	free(buf);
	return doc;
}

const ynode_t *
ymap_get(const ynode_t *map, const char *key)
{
	if (map == NULL || map->kind != YN_MAP)
		return NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i < map->n_pairs; i++) {
		const ynode_t *k = map->pairs[i].key;
		if (k->len == klen && memcmp(k->str, key, klen) == 0)
			return map->pairs[i].val;
	}
	return NULL;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* YAML 1.2 core float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
is_float(const char *s)
{
	static const char *const special[] = { ".inf", ".Inf", ".INF", ".nan",
		".NaN", ".NAN" };
	const char *t = (*s == '+' || *s == '-') ? s + 1 : s;
	for (size_t i = 0; i < ARRAY_LEN(special); i++)
		if (strcmp(t, special[i]) == 0)
			return true;
	size_t ndig = 0;
	while (*t >= '0' && *t <= '9') {
		t++;
		ndig++;
	}
	if (*t == '.') {
		t++;
		while (*t >= '0' && *t <= '9') {
			t++;
			ndig++;
		}
	}
	if (ndig == 0)
		return false;
	if (*t == 'e' || *t == 'E') {
		t++;
		if (*t == '+' || *t == '-')
			t++;
		if (!all_digits(t))
			return false;
		return true;
	}
	return *t == '\0';
}

yscalar_type_t
yscalar_type(const ynode_t *n)
{
	if (n == NULL || n->kind != YN_SCALAR || n->quoted)
		return YS_STR;
	const char *s = n->str;
	if (n->len != strlen(s))
		return YS_STR;
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return YS_NULL;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return YS_BOOL;
	if (all_digits((*s == '+' || *s == '-') ? s + 1 : s))
		return YS_INT;
	if (is_float(s))
		return YS_FLOAT;
	return YS_STR;
}

const char *
ynode_describe(const ynode_t *n, char *buf, size_t len)
{
	if (n == NULL) {
		snprintf(buf, len, "nothing");
		return buf;
	}
	switch (n->kind) {
	case YN_SEQ:
		snprintf(buf, len, "a sequence");
		break;
	case YN_MAP:
		snprintf(buf, len, "a mapping");
		break;
	case YN_SCALAR:
		switch (yscalar_type(n)) {
		case YS_NULL: snprintf(buf, len, "null"); break;
		case YS_BOOL: snprintf(buf, len, "bool %s", n->str); break;
		case YS_INT: snprintf(buf, len, "int %s", n->str); break;
		case YS_FLOAT: snprintf(buf, len, "float %s", n->str); break;
		case YS_STR: snprintf(buf, len, "string '%.40s%s'", n->str,
		    strlen(n->str) > 40 ? "..." : ""); break;
		}
		break;
	}
	return buf;
}
