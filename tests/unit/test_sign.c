/*
 * Signing keys and signatures (crypto/sign.c) and the strict base64 of
 * MANIFEST.sig (crypto/b64.c), with keys generated here through EVP.
 */
#include "check_main.h"
#include "crypto/b64.h"
#include "crypto/sign.h"
#include "core/util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char msg[] = "# iotcert manifest v1\n# tool: iotcert 0.1.0\n"
    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  6  report.xml\n";

static sign_key_t *
gen(const char *type, const char *curve)
{
	EVP_PKEY *p = curve ? EVP_PKEY_Q_keygen(NULL, NULL, type, curve) :
	    EVP_PKEY_Q_keygen(NULL, NULL, type);
	ck_assert_ptr_nonnull(p);
	char err[256] = "";
	sign_key_t *k = sign_key_from_pkey(p, err, sizeof(err));
	EVP_PKEY_free(p);	/* k holds its own reference */
	ck_assert_msg(k != NULL, "%s %s: %s", type, curve ? curve : "", err);
	return k;
}

static sign_key_t *
gen_alg(sign_alg_t a)
{
	switch (a) {
	case SIGN_ECDSA_P256: return gen("EC", "P-256");
	case SIGN_ECDSA_P384: return gen("EC", "P-384");
	case SIGN_ECDSA_P521: return gen("EC", "P-521");
	default: return gen("ED25519", NULL);
	}
}

/* Each supported algorithm: sign, verify, wrong key, every byte flipped. */
START_TEST(roundtrip)
{
	sign_alg_t a = (sign_alg_t)(SIGN_ED25519 + _i);
	sign_key_t *k = gen_alg(a), *other = gen_alg(a);
	ck_assert_int_eq(sign_key_alg(k), a);
	ck_assert(sign_key_has_private(k));
	ck_assert_uint_eq(strlen(sign_key_fingerprint(k)), 64);
	ck_assert_str_ne(sign_key_fingerprint(k), sign_key_fingerprint(other));
	unsigned char *sig;
	size_t siglen;
	char err[256];
	ck_assert_int_eq(sign_data(k, msg, sizeof(msg) - 1, &sig, &siglen, err, sizeof(err)), 0);
	ck_assert_int_eq(sign_check(k, msg, sizeof(msg) - 1, sig, siglen), 1);
	ck_assert_int_eq(sign_check(other, msg, sizeof(msg) - 1, sig, siglen), 0);
	char data[sizeof(msg)];
	memcpy(data, msg, sizeof(msg));
	for (size_t i = 0; i < sizeof(msg) - 1; i++) {
		data[i] ^= 0x01;
		ck_assert_msg(sign_check(k, data, sizeof(msg) - 1, sig, siglen) == 0,
		    "%s: byte %zu of the data flipped still verifies", sign_alg_str(a), i);
		data[i] ^= 0x01;
	}
	ck_assert_int_eq(sign_check(k, msg, sizeof(msg) - 2, sig, siglen), 0);	/* truncated */
	for (size_t i = 0; i < siglen; i++) {
		sig[i] ^= 0x80;
		ck_assert_msg(sign_check(k, msg, sizeof(msg) - 1, sig, siglen) == 0,
		    "%s: byte %zu of the signature flipped still verifies", sign_alg_str(a), i);
		sig[i] ^= 0x80;
	}
	ck_assert_int_eq(sign_check(k, msg, sizeof(msg) - 1, sig, siglen - 1), 0);

	/* The public half alone, as a manifest embeds it, verifies but cannot sign. */
	const char *pem = sign_key_public_pem(k);
	ck_assert_ptr_nonnull(strstr(pem, "-----BEGIN PUBLIC KEY-----\n"));
	sign_key_t *pub = sign_key_from_pem(pem, strlen(pem), err, sizeof(err));
	ck_assert_ptr_nonnull(pub);
	ck_assert(!sign_key_has_private(pub));
	ck_assert_str_eq(sign_key_fingerprint(pub), sign_key_fingerprint(k));
	ck_assert_int_eq(sign_check(pub, msg, sizeof(msg) - 1, sig, siglen), 1);
	unsigned char *s2;
	size_t l2;
	ck_assert_int_eq(sign_data(pub, msg, 3, &s2, &l2, err, sizeof(err)), -1);
	ck_assert_ptr_null(s2);
	free(sig);
	sign_key_free(pub);
	sign_key_free(k);
	sign_key_free(other);
	sign_key_free(NULL);
}
END_TEST

START_TEST(algorithm_names)
{
	ck_assert_str_eq(sign_alg_str(SIGN_ED25519), "ed25519");
	ck_assert_str_eq(sign_alg_str(SIGN_ECDSA_P256), "ecdsa-p256-sha256");
	ck_assert_str_eq(sign_alg_str(SIGN_ECDSA_P521), "ecdsa-p521-sha512");
	ck_assert_int_eq(sign_alg_parse("ecdsa-p384-sha384"), SIGN_ECDSA_P384);
	ck_assert_int_eq(sign_alg_parse("rsa"), SIGN_ALG_NONE);
	ck_assert_int_eq(sign_alg_parse(""), SIGN_ALG_NONE);
}
END_TEST

/* Any other key type is refused by name. */
START_TEST(unsupported_types)
{
	struct { const char *type, *arg, *says; } t[] = {
		{ "RSA", NULL, "RSA" },
		{ "ED448", NULL, "ED448" },
		{ "EC", "secp256k1", "secp256k1" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		EVP_PKEY *p = t[i].arg ? EVP_PKEY_Q_keygen(NULL, NULL, t[i].type, t[i].arg) :
		    strcmp(t[i].type, "RSA") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024) :
		    EVP_PKEY_Q_keygen(NULL, NULL, t[i].type);
		ck_assert_ptr_nonnull(p);
		char err[256] = "";
		ck_assert_ptr_null(sign_key_from_pkey(p, err, sizeof(err)));
		ck_assert_msg(strstr(err, t[i].says) && strstr(err, "not supported"), "%s", err);
		EVP_PKEY_free(p);
	}
}
END_TEST

static char *
write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/iotcert-test-sign-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static char *
pem_of(EVP_PKEY *p, bool priv, bool encrypt)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!priv)
		PEM_write_bio_PUBKEY(b, p);
	else if (encrypt)
		PEM_write_bio_PKCS8PrivateKey(b, p, EVP_aes_256_cbc(), NULL, 0, NULL, "secret");
	else
		PEM_write_bio_PrivateKey(b, p, NULL, NULL, 0, NULL, NULL);
	char *mem;
	long n = BIO_get_mem_data(b, &mem);
	char *s = xstrndup(mem, (size_t)n);
	BIO_free(b);
	return s;
}

/* Key files: private, public, encrypted, garbage, absent. */
START_TEST(key_files)
{
	EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	char *priv = pem_of(p, true, false), *pub = pem_of(p, false, false),
	    *enc = pem_of(p, true, true);
	char *fpriv = write_tmp(priv), *fpub = write_tmp(pub), *fenc = write_tmp(enc),
	    *fjunk = write_tmp("-----BEGIN NONSENSE-----\nAAAA\n-----END NONSENSE-----\n");
	char err[512];
	sign_key_t *k = sign_key_load_private(fpriv, err, sizeof(err));
	ck_assert_msg(k != NULL, "%s", err);
	ck_assert_int_eq(sign_key_alg(k), SIGN_ECDSA_P384);
	ck_assert(sign_key_has_private(k));
	sign_key_t *kp = sign_key_load_public(fpub, err, sizeof(err));
	ck_assert_msg(kp != NULL, "%s", err);
	ck_assert_str_eq(sign_key_fingerprint(kp), sign_key_fingerprint(k));
	sign_key_t *kp2 = sign_key_load_public(fpriv, err, sizeof(err));	/* its public half */
	ck_assert_ptr_nonnull(kp2);
	ck_assert_str_eq(sign_key_fingerprint(kp2), sign_key_fingerprint(k));

	ck_assert_ptr_null(sign_key_load_private(fpub, err, sizeof(err)));
	ck_assert_msg(strstr(err, "public key") != NULL, "%s", err);
	ck_assert_ptr_null(sign_key_load_private(fenc, err, sizeof(err)));
	ck_assert_msg(strstr(err, "encrypted") != NULL, "%s", err);
	ck_assert_ptr_null(sign_key_load_private(fjunk, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no PEM private key") != NULL, "%s", err);
	ck_assert_ptr_null(sign_key_load_private("/nonexistent/key.pem", err, sizeof(err)));
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
	ck_assert_ptr_null(sign_key_from_pem("junk", 4, err, sizeof(err)));
	/* A FIFO or a directory named as the key: refused at once, never waited on. */
	char fifo[] = "/tmp/iotcert-test-fifo-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(fifo));
	char *fp = xasprintf("%s/key", fifo);
	ck_assert_int_eq(mkfifo(fp, 0600), 0);
	ck_assert_ptr_null(sign_key_load_private(fp, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	ck_assert_ptr_null(sign_key_load_public(fifo, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	unlink(fp);
	rmdir(fifo);
	free(fp);

	const char *files[] = { fpriv, fpub, fenc, fjunk };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		unlink(files[i]);
		free((char *)files[i]);
	}
	free(priv);
	free(pub);
	free(enc);
	sign_key_free(k);
	sign_key_free(kp);
	sign_key_free(kp2);
	EVP_PKEY_free(p);
}
END_TEST

START_TEST(base64_roundtrip)
{
	unsigned char in[70];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 1; n <= sizeof(in); n++) {
		char *t = b64_encode(in, n);
		ck_assert_uint_eq(strlen(t), 4 * ((n + 2) / 3));
		unsigned char *out;
		size_t len;
		ck_assert_int_eq(b64_decode(t, strlen(t), &out, &len), 0);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(in, out, n), 0);
		free(out);
		free(t);
	}
}
END_TEST

/* One text per byte string: anything else is refused. */
START_TEST(base64_strict)
{
	const char *bad[] = {
		"", "QQ=", "QQ", "QR==", "QUI=QUJD", "Q===", "====", "QUJD\n", " QUJD",
		"QU.D", "QUJ=", "QUE=x",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		unsigned char *out = (unsigned char *)"x";
		size_t len = 9;
		ck_assert_msg(b64_decode(bad[i], strlen(bad[i]), &out, &len) == -1,
		    "'%s' decoded", bad[i]);
		ck_assert_ptr_null(out);
	}
	unsigned char *out;
	size_t len;
	ck_assert_int_eq(b64_decode("QUI=", 4, &out, &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(memcmp(out, "AB", 2), 0);
	free(out);
}
END_TEST

static Suite *
sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, roundtrip, 0, 4);	/* Ed25519, P-256, P-384, P-521 */
	tcase_add_test(tc, algorithm_names);
	tcase_add_test(tc, unsupported_types);
	tcase_add_test(tc, key_files);
	tcase_add_test(tc, base64_roundtrip);
	tcase_add_test(tc, base64_strict);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sign_suite)
