/*
 * Passive analysis of captured traffic (EN 303 645 5.5, 5.8, 5.10, 6): a
 * pcap or pcapng file is decoded, its flows reassembled in a table with a
 * memory cap, and every analyzer of the registry turns what the device under
 * test sent and received into evidence fields and findings.  Used by
 * `iotcert analyze FILE` and over the live capture of every `iotcert run`.
 */
#ifndef IOTCERT_PASSIVE_H
#define IOTCERT_PASSIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"

typedef struct pv_opts {
	/* The DUT: its addresses (AF_INET / AF_INET6 bytes) and/or its MAC. */
	int *dut_family;
	uint8_t (*dut_addr)[16];
	size_t n_dut;
	/* Flows opened by one of these addresses are counted, not analysed: in
	 * a live run, the harness's own probes (judged by the active cases),
	 * so the capture cases speak of what the device does by itself. */
	int *skip_family;
	uint8_t (*skip_addr)[16];
	size_t n_skip;
	uint8_t dut_mac[6];
	bool have_dut_mac;	/* frames from/to this MAC are the DUT's too */
	bool reveal_secrets;
	size_t max_memory;	/* flow table and reassembly, bytes; 0: 256 MiB */
	size_t max_flows;	/* 0: 200000 */
	size_t stream_window;	/* out-of-order bytes kept per direction; 0: 64 KiB */
	const volatile int *cancel;
} pv_opts_t;

typedef struct pv_stats {
	uint64_t frames, bytes;		/* read from the file */
	uint64_t ip, tcp, udp, not_ip, malformed;
	uint64_t fragments, reassembled, frag_dropped;
	uint64_t flows, dut_flows, evicted;	/* evicted: pushed out by the caps */
	uint64_t stream_gaps;		/* TCP bytes never seen (lost or not captured) */
	size_t peak_memory;		/* of the table and buffers, bytes */
	int linktype;
} pv_stats_t;

typedef struct pv_run pv_run_t;

pv_run_t *pv_run_new(const pv_opts_t *o);
void pv_run_free(pv_run_t *r);		/* NULL is fine */

/*
 * Runs these analyzers instead of the registry's (pv_analyzers()): a
 * selection, or a test's own.  an and the analyzers are borrowed and must
 * outlive r; n is capped at PV_MAX_ANALYZERS (analyzer.h).  Call before
 * pv_run_file.
 */
struct pv_analyzer;
void pv_run_set_analyzers(pv_run_t *r, const struct pv_analyzer *const *an, size_t n);

/*
 * Reads every frame of `path` (pcap or pcapng, through libpcap) into the
 * analysis, then ends every flow and lets every analyzer finish.  0, or -1
 * with err (an unreadable file, an unsupported link type; a truncated last
 * frame is not an error).  When *o->cancel becomes nonzero, reading stops,
 * the flows read so far are ended and analyzers finish (partial evidence),
 * and -1 is returned with "cancelled" in err; the same after a read error
 * other than a truncated record.  A second call starts afresh.
 */
int pv_run_file(pv_run_t *r, const char *path, char *err, size_t errlen);

/* The evidence analyzer `name` produced (NULL before pv_run_file or for an
 * unknown name); owned by r. */
const evidence_t *pv_run_evidence(const pv_run_t *r, const char *name);
const pv_stats_t *pv_run_stats(const pv_run_t *r);

#endif
