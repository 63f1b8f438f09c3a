/*
 * What the public loaders in load.h are built from, shared inside load/ (and
 * by its unit tests): loaders over an already-parsed ydoc, so `iotcert check`
 * parses each file once to classify and load it, and the directory walk.
 */
#ifndef IOTCERT_LOADERS_H
#define IOTCERT_LOADERS_H

#include "core/diag.h"
#include "core/model.h"
#include "core/util.h"
#include "ydoc.h"

/* Each returns NULL when the document had any error (ydoc's included). */
tcase_t *case_from_doc(const ydoc_t *doc, diags_t *d);
scheme_t *scheme_from_doc(const ydoc_t *doc, diags_t *d);
dut_t *dut_from_doc(const ydoc_t *doc, diags_t *d);
struct decisions *decisions_from_doc(const ydoc_t *doc, const caseset_t *cases,
    diags_t *d);
/*
 * A framework definition (top-level `framework:`): appends its provisions
 * and its verdict rule to `s`.  `rollup` is the scheme's `frameworks:` (may
 * be NULL).  Included by a scheme, the file's `deemed-by`/`mapped-from`
 * sources must name provisions already in s; checked `alone`, only their
 * shape is checked.  Returns false on any error.
 */
bool framework_from_doc(const ydoc_t *doc, const strlist_t *rollup, bool alone,
    scheme_t *s, diags_t *d);

/*
 * When `doc` is plainly another kind of file than `want` ("test case",
 * "scheme profile", "DUT profile") by its top-level key, report that once
 * (instead of every key being wrong) and return true.
 */
bool doc_wrong_kind(const ydoc_t *doc, const char *want, diags_t *d);

/*
 * Add `c` to `s` unless a case with its id is already there: then report at
 * c's id, naming where the first one is, free `c` and return 1; else 0.
 */
int caseset_add_unique(caseset_t *s, tcase_t *c, diags_t *d);

/*
 * Append the YAML files `path` names to `out`: `path` itself when it is a
 * file (whatever its extension), else every *.yaml / *.yml below it in sorted
 * order, skipping dot-files.  Returns the number of errors added.
 */
int yaml_files(const char *path, strlist_t *out, diags_t *d);

#endif
