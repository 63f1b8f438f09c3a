/*
 * The judges of a loaded crypto policy (see policy.h): each turns one
 * observation into allowed, or refused with a sentence a lab can paste into
 * a report.  The sentences state the fact about the primitive (and its
 * source) where one is known; otherwise they name the policy that refuses
 * it, since that is then the only reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "groups.h"
#include "policy_int.h"

static const policy_version_t versions[] = {
	{ "SSLv2", 0x0002, "SSLv2 is prohibited (RFC 6176)" },
	{ "SSLv3", TLSV_SSL3, "SSLv3 is deprecated (RFC 7568)" },
	{ "TLS1.0", TLSV_TLS10, "TLS 1.0 is deprecated (RFC 8996)" },
	{ "TLS1.1", TLSV_TLS11, "TLS 1.1 is deprecated (RFC 8996)" },
	{ "TLS1.2", TLSV_TLS12, NULL },
	{ "TLS1.3", TLSV_TLS13, NULL },
	{ "DTLS1.0", DTLSV_10, "DTLS 1.0 is deprecated (RFC 8996)" },
	{ "DTLS1.2", DTLSV_12, NULL },
};

/* In order of gravity: a suite's first matching property is its reason. */
static const policy_suite_prop_t suite_props[] = {
	{ "null-encryption", TLS_SF_NULL_ENC, 0, "does not encrypt" },
	{ "anonymous", TLS_SF_ANON, 0, "does not authenticate the server" },
	{ "export", TLS_SF_EXPORT, 0, "is export grade (40/56-bit keys)" },
	{ "des", TLS_SF_DES, 0, "uses single DES (56-bit key)" },
	{ "rc4", TLS_SF_RC4, 0, "uses RC4 (prohibited by RFC 7465)" },
	{ "3des", TLS_SF_3DES, 0, "uses 3DES (64-bit blocks, Sweet32)" },
	{ "idea", TLS_SF_IDEA, 0, "uses IDEA (64-bit blocks)" },
	{ "md5-mac", TLS_SF_MD5_MAC, 0, "uses an HMAC-MD5 record MAC" },
	{ "no-forward-secrecy", TLS_SF_NO_PFS, 0,
	    "has no forward secrecy (static key exchange)" },
	{ "cbc-sha1", TLS_SF_CBC | TLS_SF_SHA1_MAC, 0,
	    "uses CBC mode with an HMAC-SHA1 record MAC" },
	{ "cbc", TLS_SF_CBC, 0, "uses a CBC-mode cipher" },
	{ "sha1-mac", TLS_SF_SHA1_MAC, 0, "uses an HMAC-SHA1 record MAC" },
	{ "not-aead", 0, TLS_SF_AEAD, "is not an AEAD suite" },
	{ "psk", TLS_SF_PSK, 0, "authenticates with a pre-shared key" },
	{ "seed-aria-camellia", TLS_SF_SEED_ARIA_CAMELLIA, 0,
	    "uses SEED, ARIA or Camellia" },
};

_Static_assert(ARRAY_LEN(versions) <= 32, "versions are bits of an unsigned");
_Static_assert(ARRAY_LEN(suite_props) <= 32, "properties are bits of an unsigned");
_Static_assert(SSH_ALG_COMPRESSION + 1 == SSH_ALG__N, "one fail list per ssh_alg_kind_t");

static const char *const key_types[] = { "RSA", "EC", "Ed25519", "Ed448", "DSA" };

static const char *const hashes[] = {
	"MD2", "MD4", "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512",
	"SHA512-224", "SHA512-256", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
};

/* Hashes whose collisions are practical: the certificate can be forged. */
static const char *const broken_hashes[] = { "MD2", "MD4", "MD5", "SHA1" };

static const char *const cert_checks[CC__N] = {
	[CC_EXPIRED] = "expired",
	[CC_NOT_YET_VALID] = "not-yet-valid",
	[CC_SELF_SIGNED] = "self-signed",
	[CC_UNTRUSTED] = "untrusted",
	[CC_NAME_MISMATCH] = "name-mismatch",
};

static const char *const ssh_kinds[SSH_ALG__N] = {
	[SSH_ALG_KEX] = "kex",
	[SSH_ALG_HOSTKEY] = "host-key",
	[SSH_ALG_CIPHER] = "cipher",
	[SSH_ALG_MAC] = "mac",
	[SSH_ALG_COMPRESSION] = "compression",
};

const policy_version_t *
policy_versions(size_t *n)
{
	*n = ARRAY_LEN(versions);
	return versions;
}

const policy_suite_prop_t *
policy_suite_props(size_t *n)
{
	*n = ARRAY_LEN(suite_props);
	return suite_props;
}

const char *const *
policy_key_types(size_t *n)
{
	*n = ARRAY_LEN(key_types);
	return key_types;
}

const char *const *
policy_hashes(size_t *n)
{
	*n = ARRAY_LEN(hashes);
	return hashes;
}

const char *const *
policy_cert_checks(size_t *n)
{
	*n = ARRAY_LEN(cert_checks);
	return cert_checks;
}

const char *
ssh_alg_kind_str(ssh_alg_kind_t k)
{
	return (unsigned)k < ARRAY_LEN(ssh_kinds) ? ssh_kinds[k] : "unknown";
}

void
crypto_policy_free(crypto_policy_t *p)
{
	if (p == NULL)
		return;
	free(p->file);
	free(p->name);
	free(p->title);
	free(p->source);
	free(p->version);
	strlist_free(&p->group_fail);
	strlist_free(&p->cert_fail_key_types);
	strlist_free(&p->cert_fail_hashes);
	for (size_t i = 0; i < SSH_ALG__N; i++)
		strlist_free(&p->ssh_fail[i]);
	free(p);
}

const char *
crypto_policy_name(const crypto_policy_t *p)
{
	return p->name;
}

const char *
crypto_policy_source(const crypto_policy_t *p)
{
	return p->source;
}

const char *
crypto_policy_sha256(const crypto_policy_t *p)
{
	return p->sha256;
}

bool
policy_tls_version(const crypto_policy_t *p, uint16_t version, char *why, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(versions); i++) {
		const policy_version_t *v = &versions[i];
		if (v->version != version || !(p->fail_versions & (1u << i)))
			continue;
		if (v->fact)
			snprintf(why, len, "%s", v->fact);
		else
			snprintf(why, len, "%s is refused by crypto policy %s", v->name,
			    p->name);
		return false;
	}
	/* A version the table does not know cannot be judged by name. */
	return true;
}

static bool
prop_matches(const policy_suite_prop_t *sp, unsigned flags)
{
	return (flags & sp->all) == sp->all && (flags & sp->none) == 0;
}

/* The first property in `mask` the suite has: its sentence in `why`. */
static bool
suite_first_prop(unsigned mask, const tls_suite_info_t *s, char *why, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(suite_props); i++) {
		if (!(mask & (1u << i)) || !prop_matches(&suite_props[i], s->flags))
			continue;
		if (s->name)
			snprintf(why, len, "%s %s", s->name, suite_props[i].fact);
		else
			snprintf(why, len, "suite 0x%04x %s", s->id, suite_props[i].fact);
		return true;
	}
	return false;
}

bool
policy_tls_suite(const crypto_policy_t *p, const tls_suite_info_t *s, char *why, size_t len)
{
	return !suite_first_prop(p->suite_fail, s, why, len);
}

bool
policy_tls_suite_report(const crypto_policy_t *p, const tls_suite_info_t *s, char *why,
    size_t len)
{
	return suite_first_prop(p->suite_report, s, why, len);
}

static const char *
first_glob_match(const strlist_t *pats, const char *name)
{
	for (size_t i = 0; i < pats->n; i++)
		if (glob_match(pats->v[i], name))
			return pats->v[i];
	return NULL;
}

bool
policy_tls_group(const crypto_policy_t *p, uint16_t group, unsigned dh_bits, char *why,
    size_t len)
{
	if (group == 0) {
		if (dh_bits == 0 || dh_bits >= p->group_min_dh_bits)
			return true;
		snprintf(why, len, "custom DH parameters of %u bits are below the "
		    "%u bits crypto policy %s requires", dh_bits, p->group_min_dh_bits,
		    p->name);
		return false;
	}
	const tls_group_info_t *g = tls_group_find(group);
	if (g == NULL)
		return true;
	if (first_glob_match(&p->group_fail, g->name)) {
		snprintf(why, len, "group %s is refused by crypto policy %s", g->name,
		    p->name);
		return false;
	}
	unsigned min = g->kind == TLS_GK_FFDH ? p->group_min_dh_bits :
	    g->kind == TLS_GK_OTHER ? 0 : p->group_min_ec_bits;
	if (g->bits >= min)
		return true;
	snprintf(why, len, "group %s (%u bits) is below the %u bits crypto policy %s "
	    "requires", g->name, g->bits, min, p->name);
	return false;
}

bool
policy_tls_compression(const crypto_policy_t *p, bool offered, char *why, size_t len)
{
	if (!offered || !p->compression_fail)
		return true;
	snprintf(why, len, "TLS compression is enabled (CRIME, RFC 7457)");
	return false;
}

bool
policy_tls_renegotiation(const crypto_policy_t *p, bool secure_reneg, char *why, size_t len)
{
	if (secure_reneg || !p->insecure_reneg_fail)
		return true;
	snprintf(why, len, "secure renegotiation (RFC 5746) is not supported");
	return false;
}

static void
cert_verdict(const crypto_policy_t *p, cert_check_t c, char *msg, strlist_t *fails,
    strlist_t *notes)
{
	if (p->cert_action[c] == PA_FAIL)
		strlist_push_owned(fails, msg);
	else if (p->cert_action[c] == PA_REPORT)
		strlist_push_owned(notes, msg);
	else
		free(msg);
}

static bool
in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void
cert_key(const crypto_policy_t *p, const char *type, unsigned bits, strlist_t *fails)
{
	if (strlist_has(&p->cert_fail_key_types, type)) {
		strlist_push_owned(fails, xasprintf("the certificate's %s key is refused "
		    "by crypto policy %s", type, p->name));
		return;
	}
	unsigned min = strcmp(type, "RSA") == 0 ? p->cert_min_rsa_bits :
	    strcmp(type, "EC") == 0 ? p->cert_min_ec_bits : 0;
	if (bits < min)
		strlist_push_owned(fails, xasprintf("the certificate's %s key has %u bits, "
		    "below the %u bits crypto policy %s requires", type, bits, min,
		    p->name));
}

static void
cert_signature(const crypto_policy_t *p, const char *hash, strlist_t *fails)
{
	if (!strlist_has(&p->cert_fail_hashes, hash))
		return;
	if (in_list(broken_hashes, ARRAY_LEN(broken_hashes), hash))
		strlist_push_owned(fails, xasprintf("the certificate is signed with %s, "
		    "whose collisions are practical", hash));
	else
		strlist_push_owned(fails, xasprintf("the certificate is signed with %s, "
		    "which crypto policy %s refuses", hash, p->name));
}

void
policy_cert(const crypto_policy_t *p, const cert_facts_t *c, int64_t now,
    strlist_t *fails, strlist_t *notes)
{
	char t[32];
	cert_key(p, c->key_type ? c->key_type : "unknown", c->key_bits, fails);
	cert_signature(p, c->sig_hash ? c->sig_hash : "", fails);
	if (now > c->not_after) {
		cert_time_str(c->not_after, t, sizeof(t));
		cert_verdict(p, CC_EXPIRED, xasprintf("the certificate expired on %s", t),
		    fails, notes);
	}
	if (now < c->not_before) {
		cert_time_str(c->not_before, t, sizeof(t));
		cert_verdict(p, CC_NOT_YET_VALID, xasprintf("the certificate is not valid "
		    "before %s", t), fails, notes);
	}
	if (c->self_signed)
		cert_verdict(p, CC_SELF_SIGNED, xstrdup("the certificate is self-signed"),
		    fails, notes);
	/* A self-signed certificate is untrusted by nature; saying so twice
	 * would let "untrusted" override what the policy says of self-signed. */
	else if (!c->trusted)
		cert_verdict(p, CC_UNTRUSTED, xstrdup("the certificate does not chain "
		    "to a trusted CA"), fails, notes);
	if (!c->name_match)
		cert_verdict(p, CC_NAME_MISMATCH, xstrdup("the certificate does not name "
		    "the address or host name tested"), fails, notes);
}

bool
policy_ssh_alg(const crypto_policy_t *p, ssh_alg_kind_t kind, const char *name, char *why,
    size_t len)
{
	if ((unsigned)kind >= SSH_ALG__N)
		return true;
	const char *pat = first_glob_match(&p->ssh_fail[kind], name);
	if (pat == NULL)
		return true;
	if (strcmp(pat, name) == 0)
		snprintf(why, len, "%s %s is refused by crypto policy %s",
		    ssh_alg_kind_str(kind), name, p->name);
	else
		snprintf(why, len, "%s %s is refused by crypto policy %s (matches %s)",
		    ssh_alg_kind_str(kind), name, p->name, pat);
	return false;
}
