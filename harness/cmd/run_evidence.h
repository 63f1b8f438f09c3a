/*
 * Evidence files of a run: per-instance pcaps and transcripts, hashed.
 */
#ifndef IOTCERT_RUN_EVIDENCE_H
#define IOTCERT_RUN_EVIDENCE_H

#include "core/run.h"

/*
 * evdir: the evidence directory relative to outdir ("evidence", or
 * "evidence/resume-N" for a resumed run, so the earlier files stay).
 * run_pcap_rel: the run capture relative to outdir, or NULL without capture.
 * discovery: flows of discovery's identification connections (may be NULL).
 * Results kept from an interrupted run (kept_xml) are left as they are.
 * budget: once the run is stopped, per-case pcaps are cut only while the
 * next cut is expected to end within budget->ms of the stop (each cut reads
 * the whole capture), so a stopped run exits in time.  May be NULL: no
 * limit.  The run capture itself is always hashed.  Returns the number of
 * pcaps left uncut.
 */
typedef struct evidence_budget {
	int64_t (*stopped_at)(void *arg);	/* wall ms of the stop, 0 if none */
	void *arg;
	int64_t ms;
} evidence_budget_t;

size_t evidence_collect(run_t *run, const char *outdir, const char *evdir,
    const char *run_pcap_rel, const evidence_t *discovery,
    const evidence_budget_t *budget);

#endif
