/*
 * HTML <title> extraction from device pages: case, attributes, entities,
 * comments, whitespace, caps, and pages that end in the middle of a tag.
 * Inputs are copied into exact-size heap buffers so a sanitizer build
 * catches any read past n.
 */
#include "check_main.h"
#include "core/util.h"
#include "proto/html.h"

#include <string.h>

static bool
title(const char *html, char *out, size_t outlen)
{
	size_t n = strlen(html);
	uint8_t *p = xcalloc(n ? n : 1, 1);
	memcpy(p, html, n);
	bool r = html_title(p, n, out, outlen);
	free(p);
	return r;
}

START_TEST(titles)
{
	char t[64];
	ck_assert(title("<html><head><title>RefDev Camera Admin</title>", t, sizeof(t)));
	ck_assert_str_eq(t, "RefDev Camera Admin");
	ck_assert(title("<HTML><TITLE lang=\"en\">\n  Router \t Login \r\n</TITLE>", t, sizeof(t)));
	ck_assert_str_eq(t, "Router Login");
	ck_assert(title("<title>A &amp; B &lt;x&gt; &quot;q&quot; &#39;s&#x41;&nbsp;z &copy; &#1234; &#</title>",
	    t, sizeof(t)));
	ck_assert_str_eq(t, "A & B <x> \"q\" 'sA z &copy; &#1234; &#");
	/* The first title outside comments; <titles> and <title-x> are not titles. */
	ck_assert(title("<!-- <title>old</title> --><titles>no</titles><title>new</title>", t, sizeof(t)));
	ck_assert_str_eq(t, "new");
	/* Control bytes are dropped. */
	ck_assert(title("<title>a\x01\x7f" "b</title>", t, sizeof(t)));
	ck_assert_str_eq(t, "ab");
}
END_TEST

START_TEST(no_title)
{
	char t[16] = "x";
	ck_assert(!title("", t, sizeof(t)));
	ck_assert_str_eq(t, "");
	ck_assert(!title("<html><body>hi</body></html>", t, sizeof(t)));
	ck_assert(!title("<title>   </title>", t, sizeof(t)));
	ck_assert(!title("<title", t, sizeof(t)));
	ck_assert(!title("<title lang=en", t, sizeof(t)));
	ck_assert(!title("<title>", t, sizeof(t)));
	ck_assert(!title("<!-- <title>x</title>", t, sizeof(t)));	/* unterminated comment */
	ck_assert(!title("<title>x</title>", t, 0));
	/* Unterminated title: what there is, capped. */
	ck_assert(title("<title>abc", t, sizeof(t)));
	ck_assert_str_eq(t, "abc");
	ck_assert(title("<title>abc &am", t, sizeof(t)));
	ck_assert_str_eq(t, "abc &am");
}
END_TEST

START_TEST(capped)
{
	char t[8];
	ck_assert(title("<title>0123456789abcdef</title>", t, sizeof(t)));
	ck_assert_str_eq(t, "0123456");
	ck_assert(title("<title>012345 789</title>", t, sizeof(t)));
	ck_assert_str_eq(t, "012345");	/* no trailing blank at the cap */
	char big[70000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "<title>", 7);
	char out[256];
	ck_assert(title(big, out, sizeof(out)));
	ck_assert_uint_eq(strlen(out), 255);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("title");
	tcase_add_test(tc, titles);
	tcase_add_test(tc, no_title);
	tcase_add_test(tc, capped);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(html_suite)
