/*
 * How a run stops early: SIGINT, SIGTERM and the --max-time deadline.  One
 * thread takes the signals synchronously (everything else runs with them
 * blocked) and keeps the deadline; a stop records its cause, the phase the
 * run was in and the time, then raises `cancel`, the flag every probe polls.
 * Afterwards run_stop_record() writes all that into the report.  A run_stop_t
 * is embedded by its user; nothing here allocates it.
 */
#ifndef IOTCERT_RUN_STOP_H
#define IOTCERT_RUN_STOP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/run.h"

/* What the main thread is doing, in order. */
enum run_phase {
	PH_SETUP, PH_DISCOVERY, PH_CASES, PH_OBSERVE, PH_ANALYSIS, PH_EVIDENCE,
};

#define STOP_DEADLINE (-1)	/* `sig` when --max-time ran out */

typedef struct run_stop {
	volatile int cancel;	/* nonzero once stopped: what probes poll */
	atomic_int phase;	/* enum run_phase, set by the main thread */
	atomic_int sig;		/* the first stop: SIGINT, SIGTERM or STOP_DEADLINE */
	atomic_int at_phase;	/* the phase it came in */
	_Atomic int64_t at_ms;	/* wall clock */
	unsigned max_time_s;
	uint64_t deadline_ms;	/* monotonic; 0 without --max-time */
	pthread_t thread;
	bool have_thread;
} run_stop_t;

/*
 * Blocks SIGINT, SIGTERM (and SIGPIPE is ignored) in the calling thread and
 * every thread it starts later, and starts the thread taking them; the
 * deadline runs from now.  s must stay where it is until run_stop_end().
 * A second signal after a stop exits the process at once (status 3).
 */
void run_stop_start(run_stop_t *s, unsigned max_time_s);
void run_stop_end(run_stop_t *s);	/* joins the thread; may be called again */

static inline void
run_stop_phase(run_stop_t *s, enum run_phase p)
{
	atomic_store(&s->phase, (int)p);
}

/* Stopped before the results were all in (later, the run is complete). */
bool run_stop_early(run_stop_t *s);
/* Stopped while discovery (or what came before it) was running. */
bool run_stop_in_discovery(run_stop_t *s);
/* For evidence_budget_t: wall ms of the stop, 0 when not stopped (arg: s). */
int64_t run_stop_at(void *s);

/*
 * Names the stop in the report: run->interrupted (a sentence naming `outdir`
 * for --resume; NULL for a discovery, which cannot be resumed), stop_cause,
 * stop_phase, stop_ms, and the reason of every
 * result marked interrupted ("run interrupted (SIGINT) before this case
 * finished").
 */
void run_stop_record(run_stop_t *s, run_t *run, const char *outdir);

#endif
