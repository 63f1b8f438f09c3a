/*
 * Service identification from what a port says, pure: no sockets.  Each
 * function looks at bytes a device sent (a spontaneous banner, or the answer
 * to one of our probes) and says which protocol it is, with product and
 * version where the device states them.
 */
#ifndef IOTCERT_IDENT_H
#define IOTCERT_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ident {
	const char *protocol;	/* static token, NULL when not recognised */
	char product[64];
	char version[64];
	const char *how;	/* static text: how it was recognised */
} ident_t;

/* Case-insensitive search for needle in n bytes (which may hold NULs). */
bool mem_has_ci(const uint8_t *p, size_t n, const char *needle);
/* Text that ends in a shell prompt ('#' or '$', then blanks). */
bool ends_with_shell_prompt(const uint8_t *p, size_t n);

/* A banner the service sent on its own (ssh, telnet, ftp, smtp-like, shells). */
bool ident_banner(const uint8_t *p, size_t n, ident_t *id);
/* The answer to an HTTP request: "HTTP/1.x NNN" and the Server header. */
bool ident_http(const uint8_t *p, size_t n, ident_t *id);
/* The answer to an MQTT CONNECT: a CONNACK. */
bool ident_mqtt(const uint8_t *p, size_t n, ident_t *id);
/* The answer to an RTSP OPTIONS request. */
bool ident_rtsp(const uint8_t *p, size_t n, ident_t *id);
/* The answer to an ADB CNXN: a CNXN or AUTH message with a valid magic. */
bool ident_adb(const uint8_t *p, size_t n, ident_t *id);
/* The answer to a CoAP-over-TCP CSM (RFC 8323): the server's own CSM. */
bool ident_coap_tcp(const uint8_t *p, size_t n, ident_t *id);
/* The answer to a TLS ClientHello: a handshake or alert record. */
bool ident_tls_record(const uint8_t *p, size_t n);

/* Finds an HTTP header value (case-insensitive name) in a response head;
 * copies up to outlen-1 bytes. */
bool http_header(const uint8_t *p, size_t n, const char *name, char *out, size_t outlen);
/* HTTP status code of a response, or -1. */
int http_status(const uint8_t *p, size_t n);

/* Bytes of the MQTT 3.1.1 CONNECT we send (clean session, client id given). */
size_t mqtt_connect_build(uint8_t *out, size_t cap, const char *client_id,
    const char *user, const char *pass);
/* Bytes of an ADB host CNXN message. */
size_t adb_connect_build(uint8_t *out, size_t cap);
/* Bytes of an empty CoAP-over-TCP CSM signalling message. */
size_t coap_tcp_csm_build(uint8_t *out, size_t cap);

#endif
