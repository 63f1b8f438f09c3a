/*
 * Running the passive analyzers for a command: over the live capture at
 * the end of `iotcert run`, and over a lab's file in `iotcert analyze`.
 * Both describe the device the same way: its addresses (a target_t) and,
 * optionally, its MAC.
 */
#ifndef IOTCERT_PASSIVE_GLUE_H
#define IOTCERT_PASSIVE_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/run.h"
#include "core/target.h"
#include "passive/passive.h"

/*
 * Analyses `pcap` with the DUT at t's addresses (and `mac`, 6 bytes, or
 * NULL).  With `own` (a live run: its results, and `disc`, discovery's
 * evidence, may be NULL), the connections the harness opened itself (from
 * the addresses its flows were made from) are left out.  The caller frees
 * the result with pv_run_free.  NULL with err on a file that cannot be read.
 */
pv_run_t *passive_analyze(const char *pcap, const target_t *t, const uint8_t *mac,
    const run_t *own, const evidence_t *disc, bool reveal_secrets,
    const volatile int *cancel, char *err, size_t errlen);

/*
 * Why capture cases of this run lack something, or NULL when nothing is
 * missing: no capture, or packets dropped (kernel or interface).  Caller
 * frees.
 */
char *passive_note(const run_t *r);

/* Adds `note` to the reason of every result whose evidence came from the
 * capture (its pcap, or a case over the capture), so no verdict hides it. */
void passive_note_results(run_t *r, const char *note);

/* Gives every case over the capture the run-wide evidence `rel` (the file
 * its findings' frame numbers count in), hashed as `sha256`. */
void passive_link_results(run_t *r, const char *rel, const char *sha256, size_t packets);

#endif
