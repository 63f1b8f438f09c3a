/*
 * One connection to the service under test, plain or wrapped in TLS as the
 * service says (https, mqtts, rtsps, ftps ...), so each authenticator is
 * written once for both.  Every call takes the caller's deadline.
 */
#ifndef IOTCERT_AUTH_STREAM_H
#define IOTCERT_AUTH_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "net/sock.h"
#include "net/tls.h"

typedef struct auth_stream {
	conn_t c;
	tls_conn_t tc;
	bool tls;		/* tc is live */
	bool open;
	bool harness_fault;	/* the open failed on our side (no TLS context,
				 * out of descriptors or memory), not the device's */
} auth_stream_t;

/* Connects (and handshakes for TLS services).  NET_OK, or a status with err
 * in words (and harness_fault set when the failure is ours). */
net_status_t auth_stream_open(auth_stream_t *s, const auth_target_t *t, uint64_t deadline,
    char *err, size_t errlen);
net_status_t auth_stream_read(auth_stream_t *s, void *buf, size_t cap, size_t *got,
    uint64_t deadline);
net_status_t auth_stream_write(auth_stream_t *s, const void *buf, size_t n, uint64_t deadline);
void auth_stream_close(auth_stream_t *s);	/* safe on a closed stream */

#endif
