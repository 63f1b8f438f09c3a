/*
 * Target resolution: address lists, IPv6 with scope, duplicates, errors, and
 * the per-service disclosed-field list.
 */
#include "check_main.h"
#include "core/target.h"

#include <string.h>

START_TEST(address_lists)
{
	char err[256];
	target_t *t = target_new("127.0.0.1,::1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n_addrs, 2);
	ck_assert_str_eq(t->addrs[0].text, "127.0.0.1");
	ck_assert_str_eq(t->addrs[1].text, "::1");
	target_free(t);
	t = target_new("127.0.0.1, 127.0.0.1", err, sizeof(err));
	ck_assert_uint_eq(t->n_addrs, 1);
	target_free(t);
	t = target_new("fe80::1%lo", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->addrs[0].text, "fe80::1%lo");
	target_free(t);
	ck_assert_ptr_null(target_new("127.0.0.1,no-such-host.invalid", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no-such-host.invalid"));
	ck_assert_ptr_null(target_new(",", err, sizeof(err)));
	target_free(NULL);
}
END_TEST

START_TEST(service_info)
{
	char err[256];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	service_t *s = target_add_service(t, "udp", 161, &t->addrs[0]);
	service_info_add(s, "sysDescr", "Linux cam 4.9\0x", 15);
	service_info_add(s, "sysName", "cam", 3);
	ck_assert_str_eq(service_info_get(s, "sysName"), "cam");
	ck_assert_str_eq(service_info_get(s, "sysDescr"), "Linux cam 4.9");
	ck_assert_ptr_null(service_info_get(s, "none"));
	ck_assert_ptr_eq(target_find(t, "udp", 161), s);
	ck_assert_ptr_null(target_find(t, "tcp", 161));
	target_free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("target");
	TCase *t = tcase_create("core");
	tcase_add_test(t, address_lists);
	tcase_add_test(t, service_info);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
