/*
 * The runner: turns the selected test cases into instances (one per device,
 * or one per matching discovered service), decides applicability, runs the
 * instances on a bounded pool of worker threads, each step under a deadline,
 * and derives each verdict from probe statuses and expectations.
 */
#ifndef IOTCERT_RUNNER_H
#define IOTCERT_RUNNER_H

#include "core/model.h"
#include "core/progress.h"
#include "core/run.h"
#include "net/tls.h"

typedef struct runner_opts {
	const caseset_t *cases;
	const strlist_t *select;	/* --select items, may be NULL */
	const strlist_t *exclude;	/* --exclude items, may be NULL */
	const scheme_t *scheme;		/* may be NULL */
	const struct crypto_policy *policy; /* may be NULL */
	const dut_t *dut;		/* may be NULL */
	const struct decisions *decisions; /* conceptual cases' verdicts; may be NULL */
	const target_t *target;		/* after discovery */
	tls_ctx_t *tls;			/* shared TLS client context; may be NULL */
	unsigned jobs;			/* parallel instances; default 4 */
	unsigned case_timeout_ms;	/* default 60000 */
	const volatile int *cancel;
	progress_t *progress;		/* may be NULL */
	const struct pv_run *passive;	/* runner_run_capture: the capture's analysis */
	const char *passive_note;	/* why there is none / what it lacks; may be NULL */
	/*
	 * Discovery was cut short: instances it would decide (no matching
	 * service) are NOT_RUN, interrupted, rather than judged on half an
	 * inventory.
	 */
	bool discovery_incomplete;
	/*
	 * Called once the instances exist and before any runs (--resume puts
	 * the kept results in place here: an instance with a verdict or
	 * kept_xml is not run).  -1 runs nothing at all.  May be NULL.
	 */
	int (*adopt)(run_t *run, void *arg);
	void *adopt_arg;
	/*
	 * Set when, after a cancel, some worker did not return within the
	 * grace time and was left running: its instance is NOT_RUN, and the
	 * caller must not free what the workers borrow (target, cases, TLS
	 * context, these options' referents) before the process exits.
	 * May be NULL.
	 */
	bool *abandoned;
} runner_opts_t;

/* How long a cancelled run waits for a probe to notice before leaving it. */
#define RUNNER_GRACE_MS 300

/*
 * Fills run->results (in case order) and runs them, except the cases whose
 * probes work on the capture (SCOPE_CAPTURE): those wait, verdict unset,
 * for runner_run_capture once the capture has stopped.  Returns the number
 * of instances.
 */
size_t runner_run(run_t *run, const runner_opts_t *o);
/* Runs the capture cases runner_run left waiting, with o->passive. */
void runner_run_capture(run_t *run, const runner_opts_t *o);
/* Whether a case's probes work on the capture (run by runner_run_capture). */
bool case_on_capture(const tcase_t *c);

/* Runs one instance's steps into r (exposed for tests). */
void runner_exec(case_result_t *r, const runner_opts_t *o);

/*
 * Makes r NOT_RUN because the run stopped before it finished: reason `why`
 * (copied), fields and findings of the unfinished steps dropped (nothing was
 * judged), flows and transcript kept (the traffic happened).
 */
void runner_mark_interrupted(case_result_t *r, const char *why);

#define RUNNER_INTERRUPTED "run interrupted before this case finished"

#endif
