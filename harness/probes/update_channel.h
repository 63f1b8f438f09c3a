/*
 * The judgement of the update-channel probe, apart from the run so a unit
 * test can hand it a DUT profile and an endpoints analysis of its own.
 */
#ifndef IOTCERT_UPDATE_CHANNEL_H
#define IOTCERT_UPDATE_CHANNEL_H

#include <stddef.h>

#include "core/evidence.h"
#include "core/model.h"
#include "core/probe.h"

extern const field_spec_t update_channel_fields[];

/*
 * Compares the network update mechanisms d states (IXIT 7-UpdMech) with
 * `endpoints`, the evidence of the passive "endpoints" analyzer: fields and
 * findings into `out`.  PROBE_OK when at least one stated server was seen
 * (the expectations then decide), else PROBE_INCONCLUSIVE with the reason
 * in `reason`.  Borrows everything.
 */
probe_status_t update_channel_judge(const dut_t *d, const evidence_t *endpoints,
    evidence_t *out, char *reason, size_t reason_len);

#endif
