/*
 * The capture-split test fixtures: a scratch directory, a list of frames
 * each marked kept or not, written as a pcap whose time stamps number the
 * frames, and check_split(), which splits such a pcap by flows and asserts
 * that exactly the frames marked kept came out, unaltered.  Header-only:
 * each test file is its own executable.
 */
#ifndef IOTCERT_TEST_CAPTURE_FIXTURE_H
#define IOTCERT_TEST_CAPTURE_FIXTURE_H

#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/util.h"
#include "test_capture_frames.h"

/* ---- scratch directory ---- */

typedef struct scratch {
	char dir[64];
} scratch_t;

static inline scratch_t
scratch_new(void)
{
	scratch_t s;
	snprintf(s.dir, sizeof(s.dir), "/tmp/iotcert-capture-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s.dir));
	return s;
}

static inline char *
scratch_path(const scratch_t *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

static inline void
scratch_free(scratch_t *s)
{
	DIR *d = opendir(s->dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = scratch_path(s, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(s->dir);
}

/* ---- fixtures ---- */

#define TS_BASE 1700000000
#define MAX_FX  48

typedef struct fx {
	bytes_t f;
	size_t caplen;
	bool keep;
	const char *what;
} fx_t;

typedef struct fixture {
	fx_t v[MAX_FX];
	size_t n;
} fixture_t;

static inline void
add_cut(fixture_t *fx, const bytes_t *frame, size_t caplen, bool keep,
    const char *what)
{
	ck_assert_uint_lt(fx->n, MAX_FX);
	fx_t *e = &fx->v[fx->n++];
	e->f = *frame;
	e->caplen = caplen < frame->len ? caplen : frame->len;
	e->keep = keep;
	e->what = what;
}

static inline void
add(fixture_t *fx, const bytes_t *frame, bool keep, const char *what)
{
	add_cut(fx, frame, SIZE_MAX, keep, what);
}

/* Each packet's time stamp is its index, so output packets name themselves. */
static inline void
write_fixture(const fixture_t *fx, int dlt, int snaplen, int prec,
    const char *path)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, snaplen, prec);
	ck_assert_ptr_nonnull(dead);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	ck_assert_msg(d != NULL, "%s", pcap_geterr(dead));
	for (size_t i = 0; i < fx->n; i++) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = TS_BASE + (time_t)i, .tv_usec = 123 },
			.caplen = (bpf_u_int32)fx->v[i].caplen,
			.len = (bpf_u_int32)fx->v[i].f.len,
		};
		pcap_dump((u_char *)d, &h, fx->v[i].f.b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

/* "a, b, c": the names of the kept packets, expected or found. */
static inline char *
expected_names(const fixture_t *fx)
{
	strlist_t l = { 0 };
	for (size_t i = 0; i < fx->n; i++)
		if (fx->v[i].keep)
			strlist_push(&l, fx->v[i].what);
	char *s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

/* Checks link type and snaplen, that every packet is an unaltered fixture
 * packet, and returns the names of those present. */
static inline char *
found_names(const fixture_t *fx, const char *path, int dlt, int snaplen)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, eb);
	ck_assert_msg(p != NULL, "%s", eb);
	ck_assert_int_eq(pcap_datalink(p), dlt);
	ck_assert_int_eq(pcap_snapshot(p), snaplen);
	strlist_t l = { 0 };
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		long i = (long)h->ts.tv_sec - TS_BASE;
		ck_assert(i >= 0 && (size_t)i < fx->n);
		ck_assert_uint_eq(h->caplen, fx->v[i].caplen);
		ck_assert_uint_eq(h->len, fx->v[i].f.len);
		ck_assert_int_eq(h->ts.tv_usec, 123);
		ck_assert(memcmp(data, fx->v[i].f.b, h->caplen) == 0);
		strlist_push(&l, fx->v[i].what);
	}
	ck_assert_int_eq(rc, PCAP_ERROR_BREAK);
	pcap_close(p);
	char *s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

static inline flow_t
flow(int proto, int af, const char *local, unsigned lport, const char *remote,
    unsigned rport)
{
	flow_t f;
	memset(&f, 0, sizeof(f));
	f.ipproto = proto;
	f.family = af;
	ck_assert_int_eq(inet_pton(af, local, f.local), 1);
	ck_assert_int_eq(inet_pton(af, remote, f.remote), 1);
	f.lport = (uint16_t)lport;
	f.rport = (uint16_t)rport;
	return f;
}

/* The flows the fixtures are cut by: A is TCP/IPv4, B UDP/IPv6, C UDP/IPv4. */
#define H1 "10.0.0.1"
#define H2 "10.0.0.2"
#define H3 "10.0.0.3"
#define V1 "fd00::1"
#define V2 "fd00::2"

static inline void
standard_flows(flow_t f[3])
{
	f[0] = flow(IPPROTO_TCP, AF_INET, H1, 40000, H2, 80);
	f[1] = flow(IPPROTO_UDP, AF_INET6, V1, 5353, V2, 53);
	f[2] = flow(IPPROTO_UDP, AF_INET, H1, 41000, H2, 161);
}

/* Splits `fx` written with `dlt` by `flows` and checks exactly which packets
 * were kept. */
static inline void
check_split(const fixture_t *fx, int dlt, int snaplen, const flow_t *flows,
    size_t nflows)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	write_fixture(fx, dlt, snaplen, PCAP_TSTAMP_PRECISION_MICRO, in);

	char err[256] = "";
	size_t kept = 999;
	ck_assert_msg(capture_split(in, flows, nflows, out, &kept, err,
	    sizeof(err)) == 0, "%s", err);
	char *want = expected_names(fx);
	char *got = found_names(fx, out, dlt, snaplen);
	ck_assert_str_eq(got, want);
	size_t nwant = 0;
	for (size_t i = 0; i < fx->n; i++)
		nwant += fx->v[i].keep;
	ck_assert_uint_eq(kept, nwant);
	free(want);
	free(got);
	free(in);
	free(out);
	scratch_free(&s);
}

#endif
