/*
 * What a passive analyzer sees and does.  The flow table (flows.c)
 * reassembles each TCP direction and hands analyzers in-order bytes, and
 * UDP datagrams one by one; analyzers keep small bounded state per flow
 * and per run, and at the end write evidence fields and findings (with
 * frame numbers as references).  One table of analyzers: registry.c.
 */
#ifndef IOTCERT_PV_ANALYZER_H
#define IOTCERT_PV_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/probe.h"

#define PV_MAX_ANALYZERS 16
#define PV_STATE_MAX 8192	/* per-flow state of one analyzer, bytes */

typedef enum pv_dir { PV_C2S = 0, PV_S2C = 1 } pv_dir_t;

/* Which end of a flow is the device under test. */
typedef enum pv_dut_side { PV_DUT_NONE, PV_DUT_CLIENT, PV_DUT_SERVER, PV_DUT_BOTH } pv_dut_side_t;

typedef struct pv_flow {
	int family;		/* AF_INET / AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t cli[16], srv[16];	/* client: the SYN's sender; for UDP and
					 * TCP joined late, the side with the
					 * higher port (ties: the first sender) */
	uint16_t cport, sport;
	pv_dut_side_t dut;
	uint64_t first_frame, last_frame;
	int64_t first_us, last_us;
	uint64_t bytes[2], packets[2];	/* payload bytes and packets per direction */
	char app[16];		/* classified application protocol ("http", "tls",
				 * ...; "" while undecided; "unknown" when no
				 * classifier matched) */
	bool gap[2];		/* stream bytes were lost in that direction */
	bool syn_seen;		/* the handshake was captured */
} pv_flow_t;

/* The analysis context analyzers are called with. */
typedef struct pv_ctx {
	bool reveal_secrets;	/* credentials appear unmasked in findings */
	/* Whether addr (family, 4 or 16 bytes) is one of the DUT's. */
	bool (*is_dut)(const struct pv_ctx *cx, int family, const uint8_t *addr);
	const void *priv;	/* the run's, for is_dut */
} pv_ctx_t;

typedef struct pv_analyzer {
	const char *name;	/* token: "cleartext", "credentials", ... */
	const char *summary;
	const field_spec_t *fields;	/* the evidence fields `finish` sets, {NULL}-terminated */
	size_t flow_state;	/* bytes of zeroed per-flow state, <= PV_STATE_MAX */
	void *(*run_new)(const pv_ctx_t *cx);	/* run-wide state; may be NULL */
	void (*run_free)(void *rs);
	/*
	 * In-order bytes of one direction of a TCP stream, or one whole UDP
	 * datagram.  `frame` is the frame that carried the first byte.  Called
	 * only for flows with an end at the DUT.
	 */
	void (*data)(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs, pv_dir_t dir,
	    const uint8_t *p, size_t n, uint64_t frame);
	/* The flow ended (FIN/RST seen, evicted, or end of capture); may be NULL. */
	void (*flow_end)(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs);
	/* End of the capture: fields and findings into ev. */
	void (*finish)(const pv_ctx_t *cx, void *rs, evidence_t *ev);
} pv_analyzer_t;

/* The analyzers' field tables, which the capture probes (probes/capture.c)
 * declare as theirs so `iotcert check` validates cases over them. */
extern const field_spec_t pv_cleartext_fields[], pv_credentials_fields[],
    pv_tls_client_fields[], pv_endpoints_fields[], pv_personal_fields[];

/* The table of analyzers (registry.c). */
const pv_analyzer_t *const *pv_analyzers(size_t *n);
const pv_analyzer_t *pv_analyzer_find(const char *name);

/*
 * Content classification (classify.c): the application protocol of a flow
 * from the first bytes of one direction (ports only break ties).  A token
 * ("http", "tls", "dtls", "mqtt", "coap", "dns", "mdns", "ssdp", "telnet",
 * "ftp", "ntp", "dhcp", "snmp", "rtsp", "ssh"), or NULL while the bytes do
 * not decide yet (the table asks again with more, up to 2 KiB, then sets
 * "unknown").
 */
const char *pv_classify(const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n);

/* A finding's address text for f's endpoint `side` (0 client, 1 server). */
void pv_addr_text(const pv_flow_t *f, int side, char *out, size_t len);

#endif
