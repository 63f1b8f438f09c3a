/*
 * The flow table of the passive analysis (internal to passive/: run.c feeds
 * it decoded frames).  It finds each frame's flow, decides client, server
 * and DUT side, reassembles TCP per direction (stream.c), classifies the
 * application protocol, and calls the analyzers' data/flow_end.  Every
 * byte it allocates is accounted: flows (least recently used first,
 * approximately) are ended and evicted to keep the total, with the
 * decoder's bytes declared via pv_table_set_extern, within max_memory.
 */
#ifndef IOTCERT_PV_FLOWS_H
#define IOTCERT_PV_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passive/analyzer.h"
#include "passive/decode.h"

typedef struct pv_table_cfg {
	const pv_analyzer_t *const *an;	/* analyzers, borrowed */
	size_t n_an;			/* <= PV_MAX_ANALYZERS */
	void *const *rs;		/* their run states (entries may be NULL), borrowed */
	const pv_ctx_t *cx;		/* borrowed; must outlive the table */
	const uint8_t *dut_mac;		/* 6 bytes, or NULL; copied */
	size_t max_memory;		/* 0: 256 MiB */
	size_t max_flows;		/* 0: 200000 */
	size_t stream_window;		/* out-of-order bytes per direction; 0: 64 KiB */
	/* Flows whose client this says yes to are counted, not delivered
	 * (pv_opts_t skip list); may be NULL. */
	bool (*skip_client)(const pv_ctx_t *cx, int family, const uint8_t *addr);
} pv_table_cfg_t;

typedef struct pv_table_stats {
	uint64_t flows, dut_flows, evicted;
	uint64_t stream_gaps;		/* TCP bytes skipped, in DUT flows */
	size_t memory, peak_memory;	/* the table's plus the extern bytes */
} pv_table_stats_t;

typedef struct pv_table pv_table_t;

pv_table_t *pv_table_new(const pv_table_cfg_t *cfg);
/* Frees every flow without calling flow_end (call pv_table_end_all first). */
void pv_table_free(pv_table_t *t);	/* NULL is fine */

/* One decoded frame (pv_decode returned 1); non-TCP/UDP frames are ignored. */
void pv_table_packet(pv_table_t *t, const pv_frame_t *fr);

/* End of the capture: every flow still open is flushed and ended. */
void pv_table_end_all(pv_table_t *t);

/* Bytes held outside the table (the decoder's fragments), counted in the cap. */
void pv_table_set_extern(pv_table_t *t, size_t bytes);

const pv_table_stats_t *pv_table_stats(const pv_table_t *t);

#endif
