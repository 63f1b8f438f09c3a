/*
 * Loading one step of a test case: the probe name, its `with:` parameters
 * (checked against the probe kind's param table) and its `expect:` list
 * (checked against the kind's evidence fields).  Internal to load/; the two
 * halves take the probe kind explicitly so unit tests can check them against
 * a kind of their own (e.g. one with a required parameter).
 */
#ifndef IOTCERT_CASE_STEP_H
#define IOTCERT_CASE_STEP_H

#include "core/model.h"
#include "core/probe.h"
#include "schema.h"

/* Fill `st` from the step mapping `n`.  Positions point at sc->file, which
 * must outlive `st` (it is the owning tcase_t's file). */
void case_step_load(const sctx_t *sc, const ynode_t *n, step_t *st);

/*
 * `with` may be NULL (no parameters given); `at` is where a missing required
 * parameter is reported when it is.  `k` NULL (unknown probe) skips the checks
 * that need the kind.
 */
void step_params_load(const sctx_t *sc, const ynode_t *with, const ynode_t *at,
    const probe_kind_t *k, step_t *st);
void step_expects_load(const sctx_t *sc, const ynode_t *list,
    const probe_kind_t *k, step_t *st);

#endif
