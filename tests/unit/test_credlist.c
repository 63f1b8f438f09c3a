/*
 * Credential list files: format, duplicates, empty passwords, errors with
 * file:line, and the shipped lists load clean.
 */
#include "check_main.h"
#include "load/credlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/iotcert-credlist-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(format)
{
	char *p = write_tmp("# comment\n\nroot:xc3511\r\nadmin:\nuser:pa:ss\nroot:xc3511\n");
	credlist_t l = { 0 };
	diags_t d = { 0 };
	ck_assert_int_eq(credlist_load(p, &l, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].user, "root");
	ck_assert_str_eq(l.v[0].pass, "xc3511");
	ck_assert_str_eq(l.v[1].pass, "");
	ck_assert_str_eq(l.v[2].pass, "pa:ss");
	ck_assert_ptr_nonnull(strstr(l.v[0].source, ":3"));
	credlist_free(&l);
	diags_free(&d);
	unlink(p);
	free(p);
}
END_TEST

START_TEST(errors)
{
	char *p = write_tmp("root:ok\nnocolon\n:nouser\n");
	credlist_t l = { 0 };
	diags_t d = { 0 };
	ck_assert_int_eq(credlist_load(p, &l, &d), -1);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_int_eq(d.v[0].line, 2);
	ck_assert_int_eq(d.v[1].line, 3);
	ck_assert_uint_eq(l.n, 1);
	credlist_free(&l);
	diags_free(&d);
	ck_assert_int_eq(credlist_load("/nonexistent.txt", &l, &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	diags_free(&d);
	unlink(p);
	free(p);
}
END_TEST

START_TEST(shipped)
{
	credlist_t l = { 0 };
	diags_t d = { 0 };
	ck_assert_int_eq(credlist_load("testcases/credentials/universal.txt", &l, &d), 0);
	size_t universal = l.n;
	ck_assert_uint_eq(universal, 59);	/* the Mirai dictionary */
	ck_assert_int_eq(credlist_load("testcases/credentials/vendor.txt", &l, &d), 0);
	ck_assert_uint_gt(l.n, universal);
	ck_assert_uint_eq(d.errors, 0);
	credlist_free(&l);
	diags_free(&d);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("credlist");
	TCase *t = tcase_create("load");
	tcase_add_test(t, format);
	tcase_add_test(t, errors);
	tcase_add_test(t, shipped);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
