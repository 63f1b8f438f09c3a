/*
 * The report escaper: each byte class (kept UTF-8, backslash, C0, DEL, C1,
 * invalid / overlong / surrogate / out-of-range sequences, non-characters),
 * the capped variant, and the round trip over arbitrary bytes.
 */
#include "check_main.h"

#include <stdint.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/xmlstring.h>

#include "report/escape.h"

static char *
esc(const char *p, size_t n)
{
	return escape_bytes(p, n);
}

#define ESC_EQ(in, want) do {						\
	char *got_ = esc((in), sizeof(in) - 1);				\
	ck_assert_str_eq(got_, (want));					\
	free(got_);							\
} while (0)

START_TEST(test_plain_and_backslash)
{
	ESC_EQ("hello, world <&>\"'", "hello, world <&>\"'");
	ESC_EQ("a\\b", "a\\\\b");
	ESC_EQ("\\x41", "\\\\x41");
	ESC_EQ("", "");
	ck_assert_ptr_null(escape_str(NULL));
}
END_TEST

START_TEST(test_c0_del)
{
	ESC_EQ("a\0b", "a\\x00b");		/* NUL in the middle */
	ESC_EQ("\x01\x1b[2J", "\\x01\\x1b[2J");
	ESC_EQ("t\tn\nr\r", "t\tn\nr\r");	/* the three XML allows */
	ESC_EQ("\x7f", "\\x7f");
	ESC_EQ("\x1f ", "\\x1f ");
}
END_TEST

START_TEST(test_utf8_kept)
{
	ESC_EQ("\xc2\xa0", "\xc2\xa0");			/* U+00A0, first after C1 */
	ESC_EQ("caf\xc3\xa9", "caf\xc3\xa9");		/* 2 bytes */
	ESC_EQ("\xe2\x82\xac", "\xe2\x82\xac");		/* 3 bytes: € */
	ESC_EQ("\xef\xbf\xbd", "\xef\xbf\xbd");		/* U+FFFD */
	ESC_EQ("\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"); /* 4 bytes: U+1F600 */
	ESC_EQ("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
}
END_TEST

START_TEST(test_c1_and_nonchars)
{
	ESC_EQ("\xc2\x80", "\\xc2\\x80");
	ESC_EQ("\xc2\x9f", "\\xc2\\x9f");
	ESC_EQ("\xef\xbf\xbe", "\\xef\\xbf\\xbe");	/* U+FFFE */
	ESC_EQ("\xef\xbf\xbf", "\\xef\\xbf\\xbf");	/* U+FFFF */
}
END_TEST

START_TEST(test_invalid_utf8)
{
	ESC_EQ("\x80", "\\x80");			/* lone continuation */
	ESC_EQ("\xff\xfe", "\\xff\\xfe");
	ESC_EQ("\xc3\x28", "\\xc3(");			/* bad continuation */
	ESC_EQ("\xe2\x82", "\\xe2\\x82");		/* truncated at the end */
	ESC_EQ("\xe2\x82" "A", "\\xe2\\x82A");		/* resync on the next byte */
	ESC_EQ("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
	ESC_EQ("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	ESC_EQ("\xc1\xbf", "\\xc1\\xbf");
	ESC_EQ("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	ESC_EQ("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	ESC_EQ("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate D800 */
	ESC_EQ("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	ESC_EQ("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	ESC_EQ("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
}
END_TEST

START_TEST(test_unescape)
{
	char *out;
	size_t n;
	ck_assert_int_eq(unescape("a\\x00b\\\\\\xFF\\xfe", &out, &n), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(memcmp(out, "a\0b\\\xff\xfe", 6), 0);
	free(out);
	static const char *const bad[] = { "\\", "\\q", "\\x", "\\x4", "\\xzz", "a\\x4g" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(unescape(bad[i], &out, &n), -1);
		ck_assert_ptr_null(out);
	}
}
END_TEST

/* Every character of s is an XML 1.0 Char in valid UTF-8. */
static void
assert_xml_chars(const char *s)
{
	size_t n = strlen(s);
	ck_assert_int_eq(xmlCheckUTF8((const xmlChar *)s), 1);
	while (n > 0) {
		int len = (int)(n > 4 ? 4 : n);
		int c = xmlGetUTF8Char((const unsigned char *)s, &len);
		ck_assert_int_gt(c, 0);
		ck_assert(xmlIsCharQ(c));
		ck_assert(c < 0x7f || c > 0x9f);
		s += len;
		n -= (size_t)len;
	}
}

START_TEST(test_round_trip_random)
{
	uint32_t x = 0x12345678;
	unsigned char in[512];
	for (int round = 0; round < 400; round++) {
		size_t n = (size_t)(round % 97) * 5 + 1;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			/* Bias towards UTF-8 lead and continuation bytes. */
			unsigned b = x >> 24;
			in[i] = (unsigned char)(round % 2 ? b : (b & 1 ? 0x80 | (b & 0x3f) : 0xc0 | (b >> 3)));
		}
		char *e = escape_bytes(in, n);
		assert_xml_chars(e);
		char *back;
		size_t blen;
		ck_assert_int_eq(unescape(e, &back, &blen), 0);
		ck_assert_uint_eq(blen, n);
		ck_assert_int_eq(memcmp(back, in, n), 0);
		free(back);
		free(e);
	}
}
END_TEST

START_TEST(test_capped)
{
	size_t dropped = 99;
	char *s = escape_capped("abcdef", 6, 6, &dropped);
	ck_assert_str_eq(s, "abcdef");
	ck_assert_uint_eq(dropped, 0);
	free(s);

	s = escape_capped("abcdef", 6, 4, &dropped);
	ck_assert_str_eq(s, "abcd\xe2\x80\xa6[truncated 2 bytes]");
	ck_assert_uint_eq(dropped, 2);
	free(s);

	/* An escape is never split: "a\x00" needs 5 bytes. */
	s = escape_capped("a\0b", 3, 4, &dropped);
	ck_assert_str_eq(s, "a" ESCAPE_TRUNC_MARK "2 bytes]");
	free(s);

	/* Nor a UTF-8 sequence. */
	s = escape_capped("\xc3\xa9\xc3\xa9", 4, 3, &dropped);
	ck_assert_str_eq(s, "\xc3\xa9" ESCAPE_TRUNC_MARK "2 bytes]");
	ck_assert_uint_eq(dropped, 2);
	free(s);

	s = escape_capped("xyz", 3, 0, NULL);
	ck_assert_str_eq(s, ESCAPE_TRUNC_MARK "3 bytes]");
	free(s);
}
END_TEST

static Suite *
escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");
	tcase_add_test(tc, test_plain_and_backslash);
	tcase_add_test(tc, test_c0_del);
	tcase_add_test(tc, test_utf8_kept);
	tcase_add_test(tc, test_c1_and_nonchars);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_unescape);
	tcase_add_test(tc, test_round_trip_random);
	tcase_add_test(tc, test_capped);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(escape_suite)
