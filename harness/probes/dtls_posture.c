/*
 * dtls-posture: the DTLS of one UDP service (CoAP over DTLS, or DTLS on
 * another port) judged by the scheme's crypto policy (EN 303 645 5.5-1),
 * as tls-posture does for TLS.  The enumeration (net/dtls_scan.c) finds the
 * versions and the suites per version with hand-built handshakes; every
 * policy refusal becomes a finding with the same kinds and attributes as
 * tls-posture's (tls-version with `version`, tls-cipher with `suite` and
 * `version`), versions named DTLS1.0 / DTLS1.2.
 *
 * DTLS 1.0 is TLS 1.1 over datagrams (RFC 4347) and DTLS 1.2 is TLS 1.2
 * (RFC 6347): a DTLS version is refused when the policy refuses it by name
 * or refuses the TLS version it derives from, so a policy that only lists
 * TLS versions still judges DTLS.  The handshakes run one at a time (see
 * dtls_scan.h), so the probe has no `parallel` parameter.
 */
#include "core/probe.h"
#include "core/util.h"
#include "crypto/policy.h"
#include "crypto/suites.h"
#include "net/dtls_scan.h"
#include "probes/channel_facts.h"
#include "probes/tls_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const param_spec_t params[] = {
	{ "handshake-timeout", VT_INT, "3000", true,
	  "milliseconds one handshake may take, retransmissions included" },
	{ "retries", VT_INT, "2", true, "resends of an unanswered ClientHello (0-8)" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "versions", VT_LIST, "DTLS versions accepted (DTLS1.0, DTLS1.2)" },
	{ "suites", VT_LIST, "accepted suites as VERSION:IANA-NAME" },
	{ "violations", VT_LIST, "what the crypto policy refuses, one sentence each" },
	{ "notes", VT_LIST, "what the crypto policy only wants reported, and how the scan went" },
	{ "policy", VT_STR, "the crypto policy judged against" },
	{ "handshakes", VT_INT, "handshakes made" },
	UNDECLARED_FIELD,
	CHANNEL_FACT_FIELDS,
	{ NULL, 0, NULL },
};

/* The TLS version a DTLS version is built on. */
static uint16_t
tls_base(uint16_t dtls)
{
	return dtls == DTLSV_10 ? TLSV_TLS11 : TLSV_TLS12;
}

/* Whether the policy allows DTLS version v; false with the sentence. */
static bool
version_ok(const crypto_policy_t *p, uint16_t v, char *why, size_t len)
{
	const char *vn = tls_version_name(v), *bn = tls_version_name(tls_base(v));
	char base[200];
	if (!policy_tls_version(p, v, base, sizeof(base))) {
		snprintf(why, len, "%s (%s is based on %s)", base, vn, bn);
		return false;
	}
	if (policy_tls_version(p, tls_base(v), base, sizeof(base)))
		return true;
	snprintf(why, len, "%s is based on %s: %s", vn, bn, base);
	return false;
}

static void
judge(probe_ctx_t *ctx, const dtls_scan_result_t *r)
{
	char why[256];
	for (size_t i = 0; i < DTLS_SCAN_NVERSIONS; i++) {
		const dtls_scan_version_t *v = &r->versions[i];
		if (!v->accepted)
			continue;
		const char *vn = tls_version_name(v->version);
		ev_list_push(ctx->ev, "versions", vn);
		if (!version_ok(ctx->policy, v->version, why, sizeof(why)))
			finding_attr(tls_violation(ctx, "tls-version", why), "version", "%s", vn);
		for (size_t k = 0; k < v->n_suites; k++) {
			const tls_suite_info_t *si = tls_suite_find(v->suites[k]);
			char item[160];
			if (si)
				snprintf(item, sizeof(item), "%s:%s", vn, si->name);
			else
				snprintf(item, sizeof(item), "%s:0x%04X", vn, v->suites[k]);
			ev_list_push(ctx->ev, "suites", item);
		}
		if (!v->complete)
			ev_list_push(ctx->ev, "notes", v->version == DTLSV_10 ?
			    "the DTLS1.0 suite list may be incomplete: some handshakes got no usable answer" :
			    "the DTLS1.2 suite list may be incomplete: some handshakes got no usable answer");
	}
	tls_accepted_t acc[DTLS_SCAN_NVERSIONS];
	for (size_t i = 0; i < DTLS_SCAN_NVERSIONS; i++)
		acc[i] = (tls_accepted_t){ r->versions[i].version, r->versions[i].accepted,
		    r->versions[i].suites, r->versions[i].n_suites };
	tls_judge_suites(ctx, acc, DTLS_SCAN_NVERSIONS);
	tls_judge_declared(ctx, acc, DTLS_SCAN_NVERSIONS);
	if (r->silent) {
		char note[200];
		snprintf(note, sizeof(note), "%u ClientHello%s went unanswered and were taken as "
		    "refusals (the service answered the others)", r->silent,
		    r->silent == 1 ? "" : "s");
		ev_list_push(ctx->ev, "notes", note);
	}
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	evidence_t *ev = ctx->ev;
	static const char *const lists[] = { "versions", "suites", "violations", "notes",
		"undeclared" };
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		ev_list_init(ev, lists[i]);
	ev_set_int(ev, "handshakes", 0);
	if (ctx->policy == NULL)
		return probe_fail(ctx, PROBE_ERROR, "no crypto policy loaded (the scheme's "
		    "crypto-policy)");
	ev_set_str(ev, "policy", crypto_policy_name(ctx->policy));
	long long tmo = step_int(ctx, "handshake-timeout"), retries = step_int(ctx, "retries");
	if (tmo < 1 || tmo > 600000)
		return probe_fail(ctx, PROBE_ERROR, "handshake-timeout must be 1-600000 ms");
	if (retries < 0 || retries > 8)
		return probe_fail(ctx, PROBE_ERROR, "retries must be 0-8");
	const service_t *s = ctx->svc;
	if (strcmp(s->transport, "udp") != 0) {
		/* `tls` names TLS of an unknown application on TCP and DTLS on
		 * UDP alike: a TCP service has no DTLS to judge (tls-posture
		 * judges its TLS). */
		char note[160];
		snprintf(note, sizeof(note), "%s/%d is not UDP: no DTLS to judge (its TLS is "
		    "tls-posture's)", s->transport, s->port);
		ev_list_push(ev, "notes", note);
		return PROBE_OK;
	}
	dtls_scan_opts_t o = {
		.addr = s->addr, .port = s->port, .deadline = ctx->deadline_ms,
		.hs_timeout_ms = (unsigned)tmo,
		.tries = (unsigned)retries + 1,
		.cancel = ctx->cancel, .ev = ev,
	};
	dtls_scan_result_t *r = dtls_scan(&o);
	ev_set_int(ev, "handshakes", r->handshakes);
	bool any = false;
	for (size_t i = 0; i < DTLS_SCAN_NVERSIONS; i++)
		any = any || r->versions[i].accepted;
	probe_status_t st = PROBE_OK;
	if (!any) {
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no DTLS handshake completed%s%s",
		    r->error[0] ? ": " : "", r->error[0] ? r->error :
		    " (every version was refused)");
	} else {
		judge(ctx, r);
		channel_facts(ctx);
		if (r->undecided && ev_get(ev, "violations")->n_items == 0 &&
		    ev_get(ev, "undeclared")->n_items == 0)
			st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%u of %u handshakes got no usable "
			    "answer (%s): what they would have shown is unknown", r->undecided,
			    r->handshakes, r->error);
	}
	dtls_scan_free(r);
	return st;
}

const probe_kind_t probe_dtls_posture = {
	.name = "dtls-posture",
	.summary = "enumerate a DTLS service's versions and suites against the crypto policy",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
