/*
 * Loading provision lists, shared by scheme profiles (inline `provisions:`)
 * and framework definition files (profiles/frameworks/).  Refs and source
 * keys go through the framework table (frameworks.h), so a provision, a
 * case's `maps:` and a `deemed-by:` entry always agree on spelling.
 */
#ifndef IOTCERT_PROVISION_LOAD_H
#define IOTCERT_PROVISION_LOAD_H

#include "core/model.h"
#include "schema.h"

/* What a provision list inherits from the file it is in. */
typedef struct prov_defaults {
	const char *framework;	/* NULL: each provision names its own */
	const char *edition;
	const strlist_t *rollup; /* the scheme's `frameworks:`, for a warning; may be NULL */
	/* `deemed-by` and `mapped-from` entries must name a provision loaded
	 * before (an earlier include, or earlier in this list); false for a
	 * framework file checked alone, whose sources are elsewhere. */
	bool check_sources;
} prov_defaults_t;

/* Appends the provisions of sequence `list` to s->provisions. */
void load_provisions(const sctx_t *sc, const ynode_t *list,
    const prov_defaults_t *def, scheme_t *s);

/* Whether framework token `tok` is known; reports at `n` when not. */
bool check_framework(const sctx_t *sc, const ynode_t *n, const char *tok);

/*
 * Whether source key `key` ("en303645 5.1-1", "en303645-2.1.1 5.1-1",
 * "en303645 mandatory") names provision `p`.  "mandatory" names every
 * provision whose status is M.
 */
bool provision_key_matches(const char *key, const provision_t *p);

#endif
