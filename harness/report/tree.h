/*
 * The files under a report directory, as sealing sees them: walked without
 * ever following a symbolic link (a link could make a signature cover, or a
 * verification read, something outside the directory), with hard caps on
 * entries and depth so a hostile tree cannot exhaust the harness.
 */
#ifndef IOTCERT_REPORT_TREE_H
#define IOTCERT_REPORT_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"

#define TREE_MAX_DEPTH 32

typedef enum tree_kind {
	TREE_FILE,		/* a regular file */
	TREE_SYMLINK,		/* never followed */
	TREE_SPECIAL,		/* FIFO, socket, device */
	TREE_BADNAME,		/* a name a manifest cannot hold (not descended into) */
} tree_kind_t;

typedef struct tree_entry {
	char *path;		/* relative to the walked directory, '/'-separated */
	tree_kind_t kind;
} tree_entry_t;

typedef struct tree {
	tree_entry_t *v;	/* sorted by path (bytewise) */
	size_t n;
	size_t cap;
} tree_t;

/*
 * Lists everything under `dir` but directories themselves and the
 * top-level MANIFEST and MANIFEST.sig.  0; -1 with a message when a
 * directory cannot be read; -2 with a message when a cap
 * (MANIFEST_MAX_ENTRIES entries, TREE_MAX_DEPTH levels) is passed.  Free
 * with tree_free whatever it returns.
 */
int tree_scan(const char *dir, tree_t *out, char *err, size_t errlen);
void tree_free(tree_t *t);	/* frees the members, not t */
const char *tree_kind_str(tree_kind_t k);	/* "symbolic link", ... */

/*
 * SHA-256 and size of the regular file dir/rel, read through one
 * descriptor that refuses a symbolic link or a non-regular file.  0, or
 * -1 with errno.
 */
int tree_digest(const char *dir, const char *rel, char hex[SHA256_HEX_LEN], uint64_t *size);

/* `s` with control bytes, backslashes and bytes >= 0x7f as \xNN, for
 * printing a name that may be hostile.  Caller frees. */
char *tree_printable(const char *s);

#endif
