/*
 * Tests of the passive flow table (passive/flows.h) with decoded frames
 * built by hand and a recording analyzer of the test's own: TCP delivery in
 * order despite reordering, retransmission and overlap, gap skipping,
 * sequence wraparound, mid-stream joins, client/server and DUT sides, the
 * memory and flow caps (evicted flows are ended), and UDP.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "passive/flows.h"

/* ---- the recording analyzer ---- */

typedef struct rec {
	uint8_t buf[2][65536];
	size_t n[2];
	uint64_t frames[2][64];	/* the frame of each call's first byte */
	size_t calls[2];
	int ends;
	bool state_bad;
	pv_flow_t last;		/* at the last flow_end */
	pv_flow_t seen;		/* at the last data call */
} rec_t;

typedef struct fstate {
	uint32_t calls;
	uint8_t zero[12];
} fstate_t;

static void
rec_data(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs, pv_dir_t dir,
    const uint8_t *p, size_t n, uint64_t frame)
{
	rec_t *r = rs;
	fstate_t *st = fs;
	static const uint8_t zero[12];
	if (memcmp(st->zero, zero, sizeof(zero)) != 0)
		r->state_bad = true;
	st->calls++;
	if (r->n[dir] + n <= sizeof(r->buf[dir]))	/* else only counted */
		memcpy(r->buf[dir] + r->n[dir], p, n);
	r->n[dir] += n;
	if (r->calls[dir] < 64)
		r->frames[dir][r->calls[dir]] = frame;
	r->calls[dir]++;
	r->seen = *f;
}

static void
rec_end(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs)
{
	rec_t *r = rs;
	r->ends++;
	r->last = *f;
	ck_assert_str_ne(f->app, "");
}

static const pv_analyzer_t rec_an = {
	.name = "rec",
	.flow_state = sizeof(fstate_t),
	.data = rec_data,
	.flow_end = rec_end,
};

/* The DUT is 10.0.0.2 and fd00::2. */
static bool
test_is_dut(const pv_ctx_t *cx, int family, const uint8_t *addr)
{
	return (family == AF_INET && memcmp(addr, "\x0a\x00\x00\x02", 4) == 0) ||
	    (family == AF_INET6 && addr[15] == 2 && addr[0] == 0xfd);
}

static const pv_ctx_t ctx = { .is_dut = test_is_dut };
static const pv_ctx_t ctx_none = { 0 };

typedef struct fixture {
	rec_t *r;
	pv_table_t *t;
	const pv_analyzer_t *an[1];
	void *rs[1];
} fixture_t;

static void
fx_init(fixture_t *fx, const pv_ctx_t *cx, size_t window, size_t mem, size_t flows,
    const uint8_t *mac)
{
	fx->r = calloc(1, sizeof(*fx->r));
	fx->an[0] = &rec_an;
	fx->rs[0] = fx->r;
	pv_table_cfg_t cfg = { .an = fx->an, .n_an = 1, .rs = fx->rs, .cx = cx,
	    .dut_mac = mac, .max_memory = mem, .max_flows = flows, .stream_window = window };
	fx->t = pv_table_new(&cfg);
}

static void
fx_free(fixture_t *fx)
{
	pv_table_free(fx->t);
	free(fx->r);
}

static uint64_t frame_no;

static pv_frame_t
frame(int proto, const char *src, unsigned sport, const char *dst, unsigned dport,
    uint32_t seq, unsigned flags, const char *data)
{
	pv_frame_t f;
	memset(&f, 0, sizeof(f));
	f.no = ++frame_no;
	f.ts_us = (int64_t)f.no * 1000;
	f.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(f.family, src, f.src), 1);
	ck_assert_int_eq(inet_pton(f.family, dst, f.dst), 1);
	f.proto = (uint8_t)proto;
	f.sport = (uint16_t)sport;
	f.dport = (uint16_t)dport;
	f.seq = seq;
	f.tcp_flags = (uint8_t)flags;
	f.payload = (const uint8_t *)(data ? data : "");
	f.len = f.wire_len = data ? strlen(data) : 0;
	return f;
}

#define C "10.0.0.1"
#define S "10.0.0.2"
#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04
#define PSH 0x08

static void
cs(fixture_t *fx, uint32_t seq, const char *d)	/* client to server */
{
	pv_frame_t f = frame(IPPROTO_TCP, C, 40000, S, 80, seq, ACK | PSH, d);
	pv_table_packet(fx->t, &f);
}

static void
sc(fixture_t *fx, uint32_t seq, const char *d)
{
	pv_frame_t f = frame(IPPROTO_TCP, S, 80, C, 40000, seq, ACK | PSH, d);
	pv_table_packet(fx->t, &f);
}

static void
flags(fixture_t *fx, bool from_client, uint32_t seq, unsigned fl)
{
	pv_frame_t f = from_client ? frame(IPPROTO_TCP, C, 40000, S, 80, seq, fl, NULL) :
	    frame(IPPROTO_TCP, S, 80, C, 40000, seq, fl, NULL);
	pv_table_packet(fx->t, &f);
}

static void
assert_stream(const rec_t *r, pv_dir_t dir, const char *want)
{
	ck_assert_uint_eq(r->n[dir], strlen(want));
	ck_assert_msg(memcmp(r->buf[dir], want, r->n[dir]) == 0, "got %.*s, want %s",
	    (int)r->n[dir], (const char *)r->buf[dir], want);
}

/* ---- TCP ---- */

START_TEST(handshake_roles_and_order)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	flags(&fx, true, 1000, SYN);
	uint64_t syn_frame = frame_no;
	flags(&fx, false, 5000, SYN | ACK);
	flags(&fx, true, 1001, ACK);
	cs(&fx, 1001, "hello ");
	uint64_t first = frame_no;
	sc(&fx, 5001, "ok");
	cs(&fx, 1007, "world");
	flags(&fx, true, 1012, FIN | ACK);
	ck_assert_int_eq(fx.r->ends, 0);
	flags(&fx, false, 5003, FIN | ACK);
	ck_assert_int_eq(fx.r->ends, 1);
	flags(&fx, true, 1013, ACK);	/* the last ACK does not start a flow */
	assert_stream(fx.r, PV_C2S, "hello world");
	assert_stream(fx.r, PV_S2C, "ok");
	ck_assert_uint_eq(fx.r->frames[PV_C2S][0], first);
	ck_assert_uint_eq(fx.r->frames[PV_C2S][1], first + 2);
	const pv_flow_t *f = &fx.r->last;
	ck_assert_int_eq(f->dut, PV_DUT_SERVER);
	ck_assert_uint_eq(f->cport, 40000);
	ck_assert_uint_eq(f->sport, 80);
	ck_assert(memcmp(f->cli, "\x0a\x00\x00\x01", 4) == 0);
	ck_assert(f->syn_seen);
	ck_assert(!f->gap[0] && !f->gap[1]);
	ck_assert_uint_eq(f->first_frame, syn_frame);
	ck_assert_uint_eq(f->bytes[PV_C2S], 11);
	ck_assert_uint_eq(f->packets[PV_S2C], 3);
	ck_assert(!fx.r->state_bad);
	pv_table_end_all(fx.t);
	ck_assert_int_eq(fx.r->ends, 1);
	const pv_table_stats_t *s = pv_table_stats(fx.t);
	ck_assert_uint_eq(s->flows, 1);
	ck_assert_uint_eq(s->dut_flows, 1);
	ck_assert_uint_eq(s->stream_gaps, 0);
	char a[64];
	pv_addr_text(f, 0, a, sizeof(a));
	ck_assert_str_eq(a, "10.0.0.1:40000");
	pv_addr_text(f, 1, a, sizeof(a));
	ck_assert_str_eq(a, "10.0.0.2:80");
	fx_free(&fx);
}
END_TEST

START_TEST(reorder_retransmit_overlap)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	flags(&fx, true, 0, SYN);
	cs(&fx, 1, "abc");
	cs(&fx, 7, "ghi");	/* held */
	cs(&fx, 4, "def");	/* fills the hole: def, ghi */
	cs(&fx, 1, "abc");	/* retransmitted */
	cs(&fx, 3, "cdefgh");	/* all old */
	cs(&fx, 9, "ijkl");	/* half old */
	assert_stream(fx.r, PV_C2S, "abcdefghijkl");
	/* Held segments overlapping each other: the first bytes win. */
	cs(&fx, 16, "PQR");
	cs(&fx, 15, "xyzw");	/* keeps x, and nothing past R */
	cs(&fx, 16, "!!!!");	/* only the byte after R is new */
	cs(&fx, 13, "mn");
	assert_stream(fx.r, PV_C2S, "abcdefghijklmnxPQR!");
	ck_assert(!fx.r->last.gap[0]);
	pv_table_end_all(fx.t);
	ck_assert_int_eq(fx.r->ends, 1);
	ck_assert(!fx.r->last.gap[0]);
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 0);
	fx_free(&fx);
}
END_TEST

START_TEST(gaps_are_skipped)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 10, 0, 0, NULL);
	flags(&fx, true, 0, SYN);
	cs(&fx, 1, "aa");
	cs(&fx, 6, "ddd");	/* hole 3..5 */
	cs(&fx, 9, "eeee");
	ck_assert_uint_eq(fx.r->n[0], 2);
	cs(&fx, 14, "fffff");	/* 12 held: over the window */
	assert_stream(fx.r, PV_C2S, "aadddeeee");
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 3);
	ck_assert(fx.r->seen.gap[PV_C2S]);
	ck_assert(!fx.r->seen.gap[PV_S2C]);
	cs(&fx, 13, "X");
	assert_stream(fx.r, PV_C2S, "aadddeeeeXfffff");
	cs(&fx, 30, "zz");	/* a hole the flow ends with */
	cs(&fx, 4, "old");	/* skipped bytes are not delivered late */
	pv_table_end_all(fx.t);
	assert_stream(fx.r, PV_C2S, "aadddeeeeXfffffzz");
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 3 + 11);
	ck_assert_int_eq(fx.r->ends, 1);
	fx_free(&fx);
}
END_TEST

START_TEST(sequence_wraparound)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	uint32_t isn = 0xfffffff0u;
	flags(&fx, true, isn, SYN);
	cs(&fx, isn + 1, "0123456789");	/* to 0xfffffffb */
	cs(&fx, isn + 21, "KLMNOPQRST");	/* past zero, held */
	cs(&fx, isn + 11, "ABCDEFGHIJ");	/* crosses zero */
	cs(&fx, isn + 31, "uvw");
	cs(&fx, isn + 5, "456789ABCD");	/* retransmission across zero */
	assert_stream(fx.r, PV_C2S, "0123456789ABCDEFGHIJKLMNOPQRSTuvw");
	pv_table_end_all(fx.t);
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 0);
	fx_free(&fx);
}
END_TEST

START_TEST(joined_mid_stream)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	sc(&fx, 777, "banner");	/* the server speaks first; no SYN seen */
	sc(&fx, 700, "0123456789");	/* before we came in: old */
	cs(&fx, 90000, "cmd");
	sc(&fx, 783, "more");
	assert_stream(fx.r, PV_S2C, "bannermore");
	assert_stream(fx.r, PV_C2S, "cmd");
	const pv_flow_t *f = &fx.r->seen;
	ck_assert(!f->syn_seen);
	ck_assert_uint_eq(f->cport, 40000);	/* the higher port */
	ck_assert_int_eq(f->dut, PV_DUT_SERVER);
	/* RST ends it at once, held data flushed. */
	sc(&fx, 800, "late");
	flags(&fx, true, 90003, RST);
	ck_assert_int_eq(fx.r->ends, 1);
	assert_stream(fx.r, PV_S2C, "bannermorelate");
	/* The same ports again with a SYN: a new flow. */
	flags(&fx, true, 5, SYN);
	cs(&fx, 6, "again");
	pv_table_end_all(fx.t);
	ck_assert_int_eq(fx.r->ends, 2);
	ck_assert(fx.r->last.syn_seen);
	ck_assert_uint_eq(pv_table_stats(fx.t)->flows, 2);
	fx_free(&fx);
}
END_TEST

START_TEST(snapped_segment_is_a_gap)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	flags(&fx, true, 0, SYN);
	pv_frame_t f = frame(IPPROTO_TCP, C, 40000, S, 80, 1, ACK, "abcdef");
	f.len = 2;		/* captured 2 of 6 */
	pv_table_packet(fx.t, &f);
	cs(&fx, 7, "next");
	assert_stream(fx.r, PV_C2S, "abnext");
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 4);
	pv_table_end_all(fx.t);
	fx_free(&fx);
}
END_TEST

/* ---- sides ---- */

START_TEST(dut_sides)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	/* The DUT as client, SYN/ACK seen first: its receiver is the client. */
	pv_frame_t f = frame(IPPROTO_TCP, "1.2.3.4", 443, S, 50000, 9, SYN | ACK, NULL);
	pv_table_packet(fx.t, &f);
	f = frame(IPPROTO_TCP, S, 50000, "1.2.3.4", 443, 1, ACK, "hi");
	pv_table_packet(fx.t, &f);
	ck_assert_int_eq(fx.r->seen.dut, PV_DUT_CLIENT);
	ck_assert_uint_eq(fx.r->seen.sport, 443);
	ck_assert_uint_eq(fx.r->calls[PV_C2S], 1);
	/* Neither end: counted, never shown. */
	f = frame(IPPROTO_TCP, "1.2.3.4", 443, "5.6.7.8", 50000, 9, ACK, "x");
	pv_table_packet(fx.t, &f);
	f = frame(IPPROTO_UDP, "fd00::9", 53, "fd00::8", 53, 0, 0, "dns");
	pv_table_packet(fx.t, &f);
	ck_assert_uint_eq(fx.r->calls[0] + fx.r->calls[1], 1);
	/* Both ends (IPv6, the same address, ports tie: the first sender). */
	f = frame(IPPROTO_UDP, "fd00::2", 7, "fd00::2", 7, 0, 0, "self");
	pv_table_packet(fx.t, &f);
	ck_assert_int_eq(fx.r->seen.dut, PV_DUT_BOTH);
	pv_table_end_all(fx.t);
	const pv_table_stats_t *s = pv_table_stats(fx.t);
	ck_assert_uint_eq(s->flows, 4);
	ck_assert_uint_eq(s->dut_flows, 2);
	ck_assert_int_eq(fx.r->ends, 2);
	char a[64];
	pv_addr_text(&fx.r->last, 1, a, sizeof(a));
	ck_assert(strcmp(a, "[fd00::2]:7") == 0 || strcmp(a, "1.2.3.4:443") == 0);
	fx_free(&fx);

	/* By MAC only. */
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 }, other[6] = { 2, 0, 0, 0, 0, 1 };
	fx_init(&fx, &ctx_none, 0, 0, 0, mac);
	f = frame(IPPROTO_UDP, "192.168.1.9", 5000, "192.168.1.1", 53, 0, 0, "q");
	f.src_mac = mac;
	f.dst_mac = other;
	pv_table_packet(fx.t, &f);
	ck_assert_int_eq(fx.r->seen.dut, PV_DUT_CLIENT);
	f = frame(IPPROTO_UDP, "192.168.1.1", 53, "192.168.1.9", 5000, 0, 0, "answer");
	f.src_mac = other;
	f.dst_mac = mac;
	pv_table_packet(fx.t, &f);
	assert_stream(fx.r, PV_C2S, "q");
	assert_stream(fx.r, PV_S2C, "answer");
	f = frame(IPPROTO_UDP, "192.168.1.5", 5000, "192.168.1.1", 53, 0, 0, "q");
	f.src_mac = other;
	pv_table_packet(fx.t, &f);
	ck_assert_uint_eq(pv_table_stats(fx.t)->dut_flows, 1);
	pv_table_end_all(fx.t);
	fx_free(&fx);
}
END_TEST

START_TEST(udp_datagrams_whole)
{
	fixture_t fx;
	fx_init(&fx, &ctx, 0, 0, 0, NULL);
	pv_frame_t f = frame(IPPROTO_UDP, S, 5683, C, 49152, 0, 0, "first");
	pv_table_packet(fx.t, &f);
	f = frame(IPPROTO_UDP, C, 49152, S, 5683, 0, 0, "second");
	pv_table_packet(fx.t, &f);
	f = frame(IPPROTO_UDP, S, 5683, C, 49152, 0, 0, "third");
	pv_table_packet(fx.t, &f);
	/* The higher port is the client, though the server spoke first. */
	ck_assert_uint_eq(fx.r->seen.cport, 49152);
	ck_assert_int_eq(fx.r->seen.dut, PV_DUT_SERVER);
	assert_stream(fx.r, PV_S2C, "firstthird");
	assert_stream(fx.r, PV_C2S, "second");
	ck_assert_uint_eq(fx.r->calls[PV_S2C], 2);
	ck_assert_uint_eq(fx.r->frames[PV_S2C][1], frame_no);
	ck_assert_int_eq(fx.r->ends, 0);
	pv_table_end_all(fx.t);
	ck_assert_int_eq(fx.r->ends, 1);
	ck_assert_str_ne(fx.r->last.app, "");
	fx_free(&fx);
}
END_TEST

/* ---- caps ---- */

START_TEST(memory_cap_evicts_lru)
{
	const size_t cap = 96 * 1024;
	fixture_t fx;
	fx_init(&fx, &ctx, 0, cap, 0, NULL);
	char data[1001];
	memset(data, 'd', 1000);
	data[1000] = '\0';
	for (unsigned i = 0; i < 2000; i++) {
		char cli[32];
		snprintf(cli, sizeof(cli), "10.1.%u.%u", i / 250, i % 250 + 1);
		pv_frame_t f = frame(IPPROTO_TCP, cli, 30000 + i, S, 80, 0, SYN, NULL);
		pv_table_packet(fx.t, &f);
		f = frame(IPPROTO_TCP, cli, 30000 + i, S, 80, 5000, ACK, data);	/* held */
		pv_table_packet(fx.t, &f);
		f = frame(IPPROTO_TCP, cli, 30000 + i, S, 80, 1, ACK, "abc");
		pv_table_packet(fx.t, &f);
		ck_assert_uint_le(pv_table_stats(fx.t)->memory, cap);
	}
	const pv_table_stats_t *s = pv_table_stats(fx.t);
	ck_assert_uint_gt(s->evicted, 1000);
	ck_assert_uint_eq((uint64_t)fx.r->ends, s->evicted);
	ck_assert_uint_le(s->peak_memory, cap);
	ck_assert_uint_gt(s->peak_memory, cap / 2);
	uint64_t evicted = s->evicted;
	pv_table_end_all(fx.t);
	ck_assert_uint_eq((uint64_t)fx.r->ends, s->flows);
	ck_assert_uint_eq(s->evicted, evicted);
	/* Each evicted flow was flushed: "abc", then a gap, then the data. */
	ck_assert_uint_eq(fx.r->n[PV_C2S], 2000 * 1003);
	/* Extern bytes count too. */
	pv_table_set_extern(fx.t, cap - 16 * 1024);
	ck_assert_uint_le(s->memory, cap);
	ck_assert_uint_ge(s->memory, cap - 16 * 1024);
	fx_free(&fx);

	/* The flow cap. */
	fx_init(&fx, &ctx, 0, 0, 10, NULL);
	for (unsigned i = 0; i < 100; i++) {
		pv_frame_t f = frame(IPPROTO_UDP, C, 1000 + i, S, 53, 0, 0, "q");
		pv_table_packet(fx.t, &f);
	}
	ck_assert_uint_eq(pv_table_stats(fx.t)->evicted, 90);
	ck_assert_int_eq(fx.r->ends, 90);
	pv_table_end_all(fx.t);
	ck_assert_int_eq(fx.r->ends, 100);
	fx_free(&fx);
}
END_TEST

/* ---- randomized ---- */

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A stream cut into a shuffled tiling plus random overlapping copies and
 * duplicates comes out exactly once, in order, whatever the ISN. */
START_TEST(random_reordering_reassembles_exactly)
{
	enum { N = 20000, MAXSEG = 64 * 1024 };
	static char stream[N + 1];
	static struct { uint32_t off, len; } segs[4096];
	uint64_t seed = 0x1234567ull + (uint64_t)_i;
	for (int i = 0; i < N; i++)
		stream[i] = (char)('a' + rnd(&seed) % 26);
	size_t n = 0;
	for (uint32_t off = 0; off < N; n++) {
		uint32_t len = 1 + (uint32_t)(rnd(&seed) % 400);
		if (off + len > N)
			len = N - off;
		segs[n].off = off;
		segs[n].len = len;
		off += len;
	}
	for (int i = 0; i < 1000; i++, n++) {
		segs[n].off = (uint32_t)(rnd(&seed) % N);
		segs[n].len = 1 + (uint32_t)(rnd(&seed) % 600);
		if (segs[n].off + segs[n].len > N)
			segs[n].len = N - segs[n].off;
	}
	/* Shuffle: the tiling no longer comes in order. */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(&seed) % (i + 1);
		__typeof__(segs[0]) tmp = segs[i];
		segs[i] = segs[j];
		segs[j] = tmp;
	}
	fixture_t fx;
	fx_init(&fx, &ctx, MAXSEG * 4, 0, 0, NULL);
	uint32_t isn = _i == 0 ? 100 : 0xffffffffu - 7000;
	flags(&fx, true, isn, SYN);
	char buf[601];
	for (size_t i = 0; i < n; i++) {
		memcpy(buf, stream + segs[i].off, segs[i].len);
		buf[segs[i].len] = '\0';
		cs(&fx, isn + 1 + segs[i].off, buf);
	}
	stream[N] = '\0';
	assert_stream(fx.r, PV_C2S, stream);
	ck_assert_uint_eq(pv_table_stats(fx.t)->stream_gaps, 0);
	pv_table_end_all(fx.t);
	ck_assert_uint_eq(fx.r->n[PV_C2S], N);
	fx_free(&fx);
}
END_TEST

/* Random segments and flags over many flows with a tiny cap: no crash
 * (under ASan in `make asan`), memory within the cap after every frame,
 * and every flow ended exactly once. */
START_TEST(random_traffic_stays_bounded)
{
	const size_t cap = 48 * 1024;
	fixture_t fx;
	fx_init(&fx, &ctx, 2048, cap, 0, NULL);
	uint64_t seed = 0xfeedull;
	static char data[1500];
	memset(data, 'r', sizeof(data) - 1);
	for (int i = 0; i < 30000; i++) {
		unsigned fl = (unsigned)(rnd(&seed) % 64);
		unsigned k = (unsigned)(rnd(&seed) % 60);
		size_t len = rnd(&seed) % 4 == 0 ? 0 : rnd(&seed) % 1400;
		uint32_t seq = 1000 * k + (uint32_t)(rnd(&seed) % 20000);
		data[len] = '\0';
		pv_frame_t f = rnd(&seed) % 2 ?
		    frame(IPPROTO_TCP, C, 40000 + k, S, 80, seq, fl, data) :
		    frame(IPPROTO_TCP, S, 80, C, 40000 + k, seq, fl, data);
		if (rnd(&seed) % 8 == 0)
			f.len /= 2;	/* snapped */
		pv_table_packet(fx.t, &f);
		data[len] = 'r';
		ck_assert_uint_le(pv_table_stats(fx.t)->memory, cap);
	}
	pv_table_end_all(fx.t);
	const pv_table_stats_t *s = pv_table_stats(fx.t);
	ck_assert_uint_le(s->peak_memory, cap);
	ck_assert_uint_gt(s->flows, 60);
	/* Each flow ends once: by FIN/RST, eviction or the end. */
	ck_assert_uint_eq((uint64_t)fx.r->ends, s->flows);
	fx_free(&fx);
}
END_TEST

static Suite *
pv_flows_suite(void)
{
	Suite *s = suite_create("pv_flows");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, handshake_roles_and_order);
	tcase_add_test(tc, reorder_retransmit_overlap);
	tcase_add_test(tc, gaps_are_skipped);
	tcase_add_test(tc, sequence_wraparound);
	tcase_add_test(tc, joined_mid_stream);
	tcase_add_test(tc, snapped_segment_is_a_gap);
	tcase_add_test(tc, dut_sides);
	tcase_add_test(tc, udp_datagrams_whole);
	tcase_add_test(tc, memory_cap_evicts_lru);
	tcase_add_loop_test(tc, random_reordering_reassembles_exactly, 0, 2);
	tcase_add_test(tc, random_traffic_stays_bounded);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_flows_suite)
