/*
 * What the login-attempt probes (default-credentials, brute-force) share:
 * pacing attempts under a per-service rate, and folding one attempt's own
 * evidence (flows, transcript) into the case's.  Internal to probes/.
 */
#ifndef IOTCERT_PROBES_ATTEMPTS_H
#define IOTCERT_PROBES_ATTEMPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/probe.h"

/* The parameters of an HTML form login, shared by the probes' tables. */
#define ATTEMPT_FORM_PARAMS \
	{ "form-action", VT_STR, "", true, "HTML form login: where the form posts (enables form mode)" }, \
	{ "form-user-field", VT_STR, "username", true, "HTML form login: the user name field" }, \
	{ "form-pass-field", VT_STR, "password", true, "HTML form login: the password field" }, \
	{ "form-success", VT_STR, "", true, "HTML form login: text in the response proving success" }, \
	{ "form-failure", VT_STR, "", true, "HTML form login: text in the response proving failure" }

/* Fills t's form fields from the step when it gives `form-action`; true
 * then (form mode), false and t untouched otherwise. */
bool attempt_form_target(const probe_ctx_t *ctx, auth_target_t *t);

/*
 * Waits until attempt number n (from 0) may start at `rate` a second,
 * counted from t0 (mono_ms).  False when the step's deadline or a cancel
 * came first.  rate <= 0: no limit.
 */
bool attempt_pace(const probe_ctx_t *ctx, uint64_t t0, long long n, long long rate);

/* True once the step should stop: deadline passed or run cancelled. */
bool attempt_over(const probe_ctx_t *ctx);

/* Appends src's flows and transcript to dst (attempts run on their own
 * evidence, which is not thread-safe, and merge under the caller's lock). */
void attempt_merge_io(evidence_t *dst, const evidence_t *src);

#endif
