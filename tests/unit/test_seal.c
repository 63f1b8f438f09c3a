/*
 * Sealing a directory and verifying it (report/seal.c, report/tree.c) on a
 * real temporary tree: each kind of change is named, nothing outside the
 * directory is ever followed.
 */
#include "check_main.h"
#include "core/util.h"
#include "crypto/sign.h"
#include "report/seal.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct seen {
	strlist_t lines;	/* "kind path" or "kind -" */
} seen_t;

static void
collect(void *arg, seal_problem_t p, const char *path, const char *detail)
{
	seen_t *s = arg;
	strlist_push_owned(&s->lines, xasprintf("%s %s", seal_problem_str(p), path ? path : "-"));
}

static sign_key_t *
gen(const char *type, const char *curve)
{
	EVP_PKEY *p = curve ? EVP_PKEY_Q_keygen(NULL, NULL, type, curve) :
	    EVP_PKEY_Q_keygen(NULL, NULL, type);
	char err[256];
	sign_key_t *k = sign_key_from_pkey(p, err, sizeof(err));
	EVP_PKEY_free(p);
	ck_assert_ptr_nonnull(k);
	return k;
}

static void
put(const char *dir, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *
tree_new(void)
{
	char *dir = xstrdup("/tmp/iotcert-test-seal-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *ev = xasprintf("%s/evidence", dir);
	ck_assert_int_eq(mkdir(ev, 0755), 0);
	free(ev);
	put(dir, "report.xml", "<report/>\n");
	put(dir, "junit.xml", "<testsuites/>\n");
	put(dir, "evidence/run.pcap", "pcap bytes");
	put(dir, "evidence/A_tcp_23.txt", "transcript");
	return dir;
}

static void
tree_rm(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* Runs seal_verify; returns its status, problems in s. */
static int
verify(const char *dir, const sign_key_t *pub, seen_t *s)
{
	strlist_free(&s->lines);
	seal_result_t r;
	char err[512] = "";
	int rc = seal_verify(dir, pub, collect, s, &r, err, sizeof(err));
	ck_assert_uint_eq(r.problems, s->lines.n);
	return rc;
}

START_TEST(seal_and_verify)
{
	char *dir = tree_new();
	sign_key_t *k = _i ? gen("EC", "P-256") : gen("ED25519", NULL);
	size_t files;
	char err[512];
	ck_assert_msg(seal_sign(dir, k, &files, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(files, 4);
	seen_t s = { 0 };
	ck_assert_int_eq(verify(dir, NULL, &s), SEAL_VERIFIED);
	ck_assert_int_eq(verify(dir, k, &s), SEAL_VERIFIED);
	seal_result_t r;
	seal_verify(dir, k, NULL, NULL, &r, err, sizeof(err));
	ck_assert(r.signature_ok);
	ck_assert_uint_eq(r.files, 4);
	ck_assert_str_eq(r.key_sha256, sign_key_fingerprint(k));

	/* Another key: named as the wrong key and a bad signature. */
	sign_key_t *other = gen("ED25519", NULL);
	ck_assert_int_eq(verify(dir, other, &s), SEAL_FAILED);
	ck_assert(strlist_has(&s.lines, "key -"));
	ck_assert(strlist_has(&s.lines, "signature -"));

	/* Each change named; the rest of the tree still checked. */
	put(dir, "report.xml", "<report/>\r");	/* same size, other bytes */
	put(dir, "evidence/extra.txt", "x");
	char *gone = xasprintf("%s/evidence/A_tcp_23.txt", dir);
	unlink(gone);
	free(gone);
	ck_assert_int_eq(verify(dir, k, &s), SEAL_FAILED);
	ck_assert_uint_eq(s.lines.n, 3);
	ck_assert(strlist_has(&s.lines, "altered report.xml"));
	ck_assert(strlist_has(&s.lines, "unlisted evidence/extra.txt"));
	ck_assert(strlist_has(&s.lines, "missing evidence/A_tcp_23.txt"));

	/* A listed file replaced by a link to outside is not followed. */
	char *pcap = xasprintf("%s/evidence/run.pcap", dir);
	unlink(pcap);
	ck_assert_int_eq(symlink("/etc/passwd", pcap), 0);
	free(pcap);
	ck_assert_int_eq(verify(dir, k, &s), SEAL_FAILED);
	ck_assert(strlist_has(&s.lines, "altered evidence/run.pcap"));
	strlist_free(&s.lines);
	sign_key_free(other);
	sign_key_free(k);
	tree_rm(dir);
}
END_TEST

static void
flip_file_byte(const char *dir, const char *rel, long at)
{
	char *p = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "r+");
	ck_assert_ptr_nonnull(f);
	fseek(f, at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
	free(p);
}

/* Any byte of MANIFEST or MANIFEST.sig changed: verification fails, no crash. */
START_TEST(tampered_manifest)
{
	char *dir = tree_new();
	sign_key_t *k = gen("ED25519", NULL);
	size_t files;
	char err[512];
	ck_assert_int_eq(seal_sign(dir, k, &files, err, sizeof(err)), 0);
	char *mpath = xasprintf("%s/MANIFEST", dir);
	struct stat st;
	ck_assert_int_eq(stat(mpath, &st), 0);
	seen_t s = { 0 };
	for (long i = 0; i < st.st_size; i++) {
		flip_file_byte(dir, "MANIFEST", i);
		ck_assert_msg(verify(dir, NULL, &s) == SEAL_FAILED, "byte %ld of MANIFEST", i);
		ck_assert_msg(verify(dir, k, &s) == SEAL_FAILED, "byte %ld of MANIFEST", i);
		flip_file_byte(dir, "MANIFEST", i);
	}
	char *spath = xasprintf("%s/MANIFEST.sig", dir);
	ck_assert_int_eq(stat(spath, &st), 0);
	for (long i = 0; i < st.st_size; i++) {
		flip_file_byte(dir, "MANIFEST.sig", i);
		ck_assert_msg(verify(dir, k, &s) == SEAL_FAILED, "byte %ld of MANIFEST.sig", i);
		flip_file_byte(dir, "MANIFEST.sig", i);
	}
	ck_assert_int_eq(verify(dir, k, &s), SEAL_VERIFIED);

	/* Malformed: the line is named. */
	put(dir, "MANIFEST", "# iotcert manifest v1\n# tool: x\nbogus\n");
	ck_assert_int_eq(verify(dir, k, &s), SEAL_FAILED);
	ck_assert(strlist_has(&s.lines, "manifest -"));
	seal_result_t r;
	strlist_free(&s.lines);
	seal_verify(dir, NULL, collect, &s, &r, err, sizeof(err));
	ck_assert_msg(s.lines.n >= 1, "no problem reported");
	ck_assert_ptr_nonnull(strstr(s.lines.v[0], "manifest"));
	unlink(spath);
	ck_assert_int_eq(verify(dir, k, &s), SEAL_FAILED);
	unlink(mpath);
	ck_assert_int_eq(verify(dir, k, &s), SEAL_UNREADABLE);
	strlist_free(&s.lines);
	free(mpath);
	free(spath);
	sign_key_free(k);
	tree_rm(dir);
}
END_TEST

/* What a manifest cannot hold safely is refused, and nothing is written. */
START_TEST(sign_refuses)
{
	sign_key_t *k = gen("ED25519", NULL);
	const char *bad[] = { "evidence/link", "evidence/a\nb", "evidence/fifo" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *dir = tree_new();
		char *p = xasprintf("%s/%s", dir, bad[i]);
		if (i == 0)
			ck_assert_int_eq(symlink("../report.xml", p), 0);
		else if (i == 1)
			put(dir, bad[i], "x");
		else
			ck_assert_int_eq(mkfifo(p, 0644), 0);
		free(p);
		size_t files;
		char err[512] = "";
		ck_assert_int_eq(seal_sign(dir, k, &files, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "refusing") != NULL, "%s", err);
		char *m = xasprintf("%s/MANIFEST", dir);
		ck_assert_int_ne(access(m, F_OK), 0);
		free(m);
		tree_rm(dir);
	}
	/* A public key cannot seal. */
	char *dir = tree_new();
	sign_key_t *pub = sign_key_from_pem(sign_key_public_pem(k),
	    strlen(sign_key_public_pem(k)), NULL, 0);
	size_t files;
	char err[512];
	ck_assert_int_eq(seal_sign(dir, pub, &files, err, sizeof(err)), -1);
	sign_key_free(pub);
	tree_rm(dir);
	sign_key_free(k);
}
END_TEST

/* A tree over the walk's caps is refused by sign and fails verify (not exit 2). */
START_TEST(caps)
{
	char *dir = tree_new();
	sign_key_t *k = gen("ED25519", NULL);
	size_t files;
	char err[512];
	ck_assert_int_eq(seal_sign(dir, k, &files, err, sizeof(err)), 0);
	buf_t p;
	buf_init(&p, 1 << 16);
	buf_printf(&p, "%s/evidence", dir);
	for (int i = 0; i < 40; i++) {
		buf_printf(&p, "/d");
		ck_assert_int_eq(mkdir(p.data, 0755), 0);
	}
	ck_assert_int_eq(seal_sign(dir, k, &files, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "nested deeper") != NULL, "%s", err);
	seen_t s = { 0 };
	ck_assert_int_eq(verify(dir, k, &s), SEAL_FAILED);
	ck_assert(strlist_has(&s.lines, "unlisted -"));
	strlist_free(&s.lines);
	buf_free(&p);
	sign_key_free(k);
	tree_rm(dir);
}
END_TEST

static Suite *
seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("seal");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, seal_and_verify, 0, 2);	/* Ed25519, P-256 */
	tcase_add_test(tc, tampered_manifest);
	tcase_add_test(tc, sign_refuses);
	tcase_add_test(tc, caps);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(seal_suite)
