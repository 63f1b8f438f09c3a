/*
 * TLS client over a conn_t, with the same deadlines and cancel flag.  The
 * context accepts anything a device offers (no verification, security level
 * 0, TLS 1.0 and up): probes must be able to talk to weak devices in order to
 * report on them.  One tls_ctx_t is shared by all worker threads.
 */
#ifndef IOTCERT_TLS_H
#define IOTCERT_TLS_H

#include <openssl/ssl.h>

#include "net/sock.h"

typedef struct tls_ctx tls_ctx_t;
typedef struct tls_conn {
	SSL *ssl;
	conn_t *conn;		/* borrowed */
	char version[16];	/* "TLSv1.2" after the handshake */
	char cipher[64];
} tls_conn_t;

tls_ctx_t *tls_ctx_new(char *err, size_t errlen);
void tls_ctx_free(tls_ctx_t *t);

/* Handshake by deadline; NET_OK or a status with err filled. */
net_status_t tls_connect(tls_ctx_t *t, tls_conn_t *tc, conn_t *c, const char *sni,
    uint64_t deadline, char *err, size_t errlen);
net_status_t tls_read(tls_conn_t *tc, void *buf, size_t cap, size_t *got, uint64_t deadline);
net_status_t tls_write(tls_conn_t *tc, const void *buf, size_t n, uint64_t deadline);
void tls_close(tls_conn_t *tc);	/* frees the SSL, not the conn */

const char *tls_lib_version(void);

#endif
