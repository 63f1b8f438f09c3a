/*
 * Loading a crypto policy (profiles/crypto/NAME.yaml) with the same strict
 * checking as every other profile: unknown keys, unknown version, property,
 * group, key type and hash names are errors at file:line:col with the
 * nearest known name, so a typo can never silently weaken an assessment.
 * Also where a scheme's `crypto-policy:` value points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "load/loaders.h"
#include "load/schema.h"
#include "load/ydoc.h"
#include "policy_int.h"

enum { K_NAME, K_TITLE, K_SOURCE, K_VERSION, K_TLS, K_CERT, K_SSH, K__N };
static const skey_t top_keys[K__N] = {
	[K_NAME] = { "crypto-policy", ST_STR, true },
	[K_TITLE] = { "title", ST_STR, true },
	[K_SOURCE] = { "source", ST_STR, true },
	[K_VERSION] = { "version", ST_STR, true },
	[K_TLS] = { "tls", ST_MAP, true },
	[K_CERT] = { "certificate", ST_MAP, true },
	[K_SSH] = { "ssh", ST_MAP, true },
};

enum { T_VERSIONS, T_SUITES, T_GROUPS, T_COMPRESSION, T_RENEG, T__N };
static const skey_t tls_keys[T__N] = {
	[T_VERSIONS] = { "versions", ST_MAP, true },
	[T_SUITES] = { "suites", ST_MAP, true },
	[T_GROUPS] = { "groups", ST_MAP, true },
	[T_COMPRESSION] = { "compression", ST_STR, true },
	[T_RENEG] = { "insecure-renegotiation", ST_STR, true },
};

static const skey_t fail_keys[1] = { { "fail", ST_SEQ, true } };

enum { S_FAIL_IF, S_REPORT_IF, S__N };
static const skey_t suite_keys[S__N] = {
	[S_FAIL_IF] = { "fail-if", ST_SEQ, true },
	[S_REPORT_IF] = { "report-if", ST_SEQ, false },
};

enum { G_FAIL, G_MIN_EC, G_MIN_DH, G__N };
static const skey_t group_keys[G__N] = {
	[G_FAIL] = { "fail", ST_SEQ, false },
	[G_MIN_EC] = { "min-ec-bits", ST_INT, true },
	[G_MIN_DH] = { "min-dh-bits", ST_INT, true },
};

enum { C_MIN_RSA, C_MIN_EC, C_KEY_TYPES, C_HASHES, C_CHECKS, C__N = C_CHECKS + CC__N };
static const skey_t cert_keys[C__N] = {
	[C_MIN_RSA] = { "min-rsa-bits", ST_INT, true },
	[C_MIN_EC] = { "min-ec-bits", ST_INT, true },
	[C_KEY_TYPES] = { "fail-key-types", ST_SEQ, false },
	[C_HASHES] = { "fail-signature-hashes", ST_SEQ, true },
	[C_CHECKS + CC_EXPIRED] = { "expired", ST_STR, true },
	[C_CHECKS + CC_NOT_YET_VALID] = { "not-yet-valid", ST_STR, true },
	[C_CHECKS + CC_SELF_SIGNED] = { "self-signed", ST_STR, true },
	[C_CHECKS + CC_UNTRUSTED] = { "untrusted", ST_STR, true },
	[C_CHECKS + CC_NAME_MISMATCH] = { "name-mismatch", ST_STR, true },
};

static const skey_t ssh_keys[SSH_ALG__N] = {
	[SSH_ALG_KEX] = { "kex", ST_MAP, true },
	[SSH_ALG_HOSTKEY] = { "host-key", ST_MAP, true },
	[SSH_ALG_CIPHER] = { "cipher", ST_MAP, true },
	[SSH_ALG_MAC] = { "mac", ST_MAP, true },
	[SSH_ALG_COMPRESSION] = { "compression", ST_MAP, false },
};

/* Largest key or group size a policy may demand. */
#define MAX_BITS 16384

static void
unknown_name(const sctx_t *sc, const ynode_t *n, const char *what,
    const char *const *vocab, size_t nv)
{
	const char *near = nearest(n->str, vocab, nv);
	if (near) {
		schema_err(sc, n, "unknown %s '%s' (did you mean '%s'?)", what, n->str, near);
		return;
	}
	strlist_t l = { .v = (char **)vocab, .n = nv, .cap = nv };
	char *all = strlist_join(&l, ", ");
	schema_err(sc, n, "unknown %s '%s' (known: %s)", what, n->str, all);
	free(all);
}

static void
list_dups(const sctx_t *sc, const ynode_t *seq, const strlist_t *l, const char *what)
{
	if (l->n == seq->n_items)
		schema_dups(sc, (const ynode_t *const *)seq->items,
		    (const char *const *)l->v, l->n, what);
}

/*
 * A sequence of names from `vocab`; each known one sets bit i (its index)
 * in the result, each unknown or repeated one is an error.  `keep`, when
 * not NULL, receives the names as written.
 */
static unsigned
load_vocab(const sctx_t *sc, const ynode_t *seq, const char *label, const char *what,
    const char *const *vocab, size_t nv, strlist_t *keep)
{
	strlist_t l = { 0 };
	unsigned mask = 0;
	if (sget_strlist(sc, seq, label, &l)) {
		for (size_t i = 0; i < l.n; i++) {
			size_t j;
			for (j = 0; j < nv && strcmp(vocab[j], l.v[i]) != 0; j++)
				;
			if (j < nv)
				mask |= 1u << j;
			else
				unknown_name(sc, seq->items[i], what, vocab, nv);
			if (keep)
				strlist_push(keep, l.v[i]);
		}
		list_dups(sc, seq, &l, what);
	}
	strlist_free(&l);
	return mask;
}

static bool
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void
load_groups(const sctx_t *sc, const ynode_t *n, crypto_policy_t *p)
{
	const ynode_t *v[G__N];
	long long x;
	schema_check(sc, n, "tls.groups", group_keys, G__N, v);
	if (v[G_MIN_EC] && sget_int(sc, v[G_MIN_EC], "min-ec-bits", 0, MAX_BITS, &x))
		p->group_min_ec_bits = (unsigned)x;
	if (v[G_MIN_DH] && sget_int(sc, v[G_MIN_DH], "min-dh-bits", 0, MAX_BITS, &x))
		p->group_min_dh_bits = (unsigned)x;
	if (v[G_FAIL] == NULL || !sget_strlist(sc, v[G_FAIL], "fail", &p->group_fail))
		return;
	size_t ng;
	const tls_group_info_t *all = tls_group_all(&ng);
	const char **names = xcalloc(ng, sizeof(*names));
	for (size_t i = 0; i < ng; i++)
		names[i] = all[i].name;
	for (size_t i = 0; i < p->group_fail.n; i++) {
		const char *pat = p->group_fail.v[i];
		const ynode_t *item = v[G_FAIL]->items[i];
		size_t hits = 0;
		for (size_t j = 0; j < ng; j++)
			hits += glob_match(pat, names[j]);
		if (hits == 0 && has_glob(pat))
			schema_err(sc, item, "group pattern '%s' matches no known group", pat);
		else if (hits == 0)
			unknown_name(sc, item, "group", names, ng);
	}
	list_dups(sc, v[G_FAIL], &p->group_fail, "group");
	free(names);
}

/* `fail` / `allow`, and `report` where the judge can report. */
static policy_action_t
load_action(const sctx_t *sc, const ynode_t *n, const char *label, bool can_report)
{
	if (strcmp(n->str, "fail") == 0)
		return PA_FAIL;
	if (strcmp(n->str, "allow") == 0)
		return PA_ALLOW;
	if (can_report && strcmp(n->str, "report") == 0)
		return PA_REPORT;
	schema_err(sc, n, "'%s': expected %s, got '%s'", label,
	    can_report ? "fail, report or allow" : "fail or allow", n->str);
	return PA_FAIL;
}

static void
load_tls(const sctx_t *sc, const ynode_t *n, crypto_policy_t *p)
{
	const ynode_t *v[T__N], *fv[1], *sv[S__N];
	schema_check(sc, n, "tls", tls_keys, T__N, v);
	size_t nv, np;
	const policy_version_t *vt = policy_versions(&nv);
	const policy_suite_prop_t *pt = policy_suite_props(&np);
	const char *names[32];	/* both vocabularies are bits of an unsigned */
	if (v[T_VERSIONS] && schema_check(sc, v[T_VERSIONS], "tls.versions", fail_keys, 1,
	    fv) == 0) {
		for (size_t i = 0; i < nv; i++)
			names[i] = vt[i].name;
		p->fail_versions = load_vocab(sc, fv[0], "fail", "TLS version", names, nv,
		    NULL);
	}
	for (size_t i = 0; i < np; i++)
		names[i] = pt[i].name;
	if (v[T_SUITES] && schema_check(sc, v[T_SUITES], "tls.suites", suite_keys, S__N,
	    sv) == 0) {
		p->suite_fail = load_vocab(sc, sv[S_FAIL_IF], "fail-if", "suite property",
		    names, np, NULL);
		if (sv[S_REPORT_IF])
			p->suite_report = load_vocab(sc, sv[S_REPORT_IF], "report-if",
			    "suite property", names, np, NULL);
	}
	if (v[T_GROUPS])
		load_groups(sc, v[T_GROUPS], p);
	if (v[T_COMPRESSION])
		p->compression_fail = load_action(sc, v[T_COMPRESSION], "compression",
		    false) == PA_FAIL;
	if (v[T_RENEG])
		p->insecure_reneg_fail = load_action(sc, v[T_RENEG],
		    "insecure-renegotiation", false) == PA_FAIL;
}

static void
load_cert(const sctx_t *sc, const ynode_t *n, crypto_policy_t *p)
{
	const ynode_t *v[C__N];
	long long x;
	size_t nk, nh;
	const char *const *kt = policy_key_types(&nk);
	const char *const *ht = policy_hashes(&nh);
	schema_check(sc, n, "certificate", cert_keys, C__N, v);
	if (v[C_MIN_RSA] && sget_int(sc, v[C_MIN_RSA], "min-rsa-bits", 0, MAX_BITS, &x))
		p->cert_min_rsa_bits = (unsigned)x;
	if (v[C_MIN_EC] && sget_int(sc, v[C_MIN_EC], "min-ec-bits", 0, MAX_BITS, &x))
		p->cert_min_ec_bits = (unsigned)x;
	if (v[C_KEY_TYPES])
		load_vocab(sc, v[C_KEY_TYPES], "fail-key-types", "key type", kt, nk,
		    &p->cert_fail_key_types);
	if (v[C_HASHES])
		load_vocab(sc, v[C_HASHES], "fail-signature-hashes", "hash", ht, nh,
		    &p->cert_fail_hashes);
	for (size_t i = 0; i < CC__N; i++)
		if (v[C_CHECKS + i])
			p->cert_action[i] = load_action(sc, v[C_CHECKS + i],
			    cert_keys[C_CHECKS + i].name, true);
}

static void
load_ssh(const sctx_t *sc, const ynode_t *n, crypto_policy_t *p)
{
	const ynode_t *v[SSH_ALG__N], *fv[1];
	schema_check(sc, n, "ssh", ssh_keys, SSH_ALG__N, v);
	for (size_t k = 0; k < SSH_ALG__N; k++) {
		char *what = xasprintf("ssh.%s", ssh_keys[k].name);
		if (v[k] && schema_check(sc, v[k], what, fail_keys, 1, fv) == 0 &&
		    sget_strlist(sc, fv[0], "fail", &p->ssh_fail[k])) {
			for (size_t i = 0; i < p->ssh_fail[k].n; i++)
				if (p->ssh_fail[k].v[i][0] == '\0' ||
				    strpbrk(p->ssh_fail[k].v[i], " \t,"))
					schema_err(sc, fv[0]->items[i], "%s: '%s' is not an "
					    "algorithm name or pattern", what,
					    p->ssh_fail[k].v[i]);
			list_dups(sc, fv[0], &p->ssh_fail[k], "pattern");
		}
		free(what);
	}
}

static bool
is_token(const char *s)
{
	return *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") ==
	    strlen(s);
}

crypto_policy_t *
crypto_policy_from_doc(const ydoc_t *doc, diags_t *d)
{
	if (doc_wrong_kind(doc, "crypto policy", d))
		return NULL;
	size_t before = d->errors;
	crypto_policy_t *p = xcalloc(1, sizeof(*p));
	p->file = xstrdup(doc->file);
	memcpy(p->sha256, doc->sha256, sizeof(p->sha256));
	const sctx_t sc = { .file = p->file, .d = d };
	const ynode_t *v[K__N];
	schema_check(&sc, doc->root, "crypto policy", top_keys, K__N, v);
	if (v[K_NAME] && sget_str(&sc, v[K_NAME], "crypto-policy", &p->name) &&
	    !is_token(p->name))
		schema_err(&sc, v[K_NAME], "crypto-policy '%s' must match "
		    "[a-z0-9._-]+", p->name);
	if (v[K_TITLE])
		sget_str(&sc, v[K_TITLE], "title", &p->title);
	if (v[K_SOURCE])
		sget_str(&sc, v[K_SOURCE], "source", &p->source);
	if (v[K_VERSION])
		sget_str(&sc, v[K_VERSION], "version", &p->version);
	if (v[K_TLS])
		load_tls(&sc, v[K_TLS], p);
	if (v[K_CERT])
		load_cert(&sc, v[K_CERT], p);
	if (v[K_SSH])
		load_ssh(&sc, v[K_SSH], p);
	if (d->errors != before || doc->errors) {
		crypto_policy_free(p);
		return NULL;
	}
	return p;
}

crypto_policy_t *
crypto_policy_load(const char *path, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return NULL;
	crypto_policy_t *p = crypto_policy_from_doc(doc, d);
	ydoc_free(doc);
	return p;
}

int
scheme_crypto_policy_path(const char *scheme_file, const char *value, char **out)
{
	*out = NULL;
	if (value == NULL || value[0] == '\0')
		return -1;
	const char *slash = strrchr(scheme_file, '/');
	int dirlen = slash ? (int)(slash - scheme_file) : 1;
	const char *dir = slash ? scheme_file : ".";
	if (is_token(value) && strchr(value, '/') == NULL && !strstr(value, ".yaml") &&
	    !strstr(value, ".yml"))
		*out = xasprintf("%.*s/crypto/%s.yaml", dirlen, dir, value);
	else if (value[0] == '/')
		*out = xstrdup(value);
	else
		*out = xasprintf("%.*s/%s", dirlen, dir, value);
	return 0;
}
