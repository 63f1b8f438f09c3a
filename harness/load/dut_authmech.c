/*
 * The IXIT 1-AuthMech sections of a DUT profile: the credentials the
 * manufacturer states, samples of the pre-installed passwords of units of the
 * model (5.1-2) and the brute-force prevention of each authentication
 * surface (5.1-5).  Checked as strictly as the rest of the profile.
 */
#include <stdlib.h>
#include <string.h>

#include "dut_load.h"

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
void
dut_load_creds(const sctx_t *sc, const ynode_t *list, dut_t *t)
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
		if (v[R_SERVICE] && sget_str(sc, v[R_SERVICE], "service", &c->service))
			dut_check_protocol(sc, v[R_SERVICE], "service", c->service);
	}
}

enum { P_SERIAL, P_MAC, P_SSID, P_USER, P_PASS, P__N };
static const skey_t sample_keys[P__N] = {
	[P_SERIAL] = { "serial", ST_SCALAR, false },
	[P_MAC] = { "mac", ST_SCALAR, false },
	[P_SSID] = { "ssid", ST_SCALAR, false },
	[P_USER] = { "user", ST_SCALAR, false },
	[P_PASS] = { "password", ST_SCALAR, true },
};

/*
 * password-samples: [{serial?, mac?, ssid?, user?, password}], the
 * pre-installed passwords of units of this model (5.1-2).  Scalars are taken
 * as written, so an unquoted serial 000123 keeps its zeros.  A sample
 * without an identifier can still be compared with the others, so that is
 * only a warning.
 */
void
dut_load_samples(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->samples = xcalloc(n, sizeof(*t->samples));
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		const ynode_t *v[P__N];
		const ynode_t *it = list->items[i];
		dut_sample_t *s = &t->samples[t->n_samples++];
		s->pos = (srcpos_t){ t->file, it->line, it->col };
		schema_check(sc, it, "password sample", sample_keys, P__N, v);
		if (it->kind != YN_MAP)
			continue;
		char **dst[P__N] = {
			[P_SERIAL] = &s->serial, [P_SSID] = &s->ssid,
			[P_USER] = &s->user, [P_PASS] = &s->password,
		};
		for (int j = 0; j < P__N; j++)
			if (v[j] && j != P_MAC)
				sget_text(sc, v[j], sample_keys[j].name, dst[j]);
		if (v[P_MAC])
			dut_load_mac(sc, v[P_MAC], &s->mac);
		if (!ymap_get(it, "serial") && !ymap_get(it, "mac") && !ymap_get(it, "ssid"))
			schema_warn(sc, it, "password sample has no serial, mac or ssid: it "
			    "can only be compared with the other samples");
		if (s->serial)
			dut_keys_add(&k, v[P_SERIAL], s->serial);
	}
	dut_keys_check(sc, &k, "password sample serial");
}

#define BF_MAX_MS (24UL * 60 * 60 * 1000)
#define BF_MAX_COUNT 1000000

enum { B_SERVICE, B_MECH, B_ATTEMPTS, B_DURATION, B_DELAY, B_PER_MIN, B__N };
static const skey_t bf_keys[B__N] = {
	[B_SERVICE] = { "service", ST_STR, false },
	[B_MECH] = { "mechanism", ST_STR, true },
	[B_ATTEMPTS] = { "attempts", ST_INT, false },
	[B_DURATION] = { "duration", ST_DURATION, false },
	[B_DELAY] = { "delay", ST_DURATION, false },
	[B_PER_MIN] = { "per-minute", ST_INT, false },
};

/* Which of the figures each mechanism takes (bit per B_ key), and their
 * names for the message when another one is given. */
static const struct {
	unsigned keys;
	const char *takes;
} bf_takes[] = {
	[BF_NONE] = { 0, "no figures" },
	[BF_LOCKOUT] = { (1u << B_ATTEMPTS) | (1u << B_DURATION), "attempts and duration" },
	[BF_DELAY] = { 1u << B_DELAY, "delay" },
	[BF_RATE_LIMIT] = { 1u << B_PER_MIN, "per-minute" },
};

static bool
parse_mech(const sctx_t *sc, const ynode_t *n, bf_mech_t *out)
{
	const char *names[ARRAY_LEN(bf_takes)];
	for (size_t m = 0; m < ARRAY_LEN(bf_takes); m++) {
		names[m] = bf_mech_str((bf_mech_t)m);
		if (strcmp(n->str, names[m]) == 0) {
			*out = (bf_mech_t)m;
			return true;
		}
	}
	const char *near = nearest(n->str, names, ARRAY_LEN(names));
	if (near)
		schema_err(sc, n, "unknown mechanism '%s' (did you mean '%s'?)", n->str, near);
	else
		schema_err(sc, n, "unknown mechanism '%s' (expected none, lockout, delay "
		    "or rate-limit)", n->str);
	return false;
}

/* Where `key` is written in mapping `map` (it is there). */
static const ynode_t *
key_node(const ynode_t *map, const char *key)
{
	for (size_t i = 0; i < map->n_pairs; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].key;
	return map;
}

/* One brute-force entry; false when it had errors. */
static bool
load_bf_entry(const sctx_t *sc, const ynode_t *it, dut_bruteforce_t *b)
{
	const ynode_t *v[B__N];
	size_t before = sc->d->errors;
	schema_check(sc, it, "brute-force entry", bf_keys, B__N, v);
	b->pos = (srcpos_t){ sc->file, it->line, it->col };
	if (v[B_SERVICE] && sget_str(sc, v[B_SERVICE], "service", &b->service))
		dut_check_protocol(sc, v[B_SERVICE], "service", b->service);
	bool known = v[B_MECH] && parse_mech(sc, v[B_MECH], &b->mechanism);
	for (int k = B_ATTEMPTS; k < B__N; k++)
		if (known && v[k] && !(bf_takes[b->mechanism].keys & (1u << k)))
			schema_err(sc, key_node(it, bf_keys[k].name),
			    "'%s' does not apply to mechanism %s (it takes %s)",
			    bf_keys[k].name, bf_mech_str(b->mechanism),
			    bf_takes[b->mechanism].takes);
	long long i;
	unsigned long ms;
	if (v[B_ATTEMPTS] && sget_int(sc, v[B_ATTEMPTS], "attempts", 1, BF_MAX_COUNT, &i))
		b->attempts = (int)i;
	if (v[B_DURATION] && sget_duration(sc, v[B_DURATION], "duration", 1, BF_MAX_MS, &ms))
		b->duration_ms = (unsigned)ms;
	if (v[B_DELAY] && sget_duration(sc, v[B_DELAY], "delay", 1, BF_MAX_MS, &ms))
		b->delay_ms = (unsigned)ms;
	if (v[B_PER_MIN] && sget_int(sc, v[B_PER_MIN], "per-minute", 1, BF_MAX_COUNT, &i))
		b->per_minute = (int)i;
	return sc->d->errors == before;
}

/*
 * brute-force: [{service?, mechanism, figures}], the prevention IXIT
 * 1-AuthMech declares per authentication surface (5.1-5); an entry without
 * a service covers every surface no other entry names.  One entry per
 * service.
 */
void
dut_load_bruteforce(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->bruteforce = xcalloc(n, sizeof(*t->bruteforce));
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		dut_bruteforce_t *b = &t->bruteforce[t->n_bruteforce++];
		if (load_bf_entry(sc, list->items[i], b))
			dut_keys_add(&k, list->items[i], b->service ? b->service :
			    "(every other service)");
	}
	dut_keys_check(sc, &k, "brute-force entry for");
}
