/*
 * Conceptual test cases from the scheme's TS 103 701 data (conceptual.h).
 * Each maps to its test case and to the EN 303 645 provision of its test
 * group (5.2-2-1 -> 5.2-2), and takes the provision's ICS entry, so a
 * justified N/A makes it NOT_APPLICABLE as for any case.  The "file" of
 * such a case is the framework file that defines it, with its hash.
 */
#include "conceptual.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static bool
mapped_by_loaded_case(const caseset_t *cs, const char *ref)
{
	for (size_t i = 0; i < cs->n; i++)
		for (size_t k = 0; k < cs->v[i]->n_maps; k++)
			if (strcmp(cs->v[i]->maps[k].framework, "ts103701") == 0 &&
			    strcmp(cs->v[i]->maps[k].ref, ref) == 0)
				return true;
	return false;
}

/* The one definition file of `framework` the scheme includes; NULL when it
 * includes none or two editions (a test group would be ambiguous). */
static const scheme_rule_t *
rule_of(const scheme_t *s, const char *framework)
{
	const scheme_rule_t *found = NULL;
	for (size_t i = 0; i < s->n_rules; i++) {
		if (strcmp(s->rules[i].framework, framework) != 0)
			continue;
		if (found)
			return NULL;	/* two editions: the group is ambiguous */
		found = &s->rules[i];
	}
	return found;
}

static void
add_map(tcase_t *c, const char *fw, const char *ed, const char *ref)
{
	c->maps = xrealloc(c->maps, c->n_maps + 1, sizeof(*c->maps));
	c->maps[c->n_maps++] = (mapping_t){ xstrdup(fw), ed ? xstrdup(ed) : NULL,
		xstrdup(ref), NULL };
}

size_t
caseset_add_conceptual(caseset_t *cs, const scheme_t *s)
{
	const scheme_rule_t *ts = s ? rule_of(s, "ts103701") : NULL;
	if (ts == NULL)
		return 0;
	const scheme_rule_t *en = rule_of(s, "en303645");
	size_t added = 0;
	for (size_t i = 0; i < s->n_provisions; i++) {
		const provision_t *p = &s->provisions[i];
		if (strcmp(p->framework, "ts103701") != 0 || p->kind == NULL ||
		    strstr(p->kind, "conceptual") == NULL || mapped_by_loaded_case(cs, p->ref))
			continue;
		const char *dash = strrchr(p->ref, '-');
		if (dash == NULL || dash == p->ref)
			continue;
		char *group = xstrndup(p->ref, (size_t)(dash - p->ref));
		tcase_t *c = xcalloc(1, sizeof(*c));
		c->id = xasprintf(CONCEPTUAL_ID_PREFIX "%s", p->ref);
		c->title = xasprintf("TS 103 701 %s (conceptual): %s", p->ref,
		    p->title ? p->title : group);
		c->description = xasprintf("The assessor judges the design the IXIT documents "
		    "against EN 303 645 %s.  The harness never decides a conceptual test "
		    "case: it takes the assessor's decision (--decisions FILE).", group);
		c->kind = CASE_CONCEPTUAL;
		add_map(c, "ts103701", NULL, p->ref);
		if (en)
			add_map(c, "en303645", en->edition, group);
		strlist_push(&c->tags, "assessor");
		strlist_push(&c->tags, "conceptual");
		c->ics_ref = group;
		c->file = xstrdup(ts->file);
		c->sha256 = xstrdup(ts->sha256);
		c->pos = (srcpos_t){ c->file, 0, 0 };
		caseset_add(cs, c);
		added++;
	}
	return added;
}
