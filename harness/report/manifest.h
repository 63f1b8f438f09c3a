/*
 * The manifest of a sealed report directory: what `iotcert sign` writes to
 * DIR/MANIFEST and `iotcert verify` reads back.  Pure formatting and
 * parsing over bytes (no files, no keys), so every rule is unit-tested and
 * a corrupt or hostile manifest can only ever be rejected with its line
 * number.  Format (version 1), UTF-8 or plain bytes, every line ending in
 * '\n':
 *
 *   # iotcert manifest v1
 *   # tool: iotcert 0.1.0
 *   # signed: 2026-11-30T14:02:11Z
 *   # algorithm: ed25519
 *   # key-sha256: <64 hex: SHA-256 of the DER public key>
 *   # key: -----BEGIN PUBLIC KEY-----      (the PEM, one "# key:" line each)
 *   # key: MCowBQYDK2VwAyEA...
 *   # key: -----END PUBLIC KEY-----
 *   # files: 2
 *   <sha256>  <size>  <path>              (one per file, sorted bytewise)
 *
 * The headers come in exactly this order, each once.  Paths are relative,
 * '/'-separated, without empty, "." or ".." components, control bytes, or
 * the names MANIFEST and MANIFEST.sig at the top.
 */
#ifndef IOTCERT_REPORT_MANIFEST_H
#define IOTCERT_REPORT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"

#define MANIFEST_NAME		"MANIFEST"
#define MANIFEST_SIG_NAME	"MANIFEST.sig"
#define MANIFEST_MAGIC		"# iotcert manifest v1"
/* Hard caps: a manifest over any of them is rejected, and never signed. */
#define MANIFEST_PATH_MAX	4096
#define MANIFEST_LINE_MAX	(64 + 2 + 20 + 2 + MANIFEST_PATH_MAX)
#define MANIFEST_MAX_ENTRIES	100000
#define MANIFEST_MAX_BYTES	(32u * 1024 * 1024)

typedef struct manifest_entry {
	char *path;
	char sha256[SHA256_HEX_LEN];
	uint64_t size;
} manifest_entry_t;

typedef struct manifest {
	char *tool;		/* "iotcert 0.1.0" */
	char *signed_at;	/* "2026-11-30T14:02:11Z" */
	char *algorithm;	/* sign_alg_str() */
	char key_sha256[SHA256_HEX_LEN];
	char *key_pem;		/* the "# key:" lines, joined with '\n' */
	manifest_entry_t *entries;
	size_t n;
	size_t cap;
} manifest_t;

manifest_t *manifest_new(void);
void manifest_free(manifest_t *m);	/* frees every member; NULL is fine */

/* Appends a copy of path; order does not matter until manifest_format. */
void manifest_add(manifest_t *m, const char *path, const char *sha256, uint64_t size);

/*
 * Whether `p` may be listed; when not, *why says what is wrong.  Used by
 * the parser and by the signer, so nothing is signed that cannot be read.
 */
bool manifest_path_ok(const char *p, const char **why);

/*
 * Sorts the entries and renders the manifest.  NULL with a message when a
 * header is missing or invalid, a path is not listable, two entries share
 * a path, or a cap is exceeded.  Caller frees; *len excludes the NUL.
 */
char *manifest_format(manifest_t *m, size_t *len, char *err, size_t errlen);

/*
 * Parses buf[0..len) strictly.  NULL with "line N: ..." in err on the first
 * line that breaks a rule (or on a cap), else a manifest the caller frees.
 */
manifest_t *manifest_parse(const char *buf, size_t len, char *err, size_t errlen);

/* The entry for `path` (entries sorted, as parsed or formatted), or NULL. */
const manifest_entry_t *manifest_find(const manifest_t *m, const char *path);

#endif
