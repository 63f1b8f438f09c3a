/*
 * Capped buffers (the hard maxima every device read relies on), string lists,
 * typed values and the evidence record.
 */
#include "check_main.h"
#include "core/evidence.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

START_TEST(buffer_cap)
{
	buf_t b;
	buf_init(&b, 10);
	ck_assert_int_eq(buf_append(&b, "12345", 5), 0);
	ck_assert_int_eq(buf_append(&b, "6789abc", 7), -1);
	ck_assert(b.truncated);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(b.data, "123456789a");
	ck_assert_int_eq(buf_append(&b, "x", 1), -1);
	ck_assert_uint_eq(b.len, 10);
	char *s = buf_steal(&b);
	ck_assert_str_eq(s, "123456789a");
	free(s);
	buf_free(&b);
	buf_free(NULL);
}
END_TEST

START_TEST(lists_and_values)
{
	strlist_t l = { 0 };
	strlist_push(&l, "a");
	strlist_push(&l, "b");
	ck_assert(strlist_has(&l, "b"));
	ck_assert(!strlist_has(&l, "c"));
	char *j = strlist_join(&l, ", ");
	ck_assert_str_eq(j, "a, b");
	free(j);
	strlist_free(&l);
	strlist_free(NULL);
	value_t v = { 0 }, w = { 0 };
	value_set_bytes(&v, "x\0y", 3);
	value_copy(&w, &v);
	ck_assert_uint_eq(w.s_len, 3);
	ck_assert(memcmp(w.s, "x\0y", 3) == 0);
	value_clear(&v);
	value_clear(&w);
	ck_assert(glob_match("IOT-5.*", "IOT-5.6-1"));
	ck_assert(!glob_match("IOT-6*", "IOT-5.6-1"));
}
END_TEST

START_TEST(evidence_record)
{
	evidence_t *e = evidence_new();
	ev_set_int(e, "n", 1);
	ev_set_int(e, "n", 2);	/* replaces */
	ck_assert_uint_eq(e->n_fields, 1);
	ck_assert_int_eq(ev_get(e, "n")->i, 2);
	ck_assert_ptr_null(ev_get(e, "m"));
	finding_t *f = ev_finding(e, "cleartext-login", "tcp", "telnet", 23, "x %d", 1);
	finding_attr(f, "surface", "%s", "prompt");
	ck_assert_str_eq(e->findings[0].summary, "x 1");
	ck_assert_str_eq(e->findings[0].attrs[0].val, "prompt");
	/* The transcript is capped however much a device sends. */
	char *big = xcalloc(1 << 20, 1);
	memset(big, 'A', (1 << 20) - 1);
	for (int i = 0; i < 4; i++)
		ev_transcript(e, "<", big, 1 << 20);
	ck_assert_uint_le(e->transcript_len, 64 * 1024);
	free(big);
	evidence_free(e);
	evidence_free(NULL);
}
END_TEST

START_TEST(file_cap)
{
	char *p;
	size_t n;
	ck_assert_int_eq(read_file_capped("Makefile", 16, &p, &n), -1);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(read_file_capped("Makefile", 1 << 20, &p, &n), 0);
	ck_assert_uint_gt(n, 100);
	free(p);
	ck_assert_int_eq(read_file_capped("/nonexistent", 10, &p, &n), -1);
}
END_TEST

START_TEST(median_of_ll)
{
	long long odd[] = { 9, 1, 5 }, even[] = { 4, 1, 3, 10 }, one[] = { 7 };
	ck_assert_int_eq(ll_median(odd, 3), 5);
	ck_assert_int_eq(ll_median(even, 4), 3);	/* (3 + 4) / 2 */
	ck_assert_int_eq(ll_median(one, 1), 7);
	ck_assert_int_eq(ll_median(NULL, 0), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("util");
	TCase *t = tcase_create("core");
	tcase_add_test(t, buffer_cap);
	tcase_add_test(t, lists_and_values);
	tcase_add_test(t, evidence_record);
	tcase_add_test(t, file_cap);
	tcase_add_test(t, median_of_ll);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
