/*
 * Framework keys and provision-ref shapes.  The shapes are deliberately loose
 * (they catch typos, not every impossible number) and are quoted verbatim in
 * error messages so the author sees what is expected.
 */
#include "frameworks.h"

#include <regex.h>
#include <string.h>

#include "core/util.h"

#define EN_BODY "(4-1|5\\.0-1|[56](\\.[0-9]+)?-[0-9]+[AB]?)"

static const framework_key_t keys[] = {
	{ "en303645-2.1.1", "en303645", "2.1.1", EN303645_REF_RE },
	{ "en303645-3.1.3", "en303645", "3.1.3", EN303645_REF_RE },
	/* TS 103 701 test cases: the provision, then -1 (conceptual) or -2. */
	{ "ts103701", "ts103701", NULL, "^" EN_BODY "-[12]$" },
	{ "uk-psti", "uk-psti", NULL,
	    "^(Sch\\.[0-9]+-[0-9]+(\\.[0-9]+)*(\\([0-9a-z]+\\))*|[0-9]+(\\.[0-9]+)*)$" },
	{ "uk-cop", "uk-cop", NULL, "^[0-9]+(\\.[0-9]+)*$" },
	{ "sg-cls", "sg-cls", NULL, "^L[1-4]$" },
	{ "nist-ir-8259a", "nist-ir-8259a", NULL, "^[a-z]+(-[a-z]+)*$" },
	/* A requirement (AUM-5-1), or a group (GEC) where its numbers are not known. */
	{ "en18031", "en18031", NULL, "^[A-Z]{3}(-[0-9]+(-[0-9]+)?)?$" },
	{ "cra", "cra", NULL, "^I{1,2}(\\([0-9]+\\)(\\([a-z]\\))?)?$" },
	{ "owasp-isvs", "owasp-isvs", NULL, "^V?[0-9]+(\\.[0-9]+)*$" },
};

const framework_key_t *
framework_key_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

const framework_key_t *
framework_keys(size_t *n)
{
	*n = ARRAY_LEN(keys);
	return keys;
}

const framework_key_t *
framework_find(const char *token)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].framework, token) == 0)
			return &keys[i];
	return NULL;
}

size_t
framework_tokens(const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (i > 0 && strcmp(keys[i - 1].framework, keys[i].framework) == 0)
			continue;
		if (n < max)
			out[n] = keys[i].framework;
		n++;
	}
	return n;
}

bool
framework_edition_known(const char *token, const char *edition)
{
	const framework_key_t *fk = framework_find(token);
	if (fk == NULL || fk->edition == NULL)
		return true;
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].framework, token) == 0 && edition &&
		    strcmp(keys[i].edition, edition) == 0)
			return true;
	return false;
}

bool
framework_ref_ok(const framework_key_t *fk, const char *ref)
{
	regex_t re;
	/* Compiled per call: no mutable state, and refs are few. */
	if (regcomp(&re, fk->ref_re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool ok = regexec(&re, ref, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}
