/*
 * DUT profiles: the manufacturer's description of the device under test, the
 * interfaces it declares (compared with what discovery finds) and its ICS
 * (implementation conformance statement, TS 103 701 clause 4.2).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/protocols.h"
#include "probes/disclosure_fields.h"
#include "frameworks.h"
#include "load.h"
#include "loaders.h"
#include "schema.h"

enum { K_DEVICE, K_IFACES, K_ICS, K_CREDS, K__N };
static const skey_t dut_keys[K__N] = {
	[K_DEVICE] = { "device", ST_MAP, true },
	[K_IFACES] = { "interfaces", ST_SEQ, false },
	[K_ICS] = { "ics", ST_SEQ, false },
	[K_CREDS] = { "credentials", ST_SEQ, false },
};

enum { D_MANUF, D_MODEL, D_HW, D_SW, D_SERIAL, D_ADDRS, D__N };
static const skey_t device_keys[D__N] = {
	[D_MANUF] = { "manufacturer", ST_STR, true },
	[D_MODEL] = { "model", ST_STR, true },
	[D_HW] = { "hardware-version", ST_STR, true },
	[D_SW] = { "software-version", ST_STR, true },
	[D_SERIAL] = { "serial", ST_STR, true },
	[D_ADDRS] = { "addresses", ST_SEQ, false },
};

enum { I_TRANSPORT, I_PORT, I_PROTOCOL, I_STATUS, I_PURPOSE, I_DISCLOSES, I__N };
static const skey_t iface_keys[I__N] = {
	[I_TRANSPORT] = { "transport", ST_STR, true },
	[I_PORT] = { "port", ST_INT, true },
	[I_PROTOCOL] = { "protocol", ST_STR, false },
	[I_STATUS] = { "status", ST_STR, false },
	[I_PURPOSE] = { "purpose", ST_STR, false },
	[I_DISCLOSES] = { "discloses", ST_SEQ, false },
};

enum { C_REF, C_SUPPORT, C_DETAIL, C__N };
static const skey_t ics_keys[C__N] = {
	[C_REF] = { "ref", ST_SCALAR, true },
	[C_SUPPORT] = { "support", ST_STR, true },
	[C_DETAIL] = { "detail", ST_STR, false },
};

static void
load_device(const sctx_t *sc, const ynode_t *n, dut_t *t)
{
	const ynode_t *v[D__N];
	schema_check(sc, n, "device", device_keys, D__N, v);
	char **dst[D__N] = {
		[D_MANUF] = &t->manufacturer, [D_MODEL] = &t->model,
		[D_HW] = &t->hw_version, [D_SW] = &t->sw_version,
		[D_SERIAL] = &t->serial,
	};
	for (int i = D_MANUF; i <= D_SERIAL; i++)
		if (v[i])
			sget_str(sc, v[i], device_keys[i].name, dst[i]);
	if (v[D_ADDRS] && sget_strlist(sc, v[D_ADDRS], "addresses", &t->addresses)) {
		for (size_t i = 0; i < t->addresses.n; i++) {
			unsigned char a[16];
			const char *s = t->addresses.v[i];
			if (inet_pton(AF_INET, s, a) != 1 && inet_pton(AF_INET6, s, a) != 1)
				schema_err(sc, v[D_ADDRS]->items[i], "address '%s' is not an "
				    "IPv4 or IPv6 address", s);
		}
		schema_dups(sc, (const ynode_t *const *)v[D_ADDRS]->items,
		    (const char *const *)t->addresses.v, t->addresses.n, "address");
	}
}

/*
 * `discloses`: the disclosure field tokens (probes/disclosure_fields.c) the
 * manufacturer documents this interface as showing without authentication.
 */
static void
load_discloses(const sctx_t *sc, const ynode_t *list, dut_iface_t *f)
{
	if (!sget_strlist(sc, list, "discloses", &f->discloses))
		return;
	size_t nf;
	const disc_field_t *all = disclosure_fields(&nf);
	const char **names = xcalloc(nf, sizeof(*names));
	for (size_t i = 0; i < nf; i++)
		names[i] = all[i].token;
	for (size_t i = 0; i < f->discloses.n; i++) {
		const char *t = f->discloses.v[i];
		if (disclosure_field(t) != NULL)
			continue;
		const char *near = nearest(t, names, nf);
		schema_err(sc, list->items[i], "unknown disclosure field '%s'%s%s%s", t,
		    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	free(names);
	schema_dups(sc, (const ynode_t *const *)list->items,
	    (const char *const *)f->discloses.v, f->discloses.n, "disclosure field");
}

static bool
load_iface(const sctx_t *sc, const ynode_t *n, dut_iface_t *f)
{
	const ynode_t *v[I__N];
	size_t before = sc->d->errors;
	schema_check(sc, n, "interface", iface_keys, I__N, v);
	f->pos = (srcpos_t){ sc->file, n->line, n->col };
	f->enabled = true;
	if (v[I_TRANSPORT] && sget_str(sc, v[I_TRANSPORT], "transport", &f->transport) &&
	    strcmp(f->transport, "tcp") != 0 && strcmp(f->transport, "udp") != 0)
		schema_err(sc, v[I_TRANSPORT], "transport must be tcp or udp, got '%s'",
		    f->transport);
	long long port;
	if (v[I_PORT] && sget_int(sc, v[I_PORT], "port", 1, 65535, &port))
		f->port = (int)port;
	if (v[I_PROTOCOL] && sget_str(sc, v[I_PROTOCOL], "protocol", &f->protocol) &&
	    protocol_find(f->protocol) == NULL) {
		size_t np;
		const protocol_info_t *all = protocol_all(&np);
		const char **names = xcalloc(np, sizeof(*names));
		for (size_t i = 0; i < np; i++)
			names[i] = all[i].token;
		const char *near = nearest(f->protocol, names, np);
		schema_err(sc, v[I_PROTOCOL], "unknown protocol '%s'%s%s%s", f->protocol,
		    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		free(names);
	}
	if (v[I_STATUS]) {
		const char *s = v[I_STATUS]->str;
		if (strcmp(s, "enabled") == 0)
			f->enabled = true;
		else if (strcmp(s, "disabled") == 0)
			f->enabled = false;
		else
			schema_err(sc, v[I_STATUS], "status must be enabled or disabled, "
			    "got '%s'", s);
	}
	if (v[I_PURPOSE])
		sget_str(sc, v[I_PURPOSE], "purpose", &f->purpose);
	if (v[I_DISCLOSES])
		load_discloses(sc, v[I_DISCLOSES], f);
	return sc->d->errors == before;
}

static void
load_ifaces(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->ifaces = xcalloc(n, sizeof(*t->ifaces));
	char **keys = xcalloc(n, sizeof(*keys));
	const ynode_t **nodes = xcalloc(n, sizeof(*nodes));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		dut_iface_t *f = &t->ifaces[t->n_ifaces++];
		if (!load_iface(sc, list->items[i], f))
			continue;
		nodes[nk] = list->items[i];
		keys[nk++] = xasprintf("%s/%d", f->transport, f->port);
	}
	schema_dups(sc, nodes, (const char *const *)keys, nk, "interface");
	for (size_t i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
	free(nodes);
}

static bool
load_ics_entry(const sctx_t *sc, const ynode_t *n, ics_entry_t *e)
{
	const ynode_t *v[C__N];
	size_t before = sc->d->errors;
	schema_check(sc, n, "ICS entry", ics_keys, C__N, v);
	if (v[C_REF] && sget_text(sc, v[C_REF], "ref", &e->ref) &&
	    !framework_ref_ok(framework_find("en303645"), e->ref))
		schema_err(sc, v[C_REF], "bad ICS provision ref '%s' (expected %s)", e->ref,
		    EN303645_REF_RE);
	if (v[C_SUPPORT] && sget_str(sc, v[C_SUPPORT], "support", &e->support) &&
	    strcmp(e->support, "Y") != 0 && strcmp(e->support, "N") != 0 &&
	    strcmp(e->support, "N/A") != 0)
		schema_err(sc, v[C_SUPPORT], "support must be Y, N or N/A, got '%s'",
		    e->support);
	if (v[C_DETAIL])
		sget_str(sc, v[C_DETAIL], "detail", &e->detail);
	return sc->d->errors == before;
}

enum { R_USER, R_PASS, R_KIND, R_SERVICE, R__N };
static const skey_t cred_keys[R__N] = {
	[R_USER] = { "user", ST_SCALAR, true },
	[R_PASS] = { "password", ST_SCALAR, true },
	[R_KIND] = { "kind", ST_STR, true },
	[R_SERVICE] = { "service", ST_STR, false },
};

/*
 * credentials: [{user, password, kind: unique|default, service?}].  unique:
 * the unit's own or user-set password, which a probe must never report as a
 * default; default: a model-specific factory default to try besides the lists.
 */
static void
load_creds(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	if (list->n_items == 0)
		return;
	t->creds = xcalloc(list->n_items, sizeof(*t->creds));
	for (size_t i = 0; i < list->n_items; i++) {
		const ynode_t *v[R__N];
		const ynode_t *n = list->items[i];
		schema_check(sc, n, "credential", cred_keys, R__N, v);
		dut_cred_t *c = &t->creds[t->n_creds++];
		c->pos = (srcpos_t){ t->file, n->line, n->col };
		if (v[R_USER])
			sget_text(sc, v[R_USER], "user", &c->user);
		if (v[R_PASS])
			sget_text(sc, v[R_PASS], "password", &c->password);
		char *kind = NULL;
		if (v[R_KIND] && sget_str(sc, v[R_KIND], "kind", &kind)) {
			if (strcmp(kind, "unique") == 0)
				c->unique = true;
			else if (strcmp(kind, "default") != 0)
				schema_err(sc, v[R_KIND], "kind must be unique or default, got '%s'", kind);
		}
		free(kind);
		if (v[R_SERVICE] && sget_str(sc, v[R_SERVICE], "service", &c->service) &&
		    protocol_find(c->service) == NULL)
			schema_err(sc, v[R_SERVICE], "unknown service '%s'", c->service);
	}
}

static void
load_ics(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->ics = xcalloc(n, sizeof(*t->ics));
	const char **keys = xcalloc(n, sizeof(*keys));
	const ynode_t **nodes = xcalloc(n, sizeof(*nodes));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		ics_entry_t *e = &t->ics[t->n_ics++];
		if (!load_ics_entry(sc, list->items[i], e))
			continue;
		nodes[nk] = list->items[i];
		keys[nk++] = e->ref;
	}
	schema_dups(sc, nodes, keys, nk, "ICS ref");
	free(keys);
	free(nodes);
}

dut_t *
dut_from_doc(const ydoc_t *doc, diags_t *d)
{
	if (doc_wrong_kind(doc, "DUT profile", d))
		return NULL;
	size_t before = d->errors;
	dut_t *t = xcalloc(1, sizeof(*t));
	t->file = xstrdup(doc->file);
	t->sha256 = xstrdup(doc->sha256);
	const sctx_t sc = { .file = t->file, .d = d };
	const ynode_t *v[K__N];
	schema_check(&sc, doc->root, "DUT profile", dut_keys, K__N, v);
	if (v[K_DEVICE])
		load_device(&sc, v[K_DEVICE], t);
	if (v[K_IFACES])
		load_ifaces(&sc, v[K_IFACES], t);
	if (v[K_ICS])
		load_ics(&sc, v[K_ICS], t);
	if (v[K_CREDS])
		load_creds(&sc, v[K_CREDS], t);
	if (d->errors != before || doc->errors) {
		dut_free(t);
		return NULL;
	}
	return t;
}

dut_t *
load_dut(const char *path, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return NULL;
	dut_t *t = dut_from_doc(doc, d);
	ydoc_free(doc);
	return t;
}
