/*
 * Expectation operators over evidence fields, placeholder expansion and
 * case selection by id glob, provision ref and tag.
 */
#include "check_main.h"
#include "core/expect.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static expect_result_t
eval(evidence_t *ev, const char *field, expect_op_t op, const value_t *val, char *why)
{
	expect_t x = { .field = (char *)field, .op = op, .otherwise = V_FAIL };
	if (val)
		x.value = *val;
	return expect_eval(&x, ev, why, 256);
}

START_TEST(ops)
{
	evidence_t *ev = evidence_new();
	char why[256];
	value_t t = { .type = VT_BOOL, .b = true }, f = { .type = VT_BOOL, .b = false };
	value_t three = { .type = VT_INT, .i = 3 };
	value_t s_tel = { .type = VT_STR, .s = "tcp/2323", .s_len = 8 };
	value_t rx = { .type = VT_STR, .s = "^tcp/9[0-9]+$", .s_len = 13 };
	ev_set_bool(ev, "b", true);
	ev_set_int(ev, "n", 5);
	ev_set_str(ev, "s", "telnet login prompt");
	ev_list_init(ev, "empty");
	ev_list_push(ev, "l", "tcp/2323");
	ev_list_push(ev, "l", "tcp/9999");

	ck_assert_int_eq(eval(ev, "b", OP_EQ, &t, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "b", OP_EQ, &f, why), EXPECT_FAILS);
	ck_assert_str_eq(why, "expected b equals false, got true");
	ck_assert_int_eq(eval(ev, "b", OP_NE, &f, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "n", OP_GT, &three, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "n", OP_LE, &three, why), EXPECT_FAILS);
	ck_assert_int_eq(eval(ev, "l", OP_CONTAINS, &s_tel, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "l", OP_NOT_CONTAINS, &s_tel, why), EXPECT_FAILS);
	ck_assert_int_eq(eval(ev, "l", OP_MATCHES, &rx, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "empty", OP_EMPTY, NULL, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "l", OP_EMPTY, NULL, why), EXPECT_FAILS);
	ck_assert_str_eq(why, "expected l empty, got tcp/2323, tcp/9999");
	ck_assert_int_eq(eval(ev, "l", OP_NOT_EMPTY, NULL, why), EXPECT_HOLDS);
	value_t login = { .type = VT_STR, .s = "login", .s_len = 5 };
	ck_assert_int_eq(eval(ev, "s", OP_CONTAINS, &login, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "s", OP_PRESENT, NULL, why), EXPECT_HOLDS);
	ck_assert_int_eq(eval(ev, "zz", OP_ABSENT, NULL, why), EXPECT_HOLDS);
	/* A missing field or an impossible comparison never passes silently. */
	ck_assert_int_eq(eval(ev, "zz", OP_EQ, &t, why), EXPECT_UNDECIDED);
	ck_assert_str_eq(why, "the probe did not report field zz");
	ck_assert_int_eq(eval(ev, "s", OP_GT, &three, why), EXPECT_UNDECIDED);
	evidence_free(ev);
}
END_TEST

START_TEST(nul_bytes_in_strings)
{
	evidence_t *ev = evidence_new();
	char why[256];
	ev_set_bytes(ev, "banner", "ab\0cd", 5);
	value_t cd = { .type = VT_STR, .s = "cd", .s_len = 2 };
	ck_assert_int_eq(eval(ev, "banner", OP_CONTAINS, &cd, why), EXPECT_HOLDS);
	evidence_free(ev);
}
END_TEST

START_TEST(placeholders)
{
	evidence_t *ev = evidence_new();
	ev_list_push(ev, "undeclared", "tcp/9999");
	ev_list_push(ev, "undeclared", "tcp/23");
	target_addr_t a = { .text = "127.0.0.1" };
	service_t svc = { .transport = "tcp", .port = 2323, .protocol = "telnet", .addr = &a };
	char *s = expand_placeholders("open: {undeclared}; on {service} port {port} {unknown} {}",
	    ev, &svc);
	ck_assert_str_eq(s, "open: tcp/9999, tcp/23; on telnet on tcp/2323 port 2323 {unknown} {}");
	free(s);
	s = expand_placeholders("{port} without a service", ev, NULL);
	ck_assert_str_eq(s, "{port} without a service");
	free(s);
	evidence_free(ev);
}
END_TEST

START_TEST(selection)
{
	tcase_t c = { .id = "IOT-5.5-1-CLEARTEXT-LOGIN" };
	mapping_t maps[] = { { "en303645", "2.1.1", "5.5-1", NULL }, { "ts103701", NULL, "5.5-7-2", NULL } };
	c.maps = maps;
	c.n_maps = 2;
	strlist_push(&c.tags, "cleartext");
	ck_assert(case_selected(&c, NULL));
	ck_assert(case_selected(&c, ""));
	ck_assert(case_selected(&c, "IOT-5.5-*"));
	ck_assert(case_selected(&c, "5.5-1"));
	ck_assert(case_selected(&c, "5.5-7-*"));
	ck_assert(case_selected(&c, "nothing, cleartext"));
	ck_assert(!case_selected(&c, "5.6-1"));
	ck_assert(!case_selected(&c, "IOT-5.6-*,inventory"));
	strlist_free(&c.tags);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("expect");
	TCase *t = tcase_create("core");
	tcase_add_test(t, ops);
	tcase_add_test(t, nul_bytes_in_strings);
	tcase_add_test(t, placeholders);
	tcase_add_test(t, selection);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
