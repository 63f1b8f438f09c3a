/*
 * The pure HTTP authentication pieces: Digest responses against the RFC 7616
 * section 3.9.1 (SHA-256 and MD5) and RFC 2617 section 3.5 examples, Basic
 * encoding, and the WWW-Authenticate parser on well-formed, sloppy and
 * hostile challenges (unterminated quotes, 10 KiB values, repeated
 * parameters, random bytes), every input an exact-size heap copy so a
 * sanitizer build sees any over-read.
 */
#include "check_main.h"

#include "auth/http_auth.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* Parses value (copied to the heap at its exact size) into ch[]. */
static int
parse(const char *value, http_challenge_t *ch, size_t max, size_t *n)
{
	char err[160];
	char *copy = xstrdup(value);
	*n = 0;
	int rc = http_challenges_parse(copy, ch, max, n, err, sizeof(err));
	free(copy);
	return rc;
}

START_TEST(rfc7616_vectors)
{
	http_challenge_t ch[4];
	size_t n;
	ck_assert_int_eq(parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
	    "algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", ch, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(http_digest_usable(&ch[0]));
	ck_assert_int_eq(http_digest_algo(&ch[0]), HA_SHA256);
	ck_assert_int_eq(http_digest_qop(&ch[0]), HA_QOP_AUTH);
	char out[2048], resp[80], err[160];
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/dir/index.html", "Mufasa",
	    "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1, out, sizeof(out),
	    resp, sizeof(resp), err, sizeof(err)), 0);
	ck_assert_str_eq(resp, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	ck_assert_str_eq(out, "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
	    "algorithm=SHA-256, "
	    "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
	    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001, "
	    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\"");

	/* The same challenge with algorithm=MD5: the RFC's MD5 response. */
	ck_assert_int_eq(parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
	    "algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", ch, 4, &n), 0);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/dir/index.html", "Mufasa",
	    "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1, out, sizeof(out),
	    resp, sizeof(resp), err, sizeof(err)), 0);
	ck_assert_str_eq(resp, "8ca523f5e9506fed4657c9700eebdbec");
}
END_TEST

START_TEST(rfc2617_vector)
{
	http_challenge_t ch[2];
	size_t n;
	ck_assert_int_eq(parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", ch, 2, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(http_digest_algo(&ch[0]), HA_MD5);	/* absent: MD5 */
	char out[2048], resp[80], err[160];
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/dir/index.html", "Mufasa",
	    "Circle Of Life", "0a4f113b", 1, out, sizeof(out), resp, sizeof(resp), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(resp, "6629fae49393a05397450978507c4ef1");
	ck_assert_ptr_null(strstr(out, "algorithm="));	/* not sent when not offered */
	ck_assert_ptr_nonnull(strstr(out, ", qop=auth, nc=00000001, cnonce=\"0a4f113b\""));
	ck_assert_ptr_nonnull(strstr(out, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));

	/* RFC 2069 (no qop): H(HA1:nonce:HA2), no nc/cnonce in the header
	 * (reference value from Python's hashlib). */
	ck_assert_int_eq(parse("Digest realm=\"testrealm@host.com\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", ch, 2, &n), 0);
	ck_assert_int_eq(http_digest_qop(&ch[0]), HA_QOP_NONE);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/dir/index.html", "Mufasa",
	    "Circle Of Life", "0a4f113b", 1, out, sizeof(out), resp, sizeof(resp), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(resp, "670fd8c2df070c60b045671b8b24ff02");
	ck_assert_ptr_null(strstr(out, "cnonce"));
	ck_assert_ptr_null(strstr(out, "qop="));
}
END_TEST

START_TEST(digest_sess_userhash_authint)
{
	http_challenge_t ch[2];
	size_t n;
	char out[2048], resp[80], err[160];
	/* Reference values from Python's hashlib:
	 *   HA1=md5(md5("u:r:p"):"n":"c") HA2=md5("GET:/") resp=md5(HA1:n:00000001:c:auth:HA2) */
	ck_assert_int_eq(parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=MD5-sess",
	    ch, 2, &n), 0);
	ck_assert_int_eq(http_digest_algo(&ch[0]), HA_MD5_SESS);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "u", "p", "c", 1, out,
	    sizeof(out), resp, sizeof(resp), err, sizeof(err)), 0);
	ck_assert_str_eq(resp, "6e4aac8b22e97762f88ccd0d5ccf5b1d");

	/* Only auth-int offered (over the empty body), SHA-256, userhash:
	 *   HA2=sha256("GET:/:" sha256("")), username=sha256("u:r") */
	ck_assert_int_eq(parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\", "
	    "algorithm=SHA-256, userhash=true", ch, 2, &n), 0);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "u", "p", "c", 1, out,
	    sizeof(out), resp, sizeof(resp), err, sizeof(err)), 0);
	ck_assert_str_eq(resp, "1b43e30012f5d7efa1ca861a096b50ae72f106271d7e9a4d60b944b3b0197efd");
	ck_assert_ptr_nonnull(strstr(out, "username=\"1d8a03a6e21a4ce775060ea57360329ac750dea5d847297b42f0d46539af8ab2\""));
	ck_assert_ptr_nonnull(strstr(out, "qop=auth-int, nc=00000001"));
	ck_assert_ptr_nonnull(strstr(out, ", userhash=true"));
}
END_TEST

START_TEST(basic)
{
	char out[64];
	ck_assert_int_eq(http_basic_credentials("admin", "admin", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "Basic YWRtaW46YWRtaW4=");
	ck_assert_int_eq(http_basic_credentials("Aladdin", "open sesame", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	ck_assert_int_eq(http_basic_credentials("root", "", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "Basic cm9vdDo=");
	ck_assert_int_eq(http_basic_credentials("a:b", "x", out, sizeof(out)), -1);
	ck_assert_int_eq(http_basic_credentials("a", "x\ny", out, sizeof(out)), -1);
	ck_assert_int_eq(http_basic_credentials(NULL, "x", out, sizeof(out)), -1);
	ck_assert_int_eq(http_basic_credentials("admin", "admin", out, 10), -1);
}
END_TEST

START_TEST(challenges_wellformed)
{
	http_challenge_t ch[8];
	size_t n;
	ck_assert_int_eq(parse("Basic realm=\"RefDev Admin\"", ch, 8, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(http_scheme_is(&ch[0], "basic"));
	ck_assert_str_eq(ch[0].realm, "RefDev Admin");

	ck_assert_int_eq(parse("Basic", ch, 8, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(!ch[0].has_realm);

	/* Several challenges in one value; escapes; token values; blanks around '='. */
	ck_assert_int_eq(parse("Negotiate YWJj==, Basic realm=\"a \\\"q\\\" \\\\ b\", "
	    "Digest realm = \"x\" , nonce=abc/def=, stale=TRUE, algorithm=sha-256-sess, "
	    "qop=\"auth-int\", userhash=true, domain=\"/ /x\", Bearer", ch, 8, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ch[0].scheme, "Negotiate");
	ck_assert_str_eq(ch[1].realm, "a \"q\" \\ b");
	ck_assert(http_scheme_is(&ch[2], "Digest"));
	ck_assert_str_eq(ch[2].nonce, "abc/def=");
	ck_assert(ch[2].stale && ch[2].userhash);
	ck_assert_int_eq(http_digest_algo(&ch[2]), HA_SHA256_SESS);
	ck_assert_int_eq(http_digest_qop(&ch[2]), HA_QOP_AUTH_INT);
	ck_assert(http_digest_usable(&ch[2]));
	ck_assert_str_eq(ch[3].scheme, "Bearer");

	/* Usable or not. */
	ck_assert_int_eq(parse("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256", ch, 8, &n), 0);
	ck_assert(!http_digest_usable(&ch[0]));
	ck_assert_int_eq(parse("Digest realm=\"x\", nonce=\"n\", qop=\"auth-conf\"", ch, 8, &n), 0);
	ck_assert_int_eq(http_digest_qop(&ch[0]), HA_QOP_UNSUPPORTED);
	ck_assert(!http_digest_usable(&ch[0]));
	ck_assert_int_eq(parse("Digest realm=\"x\"", ch, 8, &n), 0);
	ck_assert(!http_digest_usable(&ch[0]));	/* no nonce */

	/* Appending across header values. */
	n = 0;
	char err[100];
	ck_assert_int_eq(http_challenges_parse("Basic realm=\"a\"", ch, 8, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(http_challenges_parse("Digest nonce=\"z\"", ch, 8, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ch[1].nonce, "z");
	ck_assert_int_eq(parse("", ch, 8, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(parse(" , ,", ch, 8, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(challenges_hostile)
{
	http_challenge_t *ch = xcalloc(HA_CHALLENGES_MAX, sizeof(*ch));
	size_t n;
	const char *bad[] = {
		"Digest realm=\"unterminated",
		"Digest realm=\"x\", nonce=\"ends in backslash\\",
		"Digest realm=\"x\", realm=\"y\"",		/* repeated */
		"Digest nonce=\"a\", NONCE=\"b\"",		/* repeated, other case */
		"Digest realm=\"x\" nonce=\"y\"",		/* no comma */
		"Digest realm=",				/* no value... */
		"Digest realm=\"a\x01b\"",			/* control byte */
		"Digest =x",
		"Basic(realm=x)",
		"Digest realm=\"x\", \"stray\"",
		"Digest realm=\"x\",, nonce=\"y\" junk",
		"A, B, C, D, E, F, G, H, I",			/* 9 > max 8 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], ch, HA_CHALLENGES_MAX, &n) == -1 || i == 5,
		    "accepted: %s", bad[i]);
	/* "Digest realm=" reads as a token68 ending in '=': harmless, no params. */
	ck_assert_int_eq(parse("Digest realm=", ch, HA_CHALLENGES_MAX, &n), 0);
	ck_assert(!ch[0].has_realm);

	/* 10 KiB values, quoted and bare, and a 10 KiB scheme and name. */
	char *big = xcalloc(12 * 1024, 1);
	strcpy(big, "Digest realm=\"");
	memset(big + strlen(big), 'A', 10 * 1024);
	strcat(big, "\", nonce=\"n\"");
	ck_assert_int_eq(parse(big, ch, HA_CHALLENGES_MAX, &n), -1);
	strcpy(big, "Digest nonce=");
	memset(big + strlen(big), 'B', 10 * 1024);
	ck_assert_int_eq(parse(big, ch, HA_CHALLENGES_MAX, &n), -1);
	memset(big, 'C', 10 * 1024);
	big[10 * 1024] = '\0';
	ck_assert_int_eq(parse(big, ch, HA_CHALLENGES_MAX, &n), -1);
	strcpy(big, "Digest ");
	memset(big + 7, 'D', 10 * 1024);
	strcpy(big + 7 + 10 * 1024, "=x");
	ck_assert_int_eq(parse(big, ch, HA_CHALLENGES_MAX, &n), -1);
	/* The longest value that fits still parses. */
	strcpy(big, "Digest nonce=\"");
	memset(big + strlen(big), 'E', HA_VALUE_MAX - 1);
	strcpy(big + 14 + HA_VALUE_MAX - 1, "\"");
	ck_assert_int_eq(parse(big, ch, HA_CHALLENGES_MAX, &n), 0);
	ck_assert_uint_eq(strlen(ch[0].nonce), HA_VALUE_MAX - 1);
	free(big);

	/* Random bytes: any result, never a crash or an over-read. */
	unsigned seed = 12345;
	char *r = xcalloc(600, 1);
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 512);
		static const char alphabet[] = "Digest Basic realm=nonce\",\\ \t=aZ09/+";
		for (size_t i = 0; i < len; i++)
			r[i] = round % 2 ? (char)(1 + rand_r(&seed) % 255) :
			    alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		r[len] = '\0';
		(void)parse(r, ch, HA_CHALLENGES_MAX, &n);
	}
	free(r);
	free(ch);
}
END_TEST

START_TEST(digest_refuses)
{
	http_challenge_t ch[2];
	size_t n;
	char out[2048], err[160];
	ck_assert_int_eq(parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512", ch, 2, &n), 0);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "u", "p", "c", 1, out,
	    sizeof(out), NULL, 0, err, sizeof(err)), -1);
	ck_assert_int_eq(parse("Digest realm=\"r\", nonce=\"n\"", ch, 2, &n), 0);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "u\r\nX: y", "p", "c", 1, out,
	    sizeof(out), NULL, 0, err, sizeof(err)), -1);
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "u", "p", "c", 1, out, 40,
	    NULL, 0, err, sizeof(err)), -1);
	/* Quotes in the user name are escaped, not allowed to end the value. */
	ck_assert_int_eq(http_digest_credentials(&ch[0], "GET", "/", "a\"b\\c", "p", "c", 1, out,
	    sizeof(out), NULL, 0, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out, "username=\"a\\\"b\\\\c\""));
}
END_TEST

START_TEST(form_encoding)
{
	buf_t b;
	buf_init(&b, 1024);
	ck_assert_int_eq(http_form_encode(&b, "admin"), 0);
	ck_assert_str_eq(b.data, "admin");
	buf_reset(&b);
	http_form_encode(&b, "a b&c=d+e%f/g?h#i");
	ck_assert_str_eq(b.data, "a+b%26c%3Dd%2Be%25f%2Fg%3Fh%23i");
	buf_reset(&b);
	http_form_encode(&b, "*-._~!'()");
	ck_assert_str_eq(b.data, "*-._%7E%21%27%28%29");
	buf_reset(&b);
	http_form_encode(&b, "p\xc3\xa4ss\x01\x7f\xff");
	ck_assert_str_eq(b.data, "p%C3%A4ss%01%7F%FF");
	buf_free(&b);
	buf_init(&b, 4);
	ck_assert_int_eq(http_form_encode(&b, "ab "), 0);
	ck_assert_int_eq(http_form_encode(&b, "%"), -1);	/* capped */
	buf_free(&b);
}
END_TEST

START_TEST(form_verdicts)
{
	const char head_ok[] = "HTTP/1.1 302 Found\r\nLocation: /admin\r\nSet-Cookie: session=ab12; Path=/\r\n";
	const char head_no[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
	const char body_no[] = "<p class=\"error\">Invalid username or password</p>";
	char why[200];
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), "", 0, "Set-Cookie: session",
	    "Invalid username or password", why, sizeof(why)), AUTH_ACCEPTED);
	ck_assert_int_eq(http_form_verdict(head_no, strlen(head_no), body_no, strlen(body_no),
	    "Set-Cookie: session", "Invalid username or password", why, sizeof(why)), AUTH_REJECTED);
	/* Case-insensitive, header or body. */
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), "", 0, "set-cookie: SESSION",
	    NULL, why, sizeof(why)), AUTH_ACCEPTED);
	/* Neither marker: never a guess, even on a 200 or a 302. */
	ck_assert_int_eq(http_form_verdict(head_no, strlen(head_no), "<p>hello</p>", 12,
	    "Set-Cookie: session", "Invalid", why, sizeof(why)), AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(why, "neither"));
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), "", 0, NULL, "Invalid", why,
	    sizeof(why)), AUTH_INCONCLUSIVE);
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), "", 0, NULL, NULL, why,
	    sizeof(why)), AUTH_INCONCLUSIVE);
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), "", 0, "", "", why,
	    sizeof(why)), AUTH_INCONCLUSIVE);
	/* Both markers: the page sets a session cookie for everyone. */
	ck_assert_int_eq(http_form_verdict(head_ok, strlen(head_ok), body_no, strlen(body_no),
	    "Set-Cookie: session", "Invalid username", why, sizeof(why)), AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(why, "both"));
	/* A body holding NULs is still searched past them. */
	const char nul_body[] = "a\0b\0Invalid username or password";
	ck_assert_int_eq(http_form_verdict(head_no, strlen(head_no), nul_body, sizeof(nul_body) - 1,
	    "Set-Cookie: session", "Invalid username or password", why, sizeof(why)), AUTH_REJECTED);
}
END_TEST

static Suite *
auth_digest_suite(void)
{
	Suite *s = suite_create("auth_digest");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, rfc7616_vectors);
	tcase_add_test(tc, rfc2617_vector);
	tcase_add_test(tc, digest_sess_userhash_authint);
	tcase_add_test(tc, basic);
	tcase_add_test(tc, challenges_wellformed);
	tcase_add_test(tc, challenges_hostile);
	tcase_add_test(tc, digest_refuses);
	tcase_add_test(tc, form_encoding);
	tcase_add_test(tc, form_verdicts);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_digest_suite)
