/*
 * ics-justification: TS 103 701 test case 4-1-1 (EN 303 645 4-1; V3.1.3
 * 5.0-1) over the DUT profile's ICS: every recommendation marked not
 * applicable or not fulfilled carries a justification, and N/A is claimed
 * only for a provision with a condition or feature that can fail to hold.
 * Reads declarations only; it sends nothing.
 */
#include "core/probe.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const field_spec_t fields[] = {
	{ "ics_entries", VT_INT, "ICS entries in the DUT profile" },
	{ "unjustified", VT_LIST, "provisions marked N or N/A without a justification (\"5.6-3 N\")" },
	{ "na_not_allowed", VT_LIST, "provisions marked N/A whose status in the scheme has no condition or feature" },
	{ "not_in_scheme", VT_LIST, "ICS refs the scheme's EN 303 645 provisions do not list" },
	{ NULL, 0, NULL },
};

/* The scheme's EN 303 645 provision for `ref` (any edition), or NULL. */
static const provision_t *
scheme_provision(const scheme_t *s, const char *ref)
{
	for (size_t i = 0; s && i < s->n_provisions; i++)
		if (strcmp(s->provisions[i].framework, "en303645") == 0 &&
		    strcmp(s->provisions[i].ref, ref) == 0)
			return &s->provisions[i];
	return NULL;
}

static bool
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const dut_t *d = ctx->dut;
	if (d == NULL)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "no DUT profile: the ICS is "
		    "part of it (--dut FILE)");
	if (d->n_ics == 0)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "the DUT profile has no ICS "
		    "('ics:'): nothing to check");
	ev_set_int(ctx->ev, "ics_entries", (long long)d->n_ics);
	ev_list_init(ctx->ev, "unjustified");
	ev_list_init(ctx->ev, "na_not_allowed");
	ev_list_init(ctx->ev, "not_in_scheme");
	for (size_t i = 0; i < d->n_ics; i++) {
		const ics_entry_t *e = &d->ics[i];
		const provision_t *p = scheme_provision(ctx->scheme, e->ref);
		bool na = strcmp(e->support, "N/A") == 0, no = strcmp(e->support, "N") == 0;
		if (ctx->scheme && p == NULL)
			ev_list_push(ctx->ev, "not_in_scheme", e->ref);
		if ((na || no) && blank(e->detail)) {
			char *item = xasprintf("%s %s", e->ref, e->support);
			ev_list_push(ctx->ev, "unjustified", item);
			ev_finding(ctx->ev, "ics-unjustified", NULL, NULL, 0,
			    "the ICS marks %s %s without a justification", e->ref,
			    na ? "not applicable" : "not fulfilled");
			free(item);
		}
		if (na && p && !provision_conditional(p)) {
			ev_list_push(ctx->ev, "na_not_allowed", e->ref);
			ev_finding(ctx->ev, "ics-na-not-allowed", NULL, NULL, 0,
			    "the ICS marks %s not applicable, but its status (%s) has no "
			    "condition or feature that could fail to hold", e->ref,
			    p->status ? p->status : "unstated");
		}
	}
	return PROBE_OK;
}

const probe_kind_t probe_ics_justification = {
	.name = "ics-justification",
	.summary = "check the DUT profile's ICS: N/N-A marks justified, N/A only where a condition allows (4-1-1)",
	.scope = SCOPE_DEVICE,
	.params = (const param_spec_t[]){ { NULL, 0, NULL, false, NULL } },
	.fields = fields,
	.run = run,
};
