/*
 * Probe kinds.  A probe is one kind of active check (a TCP inventory, a
 * telnet login prompt read, ...).  Each kind declares its parameters and the
 * evidence fields it fills, so `iotcert check` can validate a test case
 * without running it, and registers in the single table in probes/registry.c.
 *
 * A probe runs in a worker thread with its own probe_ctx_t; it must honour
 * ctx->deadline_ms on every network operation and return one of the
 * probe_status_t codes.  It never decides the verdict: expectations over its
 * evidence fields do, except that INCONCLUSIVE/ERROR statuses override.
 */
#ifndef IOTCERT_PROBE_H
#define IOTCERT_PROBE_H

#include <stdint.h>

#include "evidence.h"
#include "model.h"
#include "target.h"

typedef enum probe_scope {
	SCOPE_DEVICE,		/* runs once per device */
	SCOPE_SERVICE,		/* runs once per matching service */
	SCOPE_CAPTURE,		/* runs once, after the capture has stopped, over the
				 * passive analysis of it (ctx->passive) */
} probe_scope_t;

typedef struct param_spec {
	const char *name;
	value_type_t type;
	const char *def;	/* default as text, NULL = none (required if !optional) */
	bool optional;
	const char *help;
} param_spec_t;

typedef struct field_spec {
	const char *name;
	value_type_t type;
	const char *help;
} field_spec_t;

typedef enum probe_status {
	PROBE_OK = 0,		/* evidence gathered; expectations decide */
	PROBE_INCONCLUSIVE,	/* the device did not let us decide (timeout, garbage) */
	PROBE_ERROR,		/* the harness failed (bad parameter, resource) */
} probe_status_t;

struct tls_ctx;
struct pv_run;

typedef struct probe_ctx {
	struct tls_ctx *tls;	/* the run's TLS client context (net/tls.h), shared
				 * by all threads; NULL in some unit tests */
	const target_t *target;
	const service_t *svc;	/* the service instance, NULL for SCOPE_DEVICE */
	const dut_t *dut;	/* NULL without --dut */
	const scheme_t *scheme;	/* NULL without a scheme profile: thresholds */
	const struct crypto_policy *policy; /* the scheme's crypto policy; NULL in
				 * runs that load none (discover, some unit tests) */
	const struct pv_run *passive; /* SCOPE_CAPTURE: the analysis of the run's
				 * capture (passive/passive.h); NULL when there
				 * was no capture */
	const char *passive_note; /* why there is none, or what is missing from it
				 * (packets the capture dropped); may be NULL */
	const step_t *step;	/* parameters */
	evidence_t *ev;		/* where results go */
	uint64_t deadline_ms;	/* mono_ms() deadline of this step */
	const volatile int *cancel; /* nonzero: stop as soon as possible */
	char reason[512];	/* set with INCONCLUSIVE / ERROR */
} probe_ctx_t;

typedef probe_status_t (*probe_fn)(probe_ctx_t *ctx);

typedef struct probe_kind {
	const char *name;
	const char *summary;
	probe_scope_t scope;
	/* May lock or slow the service down for a while (brute-force
	 * measurements): the runner runs such cases after every other case has
	 * finished, one at a time, so they neither disturb other cases nor each
	 * other's timings. */
	bool disruptive;
	const param_spec_t *params;	/* terminated by {NULL} */
	const field_spec_t *fields;	/* terminated by {NULL} */
	probe_fn run;
	/* The list files (credentials, passwords) a step uses when it names no
	 * `lists`, relative to the case's directory; NULL-terminated, or NULL
	 * for a kind that reads no lists.  A table so the run can hash exactly
	 * the files a verdict depended on. */
	const char *const *default_lists;
} probe_kind_t;

const probe_kind_t *probe_find(const char *name);
const probe_kind_t *const *probe_all(size_t *n);
const field_spec_t *probe_field(const probe_kind_t *k, const char *name);
const param_spec_t *probe_param(const probe_kind_t *k, const char *name);

/* Parameter accessors for probe implementations (fall back to the spec default). */
long long step_int(const probe_ctx_t *ctx, const char *name);
bool step_bool(const probe_ctx_t *ctx, const char *name);
const char *step_str(const probe_ctx_t *ctx, const char *name); /* NULL if none */
const value_t *step_param(const step_t *s, const char *name);
/* A file a case names, as the case means it: relative to the directory of
 * the case file (absolute names as they are).  Caller frees. */
char *step_case_path(const step_t *s, const char *name);
/* The list files step s reads, as paths (step_case_path): its `lists`
 * parameter, or else the kind's default_lists.  Appended to `out`, which
 * the caller frees with strlist_free. */
void step_list_paths(const step_t *s, const probe_kind_t *k, strlist_t *out);

/* printf into ctx->reason and return the status, for one-line exits. */
probe_status_t probe_fail(probe_ctx_t *ctx, probe_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
