/*
 * The pure helpers of the unauthenticated-disclosure probe: the field
 * vocabulary, version sniffing, realm extraction and the bounded key scan
 * over JSON, text and TXT-record bodies (fed from exact-size heap copies so
 * a sanitizer build sees any over-read).
 */
#include "check_main.h"
#include "core/util.h"
#include "probes/disclosure.h"

#include <string.h>

typedef struct hits {
	strlist_t got;	/* "field key=value" */
} hits_t;

static void
collect(void *arg, const char *field, const char *key, const char *value)
{
	hits_t *h = arg;
	strlist_push_owned(&h->got, xasprintf("%s %s=%s", field, key, value));
}

static char *
scan(const char *text)
{
	size_t n = strlen(text);
	uint8_t *p = xcalloc(n ? n : 1, 1);
	memcpy(p, text, n);
	hits_t h = { 0 };
	disclosure_scan_keys(p, n, collect, &h);
	free(p);
	char *all = strlist_join(&h.got, "|");
	strlist_free(&h.got);
	return all;
}

#define ASSERT_SCAN(text, want) do {                                  \
		char *got_ = scan(text);                              \
		ck_assert_msg(strcmp(got_, want) == 0, "scan(%s): got '%s', want '%s'", \
		    text, got_, want);                                \
		free(got_);                                           \
	} while (0)

START_TEST(vocabulary)
{
	size_t n;
	const disc_field_t *all = disclosure_fields(&n);
	ck_assert_uint_gt(n, 20);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_eq(disclosure_field(all[i].token), &all[i]);
		ck_assert(strspn(all[i].token, "abcdefghijklmnopqrstuvwxyz-") == strlen(all[i].token));
	}
	ck_assert_int_eq(disclosure_field("firmware-version")->sr, SR_YES);
	ck_assert_int_eq(disclosure_field("serial")->sr, SR_YES);
	ck_assert_int_eq(disclosure_field("broker-version")->sr, SR_YES);
	ck_assert_int_eq(disclosure_field("title")->sr, SR_NO);
	ck_assert_int_eq(disclosure_field("friendly-name")->sr, SR_NO);
	ck_assert_int_eq(disclosure_field("banner")->sr, SR_IF_VERSION);
	ck_assert_ptr_null(disclosure_field("firmware_version"));
}
END_TEST

START_TEST(versions)
{
	ck_assert(disclosure_versioned("refdev-httpd/1.0"));
	ck_assert(disclosure_versioned("SSH-2.0-OpenSSH_8.4p1"));
	ck_assert(disclosure_versioned("BusyBox v1.31"));
	ck_assert(disclosure_versioned("Linux 3.10.14 armv7l"));
	ck_assert(disclosure_versioned("fw V5"));
	ck_assert(!disclosure_versioned("nginx"));
	ck_assert(!disclosure_versioned("RD100-000123"));
	ck_assert(!disclosure_versioned("refdev login:"));
	ck_assert(!disclosure_versioned("dev5 1."));
	ck_assert(!disclosure_versioned(""));
}
END_TEST

START_TEST(realms)
{
	char r[32];
	ck_assert(disclosure_realm("Basic realm=\"RefDev Admin\"", r, sizeof(r)));
	ck_assert_str_eq(r, "RefDev Admin");
	ck_assert(disclosure_realm("Digest qop=\"auth\", REALM = \"a\\\"b\", nonce=\"x\"", r, sizeof(r)));
	ck_assert_str_eq(r, "a\"b");
	ck_assert(disclosure_realm("Basic realm=IPCam,charset=UTF-8", r, sizeof(r)));
	ck_assert_str_eq(r, "IPCam");
	ck_assert(!disclosure_realm("Basic", r, sizeof(r)));
	ck_assert(!disclosure_realm("Basic xrealm=\"no\"", r, sizeof(r)));
	ck_assert(!disclosure_realm("Basic realm=\"\"", r, sizeof(r)));
	ck_assert(!disclosure_realm("Basic realm", r, sizeof(r)));
	ck_assert(disclosure_realm("Basic realm=\"0123456789012345678901234567890123456789\"", r, 8));
	ck_assert_str_eq(r, "0123456");
}
END_TEST

START_TEST(json_bodies)
{
	ASSERT_SCAN("{\"model\":\"RD-100\",\"firmware\":\"1.0.3\",\"serial\":\"RD100-000123\"}",
	    "model model=RD-100|firmware-version firmware=1.0.3|serial serial=RD100-000123");
	ASSERT_SCAN("{ \"device\": { \"Model_Name\" : \"X1\", \"fw_version\": 2.1, \"uptime\": 5,"
	    " \"mac\": \"00:11:22:33:44:55\", \"sn\": null, \"os\": true } }",
	    "model Model_Name=X1|firmware-version fw_version=2.1|mac-address mac=00:11:22:33:44:55");
	/* Escapes inside strings; a value never runs past the end of its line. */
	ASSERT_SCAN("{\"version\":\"a\\\"b\\\\c\\nd\",\"hostname\":\"cam\n\"}",
	    "version version=a\"b\\c d|hostname hostname=cam");
	/* Keys that only contain a known key are not it. */
	ASSERT_SCAN("{\"modelx\":\"1\",\"my_serials\":\"2\",\"serial_number\":\"3\"}",
	    "serial serial_number=3");
	/* A key inside a string value is not a key. */
	ASSERT_SCAN("{\"note\":\"model: fake\",\"model\":\"real\"}", "model model=real");
}
END_TEST

START_TEST(text_bodies)
{
	ASSERT_SCAN("Firmware Version: 1.2.3 (build 7)\nSerial: ABC123\r\nuptime: 5\n",
	    "firmware-version Firmware Version=1.2.3 (build 7)|serial Serial=ABC123");
	/* Multi-word keys: the longest trailing words that name a field. */
	ASSERT_SCAN("Welcome to the camera Serial Number: X9\nThe current firmware: 7.1\n",
	    "serial Serial Number=X9|firmware-version firmware=7.1");
	ASSERT_SCAN("{\"Device Model\": \"M\", \"Hardware  Rev\": \"no\"}", "model Device Model=M");
	/* key=value lists (CGI status pages, mDNS TXT records) end values at blanks. */
	ASSERT_SCAN("md=RD-9 fv=4.2.0 id=AA:BB", "model md=RD-9|firmware-version fv=4.2.0");
	ASSERT_SCAN("hwver=B&swver=2.0.1&mac=aa", "hardware-version hwver=B|"
	    "firmware-version swver=2.0.1|mac-address mac=aa");
	ASSERT_SCAN("", "");
	ASSERT_SCAN("model", "");
	ASSERT_SCAN("model:", "");
	ASSERT_SCAN("model=\"unterminated", "model model=unterminated");
	ASSERT_SCAN("\"model", "");
	ASSERT_SCAN("'model':'quoted'", "model model=quoted");
}
END_TEST

START_TEST(scan_bounds)
{
	/* Long values are capped; over-long keys are not keys. */
	char *s = xcalloc(2000, 1);
	strcpy(s, "serial=");
	memset(s + 7, '9', 1500);
	char *got = scan(s);
	ck_assert_uint_eq(strlen(got), strlen("serial serial=") + DISC_VALUE_MAX - 1);
	free(got);
	memset(s, 'k', 100);
	strcpy(s + 100, "model=x");
	got = scan(s);
	ck_assert_str_eq(got, "");
	free(got);
	free(s);
	/* At most DISC_SCAN_MAX results from one body. */
	buf_t b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 500; i++)
		buf_printf(&b, "\"serial\":\"%d\",", i);
	hits_t h = { 0 };
	ck_assert_uint_eq(disclosure_scan_keys((uint8_t *)b.data, b.len, collect, &h), DISC_SCAN_MAX);
	ck_assert_uint_eq(h.got.n, DISC_SCAN_MAX);
	strlist_free(&h.got);
	buf_free(&b);
	/* Binary noise neither crashes nor invents anything. */
	uint8_t noise[4096];
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i * 131 + 7);
	hits_t h2 = { 0 };
	disclosure_scan_keys(noise, sizeof(noise), collect, &h2);
	strlist_free(&h2.got);
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("disclosure-scan");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, vocabulary);
	tcase_add_test(tc, versions);
	tcase_add_test(tc, realms);
	tcase_add_test(tc, json_bodies);
	tcase_add_test(tc, text_bodies);
	tcase_add_test(tc, scan_bounds);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(scan_suite)
