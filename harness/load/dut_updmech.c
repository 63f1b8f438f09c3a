/*
 * The DUT profile's `update:` section: IXIT 7-UpdMech, each way the device
 * receives software updates — delivered over the network, locally or not
 * at all, who starts it, the servers it fetches from, the protocol, how an
 * image's authenticity is verified and with what cryptography.  The servers
 * and protocol are what the update-channel probe holds the capture to, so
 * a URL where a host belongs or a misspelt protocol is a file:line:col
 * error here, not a silent "not observed" later.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dut_load.h"

enum { U_ID, U_DESC, U_DELIVERY, U_INIT, U_SERVERS, U_PROTOCOL, U_AUTH, U_CRYPTO, U__N };
static const skey_t updmech_keys[U__N] = {
	[U_ID] = { "id", ST_STR, true },
	[U_DESC] = { "description", ST_STR, false },
	[U_DELIVERY] = { "delivery", ST_STR, true },
	[U_INIT] = { "initiation", ST_STR, false },
	[U_SERVERS] = { "servers", ST_SEQ, false },
	[U_PROTOCOL] = { "protocol", ST_STR, false },
	[U_AUTH] = { "authenticity", ST_STR, false },
	[U_CRYPTO] = { "crypto", ST_STR, false },
};

static const char *const deliveries[] = { "network", "local", "none" };
static const char *const initiations[] = { "automatic", "user", "both" };
static const char *const protocols[] = { "https", "http", "mqtts", "mqtt", "coaps", "coap",
	"other" };
static const char *const authenticities[] = { "signature", "none" };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* One of `allowed`, or an error naming them (and the nearest). */
static void
load_word(const sctx_t *sc, const ynode_t *n, const char *label, const char *const *allowed,
    size_t n_allowed, char **out)
{
	if (!sget_str(sc, n, label, out))
		return;
	for (size_t i = 0; i < n_allowed; i++)
		if (strcmp(*out, allowed[i]) == 0)
			return;
	char list[160] = "";
	for (size_t i = 0; i < n_allowed; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
		    i ? ", " : "", allowed[i]);
	const char *near = nearest(*out, allowed, n_allowed);
	schema_err(sc, n, "%s must be one of %s, got '%s'%s%s%s", label, list, *out,
	    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

/* A host name or an address literal: what a capture can name an endpoint by. */
static bool
host_ok(const char *h)
{
	if (h[0] == '\0' || strlen(h) > 253)
		return false;
	for (const char *p = h; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != ':' && *p != '_')
			return false;
	return true;
}

static void
load_servers(const sctx_t *sc, const ynode_t *list, dut_updmech_t *u)
{
	if (!sget_strlist(sc, list, "servers", &u->servers))
		return;
	for (size_t i = 0; i < u->servers.n; i++) {
		const char *h = u->servers.v[i];
		if (strstr(h, "://") != NULL)
			schema_err(sc, list->items[i], "server '%s' is a URL: write the host "
			    "name or address only (the protocol goes in `protocol`)", h);
		else if (!host_ok(h))
			schema_err(sc, list->items[i], "server '%s' is not a host name or an "
			    "address", h);
	}
	schema_dups(sc, (const ynode_t *const *)list->items,
	    (const char *const *)u->servers.v, u->servers.n, "server");
}

static void
load_entry(const sctx_t *sc, const ynode_t *n, dut_updmech_t *u)
{
	const ynode_t *v[U__N];
	schema_check(sc, n, "update entry", updmech_keys, U__N, v);
	u->pos = (srcpos_t){ sc->file, n->line, n->col };
	if (v[U_ID])
		sget_str(sc, v[U_ID], "id", &u->id);
	if (v[U_DESC])
		sget_str(sc, v[U_DESC], "description", &u->description);
	if (v[U_DELIVERY])
		load_word(sc, v[U_DELIVERY], "delivery", deliveries, N_OF(deliveries),
		    &u->delivery);
	if (v[U_INIT])
		load_word(sc, v[U_INIT], "initiation", initiations, N_OF(initiations),
		    &u->initiation);
	if (v[U_SERVERS])
		load_servers(sc, v[U_SERVERS], u);
	if (v[U_PROTOCOL])
		load_word(sc, v[U_PROTOCOL], "protocol", protocols, N_OF(protocols),
		    &u->protocol);
	if (v[U_AUTH])
		load_word(sc, v[U_AUTH], "authenticity", authenticities, N_OF(authenticities),
		    &u->authenticity);
	if (v[U_CRYPTO])
		sget_str(sc, v[U_CRYPTO], "crypto", &u->crypto);
	if (u->delivery && strcmp(u->delivery, "network") != 0 && u->servers.n > 0)
		schema_err(sc, v[U_SERVERS], "servers are stated for delivery '%s': only "
		    "network delivery fetches from a server", u->delivery);
}

/* update: [{id, description?, delivery, initiation?, servers?, protocol?, authenticity?, crypto?}] */
void
dut_load_updmech(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->updmech = xcalloc(n, sizeof(*t->updmech));
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		dut_updmech_t *u = &t->updmech[t->n_updmech++];
		load_entry(sc, list->items[i], u);
		if (u->id)
			dut_keys_add(&k, list->items[i], u->id);
	}
	dut_keys_check(sc, &k, "update entry id");
}
