/*
 * Judging what a TLS or DTLS enumeration found, shared by tls-posture and
 * dtls-posture: the suites each version accepts, by the scheme's crypto
 * policy (one finding per refused suite naming every version that takes
 * it), and by the DUT profile's declaration of the channel (IXIT
 * 11-ComMech: versions and suites beyond it are FAILs, TS 103 701 5.5-1-2).
 */
#ifndef IOTCERT_TLS_JUDGE_H
#define IOTCERT_TLS_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/probe.h"

/* One version's result, as either enumeration has it. */
typedef struct tls_accepted {
	uint16_t version;	/* TLSV_* or DTLSV_* */
	bool accepted;
	const uint16_t *suites;	/* borrowed */
	size_t n_suites;
} tls_accepted_t;

/* A `violations` item and a finding of `kind` on ctx's service; returned
 * for attributes. */
finding_t *tls_violation(probe_ctx_t *ctx, const char *kind, const char *why);

/* Every accepted suite the policy refuses: a tls-cipher finding (suite,
 * version: all versions taking it); what it only reports: a `notes` item. */
void tls_judge_suites(probe_ctx_t *ctx, const tls_accepted_t *v, size_t n);

/* Versions and suites accepted beyond the DUT profile's `communication:`
 * entry for ctx's service (nothing without one): undeclared-crypto findings. */
void tls_judge_declared(probe_ctx_t *ctx, const tls_accepted_t *v, size_t n);

#endif
