/*
 * The DUT profile's `communication:` section (IXIT 11-ComMech) and the
 * cases' `maps-when:` conditional mappings: what loads, every mistake at its
 * line:col, and case_map_holds deciding a conditional mapping from an
 * instance's evidence.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "core/run.h"
#include "load/load.h"
#include "load/loaders.h"
#include "load/ydoc.h"

#define DEV "device: {manufacturer: M, model: X, hardware-version: \"1\", " \
	"software-version: \"1\", serial: S1}\n"

static dut_t *
parse_dut(const char *yaml, diags_t *d)
{
	ydoc_t *doc = ydoc_parse("d.yaml", yaml, strlen(yaml), d);
	ck_assert_ptr_nonnull(doc);
	dut_t *t = dut_from_doc(doc, d);
	ydoc_free(doc);
	return t;
}

static tcase_t *
parse_case(const char *yaml, diags_t *d)
{
	ydoc_t *doc = ydoc_parse("c.yaml", yaml, strlen(yaml), d);
	ck_assert_ptr_nonnull(doc);
	tcase_t *c = case_from_doc(doc, d);
	ydoc_free(doc);
	return c;
}

static void
assert_diag(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, frag))
			return;
	buf_t b;
	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < d->n; i++)
		buf_printf(&b, "\n  %d:%d: %s", d->v[i].line, d->v[i].col, d->v[i].msg);
	char *all = buf_steal(&b);
	ck_abort_msg("no diagnostic at %d:%d containing \"%s\"; got:%s", line, col, frag, all);
	free(all);
}

START_TEST(communication_loads)
{
	diags_t d = { 0 };
	dut_t *t = parse_dut(DEV "communication:\n"
	    "  - {port: 443, protocol: https, versions: [TLS1.2, TLS1.3],\n"
	    "     suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],\n"
	    "     carries-logins: true, personal-data: true}\n"
	    "  - {transport: udp, port: 5684, protocol: coaps, versions: [DTLS1.2]}\n"
	    "  - {port: 22, ssh-algorithms: [curve25519-sha256, ssh-ed25519, "
	    "chacha20-poly1305@openssh.com, hmac-sha2-256-etm@openssh.com]}\n", &d);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(t->n_commech, 3);
	const dut_commech_t *m = dut_commech_for(t, "tcp", 443);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->protocol, "https");
	ck_assert_uint_eq(m->versions.n, 2);
	ck_assert(strlist_has(&m->suites, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
	ck_assert_int_eq(m->logins, 1);
	ck_assert(m->personal_data);
	ck_assert_int_eq(m->pos.line, 3);
	m = dut_commech_for(t, "udp", 5684);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->logins, -1);	/* not stated */
	ck_assert(!m->personal_data);
	m = dut_commech_for(t, "tcp", 22);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->transport, "tcp");	/* the default */
	ck_assert_uint_eq(m->ssh_algorithms.n, 4);
	ck_assert_ptr_null(dut_commech_for(t, "udp", 443));
	ck_assert_ptr_null(dut_commech_for(NULL, "tcp", 443));
	dut_free(t);
	diags_free(&d);
}
END_TEST

START_TEST(communication_mistakes)
{
	diags_t d = { 0 };
	dut_t *t = parse_dut(DEV "communication:\n"
	    "  - {port: 443, versions: [TLS1.2, TLSv1.3]}\n"
	    "  - {port: 8883, suites: [TLS_AES_128_GCM_SHA265]}\n"
	    "  - {port: 443, transport: tcp}\n"
	    "  - {port: 22, ssh-algorithms: [\"aes128 ctr\"], personal-data: maybe}\n"
	    "  - {protocol: htps}\n"
	    "  - {port: 1, transport: sctp}\n", &d);
	ck_assert_ptr_null(t);
	assert_diag(&d, 3, 36, "unknown protocol version 'TLSv1.3' (did you mean 'TLS1.3'?)");
	assert_diag(&d, 4, 27, "unknown cipher suite 'TLS_AES_128_GCM_SHA265' (did you mean "
	    "'TLS_AES_128_GCM_SHA256'?)");
	assert_diag(&d, 5, 5, "duplicate communication entry for 'tcp/443'");
	assert_diag(&d, 6, 33, "'aes128 ctr' is not an SSH algorithm name");
	assert_diag(&d, 6, 63, "'personal-data': expected true or false");
	assert_diag(&d, 8, 26, "transport must be tcp or udp, got 'sctp'");
	assert_diag(&d, 7, 5, "missing required key 'port'");
	assert_diag(&d, 7, 16, "unknown protocol 'htps'");
	diags_free(&d);
}
END_TEST

#define CASE_HEAD "id: T-1\ntitle: T\ndescription: D\nassessment: functional\n" \
	"maps:\n  en303645-2.1.1: [5.5-1]\n"
#define CASE_STEPS "applies:\n  services: [https]\nsteps:\n  - probe: tls-posture\n"

START_TEST(maps_when_loads_and_holds)
{
	diags_t d = { 0 };
	tcase_t *c = parse_case(CASE_HEAD "maps-when:\n  carries_logins:\n"
	    "    en303645-2.1.1: [5.1-3]\n  personal_data:\n    ts103701: [5.8-1-2]\n"
	    CASE_STEPS, &d);
	ck_assert_msg(c != NULL, "%s", d.n ? d.v[0].msg : "");
	ck_assert_uint_eq(c->n_maps, 3);
	ck_assert_ptr_null(c->maps[0].when);
	ck_assert_str_eq(c->maps[1].when, "carries_logins");
	ck_assert_str_eq(c->maps[1].ref, "5.1-3");
	ck_assert_str_eq(c->maps[2].when, "personal_data");

	case_result_t r = { .tc = c, .ev = evidence_new() };
	ck_assert(case_map_holds(&r, &c->maps[0]));
	ck_assert(!case_map_holds(&r, &c->maps[1]));	/* the probe did not get there */
	ev_set_bool(r.ev, "carries_logins", true);
	ev_set_bool(r.ev, "personal_data", false);
	ck_assert(case_map_holds(&r, &c->maps[1]));
	ck_assert(!case_map_holds(&r, &c->maps[2]));
	ev_set_str(r.ev, "personal_data", "true");	/* not a boolean: does not hold */
	ck_assert(!case_map_holds(&r, &c->maps[2]));
	evidence_free(r.ev);
	r.ev = NULL;
	ck_assert(case_map_holds(&r, &c->maps[0]));
	ck_assert(!case_map_holds(&r, &c->maps[1]));
	tcase_free(c);
	diags_free(&d);
}
END_TEST

START_TEST(maps_when_mistakes)
{
	diags_t d = { 0 };
	/* A field the probe does not set, one that is not boolean, a bad ref. */
	tcase_t *c = parse_case(CASE_HEAD "maps-when:\n  carries_login:\n"
	    "    en303645-2.1.1: [5.1-3]\n  versions:\n    en303645-2.1.1: [5.8-1]\n"
	    "  personal_data:\n    en303645-2.1.1: [five]\n" CASE_STEPS, &d);
	ck_assert_ptr_null(c);
	assert_diag(&d, 8, 3, "maps-when: 'carries_login' is not a boolean field of this "
	    "case's probes");
	assert_diag(&d, 10, 3, "'versions' is not a boolean field");
	assert_diag(&d, 13, 22, "bad en303645-2.1.1 provision ref 'five'");
	diags_free(&d);
	/* A step without a probe is its own error, not a crash (found by fuzzing). */
	c = parse_case(CASE_HEAD "maps-when:\n  carries_logins:\n    en303645-2.1.1: [5.1-3]\n"
	    "applies:\n  services: [https]\nsteps:\n  - with: {port: 443}\n", &d);
	ck_assert_ptr_null(c);
	assert_diag(&d, 13, 5, "missing required key 'probe'");
	diags_free(&d);
	/* Conditions are probe fields: a case without steps cannot have any. */
	c = parse_case("id: T-2\ntitle: T\ndescription: D\nassessment: conceptual\n"
	    "maps:\n  en303645-2.1.1: [5.5-1]\nmaps-when:\n  carries_logins:\n"
	    "    en303645-2.1.1: [5.1-3]\n", &d);
	ck_assert_ptr_null(c);
	assert_diag(&d, 8, 3, "maps-when needs steps");
	diags_free(&d);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("load_commech");
	TCase *t = tcase_create("all");
	tcase_add_test(t, communication_loads);
	tcase_add_test(t, communication_mistakes);
	tcase_add_test(t, maps_when_loads_and_holds);
	tcase_add_test(t, maps_when_mistakes);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
