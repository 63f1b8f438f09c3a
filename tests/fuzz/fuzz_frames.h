/*
 * The input format of the passive-capture harnesses: byte 0 picks the link
 * type (fz_links, modulo its length), byte 1 seeds the timestamps, then
 * frames follow, each a 2-byte big-endian length and that many bytes (the
 * last one cut to what is left).  Header-only: each harness is one file.
 */
#ifndef IOTCERT_FUZZ_FRAMES_H
#define IOTCERT_FUZZ_FRAMES_H

#include <pcap/dlt.h>
#include <stddef.h>
#include <stdint.h>

/* libpcap DLT for pv_decode, and the LINKTYPE a pcap file header holds. */
static const struct { int dlt; uint32_t linktype; } fz_links[] = {
	{ DLT_EN10MB, 1 }, { DLT_LINUX_SLL, 113 }, { DLT_LINUX_SLL2, 276 },
	{ DLT_NULL, 0 }, { DLT_LOOP, 108 }, { DLT_RAW, 101 }, { 101, 101 },
	{ DLT_IPV4, 228 }, { DLT_IPV6, 229 },
};
#define FZ_NLINKS (sizeof(fz_links) / sizeof(fz_links[0]))
#define FZ_MAX_FRAMES 256

typedef struct fz_frame { const uint8_t *p; size_t n; } fz_frame_t;

/* Splits the input; returns the number of frames (0 when too short). */
static inline size_t
fz_split(const uint8_t *data, size_t size, size_t *link, unsigned *tsstep, fz_frame_t *f)
{
	if (size < 2)
		return 0;
	*link = data[0] % FZ_NLINKS;
	*tsstep = data[1];
	size_t off = 2, k = 0;
	while (off + 2 <= size && k < FZ_MAX_FRAMES) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		f[k].p = data + off;
		f[k].n = len;
		k++;
		off += len;
	}
	return k;
}

#endif
