/*
 * DUT profiles: the manufacturer's description of the device under test, the
 * interfaces it declares (compared with what discovery finds) and its ICS
 * (implementation conformance statement, TS 103 701 clause 4.2).  The IXIT
 * 1-AuthMech sections (credentials, password samples, brute-force
 * prevention) are in dut_authmech.c.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/protocols.h"
#include "dut_load.h"
#include "probes/disclosure_fields.h"
#include "frameworks.h"
#include "load.h"
#include "loaders.h"
#include "schema.h"

enum { K_DEVICE, K_IFACES, K_ICS, K_CREDS, K_SAMPLES, K_BRUTE, K_COMMECH, K_USERINFO, K_UPDMECH,
	K__N };
static const skey_t dut_keys[K__N] = {
	[K_DEVICE] = { "device", ST_MAP, true },
	[K_IFACES] = { "interfaces", ST_SEQ, false },
	[K_ICS] = { "ics", ST_SEQ, false },
	[K_CREDS] = { "credentials", ST_SEQ, false },
	[K_SAMPLES] = { "password-samples", ST_SEQ, false },
	[K_BRUTE] = { "brute-force", ST_SEQ, false },
	[K_COMMECH] = { "communication", ST_SEQ, false },
	[K_USERINFO] = { "user-info", ST_MAP, false },
	[K_UPDMECH] = { "update", ST_SEQ, false },
};

enum { D_MANUF, D_MODEL, D_HW, D_SW, D_SERIAL, D_ADDRS, D_MAC, D__N };
static const skey_t device_keys[D__N] = {
	[D_MANUF] = { "manufacturer", ST_STR, true },
	[D_MODEL] = { "model", ST_STR, true },
	[D_HW] = { "hardware-version", ST_STR, true },
	[D_SW] = { "software-version", ST_STR, true },
	[D_SERIAL] = { "serial", ST_STR, true },
	[D_ADDRS] = { "addresses", ST_SEQ, false },
	[D_MAC] = { "mac", ST_SCALAR, false },
};

/*
 * 12 hex digits, optionally grouped by ':', '-' or '.' (02:00:5e:10:00:01,
 * 02-00-5E-10-00-01, 0200.5e10.0001, 02005e100001); kept as written, since
 * labels and Wi-Fi names show it in whichever form the vendor chose.
 */
static bool
mac_ok(const char *s)
{
	size_t hex = 0;
	for (const char *p = s; *p; p++) {
		if (strchr("0123456789abcdefABCDEF", *p))
			hex++;
		else if (!strchr(":-.", *p) || p == s || p[1] == '\0' || strchr(":-.", p[1]))
			return false;
	}
	return hex == 12;
}

void
dut_load_mac(const sctx_t *sc, const ynode_t *n, char **out)
{
	if (sget_text(sc, n, "mac", out) && !mac_ok(*out))
		schema_err(sc, n, "mac '%s' is not a MAC address (12 hex digits, "
		    "optionally separated by ':', '-' or '.')", *out);
}

bool
dut_check_protocol(const sctx_t *sc, const ynode_t *n, const char *what, const char *tok)
{
	if (protocol_find(tok) != NULL)
		return true;
	size_t np;
	const protocol_info_t *all = protocol_all(&np);
	const char **names = xcalloc(np, sizeof(*names));
	for (size_t i = 0; i < np; i++)
		names[i] = all[i].token;
	const char *near = nearest(tok, names, np);
	schema_err(sc, n, "unknown %s '%s'%s%s%s", what, tok,
	    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	free(names);
	return false;
}

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

void
dut_keys_init(dut_keys_t *k, size_t cap)
{
	*k = (dut_keys_t){ xcalloc(cap, sizeof(*k->keys)), xcalloc(cap, sizeof(*k->nodes)), 0,
	    { 0 } };
}

void
dut_keys_add(dut_keys_t *k, const ynode_t *node, const char *key)
{
	k->nodes[k->n] = node;
	k->keys[k->n++] = key;
}

void
dut_keys_check(const sctx_t *sc, dut_keys_t *k, const char *what)
{
	schema_dups(sc, k->nodes, k->keys, k->n, what);
	free(k->keys);
	free(k->nodes);
	strlist_free(&k->owned);
}

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
	if (v[D_MAC])
		dut_load_mac(sc, v[D_MAC], &t->mac);
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
	if (v[I_PROTOCOL] && sget_str(sc, v[I_PROTOCOL], "protocol", &f->protocol))
		dut_check_protocol(sc, v[I_PROTOCOL], "protocol", f->protocol);
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
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		dut_iface_t *f = &t->ifaces[t->n_ifaces++];
		if (!load_iface(sc, list->items[i], f))
			continue;
		char *key = xasprintf("%s/%d", f->transport, f->port);
		strlist_push_owned(&k.owned, key);
		dut_keys_add(&k, list->items[i], key);
	}
	dut_keys_check(sc, &k, "interface");
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

static void
load_ics(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->ics = xcalloc(n, sizeof(*t->ics));
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		ics_entry_t *e = &t->ics[t->n_ics++];
		if (load_ics_entry(sc, list->items[i], e))
			dut_keys_add(&k, list->items[i], e->ref);
	}
	dut_keys_check(sc, &k, "ICS ref");
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
		dut_load_creds(&sc, v[K_CREDS], t);
	if (v[K_SAMPLES])
		dut_load_samples(&sc, v[K_SAMPLES], t);
	if (v[K_BRUTE])
		dut_load_bruteforce(&sc, v[K_BRUTE], t);
	if (v[K_COMMECH])
		dut_load_commech(&sc, v[K_COMMECH], t);
	if (v[K_USERINFO])
		dut_load_userinfo(&sc, v[K_USERINFO], t);
	if (v[K_UPDMECH])
		dut_load_updmech(&sc, v[K_UPDMECH], t);
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
