/*
 * The certificate chain of a server that speaks only TLS 1.3.  There the
 * Certificate message is encrypted, so the hand-built handshakes of
 * tls_scan cannot read it: one complete handshake through OpenSSL (which
 * accepts anything, see net/tls.h) does, and only the chain is kept.
 */
#ifndef IOTCERT_TLS_CHAIN_H
#define IOTCERT_TLS_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"
#include "proto/tls_hello.h"

/*
 * Connects to addr:port by `deadline` and fills *out (cleared first; the
 * caller frees with tls_certs_clear) with the DER of every certificate the
 * server sent, leaf first, at most TLS_CERTS_MAX.  0 on success, -1 with
 * err filled.  The connection's flow goes to ev (may be NULL).
 */
int tls_fetch_chain(const target_addr_t *addr, int port, const char *sni, uint64_t deadline,
    const volatile int *cancel, evidence_t *ev, tls_certs_t *out, char *err, size_t errlen);

#endif
