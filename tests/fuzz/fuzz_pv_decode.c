/*
 * Feeds raw captured frames to the passive decoder pv_decode (link layer,
 * IPv4/IPv6 with extension headers, fragment reassembly, TCP/UDP) for the
 * link type the first input byte picks; the frames are split as
 * fuzz_frames.h says and each is copied to a buffer of exactly its length
 * so a read past the frame is caught.  Small reassembly caps and a short
 * timeout so the eviction paths run too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_frames.h"
#include "passive/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fz_frame_t f[FZ_MAX_FRAMES];
	size_t link;
	unsigned tsstep;
	size_t n = fz_split(data, size, &link, &tsstep, f);
	if (n == 0)
		return 0;
	pv_frag_limits_t lim = { .datagrams = 4, .bytes = 8192, .timeout_us = 1000000 };
	pv_decoder_t *d = pv_decoder_new(fz_links[link].dlt, &lim);
	if (d == NULL)
		return 0;
	int64_t ts = 1700000000LL * 1000000;
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = malloc(f[i].n ? f[i].n : 1);
		if (b == NULL)
			break;
		memcpy(b, f[i].p, f[i].n);
		pv_frame_t fr;
		/* wirelen: as captured, or longer (snapped) for odd frames */
		size_t wire = f[i].n + ((i & 1) ? tsstep : 0);
		if (pv_decode(d, b, f[i].n, wire, i + 1, ts, &fr) == 1 && fr.len > 0) {
			volatile uint8_t sink = fr.payload[0] ^ fr.payload[fr.len - 1];
			(void)sink;
		}
		free(b);
		ts += (int64_t)tsstep * 10000;
	}
	(void)pv_decode_stats(d);
	(void)pv_decoder_memory(d);
	pv_decoder_free(d);
	return 0;
}
