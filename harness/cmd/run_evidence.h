/*
 * Evidence files of a run: per-instance pcaps and transcripts, hashed.
 */
#ifndef IOTCERT_RUN_EVIDENCE_H
#define IOTCERT_RUN_EVIDENCE_H

#include "core/run.h"

/*
 * run_pcap_rel: the run capture relative to outdir, or NULL without capture.
 * discovery: flows of discovery's identification connections (may be NULL).
 */
void evidence_collect(run_t *run, const char *outdir, const char *run_pcap_rel,
    const evidence_t *discovery);

#endif
