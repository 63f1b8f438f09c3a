/*
 * MANIFEST formatting and strict parsing (report/manifest.c): what is
 * written reads back the same, and every malformed manifest is refused
 * with the number of the offending line.
 */
#include "check_main.h"
#include "core/util.h"
#include "report/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H1 "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define H2 "7b62626cd1ded1b2403af6d8bd2ad6020be05b85c351001f43fde8b5072f8e2a"
#define KEYSHA "d99c1c073ed9205fc0b44f22937481b2f7f3d0ff8622131d9c799029c2ddf52f"
#define PEM "-----BEGIN PUBLIC KEY-----\n" \
	"MCowBQYDK2VwAyEAoByUo0Iiot+rwirrESvst9ujxXdfJGChExBdavTx1/8=\n" \
	"-----END PUBLIC KEY-----\n"

/* Lines 1-9 the header, then the entries from line 10. */
#define HEADER(n) "# iotcert manifest v1\n# tool: iotcert 0.1.0\n" \
	"# signed: 2026-11-30T13:47:08Z\n# algorithm: ed25519\n# key-sha256: " KEYSHA "\n" \
	"# key: -----BEGIN PUBLIC KEY-----\n" \
	"# key: MCowBQYDK2VwAyEAoByUo0Iiot+rwirrESvst9ujxXdfJGChExBdavTx1/8=\n" \
	"# key: -----END PUBLIC KEY-----\n# files: " n "\n"

static manifest_t *
sample(void)
{
	manifest_t *m = manifest_new();
	m->tool = xstrdup("iotcert 0.1.0");
	m->signed_at = xstrdup("2026-11-30T13:47:08Z");
	m->algorithm = xstrdup("ed25519");
	snprintf(m->key_sha256, sizeof(m->key_sha256), "%s", KEYSHA);
	m->key_pem = xstrdup(PEM);
	manifest_add(m, "report.xml", H1, 6);
	manifest_add(m, "evidence/a b.txt", H2, 3);
	return m;
}

START_TEST(format_and_parse)
{
	manifest_t *m = sample();
	size_t len;
	char err[256];
	char *text = manifest_format(m, &len, err, sizeof(err));
	ck_assert_msg(text != NULL, "%s", err);
	ck_assert_str_eq(text, HEADER("2") H2 "  3  evidence/a b.txt\n" H1 "  6  report.xml\n");
	ck_assert_uint_eq(len, strlen(text));
	manifest_t *p = manifest_parse(text, len, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(p->tool, "iotcert 0.1.0");
	ck_assert_str_eq(p->signed_at, "2026-11-30T13:47:08Z");
	ck_assert_str_eq(p->algorithm, "ed25519");
	ck_assert_str_eq(p->key_sha256, KEYSHA);
	ck_assert_str_eq(p->key_pem, PEM);
	ck_assert_uint_eq(p->n, 2);
	ck_assert_str_eq(p->entries[0].path, "evidence/a b.txt");
	ck_assert_str_eq(p->entries[1].sha256, H1);
	ck_assert_uint_eq(p->entries[1].size, 6);
	ck_assert_ptr_nonnull(manifest_find(p, "report.xml"));
	ck_assert_ptr_null(manifest_find(p, "report.xm"));
	free(text);
	manifest_free(p);
	manifest_free(m);
	manifest_free(NULL);
}
END_TEST

START_TEST(empty_directory)
{
	const char *t = HEADER("0");
	char err[256];
	manifest_t *p = manifest_parse(t, strlen(t), err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(p->n, 0);
	manifest_free(p);
}
END_TEST

/* What the signer refuses to list, it never signs. */
START_TEST(format_refuses)
{
	const char *bad[] = { "../x", "/etc/passwd", "a/../b", "./a", "a//b", "a/", "a\nb",
	    "a\rb", "MANIFEST", "MANIFEST.sig", "" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		manifest_t *m = sample();
		manifest_add(m, bad[i], H1, 1);
		size_t len;
		char err[256] = "";
		ck_assert_msg(manifest_format(m, &len, err, sizeof(err)) == NULL, "'%s' listed",
		    bad[i]);
		ck_assert_msg(err[0] != '\0', "no message for '%s'", bad[i]);
		manifest_free(m);
	}
	manifest_t *m = sample();
	manifest_add(m, "report.xml", H2, 3);
	size_t len;
	char err[256];
	ck_assert_ptr_null(manifest_format(m, &len, err, sizeof(err)));
	ck_assert_msg(strstr(err, "twice") != NULL, "%s", err);
	manifest_free(m);
	/* "evidence/MANIFEST" is an ordinary file */
	m = sample();
	manifest_add(m, "evidence/MANIFEST", H2, 3);
	char *t = manifest_format(m, &len, err, sizeof(err));
	ck_assert_msg(t != NULL, "%s", err);
	free(t);
	manifest_free(m);
}
END_TEST

/* Each: a manifest, and the line the parser must name. */
static const struct {
	const char *text;
	int line;
	const char *says;
} malformed[] = {
	{ "", 1, "empty" },
	{ "# iotcert manifest v2\n", 1, "not an iotcert manifest" },
	{ "# iotcert manifest v1\n# tool: iotcert 0.1.0\n", 3, "ends inside" },
	{ "# iotcert manifest v1\n# tool:\n", 2, "tool" },
	{ "# iotcert manifest v1\n# signed: 2026-11-30T13:47:08Z\n", 2, "tool" },
	{ "# iotcert manifest v1\n# tool: x\n# signed: 2026-11-30 13:47:08\n", 3, "signed" },
	{ "# iotcert manifest v1\n# tool: x\n# signed: 2026-11-30T13:47:08Z\n# algorithm: ed25519\n"
	  "# key-sha256: " "D99C1C073ED9205FC0B44F22937481B2F7F3D0FF8622131D9C799029C2DDF52F\n",
	  5, "key-sha256" },
	{ HEADER("1"), 10, "fewer files" },
	{ HEADER("1") H1 "  6  report.xml\n" H1 "  6  z\n", 11, "more files" },
	{ HEADER("2") H1 "  6  b\n" H1 "  6  a\n", 11, "sorted" },
	{ HEADER("2") H1 "  6  a\n" H1 "  6  a\n", 11, "duplicate" },
	{ HEADER("1") H1 "  6  ../etc/passwd\n", 10, "'..'" },
	{ HEADER("1") H1 "  6  evidence/../../x\n", 10, "'..'" },
	{ HEADER("1") H1 "  6  /etc/passwd\n", 10, "absolute" },
	{ HEADER("1") H1 "  6  ./a\n", 10, "'.'" },
	{ HEADER("1") H1 "  6  a//b\n", 10, "empty path component" },
	{ HEADER("1") H1 "  6  a\tb\n", 10, "control" },
	{ HEADER("1") H1 "  6  a\r\n", 10, "control" },
	{ HEADER("1") H1 "  6  MANIFEST.sig\n", 10, "itself" },
	{ HEADER("1") H1 " 6 report.xml\n", 10, "two spaces" },
	{ HEADER("1") H1 "  06  report.xml\n", 10, "size" },
	{ HEADER("1") H1 "  -6  report.xml\n", 10, "size" },
	{ HEADER("1") H1 "  99999999999999999999  report.xml\n", 10, "size" },
	{ HEADER("1") H1 "  6 report.xml\n", 10, "size" },
	{ HEADER("1") H1 "  6  \n", 10, "empty path" },
	{ HEADER("1") "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03  6  a\n",
	  10, "SHA256" },
	{ HEADER("1") H1 "  6  report.xml", 10, "newline" },
	{ HEADER("100001"), 9, "files" },
	{ HEADER("1") "# files: 1\n", 10, "SHA256" },
	{ "# iotcert manifest v1\n# tool: x\n# signed: 2026-11-30T13:47:08Z\n# algorithm: ed25519\n"
	  "# key-sha256: " KEYSHA "\n# files: 0\n", 6, "key" },
	{ "# iotcert manifest v1\n# tool: x\n# signed: 2026-11-30T13:47:08Z\n# algorithm: ed25519\n"
	  "# key-sha256: " KEYSHA "\n# key: not base64 !\n# files: 0\n", 6, "PEM" },
};

START_TEST(parse_rejects)
{
	const char *t = malformed[_i].text;
	char err[256] = "", want[32];
	manifest_t *m = manifest_parse(t, strlen(t), err, sizeof(err));
	ck_assert_msg(m == NULL, "case %d accepted", _i);
	snprintf(want, sizeof(want), "line %d: ", malformed[_i].line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "case %d: '%s' (want %s)", _i, err,
	    want);
	ck_assert_msg(strstr(err, malformed[_i].says) != NULL, "case %d: '%s' (want '%s')", _i,
	    err, malformed[_i].says);
}
END_TEST

/* NUL bytes cannot hide a path's end from a C reader. */
START_TEST(parse_rejects_nul)
{
	const char t[] = HEADER("1") H1 "  6  a\0b\n";
	char err[256];
	ck_assert_ptr_null(manifest_parse(t, sizeof(t) - 1, err, sizeof(err)));
	ck_assert_msg(strstr(err, "line 10: NUL") != NULL, "%s", err);
}
END_TEST

/* A line over the cap is refused without reading on, however long it is. */
START_TEST(parse_rejects_oversized)
{
	size_t plen = MANIFEST_LINE_MAX + 100;
	buf_t b;
	buf_init(&b, 1 << 20);
	buf_printf(&b, "%s%s  6  ", HEADER("1"), H1);
	for (size_t i = 0; i < plen; i++)
		buf_append(&b, "a", 1);
	buf_append(&b, "\n", 1);
	char err[256];
	ck_assert_ptr_null(manifest_parse(b.data, b.len, err, sizeof(err)));
	ck_assert_msg(strstr(err, "line 10: line longer") != NULL, "%s", err);
	/* a path just over the path cap, in a line under the line cap */
	buf_reset(&b);
	buf_printf(&b, "%s%s  6  ", HEADER("1"), H1);
	for (size_t i = 0; i < MANIFEST_PATH_MAX + 1; i++)
		buf_append(&b, "a", 1);
	buf_append(&b, "\n", 1);
	ck_assert_ptr_null(manifest_parse(b.data, b.len, err, sizeof(err)));
	ck_assert_msg(strstr(err, "line 10: path longer") != NULL, "%s", err);
	/* a whole manifest over the size cap */
	ck_assert_ptr_null(manifest_parse(b.data, MANIFEST_MAX_BYTES + 1, err, sizeof(err)));
	ck_assert_msg(strstr(err, "larger than") != NULL, "%s", err);
	buf_free(&b);
}
END_TEST

/* Arbitrary bytes never crash the parser (run under ASan too). */
START_TEST(parse_survives_garbage)
{
	manifest_t *m = sample();
	size_t len;
	char err[256];
	char *text = manifest_format(m, &len, err, sizeof(err));
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char *t = xstrndup(text, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245 + 12345;
			t[(seed >> 8) % len] = (char)(seed >> 16);
		}
		seed = seed * 1103515245 + 12345;
		size_t n = round % 3 ? len : (seed >> 8) % (len + 1);
		manifest_free(manifest_parse(t, n, err, sizeof(err)));
		free(t);
	}
	free(text);
	manifest_free(m);
}
END_TEST

static Suite *
manifest_suite(void)
{
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("manifest");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, format_and_parse);
	tcase_add_test(tc, empty_directory);
	tcase_add_test(tc, format_refuses);
	tcase_add_loop_test(tc, parse_rejects, 0, (int)ARRAY_LEN(malformed));
	tcase_add_test(tc, parse_rejects_nul);
	tcase_add_test(tc, parse_rejects_oversized);
	tcase_add_test(tc, parse_survives_garbage);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(manifest_suite)
