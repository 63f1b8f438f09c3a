/*
 * Provision lists: each entry's framework, edition and ref are checked
 * against the framework table; `deemed-by` / `mapped-from` sources against
 * the provisions already loaded, so a roll-up can never silently take in
 * nothing because of a typo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frameworks.h"
#include "provision_load.h"

enum { P_FRAMEWORK, P_EDITION, P_REF, P_STATUS, P_TITLE, P_CATEGORY, P_KIND,
	P_DEEMED, P_MAPPED, P__N };
static const skey_t provision_keys[P__N] = {
	[P_FRAMEWORK] = { "framework", ST_STR, false },
	[P_EDITION] = { "edition", ST_STR, false },
	[P_REF] = { "ref", ST_SCALAR, true },
	[P_STATUS] = { "status", ST_STR, false },
	[P_TITLE] = { "title", ST_STR, true },
	[P_CATEGORY] = { "category", ST_SCALAR, false },
	[P_KIND] = { "kind", ST_STR, false },
	[P_DEEMED] = { "deemed-by", ST_SEQ, false },
	[P_MAPPED] = { "mapped-from", ST_SEQ, false },
};

static const char *
known_frameworks(char *buf, size_t len)
{
	const char *t[32];
	size_t n = framework_tokens(t, ARRAY_LEN(t));
	buf[0] = '\0';
	for (size_t i = 0; i < n && i < ARRAY_LEN(t); i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t[i]);
	}
	return buf;
}

bool
check_framework(const sctx_t *sc, const ynode_t *n, const char *tok)
{
	if (framework_find(tok))
		return true;
	const char *t[32];
	size_t nt = framework_tokens(t, ARRAY_LEN(t));
	const char *near = nearest(tok, t, nt < ARRAY_LEN(t) ? nt : ARRAY_LEN(t));
	char all[512];
	if (near)
		schema_err(sc, n, "unknown framework '%s' (did you mean '%s'?)", tok, near);
	else
		schema_err(sc, n, "unknown framework '%s' (known: %s)", tok,
		    known_frameworks(all, sizeof(all)));
	return false;
}

/* Splits "token[-edition] ref" at the space; the framework part is matched
 * against table keys ("en303645-2.1.1") and then tokens ("en303645"). */
static bool
key_split(const char *key, const framework_key_t **fk, bool *versioned,
    const char **ref)
{
	const char *sp = strchr(key, ' ');
	if (sp == NULL || sp == key || sp[1] == '\0' || strchr(sp + 1, ' '))
		return false;
	char fw[64];
	size_t n = (size_t)(sp - key);
	if (n >= sizeof(fw))
		return false;
	memcpy(fw, key, n);
	fw[n] = '\0';
	*ref = sp + 1;
	*versioned = false;
	if ((*fk = framework_key_find(fw)) != NULL && (*fk)->edition) {
		*versioned = true;
		return true;
	}
	return (*fk = framework_find(fw)) != NULL;
}

bool
provision_key_matches(const char *key, const provision_t *p)
{
	const framework_key_t *fk;
	bool versioned;
	const char *ref;
	if (p->framework == NULL || p->ref == NULL ||
	    !key_split(key, &fk, &versioned, &ref) ||
	    strcmp(fk->framework, p->framework) != 0)
		return false;
	if (versioned && (p->edition == NULL || strcmp(fk->edition, p->edition) != 0))
		return false;
	if (strcmp(ref, "mandatory") == 0)
		return provision_mandatory(p);
	if (strcmp(ref, p->ref) == 0)
		return true;
	/* V3.1.3 split some provisions in two (5.3-4 into 5.3-4A and 5.3-4B):
	 * an edition-less key for the whole names both halves. */
	size_t n = strlen(ref);
	return !versioned && strncmp(ref, p->ref, n) == 0 &&
	    (p->ref[n] == 'A' || p->ref[n] == 'B') && p->ref[n + 1] == '\0' &&
	    ref[n - 1] >= '0' && ref[n - 1] <= '9';
}

static bool
source_known(const char *key, const scheme_t *s, size_t upto)
{
	for (size_t i = 0; i < upto; i++) {
		const provision_t *p = &s->provisions[i];
		/* Entries that failed to load have no framework or ref. */
		if (p->framework && p->ref && provision_key_matches(key, p))
			return true;
	}
	return false;
}

static void
load_sources(const sctx_t *sc, const ynode_t *list, const char *label,
    const prov_defaults_t *def, const scheme_t *s, size_t self, provision_t *p)
{
	if (p->basis) {
		schema_err(sc, list, "%s: a provision takes 'deemed-by' or 'mapped-from', "
		    "not both", label);
		return;
	}
	p->basis = xstrdup(label);
	if (!sget_strlist(sc, list, label, &p->from))
		return;
	for (size_t i = 0; i < p->from.n; i++) {
		const char *k = p->from.v[i], *ref;
		const framework_key_t *fk;
		bool versioned;
		const ynode_t *at = list->items[i];
		if (!key_split(k, &fk, &versioned, &ref)) {
			schema_err(sc, at, "%s: '%s' is not 'FRAMEWORK REF' (e.g. "
			    "'en303645 5.1-1', 'en303645-2.1.1 5.1-1', 'en303645 mandatory')",
			    label, k);
			continue;
		}
		if (strcmp(ref, "mandatory") != 0 && !framework_ref_ok(fk, ref)) {
			schema_err(sc, at, "%s: bad %s provision ref '%s' (expected %s)",
			    label, fk->framework, ref, fk->ref_re);
			continue;
		}
		if (!def->check_sources || source_known(k, s, self))
			continue;
		/* An edition-less key may name a provision only one edition has
		 * (5.6-4 in V2.1.1, 5.6-4A in V3.1.3): shared mapping files then
		 * serve schemes of either edition. */
		if (versioned || strcmp(ref, "mandatory") == 0)
			schema_err(sc, at, "%s: '%s' names no provision loaded before this "
			    "one (include the framework file that defines it first)", label, k);
		else
			schema_warn(sc, at, "%s: '%s' names no provision loaded before this "
			    "one; it is ignored", label, k);
	}
}

static bool
load_provision(const sctx_t *sc, const ynode_t *n, const prov_defaults_t *def,
    scheme_t *s, size_t self)
{
	provision_t *p = &s->provisions[self];
	const ynode_t *v[P__N];
	size_t before = sc->d->errors;
	schema_check(sc, n, "provision", provision_keys, P__N, v);
	const framework_key_t *fk = NULL;
	if (v[P_FRAMEWORK] && def->framework)
		schema_err(sc, v[P_FRAMEWORK], "provision: the file's framework '%s' "
		    "applies; remove 'framework'", def->framework);
	else if (v[P_FRAMEWORK])
		p->framework = xstrdup(v[P_FRAMEWORK]->str);
	else if (def->framework)
		p->framework = xstrdup(def->framework);
	else
		schema_err(sc, n, "provision: 'framework' is required");
	if (p->framework && check_framework(sc, v[P_FRAMEWORK] ? v[P_FRAMEWORK] : n,
	    p->framework))
		fk = framework_find(p->framework);
	if (fk && def->rollup && !strlist_has(def->rollup, p->framework))
		schema_warn(sc, v[P_FRAMEWORK] ? v[P_FRAMEWORK] : n, "framework '%s' "
		    "is not in this scheme's 'frameworks'; its provisions are not rolled up",
		    p->framework);
	if (v[P_EDITION])
		sget_str(sc, v[P_EDITION], "edition", &p->edition);
	else if (def->framework && def->edition)
		p->edition = xstrdup(def->edition);
	/* Case maps carry an edition only for versioned frameworks; a provision
	 * must say the same or the roll-up would never match them. */
	if (fk && fk->edition && p->edition == NULL)
		schema_err(sc, n, "provision: framework '%s' needs an 'edition'",
		    p->framework);
	else if (fk && fk->edition && !framework_edition_known(p->framework, p->edition))
		schema_err(sc, v[P_EDITION] ? v[P_EDITION] : n, "unknown edition '%s' of "
		    "'%s'", p->edition, p->framework);
	else if (fk && !fk->edition && p->edition)
		schema_err(sc, v[P_EDITION] ? v[P_EDITION] : n, "framework '%s' is not "
		    "versioned; remove 'edition'", p->framework);
	if (v[P_REF] && sget_text(sc, v[P_REF], "ref", &p->ref) && fk &&
	    !framework_ref_ok(fk, p->ref))
		schema_err(sc, v[P_REF], "bad %s provision ref '%s' (expected %s)",
		    p->framework, p->ref, fk->ref_re);
	if (v[P_STATUS])
		sget_str(sc, v[P_STATUS], "status", &p->status);
	if (v[P_TITLE])
		sget_str(sc, v[P_TITLE], "title", &p->title);
	if (v[P_CATEGORY])
		sget_text(sc, v[P_CATEGORY], "category", &p->category);
	if (v[P_KIND] && sget_str(sc, v[P_KIND], "kind", &p->kind) &&
	    strcmp(p->kind, "conceptual") != 0 && strcmp(p->kind, "functional") != 0 &&
	    strcmp(p->kind, "conceptual+functional") != 0)
		schema_err(sc, v[P_KIND], "kind must be conceptual, functional or "
		    "conceptual+functional, got '%s'", p->kind);
	if (v[P_DEEMED])
		load_sources(sc, v[P_DEEMED], "deemed-by", def, s, self, p);
	if (v[P_MAPPED])
		load_sources(sc, v[P_MAPPED], "mapped-from", def, s, self, p);
	return sc->d->errors == before;
}

void
load_provisions(const sctx_t *sc, const ynode_t *list, const prov_defaults_t *def,
    scheme_t *s)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	size_t first = s->n_provisions;
	s->provisions = xrealloc(s->provisions, first + n, sizeof(*s->provisions));
	memset(&s->provisions[first], 0, n * sizeof(*s->provisions));
	char **keys = xcalloc(n, sizeof(*keys));
	const ynode_t **nodes = xcalloc(n, sizeof(*nodes));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		size_t self = s->n_provisions++;
		if (!load_provision(sc, list->items[i], def, s, self))
			continue;
		const provision_t *p = &s->provisions[self];
		nodes[nk] = list->items[i];
		keys[nk++] = xasprintf("%s%s%s %s", p->framework, p->edition ? "-" : "",
		    p->edition ? p->edition : "", p->ref);
	}
	schema_dups(sc, nodes, (const char *const *)keys, nk, "provision");
	for (size_t i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
	free(nodes);
}
