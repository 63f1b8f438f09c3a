/*
 * The one table of passive analyzers.  A new analyzer is a file in
 * passive/ defining a const pv_analyzer_t and one line here.
 */
#include "passive/analyzer.h"

#include <string.h>

extern const pv_analyzer_t pv_an_cleartext;
extern const pv_analyzer_t pv_an_credentials;
extern const pv_analyzer_t pv_an_tls_client;
extern const pv_analyzer_t pv_an_endpoints;
extern const pv_analyzer_t pv_an_personal;

static const pv_analyzer_t *const table[] = {
	&pv_an_cleartext,
	&pv_an_credentials,
	&pv_an_tls_client,
	&pv_an_endpoints,
	&pv_an_personal,
};

const pv_analyzer_t *const *
pv_analyzers(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const pv_analyzer_t *
pv_analyzer_find(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}
