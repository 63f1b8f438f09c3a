/*
 * What a secured channel carries, for the conditional mappings of the
 * crypto cases (`maps-when:`): logins (EN 303 645 5.1-3) and personal data
 * (5.8-1/5.8-2).  Personal data is the DUT profile's statement (IXIT
 * 11-ComMech / 21-PersData): a harness cannot see inside the encryption.
 * Logins are stated, implied by the protocol (SSH, FTPS), implied by
 * credentials the profile gives for the service, or seen: an HTTP 401
 * challenge or a login page at /, an MQTT broker refusing a CONNECT
 * without credentials.
 */
#ifndef IOTCERT_CHANNEL_FACTS_H
#define IOTCERT_CHANNEL_FACTS_H

#include "core/probe.h"

/* The field specs channel_facts() fills, for a probe's field table. */
#define CHANNEL_FACT_FIELDS \
	{ "carries_logins", VT_BOOL, "logins travel over this channel (maps it to 5.1-3)" }, \
	{ "logins_how", VT_STR, "how that was decided: declared, protocol, credentials, observed, or none" }, \
	{ "personal_data", VT_BOOL, "the DUT profile says personal data flows here (maps it to 5.8-1/5.8-2)" }

/* The list field undeclared_crypto() fills. */
#define UNDECLARED_FIELD \
	{ "undeclared", VT_LIST, "what the service accepts beyond the DUT profile's `communication:` declaration, as what:name" }

/*
 * Something the service accepts that the DUT profile's declaration of this
 * channel (IXIT 11-ComMech) leaves out: an item "what:value" in the
 * `undeclared` list and a finding kind undeclared-crypto whose attribute
 * `what` (version, suite, algorithm) is value and `declared` the list.
 * Returned for more attributes.
 */
finding_t *undeclared_crypto(probe_ctx_t *ctx, const char *what, const char *value,
    const strlist_t *declared);

/*
 * Sets carries_logins, logins_how and personal_data for ctx->svc.  May make
 * one request over the service (HTTP GET / or MQTT CONNECT, through TLS
 * when the service is TLS) under ctx's deadline; a failed request only
 * means "not seen".
 */
void channel_facts(probe_ctx_t *ctx);

#endif
