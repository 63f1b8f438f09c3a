/*
 * Feeds a ClientHello handshake body (after type and length) to
 * tls_parse_client_hello, in its TLS and its DTLS form (cookie after the
 * session id), then derives the offered versions and suite names as the
 * passive TLS-client analyzer does.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/tls_client_hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int dtls = 0; dtls < 2; dtls++) {
		static tls_client_hello_info_t ch;
		if (tls_parse_client_hello(data, size, dtls, &ch) != TLS_P_OK)
			continue;
		uint16_t v[TLS_CH_MAX_VERSIONS + 1];
		(void)tls_ch_offered_versions(&ch, v, sizeof(v) / sizeof(v[0]));
		for (size_t i = 0; i < ch.n_suites && i < TLS_CH_MAX_SUITES; i++)
			(void)tls_suite_name(ch.suites[i]);
	}
	return 0;
}
