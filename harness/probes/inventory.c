/*
 * service-inventory: compares the services discovery found with the interfaces
 * the DUT profile declares (EN 303 645 5.6-1, TS 103 701 5.6-1-2: "every
 * interface found by scanning is documented; every interface marked disabled
 * is unreachable").
 */
#include "core/probe.h"
#include "core/protocols.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

static const param_spec_t params[] = {
	{ "ignore", VT_LIST, NULL, true, "services (\"tcp/80\") left out of the comparison" },
	{ "findings", VT_STR, "declaration", true,
	    "which findings to report: \"declaration\" (undeclared or disabled-but-open "
	    "services) or \"rarely-needed\" (telnet, FTP, TFTP, SNMP, ADB, debug shells)" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "dut_profile", VT_BOOL, "a DUT profile declaring interfaces was given" },
	{ "open_count", VT_INT, "number of open services found" },
	{ "open_services", VT_LIST, "open services as \"tcp/2323 telnet\"" },
	{ "undeclared", VT_LIST, "open services the DUT profile does not declare (\"tcp/9999\")" },
	{ "disabled_open", VT_LIST, "services declared disabled that answer" },
	{ "declared_closed", VT_LIST, "services declared enabled that were not found" },
	{ "rarely_needed", VT_LIST, "open services a consumer device rarely needs (telnet, FTP, TFTP, SNMP, ADB, debug shells)" },
	{ "rarely_needed_undeclared", VT_LIST, "of those, the ones the DUT profile does not declare enabled (all of them without a profile)" },
	{ "unidentified_undeclared", VT_LIST, "open services that did not identify themselves and the DUT profile does not declare enabled: each may be a rarely needed one" },
	{ NULL, 0, NULL },
};

static bool
ignored(const value_t *ign, const char *key)
{
	if (ign == NULL || ign->type != VT_LIST)
		return false;
	for (size_t i = 0; i < ign->n_items; i++)
		if (strcmp(ign->items[i], key) == 0)
			return true;
	return false;
}

static const dut_iface_t *
declared(const dut_t *d, const char *transport, int port)
{
	for (size_t i = 0; d && i < d->n_ifaces; i++)
		if (d->ifaces[i].port == port && strcmp(d->ifaces[i].transport, transport) == 0)
			return &d->ifaces[i];
	return NULL;
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const target_t *t = ctx->target;
	const dut_t *d = ctx->dut;
	const value_t *ign = step_param(ctx->step, "ignore");
	evidence_t *ev = ctx->ev;
	bool have = d && d->n_ifaces > 0;
	const char *which = step_str(ctx, "findings");
	bool rare_findings = which && strcmp(which, "rarely-needed") == 0;
	if (which && !rare_findings && strcmp(which, "declaration") != 0)
		return probe_fail(ctx, PROBE_ERROR, "findings: expected \"declaration\" or "
		    "\"rarely-needed\", not \"%s\"", which);
	/* Findings of one kind only, so two cases sharing this probe do not
	 * report the same thing twice. */
	evidence_t *scratch = evidence_new();
	evidence_t *fev = rare_findings ? scratch : ev, *rev = rare_findings ? ev : scratch;

	ev_set_bool(ev, "dut_profile", have);
	ev_list_init(ev, "open_services");
	ev_list_init(ev, "undeclared");
	ev_list_init(ev, "disabled_open");
	ev_list_init(ev, "declared_closed");
	ev_list_init(ev, "rarely_needed");
	ev_list_init(ev, "rarely_needed_undeclared");
	ev_list_init(ev, "unidentified_undeclared");
	long long open = 0;
	for (size_t i = 0; i < t->n_svcs; i++) {
		const service_t *s = &t->svcs[i];
		char key[32], desc[96];
		snprintf(key, sizeof(key), "%s/%d", s->transport, s->port);
		if (ignored(ign, key))
			continue;
		open++;
		snprintf(desc, sizeof(desc), "%s %s", key, s->protocol);
		ev_list_push(ev, "open_services", desc);
		const dut_iface_t *di = have ? declared(d, s->transport, s->port) : NULL;
		const protocol_info_t *pi = protocol_find(s->protocol);
		if (strcmp(s->protocol, "unknown") == 0 && !(di && di->enabled))
			ev_list_push(ev, "unidentified_undeclared", key);
		if (pi && pi->rarely_needed) {
			bool ok = di && di->enabled;
			ev_list_push(ev, "rarely_needed", key);
			if (!ok)
				ev_list_push(ev, "rarely_needed_undeclared", key);
			finding_t *f = ev_finding(rev, "rarely-needed-service", s->transport,
			    s->protocol, s->port, "%s on %s: %s%s", s->protocol, key,
			    pi->rarely_needed, ok ? " (declared in the DUT profile)" : "");
			finding_attr(f, "declared", ok ? "yes" : "no");
		}
		if (!have) {	/* with no declaration, nothing open is declared */
			ev_list_push(ev, "undeclared", key);
			continue;
		}
		if (di == NULL) {
			ev_list_push(ev, "undeclared", key);
			finding_t *f = ev_finding(fev, "undeclared-service", s->transport,
			    s->protocol, s->port,
			    "%s service on %s is open but not declared in the DUT profile",
			    s->protocol, key);
			finding_attr(f, "declared", "no");
		} else if (!di->enabled) {
			ev_list_push(ev, "disabled_open", key);
			finding_t *f = ev_finding(fev, "disabled-service-open", s->transport,
			    s->protocol, s->port,
			    "%s is declared disabled in the DUT profile but answers (%s)",
			    key, s->protocol);
			finding_attr(f, "declared", "disabled");
		}
	}
	ev_set_int(ev, "open_count", open);
	for (size_t i = 0; have && i < d->n_ifaces; i++) {
		const dut_iface_t *di = &d->ifaces[i];
		if (!di->enabled || target_find(t, di->transport, di->port))
			continue;
		char key[32];
		snprintf(key, sizeof(key), "%s/%d", di->transport, di->port);
		ev_list_push(ev, "declared_closed", key);
	}
	evidence_free(scratch);
	if (t->n_svcs == 0 && t->ports_closed == 0)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "the device answered on none of the %zu ports scanned (all filtered): "
		    "is it up and reachable?", t->ports_scanned);
	return PROBE_OK;
}

const probe_kind_t probe_service_inventory = {
	.name = "service-inventory",
	.summary = "compare the discovered services with the DUT profile's interfaces",
	.scope = SCOPE_DEVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
