/*
 * The probes over the capture (scope capture): each hands one passive
 * analyzer's result (passive/analyzer.h) to a test case, so cases can
 * assert on what the traffic showed ("no cleartext credentials during the
 * run").  They run after the capture has stopped, over the analysis of the
 * whole run's pcap (`iotcert run`) or of a lab's file (`iotcert analyze`).
 */
#include "core/probe.h"
#include "core/util.h"
#include "passive/analyzer.h"
#include "passive/passive.h"

#include <string.h>

#define PREFIX "capture-"

static const param_spec_t no_params[] = {
	{ NULL, 0, NULL, false, NULL },
};

static probe_status_t
run(probe_ctx_t *ctx)
{
	const char *name = ctx->step->probe + strlen(PREFIX);
	if (ctx->passive == NULL)	/* the runner does not call us then; stay safe */
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", ctx->passive_note ?
		    ctx->passive_note : "there is no capture to analyse");
	const evidence_t *ev = pv_run_evidence(ctx->passive, name);
	if (ev == NULL)
		return probe_fail(ctx, PROBE_ERROR, "no passive analyzer '%s'", name);
	ev_merge(ctx->ev, ev);
	return PROBE_OK;
}

#define CAPTURE_PROBE(sym, an, fieldsym, text)					\
	const probe_kind_t sym = {						\
		.name = PREFIX an, .summary = text, .scope = SCOPE_CAPTURE,	\
		.params = no_params, .fields = fieldsym, .run = run,		\
	}

CAPTURE_PROBE(probe_capture_cleartext, "cleartext", pv_cleartext_fields,
    "cleartext application protocols the device spoke during the capture");
CAPTURE_PROBE(probe_capture_credentials, "credentials", pv_credentials_fields,
    "credentials sent to or by the device in cleartext");
CAPTURE_PROBE(probe_capture_tls_client, "tls-client", pv_tls_client_fields,
    "the device as a TLS client: versions and suites it offers, SNI");
CAPTURE_PROBE(probe_capture_endpoints, "endpoints", pv_endpoints_fields,
    "the remote endpoints the device talks to, with names and bytes");
CAPTURE_PROBE(probe_capture_personal, "personal-data", pv_personal_fields,
    "personal-data patterns in the device's cleartext traffic");
