/*
 * `iotcert check`: validate every configuration file given, whatever its
 * kind, without running anything, and check what only shows across files
 * (duplicate case ids).
 */
#include <string.h>

#include "core/decisions.h"
#include "crypto/policy.h"
#include "load.h"
#include "loaders.h"

typedef enum { DOC_UNKNOWN, DOC_CASE, DOC_SCHEME, DOC_DUT, DOC_CRYPTO,
	DOC_FRAMEWORK, DOC_DECISIONS } doc_kind_t;

static const char *const kind_names[] = {
	[DOC_UNKNOWN] = NULL, [DOC_CASE] = "test case",
	[DOC_SCHEME] = "scheme profile", [DOC_DUT] = "DUT profile",
	[DOC_CRYPTO] = "crypto policy", [DOC_FRAMEWORK] = "framework definition",
	[DOC_DECISIONS] = "decisions file",
};

static doc_kind_t
classify(const ydoc_t *doc)
{
	if (ymap_get(doc->root, "id"))
		return DOC_CASE;
	if (ymap_get(doc->root, "scheme"))
		return DOC_SCHEME;
	if (ymap_get(doc->root, "device"))
		return DOC_DUT;
	if (ymap_get(doc->root, "crypto-policy"))
		return DOC_CRYPTO;
	if (ymap_get(doc->root, "framework"))
		return DOC_FRAMEWORK;
	if (ymap_get(doc->root, "decisions"))
		return DOC_DECISIONS;
	return DOC_UNKNOWN;
}

bool
doc_wrong_kind(const ydoc_t *doc, const char *want, diags_t *d)
{
	const char *is = kind_names[classify(doc)];
	if (is == NULL || strcmp(is, want) == 0)
		return false;
	diags_add(d, DIAG_ERROR, doc->file, doc->root->line, doc->root->col,
	    "this is a %s, not a %s", is, want);
	return true;
}

static void
check_file(const char *path, caseset_t *cases, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return;
	switch (classify(doc)) {
	case DOC_CASE: {
		tcase_t *c = case_from_doc(doc, d);
		if (c)
			caseset_add_unique(cases, c, d);
		break;
	}
	case DOC_SCHEME:
		scheme_free(scheme_from_doc(doc, d));
		break;
	case DOC_DUT:
		dut_free(dut_from_doc(doc, d));
		break;
	case DOC_CRYPTO:
		crypto_policy_free(crypto_policy_from_doc(doc, d));
		break;
	case DOC_DECISIONS:
		/* Case ids are checked where the cases are known: at run time. */
		decisions_free(decisions_from_doc(doc, NULL, d));
		break;
	case DOC_FRAMEWORK: {
		scheme_t *s = xcalloc(1, sizeof(*s));
		framework_from_doc(doc, NULL, true, s, d);
		scheme_free(s);
		break;
	}
	default: {
		const ynode_t *r = doc->root;
		diags_add(d, DIAG_ERROR, doc->file, r ? r->line : 0, r ? r->col : 0,
		    "not a test case, scheme, device profile, crypto policy, framework "
		    "definition or decisions file (expected a top-level 'id', 'scheme', "
		    "'device', 'crypto-policy', 'framework' or 'decisions' key)");
		break;
	}
	}
	ydoc_free(doc);
}

int
load_check_paths(char *const *paths, size_t n, diags_t *d, size_t *files_checked)
{
	size_t before = d->errors;
	strlist_t files = { 0 };
	for (size_t i = 0; i < n; i++)
		yaml_files(paths[i], &files, d);
	caseset_t cases = { 0 };
	for (size_t i = 0; i < files.n; i++)
		check_file(files.v[i], &cases, d);
	if (files_checked)
		*files_checked = files.n;
	caseset_free(&cases);
	strlist_free(&files);
	return (int)(d->errors - before);
}
