/*
 * Feeds DTLS server datagrams: the whole input to dtls_parse (discovery's
 * first-record parser), then the input split into datagrams (a 2-byte
 * big-endian length before each) to the enumeration's reader
 * dtls_answer_feed, which reassembles ServerHello fragments across them.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dtls_reply_t r;
	if (dtls_parse(data, size, &r) == 0)
		(void)dtls_version_str(r.record_version);

	static dtls_answer_t a;
	dtls_answer_init(&a);
	size_t off = 0;
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		int rc = dtls_answer_feed(&a, data + off, len);
		off += len;
		if (rc < 0)
			break;
		if (rc > 0) {
			if (!a.have_hvr)
				break;
			a.have_hvr = false;	/* as the caller does before the next flight */
		}
	}
	return 0;
}
