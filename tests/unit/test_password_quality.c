/*
 * Password quality (5.1-2): each rule of probes/password_checks.c on a
 * password that breaks it and on one that does not, the common-password list
 * files in both formats, and the password-quality probe over a DUT profile,
 * including that no finding, field or reason ever holds a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "core/probe.h"
#include "probes/password_checks.h"
#include "probes/password_list.h"

#define CASE_FILE "testcases/iot-5.1-2-password-quality.yaml"

/* Every hit as "LABEL ISSUE: why", joined by "; " (caller frees). */
static char *
judge(const pw_sample_t *s, size_t n, const pw_policy_t *p)
{
	pw_hits_t h = { 0 };
	pw_check(s, n, p, &h);
	buf_t b;
	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < h.n; i++)
		buf_printf(&b, "%s%s %s: %s", i ? "; " : "", s[h.v[i].sample].label,
		    pw_issue_str(h.v[i].issue), h.v[i].why);
	pw_hits_free(&h);
	return buf_steal(&b);
}

static const pw_policy_t plain = {
	.manufacturer = "RefDev Ltd", .model = "RD-100", .min_length = 8,
	.counter_window = 1000,
};

/* One sample with every identifier. */
static char *
judge_one(const char *pw, const char *serial, const char *mac, const char *ssid)
{
	pw_sample_t s = { serial ? serial : "sample 1", serial, mac, ssid, pw };
	return judge(&s, 1, &plain);
}

#define ASSERT_JUDGED(got, want) do {                                         \
	char *g_ = (got);                                                     \
	ck_assert_str_eq(g_, want);                                           \
	free(g_);                                                             \
} while (0)

START_TEST(issue_names)
{
	static const char *const want[PW__N] = { "common-list", "too-short",
	    "derived-mac", "derived-serial", "derived-model", "derived-ssid",
	    "derived-manufacturer", "shared", "counter" };
	for (int i = 0; i < PW__N; i++)
		ck_assert_str_eq(pw_issue_str((pw_issue_t)i), want[i]);
	ck_assert_str_eq(pw_issue_str(PW__N), "?");
}
END_TEST

START_TEST(clean_password)
{
	ASSERT_JUDGED(judge_one("a8F3kq2ZpL9w", "RD100-000123", "02:00:5e:10:00:01",
	    "RefDev-1001"), "");
}
END_TEST

START_TEST(derived_serial)
{
	ASSERT_JUDGED(judge_one("RD100-000123x", "RD100-000123", NULL, NULL),
	    "RD100-000123 derived-serial: contains the serial number; "
	    "RD100-000123 derived-model: contains the model name");
	ASSERT_JUDGED(judge_one("Kq#004711zz", "SN-004711", NULL, NULL),
	    "SN-004711 derived-serial: contains the serial number's trailing digits");
	/* The serial's number without its leading zeros. */
	ASSERT_JUDGED(judge_one("Kq#4711zzWw", "SN-004711", NULL, NULL),
	    "SN-004711 derived-serial: contains the serial number's trailing digits");
	ASSERT_JUDGED(judge_one("zz87654321-BA", "AB12345678", NULL, NULL),
	    "AB12345678 derived-serial: contains the serial number reversed");
	/* Trailing runs under 4 digits are too common to count. */
	ASSERT_JUDGED(judge_one("Qx12Lm90pT", "SN-0012", NULL, NULL), "");
}
END_TEST

START_TEST(derived_mac)
{
	ASSERT_JUDGED(judge_one("5e1000ab", NULL, "02:00:5e:10:00:ab", NULL),
	    "sample 1 derived-mac: contains the last 8 hex digits of the MAC address");
	ASSERT_JUDGED(judge_one("Wifi-10:00:AB!", NULL, "02-00-5E-10-00-AB", NULL),
	    "sample 1 derived-mac: contains the last 6 hex digits of the MAC address");
	ASSERT_JUDGED(judge_one("xBA0001E5y", NULL, "0200.5e10.00ab", NULL),
	    "sample 1 derived-mac: contains the last 8 hex digits of the MAC address reversed");
	ASSERT_JUDGED(judge_one("k02005E1000ABk", NULL, "02005e1000ab", NULL),
	    "sample 1 derived-mac: contains the MAC address");
	ASSERT_JUDGED(judge_one("5e1000ab", NULL, "02:00:5e:10:00:ac", NULL), "");
}
END_TEST

START_TEST(derived_names)
{
	ASSERT_JUDGED(judge_one("Xrd100yzQ", NULL, NULL, NULL),
	    "sample 1 derived-model: contains the model name");
	ASSERT_JUDGED(judge_one("refdev!2025x", NULL, NULL, NULL),
	    "sample 1 derived-manufacturer: contains the manufacturer's name");
	ASSERT_JUDGED(judge_one("7f3a21Lq", NULL, NULL, "RefDev-7F3A21"),
	    "sample 1 derived-ssid: contains the last part of the SSID");
	ASSERT_JUDGED(judge_one("homenet2024!", NULL, NULL, "Home Net"),
	    "sample 1 derived-ssid: contains the Wi-Fi network name (SSID)");
	/* Without the names, nothing is derived. */
	pw_sample_t s = { "sample 1", NULL, NULL, NULL, "Xrd100yzQ" };
	pw_policy_t p = plain;
	p.model = p.manufacturer = NULL;
	ASSERT_JUDGED(judge(&s, 1, &p), "");
}
END_TEST

START_TEST(too_short)
{
	ASSERT_JUDGED(judge_one("Ab3$", NULL, NULL, NULL),
	    "sample 1 too-short: has 4 characters, fewer than 8");
	/* Characters, not bytes: 8 characters in 10 bytes. */
	pw_sample_t s = { "U1", NULL, NULL, NULL, "p\xc3\xa4sSw\xc3\xb6rd" };
	pw_policy_t p = plain;
	ASSERT_JUDGED(judge(&s, 1, &p), "");
	p.min_length = 9;
	ASSERT_JUDGED(judge(&s, 1, &p), "U1 too-short: has 8 characters, fewer than 9");
}
END_TEST

START_TEST(counter)
{
	pw_sample_t s[] = {
		{ "A-100", "A-100", NULL, NULL, "Pw4711" },
		{ "B-200", "B-200", NULL, NULL, "Pw4712" },
	};
	pw_policy_t p = plain;
	p.min_length = 6;
	ASSERT_JUDGED(judge(s, 2, &p),
	    "A-100 counter: differs only by a counter from the password of B-200; "
	    "B-200 counter: differs only by a counter from the password of A-100");
	s[1].password = "Pw6711";		/* 2000 apart */
	ASSERT_JUDGED(judge(s, 2, &p), "");
	p.counter_window = 5000;
	ASSERT_JUDGED(judge(s, 2, &p),
	    "A-100 counter: differs only by a counter from the password of B-200; "
	    "B-200 counter: differs only by a counter from the password of A-100");
	s[1].password = "Qx4712";		/* other text around the number */
	ASSERT_JUDGED(judge(s, 2, &p), "");
	s[0].password = "password1";		/* the textbook case, and common */
	s[1].password = "password2";
	static const char *const lines[] = { "password1", "password" };
	pwset_t common = { 0 };
	for (size_t i = 0; i < 2; i++)
		pwset_add(&common, lines[i]);
	pwset_sort(&common);
	p.common = &common;
	ASSERT_JUDGED(judge(s, 2, &p),
	    "A-100 common-list: is in a list of common passwords; "
	    "A-100 counter: differs only by a counter from the password of B-200; "
	    "B-200 counter: differs only by a counter from the password of A-100");
	pwset_free(&common);
}
END_TEST

START_TEST(shared)
{
	pw_sample_t s[] = {
		{ "RD100-000123", "RD100-000123", NULL, NULL, "Zr9!mK2#qL" },
		{ "sample 2", NULL, NULL, NULL, "Tq8@vN4$wE" },
		{ "RD100-000125", "RD100-000125", NULL, NULL, "Zr9!mK2#qL" },
		{ "sample 4", NULL, NULL, NULL, "Zr9!mK2#qL" },
	};
	ASSERT_JUDGED(judge(s, 4, &plain),
	    "RD100-000123 shared: is the same as the password of RD100-000125, sample 4; "
	    "RD100-000125 shared: is the same as the password of RD100-000123, sample 4; "
	    "sample 4 shared: is the same as the password of RD100-000123, RD100-000125");
	ASSERT_JUDGED(judge(s, 2, &plain), "");
}
END_TEST

START_TEST(serial_step)
{
	pw_sample_t s[] = {
		{ "RD100-000123", "RD100-000123", NULL, NULL, "Kx7-500123zq" },
		{ "RD100-000124", "RD100-000124", NULL, NULL, "Qz9-500124wt" },
		{ "RD100-000200", "RD100-000200", NULL, NULL, "Mv2-731877pd" },
	};
	ASSERT_JUDGED(judge(s, 3, &plain),
	    "RD100-000123 derived-serial: has a number moving in step with the serial "
	    "number, as does the password of RD100-000124; "
	    "RD100-000124 derived-serial: has a number moving in step with the serial "
	    "number, as does the password of RD100-000123");
	/* A different offset: no step. */
	s[1].password = "Qz9-500125wt";
	ASSERT_JUDGED(judge(s, 3, &plain), "");
	/* Short numbers match a step by chance too often to count. */
	s[0].password = "Kx7-5zqAbCdE";
	s[1].password = "Qz9-6wtAbCdE";
	ASSERT_JUDGED(judge(s, 2, &plain), "");
}
END_TEST

#define LISTS "tests/data/passwords/"

START_TEST(list_formats)
{
	pwset_t s = { 0 };
	diags_t d = { 0 };
	ck_assert_int_eq(pwset_load(&s, "testcases/credentials/common-passwords.txt", &d), 0);
	ck_assert_uint_ge(s.n, 300);
	size_t common = s.n;
	/* The credential-list format: the passwords count, not the users. */
	ck_assert_int_eq(pwset_load(&s, "testcases/credentials/universal.txt", &d), 0);
	ck_assert_uint_gt(s.n, common);
	ck_assert_int_eq(pwset_load(&s, LISTS "pairs.txt", &d), 0);
	/* One a line, a ':' in one of them: still one a line. */
	ck_assert_int_eq(pwset_load(&s, LISTS "one-a-line.txt", &d), 0);
	pwset_sort(&s);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(pwset_has(&s, "password1"));
	ck_assert(pwset_has(&s, "PassWord1"));
	ck_assert(pwset_has(&s, "smcadmin"));
	ck_assert(pwset_has(&s, "SECR3T"));
	ck_assert(pwset_has(&s, "a:b"));
	ck_assert(!pwset_has(&s, "alice"));
	ck_assert(!pwset_has(&s, "alice:Secr3t"));
	ck_assert(pwset_has(&s, "abc:def"));
	ck_assert(pwset_has(&s, "hunter2"));
	ck_assert(!pwset_has(&s, "# one password a line, one of them holding a colon"));
	ck_assert(pwset_has(&s, ""));	/* universal.txt's "root:" */
	ck_assert(!pwset_has(&s, "a8F3kq2ZpL9w"));
	ck_assert(!pwset_has(NULL, "password1"));
	pwset_free(&s);
	pwset_free(NULL);
	/* An over-long entry is an error naming file:line. */
	ck_assert_int_eq(pwset_load(&s, LISTS "long-entry.txt", &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_int_eq(d.v[0].line, 2);
	ck_assert_str_eq(d.v[0].msg, "password over 255 bytes");
	ck_assert_int_eq(pwset_load(&s, "/nonexistent/list.txt", &d), -1);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_str_eq(d.v[1].msg, "cannot read password list (missing, unreadable or "
	    "over 1 MiB)");
	pwset_free(&s);
	diags_free(&d);
}
END_TEST

/* ---- the probe over a DUT profile ---- */

static void
add_sample(dut_t *d, const char *serial, const char *mac, const char *ssid,
    const char *pw)
{
	d->samples = xrealloc(d->samples, d->n_samples + 1, sizeof(*d->samples));
	d->samples[d->n_samples++] = (dut_sample_t){ xstrdup(serial), xstrdup(mac),
	    xstrdup(ssid), xstrdup("admin"), xstrdup(pw), { 0 } };
}

static dut_t *
dut_new(void)
{
	dut_t *d = xcalloc(1, sizeof(*d));
	d->manufacturer = xstrdup("RefDev Ltd");
	d->model = xstrdup("RD-100");
	d->serial = xstrdup("RD100-000123");
	d->mac = xstrdup("02:00:5e:10:00:01");
	return d;
}

static void
add_unique(dut_t *d, const char *pw)
{
	d->creds = xrealloc(d->creds, d->n_creds + 1, sizeof(*d->creds));
	d->creds[d->n_creds++] = (dut_cred_t){ xstrdup("admin"), xstrdup(pw), true,
	    NULL, { 0 } };
}

static probe_status_t
run_probe(const dut_t *d, param_t *params, size_t n_params, evidence_t *ev,
    char *reason, size_t rlen)
{
	const probe_kind_t *k = probe_find("password-quality");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_DEVICE);
	step_t step = { .probe = (char *)"password-quality", .params = params,
	    .n_params = n_params, .pos = { CASE_FILE, 1, 1 } };
	probe_ctx_t ctx = { .dut = d, .step = &step, .ev = ev,
	    .deadline_ms = mono_ms() + 10000 };
	probe_status_t st = k->run(&ctx);
	snprintf(reason, rlen, "%s", ctx.reason);
	return st;
}

static char *
list_text(const evidence_t *ev, const char *field)
{
	const value_t *v = ev_get(ev, field);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, VT_LIST);
	return value_to_text(v);
}

/* Runs the probe, which must succeed, and returns its `weak` list as text. */
static char *
weak_after(const dut_t *d, param_t *params, size_t n_params)
{
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe(d, params, n_params, ev, reason, sizeof(reason)), PROBE_OK);
	char *weak = list_text(ev, "weak");
	evidence_free(ev);
	return weak;
}

/* No finding, attribute or field text holds any of the secrets. */
static void
assert_no_secret(const evidence_t *ev, const char *const *secrets, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		for (size_t i = 0; i < ev->n_findings; i++) {
			const finding_t *f = &ev->findings[i];
			ck_assert_msg(strstr(f->summary, secrets[s]) == NULL, "%s", f->summary);
			for (size_t a = 0; a < f->n_attrs; a++)
				ck_assert_ptr_null(strstr(f->attrs[a].val, secrets[s]));
		}
		for (size_t i = 0; i < ev->n_fields; i++) {
			char *t = value_to_text(&ev->fields[i].val);
			ck_assert_msg(strstr(t, secrets[s]) == NULL, "%s", t);
			free(t);
		}
	}
}


START_TEST(probe_judges_samples)
{
	dut_t *d = dut_new();
	add_sample(d, "RD100-000123", "02:00:5e:10:00:01", "RefDev-1001", "a8F3kq2ZpL9w");
	add_sample(d, "RD100-000124", "02:00:5e:10:00:ab", NULL, "5e1000ab");
	add_sample(d, NULL, NULL, NULL, "password1");
	add_sample(d, "RD100-000126", NULL, NULL, "Pw4711xQ");
	add_sample(d, "RD100-000140", NULL, NULL, "Pw4712xQ");
	add_unique(d, "RD100-000123x");	/* its serial is sample 1: not added again */
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe(d, NULL, 0, ev, reason, sizeof(reason)), PROBE_OK);
	ck_assert_int_eq(ev_get(ev, "samples")->i, 5);
	ck_assert(ev_get(ev, "checked")->b);
	char *weak = list_text(ev, "weak");
	ck_assert_str_eq(weak, "RD100-000124: derived-mac, sample 3: common-list, "
	    "RD100-000126: counter, RD100-000140: counter");
	free(weak);
	ck_assert_uint_eq(ev->n_findings, 4);
	const finding_t *f = &ev->findings[1];
	ck_assert_str_eq(f->kind, "weak-password");
	ck_assert_ptr_null(f->protocol);
	ck_assert_int_eq(f->port, 0);
	ck_assert_str_eq(finding_get(f, "sample"), "sample 3");
	ck_assert_str_eq(finding_get(f, "issue"), "common-list");
	ck_assert_str_eq(f->summary, "the pre-installed password of sample 3 is in a list "
	    "of common passwords");
	ck_assert_str_eq(ev->findings[0].summary, "the pre-installed password of "
	    "RD100-000124 contains the last 8 hex digits of the MAC address");
	static const char *const secrets[] = { "a8F3kq2ZpL9w", "5e1000ab", "password1",
	    "Pw4711", "Pw4712", "RD100-000123x", "4711", "4712" };
	assert_no_secret(ev, secrets, ARRAY_LEN(secrets));
	evidence_free(ev);
	dut_free(d);
}
END_TEST

START_TEST(probe_unit_is_a_sample)
{
	dut_t *d = dut_new();
	add_unique(d, "RD100-000123x");
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe(d, NULL, 0, ev, reason, sizeof(reason)), PROBE_OK);
	ck_assert_int_eq(ev_get(ev, "samples")->i, 1);
	char *weak = list_text(ev, "weak");
	ck_assert_str_eq(weak, "RD100-000123: derived-serial, RD100-000123: derived-model");
	free(weak);
	static const char *const secrets[] = { "RD100-000123x" };
	assert_no_secret(ev, secrets, 1);
	evidence_free(ev);
	/* Its MAC is the unit's. */
	free(d->creds[0].password);
	d->creds[0].password = xstrdup("Qm-5e100001-Lk");
	ASSERT_JUDGED(weak_after(d, NULL, 0), "RD100-000123: derived-mac");
	dut_free(d);
}
END_TEST

START_TEST(probe_inconclusive_without_samples)
{
	dut_t *d = dut_new();
	/* A model default is no sample of a unique password. */
	d->creds = xcalloc(1, sizeof(*d->creds));
	d->creds[d->n_creds++] = (dut_cred_t){ xstrdup("admin"), xstrdup("admin"), false,
	    NULL, { 0 } };
	const dut_t *profiles[] = { d, NULL };
	for (size_t i = 0; i < 2; i++) {
		evidence_t *ev = evidence_new();
		char reason[512];
		ck_assert_int_eq(run_probe(profiles[i], NULL, 0, ev, reason, sizeof(reason)),
		    PROBE_INCONCLUSIVE);
		ck_assert_str_eq(reason, "the DUT profile supplies no pre-installed password "
		    "samples (password-samples:)");
		ck_assert_int_eq(ev_get(ev, "samples")->i, 0);
		ck_assert(!ev_get(ev, "checked")->b);
		ck_assert_uint_eq(ev_get(ev, "weak")->n_items, 0);
		evidence_free(ev);
	}
	dut_free(d);
}
END_TEST

START_TEST(probe_params)
{
	dut_t *d = dut_new();
	add_sample(d, "RD100-000124", NULL, NULL, "Ab3$xy");
	add_sample(d, "RD100-000125", NULL, NULL, "smcadmin");
	/* The default list is common-passwords.txt only; smcadmin is in universal.txt. */
	ASSERT_JUDGED(weak_after(d, NULL, 0), "RD100-000124: too-short");
	param_t p[2] = {
		{ .name = (char *)"lists" },
		{ .name = (char *)"min-length", .val = { .type = VT_INT, .i = 6 } },
	};
	value_list_push(&p[0].val, "credentials/universal.txt");
	ASSERT_JUDGED(weak_after(d, p, 2), "RD100-000125: common-list");

	value_clear(&p[0].val);
	value_list_push(&p[0].val, "credentials/no-such-list.txt");
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe(d, p, 1, ev, reason, sizeof(reason)), PROBE_ERROR);
	ck_assert_str_eq(reason, "password list: testcases/credentials/no-such-list.txt:0: "
	    "cannot read password list (missing, unreadable or over 1 MiB)");
	evidence_free(ev);

	p[1].val.i = -1;
	ev = evidence_new();
	ck_assert_int_eq(run_probe(d, p + 1, 1, ev, reason, sizeof(reason)), PROBE_ERROR);
	ck_assert_str_eq(reason, "min-length and counter-window must not be negative");
	evidence_free(ev);
	value_clear(&p[0].val);
	dut_free(d);
}
END_TEST

static Suite *
password_quality_suite(void)
{
	Suite *s = suite_create("password_quality");
	TCase *t = tcase_create("checks");
	tcase_add_test(t, issue_names);
	tcase_add_test(t, clean_password);
	tcase_add_test(t, derived_serial);
	tcase_add_test(t, derived_mac);
	tcase_add_test(t, derived_names);
	tcase_add_test(t, too_short);
	tcase_add_test(t, counter);
	tcase_add_test(t, shared);
	tcase_add_test(t, serial_step);
	tcase_add_test(t, list_formats);
	suite_add_tcase(s, t);
	t = tcase_create("probe");
	tcase_add_test(t, probe_judges_samples);
	tcase_add_test(t, probe_unit_is_a_sample);
	tcase_add_test(t, probe_inconclusive_without_samples);
	tcase_add_test(t, probe_params);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(password_quality_suite)
