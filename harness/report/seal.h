/*
 * Sealing a report directory: `iotcert sign`, `iotcert verify` and
 * `iotcert run --sign` all go through here.  Sealing writes DIR/MANIFEST
 * (every file under DIR with its SHA-256 and size, the signer's public key;
 * report/manifest.h) and DIR/MANIFEST.sig (base64 of the signature over
 * the exact bytes of MANIFEST).  Verifying checks the signature, then every
 * listed file, and names each file missing, altered or present but
 * unlisted.  seal.c signs, seal_verify.c verifies.
 */
#ifndef IOTCERT_REPORT_SEAL_H
#define IOTCERT_REPORT_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/hash.h"
#include "crypto/sign.h"

/*
 * Seals `dir` with the private key `key`; *files gets the number listed.
 * Refuses (nothing written) a tree holding a symbolic link, a special file,
 * or a name with a control character, and one over the manifest caps.
 * MANIFEST and MANIFEST.sig are replaced through temporary files
 * (MANIFEST.tmp, MANIFEST.sig.tmp, removed first if left over).  0, or -1
 * with a message.
 */
int seal_sign(const char *dir, const sign_key_t *key, size_t *files, char *err,
    size_t errlen);

typedef enum seal_problem {
	SEAL_P_MANIFEST,	/* MANIFEST malformed; detail "line N: ..." */
	SEAL_P_SIGNATURE,	/* missing, undecodable or not valid */
	SEAL_P_KEY,		/* signed with another key than --pubkey */
	SEAL_P_ALTERED,		/* a listed file whose content, size or kind changed */
	SEAL_P_MISSING,		/* listed, not there */
	SEAL_P_UNLISTED,	/* there, not listed */
	SEAL_P_UNREADABLE,	/* listed and there, cannot be read */
} seal_problem_t;

const char *seal_problem_str(seal_problem_t p);	/* "altered", "missing", ... */

/* Called once per problem; path is NULL for the manifest and signature
 * problems, and may hold any byte but NUL for unlisted files. */
typedef void (*seal_report_fn)(void *arg, seal_problem_t p, const char *path,
    const char *detail);

typedef struct seal_result {
	size_t files;		/* listed in the manifest */
	size_t problems;
	bool signature_ok;
	char key_sha256[SHA256_HEX_LEN];	/* the key the signature was checked with */
	char signed_at[32];	/* from the manifest, "" when unreadable */
} seal_result_t;

enum { SEAL_VERIFIED = 0, SEAL_FAILED = 1, SEAL_UNREADABLE = 2 };

/*
 * Verifies `dir`: against `pub` when given (the manifest must name that
 * same key), else against the key embedded in the manifest, which proves
 * integrity only.  SEAL_VERIFIED with no problem, SEAL_FAILED after
 * reporting each problem through fn, SEAL_UNREADABLE with a message in err
 * when dir or its MANIFEST cannot be read at all.
 */
int seal_verify(const char *dir, const sign_key_t *pub, seal_report_fn fn, void *arg,
    seal_result_t *res, char *err, size_t errlen);

#endif
