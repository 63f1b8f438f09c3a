/*
 * Loading configuration from YAML: test cases (one per file), scheme profiles
 * and DUT profiles, with every mistake reported to a diags_t as
 * file:line:col before anything runs.  The format is documented in
 * testcases/README.md.
 *
 * Ownership: load_case/load_scheme/load_dut return objects the caller frees
 * with tcase_free/scheme_free/dut_free (all accept NULL); they return NULL
 * when the file had any error.  load_cases adds cases to a set the caller owns
 * (caseset_free).  Every srcpos_t in a loaded object points at the object's
 * own `file` string, and `sha256` is the hash of exactly the bytes parsed.
 * A tcase_t's `pos` is where its id is written, so duplicate-id messages and
 * reports point at the name.
 */
#ifndef IOTCERT_LOAD_H
#define IOTCERT_LOAD_H

#include <stddef.h>

#include "core/diag.h"
#include "core/model.h"

/* One test case file; NULL (with diagnostics) on any error. */
tcase_t *load_case(const char *path, diags_t *d);

/*
 * `path` is a file or a directory searched recursively for *.yaml / *.yml
 * (dot-files skipped, sorted order).  Every file is tried even after errors;
 * only error-free cases are added to `out`.  An id already in `out` (from this
 * or an earlier call) is an error naming both places, and the later case is
 * dropped.  Returns the number of errors added to `d`.
 */
int load_cases(const char *path, caseset_t *out, diags_t *d);

/* A scheme profile (top-level `scheme:`); NULL on any error. */
scheme_t *load_scheme(const char *path, diags_t *d);

/* A DUT profile (top-level `device:`); NULL on any error. */
dut_t *load_dut(const char *path, diags_t *d);

struct decisions;
/*
 * An assessor's decisions file (top-level `decisions:`).  With `cases`,
 * each decision must name a loaded conceptual case; NULL skips that check.
 * NULL on any error; the caller frees with decisions_free.
 */
struct decisions *load_decisions(const char *path, const caseset_t *cases,
    diags_t *d);

/*
 * `iotcert check`: each of paths[0..n) is a file or a directory (recursive;
 * files in directories other than *.yaml / *.yml are skipped).  Each YAML file
 * is classified by its top-level keys (id: test case, scheme: scheme profile,
 * device: DUT profile), loaded, and test case ids are checked for uniqueness
 * across all of them.  *files_checked (may be NULL) receives the number of
 * YAML files examined.  Returns the number of errors added to `d`.
 */
int load_check_paths(char *const *paths, size_t n, diags_t *d,
    size_t *files_checked);

#endif
