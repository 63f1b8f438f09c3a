/*
 * The other pure pieces of the authenticators: the MQTT CONNECT bytes (3.1.1
 * and 5, long credentials needing a multi-byte length) and the strict
 * CONNACK parser, FTP reply framing (single, multi-line, hostile), and the
 * registry's protocol table.  Device bytes are exact-size heap copies.
 */
#include "check_main.h"

#include "auth/auth.h"
#include "auth/ftp_reply.h"
#include "auth/mqtt_packet.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static int
connack(const void *bytes, size_t n, int level, mqtt_connack_t *ack, size_t *used)
{
	uint8_t *copy = xcalloc(n ? n : 1, 1);
	memcpy(copy, bytes, n);
	char why[128];
	int rc = mqtt_connack_parse(copy, n, level, ack, used, why, sizeof(why));
	free(copy);
	return rc;
}

START_TEST(mqtt_connect_bytes)
{
	uint8_t out[512];
	size_t n = mqtt_connect_packet(out, sizeof(out), MQTT_V311, "id", "admin", "pw");
	const uint8_t want[] = {
		0x10, 25, 0, 4, 'M', 'Q', 'T', 'T', 4, 0xc2, 0, 30,
		0, 2, 'i', 'd', 0, 5, 'a', 'd', 'm', 'i', 'n', 0, 2, 'p', 'w',
	};
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_int_eq(memcmp(out, want, n), 0);

	/* Anonymous: neither flag, no payload strings after the id. */
	n = mqtt_connect_packet(out, sizeof(out), MQTT_V311, "id", NULL, "ignored");
	ck_assert_uint_eq(n, 2 + 10 + 4);
	ck_assert_uint_eq(out[9], 0x02);

	/* v5: level 5 and an empty property length before the payload. */
	n = mqtt_connect_packet(out, sizeof(out), MQTT_V5, "id", "u", "");
	const uint8_t want5[] = {
		0x10, 20, 0, 4, 'M', 'Q', 'T', 'T', 5, 0xc2, 0, 30, 0,
		0, 2, 'i', 'd', 0, 1, 'u', 0, 0,
	};
	ck_assert_uint_eq(n, sizeof(want5));
	ck_assert_int_eq(memcmp(out, want5, n), 0);

	/* A 300-byte password needs a two-byte remaining length. */
	char pw[301];
	memset(pw, 'x', 300);
	pw[300] = '\0';
	n = mqtt_connect_packet(out, sizeof(out), MQTT_V311, "id", "u", pw);
	ck_assert_uint_eq(n, 3 + 10 + 4 + 3 + 302);
	ck_assert_uint_eq(out[1], ((n - 3) & 0x7f) | 0x80);
	ck_assert_uint_eq(out[2], (n - 3) >> 7);
	ck_assert_int_eq(memcmp(out + n - 300, pw, 300), 0);
	/* Does not fit: 0, never a partial packet. */
	ck_assert_uint_eq(mqtt_connect_packet(out, 100, MQTT_V311, "id", "u", pw), 0);
	ck_assert_uint_eq(mqtt_connect_packet(out, 4, MQTT_V311, "id", NULL, NULL), 0);
	char *huge = xcalloc(70000, 1);
	memset(huge, 'h', 69999);
	uint8_t *big = xcalloc(80000, 1);
	ck_assert_uint_eq(mqtt_connect_packet(big, 80000, MQTT_V311, "id", "u", huge), 0);
	free(big);
	free(huge);
}
END_TEST

START_TEST(mqtt_connack_parse_cases)
{
	mqtt_connack_t a;
	size_t used;
	ck_assert_int_eq(connack("\x20\x02\x00\x00", 4, MQTT_V311, &a, &used), 0);
	ck_assert_uint_eq(a.code, 0);
	ck_assert_uint_eq(used, 4);
	ck_assert_int_eq(connack("\x20\x02\x01\x05", 4, MQTT_V311, &a, &used), 0);
	ck_assert_uint_eq(a.code, 5);
	ck_assert(a.session_present);
	/* Incomplete. */
	ck_assert_int_eq(connack("", 0, MQTT_V311, &a, &used), 1);
	ck_assert_int_eq(connack("\x20", 1, MQTT_V311, &a, &used), 1);
	ck_assert_int_eq(connack("\x20\x02\x00", 3, MQTT_V311, &a, &used), 1);
	/* Malformed: what refdev's mqtt-bad-connack sends, other types, flags. */
	ck_assert_int_eq(connack("\x20\x7f\x00", 3, MQTT_V311, &a, &used), -1);
	ck_assert_int_eq(connack("\x30\x02\x00\x00", 4, MQTT_V311, &a, &used), -1);
	ck_assert_int_eq(connack("\x21\x02\x00\x00", 4, MQTT_V311, &a, &used), -1);
	ck_assert_int_eq(connack("\x20\x02\x02\x00", 4, MQTT_V311, &a, &used), -1);
	ck_assert_int_eq(connack("\x20\xff\xff\xff\xff\x01", 6, MQTT_V5, &a, &used), -1);
	/* v5: properties. */
	ck_assert_int_eq(connack("\x20\x03\x00\x87\x00", 5, MQTT_V5, &a, &used), 0);
	ck_assert_uint_eq(a.code, 0x87);
	ck_assert_int_eq(connack("\x20\x02\x00\x86", 4, MQTT_V5, &a, &used), 0);
	ck_assert_int_eq(connack("\x20\x06\x00\x00\x03\x21\x00\x0a", 8, MQTT_V5, &a, &used), 0);
	ck_assert_int_eq(connack("\x20\x06\x00\x00\x04\x21\x00\x0a", 8, MQTT_V5, &a, &used), -1);
	ck_assert_int_eq(connack("\x20\x06\x00\x00\x03\x21\x00", 7, MQTT_V5, &a, &used), 1);
	ck_assert_int_eq(connack("\x20\x01\x00", 3, MQTT_V5, &a, &used), -1);
	/* Random input: no crash, no over-read. */
	unsigned seed = 99;
	uint8_t r[64];
	for (int i = 0; i < 5000; i++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(r));
		for (size_t k = 0; k < n; k++)
			r[k] = (uint8_t)rand_r(&seed);
		if (n && i % 2)
			r[0] = 0x20;
		(void)connack(r, n, i % 3 ? MQTT_V5 : MQTT_V311, &a, &used);
	}
}
END_TEST

static int
ftp(const char *s, int *code, size_t *used, char *text)
{
	size_t n = strlen(s);
	uint8_t *copy = xcalloc(n ? n : 1, 1);
	memcpy(copy, s, n);
	int rc = ftp_reply_parse(copy, n, code, used, text, 64);
	free(copy);
	return rc;
}

START_TEST(ftp_replies)
{
	int code;
	size_t used;
	char text[64];
	ck_assert_int_eq(ftp("220 (vsFTPd 3.0.3)\r\n", &code, &used, text), 0);
	ck_assert_int_eq(code, 220);
	ck_assert_uint_eq(used, 20);
	ck_assert_str_eq(text, "(vsFTPd 3.0.3)");
	ck_assert_int_eq(ftp("331 Please specify the password.\r\n230 x\r\n", &code, &used, text), 0);
	ck_assert_int_eq(code, 331);
	ck_assert_uint_eq(used, 34);
	ck_assert_int_eq(ftp("230\n", &code, &used, text), 0);
	ck_assert_int_eq(code, 230);
	ck_assert_str_eq(text, "");
	/* Multi-line, with inner lines that look like codes. */
	ck_assert_int_eq(ftp("230-Welcome\r\n 230 not the end\r\n220 not ours\r\n230-still\r\n"
	    "230 Login successful.\r\n", &code, &used, text), 0);
	ck_assert_int_eq(code, 230);
	ck_assert_str_eq(text, "Welcome");
	ck_assert_int_eq(ftp("230-Welcome\r\nmore\r\n", &code, &used, text), 1);
	ck_assert_int_eq(ftp("220 partial", &code, &used, text), 1);
	ck_assert_int_eq(ftp("22", &code, &used, text), 1);
	ck_assert_int_eq(ftp("", &code, &used, text), 1);
	/* Not FTP. */
	ck_assert_int_eq(ftp("HTTP/1.1 400 Bad\r\n", &code, &used, text), -1);
	ck_assert_int_eq(ftp("SSH-", &code, &used, text), -1);
	ck_assert_int_eq(ftp("220x\r\n", &code, &used, text), -1);
	ck_assert_int_eq(ftp("620 x\r\n", &code, &used, text), -1);
	ck_assert_int_eq(ftp("\x01\x02\x03\x04", &code, &used, text), -1);
	/* Caps: a line or a reply without end. */
	char *big = xcalloc(FTP_REPLY_MAX + 100, 1);
	strcpy(big, "220 ");
	memset(big + 4, 'a', FTP_LINE_MAX + 10);
	ck_assert_int_eq(ftp(big, &code, &used, text), -1);
	memset(big, 0, FTP_REPLY_MAX + 100);
	strcpy(big, "220-x\r\n");
	for (size_t o = strlen(big); o + 6 < FTP_REPLY_MAX + 50; o += 6)
		memcpy(big + o, "line\r\n", 6);
	ck_assert_int_eq(ftp(big, &code, &used, text), -1);
	free(big);
	/* The text is printable whatever the device sends. */
	ck_assert_int_eq(ftp("530 a\x01\x7f" "b\r\n", &code, &used, text), 0);
	ck_assert_str_eq(text, "a..b");
}
END_TEST

START_TEST(registry)
{
	size_t n;
	const authenticator_t *all = auth_all(&n);
	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_eq(auth_find(all[i].protocol), &all[i]);
		ck_assert_ptr_nonnull(all[i].summary);
		ck_assert_ptr_nonnull(all[i].try_login);
	}
	ck_assert_str_eq(auth_find("https")->protocol, "http");
	ck_assert_str_eq(auth_find("mqtts")->protocol, "mqtt");
	ck_assert_str_eq(auth_find("rtsps")->protocol, "rtsp");
	ck_assert_str_eq(auth_find("ftps")->protocol, "ftp");
	ck_assert_str_eq(auth_find("debug-shell")->protocol, "telnet");
	ck_assert_ptr_null(auth_find("snmp"));
	ck_assert_ptr_null(auth_find("unknown"));
	ck_assert_ptr_null(auth_find(NULL));
	ck_assert_str_eq(auth_result_str(AUTH_ACCEPTED), "ACCEPTED");
	ck_assert_str_eq(auth_result_str(AUTH_REJECTED), "REJECTED");
	ck_assert_str_eq(auth_result_str(AUTH_NOT_REQUIRED), "NOT_REQUIRED");
	ck_assert_str_eq(auth_result_str(AUTH_LOCKED), "LOCKED");
	ck_assert_str_eq(auth_result_str(AUTH_INCONCLUSIVE), "INCONCLUSIVE");
	ck_assert_str_eq(auth_result_str(AUTH_ERROR), "ERROR");
}
END_TEST

static Suite *
auth_wire_suite(void)
{
	Suite *s = suite_create("auth_wire");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, mqtt_connect_bytes);
	tcase_add_test(tc, mqtt_connack_parse_cases);
	tcase_add_test(tc, ftp_replies);
	tcase_add_test(tc, registry);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_wire_suite)
