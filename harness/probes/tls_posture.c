/*
 * tls-posture: the TLS of one service judged by the scheme's crypto policy
 * (EN 303 645 5.5-1, and 5.1-3 where the channel carries logins).  The
 * enumeration (net/tls_scan.c) finds what the server accepts with
 * hand-built handshakes; the certificate analysis (crypto/cert.c) reads the
 * chain it sent; every policy refusal becomes a finding with
 * machine-readable attributes (tls-version, tls-cipher, tls-group,
 * certificate, tls-feature) and a `violations` item, and what the policy
 * only wants reported (a self-signed certificate on a local interface,
 * CBC with SHA-1) goes to `notes`.
 */
#include "core/probe.h"
#include "core/util.h"
#include "probes/channel_facts.h"
#include "probes/tls_judge.h"
#include "crypto/cert.h"
#include "crypto/groups.h"
#include "crypto/policy.h"
#include "crypto/suites.h"
#include "net/tls_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const param_spec_t params[] = {
	{ "handshake-timeout", VT_INT, "5000", true, "milliseconds one handshake may take" },
	{ "parallel", VT_INT, "8", true, "handshakes at once (1-32)" },
	{ "ca-file", VT_STR, "", true, "PEM bundle the certificate should chain to (relative to the case); without it nothing is trusted" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "versions", VT_LIST, "protocol versions accepted (SSLv3 ... TLS1.3)" },
	{ "suites", VT_LIST, "accepted suites as VERSION:IANA-NAME" },
	{ "groups", VT_LIST, "key-exchange groups accepted" },
	{ "server_order", VT_STR, "the server picks the suite: yes, no, unknown" },
	{ "secure_renegotiation", VT_STR, "renegotiation_info answered: yes, no, unknown" },
	{ "compression", VT_STR, "TLS compression taken: yes, no, unknown" },
	{ "heartbleed", VT_STR, "answered a lying heartbeat with more bytes: yes, no, unknown" },
	{ "cert_subject", VT_STR, "the leaf certificate's subject" },
	{ "cert_key", VT_STR, "its key, as TYPE:BITS" },
	{ "cert_signature", VT_STR, "its signature algorithm" },
	{ "cert_not_after", VT_STR, "end of its validity (ISO 8601)" },
	{ "cert_self_signed", VT_BOOL, "it is self-signed" },
	{ "violations", VT_LIST, "what the crypto policy refuses, one sentence each" },
	{ "notes", VT_LIST, "what the crypto policy only wants reported" },
	{ "policy", VT_STR, "the crypto policy judged against" },
	{ "handshakes", VT_INT, "handshakes made" },
	{ "cert_read", VT_STR, "how the chain was read: handshake (TLS <= 1.2), tls1.3 (one complete TLS 1.3 handshake), none" },
	UNDECLARED_FIELD,
	CHANNEL_FACT_FIELDS,
	{ NULL, 0, NULL },
};

/* The enumeration as tls_judge.h wants it. */
static void
accepted_of(const tls_scan_result_t *r, tls_accepted_t v[TLS_SCAN_NVERSIONS])
{
	for (size_t i = 0; i < TLS_SCAN_NVERSIONS; i++)
		v[i] = (tls_accepted_t){ r->versions[i].version, r->versions[i].accepted,
		    r->versions[i].suites, r->versions[i].n_suites };
}

static void
judge_versions(probe_ctx_t *ctx, const tls_scan_result_t *r)
{
	char why[256];
	for (size_t i = 0; i < TLS_SCAN_NVERSIONS; i++) {
		const tls_scan_version_t *v = &r->versions[i];
		if (!v->accepted)
			continue;
		const char *vn = tls_version_name(v->version);
		ev_list_push(ctx->ev, "versions", vn ? vn : "?");
		if (!policy_tls_version(ctx->policy, v->version, why, sizeof(why)))
			finding_attr(tls_violation(ctx, "tls-version", why), "version", "%s", vn ? vn : "?");
		for (size_t k = 0; k < v->n_suites; k++) {
			const tls_suite_info_t *si = tls_suite_find(v->suites[k]);
			char item[160];
			snprintf(item, sizeof(item), "%s:%s", vn ? vn : "?",
			    si ? si->name : "unknown suite");
			ev_list_push(ctx->ev, "suites", item);
		}
	}
	tls_accepted_t acc[TLS_SCAN_NVERSIONS];
	accepted_of(r, acc);
	tls_judge_suites(ctx, acc, TLS_SCAN_NVERSIONS);
	tls_judge_declared(ctx, acc, TLS_SCAN_NVERSIONS);
}

static void
judge_features(probe_ctx_t *ctx, const tls_scan_result_t *r)
{
	char why[256];
	for (size_t i = 0; i < r->n_groups; i++) {
		const tls_group_info_t *gi = tls_group_find(r->groups[i]);
		const char *gn = gi ? gi->name : NULL;
		ev_list_push(ctx->ev, "groups", gn ? gn : "?");
		if (!policy_tls_group(ctx->policy, r->groups[i], 0, why, sizeof(why)))
			finding_attr(tls_violation(ctx, "tls-group", why), "group", "%s", gn ? gn : "?");
	}
	if (r->dhe_bits && !policy_tls_group(ctx->policy, 0, r->dhe_bits, why, sizeof(why)))
		finding_attr(tls_violation(ctx, "tls-group", why), "dh-bits", "%u", r->dhe_bits);
	if (r->compression == TLS_YES &&
	    !policy_tls_compression(ctx->policy, true, why, sizeof(why)))
		finding_attr(tls_violation(ctx, "tls-feature", why), "feature", "compression");
	if (r->secure_reneg == TLS_NO &&
	    !policy_tls_renegotiation(ctx->policy, false, why, sizeof(why)))
		finding_attr(tls_violation(ctx, "tls-feature", why), "feature", "insecure-renegotiation");
	if (r->heartbleed == TLS_YES)
		finding_attr(tls_violation(ctx, "tls-feature", "answers a heartbeat with more bytes "
		    "than it was sent: Heartbleed (CVE-2014-0160) leaks server memory"),
		    "feature", "heartbleed");
	ev_set_str(ctx->ev, "secure_renegotiation", tls_tri_str(r->secure_reneg));
	ev_set_str(ctx->ev, "compression", tls_tri_str(r->compression));
	ev_set_str(ctx->ev, "heartbleed", tls_tri_str(r->heartbleed));
}

static void
judge_cert(probe_ctx_t *ctx, const tls_scan_result_t *r)
{
	ev_set_str(ctx->ev, "cert_read", r->certs.n == 0 ? "none" :
	    r->certs_tls13 ? "tls1.3" : "handshake");
	if (r->certs.n == 0)
		return;
	const char *ca = step_str(ctx, "ca-file");
	char *ca_path = ca && *ca ? step_case_path(ctx->step, ca) : NULL;
	char err[256];
	const uint8_t *const *der = (const uint8_t *const *)r->certs.der;
	cert_info_t *ci = cert_analyze(der, r->certs.len, r->certs.n, ctx->svc->addr->text,
	    ca_path, err, sizeof(err));
	free(ca_path);
	if (ci == NULL) {
		char why[320];
		snprintf(why, sizeof(why), "certificate not readable: %s", err);
		ev_list_push(ctx->ev, "notes", why);
		return;
	}
	char key[48];
	snprintf(key, sizeof(key), "%s:%u", ci->facts.key_type, ci->facts.key_bits);
	ev_set_str(ctx->ev, "cert_subject", ci->subject ? ci->subject : "");
	ev_set_str(ctx->ev, "cert_key", key);
	ev_set_str(ctx->ev, "cert_signature", ci->sig_alg ? ci->sig_alg : "");
	ev_set_str(ctx->ev, "cert_not_after", ci->not_after);
	ev_set_bool(ctx->ev, "cert_self_signed", ci->facts.self_signed);
	strlist_t fails = { 0 }, notes = { 0 };
	policy_cert(ctx->policy, &ci->facts, (int64_t)time(NULL), &fails, &notes);
	for (size_t i = 0; i < fails.n + notes.n; i++) {
		bool fail = i < fails.n;
		const char *why = fail ? fails.v[i] : notes.v[i - fails.n];
		finding_t *f;
		if (fail) {
			f = tls_violation(ctx, "certificate", why);
		} else {
			ev_list_push(ctx->ev, "notes", why);
			const service_t *s = ctx->svc;
			f = ev_finding(ctx->ev, "certificate", s->transport, s->protocol, s->port,
			    "%s on %s/%d: %s (reported, not a failure by the policy)", s->protocol,
			    s->transport, s->port, why);
			finding_attr(f, "severity", "note");
		}
		finding_attr(f, "issue", "%s", why);
		finding_attr(f, "key-bits", "%u", ci->facts.key_bits);
		finding_attr(f, "key-type", "%s", ci->facts.key_type);
		finding_attr(f, "signature-algorithm", "%s", ci->sig_alg ? ci->sig_alg : "");
		finding_attr(f, "not-after", "%s", ci->not_after);
		finding_attr(f, "self-signed", "%s", ci->facts.self_signed ? "true" : "false");
		finding_attr(f, "sha256", "%s", ci->sha256);
	}
	strlist_free(&fails);
	strlist_free(&notes);
	cert_info_free(ci);
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	evidence_t *ev = ctx->ev;
	static const char *const lists[] = { "versions", "suites", "groups", "violations", "notes",
		"undeclared" };
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		ev_list_init(ev, lists[i]);
	ev_set_str(ev, "server_order", "unknown");
	ev_set_str(ev, "cert_read", "none");
	ev_set_int(ev, "handshakes", 0);
	if (ctx->policy == NULL)
		return probe_fail(ctx, PROBE_ERROR, "no crypto policy loaded (the scheme's "
		    "crypto-policy)");
	ev_set_str(ev, "policy", crypto_policy_name(ctx->policy));
	long long par = step_int(ctx, "parallel");
	if (par < 1 || par > 32)
		return probe_fail(ctx, PROBE_ERROR, "parallel must be 1-32");
	tls_scan_opts_t o = {
		.addr = ctx->svc->addr, .port = ctx->svc->port, .deadline = ctx->deadline_ms,
		.hs_timeout_ms = (unsigned)step_int(ctx, "handshake-timeout"),
		.parallel = (unsigned)par, .cancel = ctx->cancel, .ev = ev,
	};
	tls_scan_result_t *r = tls_scan(&o);
	ev_set_int(ev, "handshakes", r->handshakes);
	bool any = false;
	tls_tri_t order = TLS_UNKNOWN;
	for (size_t i = 0; i < TLS_SCAN_NVERSIONS; i++) {
		any = any || r->versions[i].accepted;
		if (r->versions[i].accepted && r->versions[i].server_order != TLS_UNKNOWN)
			order = r->versions[i].server_order;	/* the newest version's says most */
	}
	ev_set_str(ev, "server_order", tls_tri_str(order));
	probe_status_t st = PROBE_OK;
	if (!any) {
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no TLS handshake completed%s%s",
		    r->error[0] ? ": " : "", r->error);
	} else {
		judge_versions(ctx, r);
		judge_features(ctx, r);
		judge_cert(ctx, r);
		channel_facts(ctx);
		if (r->undecided && ev_get(ev, "violations")->n_items == 0 &&
		    ev_get(ev, "undeclared")->n_items == 0)
			st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%u of %u handshakes got no usable "
			    "answer (%s): what they would have shown is unknown", r->undecided,
			    r->handshakes, r->error);
	}
	tls_scan_free(r);
	return st;
}

const probe_kind_t probe_tls_posture = {
	.name = "tls-posture",
	.summary = "enumerate a TLS service's versions, suites, groups and certificate against the crypto policy",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
