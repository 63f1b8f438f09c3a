/*
 * Tests of the file capture_split() writes and of how it fails: time stamps
 * kept to the nanosecond (and the nanosecond pcap magic), and every error
 * (missing input, output over input, unsupported link type, a capture cut
 * short, not a pcap at all) reported without leaving a case file behind.
 * Which packets it keeps is tested in test_capture_split.c.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "check_main.h"
#include "test_capture_ethernet.h"
#include "test_capture_fixture.h"

START_TEST(test_split_keeps_nanoseconds)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	fixture_t fx;
	ethernet_fixture(&fx);
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, in);
	flow_t f[3];
	standard_flows(f);
	char err[256] = "";
	size_t kept = 0;
	ck_assert_msg(capture_split(in, f, 3, out, &kept, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_gt(kept, 0);

	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(out,
	    PCAP_TSTAMP_PRECISION_NANO, eb);
	ck_assert_ptr_nonnull(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
	ck_assert_int_eq(h->ts.tv_usec, 123);	/* nanoseconds, not rounded */
	pcap_close(p);
	FILE *fp = fopen(out, "rb");
	uint32_t magic = 0;
	ck_assert_uint_eq(fread(&magic, 1, 4, fp), 4);
	fclose(fp);
	ck_assert_uint_eq(magic, 0xa1b23c4d);
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

START_TEST(test_split_errors)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	char err[256] = "";
	size_t kept = 7;
	flow_t f[3];
	standard_flows(f);

	ck_assert_int_eq(capture_split(in, f, 3, out, &kept, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, in));
	ck_assert_uint_eq(kept, 0);
	ck_assert_int_ne(access(out, F_OK), 0);

	fixture_t fx;
	ethernet_fixture(&fx);
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	ck_assert_int_eq(capture_split(in, f, 3, in, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overwrite"));
	ck_assert_int_eq(capture_split(in, NULL, 1, out, NULL, err, sizeof(err)), -1);

	write_fixture(&fx, DLT_IEEE802_11, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not supported"));
	ck_assert_int_ne(access(out, F_OK), 0);

	/* A record cut short by a crash is an error, not a silent half split. */
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	struct stat st;
	ck_assert_int_eq(stat(in, &st), 0);
	ck_assert_int_eq(truncate(in, st.st_size - 3), 0);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "reading"));
	ck_assert_int_ne(access(out, F_OK), 0);

	/* Not a pcap at all; and no err buffer is fine.  A case file left
	 * from an earlier run does not survive the failure. */
	FILE *fp = fopen(in, "w");
	fputs("not a capture\n", fp);
	fclose(fp);
	fp = fopen(out, "w");
	fclose(fp);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, NULL, 0), -1);
	ck_assert_int_ne(access(out, F_OK), 0);
	ck_assert_int_eq(access(in, F_OK), 0);
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

static Suite *
capture_split_files_suite(void)
{
	Suite *s = suite_create("capture-split-files");
	TCase *tc = tcase_create("files");
	tcase_add_test(tc, test_split_keeps_nanoseconds);
	tcase_add_test(tc, test_split_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capture_split_files_suite)
