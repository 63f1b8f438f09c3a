/*
 * Scheme profiles: which frameworks a run rolls up to, which cases it
 * selects, which ports discovery scans, and the provisions the scheme lists
 * so the report can show what was not tested.  Provision refs go through the
 * same framework table as test cases, so the two always agree on spelling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/policy.h"
#include "frameworks.h"
#include "load.h"
#include "loaders.h"
#include "provision_load.h"
#include "schema.h"

enum { K_SCHEME, K_TITLE, K_VERSION, K_SOURCE, K_FRAMEWORKS, K_CASES,
	K_DISCOVERY, K_INCLUDE, K_PROVISIONS, K_THRESHOLDS, K_CRYPTO, K__N };
static const skey_t scheme_keys[K__N] = {
	[K_SCHEME] = { "scheme", ST_STR, true },
	[K_TITLE] = { "title", ST_STR, true },
	[K_VERSION] = { "version", ST_STR, true },
	[K_SOURCE] = { "source", ST_STR, true },
	[K_FRAMEWORKS] = { "frameworks", ST_SEQ, true },
	[K_CASES] = { "cases", ST_SEQ, false },
	[K_DISCOVERY] = { "discovery", ST_MAP, true },
	[K_INCLUDE] = { "include", ST_SEQ, false },
	[K_PROVISIONS] = { "provisions", ST_SEQ, false },
	[K_THRESHOLDS] = { "thresholds", ST_MAP, false },
	[K_CRYPTO] = { "crypto-policy", ST_STR, false },
};

/*
 * The figures a scheme may set for probes to judge against.  A closed list,
 * so a misspelt threshold is an error at load time and not a default
 * silently used in an assessment.
 */
typedef struct threshold_spec {
	const char *name;
	long long min, max;
} threshold_spec_t;

static const threshold_spec_t threshold_specs[] = {
	/* 5.1-5: failed logins a surface may take before its prevention engages */
	{ "brute-force-max-free-attempts", 1, 1000 },
	/* 5.1-5: failed logins a minute a surface may sustain once engaged */
	{ "brute-force-max-per-minute", 1, 100000 },
};

static bool
is_token(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ?
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s) : false;
}

enum { D_TCP, D_UDP, D__N };
static const skey_t discovery_keys[D__N] = {
	[D_TCP] = { "tcp", ST_SEQ, true },
	[D_UDP] = { "udp", ST_SEQ, false },
};

static void
load_discovery(const sctx_t *sc, const ynode_t *n, scheme_t *s)
{
	const ynode_t *v[D__N];
	schema_check(sc, n, "discovery", discovery_keys, D__N, v);
	if (v[D_TCP] && sget_ports(sc, v[D_TCP], "tcp", &s->tcp_ports,
	    &s->n_tcp_ports) && s->n_tcp_ports == 0)
		schema_err(sc, v[D_TCP], "discovery: 'tcp' needs at least one port");
	if (v[D_UDP])
		sget_ports(sc, v[D_UDP], "udp", &s->udp_ports, &s->n_udp_ports);
}

static void
load_thresholds(const sctx_t *sc, const ynode_t *n, scheme_t *s)
{
	size_t nt = ARRAY_LEN(threshold_specs);
	const char *names[ARRAY_LEN(threshold_specs)];
	for (size_t i = 0; i < nt; i++)
		names[i] = threshold_specs[i].name;
	s->thresholds = xcalloc(n->n_pairs ? n->n_pairs : 1, sizeof(*s->thresholds));
	for (size_t i = 0; i < n->n_pairs; i++) {
		const ynode_t *k = n->pairs[i].key, *v = n->pairs[i].val;
		const threshold_spec_t *ts = NULL;
		for (size_t j = 0; j < nt; j++)
			if (strcmp(threshold_specs[j].name, k->str) == 0)
				ts = &threshold_specs[j];
		if (ts == NULL) {
			const char *near = nearest(k->str, names, nt);
			schema_err(sc, k, "unknown threshold '%s'%s%s%s", k->str,
			    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			continue;
		}
		long long x;
		if (!sget_int(sc, v, ts->name, ts->min, ts->max, &x))
			continue;
		param_t *p = &s->thresholds[s->n_thresholds++];
		p->name = xstrdup(ts->name);
		value_set_int(&p->val, x);
		p->pos = (srcpos_t){ sc->file, v->line, v->col };
	}
}

/*
 * `include:` names framework definition files, relative to the scheme's
 * directory, loaded in order: a later file's `deemed-by` may name an
 * earlier file's provisions (PSTI after EN 303 645).
 */
static void
load_includes(const sctx_t *sc, const ynode_t *list, scheme_t *s)
{
	strlist_t names = { 0 };
	if (!sget_strlist(sc, list, "include", &names))
		goto out;
	const char *slash = strrchr(s->file, '/');
	for (size_t i = 0; i < names.n; i++) {
		const char *f = names.v[i];
		char *path = f[0] == '/' || slash == NULL ? xstrdup(f) :
		    xasprintf("%.*s/%s", (int)(slash - s->file), s->file, f);
		size_t before = sc->d->errors;
		ydoc_t *doc = ydoc_load(path, sc->d);
		if (doc == NULL && sc->d->errors == before)
			schema_err(sc, list->items[i], "include: cannot load '%s'", path);
		if (doc && !doc_wrong_kind(doc, "framework definition", sc->d))
			framework_from_doc(doc, &s->frameworks, false, s, sc->d);
		if (sc->d->errors != before)
			schema_err(sc, list->items[i], "include: '%s' has errors", path);
		ydoc_free(doc);
		free(path);
	}
out:
	strlist_free(&names);
}

scheme_t *
scheme_from_doc(const ydoc_t *doc, diags_t *d)
{
	if (doc_wrong_kind(doc, "scheme profile", d))
		return NULL;
	size_t before = d->errors;
	scheme_t *s = xcalloc(1, sizeof(*s));
	s->file = xstrdup(doc->file);
	s->sha256 = xstrdup(doc->sha256);
	const sctx_t sc = { .file = s->file, .d = d };
	const ynode_t *v[K__N];
	schema_check(&sc, doc->root, "scheme profile", scheme_keys, K__N, v);
	if (v[K_SCHEME] && sget_str(&sc, v[K_SCHEME], "scheme", &s->name) &&
	    !is_token(s->name))
		schema_err(&sc, v[K_SCHEME], "scheme '%s' must match [a-z0-9][a-z0-9._-]*",
		    s->name);
	if (v[K_TITLE])
		sget_str(&sc, v[K_TITLE], "title", &s->title);
	if (v[K_VERSION])
		sget_str(&sc, v[K_VERSION], "version", &s->version);
	if (v[K_SOURCE])
		sget_str(&sc, v[K_SOURCE], "source", &s->source);
	if (v[K_FRAMEWORKS] && sget_strlist(&sc, v[K_FRAMEWORKS], "frameworks",
	    &s->frameworks)) {
		for (size_t i = 0; i < s->frameworks.n; i++)
			check_framework(&sc, v[K_FRAMEWORKS]->items[i], s->frameworks.v[i]);
		schema_dups(&sc, (const ynode_t *const *)v[K_FRAMEWORKS]->items,
		    (const char *const *)s->frameworks.v, s->frameworks.n, "framework");
		if (s->frameworks.n == 0)
			schema_err(&sc, v[K_FRAMEWORKS], "frameworks: at least one is needed");
	}
	if (v[K_CASES] && sget_strlist(&sc, v[K_CASES], "cases", &s->select))
		for (size_t i = 0; i < s->select.n; i++)
			if (s->select.v[i][0] == '\0')
				schema_err(&sc, v[K_CASES]->items[i], "cases: empty selector");
	if (v[K_DISCOVERY])
		load_discovery(&sc, v[K_DISCOVERY], s);
	if (v[K_INCLUDE])
		load_includes(&sc, v[K_INCLUDE], s);
	if (v[K_PROVISIONS]) {
		const prov_defaults_t def = { .rollup = &s->frameworks, .check_sources = true };
		load_provisions(&sc, v[K_PROVISIONS], &def, s);
	}
	if (v[K_THRESHOLDS])
		load_thresholds(&sc, v[K_THRESHOLDS], s);
	/* The policy file itself is loaded (and checked) by whoever runs the
	 * scheme; here only its name becomes a path, next to the scheme. */
	char *cp = NULL;
	if (v[K_CRYPTO] && sget_str(&sc, v[K_CRYPTO], "crypto-policy", &cp) &&
	    scheme_crypto_policy_path(s->file, cp, &s->crypto_policy) < 0)
		schema_err(&sc, v[K_CRYPTO], "crypto-policy: a policy name or a file path");
	free(cp);
	if (d->errors != before || doc->errors) {
		scheme_free(s);
		return NULL;
	}
	return s;
}

scheme_t *
load_scheme(const char *path, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return NULL;
	scheme_t *s = scheme_from_doc(doc, d);
	ydoc_free(doc);
	return s;
}
