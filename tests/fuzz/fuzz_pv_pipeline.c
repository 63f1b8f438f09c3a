/*
 * Feeds the whole passive pipeline (pv_run_file: libpcap reading, decoding,
 * the flow table with TCP reassembly and protocol classification, and every
 * registered analyzer: cleartext, credentials, endpoints, personal data,
 * TLS client).  The input (frames as fuzz_frames.h splits them, link type
 * from byte 0) is written as a classic pcap to a memfd and read back through
 * /proc/self/fd; the DUT is 10.0.0.2, fd00::2 and MAC 02:00:00:00:00:02,
 * which the seeds use.  Small memory and flow caps exercise eviction.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_frames.h"
#include "passive/passive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64];

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* host order, as the magic says */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fz_frame_t f[FZ_MAX_FRAMES];
	size_t link;
	unsigned tsstep;
	size_t n = fz_split(data, size, &link, &tsstep, f);
	if (n == 0)
		return 0;
	if (memfd < 0) {
		memfd = memfd_create("fuzz-pcap", 0);
		if (memfd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	size_t cap = 24 + n * 16 + size;
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		return 0;
	put32(buf, 0xa1b2c3d4);
	memcpy(buf + 4, (const uint16_t[]){ 2, 4 }, 4);
	put32(buf + 8, 0);
	put32(buf + 12, 0);
	put32(buf + 16, 262144);
	put32(buf + 20, fz_links[link].linktype);
	size_t off = 24;
	uint32_t sec = 1700000000, usec = 0;
	for (size_t i = 0; i < n; i++) {
		put32(buf + off, sec);
		put32(buf + off + 4, usec);
		put32(buf + off + 8, (uint32_t)f[i].n);
		put32(buf + off + 12, (uint32_t)f[i].n);
		memcpy(buf + off + 16, f[i].p, f[i].n);
		off += 16 + f[i].n;
		usec += tsstep * 1000;
		sec += usec / 1000000;
		usec %= 1000000;
	}
	if (ftruncate(memfd, 0) != 0 || pwrite(memfd, buf, off, 0) != (ssize_t)off) {
		free(buf);
		return 0;
	}
	free(buf);

	int fam[2] = { AF_INET, AF_INET6 };
	uint8_t addr[2][16] = { { 10, 0, 0, 2 },
	    { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } };
	pv_opts_t o = { .dut_family = fam, .dut_addr = addr, .n_dut = 2,
	    .dut_mac = { 2, 0, 0, 0, 0, 2 }, .have_dut_mac = true,
	    .reveal_secrets = tsstep & 1, .max_memory = 1u << 20, .max_flows = 16,
	    .stream_window = 4096 };
	pv_run_t *r = pv_run_new(&o);
	if (r == NULL)
		return 0;
	char err[256];
	(void)pv_run_file(r, path, err, sizeof(err));
	(void)pv_run_stats(r);
	pv_run_free(r);
	return 0;
}
