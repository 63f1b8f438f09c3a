/*
 * One passive analysis run (passive.h): reads a pcap or pcapng file through
 * libpcap, decodes each frame, feeds the flow table, and at the end lets
 * every analyzer of the registry write its own evidence.  Time stamps are
 * read as microseconds whatever the file's precision (libpcap converts).
 */
#include "passive/passive.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "passive/analyzer.h"
#include "passive/decode.h"
#include "passive/flows.h"
#include "passive/frag.h"

#define DEF_MEMORY ((size_t)256 << 20)
#define READ_BUF (1u << 20)	/* bytes of the capture read at once */

struct pv_run {
	pv_opts_t o;		/* dut_family/dut_addr point into ours below */
	int *fam;
	uint8_t (*addr)[16];
	int *skip_fam;		/* opts' skip list, copied */
	uint8_t (*skip_addr)[16];
	pv_ctx_t cx;
	const pv_analyzer_t *const *an;
	size_t n_an;
	evidence_t *ev[PV_MAX_ANALYZERS];
	bool done;
	pv_stats_t st;
};

/* IPv4-mapped IPv6 addresses are the IPv4 address they carry. */
static int
normalize(int family, const uint8_t *addr, uint8_t out[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	memset(out, 0, 16);
	if (family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
		memcpy(out, addr + 12, 4);
		return AF_INET;
	}
	memcpy(out, addr, family == AF_INET ? 4 : 16);
	return family;
}

static bool
in_list(const int *fam, const uint8_t (*addr)[16], size_t n, int family, const uint8_t *x)
{
	uint8_t a[16];
	int fa = normalize(family, x, a);
	for (size_t i = 0; i < n; i++) {
		uint8_t b[16];
		if (normalize(fam[i], addr[i], b) == fa && memcmp(a, b, 16) == 0)
			return true;
	}
	return false;
}

static bool
is_dut(const pv_ctx_t *cx, int family, const uint8_t *addr)
{
	const pv_run_t *r = cx->priv;
	return in_list(r->fam, (const uint8_t (*)[16])r->addr, r->o.n_dut, family, addr);
}

static bool
skip_client(const pv_ctx_t *cx, int family, const uint8_t *addr)
{
	const pv_run_t *r = cx->priv;
	return in_list(r->skip_fam, (const uint8_t (*)[16])r->skip_addr, r->o.n_skip, family,
	    addr);
}

pv_run_t *
pv_run_new(const pv_opts_t *o)
{
	pv_run_t *r = xcalloc(1, sizeof(*r));
	r->o = *o;
	size_t n = o->n_dut;
	r->fam = xcalloc(n ? n : 1, sizeof(*r->fam));
	r->addr = xcalloc(n ? n : 1, sizeof(*r->addr));
	if (n > 0) {
		memcpy(r->fam, o->dut_family, n * sizeof(*r->fam));
		memcpy(r->addr, o->dut_addr, n * sizeof(*r->addr));
	}
	r->o.dut_family = r->fam;
	r->o.dut_addr = r->addr;
	size_t ns = o->n_skip;
	r->skip_fam = xcalloc(ns ? ns : 1, sizeof(*r->skip_fam));
	r->skip_addr = xcalloc(ns ? ns : 1, sizeof(*r->skip_addr));
	if (ns > 0) {
		memcpy(r->skip_fam, o->skip_family, ns * sizeof(*r->skip_fam));
		memcpy(r->skip_addr, o->skip_addr, ns * sizeof(*r->skip_addr));
	}
	r->o.skip_family = r->skip_fam;
	r->o.skip_addr = r->skip_addr;
	if (r->o.max_memory == 0)
		r->o.max_memory = DEF_MEMORY;
	r->cx.reveal_secrets = o->reveal_secrets;
	r->cx.is_dut = is_dut;
	r->cx.priv = r;
	r->an = pv_analyzers(&r->n_an);
	if (r->n_an > PV_MAX_ANALYZERS)
		r->n_an = PV_MAX_ANALYZERS;
	return r;
}

static void
clear_evidence(pv_run_t *r)
{
	for (size_t i = 0; i < PV_MAX_ANALYZERS; i++) {
		evidence_free(r->ev[i]);
		r->ev[i] = NULL;
	}
	r->done = false;
}

void
pv_run_set_analyzers(pv_run_t *r, const pv_analyzer_t *const *an, size_t n)
{
	clear_evidence(r);
	r->an = an;
	r->n_an = n > PV_MAX_ANALYZERS ? PV_MAX_ANALYZERS : n;
}

void
pv_run_free(pv_run_t *r)
{
	if (r == NULL)
		return;
	clear_evidence(r);
	free(r->fam);
	free(r->skip_fam);
	free(r->skip_addr);
	free(r->addr);
	free(r);
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reassembly may use at most a quarter of the cap, so the flow table can
 * always get back under it by evicting flows. */
static pv_frag_limits_t
frag_limits(size_t cap)
{
	pv_frag_limits_t lim = { 0 };
	while (pv_frag_worst(&lim) > cap / 4) {
		if (lim.datagrams == 0)
			lim.datagrams = 64;
		if (lim.datagrams > 1) {
			lim.datagrams /= 2;
		} else {
			lim.bytes = lim.bytes ? lim.bytes / 2 : 65535 / 2;
			if (lim.bytes < 1500)
				break;	/* a cap this small is a test's */
		}
	}
	return lim;
}

/* The loop proper: 0 at the end of the file, 1 when cancelled, 2 on a
 * read error (its text in rerr). */
static int
read_frames(pv_run_t *r, pcap_t *pc, pv_decoder_t *d, pv_table_t *t, char *rerr,
    size_t rlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t last_ext = 0;
	int n;
	while ((n = pcap_next_ex(pc, &h, &data)) == 1) {
		if (r->o.cancel != NULL && *r->o.cancel)
			return 1;
		r->st.frames++;
		r->st.bytes += h->caplen;
		int64_t us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		pv_frame_t fr;
		if (pv_decode(d, data, h->caplen, h->len, r->st.frames, us, &fr) == 1)
			pv_table_packet(t, &fr);
		size_t ext = pv_decoder_memory(d);
		if (ext != last_ext) {
			pv_table_set_extern(t, ext);
			last_ext = ext;
		}
	}
	if (n == PCAP_ERROR_BREAK)
		return 0;
	/* A record cut short is how a capture killed mid-write ends: what came
	 * before counts and it is no error.  Anything else (a pcapng with a
	 * second link type, a corrupt block) is reported. */
	snprintf(rerr, rlen, "%s", pcap_geterr(pc));
	return strstr(rerr, "truncated") != NULL ? 0 : 2;
}

int
pv_run_file(pv_run_t *r, const char *path, char *err, size_t errlen)
{
	clear_evidence(r);
	memset(&r->st, 0, sizeof(r->st));
	char eb[PCAP_ERRBUF_SIZE] = "";
	/* Our own stream with a large buffer: a capture is read front to back,
	 * and libpcap's default stdio buffer means a system call every few KiB.
	 * (Mapping the file instead is no faster, and its pages would count in
	 * the memory the analysis is meant to bound by its caps.) */
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
	setvbuf(fp, NULL, _IOFBF, READ_BUF);
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO,
	    eb);
	if (pc == NULL) {
		fclose(fp);	/* pcap takes the stream only on success */
		return fail(err, errlen, "cannot read %s: %s", path, eb);
	}
	int dlt = pcap_datalink(pc);
	r->st.linktype = dlt;
	pv_frag_limits_t lim = frag_limits(r->o.max_memory);
	pv_decoder_t *d = pv_decoder_new(dlt, &lim);
	if (d == NULL) {
		const char *name = pcap_datalink_val_to_name(dlt);
		pcap_close(pc);
		return fail(err, errlen, "%s: link type %s (%d) is not supported", path,
		    name ? name : "unknown", dlt);
	}

	void *rs[PV_MAX_ANALYZERS] = { 0 };
	for (size_t i = 0; i < r->n_an; i++)
		if (r->an[i]->run_new != NULL)
			rs[i] = r->an[i]->run_new(&r->cx);
	pv_table_cfg_t cfg = {
		.an = r->an, .n_an = r->n_an, .rs = rs, .cx = &r->cx,
		.dut_mac = r->o.have_dut_mac ? r->o.dut_mac : NULL,
		.max_memory = r->o.max_memory, .max_flows = r->o.max_flows,
		.stream_window = r->o.stream_window,
		.skip_client = r->o.n_skip ? skip_client : NULL,
	};
	pv_table_t *t = pv_table_new(&cfg);
	char rerr[PCAP_ERRBUF_SIZE] = "";
	int stop = read_frames(r, pc, d, t, rerr, sizeof(rerr));
	pcap_close(pc);

	/* Even a cancelled or failed run ends its flows and finishes, so the
	 * evidence of what was read is coherent. */
	pv_table_end_all(t);
	for (size_t i = 0; i < r->n_an; i++) {
		r->ev[i] = evidence_new();
		if (r->an[i]->finish != NULL)
			r->an[i]->finish(&r->cx, rs[i], r->ev[i]);
		if (r->an[i]->run_free != NULL)
			r->an[i]->run_free(rs[i]);
	}
	r->done = true;

	const pv_decode_stats_t *ds = pv_decode_stats(d);
	r->st.ip = ds->ip;
	r->st.tcp = ds->tcp;
	r->st.udp = ds->udp;
	r->st.not_ip = ds->not_ip;
	r->st.malformed = ds->malformed;
	r->st.fragments = ds->fragments;
	r->st.reassembled = ds->reassembled;
	r->st.frag_dropped = ds->frag_dropped;
	const pv_table_stats_t *ts = pv_table_stats(t);
	r->st.flows = ts->flows;
	r->st.dut_flows = ts->dut_flows;
	r->st.evicted = ts->evicted;
	r->st.stream_gaps = ts->stream_gaps;
	r->st.peak_memory = ts->peak_memory;
	pv_table_free(t);
	pv_decoder_free(d);
	if (stop == 1)
		return fail(err, errlen, "%s: analysis cancelled after frame %llu", path,
		    (unsigned long long)r->st.frames);
	if (stop == 2)
		return fail(err, errlen, "reading %s after frame %llu: %s", path,
		    (unsigned long long)r->st.frames, rerr);
	return 0;
}

const evidence_t *
pv_run_evidence(const pv_run_t *r, const char *name)
{
	if (r == NULL || !r->done || name == NULL)
		return NULL;
	for (size_t i = 0; i < r->n_an; i++)
		if (strcmp(r->an[i]->name, name) == 0)
			return r->ev[i];
	return NULL;
}

const pv_stats_t *
pv_run_stats(const pv_run_t *r)
{
	return &r->st;
}
