/*
 * Feeds a CoAP datagram to coap_parse and, when it parses, its payload to
 * the CoRE link-format walker (linkfmt_walk, linkfmt_local_path on every
 * target); the whole input is also walked as link-format directly and
 * converted from CoAP over TCP framing (coap_tcp_to_udp).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/coap.h"
#include "proto/coap_tcp.h"
#include "proto/linkformat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_link(void *arg, const char *target)
{
	*(size_t *)arg += linkfmt_local_path(target) ? 1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t local = 0;
	coap_msg_t m;
	if (coap_parse(data, size, &m) == 0) {
		char code[8];
		coap_code_str(m.code, code);
		if (m.payload != NULL)
			(void)linkfmt_walk(m.payload, m.payload_len, on_link, &local);
	}
	(void)linkfmt_walk(data, size, on_link, &local);

	uint8_t out[2048];
	size_t used = 0, outlen = 0;
	if (coap_tcp_to_udp(data, size, out, sizeof(out), &used, &outlen) == 0 &&
	    outlen <= sizeof(out))
		(void)coap_parse(out, outlen, &m);
	return 0;
}
