/*
 * Framework definition files (profiles/frameworks/): one standard or scheme
 * as data -- its source and version, its provisions with their statuses,
 * categories and the provisions their verdicts follow from, and the rule
 * that turns the provisions' roll-ups into one verdict for the scheme.  A
 * lab corrects a status or a mapping by editing the file.
 */
#include <string.h>

#include "frameworks.h"
#include "loaders.h"
#include "provision_load.h"

enum { F_FRAMEWORK, F_EDITION, F_TITLE, F_VERSION, F_SOURCE, F_VERDICT,
	F_CONDITIONS, F_FEATURES, F_CATEGORIES, F_NOTE, F_PROVISIONS, F__N };
static const skey_t fwdef_keys[F__N] = {
	[F_FRAMEWORK] = { "framework", ST_STR, true },
	[F_EDITION] = { "edition", ST_STR, false },
	[F_TITLE] = { "title", ST_STR, true },
	[F_VERSION] = { "version", ST_SCALAR, true },
	[F_SOURCE] = { "source", ST_STR, true },
	[F_VERDICT] = { "verdict", ST_STR, false },
	/* Documentation for the reader and the report; not interpreted. */
	[F_CONDITIONS] = { "conditions", ST_MAP, false },
	[F_FEATURES] = { "features", ST_MAP, false },
	[F_CATEGORIES] = { "categories", ST_MAP, false },
	[F_NOTE] = { "note", ST_STR, false },
	[F_PROVISIONS] = { "provisions", ST_SEQ, true },
};

static const struct {
	const char *name;
	scheme_rule_kind_t kind;
} rule_names[] = {
	{ "none", RULE_NONE },
	{ "all-mandatory", RULE_ALL_MANDATORY },
	{ "all", RULE_ALL },
	{ "levels", RULE_LEVELS },
};

static void
load_rule(const sctx_t *sc, const ynode_t *n, scheme_rule_t *u)
{
	const char *names[ARRAY_LEN(rule_names)];
	for (size_t i = 0; i < ARRAY_LEN(rule_names); i++) {
		names[i] = rule_names[i].name;
		if (strcmp(n->str, rule_names[i].name) == 0) {
			u->kind = rule_names[i].kind;
			return;
		}
	}
	const char *near = nearest(n->str, names, ARRAY_LEN(names));
	schema_err(sc, n, "verdict: unknown rule '%s'%s%s%s (known: none, "
	    "all-mandatory, all, levels)", n->str, near ? " (did you mean '" : "",
	    near ? near : "", near ? "'?)" : "");
}

bool
framework_from_doc(const ydoc_t *doc, const strlist_t *rollup, bool alone,
    scheme_t *s, diags_t *d)
{
	size_t before = d->errors;
	const sctx_t sc = { .file = doc->file, .d = d };
	const ynode_t *v[F__N];
	schema_check(&sc, doc->root, "framework definition", fwdef_keys, F__N, v);
	scheme_rule_t u = { .kind = RULE_NONE };
	const framework_key_t *fk = NULL;
	if (v[F_FRAMEWORK] && sget_str(&sc, v[F_FRAMEWORK], "framework", &u.framework) &&
	    check_framework(&sc, v[F_FRAMEWORK], u.framework))
		fk = framework_find(u.framework);
	if (v[F_EDITION])
		sget_str(&sc, v[F_EDITION], "edition", &u.edition);
	if (fk && fk->edition && u.edition == NULL)
		schema_err(&sc, doc->root, "framework '%s' needs an 'edition'", u.framework);
	else if (fk && u.edition && !framework_edition_known(u.framework, u.edition))
		schema_err(&sc, v[F_EDITION], "unknown edition '%s' of '%s'", u.edition,
		    u.framework);
	if (v[F_TITLE])
		sget_str(&sc, v[F_TITLE], "title", &u.title);
	if (v[F_VERSION])
		sget_text(&sc, v[F_VERSION], "version", &u.version);
	if (v[F_SOURCE])
		sget_str(&sc, v[F_SOURCE], "source", &u.source);
	if (v[F_VERDICT])
		load_rule(&sc, v[F_VERDICT], &u);
	u.file = xstrdup(doc->file);
	u.sha256 = xstrdup(doc->sha256);
	if (fk && v[F_PROVISIONS]) {
		const prov_defaults_t def = {
			.framework = u.framework, .edition = u.edition, .rollup = rollup,
			.check_sources = !alone,
		};
		load_provisions(&sc, v[F_PROVISIONS], &def, s);
	}
	for (size_t i = 0; i < s->n_rules; i++)
		if (u.framework && strcmp(s->rules[i].framework, u.framework) == 0 &&
		    ((u.edition == NULL && s->rules[i].edition == NULL) ||
		    (u.edition && s->rules[i].edition &&
		    strcmp(u.edition, s->rules[i].edition) == 0)))
			schema_err(&sc, doc->root, "framework '%s%s%s' is already included "
			    "(from %s)", u.framework, u.edition ? " " : "",
			    u.edition ? u.edition : "", s->rules[i].file);
	s->rules = xrealloc(s->rules, s->n_rules + 1, sizeof(*s->rules));
	s->rules[s->n_rules++] = u;
	return d->errors == before;
}
