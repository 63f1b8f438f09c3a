/*
 * What policy.c (the judges) and policy_load.c (the YAML loader) share: the
 * loaded policy and the closed vocabularies a policy file may use, so the
 * loader refuses exactly the names the judges would not understand.
 */
#ifndef IOTCERT_CRYPTO_POLICY_INT_H
#define IOTCERT_CRYPTO_POLICY_INT_H

#include "core/hash.h"
#include "crypto/policy.h"

typedef enum policy_action { PA_ALLOW, PA_REPORT, PA_FAIL } policy_action_t;

/* The certificate observations a policy grades fail / report / allow. */
typedef enum cert_check {
	CC_EXPIRED,
	CC_NOT_YET_VALID,
	CC_SELF_SIGNED,
	CC_UNTRUSTED,
	CC_NAME_MISMATCH,
	CC__N,
} cert_check_t;

#define SSH_ALG__N 5

struct crypto_policy {
	char *file, *name, *title, *source, *version;
	char sha256[SHA256_HEX_LEN];
	/* tls */
	unsigned fail_versions;		/* bit i: policy_versions()[i] */
	unsigned suite_fail, suite_report; /* bit i: policy_suite_props()[i] */
	strlist_t group_fail;		/* globs over tls_group_info_t names */
	unsigned group_min_ec_bits, group_min_dh_bits;
	bool compression_fail, insecure_reneg_fail;
	/* certificate */
	unsigned cert_min_rsa_bits, cert_min_ec_bits;
	strlist_t cert_fail_key_types;	/* cert_facts_t key_type names */
	strlist_t cert_fail_hashes;	/* cert_facts_t sig_hash names */
	policy_action_t cert_action[CC__N];
	/* ssh, indexed by ssh_alg_kind_t */
	strlist_t ssh_fail[SSH_ALG__N];
};

typedef struct policy_version {
	const char *name;	/* as in policy files: "SSLv3", "TLS1.0" */
	uint16_t version;
	const char *fact;	/* why it is refused, or NULL: only the policy says so */
} policy_version_t;

typedef struct policy_suite_prop {
	const char *name;	/* as in policy files: "rc4", "cbc-sha1" */
	unsigned all, none;	/* matches when every `all` flag and no `none` flag is set */
	const char *fact;	/* finishes "<suite> ..." */
} policy_suite_prop_t;

const policy_version_t *policy_versions(size_t *n);
const policy_suite_prop_t *policy_suite_props(size_t *n);
/* Certificate vocabularies: key types and signature hashes. */
const char *const *policy_key_types(size_t *n);
const char *const *policy_hashes(size_t *n);
const char *const *policy_cert_checks(size_t *n);	/* indexed by cert_check_t */

#endif
