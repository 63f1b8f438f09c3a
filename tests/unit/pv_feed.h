/*
 * Calling one passive analyzer directly, as the flow table would, for the
 * analyzer tests (test_pv_endpoints, _tls_client, _personal, _credentials,
 * _classify): a hand-made flow, the analyzer's run state and per-flow
 * state block, deliveries (whole or in pieces, each a heap copy so ASan
 * sees any read past one), the end of the flow and of the run, and
 * reading the evidence written; also captured messages several of them
 * feed.  Header-only: every unit-test file is its own executable.
 */
#ifndef IOTCERT_TEST_PV_FEED_H
#define IOTCERT_TEST_PV_FEED_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/evidence.h"
#include "passive/analyzer.h"

/* A flow from cli:cport to srv:sport (numeric text; IPv6 when cli has a
 * ':'), with the DUT on side `dut` and the flow table's verdict `app`. */
static inline pv_flow_t
pv_flow_make(uint8_t proto, const char *cli, uint16_t cport, const char *srv, uint16_t sport,
    pv_dut_side_t dut, const char *app)
{
	pv_flow_t f;
	memset(&f, 0, sizeof(f));
	f.family = strchr(cli, ':') != NULL ? AF_INET6 : AF_INET;
	f.proto = proto;
	inet_pton(f.family, cli, f.cli);
	inet_pton(f.family, srv, f.srv);
	f.cport = cport;
	f.sport = sport;
	f.dut = dut;
	snprintf(f.app, sizeof(f.app), "%s", app);
	return f;
}

/* One run of one analyzer: what the flow table and pv_run hold for it. */
typedef struct pv_rig {
	const pv_analyzer_t *a;
	pv_ctx_t cx;
	void *rs;
	evidence_t *ev;		/* after pv_rig_finish */
} pv_rig_t;

static inline void
pv_rig_init(pv_rig_t *r, const pv_analyzer_t *a, bool reveal)
{
	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_le(a->flow_state, PV_STATE_MAX);
	r->a = a;
	r->cx.reveal_secrets = reveal;
	r->rs = a->run_new(&r->cx);
}

/* A zeroed per-flow state block of the analyzer's size (free it, or let
 * pv_rig_end). */
static inline void *
pv_rig_fstate(const pv_rig_t *r)
{
	return calloc(1, r->a->flow_state);
}

/* p[0..n) in pieces of `chunk` bytes (0: whole), each a heap copy; the
 * pieces carry frames frame, frame + step, ... */
static inline void
pv_rig_data(pv_rig_t *r, pv_flow_t *f, void *fs, pv_dir_t dir, const void *p, size_t n,
    size_t chunk, uint64_t frame, uint64_t step)
{
	if (chunk == 0)
		chunk = n;
	for (size_t off = 0; off < n; off += chunk, frame += step) {
		size_t k = n - off < chunk ? n - off : chunk;
		uint8_t *h = malloc(k);
		memcpy(h, (const uint8_t *)p + off, k);
		r->a->data(&r->cx, r->rs, f, fs, dir, h, k, frame);
		free(h);
	}
}

/* The flow ends; its heap state block (pv_rig_fstate) is freed. */
static inline void
pv_rig_end(pv_rig_t *r, pv_flow_t *f, void *fs)
{
	r->a->flow_end(&r->cx, r->rs, f, fs);
	free(fs);
}

/* The end of the capture: the analyzer's evidence, in r->ev. */
static inline evidence_t *
pv_rig_finish(pv_rig_t *r)
{
	r->ev = evidence_new();
	r->a->finish(&r->cx, r->rs, r->ev);
	return r->ev;
}

/* Frees the run state and r->ev (set it to NULL to keep the evidence). */
static inline void
pv_rig_free(pv_rig_t *r)
{
	r->a->run_free(r->rs);
	r->rs = NULL;
	evidence_free(r->ev);
	r->ev = NULL;
}

/* ---- reading the evidence ---- */

static inline size_t
pv_list_n(const evidence_t *ev, const char *name)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v != NULL && v->type == VT_LIST, "field %s", name);
	return v->n_items;
}

static inline const char *
pv_item(const evidence_t *ev, const char *name, size_t i)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v != NULL && v->type == VT_LIST && i < v->n_items, "field %s[%zu]", name, i);
	return v->items[i];
}

/* A finding's attribute, "(none)" when it has none. */
static inline const char *
pv_attr(const finding_t *f, const char *key)
{
	const char *v = finding_get(f, key);
	return v ? v : "(none)";
}

/* ---- input ---- */

/* The seeded generator of the random rounds. */
static inline uint32_t
pv_lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* mosquitto_pub -i cid -u user -P pass (3.1.1) */
static const uint8_t pv_mqtt311[] = {
	0x10, 0x1b, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xc2, 0x00, 0x3c,
	0x00, 0x03, 'c', 'i', 'd', 0x00, 0x04, 'u', 's', 'e', 'r',
	0x00, 0x04, 'p', 'a', 's', 's',
};

/* snmpget -v2c -c public 192.168.1.50 1.3.6.1.2.1.1.1.0 */
static const uint8_t pv_snmp_get[] = {
	0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa0, 0x1c, 0x02, 0x04, 0x2b, 0x8e, 0x6d, 0x1a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
	0x05, 0x00,
};

#endif
