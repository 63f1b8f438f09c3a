/*
 * A YAML file as a small tree of scalars, sequences and mappings, each node
 * remembering its 1-based line and column so every later check can point at
 * the YAML.  Only the subset configuration needs is accepted: one document,
 * scalar mapping keys without duplicates, nesting at most YDOC_MAX_DEPTH, no
 * anchors, aliases or tags (aliases make billion-laughs inputs possible), at
 * most YDOC_MAX_BYTES of input.  Problems become diagnostics in `d`.
 */
#ifndef IOTCERT_YDOC_H
#define IOTCERT_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/hash.h"

#define YDOC_MAX_BYTES (1024 * 1024)
#define YDOC_MAX_DEPTH 64

typedef enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP } ynode_kind_t;

/* How a scalar reads under the YAML 1.2 core schema, restricted as noted. */
typedef enum yscalar_type {
	YS_NULL,	/* plain empty, ~, null, Null, NULL */
	YS_BOOL,	/* plain true / false (not yes/no/on/off, not True) */
	YS_INT,		/* plain [-+]?[0-9]+ */
	YS_FLOAT,	/* plain 1.5, 1e3, .inf: never accepted, reported as such */
	YS_STR,		/* anything quoted or block (| >), and every other plain */
} yscalar_type_t;

typedef struct ynode ynode_t;

typedef struct ypair {
	ynode_t *key;	/* always a scalar */
	ynode_t *val;
} ypair_t;

struct ynode {
	ynode_kind_t kind;
	int line, col;		/* 1-based, where the node starts */
	/* YN_SCALAR */
	char *str;		/* NUL-terminated; may contain NULs ("\0") */
	size_t len;
	bool quoted;		/* not plain: '...', "...", | or > */
	/* YN_SEQ */
	ynode_t **items;
	size_t n_items;
	/* YN_MAP, in file order */
	ypair_t *pairs;
	size_t n_pairs;
};

typedef struct ydoc {
	ynode_t *root;		/* NULL when the file holds no document */
	char *file;		/* owned copy of the name diagnostics use */
	char sha256[SHA256_HEX_LEN]; /* of exactly the bytes parsed */
	size_t errors;		/* reported while parsing (duplicate keys) */
} ydoc_t;

/*
 * Parse `len` bytes named `file`.  Returns NULL when the text is not usable
 * (syntax error, alias, anchor, tag, too deep, too large); duplicate keys are
 * reported but the document is still returned so later checks can report
 * more.  Caller frees with ydoc_free.
 */
ydoc_t *ydoc_parse(const char *file, const char *buf, size_t len, diags_t *d);
/* Read `path` (at most YDOC_MAX_BYTES) and parse it. */
ydoc_t *ydoc_load(const char *path, diags_t *d);
void ydoc_free(ydoc_t *doc);

/* The value under `key` in mapping `map` (first occurrence), or NULL. */
const ynode_t *ymap_get(const ynode_t *map, const char *key);
/* Scalars only; any other node gives YS_STR. */
yscalar_type_t yscalar_type(const ynode_t *n);
/* "a mapping", "a sequence", "null", "true", "int 42", "string 'abc'"...;
 * returns `buf`. */
const char *ynode_describe(const ynode_t *n, char *buf, size_t len);

#endif
