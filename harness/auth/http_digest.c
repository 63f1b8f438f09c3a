/*
 * Basic (RFC 7617) and Digest (RFC 7616, and RFC 2617/2069 servers)
 * credentials, hashed with OpenSSL EVP.  Pure: the cnonce and nonce count
 * come from the caller, so RFC test vectors reproduce exactly.
 */
#include "auth/http_auth.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEX_MAX (2 * EVP_MAX_MD_SIZE + 1)

static const EVP_MD *
md_for(ha_algo_t a)
{
	return a == HA_MD5 || a == HA_MD5_SESS ? EVP_md5() : EVP_sha256();
}

/* hex(H(p[0] ":" p[1] ":" ...)); -1 if the digest fails. */
static int
hash_hex(const EVP_MD *md, const char *const *p, size_t n, char out[HEX_MAX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1;
	for (size_t i = 0; ok && i < n; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
		ok = ok && EVP_DigestUpdate(ctx, p[i], strlen(p[i])) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, d, &dl) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (unsigned i = 0; i < dl; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

static bool
has_ctl(const char *s)
{
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			return true;
	return false;
}

/* Appends `name="value"` with quotes and backslashes escaped. */
static void
put_quoted(buf_t *b, const char *sep, const char *name, const char *v)
{
	buf_printf(b, "%s%s=\"", sep, name);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			buf_append(b, "\\", 1);
		buf_append(b, v, 1);
	}
	buf_append(b, "\"", 1);
}

int
http_basic_credentials(const char *user, const char *pass, char *out, size_t cap)
{
	if (user == NULL || strchr(user, ':') || has_ctl(user) || has_ctl(pass ? pass : ""))
		return -1;
	char *plain = xasprintf("%s:%s", user, pass ? pass : "");
	size_t pl = strlen(plain);
	size_t need = 6 + 4 * ((pl + 2) / 3) + 1;
	int rc = -1;
	if (need <= cap) {
		memcpy(out, "Basic ", 6);
		EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain, (int)pl);
		rc = 0;
	}
	OPENSSL_cleanse(plain, pl);
	free(plain);
	return rc;
}

int
http_digest_credentials(const http_challenge_t *c, const char *method, const char *uri,
    const char *user, const char *pass, const char *cnonce, unsigned nc,
    char *out, size_t cap, char *response, size_t rcap, char *err, size_t errlen)
{
	if (!http_digest_usable(c)) {
		snprintf(err, errlen, "Digest challenge without nonce or with an unsupported "
		    "algorithm \"%s\" / qop \"%s\"", c->algorithm, c->qop);
		return -1;
	}
	pass = pass ? pass : "";
	if (user == NULL || has_ctl(user) || has_ctl(pass) || has_ctl(uri)) {
		snprintf(err, errlen, "credential or URI with control bytes");
		return -1;
	}
	ha_algo_t a = http_digest_algo(c);
	ha_qop_t q = http_digest_qop(c);
	const EVP_MD *md = md_for(a);
	char nc_hex[9], ha1[HEX_MAX], ha2[HEX_MAX], resp[HEX_MAX], uhash[HEX_MAX], empty[HEX_MAX];
	snprintf(nc_hex, sizeof(nc_hex), "%08x", nc);
	const char *qop = q == HA_QOP_AUTH ? "auth" : "auth-int";
	int bad = 0;
	bad |= hash_hex(md, (const char *[]){ user, c->realm, pass }, 3, ha1);
	if (a == HA_MD5_SESS || a == HA_SHA256_SESS)
		bad |= hash_hex(md, (const char *[]){ ha1, c->nonce, cnonce }, 3, ha1);
	if (q == HA_QOP_AUTH_INT) {
		bad |= hash_hex(md, (const char *[]){ "" }, 1, empty);	/* GET/DESCRIBE: no body */
		bad |= hash_hex(md, (const char *[]){ method, uri, empty }, 3, ha2);
	} else
		bad |= hash_hex(md, (const char *[]){ method, uri }, 2, ha2);
	if (q == HA_QOP_NONE)
		bad |= hash_hex(md, (const char *[]){ ha1, c->nonce, ha2 }, 3, resp);
	else
		bad |= hash_hex(md, (const char *[]){ ha1, c->nonce, nc_hex, cnonce, qop, ha2 },
		    6, resp);
	if (c->userhash)
		bad |= hash_hex(md, (const char *[]){ user, c->realm }, 2, uhash);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (bad) {
		snprintf(err, errlen, "the digest computation failed");
		return -1;
	}
	buf_t b;
	buf_init(&b, cap ? cap - 1 : 0);
	buf_append(&b, "Digest", 6);
	put_quoted(&b, " ", "username", c->userhash ? uhash : user);
	put_quoted(&b, ", ", "realm", c->realm);
	put_quoted(&b, ", ", "nonce", c->nonce);
	put_quoted(&b, ", ", "uri", uri);
	if (c->algorithm[0])
		buf_printf(&b, ", algorithm=%s", c->algorithm);
	put_quoted(&b, ", ", "response", resp);
	if (c->has_opaque)
		put_quoted(&b, ", ", "opaque", c->opaque);
	if (q != HA_QOP_NONE) {
		buf_printf(&b, ", qop=%s, nc=%s", qop, nc_hex);
		put_quoted(&b, ", ", "cnonce", cnonce);
	}
	if (c->userhash)
		buf_printf(&b, ", userhash=true");
	int rc = -1;
	if (b.truncated || cap == 0)
		snprintf(err, errlen, "the Digest credentials do not fit in %zu bytes", cap);
	else {
		memcpy(out, b.data, b.len + 1);
		if (response)
			snprintf(response, rcap, "%s", resp);
		rc = 0;
	}
	buf_free(&b);
	return rc;
}
