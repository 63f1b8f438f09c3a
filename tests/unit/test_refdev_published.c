/*
 * The reference device's published pages (refdev/published.c, compiled in
 * here since the refdev sources are not in libiotcert.a), read through the
 * harness's own judge: the behaving pages say everything 5.2-1 and 5.3-13
 * ask for, and each misbehave variant spoils exactly its one thing.
 */
#include "check_main.h"

#include "refdev/published.c"

#include "probes/published_judge.h"

#include <stdlib.h>
#include <string.h>

#define NOW ((time_t)1795000000)	/* 2026-11-18 */
#define BASE "http://192.0.2.1:8080"

static char *
page_text(const char *path, unsigned v)
{
	const char *ct;
	char *p = pub_page(path, v, BASE, NOW, &ct);
	ck_assert_ptr_nonnull(p);
	char *t = pj_text((const unsigned char *)p, strlen(p));
	free(p);
	return t;
}

START_TEST(policy_pages)
{
	char s[PJ_SNIPPET_MAX + 1];
	char *t = page_text(PUB_POLICY_PATH, 0);
	ck_assert(pj_contact(t, s, sizeof(s)));
	ck_assert_str_eq(s, "security@refdev.example");
	ck_assert(pj_ack_timeline(t, s, sizeof(s)));
	ck_assert(pj_status_timeline(t, s, sizeof(s)));
	free(t);
	t = page_text(PUB_POLICY_PATH, PUB_POLICY_INCOMPLETE);
	ck_assert(pj_contact(t, s, sizeof(s)));
	ck_assert(!pj_ack_timeline(t, s, sizeof(s)));
	ck_assert(!pj_status_timeline(t, s, sizeof(s)));
	free(t);
}
END_TEST

START_TEST(support_pages)
{
	char s[PJ_SNIPPET_MAX + 1], iso[16], want[16];
	pj_date_t d;
	char *t = page_text(PUB_SUPPORT_PATH, 0);
	ck_assert(pj_support_end(t, &d, iso, sizeof(iso), s, sizeof(s)));
	snprintf(want, sizeof(want), "%d-12-31", 2026 + PUB_SUPPORT_YEARS);
	ck_assert_str_eq(iso, want);
	free(t);
	t = page_text(PUB_SUPPORT_PATH, PUB_SUPPORT_EXPIRED);
	ck_assert(pj_support_end(t, &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2020-03-31");
	free(t);
}
END_TEST

START_TEST(securitytxt_pages)
{
	const char *ct;
	pj_sectxt_t st;
	char *p = pub_page(PUB_SECTXT_PATH, 0, BASE, NOW, &ct);
	ck_assert_str_eq(ct, "text/plain; charset=utf-8");
	pj_sectxt_parse((const unsigned char *)p, strlen(p), NOW, &st);
	ck_assert_uint_eq(st.problems.n, 0);
	ck_assert_str_eq(st.policies.v[0], BASE PUB_POLICY_PATH);
	ck_assert_str_eq(st.contacts.v[0], "mailto:security@refdev.example");
	pj_sectxt_clear(&st);
	free(p);
	p = pub_page(PUB_SECTXT_PATH, PUB_SECTXT_EXPIRED, BASE, NOW, &ct);
	pj_sectxt_parse((const unsigned char *)p, strlen(p), NOW, &st);
	ck_assert_uint_eq(st.problems.n, 1);
	ck_assert_str_eq(st.problems.v[0], "expired on 2020-01-01T00:00:00Z");
	pj_sectxt_clear(&st);
	free(p);
	ck_assert_ptr_null(pub_page("/other", 0, BASE, NOW, &ct));
	ck_assert(pub_is_page(PUB_SUPPORT_PATH) && !pub_is_page("/support/"));
}
END_TEST

START_TEST(garbage_body)
{
	/* Filled in odd pieces, as stream_send would: the same bytes each time. */
	unsigned char a[PUB_GARBAGE_LEN], b[PUB_GARBAGE_LEN];
	pub_garbage_fill(NULL, 0, a, sizeof(a));
	for (size_t off = 0; off < sizeof(b);) {
		size_t n = sizeof(b) - off < 777 ? sizeof(b) - off : 777;
		off += pub_garbage_fill(NULL, off, b + off, n);
	}
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	ck_assert_ptr_nonnull(memchr(a, 0, sizeof(a)));
	ck_assert(a[sizeof(a) - 1] != '\n');
	pj_sectxt_t st;
	pj_sectxt_parse(a, sizeof(a), (int64_t)NOW, &st);
	bool nul = false, lng = false;
	for (size_t i = 0; i < st.problems.n; i++) {
		nul |= strstr(st.problems.v[i], "NUL bytes") != NULL;
		lng |= strstr(st.problems.v[i], "longer than 2048") != NULL;
	}
	ck_assert(nul && lng);
	ck_assert_uint_eq(st.contacts.n, 0);
	ck_assert_ptr_null(st.expires);
	pj_sectxt_clear(&st);
}
END_TEST

static Suite *
refdev_published_suite(void)
{
	Suite *s = suite_create("refdev-published");
	TCase *tc = tcase_create("pages");
	tcase_add_test(tc, policy_pages);
	tcase_add_test(tc, support_pages);
	tcase_add_test(tc, securitytxt_pages);
	tcase_add_test(tc, garbage_body);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(refdev_published_suite)
