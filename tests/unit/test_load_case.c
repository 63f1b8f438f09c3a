/*
 * Test case loading: a complete case loads with every member right, and each
 * class of mistake is reported at the exact line:col with a recognisable
 * message.  Fixtures live in tests/data/load/; paths are relative to the repo
 * root, where `make unit` runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "diags_text.h"
#include "core/probe.h"
#include "load/case_step.h"
#include "load/load.h"
#include "load/loaders.h"
#include "load/ydoc.h"

#define DATA "tests/data/load/"

/* Asserts an error at line:col whose message contains `frag`. */
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

/* Loads a bad fixture: it must fail with `errors` errors, one being `frag`
 * at line:col. */
static void
assert_bad_case(const char *file, size_t errors, int line, int col,
    const char *frag)
{
	diags_t d = { 0 };
	char *path = xasprintf(DATA "bad/%s", file);
	tcase_t *c = load_case(path, &d);
	ck_assert_ptr_null(c);
	assert_diag(&d, line, col, frag);
	ck_assert_uint_eq(d.errors, errors);
	ck_assert_str_eq(d.v[0].file, path);
	free(path);
	diags_free(&d);
}

static void
assert_pos(srcpos_t p, const tcase_t *c, int line, int col)
{
	ck_assert_ptr_eq(p.file, c->file);	/* borrowed from the case, not a copy */
	ck_assert_int_eq(p.line, line);
	ck_assert_int_eq(p.col, col);
}

static void
assert_map(const mapping_t *m, const char *fw, const char *ed, const char *ref)
{
	ck_assert_str_eq(m->framework, fw);
	if (ed)
		ck_assert_str_eq(m->edition, ed);
	else
		ck_assert_ptr_null(m->edition);
	ck_assert_str_eq(m->ref, ref);
}

START_TEST(full_case_loads)
{
	diags_t d = { 0 };
	tcase_t *c = load_case(DATA "good/case-full.yaml", &d);
	char *all = diags_text(&d);
	ck_assert_msg(c != NULL && d.n == 0, "diagnostics:%s", all);
	free(all);
	ck_assert_str_eq(c->id, "IOT-5.6-1-SERVICES-DECLARED");
	ck_assert_str_eq(c->title, "Every open network service is declared");
	ck_assert_str_eq(c->description,
	    "Discovery's services are compared with the DUT profile's interfaces.\n");
	ck_assert_int_eq(c->kind, CASE_FUNCTIONAL);
	ck_assert_str_eq(c->file, DATA "good/case-full.yaml");
	char hex[SHA256_HEX_LEN];
	ck_assert_int_eq(sha256_file(c->file, hex), 0);
	ck_assert_str_eq(c->sha256, hex);
	assert_pos(c->pos, c, 2, 5);

	/* uk-psti: [] contributes nothing. */
	ck_assert_uint_eq(c->n_maps, 7);
	assert_map(&c->maps[0], "en303645", "2.1.1", "5.6-1");
	assert_map(&c->maps[1], "en303645", "3.1.3", "5.6-1");
	assert_map(&c->maps[2], "ts103701", NULL, "5.6-1-2");
	assert_map(&c->maps[3], "sg-cls", NULL, "L2");
	assert_map(&c->maps[4], "nist-ir-8259a", NULL, "logical-access");
	assert_map(&c->maps[5], "en18031", NULL, "GEC-1");
	assert_map(&c->maps[6], "cra", NULL, "I(2)(j)");

	ck_assert_uint_eq(c->tags.n, 2);
	ck_assert_str_eq(c->tags.v[0], "attack-surface");
	ck_assert_str_eq(c->tags.v[1], "inventory");
	ck_assert_uint_eq(c->services.n, 2);
	ck_assert_str_eq(c->services.v[0], "telnet");
	ck_assert_str_eq(c->services.v[1], "http");
	ck_assert(c->needs_dut);
	ck_assert_str_eq(c->ics_ref, "5.6-1");
	ck_assert_uint_eq(c->timeout_ms, 30000);

	ck_assert_uint_eq(c->n_steps, 2);
	const step_t *s = &c->steps[0];
	ck_assert_str_eq(s->probe, "service-inventory");
	assert_pos(s->pos, c, 23, 5);
	ck_assert_uint_eq(s->n_params, 1);
	ck_assert_str_eq(s->params[0].name, "ignore");
	ck_assert_int_eq(s->params[0].val.type, VT_LIST);
	ck_assert_uint_eq(s->params[0].val.n_items, 2);
	ck_assert_str_eq(s->params[0].val.items[0], "tcp/80");
	ck_assert_str_eq(s->params[0].val.items[1], "8080");	/* lists hold text */
	assert_pos(s->params[0].pos, c, 25, 7);
	ck_assert_uint_eq(s->n_expects, 2);
	const expect_t *e = &s->expects[0];
	ck_assert_str_eq(e->field, "undeclared");
	ck_assert_int_eq(e->op, OP_EMPTY);
	ck_assert_int_eq(e->value.type, VT_NONE);
	ck_assert_int_eq(e->otherwise, V_FAIL);
	ck_assert_str_eq(e->reason, "undeclared services: {undeclared}");
	assert_pos(e->pos, c, 27, 9);
	e = &s->expects[1];
	ck_assert_str_eq(e->field, "open_count");
	ck_assert_int_eq(e->op, OP_LE);
	ck_assert_int_eq(e->value.type, VT_INT);
	ck_assert_int_eq(e->value.i, 10);
	ck_assert_int_eq(e->otherwise, V_INCONCLUSIVE);
	ck_assert_ptr_null(e->reason);
	assert_pos(e->pos, c, 30, 9);

	s = &c->steps[1];
	ck_assert_str_eq(s->probe, "cleartext-login");
	assert_pos(s->pos, c, 34, 5);
	ck_assert_uint_eq(s->n_params, 2);
	ck_assert_str_eq(s->params[0].name, "path");
	ck_assert_int_eq(s->params[0].val.type, VT_STR);
	ck_assert_str_eq(s->params[0].val.s, "/login");
	assert_pos(s->params[0].pos, c, 36, 7);
	ck_assert_str_eq(s->params[1].name, "read-timeout");
	ck_assert_int_eq(s->params[1].val.type, VT_INT);
	ck_assert_int_eq(s->params[1].val.i, 2500);
	assert_pos(s->params[1].pos, c, 37, 7);
	ck_assert_uint_eq(s->n_expects, 2);
	e = &s->expects[0];
	ck_assert_int_eq(e->op, OP_MATCHES);
	ck_assert_int_eq(e->value.type, VT_STR);
	ck_assert_str_eq(e->value.s, "^telnet( login)? prompt$");
	assert_pos(e->pos, c, 39, 9);
	e = &s->expects[1];
	ck_assert_str_eq(e->field, "cleartext_login");
	ck_assert_int_eq(e->op, OP_EQ);
	ck_assert_int_eq(e->value.type, VT_BOOL);
	ck_assert(!e->value.b);
	ck_assert_str_eq(e->reason, "{surface} on {service}");
	assert_pos(e->pos, c, 42, 9);

	tcase_free(c);
	tcase_free(NULL);
	diags_free(&d);
}
END_TEST

START_TEST(minimal_case_defaults)
{
	diags_t d = { 0 };
	tcase_t *c = load_case(DATA "good/tree/a-case.yaml", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->kind, CASE_CONCEPTUAL);
	ck_assert_uint_eq(c->tags.n, 0);
	ck_assert_uint_eq(c->services.n, 0);
	ck_assert(!c->needs_dut);
	ck_assert_ptr_null(c->ics_ref);
	ck_assert_uint_eq(c->timeout_ms, 0);
	ck_assert_uint_eq(c->steps[0].n_params, 0);
	ck_assert_uint_eq(c->steps[0].n_expects, 0);
	tcase_free(c);
	diags_free(&d);
}
END_TEST

/* The list files a step reads: its own `lists`, else the kind's defaults
 * (what the run hashes into the report), next to the case file. */
START_TEST(step_lists_or_defaults)
{
	step_t st = { .probe = "default-credentials", .pos = { "/cases/x/case.yaml", 1, 1 } };
	strlist_t out = { 0 };
	step_list_paths(&st, probe_find("default-credentials"), &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0], "/cases/x/credentials/universal.txt");
	ck_assert_str_eq(out.v[1], "/cases/x/credentials/vendor.txt");
	strlist_free(&out);

	step_list_paths(&st, probe_find("password-quality"), &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.v[0], "/cases/x/credentials/common-passwords.txt");
	strlist_free(&out);

	char *items[] = { "mine.txt", "/abs/other.txt" };
	param_t p = { .name = "lists", .val = { .type = VT_LIST, .items = items, .n_items = 2 } };
	st.params = &p;
	st.n_params = 1;
	step_list_paths(&st, probe_find("default-credentials"), &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0], "/cases/x/mine.txt");
	ck_assert_str_eq(out.v[1], "/abs/other.txt");
	strlist_free(&out);

	st.n_params = 0;
	step_list_paths(&st, probe_find("tls-posture"), &out);
	ck_assert_uint_eq(out.n, 0);
	step_list_paths(&st, NULL, &out);
	ck_assert_uint_eq(out.n, 0);
	strlist_free(&out);
}
END_TEST

START_TEST(err_syntax)
{
	assert_bad_case("syntax.yaml", 1, 3, 13,
	    "YAML syntax error: mapping values are not allowed");
}
END_TEST

START_TEST(err_unknown_key)
{
	assert_bad_case("unknown-key.yaml", 2, 2, 1,
	    "unknown key 'titel' in test case (did you mean 'title'?)");
}
END_TEST

START_TEST(err_wrong_type)
{
	assert_bad_case("wrong-type.yaml", 1, 2, 8,
	    "'title': expected a string, got int 2024 (quote it");
}
END_TEST

START_TEST(err_missing_key)
{
	assert_bad_case("missing-key.yaml", 1, 1, 1, "missing required key 'steps'");
}
END_TEST

START_TEST(err_unknown_probe)
{
	assert_bad_case("unknown-probe.yaml", 1, 8, 12,
	    "unknown probe 'service-inventroy' (did you mean 'service-inventory'?)");
}
END_TEST

START_TEST(err_unknown_param)
{
	assert_bad_case("unknown-param.yaml", 1, 10, 7,
	    "unknown parameter 'ignroe' for probe 'service-inventory' (did you mean "
	    "'ignore'?)");
}
END_TEST

START_TEST(err_param_type)
{
	assert_bad_case("param-type.yaml", 1, 10, 21,
	    "parameter 'read-timeout' of probe 'cleartext-login' must be an int, "
	    "got string '3000'");
}
END_TEST

/* No registered probe has a required parameter yet, so a kind of our own. */
static const param_spec_t req_params[] = {
	{ "host", VT_STR, NULL, false, "host name to ask for" },
	{ "count", VT_INT, "3", false, "attempts" },
	{ NULL, 0, NULL, false, NULL },
};
static const field_spec_t req_fields[] = {
	{ "seen", VT_BOOL, "seen" },
	{ NULL, 0, NULL },
};
static const probe_kind_t req_kind = {
	.name = "needs-host", .summary = "test", .scope = SCOPE_DEVICE,
	.params = req_params, .fields = req_fields,
};

START_TEST(err_missing_required_param)
{
	static const char yaml[] =
	    "probe: needs-host\n"
	    "with:\n"
	    "  count: 5\n";
	diags_t d = { 0 };
	ydoc_t *doc = ydoc_parse("mem.yaml", yaml, sizeof(yaml) - 1, &d);
	ck_assert_ptr_nonnull(doc);
	const sctx_t sc = { .file = doc->file, .d = &d };
	step_t st = { 0 };
	step_params_load(&sc, ymap_get(doc->root, "with"), doc->root, &req_kind, &st);
	assert_diag(&d, 3, 3, "probe 'needs-host' needs parameter 'host'");
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_uint_eq(st.n_params, 1);
	ck_assert_int_eq(st.params[0].val.i, 5);

	/* Without a with: at all, the error points at the step. */
	diags_t d2 = { 0 };
	step_t st2 = { 0 };
	const sctx_t sc2 = { .file = doc->file, .d = &d2 };
	step_params_load(&sc2, NULL, doc->root, &req_kind, &st2);
	ck_assert_uint_eq(d2.errors, 1);
	assert_diag(&d2, 1, 1, "needs parameter 'host'");

	for (size_t i = 0; i < st.n_params; i++) {
		free(st.params[i].name);
		value_clear(&st.params[i].val);
	}
	free(st.params);
	free(st2.params);
	ydoc_free(doc);
	diags_free(&d);
	diags_free(&d2);
}
END_TEST

START_TEST(err_unknown_field)
{
	assert_bad_case("unknown-field.yaml", 1, 10, 16,
	    "unknown evidence field 'undeclard' for probe 'service-inventory' (did "
	    "you mean 'undeclared'?)");
}
END_TEST

START_TEST(err_op_needs_value)
{
	assert_bad_case("op-no-value.yaml", 1, 10, 9, "op 'equals' needs a 'value'");
}
END_TEST

START_TEST(err_value_type)
{
	assert_bad_case("value-type.yaml", 1, 12, 16,
	    "'value' of 'equals' on int field 'open_count' must be an int, got "
	    "string 'three'");
}
END_TEST

START_TEST(err_bad_regex)
{
	assert_bad_case("bad-regex.yaml", 1, 12, 16,
	    "'value' is not a valid extended regular expression");
}
END_TEST

START_TEST(err_unknown_framework)
{
	assert_bad_case("unknown-framework.yaml", 1, 6, 3,
	    "unknown framework 'en303645-2.1.2' (did you mean 'en303645-2.1.1'?)");
}
END_TEST

START_TEST(err_bad_ref)
{
	assert_bad_case("bad-ref.yaml", 1, 6, 27,
	    "bad en303645-2.1.1 provision ref '5.6.1' (expected "
	    "^(4-1|5\\.0-1|[56](\\.[0-9]+)?-[0-9]+[AB]?)$)");
}
END_TEST

START_TEST(err_unknown_service)
{
	assert_bad_case("unknown-service.yaml", 1, 10, 22,
	    "unknown service 'telnett' (did you mean 'telnet'?)");
}
END_TEST

START_TEST(err_duplicate_key)
{
	assert_bad_case("dup-key.yaml", 1, 3, 1,
	    "duplicate key 'title' (first at line 2, column 1)");
}
END_TEST

START_TEST(err_anchor_alias)
{
	assert_bad_case("alias.yaml", 1, 2, 8, "anchors are not allowed (&lol)");
}
END_TEST

START_TEST(err_duplicate_id)
{
	diags_t d = { 0 };
	caseset_t cs = { 0 };
	int errors = load_cases(DATA "dup-ids", &cs, &d);
	ck_assert_int_eq(errors, 1);
	ck_assert_uint_eq(cs.n, 1);
	ck_assert_str_eq(cs.v[0]->file, DATA "dup-ids/a.yaml");	/* sorted order */
	assert_diag(&d, 1, 5, "duplicate case id 'DUP-1' (also defined at "
	    DATA "dup-ids/a.yaml:1:5)");
	ck_assert_str_eq(d.v[0].file, DATA "dup-ids/b.yaml");
	/* A later call into the same set still sees the first one. */
	errors = load_cases(DATA "dup-ids/a.yaml", &cs, &d);
	ck_assert_int_eq(errors, 1);
	ck_assert_uint_eq(cs.n, 1);
	caseset_free(&cs);
	diags_free(&d);
}
END_TEST

START_TEST(err_oversized)
{
	char path[] = "/tmp/iotcert-load-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	/* Valid YAML throughout: only the size may be the problem. */
	for (size_t n = 0; n <= YDOC_MAX_BYTES; n += 64)
		fprintf(f, "# %61s\n", "padding");
	fclose(f);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_case(path, &d));
	ck_assert_uint_eq(d.errors, 1);
	assert_diag(&d, 0, 0, "file is larger than 1048576 bytes");
	unlink(path);
	diags_free(&d);
}
END_TEST

START_TEST(err_reported_together)
{
	/* One file, several mistakes: all reported, none stops the others. */
	static const char yaml[] =
	    "id: lower-case\n"
	    "title: \"\"\n"
	    "description: D\n"
	    "assessment: practical\n"
	    "maps: {en303645: [5.6-1], sg-cls: [L5]}\n"
	    "tags: [Bad_Tag]\n"
	    "timeout: 30h\n"
	    "steps:\n"
	    "  - probe: cleartext-login\n"
	    "    expect:\n"
	    "      - {field: surface, op: lt, value: 3}\n"
	    "      - {field: tls, op: empty, value: 1}\n"
	    "      - {field: tls, op: equals, value: true, else: error}\n"
	    "      - {field: tls, op: present, reason: \"{nope}\"}\n";
	char path[] = "/tmp/iotcert-load-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, yaml, sizeof(yaml) - 1), (int)sizeof(yaml) - 1);
	close(fd);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_case(path, &d));
	assert_diag(&d, 1, 5, "id 'lower-case' must match [A-Z0-9][A-Z0-9._-]*");
	assert_diag(&d, 2, 8, "'title' must not be empty");
	assert_diag(&d, 4, 13, "assessment must be functional or conceptual");
	assert_diag(&d, 5, 8, "framework 'en303645' needs an edition");
	assert_diag(&d, 5, 36, "bad sg-cls provision ref 'L5' (expected ^L[1-4]$)");
	assert_diag(&d, 6, 8, "tag 'Bad_Tag' must match [a-z0-9-]+");
	assert_diag(&d, 7, 10, "'timeout': expected a duration");
	assert_diag(&d, 11, 30, "op 'lt' does not apply to string field 'surface'");
	assert_diag(&d, 12, 40, "op 'empty' takes no 'value'");
	assert_diag(&d, 12, 26, "op 'empty' does not apply to bool field 'tls'");
	assert_diag(&d, 13, 53, "'else' must be fail or inconclusive");
	assert_diag(&d, 9, 12, "probe 'cleartext-login' runs once per service: the "
	    "case needs applies.services");
	/* An unknown placeholder is only a warning. */
	bool warned = false;
	for (size_t i = 0; i < d.n; i++)
		warned |= d.v[i].level == DIAG_WARNING && d.v[i].line == 14 &&
		    strstr(d.v[i].msg, "'{nope}' is not a field") != NULL;
	ck_assert(warned);
	unlink(path);
	diags_free(&d);
}
END_TEST

START_TEST(expect_value_typing)
{
	static const char yaml[] =
	    "id: TYPES\n"
	    "title: T\n"
	    "description: D\n"
	    "assessment: functional\n"
	    "maps: {ts103701: [5.1-1-1, 4-1-2]}\n"
	    "steps:\n"
	    "  - probe: service-inventory\n"
	    "    expect:\n"
	    "      - {field: open_services, op: contains, value: 23}\n"
	    "      - {field: open_services, op: equals, value: [\"tcp/23 telnet\"]}\n"
	    "      - {field: open_count, op: not-equals, value: 0}\n"
	    "      - {field: dut_profile, op: absent}\n"
	    "      - {field: undeclared, op: not-matches, value: telnet}\n";
	diags_t d = { 0 };
	ydoc_t *doc = ydoc_parse("mem.yaml", yaml, sizeof(yaml) - 1, &d);
	ck_assert_ptr_nonnull(doc);
	tcase_t *c = case_from_doc(doc, &d);
	char *all = diags_text(&d);
	ck_assert_msg(c != NULL, "diagnostics:%s", all);
	free(all);
	const expect_t *e = c->steps[0].expects;
	ck_assert_int_eq(e[0].value.type, VT_STR);	/* a port as list text */
	ck_assert_str_eq(e[0].value.s, "23");
	ck_assert_int_eq(e[1].value.type, VT_LIST);
	ck_assert_str_eq(e[1].value.items[0], "tcp/23 telnet");
	ck_assert_int_eq(e[2].value.type, VT_INT);
	ck_assert_int_eq(e[3].op, OP_ABSENT);
	ck_assert_int_eq(e[4].op, OP_NOT_MATCHES);
	ck_assert_str_eq(c->maps[1].ref, "4-1-2");
	tcase_free(c);
	ydoc_free(doc);
	diags_free(&d);
}
END_TEST

static Suite *
load_case_suite(void)
{
	Suite *s = suite_create("load_case");
	TCase *t = tcase_create("good");
	tcase_add_test(t, full_case_loads);
	tcase_add_test(t, minimal_case_defaults);
	tcase_add_test(t, expect_value_typing);
	tcase_add_test(t, step_lists_or_defaults);
	suite_add_tcase(s, t);
	t = tcase_create("errors");
	tcase_add_test(t, err_syntax);
	tcase_add_test(t, err_unknown_key);
	tcase_add_test(t, err_wrong_type);
	tcase_add_test(t, err_missing_key);
	tcase_add_test(t, err_unknown_probe);
	tcase_add_test(t, err_unknown_param);
	tcase_add_test(t, err_param_type);
	tcase_add_test(t, err_missing_required_param);
	tcase_add_test(t, err_unknown_field);
	tcase_add_test(t, err_op_needs_value);
	tcase_add_test(t, err_value_type);
	tcase_add_test(t, err_bad_regex);
	tcase_add_test(t, err_unknown_framework);
	tcase_add_test(t, err_bad_ref);
	tcase_add_test(t, err_unknown_service);
	tcase_add_test(t, err_duplicate_key);
	tcase_add_test(t, err_anchor_alias);
	tcase_add_test(t, err_duplicate_id);
	tcase_add_test(t, err_oversized);
	tcase_add_test(t, err_reported_together);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(load_case_suite)
