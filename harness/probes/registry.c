/*
 * The one table of probe kinds.  A new probe is a file in probes/ defining a
 * const probe_kind_t and one line here.
 */
#include "core/probe.h"

#include <string.h>

extern const probe_kind_t probe_service_inventory;
extern const probe_kind_t probe_ics_justification;
extern const probe_kind_t probe_cleartext_login;
extern const probe_kind_t probe_default_credentials;
extern const probe_kind_t probe_unauthenticated_disclosure;
extern const probe_kind_t probe_anonymous_resources;
extern const probe_kind_t probe_brute_force;
extern const probe_kind_t probe_tls_posture;
extern const probe_kind_t probe_password_quality;
extern const probe_kind_t probe_ssh_algorithms;
extern const probe_kind_t probe_dtls_posture;
extern const probe_kind_t probe_capture_cleartext;
extern const probe_kind_t probe_capture_credentials;
extern const probe_kind_t probe_capture_tls_client;
extern const probe_kind_t probe_capture_endpoints;
extern const probe_kind_t probe_capture_personal;
extern const probe_kind_t probe_published_info;
extern const probe_kind_t probe_update_channel;

static const probe_kind_t *const kinds[] = {
	&probe_service_inventory,
	&probe_ics_justification,
	&probe_cleartext_login,
	&probe_default_credentials,
	&probe_unauthenticated_disclosure,
	&probe_anonymous_resources,
	&probe_brute_force,
	&probe_tls_posture,
	&probe_password_quality,
	&probe_ssh_algorithms,
	&probe_dtls_posture,
	&probe_capture_cleartext,
	&probe_capture_credentials,
	&probe_capture_tls_client,
	&probe_capture_endpoints,
	&probe_capture_personal,
	&probe_published_info,
	&probe_update_channel,
};

const probe_kind_t *
probe_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

const probe_kind_t *const *
probe_all(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}
