/*
 * The protocol tokens the harness knows (for services, findings and case
 * applicability), with whether each carries logins or configuration in
 * cleartext when spoken without TLS.  One table, in protocols.c.
 */
#ifndef IOTCERT_PROTOCOLS_H
#define IOTCERT_PROTOCOLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct protocol_info {
	const char *token;	/* "telnet" */
	const char *title;	/* "Telnet" */
	bool cleartext_admin;	/* logins/configuration travel in clear */
	bool is_tls;		/* the token itself means TLS (https, mqtts) */
	const char *rarely_needed; /* why a consumer device rarely needs it, or NULL */
	const char *transports;	/* where it runs: "tcp", "udp", "udp tcp" */
} protocol_info_t;

/* Whether the protocol can run over transport ("tcp"/"udp"); an unknown
 * token can run anywhere. */
bool protocol_on_transport(const char *token, const char *transport);

const protocol_info_t *protocol_find(const char *token);
const protocol_info_t *protocol_all(size_t *n);

#endif
