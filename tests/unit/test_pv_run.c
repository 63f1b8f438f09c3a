/*
 * Tests of a whole passive run (passive/passive.h) over small capture files
 * written here into a temporary directory: pcap through libpcap's dumper
 * (microsecond and nanosecond), the same frames as a hand-written pcapng,
 * frame numbering and time stamps as analyzers see them, DUT addresses
 * given IPv4-mapped, statistics, and the errors: unreadable file,
 * unsupported link type, truncated last record, cancellation.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "core/evidence.h"
#include "passive/analyzer.h"
#include "passive/passive.h"
#include "pktbuild.h"

/* ---- a recording analyzer ---- */

typedef struct rec {
	char calls[32][32];
	size_t n;
	int ends;
	long long first_us;
} rec_t;

static void *
rec_new(const pv_ctx_t *cx)
{
	return calloc(1, sizeof(rec_t));
}

static void
rec_free(void *rs)
{
	free(rs);
}

static void
rec_data(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs, pv_dir_t dir,
    const uint8_t *p, size_t n, uint64_t frame)
{
	rec_t *r = rs;
	if (r->n < 32)
		snprintf(r->calls[r->n++], 32, "%d:%llu:%zu", (int)dir,
		    (unsigned long long)frame, n);
}

static void
rec_end(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs)
{
	rec_t *r = rs;
	if (r->ends++ == 0)
		r->first_us = (long long)f->first_us;
}

static void
rec_finish(const pv_ctx_t *cx, void *rs, evidence_t *ev)
{
	rec_t *r = rs;
	ev_list_init(ev, "calls");
	for (size_t i = 0; i < r->n; i++)
		ev_list_push(ev, "calls", r->calls[i]);
	ev_set_int(ev, "ends", r->ends);
	ev_set_int(ev, "first_us", r->first_us);
}

static const pv_analyzer_t rec_an = {
	.name = "rec", .summary = "test recorder", .flow_state = 8,
	.run_new = rec_new, .run_free = rec_free, .data = rec_data,
	.flow_end = rec_end, .finish = rec_finish,
};
static const pv_analyzer_t *const rec_table[] = { &rec_an };

/* ---- frames ---- */

static void
putaddr(pkt_t *p, const char *s)
{
	uint8_t a[4];
	ck_assert_int_eq(inet_pton(AF_INET, s, a), 1);
	put(p, a, 4);
}

static pkt_t
eth_ip(const char *src, const char *dst, int proto, const pkt_t *l4)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	pkt_t p = { .n = 0 };
	put(&p, macs, 12);
	put16(&p, 0x0800);
	put8(&p, 0x45);
	put8(&p, 0);
	put16(&p, (unsigned)(20 + l4->n));
	put32(&p, 0x00014000);	/* id 1, DF */
	put8(&p, 64);
	put8(&p, (unsigned)proto);
	put16(&p, 0);
	putaddr(&p, src);
	putaddr(&p, dst);
	put(&p, l4->b, l4->n);
	return p;
}

static pkt_t
tcp(const char *src, unsigned sport, const char *dst, unsigned dport, uint32_t seq,
    unsigned flags, const char *data)
{
	pkt_t t = { .n = 0 };
	put16(&t, sport);
	put16(&t, dport);
	put32(&t, seq);
	put32(&t, 0);
	put8(&t, 5 << 4);
	put8(&t, flags);
	put16(&t, 65535);
	put32(&t, 0);
	if (data)
		put(&t, data, strlen(data));
	return eth_ip(src, dst, IPPROTO_TCP, &t);
}

static pkt_t
udp(const char *src, unsigned sport, const char *dst, unsigned dport, const char *data)
{
	pkt_t u = { .n = 0 };
	put16(&u, sport);
	put16(&u, dport);
	put16(&u, (unsigned)(8 + strlen(data)));
	put16(&u, 0);
	put(&u, data, strlen(data));
	return eth_ip(src, dst, IPPROTO_UDP, &u);
}

#define C "10.0.0.1"
#define S "10.0.0.2"
#define NFRAMES 10
#define TS0 1700000000

static void
fixture(pkt_t *f)
{
	pkt_t arp = { .n = 0 };
	put(&arp, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06", 14);
	put32(&arp, 0x00010800);
	f[0] = arp;
	f[1] = tcp(C, 40000, S, 80, 100, 0x02, NULL);
	f[2] = tcp(S, 80, C, 40000, 900, 0x12, NULL);
	f[3] = tcp(C, 40000, S, 80, 101, 0x10, NULL);
	f[4] = tcp(C, 40000, S, 80, 101, 0x18, "GET / HTTP/1.0\r\n\r\n");
	f[5] = tcp(S, 80, C, 40000, 901, 0x18, "HTTP/1.0 200 OK\r\n\r\n");
	f[6] = f[4];
	f[6].n = 10;		/* cut in the IP header: malformed */
	f[7] = udp(C, 5000, S, 53, "q");
	f[8] = tcp(C, 40000, S, 80, 119, 0x11, NULL);
	f[9] = tcp(S, 80, C, 40000, 920, 0x11, NULL);
}

static const char *const want_calls[] = { "0:5:18", "1:6:19", "0:8:1" };

/* ---- files ---- */

static char dir[64];

static char *
tmp(const char *name)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/iotcert-pvrun-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	const char *names[] = { "a.pcap", "ns.pcap", "a.pcapng", "wifi.pcap", "junk", "cut.pcap" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(tmp(names[i]));
	rmdir(dir);
}

static void
write_pcap(const char *path, int dlt, int prec, const pkt_t *f, size_t n)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, 65535, prec);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	ck_assert_msg(d != NULL, "%s", pcap_geterr(dead));
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)f[i].n, .len = (bpf_u_int32)f[i].n };
		h.ts.tv_sec = TS0 + (time_t)i;
		h.ts.tv_usec = prec == PCAP_TSTAMP_PRECISION_NANO ? 123456789 : 123456;
		pcap_dump((u_char *)d, &h, f[i].b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static void
w32(FILE *fp, uint32_t v)
{
	ck_assert_uint_eq(fwrite(&v, 4, 1, fp), 1);
}

/* pcapng by hand, in host byte order: SHB, IDB, then one EPB per frame. */
static void
write_pcapng(const char *path, int linktype, const pkt_t *f, size_t n)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	w32(fp, 0x0a0d0d0a);		/* SHB */
	w32(fp, 28);
	w32(fp, 0x1a2b3c4d);
	w32(fp, 1);			/* version 1.0 */
	w32(fp, 0xffffffff);		/* section length unknown */
	w32(fp, 0xffffffff);
	w32(fp, 28);
	w32(fp, 1);			/* IDB */
	w32(fp, 20);
	w32(fp, (uint32_t)linktype);	/* link type, reserved */
	w32(fp, 65535);
	w32(fp, 20);
	for (size_t i = 0; i < n; i++) {
		size_t pad = (4 - f[i].n % 4) % 4;
		uint32_t len = (uint32_t)(32 + f[i].n + pad);
		uint64_t ts = (uint64_t)(TS0 + i) * 1000000 + 123456;
		w32(fp, 6);		/* EPB */
		w32(fp, len);
		w32(fp, 0);
		w32(fp, (uint32_t)(ts >> 32));
		w32(fp, (uint32_t)ts);
		w32(fp, (uint32_t)f[i].n);
		w32(fp, (uint32_t)f[i].n);
		ck_assert_uint_eq(fwrite(f[i].b, 1, f[i].n, fp), f[i].n);
		ck_assert_uint_eq(fwrite("\0\0\0", 1, pad, fp), pad);
		w32(fp, len);
	}
	ck_assert_int_eq(fclose(fp), 0);
}

/* ---- runs ---- */

static pv_run_t *
run_new(const char *dut, int family)
{
	static int fam[1];
	static uint8_t addr[1][16];
	fam[0] = family;
	memset(addr[0], 0, 16);
	ck_assert_int_eq(inet_pton(family, dut, addr[0]), 1);
	pv_opts_t o = { .dut_family = fam, .dut_addr = addr, .n_dut = 1 };
	pv_run_t *r = pv_run_new(&o);
	pv_run_set_analyzers(r, rec_table, 1);
	return r;
}

static void
assert_fixture_results(const pv_run_t *r, long long first_us)
{
	const evidence_t *ev = pv_run_evidence(r, "rec");
	ck_assert_ptr_nonnull(ev);
	const value_t *v = ev_get(ev, "calls");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->n_items, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(v->items[i], want_calls[i]);
	ck_assert_int_eq(ev_get(ev, "ends")->i, 2);
	ck_assert_int_eq(ev_get(ev, "first_us")->i, first_us);
	const pv_stats_t *s = pv_run_stats(r);
	ck_assert_uint_eq(s->frames, NFRAMES);
	ck_assert_uint_eq(s->tcp, 7);
	ck_assert_uint_eq(s->udp, 1);
	ck_assert_uint_eq(s->ip, 8);
	ck_assert_uint_eq(s->not_ip, 1);
	ck_assert_uint_eq(s->malformed, 1);
	ck_assert_uint_eq(s->flows, 2);
	ck_assert_uint_eq(s->dut_flows, 2);
	ck_assert_uint_eq(s->evicted, 0);
	ck_assert_uint_eq(s->stream_gaps, 0);
	ck_assert_int_eq(s->linktype, DLT_EN10MB);
	ck_assert_uint_gt(s->peak_memory, 0);
	ck_assert_uint_lt(s->peak_memory, 1 << 20);
}

START_TEST(pcap_and_pcapng_agree)
{
	pkt_t f[NFRAMES];
	fixture(f);
	size_t bytes = 0;
	for (int i = 0; i < NFRAMES; i++)
		bytes += f[i].n;
	char err[256] = "";
	write_pcap(tmp("a.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, f, NFRAMES);
	write_pcap(tmp("ns.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, f, NFRAMES);
	write_pcapng(tmp("a.pcapng"), DLT_EN10MB, f, NFRAMES);
	const char *files[] = { "a.pcap", "ns.pcap", "a.pcapng" };
	for (int i = 0; i < 3; i++) {
		/* The DUT given as an IPv4-mapped IPv6 address. */
		pv_run_t *r = run_new("::ffff:10.0.0.2", AF_INET6);
		ck_assert_ptr_null(pv_run_evidence(r, "rec"));
		ck_assert_msg(pv_run_file(r, tmp(files[i]), err, sizeof(err)) == 0, "%s", err);
		assert_fixture_results(r, (long long)(TS0 + 1) * 1000000 + 123456);
		ck_assert_uint_eq(pv_run_stats(r)->bytes, bytes);
		ck_assert_ptr_null(pv_run_evidence(r, "nope"));
		/* A second run starts afresh. */
		ck_assert_int_eq(pv_run_file(r, tmp(files[i]), err, sizeof(err)), 0);
		assert_fixture_results(r, (long long)(TS0 + 1) * 1000000 + 123456);
		pv_run_free(r);
	}
	pv_run_free(NULL);
}
END_TEST

START_TEST(registry_analyzers_each_get_evidence)
{
	pkt_t f[NFRAMES];
	fixture(f);
	write_pcap(tmp("a.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, f, NFRAMES);
	pv_opts_t o = { .have_dut_mac = true, .dut_mac = { 2, 0, 0, 0, 0, 2 } };
	pv_run_t *r = pv_run_new(&o);
	char err[256];
	ck_assert_int_eq(pv_run_file(r, tmp("a.pcap"), err, sizeof(err)), 0);
	size_t n;
	const pv_analyzer_t *const *an = pv_analyzers(&n);
	for (size_t i = 0; i < n; i++)
		ck_assert_ptr_nonnull(pv_run_evidence(r, an[i]->name));
	/* The DUT by MAC: 02:..:02 is the destination of every C->S frame. */
	ck_assert_uint_eq(pv_run_stats(r)->dut_flows, 2);
	pv_run_free(r);
}
END_TEST

START_TEST(errors_are_clear)
{
	char err[256] = "";
	pv_run_t *r = run_new(S, AF_INET);
	ck_assert_int_eq(pv_run_file(r, tmp("missing.pcap"), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot read") && strstr(err, "missing.pcap"), "%s", err);

	FILE *fp = fopen(tmp("junk"), "w");
	fputs("this is not a capture file at all\n", fp);
	fclose(fp);
	ck_assert_int_eq(pv_run_file(r, tmp("junk"), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot read") != NULL, "%s", err);

	pkt_t f[1] = { { .n = 30 } };
	write_pcap(tmp("wifi.pcap"), DLT_IEEE802_11, PCAP_TSTAMP_PRECISION_MICRO, f, 1);
	ck_assert_int_eq(pv_run_file(r, tmp("wifi.pcap"), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "link type") && strstr(err, "not supported") &&
	    strstr(err, "105"), "%s", err);
	ck_assert_ptr_null(pv_run_evidence(r, "rec"));

	/* A truncated last record is the end of the file, not an error. */
	pkt_t g[NFRAMES];
	fixture(g);
	write_pcap(tmp("cut.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, g, NFRAMES);
	fp = fopen(tmp("cut.pcap"), "r+");
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fclose(fp);
	ck_assert_int_eq(truncate(tmp("cut.pcap"), size - 20), 0);
	ck_assert_msg(pv_run_file(r, tmp("cut.pcap"), err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(pv_run_stats(r)->frames, NFRAMES - 1);
	ck_assert_int_eq(ev_get(pv_run_evidence(r, "rec"), "ends")->i, 2);	/* ended at EOF */

	/* The same for pcapng; but a corrupt block is an error, after the
	 * evidence of what came before. */
	write_pcapng(tmp("a.pcapng"), DLT_EN10MB, g, NFRAMES);
	fp = fopen(tmp("a.pcapng"), "r");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	ck_assert_int_eq(truncate(tmp("a.pcapng"), size - 20), 0);
	ck_assert_msg(pv_run_file(r, tmp("a.pcapng"), err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(pv_run_stats(r)->frames, NFRAMES - 1);
	write_pcapng(tmp("a.pcapng"), DLT_EN10MB, g, NFRAMES);
	fp = fopen(tmp("a.pcapng"), "ab");
	w32(fp, 6);
	w32(fp, 4);		/* shorter than any block can be */
	w32(fp, 0);
	fclose(fp);
	ck_assert_int_eq(pv_run_file(r, tmp("a.pcapng"), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "reading") && strstr(err, "after frame 10"), "%s", err);
	ck_assert_ptr_nonnull(pv_run_evidence(r, "rec"));
	pv_run_free(r);
}
END_TEST

START_TEST(cancel_stops_early)
{
	pkt_t f[NFRAMES];
	fixture(f);
	write_pcap(tmp("a.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, f, NFRAMES);
	volatile int stop = 1;
	int fam[1] = { AF_INET };
	uint8_t addr[1][16] = { { 10, 0, 0, 2 } };
	pv_opts_t o = { .dut_family = fam, .dut_addr = addr, .n_dut = 1,
	    .cancel = &stop };
	pv_run_t *r = pv_run_new(&o);
	pv_run_set_analyzers(r, rec_table, 1);
	char err[256] = "";
	ck_assert_int_eq(pv_run_file(r, tmp("a.pcap"), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cancelled") != NULL, "%s", err);
	ck_assert_uint_eq(pv_run_stats(r)->frames, 0);
	ck_assert_ptr_nonnull(pv_run_evidence(r, "rec"));
	pv_run_free(r);
}
END_TEST

static Suite *
pv_run_suite(void)
{
	Suite *s = suite_create("pv_run");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pcap_and_pcapng_agree);
	tcase_add_test(tc, registry_analyzers_each_get_evidence);
	tcase_add_test(tc, errors_are_clear);
	tcase_add_test(tc, cancel_stops_early);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_run_suite)
