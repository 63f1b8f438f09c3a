/*
 * The YAML tree (ydoc) and the schema helpers: scalar typing and quoting,
 * positions, the refusals (syntax, duplicate keys, aliases, anchors, tags,
 * depth, size, several documents) and the typed getters.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "diags_text.h"
#include "load/schema.h"
#include "load/ydoc.h"

static void
assert_diag(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR && d->v[i].line == line &&
		    d->v[i].col == col && strstr(d->v[i].msg, frag))
			return;
	char *all = diags_text(d);
	ck_abort_msg("no error at %d:%d containing \"%s\"; got:%s", line, col, frag, all);
	free(all);
}

static ydoc_t *
parse(const char *text, diags_t *d)
{
	return ydoc_parse("t.yaml", text, strlen(text), d);
}

/* Parse text that must fail, with `frag` at line:col. */
static void
assert_refused(const char *text, int line, int col, const char *frag)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse(text, &d);
	ck_assert_ptr_null(doc);
	assert_diag(&d, line, col, frag);
	diags_free(&d);
}

START_TEST(scalars_keep_quoting)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("a: 123\nb: \"123\"\nc: true\nd: yes\ne: ~\nf: 1.5\n"
	    "g: '7'\nh: !!str 9\ni:\nj: |\n  x\nk: -42\nl: 2.1.1\nm: True\n", &d);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(d.n, 0);
	const ynode_t *r = doc->root;
	ck_assert_int_eq(yscalar_type(ymap_get(r, "a")), YS_INT);
	ck_assert(!ymap_get(r, "a")->quoted);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "b")), YS_STR);
	ck_assert(ymap_get(r, "b")->quoted);
	ck_assert_str_eq(ymap_get(r, "b")->str, "123");
	ck_assert_int_eq(yscalar_type(ymap_get(r, "c")), YS_BOOL);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "d")), YS_STR);	/* not YAML 1.1 */
	ck_assert_int_eq(yscalar_type(ymap_get(r, "e")), YS_NULL);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "f")), YS_FLOAT);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "g")), YS_STR);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "h")), YS_STR);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "i")), YS_NULL);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "j")), YS_STR);
	ck_assert_str_eq(ymap_get(r, "j")->str, "x\n");
	ck_assert_int_eq(yscalar_type(ymap_get(r, "k")), YS_INT);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "l")), YS_STR);
	ck_assert_int_eq(yscalar_type(ymap_get(r, "m")), YS_STR);
	ck_assert_ptr_null(ymap_get(r, "zz"));
	char hex[SHA256_HEX_LEN];
	sha256_buf("", 0, hex);
	ck_assert_str_ne(doc->sha256, hex);
	ck_assert_uint_eq(strlen(doc->sha256), 64);
	ydoc_free(doc);
	ydoc_free(NULL);
	diags_free(&d);
}
END_TEST

START_TEST(nodes_keep_positions)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("top:\n  list:\n    - one\n    - {k: v}\n  flow: [a, \"b\"]\n", &d);
	ck_assert_ptr_nonnull(doc);
	const ynode_t *top = ymap_get(doc->root, "top");
	ck_assert_int_eq(doc->root->line, 1);
	ck_assert_int_eq(doc->root->col, 1);
	ck_assert_int_eq(top->kind, YN_MAP);
	ck_assert_int_eq(top->pairs[0].key->line, 2);
	ck_assert_int_eq(top->pairs[0].key->col, 3);
	const ynode_t *list = ymap_get(top, "list");
	ck_assert_int_eq(list->kind, YN_SEQ);
	ck_assert_uint_eq(list->n_items, 2);
	ck_assert_int_eq(list->items[0]->line, 3);
	ck_assert_int_eq(list->items[0]->col, 7);
	ck_assert_int_eq(list->items[1]->kind, YN_MAP);
	ck_assert_int_eq(list->items[1]->line, 4);
	ck_assert_int_eq(list->items[1]->col, 7);
	const ynode_t *flow = ymap_get(top, "flow");
	ck_assert_int_eq(flow->col, 9);
	ck_assert_int_eq(flow->items[1]->col, 13);
	ck_assert(flow->items[1]->quoted);
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(empty_document)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("# only a comment\n", &d);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(d.n, 0);
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(refusals)
{
	assert_refused("a: [1, 2\n", 2, 1,
	    "YAML syntax error: did not find expected ',' or ']' (while parsing a "
	    "flow sequence at 1:4)");
	assert_refused("a: \x01\n", 1, 4,
	    "YAML syntax error: control characters are not allowed");
	assert_refused("a: 1\nb: *x\n", 2, 4, "aliases are not allowed (*x)");
	assert_refused("a: &x 1\n", 1, 4, "anchors are not allowed (&x)");
	assert_refused("a: !!int 5\n", 1, 4, "YAML tags are not allowed");
	assert_refused("a: 1\n---\nb: 2\n", 2, 1, "only one YAML document per file");
	assert_refused("? [a]\n: 1\n", 1, 3, "mapping keys must be scalars");
}
END_TEST

START_TEST(duplicate_keys_reported_not_fatal)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\nb: 2\n", &d);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(doc->errors, 2);
	assert_diag(&d, 5, 3, "duplicate key 'x' (first at line 3, column 3)");
	assert_diag(&d, 6, 1, "duplicate key 'b' (first at line 2, column 1)");
	ck_assert_int_eq(ymap_get(doc->root, "b")->kind, YN_MAP);	/* first wins */
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

static char *
nested(int levels)
{
	char *s = xcalloc((size_t)levels * 2 + 2, 1);
	memset(s, '[', (size_t)levels);
	memset(s + levels, ']', (size_t)levels);
	s[2 * levels] = '\n';
	return s;
}

START_TEST(depth_capped)
{
	diags_t d = { 0 };
	char *ok = nested(YDOC_MAX_DEPTH), *deep = nested(YDOC_MAX_DEPTH + 1);
	ydoc_t *doc = parse(ok, &d);
	ck_assert_ptr_nonnull(doc);
	ydoc_free(doc);
	assert_refused(deep, 1, YDOC_MAX_DEPTH + 1, "nesting deeper than 64 levels");
	free(ok);
	free(deep);
	diags_free(&d);
}
END_TEST

START_TEST(size_capped)
{
	size_t n = (size_t)YDOC_MAX_BYTES + 1;
	char *big = xcalloc(n + 1, 1);
	memset(big, '#', n);
	diags_t d = { 0 };
	ck_assert_ptr_null(ydoc_parse("big.yaml", big, n, &d));
	assert_diag(&d, 0, 0, "file is larger than 1048576 bytes");
	/* Exactly at the cap: accepted (a file of one long comment). */
	ydoc_t *doc = ydoc_parse("big.yaml", big, n - 1, &d);
	ck_assert_ptr_nonnull(doc);
	ydoc_free(doc);
	free(big);
	diags_free(&d);
}
END_TEST

START_TEST(load_missing_file)
{
	diags_t d = { 0 };
	ck_assert_ptr_null(ydoc_load("tests/data/load/no-such-file.yaml", &d));
	assert_diag(&d, 0, 0, "cannot read: No such file or directory");
	diags_free(&d);
}
END_TEST

START_TEST(edit_distances)
{
	ck_assert_uint_eq(edit_distance("title", "title", 2), 0);
	ck_assert_uint_eq(edit_distance("titel", "title", 2), 2);
	ck_assert_uint_eq(edit_distance("tile", "title", 2), 1);
	ck_assert_uint_eq(edit_distance("abc", "xyzxyz", 2), 3);
	const char *c[] = { "title", "timeout", "tags" };
	ck_assert_str_eq(nearest("titel", c, 3), "title");
	ck_assert_str_eq(nearest("timout", c, 3), "timeout");
	ck_assert_ptr_null(nearest("zzzzzz", c, 3));
}
END_TEST

enum { K_NAME, K_PORT, K_LIST, K__N };
static const skey_t keys[K__N] = {
	[K_NAME] = { "name", ST_STR, true },
	[K_PORT] = { "port", ST_INT, false },
	[K_LIST] = { "list", ST_SEQ, true },
};

START_TEST(schema_tables)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("nmae: x\nport: \"80\"\nlist: {}\nzzzzzz: 1\n", &d);
	ck_assert_ptr_nonnull(doc);
	const sctx_t sc = { "t.yaml", &d };
	const ynode_t *v[K__N];
	ck_assert_int_eq(schema_check(&sc, doc->root, "thing", keys, K__N, v), 5);
	assert_diag(&d, 1, 1, "unknown key 'nmae' in thing (did you mean 'name'?)");
	assert_diag(&d, 2, 7, "'port': expected an int, got string '80'");
	assert_diag(&d, 3, 7, "'list': expected a sequence, got a mapping");
	assert_diag(&d, 4, 1, "unknown key 'zzzzzz' in thing (allowed: name, port, list)");
	assert_diag(&d, 1, 1, "thing: missing required key 'name'");
	for (int i = 0; i < K__N; i++)
		ck_assert_ptr_null(v[i]);
	ydoc_free(doc);
	diags_free(&d);

	doc = parse("name: x\nport: 80\nlist: []\n", &d);
	ck_assert_int_eq(schema_check(&sc, doc->root, "thing", keys, K__N, v), 0);
	ck_assert_ptr_eq(v[K_PORT], ymap_get(doc->root, "port"));
	ck_assert_int_eq(schema_check(&sc, v[K_PORT], "thing", keys, K__N, v), 1);
	assert_diag(&d, 2, 7, "thing: expected a mapping, got int 80");
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(getters)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse(
	    "s: \"a\\0b\"\n"		/* 1 */
	    "i: 70000\n"		/* 2 */
	    "big: 99999999999999999999\n"	/* 3 */
	    "b1: true\n"		/* 4 */
	    "b2: yes\n"			/* 5 */
	    "b3: \"true\"\n"		/* 6 */
	    "l: [a, 1, \"c\", null]\n"	/* 7 */
	    "t: 5.6\n",			/* 8 */
	    &d);
	ck_assert_ptr_nonnull(doc);
	const sctx_t sc = { "t.yaml", &d };
	const ynode_t *r = doc->root;
	char *s = NULL;
	long long i = 0;
	bool b = false;
	ck_assert(!sget_str(&sc, ymap_get(r, "s"), "s", &s));
	assert_diag(&d, 1, 4, "'s': string contains a NUL character");
	ck_assert(!sget_int(&sc, ymap_get(r, "i"), "i", 1, 65535, &i));
	assert_diag(&d, 2, 4, "'i': 70000 is out of range (1 to 65535)");
	ck_assert(!sget_int(&sc, ymap_get(r, "big"), "big", 0, LLONG_MAX, &i));
	assert_diag(&d, 3, 6, "is out of range");
	ck_assert(sget_bool(&sc, ymap_get(r, "b1"), "b1", &b) && b);
	ck_assert(!sget_bool(&sc, ymap_get(r, "b2"), "b2", &b));
	assert_diag(&d, 5, 5, "'b2': expected true or false, got string 'yes'");
	ck_assert(!sget_bool(&sc, ymap_get(r, "b3"), "b3", &b));
	strlist_t l = { 0 };
	ck_assert(!sget_strlist(&sc, ymap_get(r, "l"), "l", &l));
	assert_diag(&d, 7, 8, "'l': expected a string, got int 1 (quote it");
	assert_diag(&d, 7, 16, "'l': expected a string, got null");
	ck_assert_uint_eq(l.n, 2);
	ck_assert(!sget_str(&sc, ymap_get(r, "t"), "t", &s));
	assert_diag(&d, 8, 4, "got float 5.6 (quote it to make it a string)");
	ck_assert(sget_text(&sc, ymap_get(r, "t"), "t", &s));
	ck_assert_str_eq(s, "5.6");
	free(s);
	strlist_free(&l);
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(durations)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse("[500, 500ms, \"30s\", 2m, \"30\", 1.5s, -1, 30h, 0, 99999999999999999999m]\n", &d);
	ck_assert_ptr_nonnull(doc);
	const sctx_t sc = { "t.yaml", &d };
	ynode_t **it = doc->root->items;
	unsigned long ms = 0, max = 24UL * 3600 * 1000;
	ck_assert(sget_duration(&sc, it[0], "t", 1, max, &ms) && ms == 500);
	ck_assert(sget_duration(&sc, it[1], "t", 1, max, &ms) && ms == 500);
	ck_assert(sget_duration(&sc, it[2], "t", 1, max, &ms) && ms == 30000);
	ck_assert(sget_duration(&sc, it[3], "t", 1, max, &ms) && ms == 120000);
	ck_assert_uint_eq(d.n, 0);
	for (int k = 4; k <= 7; k++) {
		ck_assert(!sget_duration(&sc, it[k], "t", 1, max, &ms));
		assert_diag(&d, 1, it[k]->col, "'t': expected a duration");
	}
	ck_assert(!sget_duration(&sc, it[8], "t", 1, max, &ms));
	assert_diag(&d, 1, it[8]->col, "'t': 0 is out of range (1ms to 86400000ms)");
	ck_assert(!sget_duration(&sc, it[9], "t", 1, max, &ms));
	assert_diag(&d, 1, it[9]->col, "out of range");
	ck_assert_uint_eq(ms, 120000);	/* untouched by failures */
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(port_lists)
{
	diags_t d = { 0 };
	ydoc_t *doc = parse(
	    "good: [8002, 22, \"8000-8002\", 21, 22, \"80\"]\n"
	    "bad: [0, 65536, \"10-5\", x, true, \"1-65536\", [1]]\n"
	    "all: [\"1-65535\", 443]\n"
	    "none: []\n", &d);
	ck_assert_ptr_nonnull(doc);
	const sctx_t sc = { "t.yaml", &d };
	int *p = NULL;
	size_t n = 0;
	ck_assert(sget_ports(&sc, ymap_get(doc->root, "good"), "tcp", &p, &n));
	int want[] = { 21, 22, 80, 8000, 8001, 8002 };
	ck_assert_uint_eq(n, ARRAY_LEN(want));
	for (size_t k = 0; k < n; k++)
		ck_assert_int_eq(p[k], want[k]);
	free(p);
	ck_assert(!sget_ports(&sc, ymap_get(doc->root, "bad"), "tcp", &p, &n));
	ck_assert_uint_eq(d.errors, 7);
	assert_diag(&d, 2, 7, "'tcp': expected a port 1-65535 or a range \"A-B\", got int 0");
	assert_diag(&d, 2, 10, "got int 65536");
	assert_diag(&d, 2, 17, "got string '10-5'");
	assert_diag(&d, 2, 25, "got string 'x'");
	assert_diag(&d, 2, 28, "got bool true");
	ck_assert(sget_ports(&sc, ymap_get(doc->root, "all"), "tcp", &p, &n));
	ck_assert_uint_eq(n, 65535);
	ck_assert_int_eq(p[0], 1);
	ck_assert_int_eq(p[65534], 65535);
	free(p);
	p = (int *)&n;
	ck_assert(sget_ports(&sc, ymap_get(doc->root, "none"), "udp", &p, &n));
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(n, 0);
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

static Suite *
load_ydoc_suite(void)
{
	Suite *s = suite_create("load_ydoc");
	TCase *t = tcase_create("ydoc");
	tcase_add_test(t, scalars_keep_quoting);
	tcase_add_test(t, nodes_keep_positions);
	tcase_add_test(t, empty_document);
	tcase_add_test(t, refusals);
	tcase_add_test(t, duplicate_keys_reported_not_fatal);
	tcase_add_test(t, depth_capped);
	tcase_add_test(t, size_capped);
	tcase_add_test(t, load_missing_file);
	suite_add_tcase(s, t);
	t = tcase_create("schema");
	tcase_add_test(t, edit_distances);
	tcase_add_test(t, schema_tables);
	tcase_add_test(t, getters);
	tcase_add_test(t, durations);
	tcase_add_test(t, port_lists);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(load_ydoc_suite)
