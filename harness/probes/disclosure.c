/*
 * unauthenticated-disclosure: for every service in the inventory, records
 * what it discloses to a client that has not authenticated (EN 303 645 5.6-2;
 * TS 103 701 5.6-2-2: "record what each interface discloses without
 * authentication ... all security-relevant disclosures must be documented").
 * Each disclosed item becomes a `disclosure` finding; a security-relevant one
 * whose field the matching DUT interface does not list under `discloses` is
 * also `undeclared`.  This file holds the probe table, the recording helpers
 * and the walk over services; the protocols live in disclosure_*.c.
 */
#include "probes/disclosure.h"

#include "core/util.h"
#include "net/sock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const param_spec_t params[] = {
	{ "read-timeout", VT_INT, "3000", true, "milliseconds allowed for each connection and request" },
	{ "mqtt-listen", VT_INT, "1500", true, "milliseconds to collect $SYS messages from an MQTT broker that accepts anonymous clients" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "dut_profile", VT_BOOL, "a DUT profile declaring interfaces was given" },
	{ "disclosures", VT_LIST, "everything disclosed, as \"tcp/8080 firmware-version=1.0.3\"" },
	{ "security_relevant", VT_LIST, "the security-relevant disclosures, same form" },
	{ "undeclared", VT_LIST, "security-relevant disclosures whose field the interface's `discloses` list does not name (all of them without a DUT profile)" },
	{ "sources_checked", VT_INT, "sources examined: banners, HTTP paths, MQTT $SYS, UPnP descriptions, discovery info values" },
	{ "not_fetched", VT_LIST, "UPnP description URLs not fetched because they point away from the target" },
	{ "unexamined", VT_LIST, "services or sources that could not be examined, with the reason" },
	{ NULL, 0, NULL },
};

const char *
disc_proto(const service_t *s)
{
	/* SSDP is how a UPnP device speaks on udp/1900; sources say what was read. */
	if (strcmp(s->protocol, "upnp") == 0 && strcmp(s->transport, "udp") == 0)
		return "ssdp";
	return s->protocol;
}

uint64_t
disc_deadline(const disc_t *d)
{
	return deadline_min(mono_ms() + d->read_ms, d->ctx->deadline_ms);
}

bool
disc_stop(disc_t *d)
{
	if ((d->ctx->cancel && *d->ctx->cancel) || mono_ms() >= d->ctx->deadline_ms)
		d->out_of_time = true;
	return d->out_of_time;
}

tls_ctx_t *
disc_tls(disc_t *d, char *err, size_t errlen)
{
	if (d->tls == NULL && d->ctx->tls) {
		d->tls = d->ctx->tls;	/* the run's own, shared: not ours to free */
	} else if (d->tls == NULL) {
		d->tls = tls_ctx_new(err, errlen);
		d->own_tls = d->tls != NULL;
	}
	return d->tls;
}

/* Printable, single-line, trimmed copy of v, at most cap-1 bytes. */
static void
clean(const char *v, char *out, size_t cap)
{
	size_t o = 0;
	bool space = false;
	for (const unsigned char *p = (const unsigned char *)v; *p && o + 1 < cap; p++) {
		if (*p <= 0x20 || *p == 0x7f) {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 2 >= cap)
				break;
			out[o++] = ' ';
			space = false;
		}
		out[o++] = (char)*p;
	}
	out[o] = '\0';
}

static const dut_iface_t *
iface_of(const dut_t *dut, const char *transport, int port)
{
	for (size_t i = 0; dut && i < dut->n_ifaces; i++)
		if (dut->ifaces[i].port == port && strcmp(dut->ifaces[i].transport, transport) == 0)
			return &dut->ifaces[i];
	return NULL;
}

static bool
declared(const disc_t *d, const service_t *s, const disc_item_t *it)
{
	const dut_iface_t *f = iface_of(d->ctx->dut, s->transport, s->port);
	if (f && strlist_has(&f->discloses, it->field))
		return true;
	f = it->alt_port > 0 ? iface_of(d->ctx->dut, "tcp", it->alt_port) : NULL;
	return f && strlist_has(&f->discloses, it->field);
}

void
disc_add(disc_t *d, const service_t *s, const disc_item_t *it)
{
	const disc_field_t *fd = disclosure_field(it->field);
	if (fd == NULL || it->value == NULL)
		return;		/* a programming error in a caller; never invent fields */
	char val[DISC_VALUE_MAX];
	clean(it->value, val, sizeof(val));
	if (val[0] == '\0')
		return;
	char key[48];
	snprintf(key, sizeof(key), "%s/%d", s->transport, s->port);
	char *dedupe = xasprintf("%s %s=%s", key, it->field, val);
	if (strlist_has(&d->seen, dedupe)) {
		free(dedupe);
		return;
	}
	strlist_push_owned(&d->seen, dedupe);

	bool sr = it->sr >= 0 ? it->sr != 0 :
	    fd->sr == SR_YES || (fd->sr == SR_IF_VERSION && disclosure_versioned(val));
	char *item = xasprintf("%s %s=%.*s%s", key, it->field, DISC_ITEM_MAX, val,
	    strlen(val) > DISC_ITEM_MAX ? "..." : "");
	evidence_t *ev = d->ctx->ev;
	ev_list_push(ev, "disclosures", item);
	bool undecl = false;
	if (sr) {
		ev_list_push(ev, "security_relevant", item);
		undecl = !declared(d, s, it);
		/* The same undeclared field and value from several sources: list once. */
		if (undecl && !strlist_has(&d->undeclared_seen, item)) {
			strlist_push(&d->undeclared_seen, item);
			ev_list_push(ev, "undeclared", item);
		}
	}
	free(item);

	finding_t *f = ev_finding(ev, "disclosure", s->transport, s->protocol, s->port,
	    "%s on %s/%d discloses %s \"%s\" without authentication (%s)%s", s->protocol,
	    s->transport, s->port, it->field, val, it->source,
	    sr ? (undecl ? "; security-relevant and not declared" : "; security-relevant, declared") : "");
	finding_attr(f, "field", "%s", it->field);
	finding_attr(f, "value", "%s", val);
	finding_attr(f, "source", "%s", it->source);
	finding_attr(f, "security-relevant", "%s", sr ? "true" : "false");
	if (sr)
		finding_attr(f, "declared", "%s", undecl ? "no" : "yes");
	if (it->path)
		finding_attr(f, "path", "%s", it->path);
}

void
disc_unexamined(disc_t *d, const service_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = xvasprintf(fmt, ap);
	va_end(ap);
	char *item = xasprintf("%s/%d %s: %s", s->transport, s->port, s->protocol, why);
	ev_list_push(d->ctx->ev, "unexamined", item);
	free(item);
	free(why);
}

void
disc_not_fetched(disc_t *d, const service_t *s, const char *what, const char *why)
{
	char val[DISC_VALUE_MAX];
	clean(what, val, sizeof(val));
	char *item = xasprintf("%s/%d %s (%s)", s->transport, s->port, val, why);
	ev_list_push(d->ctx->ev, "not_fetched", item);
	free(item);
}

static bool
is(const service_t *s, const char *p)
{
	return strcmp(s->protocol, p) == 0;
}

static void
examine(disc_t *d, const service_t *s)
{
	disclosure_banner(d, s);
	disclosure_info(d, s);
	for (size_t k = 0; k < s->n_info && !disc_stop(d); k++)
		if (strcmp(s->info[k].key, "location") == 0)
			disclosure_upnp(d, s, s->info[k].val);
	if (disc_stop(d))
		return;
	if (is(s, "http") || is(s, "https"))
		disclosure_http(d, s);
	else if (is(s, "mqtt") || is(s, "mqtts"))
		disclosure_mqtt(d, s);
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const target_t *t = ctx->target;
	evidence_t *ev = ctx->ev;
	disc_t d = { .ctx = ctx };
	long long rt = step_int(ctx, "read-timeout"), ml = step_int(ctx, "mqtt-listen");
	if (rt < 1 || rt > 600000 || ml < 0 || ml > 600000)
		return probe_fail(ctx, PROBE_ERROR, "read-timeout and mqtt-listen must be "
		    "1..600000 ms");
	d.read_ms = (unsigned)rt;
	d.mqtt_ms = (unsigned)ml;

	ev_set_bool(ev, "dut_profile", ctx->dut && ctx->dut->n_ifaces > 0);
	ev_list_init(ev, "disclosures");
	ev_list_init(ev, "security_relevant");
	ev_list_init(ev, "undeclared");
	ev_list_init(ev, "not_fetched");
	ev_list_init(ev, "unexamined");
	size_t skipped = 0;
	for (size_t i = 0; i < t->n_svcs; i++) {
		if (disc_stop(&d)) {
			skipped = t->n_svcs - i;
			break;
		}
		examine(&d, &t->svcs[i]);
	}
	ev_set_int(ev, "sources_checked", d.sources);
	if (d.own_tls)
		tls_ctx_free(d.tls);
	strlist_free(&d.seen);
	size_t n_undecl = d.undeclared_seen.n;
	strlist_free(&d.undeclared_seen);

	if (t->n_svcs == 0)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "discovery found no open service: nothing could be examined");
	const value_t *un = ev_get(ev, "unexamined");
	size_t n_unex = un ? un->n_items : 0;
	/*
	 * An undeclared disclosure already decides; without one, a service that
	 * could not be examined (or time running out) means absence is unproven.
	 */
	if (n_undecl == 0 && (d.out_of_time || n_unex > 0)) {
		if (d.out_of_time)
			return probe_fail(ctx, PROBE_INCONCLUSIVE,
			    "the step's time ran out before every service was examined "
			    "(%zu of %zu services not started)", skipped, t->n_svcs);
		char *what = value_to_text(un);
		probe_status_t st = probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "could not examine everything: %s", what);
		free(what);
		return st;
	}
	return PROBE_OK;
}

const probe_kind_t probe_unauthenticated_disclosure = {
	.name = "unauthenticated-disclosure",
	.summary = "record what every service discloses without authentication",
	.scope = SCOPE_DEVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
