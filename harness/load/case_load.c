/*
 * Test case files: one YAML document per case, checked completely (keys,
 * types, framework refs, service tokens, probe steps) so that a loaded case
 * can be run without further validation.
 */
#include <stdlib.h>
#include <string.h>

#include "case_step.h"
#include "core/probe.h"
#include "core/protocols.h"
#include "frameworks.h"
#include "load.h"
#include "loaders.h"
#include "schema.h"

#define MAX_TIMEOUT_MS (24UL * 60 * 60 * 1000)

enum { K_ID, K_TITLE, K_DESC, K_ASSESS, K_MAPS, K_MAPS_WHEN, K_TAGS, K_APPLIES, K_TIMEOUT,
	K_STEPS, K__N };
static const skey_t case_keys[K__N] = {
	[K_ID] = { "id", ST_STR, true },
	[K_TITLE] = { "title", ST_STR, true },
	[K_DESC] = { "description", ST_STR, true },
	[K_ASSESS] = { "assessment", ST_STR, true },
	[K_MAPS] = { "maps", ST_MAP, true },
	[K_MAPS_WHEN] = { "maps-when", ST_MAP, false },
	[K_TAGS] = { "tags", ST_SEQ, false },
	[K_APPLIES] = { "applies", ST_MAP, false },
	[K_TIMEOUT] = { "timeout", ST_DURATION, false },
	[K_STEPS] = { "steps", ST_SEQ, false },	/* required for functional cases, below */
};

enum { A_SERVICES, A_NEEDS_DUT, A_ICS, A__N };
static const skey_t applies_keys[A__N] = {
	[A_SERVICES] = { "services", ST_SEQ, false },
	[A_NEEDS_DUT] = { "needs-dut", ST_BOOL, false },
	[A_ICS] = { "ics", ST_SCALAR, false },
};

static bool
is_id(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s);
}

static bool
is_tag(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static void
nonempty_str(const sctx_t *sc, const ynode_t *n, const char *label, char **out)
{
	if (n == NULL || !sget_str(sc, n, label, out))
		return;
	if (strspn(*out, " \t\r\n") == strlen(*out))
		schema_err(sc, n, "'%s' must not be empty", label);
}

static void
unknown_framework(const sctx_t *sc, const ynode_t *k)
{
	size_t n;
	const framework_key_t *fk = framework_keys(&n);
	const char **names = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = fk[i].key;
	strlist_t l = { .v = (char **)names, .n = n, .cap = n };
	char *all = strlist_join(&l, ", ");
	const char *near = nearest(k->str, names, n);
	const framework_key_t *bare = framework_find(k->str);
	if (bare && bare->edition)	/* "en303645" alone: the edition is missing */
		schema_err(sc, k, "framework '%s' needs an edition, e.g. '%s' (known: %s)",
		    k->str, bare->key, all);
	else if (near)
		schema_err(sc, k, "unknown framework '%s' (did you mean '%s'?)", k->str,
		    near);
	else
		schema_err(sc, k, "unknown framework '%s' (known: %s)", k->str, all);
	free(all);
	free(names);
}

/* Adds the refs of `maps` ({framework: [refs]}) to c, each holding `when` (NULL: always). */
static void
add_maps(const sctx_t *sc, const ynode_t *maps, tcase_t *c, const char *when)
{
	size_t cap = c->n_maps;
	for (size_t i = 0; i < maps->n_pairs; i++) {
		const ynode_t *k = maps->pairs[i].key, *refs = maps->pairs[i].val;
		const framework_key_t *fk = framework_key_find(k->str);
		if (fk == NULL) {
			unknown_framework(sc, k);
			continue;
		}
		if (!schema_type_ok(refs, ST_SEQ)) {
			char got[96];
			schema_err(sc, refs, "'%s': expected a sequence of provision refs, "
			    "got %s", k->str, ynode_describe(refs, got, sizeof(got)));
			continue;
		}
		const char **texts = xcalloc(refs->n_items, sizeof(*texts));
		const ynode_t **nodes = xcalloc(refs->n_items, sizeof(*nodes));
		size_t n_ok = 0;
		for (size_t j = 0; j < refs->n_items; j++) {
			const ynode_t *r = refs->items[j];
			char *ref;
			if (!sget_text(sc, r, k->str, &ref))
				continue;
			if (!framework_ref_ok(fk, ref)) {
				schema_err(sc, r, "bad %s provision ref '%s' (expected %s)",
				    k->str, ref, fk->ref_re);
				free(ref);
				continue;
			}
			if (c->n_maps == cap) {
				cap = cap ? cap * 2 : 8;
				c->maps = xrealloc(c->maps, cap, sizeof(*c->maps));
			}
			mapping_t *m = &c->maps[c->n_maps++];
			m->framework = xstrdup(fk->framework);
			m->edition = xstrdup(fk->edition);
			m->ref = ref;
			m->when = xstrdup(when);
			nodes[n_ok] = r;
			texts[n_ok++] = ref;
		}
		schema_dups(sc, nodes, texts, n_ok, "provision ref");
		free(nodes);
		free(texts);
	}
}

static void
load_maps(const sctx_t *sc, const ynode_t *maps, tcase_t *c)
{
	size_t before = sc->d->errors;
	add_maps(sc, maps, c, NULL);
	if (c->n_maps == 0 && sc->d->errors == before)
		schema_err(sc, maps, "maps: at least one provision ref is needed");
}

/* Whether a probe of c's steps sets `name` as a boolean field. */
static bool
bool_field_of_steps(const tcase_t *c, const char *name)
{
	for (size_t i = 0; i < c->n_steps; i++) {
		/* A step without a usable probe name is reported on its own. */
		const probe_kind_t *k = c->steps[i].probe ? probe_find(c->steps[i].probe) : NULL;
		for (const field_spec_t *f = k ? k->fields : NULL; f && f->name; f++)
			if (f->type == VT_BOOL && strcmp(f->name, name) == 0)
				return true;
	}
	return false;
}

/*
 * maps-when: {FIELD: {framework: [refs]}}: provisions an instance maps to
 * only when its boolean evidence FIELD is true (5.1-3 where the channel
 * carries logins, 5.8-x where personal data flows).
 */
static void
load_maps_when(const sctx_t *sc, const ynode_t *n, tcase_t *c)
{
	for (size_t i = 0; i < n->n_pairs; i++) {
		const ynode_t *k = n->pairs[i].key, *maps = n->pairs[i].val;
		if (!schema_type_ok(maps, ST_MAP)) {
			char got[96];
			schema_err(sc, maps, "maps-when '%s': expected a mapping of framework to "
			    "provision refs, got %s", k->str, ynode_describe(maps, got, sizeof(got)));
			continue;
		}
		if (c->n_steps && !bool_field_of_steps(c, k->str))
			schema_err(sc, k, "maps-when: '%s' is not a boolean field of this case's "
			    "probes (see `iotcert list --long` and testcases/README.md)", k->str);
		add_maps(sc, maps, c, k->str);
	}
}

static void
load_tags(const sctx_t *sc, const ynode_t *n, tcase_t *c)
{
	if (!sget_strlist(sc, n, "tags", &c->tags))
		return;
	for (size_t i = 0; i < c->tags.n; i++)
		if (!is_tag(c->tags.v[i]))
			schema_err(sc, n->items[i], "tag '%s' must match [a-z0-9-]+",
			    c->tags.v[i]);
	schema_dups(sc, (const ynode_t *const *)n->items,
	    (const char *const *)c->tags.v, c->tags.n, "tag");
}

static void
load_services(const sctx_t *sc, const ynode_t *n, tcase_t *c)
{
	if (!sget_strlist(sc, n, "services", &c->services))
		return;
	size_t np;
	const protocol_info_t *all = protocol_all(&np);
	const char **names = xcalloc(np, sizeof(*names));
	for (size_t i = 0; i < np; i++)
		names[i] = all[i].token;
	for (size_t i = 0; i < c->services.n; i++) {
		char *s = xstrdup(c->services.v[i]);
		/* PROTO/tcp or PROTO/udp narrows a token that names both (tls). */
		char *slash = strchr(s, '/');
		if (slash && strcmp(slash + 1, "tcp") != 0 && strcmp(slash + 1, "udp") != 0)
			schema_err(sc, n->items[i], "service '%s': after '/' comes tcp or udp",
			    c->services.v[i]);
		if (slash)
			*slash = '\0';
		bool found = protocol_find(s) != NULL;
		if (found || slash) {
			if (!found)
				schema_err(sc, n->items[i], "unknown service '%s'", s);
			free(s);
			continue;
		}
		free(s);
		s = c->services.v[i];
		const char *near = nearest(s, names, np);
		if (near) {
			schema_err(sc, n->items[i], "unknown service '%s' (did you mean "
			    "'%s'?)", s, near);
		} else {
			strlist_t l = { .v = (char **)names, .n = np, .cap = np };
			char *known = strlist_join(&l, ", ");
			schema_err(sc, n->items[i], "unknown service '%s' (known: %s)", s,
			    known);
			free(known);
		}
	}
	free(names);
	schema_dups(sc, (const ynode_t *const *)n->items,
	    (const char *const *)c->services.v, c->services.n, "service");
}

static void
load_applies(const sctx_t *sc, const ynode_t *n, tcase_t *c)
{
	const ynode_t *v[A__N];
	schema_check(sc, n, "applies", applies_keys, A__N, v);
	if (v[A_SERVICES])
		load_services(sc, v[A_SERVICES], c);
	if (v[A_NEEDS_DUT])
		sget_bool(sc, v[A_NEEDS_DUT], "needs-dut", &c->needs_dut);
	if (v[A_ICS] && sget_text(sc, v[A_ICS], "ics", &c->ics_ref)) {
		const framework_key_t *fk = framework_find("en303645");
		if (!framework_ref_ok(fk, c->ics_ref))
			schema_err(sc, v[A_ICS], "bad ICS provision ref '%s' (expected %s)",
			    c->ics_ref, EN303645_REF_RE);
	}
}

static void
load_steps(const sctx_t *sc, const ynode_t *n, tcase_t *c)
{
	if (n->n_items == 0) {
		schema_err(sc, n, "steps: at least one step is needed");
		return;
	}
	c->steps = xcalloc(n->n_items, sizeof(*c->steps));
	c->n_steps = n->n_items;
	for (size_t i = 0; i < n->n_items; i++)
		case_step_load(sc, n->items[i], &c->steps[i]);
}

/*
 * A per-service probe in a case without applies.services would only fail at
 * run time with ERROR; say so now, at the probe.
 */
static void
check_scopes(const sctx_t *sc, const ynode_t *steps, const ynode_t *applies,
    const tcase_t *c)
{
	/* A capture probe runs after the capture has stopped, every other one
	 * before: one case cannot hold both. */
	size_t on_capture = 0;
	for (size_t i = 0; i < c->n_steps; i++) {
		const probe_kind_t *k = c->steps[i].probe ? probe_find(c->steps[i].probe) : NULL;
		on_capture += k && k->scope == SCOPE_CAPTURE;
	}
	if (on_capture && on_capture < c->n_steps)
		schema_err(sc, steps, "steps: probes over the capture (capture-*) run after "
		    "the capture has stopped and cannot share a case with other probes");
	if (on_capture && (c->services.n || ymap_get(applies, "services") != NULL))
		schema_err(sc, ymap_get(applies, "services"), "applies.services: a case over "
		    "the capture runs once per run, not per service");
	if (c->services.n || ymap_get(applies, "services") != NULL)
		return;
	for (size_t i = 0; i < c->n_steps; i++) {
		const probe_kind_t *k = c->steps[i].probe ?
		    probe_find(c->steps[i].probe) : NULL;
		if (k && k->scope == SCOPE_SERVICE)
			schema_err(sc, ymap_get(steps->items[i], "probe"), "probe '%s' runs "
			    "once per service: the case needs applies.services", k->name);
	}
}

tcase_t *
case_from_doc(const ydoc_t *doc, diags_t *d)
{
	if (doc_wrong_kind(doc, "test case", d))
		return NULL;
	size_t before = d->errors;
	tcase_t *c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(doc->file);
	c->sha256 = xstrdup(doc->sha256);
	/* Positions borrow c->file, so diagnostics and srcpos name the same string. */
	const sctx_t sc = { .file = c->file, .d = d };
	const ynode_t *root = doc->root, *v[K__N];
	schema_check(&sc, root, "test case", case_keys, K__N, v);
	if (root)
		c->pos = (srcpos_t){ c->file, root->line, root->col };
	if (v[K_ID] && sget_str(&sc, v[K_ID], "id", &c->id)) {
		c->pos = (srcpos_t){ c->file, v[K_ID]->line, v[K_ID]->col };
		if (!is_id(c->id))
			schema_err(&sc, v[K_ID], "id '%s' must match [A-Z0-9][A-Z0-9._-]*",
			    c->id);
	}
	nonempty_str(&sc, v[K_TITLE], "title", &c->title);
	nonempty_str(&sc, v[K_DESC], "description", &c->description);
	if (v[K_ASSESS]) {
		const char *a = v[K_ASSESS]->str;
		if (strcmp(a, "functional") == 0)
			c->kind = CASE_FUNCTIONAL;
		else if (strcmp(a, "conceptual") == 0)
			c->kind = CASE_CONCEPTUAL;
		else
			schema_err(&sc, v[K_ASSESS], "assessment must be functional or "
			    "conceptual, got '%s'", a);
	}
	if (v[K_MAPS])
		load_maps(&sc, v[K_MAPS], c);
	if (v[K_TAGS])
		load_tags(&sc, v[K_TAGS], c);
	if (v[K_APPLIES])
		load_applies(&sc, v[K_APPLIES], c);
	if (v[K_TIMEOUT]) {
		unsigned long ms;
		if (sget_duration(&sc, v[K_TIMEOUT], "timeout", 1, MAX_TIMEOUT_MS, &ms))
			c->timeout_ms = (unsigned)ms;
	}
	if (v[K_STEPS]) {
		load_steps(&sc, v[K_STEPS], c);
		check_scopes(&sc, v[K_STEPS], v[K_APPLIES], c);
		if (v[K_MAPS_WHEN])
			load_maps_when(&sc, v[K_MAPS_WHEN], c);
	} else if (c->kind == CASE_FUNCTIONAL && root && root->kind == YN_MAP) {
		/* Conceptual cases are an assessor's decision: they need no probe. */
		schema_err(&sc, root, "test case: missing required key 'steps' (a functional case "
		    "needs at least one probe step)");
	}
	if (v[K_MAPS_WHEN] && !v[K_STEPS])
		schema_err(&sc, v[K_MAPS_WHEN], "maps-when needs steps: its conditions are "
		    "fields the probes set");
	if (d->errors != before || doc->errors) {
		tcase_free(c);
		return NULL;
	}
	return c;
}

tcase_t *
load_case(const char *path, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return NULL;
	tcase_t *c = case_from_doc(doc, d);
	ydoc_free(doc);
	return c;
}

int
caseset_add_unique(caseset_t *s, tcase_t *c, diags_t *d)
{
	for (size_t i = 0; i < s->n; i++) {
		const tcase_t *o = s->v[i];
		if (strcmp(o->id, c->id) != 0)
			continue;
		diags_add(d, DIAG_ERROR, c->file, c->pos.line, c->pos.col,
		    "duplicate case id '%s' (also defined at %s:%d:%d)", c->id, o->file,
		    o->pos.line, o->pos.col);
		tcase_free(c);
		return 1;
	}
	caseset_add(s, c);
	return 0;
}

int
load_cases(const char *path, caseset_t *out, diags_t *d)
{
	size_t before = d->errors;
	strlist_t files = { 0 };
	yaml_files(path, &files, d);
	for (size_t i = 0; i < files.n; i++) {
		tcase_t *c = load_case(files.v[i], d);
		if (c)
			caseset_add_unique(out, c, d);
	}
	strlist_free(&files);
	return (int)(d->errors - before);
}
