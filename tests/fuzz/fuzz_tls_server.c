/*
 * Feeds the server side of a TLS handshake: the same bytes as a ServerHello
 * body (tls_parse_server_hello), a Certificate body (tls_parse_certificate),
 * a heartbeat reply (tls_heartbleed_classify), and as a first flight fed to
 * the reassembler of tls_flight.c (tls_stream_feed) in pieces whose sizes
 * come from the first input byte, with and without certificate keeping.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/tls_hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
feed(const uint8_t *p, size_t n, size_t step, bool certs)
{
	tls_stream_t *s = tls_stream_new(certs);
	if (s == NULL)
		return;
	size_t off = 0;
	while (off < n) {
		size_t k = n - off < step ? n - off : step;
		tls_feed_t rc = tls_stream_feed(s, p + off, k);
		off += k;
		if (rc != TLS_FEED_MORE)
			break;
	}
	(void)tls_stream_errmsg(s);
	(void)tls_perr_str(tls_stream_err(s));
	tls_certs_clear(&tls_stream_flight_mut(s)->certs);
	tls_stream_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] + 1;
	const uint8_t *p = data + 1;
	size_t n = size - 1;

	tls_server_hello_t sh;
	(void)tls_parse_server_hello(p, n, &sh);
	tls_certs_t c = { 0 };
	(void)tls_parse_certificate(p, n, &c);
	tls_certs_clear(&c);
	(void)tls_hb_verdict_str(tls_heartbleed_classify(p, n, step & 0x1f));

	feed(p, n, n ? n : 1, true);
	feed(p, n, step, false);
	return 0;
}
