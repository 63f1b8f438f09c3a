/*
 * Tests of which packets capture_split() keeps: hand-built pcaps of every
 * supported link type, with well-formed packets of the flows, packets of
 * near-miss flows, and truncated, malformed and garbage packets, each
 * asserting exactly which packets land in the case's file; flow forms other
 * than a plain 5-tuple; and random damage.  Fixtures are generated (see
 * test_capture_ethernet.h) rather than committed so every byte's purpose is
 * visible next to its assertion.  The output file itself (time stamp
 * precision, errors) is tested in test_capture_split_files.c.
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "check_main.h"
#include "core/util.h"
#include "test_capture_ethernet.h"
#include "test_capture_fixture.h"
#include "test_capture_frames.h"

/* For the other link types: a few packets each way, plus junk. */
typedef bytes_t (*framer_t)(unsigned type_or_af, const bytes_t *l3);

static bytes_t
fr_sll(unsigned v, const bytes_t *l3)
{
	return sll(v, l3);
}

static bytes_t
fr_sll2(unsigned v, const bytes_t *l3)
{
	return sll2(v, l3);
}

static bytes_t
fr_null_le(unsigned v, const bytes_t *l3)
{
	return bsd_af(v, false, l3);
}

static bytes_t
fr_null_be(unsigned v, const bytes_t *l3)
{
	return bsd_af(v, true, l3);
}

static bytes_t
fr_raw(unsigned v, const bytes_t *l3)
{
	return *l3;
}

static void
small_fixture(fixture_t *fx, framer_t fr, unsigned v4, unsigned v6,
    unsigned other)
{
	memset(fx, 0, sizeof(*fx));
	bytes_t t, u, l3, f;
	t = tcp(40000, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add(fx, &f, true, "A syn");
	u = udp(53, 5353, "answer");
	l3 = ipv6(V2, V1, IPPROTO_UDP, &u);
	f = fr(v6, &l3);
	add(fx, &f, true, "B answer");
	t = tcp(40001, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add(fx, &f, false, "other port");
	t = tcp(40000, 80, 0x10, "data");
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add_cut(fx, &f, 3, false, "cut in link header");
	add_cut(fx, &f, f.len - l3.len + 12, false, "cut in IP header");
	f = fr(other, &l3);
	add(fx, &f, false, "not IP");
	f = fr(v6, &l3);
	add(fx, &f, false, "IPv4 labelled IPv6");
}

START_TEST(test_split_ethernet)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	flow_t f[3];
	standard_flows(f);
	check_split(&fx, DLT_EN10MB, 65535, f, 3);
}
END_TEST

START_TEST(test_split_link_types)
{
	static const struct {
		int dlt;
		framer_t fr;
		unsigned v4, v6, other;
		int snaplen;
	} cases[] = {
		{ DLT_LINUX_SLL, fr_sll, 0x0800, 0x86dd, 0x0806, 65535 },
		{ DLT_LINUX_SLL2, fr_sll2, 0x0800, 0x86dd, 0x0806, 1234 },
		{ DLT_NULL, fr_null_le, 2, 10, 17, 65535 },	/* Linux order */
		{ DLT_NULL, fr_null_be, 2, 30, 17, 65535 },	/* big-endian host */
		{ DLT_NULL, fr_null_le, 2, 28, 17, 65535 },	/* FreeBSD */
		{ DLT_LOOP, fr_null_be, 2, 24, 17, 65535 },	/* OpenBSD */
		{ DLT_RAW, fr_raw, 0, 0, 0, 262144 },
	};
	flow_t f[3];
	standard_flows(f);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		fixture_t fx;
		small_fixture(&fx, cases[i].fr, cases[i].v4, cases[i].v6,
		    cases[i].other);
		if (cases[i].dlt == DLT_RAW) {
			/* Raw IP has no label to contradict: drop those cases. */
			fx.n = 5;
			uint8_t v5[24] = { 0x50 };
			bytes_t junk = raw(v5, sizeof(v5));
			add(&fx, &junk, false, "IP version 5");
		}
		check_split(&fx, cases[i].dlt, cases[i].snaplen, f, 3);
	}
}
END_TEST

/* Flow forms other than a plain 5-tuple. */
START_TEST(test_split_flow_forms)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	flow_t f[1];

	/* An AF_INET6 socket talking to an IPv4 device records mapped addresses. */
	f[0] = flow(IPPROTO_TCP, AF_INET6, "::ffff:" H1, 40000, "::ffff:" H2, 80);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = fx.v[i].keep && strncmp(fx.v[i].what, "A ", 2) == 0;
	check_split(&fx, DLT_EN10MB, 65535, f, 1);

	/* Local port 0: the probe did not learn it; every local port matches. */
	ethernet_fixture(&fx);
	f[0] = flow(IPPROTO_TCP, AF_INET, H1, 0, H2, 80);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = (fx.v[i].keep && strncmp(fx.v[i].what, "A ", 2) == 0) ||
		    strcmp(fx.v[i].what, "other local port") == 0;
	check_split(&fx, DLT_EN10MB, 65535, f, 1);
}
END_TEST

START_TEST(test_split_nothing_matches)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = false;
	flow_t f = flow(IPPROTO_TCP, AF_INET, "192.0.2.1", 1, "192.0.2.2", 2);
	check_split(&fx, DLT_EN10MB, 65535, &f, 1);
	check_split(&fx, DLT_EN10MB, 65535, NULL, 0);
	/* ICMP is no flow kind: it matches nothing rather than everything. */
	f = flow(IPPROTO_ICMP, AF_INET, H1, 0, H2, 0);
	check_split(&fx, DLT_EN10MB, 65535, &f, 1);
}
END_TEST

/* Damaged copies of every fixture packet, read as every link type: the split
 * must neither crash (the sanitizer build watches) nor fail. */
START_TEST(test_split_survives_damage)
{
	static const int dlts[] = {
		DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW,
	};
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	fixture_t base;
	ethernet_fixture(&base);
	flow_t f[3];
	standard_flows(f);
	uint32_t rng = 12345;	/* fixed seed: failures reproduce */
	for (size_t d = 0; d < ARRAY_LEN(dlts); d++) {
		pcap_t *dead = pcap_open_dead(dlts[d], 65535);
		pcap_dumper_t *dump = pcap_dump_open(dead, in);
		ck_assert_ptr_nonnull(dump);
		for (int i = 0; i < 3000; i++) {
			rng = rng * 1103515245u + 12345u;
			bytes_t pk = base.v[(rng >> 8) % base.n].f;
			int flips = 1 + (int)((rng >> 4) % 4);
			for (int k = 0; k < flips; k++) {
				rng = rng * 1103515245u + 12345u;
				size_t at = (rng >> 8) % 80;
				if (at < pk.len)
					pk.b[at] ^= (uint8_t)(rng >> 16 | 1);
			}
			rng = rng * 1103515245u + 12345u;
			size_t cut = (rng >> 8) % (pk.len + 1);
			struct pcap_pkthdr h = {
				.caplen = (bpf_u_int32)(i % 3 ? pk.len : cut),
				.len = (bpf_u_int32)pk.len,
			};
			pcap_dump((u_char *)dump, &h, pk.b);
		}
		pcap_dump_close(dump);
		pcap_close(dead);
		char err[256] = "";
		size_t kept = 0;
		ck_assert_msg(capture_split(in, f, 3, out, &kept, err,
		    sizeof(err)) == 0, "%s", err);
		ck_assert_uint_le(kept, 3000);
	}
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

static Suite *
capture_split_suite(void)
{
	Suite *s = suite_create("capture-split");
	TCase *tc = tcase_create("split");
	tcase_add_test(tc, test_split_ethernet);
	tcase_add_test(tc, test_split_link_types);
	tcase_add_test(tc, test_split_flow_forms);
	tcase_add_test(tc, test_split_nothing_matches);
	tcase_add_test(tc, test_split_survives_damage);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capture_split_suite)
