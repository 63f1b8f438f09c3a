/*
 * Pure protocol parsers: the bounds-checked cursor, telnet negotiation and
 * identification of banners and answers, including hostile input.
 */
#include "check_main.h"
#include "proto/cursor.h"
#include "proto/ident.h"
#include "proto/telnet.h"

#include <string.h>

START_TEST(cursor_bounds)
{
	const uint8_t b[] = { 1, 2, 3 };
	cursor_t c;
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;
	cur_init(&c, b, sizeof(b));
	ck_assert_int_eq(cur_be16(&c, &v16), 0);
	ck_assert_uint_eq(v16, 0x0102);
	ck_assert_int_eq(cur_be32(&c, &v32), -1);	/* only one byte left */
	ck_assert(c.bad);
	ck_assert_uint_eq(v32, 0);
	ck_assert_int_eq(cur_u8(&c, &v8), -1);		/* latched */
	ck_assert_uint_eq(cur_left(&c), 0);
	cursor_t sub;
	cur_init(&c, b, sizeof(b));
	ck_assert_int_eq(cur_sub(&c, 5, &sub), -1);
	ck_assert(sub.bad);
}
END_TEST

START_TEST(telnet_negotiation)
{
	/* BusyBox telnetd: WILL ECHO, WILL SGA, DO TTYPE, a subnegotiation, text. */
	const uint8_t in[] = { 255, 251, 1, 255, 251, 3, 255, 253, 24,
		255, 250, 24, 1, 255, 240, 'l', 'o', 'g', 'i', 'n', ':', ' ', 255, 255 };
	telnet_state_t st = { 0 };
	uint8_t text[64], reply[64];
	size_t tl, rl;
	telnet_feed(&st, in, sizeof(in), text, sizeof(text), &tl, reply, sizeof(reply), &rl);
	ck_assert_uint_eq(tl, 8);
	ck_assert(memcmp(text, "login: \xff", 8) == 0);
	const uint8_t want[] = { 255, 253, 1, 255, 253, 3, 255, 252, 24 };
	ck_assert_uint_eq(rl, sizeof(want));
	ck_assert(memcmp(reply, want, rl) == 0);
	ck_assert(telnet_looks_like(in, sizeof(in)));
	ck_assert(!telnet_looks_like((const uint8_t *)"SSH-2.0", 7));
}
END_TEST

START_TEST(telnet_split_and_unterminated_sb)
{
	telnet_state_t st = { 0 };
	uint8_t text[16], reply[16];
	size_t tl, rl;
	const uint8_t a[] = { 255 }, b[] = { 251 }, c[] = { 1, 'x' };
	telnet_feed(&st, a, 1, text, sizeof(text), &tl, reply, sizeof(reply), &rl);
	telnet_feed(&st, b, 1, text, sizeof(text), &tl, reply, sizeof(reply), &rl);
	telnet_feed(&st, c, 2, text, sizeof(text), &tl, reply, sizeof(reply), &rl);
	ck_assert_uint_eq(tl, 1);
	ck_assert_uint_eq(rl, 3);
	/* A subnegotiation that never ends is abandoned after a bound. */
	uint8_t big[6000];
	memset(big, 'A', sizeof(big));
	big[0] = 255;
	big[1] = 250;
	telnet_feed(&st, big, sizeof(big), text, sizeof(text), &tl, reply, sizeof(reply), &rl);
	ck_assert_uint_eq(tl, sizeof(text));	/* text resumes, capped by text_cap */
}
END_TEST

START_TEST(banners)
{
	ident_t id;
	const char *ssh = "SSH-2.0-dropbear_2022.83\r\n";
	ck_assert(ident_banner((const uint8_t *)ssh, strlen(ssh), &id));
	ck_assert_str_eq(id.protocol, "ssh");
	ck_assert_str_eq(id.product, "dropbear");
	ck_assert_str_eq(id.version, "2022.83");
	const char *ossh = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	ck_assert(ident_banner((const uint8_t *)ossh, strlen(ossh), &id));
	ck_assert_str_eq(id.product, "OpenSSH");
	ck_assert_str_eq(id.version, "9.2p1");
	const char *ftp = "220 (vsFTPd 3.0.3)\r\n";
	ck_assert(ident_banner((const uint8_t *)ftp, strlen(ftp), &id));
	ck_assert_str_eq(id.protocol, "ftp");
	const char *shell = "refdev debug console\r\n# ";
	ck_assert(ident_banner((const uint8_t *)shell, strlen(shell), &id));
	ck_assert_str_eq(id.protocol, "debug-shell");
	const uint8_t garbage[] = { 0, 1, 2, 0xff, 0xfe, 0x80 };
	ck_assert(!ident_banner(garbage, sizeof(garbage), &id));
	ck_assert(!ident_banner(garbage, 0, &id));
}
END_TEST

START_TEST(http_and_mqtt)
{
	ident_t id;
	const char *r = "HTTP/1.1 401 Unauthorized\r\nServer: lighttpd/1.4.69\r\n"
	    "WWW-Authenticate: Basic realm=\"x\"\r\n\r\nbody";
	ck_assert(ident_http((const uint8_t *)r, strlen(r), &id));
	ck_assert_str_eq(id.product, "lighttpd");
	ck_assert_str_eq(id.version, "1.4.69");
	ck_assert_int_eq(http_status((const uint8_t *)r, strlen(r)), 401);
	char v[64];
	ck_assert(http_header((const uint8_t *)r, strlen(r), "www-authenticate", v, sizeof(v)));
	ck_assert_str_eq(v, "Basic realm=\"x\"");
	ck_assert(!http_header((const uint8_t *)r, strlen(r), "body", v, sizeof(v)));
	ck_assert_int_eq(http_status((const uint8_t *)"HTTP/1.1 4", 10), -1);
	ck_assert_int_eq(http_status((const uint8_t *)"HTTP/1.1 abc", 12), -1);
	const uint8_t connack[] = { 0x20, 0x02, 0x00, 0x00 };
	ck_assert(ident_mqtt(connack, sizeof(connack), &id));
	ck_assert_str_eq(id.protocol, "mqtt");
	const uint8_t notack[] = { 0x30, 0x02 };
	ck_assert(!ident_mqtt(notack, sizeof(notack), &id));
	ck_assert(!ident_mqtt(connack, 1, &id));
	uint8_t pkt[64];
	size_t n = mqtt_connect_build(pkt, sizeof(pkt), "id", "u", "p");
	ck_assert_uint_eq(n, 2 + 10 + 4 + 3 + 3);
	ck_assert_uint_eq(pkt[0], 0x10);
	ck_assert_uint_eq(pkt[9], 0xc2);	/* user, password, clean session */
	ck_assert_uint_eq(mqtt_connect_build(pkt, 4, "id", NULL, NULL), 0);
	ck_assert(ident_tls_record((const uint8_t *)"\x15\x03\x01\x00\x02", 5));
	ck_assert(!ident_tls_record((const uint8_t *)"HTTP/", 5));
}
END_TEST

START_TEST(adb_and_coap_tcp)
{
	ident_t id;
	uint8_t m[64];
	size_t n = adb_connect_build(m, sizeof(m));
	ck_assert_uint_eq(n, 24 + 7);
	ck_assert(memcmp(m, "CNXN", 4) == 0);
	/* Our own CNXN is a valid ADB message: a device echoes the same shape. */
	ck_assert(ident_adb(m, n, &id));
	ck_assert_str_eq(id.protocol, "adb");
	m[20] ^= 1;	/* broken magic */
	ck_assert(!ident_adb(m, n, &id));
	ck_assert(!ident_adb(m, 23, &id));
	ck_assert_uint_eq(adb_connect_build(m, 20), 0);

	uint8_t csm[8];
	ck_assert_uint_eq(coap_tcp_csm_build(csm, sizeof(csm)), 2);
	ck_assert(ident_coap_tcp(csm, 2, &id));
	ck_assert_str_eq(id.protocol, "coap");
	/* A server CSM with a Max-Message-Size option: Len 3, option 2, value 1152. */
	const uint8_t srv[] = { 0x30, 0xe1, 0x22, 0x04, 0x80 };
	ck_assert(ident_coap_tcp(srv, sizeof(srv), &id));
	const uint8_t ext[] = { 0xd0 };	/* extended length byte missing */
	ck_assert(!ident_coap_tcp(ext, sizeof(ext), &id));
	const uint8_t notcsm[] = { 0x00, 0x45 };	/* 2.05 is not a CSM */
	ck_assert(!ident_coap_tcp(notcsm, sizeof(notcsm), &id));
	const uint8_t bigtkl[] = { 0x09, 0xe1 };
	ck_assert(!ident_coap_tcp(bigtkl, sizeof(bigtkl), &id));
}
END_TEST

/* A prompt is printable text ending in '#' or '$'; binary noise that
 * happens to end in one is not a shell (telnet-bad-iac found this). */
START_TEST(shell_prompts)
{
	static const char busybox[] = "BusyBox v1.36.1 built-in shell (ash)\r\n\r\n~ # ";
	ck_assert(ends_with_shell_prompt((const uint8_t *)busybox, sizeof(busybox) - 1));
	ck_assert(ends_with_shell_prompt((const uint8_t *)"$ ", 2));
	ck_assert(ends_with_shell_prompt((const uint8_t *)"login ok\nroot@cam:/#\r\n", 22));
	ck_assert(!ends_with_shell_prompt((const uint8_t *)"login: ", 7));
	uint8_t noise[4096];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof(noise); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		noise[i] = (uint8_t)(x == 0xff ? 0xfe : x);
	}
	memcpy(noise + sizeof(noise) - 3, "\n# ", 3);
	ck_assert(!ends_with_shell_prompt(noise, sizeof(noise)));
	/* Text, but a last line no prompt is that long. */
	char longline[300];
	memset(longline, 'a', sizeof(longline));
	longline[sizeof(longline) - 1] = '#';
	ck_assert(!ends_with_shell_prompt((const uint8_t *)longline, sizeof(longline)));
	ck_assert(!ends_with_shell_prompt((const uint8_t *)"ab\x01\x02#", 5));
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("proto");
	TCase *t = tcase_create("parsers");
	tcase_add_test(t, cursor_bounds);
	tcase_add_test(t, telnet_negotiation);
	tcase_add_test(t, telnet_split_and_unterminated_sb);
	tcase_add_test(t, banners);
	tcase_add_test(t, http_and_mqtt);
	tcase_add_test(t, adb_and_coap_tcp);
	tcase_add_test(t, shell_prompts);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
