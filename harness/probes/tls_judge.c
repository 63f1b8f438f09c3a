/*
 * Shared judging of TLS and DTLS enumerations (tls_judge.h).
 */
#include "probes/tls_judge.h"
#include "core/util.h"
#include "crypto/policy.h"
#include "crypto/suites.h"
#include "probes/channel_facts.h"

#include <stdio.h>
#include <stdlib.h>

finding_t *
tls_violation(probe_ctx_t *ctx, const char *kind, const char *why)
{
	const service_t *s = ctx->svc;
	ev_list_push(ctx->ev, "violations", why);
	return ev_finding(ctx->ev, kind, s->transport, s->protocol, s->port, "%s on %s/%d: %s",
	    s->protocol, s->transport, s->port, why);
}

/* The versions, from v[i] on, that accept suite id, space-separated; caller frees. */
static char *
versions_taking(const tls_accepted_t *v, size_t i, size_t n, uint16_t id)
{
	strlist_t vers = { 0 };
	for (size_t j = i; j < n; j++)
		for (size_t m = 0; m < v[j].n_suites; m++)
			if (v[j].suites[m] == id)
				strlist_push(&vers, tls_version_name(v[j].version));
	char *vl = strlist_join(&vers, " ");
	strlist_free(&vers);
	return vl;
}

void
tls_judge_suites(probe_ctx_t *ctx, const tls_accepted_t *v, size_t n)
{
	strlist_t seen = { 0 };
	char why[256];
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i].n_suites; k++) {
			const tls_suite_info_t *si = tls_suite_find(v[i].suites[k]);
			if (si == NULL || strlist_has(&seen, si->name))
				continue;
			strlist_push(&seen, si->name);
			char *vl = versions_taking(v, i, n, si->id);
			if (!policy_tls_suite(ctx->policy, si, why, sizeof(why))) {
				finding_t *f = tls_violation(ctx, "tls-cipher", why);
				finding_attr(f, "suite", "%s", si->name);
				finding_attr(f, "version", "%s", vl);
			} else if (policy_tls_suite_report(ctx->policy, si, why, sizeof(why))) {
				char note[320];
				snprintf(note, sizeof(note), "%s (%s)", why, vl);
				ev_list_push(ctx->ev, "notes", note);
			}
			free(vl);
		}
	strlist_free(&seen);
}

void
tls_judge_declared(probe_ctx_t *ctx, const tls_accepted_t *v, size_t n)
{
	const dut_commech_t *m = ctx->dut ? dut_commech_for(ctx->dut, ctx->svc->transport,
	    ctx->svc->port) : NULL;
	if (m == NULL)
		return;
	strlist_t seen = { 0 };
	for (size_t i = 0; i < n; i++) {
		const char *vn = tls_version_name(v[i].version);
		if (!v[i].accepted || vn == NULL)
			continue;
		if (m->versions.n && !strlist_has(&m->versions, vn))
			undeclared_crypto(ctx, "version", vn, &m->versions);
		for (size_t k = 0; m->suites.n && k < v[i].n_suites; k++) {
			const tls_suite_info_t *si = tls_suite_find(v[i].suites[k]);
			if (si == NULL || strlist_has(&m->suites, si->name) ||
			    strlist_has(&seen, si->name))
				continue;
			strlist_push(&seen, si->name);
			char *vl = versions_taking(v, i, n, si->id);
			finding_attr(undeclared_crypto(ctx, "suite", si->name, &m->suites),
			    "version", "%s", vl);
			free(vl);
		}
	}
	strlist_free(&seen);
}
