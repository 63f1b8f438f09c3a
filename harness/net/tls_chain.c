/*
 * Reading a TLS 1.3 server's chain with one OpenSSL handshake (tls_chain.h).
 * Nothing is verified here: judging the chain is crypto/cert.c's job.
 */
#include "net/tls_chain.h"
#include "core/util.h"
#include "net/sock.h"
#include "net/tls.h"

#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain a device sends is a few KiB; anything far larger is not kept. */
#define CHAIN_CERT_MAX (64 * 1024)

static int
copy_chain(SSL *ssl, tls_certs_t *out, char *err, size_t errlen)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);	/* client side: leaf included */
	int n = sk ? sk_X509_num(sk) : 0;
	if (n <= 0) {
		snprintf(err, errlen, "the server sent no certificate");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (out->n == TLS_CERTS_MAX) {
			out->truncated = true;
			break;
		}
		X509 *x = sk_X509_value(sk, i);
		int len = i2d_X509(x, NULL);
		if (len <= 0 || len > CHAIN_CERT_MAX) {
			snprintf(err, errlen, "certificate %d of the chain cannot be encoded", i);
			tls_certs_clear(out);
			return -1;
		}
		uint8_t *der = xcalloc(1, (size_t)len);
		uint8_t *p = der;
		i2d_X509(x, &p);
		out->der[out->n] = der;
		out->len[out->n++] = (size_t)len;
	}
	return 0;
}

int
tls_fetch_chain(const target_addr_t *addr, int port, const char *sni, uint64_t deadline,
    const volatile int *cancel, evidence_t *ev, tls_certs_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	tls_ctx_t *t = tls_ctx_new(err, errlen);
	if (t == NULL)
		return -1;
	conn_t c;
	int rc = -1;
	net_status_t st = conn_tcp(&c, addr, port, deadline, cancel, ev);
	if (st != NET_OK) {
		snprintf(err, errlen, "connect: %s", net_status_str(st));
		tls_ctx_free(t);
		return -1;
	}
	tls_conn_t tc;
	st = tls_connect(t, &tc, &c, sni, deadline, err, errlen);
	if (st == NET_OK)
		rc = copy_chain(tc.ssl, out, err, errlen);
	tls_close(&tc);
	conn_close(&c);
	tls_ctx_free(t);
	return rc;
}
