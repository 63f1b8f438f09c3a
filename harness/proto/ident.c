/*
 * Banner and response classification.  Conservative: a protocol is named only
 * on a structural match (a status line, a packet type and length), never on a
 * port number, so telnet on 2323 and HTTP on 8081 are recognised as such.
 */
#include "proto/ident.h"
#include "proto/cursor.h"
#include "proto/telnet.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool
starts(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(p, s, k) == 0;
}

/* Copies the printable run of the first line after `skip` bytes. */
static void
first_line(const uint8_t *p, size_t n, size_t skip, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = skip; i < n && o + 1 < outlen; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			break;
		out[o++] = isprint(p[i]) ? (char)p[i] : '?';
	}
	out[o] = '\0';
}

/*
 * A shell prompt is the end of text: a last line of at most PROMPT_MAX
 * printable characters ending in '#' or '$'.  Binary noise ends in those
 * bytes too now and then, so the text read must also be mostly text: a
 * device streaming garbage is not offering a shell.
 */
#define PROMPT_MAX 128

bool
ends_with_shell_prompt(const uint8_t *p, size_t n)
{
	size_t binary = 0;
	for (size_t i = 0; i < n; i++)
		binary += !isprint(p[i]) && !isspace(p[i]) && p[i] != '\0';
	if (binary * 10 > n)
		return false;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\0' || p[n - 1] == '\r' ||
	    p[n - 1] == '\n'))
		n--;
	if (n == 0 || (p[n - 1] != '#' && p[n - 1] != '$'))
		return false;
	for (size_t i = n, len = 0; i > 0 && p[i - 1] != '\n' && p[i - 1] != '\r'; i--, len++)
		if (len >= PROMPT_MAX || (!isprint(p[i - 1]) && p[i - 1] != '\t'))
			return false;
	return true;
}

bool
mem_has_ci(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)p + i, needle, k) == 0)
			return true;
	return false;
}

bool
ident_banner(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	if (n == 0)
		return false;
	if (starts(p, n, "SSH-")) {
		char line[128];
		first_line(p, n, 0, line, sizeof(line));
		id->protocol = "ssh";
		id->how = "SSH identification string";
		/* SSH-2.0-dropbear_2022.83 → product dropbear, version 2022.83 */
		const char *sw = strchr(line + 4, '-');
		if (sw) {
			sw++;
			size_t k = strcspn(sw, "_ ");
			snprintf(id->product, sizeof(id->product), "%.*s", (int)k, sw);
			if (sw[k] == '_')
				snprintf(id->version, sizeof(id->version), "%.*s",
				    (int)strcspn(sw + k + 1, " "), sw + k + 1);
		}
		return true;
	}
	if (telnet_looks_like(p, n)) {
		id->protocol = "telnet";
		id->how = "telnet option negotiation";
		return true;
	}
	if (starts(p, n, "220") && (n == 3 || p[3] == ' ' || p[3] == '-')) {
		if (mem_has_ci(p, n, "ftp") || !mem_has_ci(p, n, "smtp")) {
			id->protocol = "ftp";
			id->how = "FTP 220 greeting";
			first_line(p, n, 4, id->product, sizeof(id->product));
			return true;
		}
	}
	if (mem_has_ci(p, n, "login:") || mem_has_ci(p, n, "username:")) {
		id->protocol = "telnet";
		id->how = "plain-text login prompt";
		return true;
	}
	if (ends_with_shell_prompt(p, n)) {
		id->protocol = "debug-shell";
		id->how = "shell prompt offered on connect";
		return true;
	}
	return false;
}

int
http_status(const uint8_t *p, size_t n)
{
	if (!starts(p, n, "HTTP/1.") && !starts(p, n, "HTTP/2") && !starts(p, n, "RTSP/1."))
		return -1;
	size_t i = 0;
	while (i < n && p[i] != ' ')
		i++;
	if (i + 4 > n)
		return -1;
	int code = 0;
	for (size_t k = i + 1; k < i + 4; k++) {
		if (!isdigit(p[k]))
			return -1;
		code = code * 10 + (p[k] - '0');
	}
	return code;
}

bool
http_header(const uint8_t *p, size_t n, const char *name, char *out, size_t outlen)
{
	size_t k = strlen(name);
	size_t i = 0;
	/* Skip the status line, then walk header lines until the blank line. */
	while (i < n && p[i] != '\n')
		i++;
	i++;
	while (i < n) {
		size_t start = i;
		while (i < n && p[i] != '\n')
			i++;
		size_t end = i;
		if (end > start && p[end - 1] == '\r')
			end--;
		if (end == start)
			break;
		if (end - start > k && p[start + k] == ':' &&
		    strncasecmp((const char *)p + start, name, k) == 0) {
			size_t v = start + k + 1;
			while (v < end && (p[v] == ' ' || p[v] == '\t'))
				v++;
			size_t o = 0;
			for (; v < end && o + 1 < outlen; v++)
				out[o++] = isprint(p[v]) ? (char)p[v] : '?';
			out[o] = '\0';
			return true;
		}
		i++;
	}
	return false;
}

static void
split_product(const char *server, ident_t *id)
{
	/* "lighttpd/1.4.69" → product lighttpd, version 1.4.69 */
	size_t k = strcspn(server, "/ ");
	snprintf(id->product, sizeof(id->product), "%.*s", (int)k, server);
	if (server[k] == '/')
		snprintf(id->version, sizeof(id->version), "%.*s",
		    (int)strcspn(server + k + 1, " "), server + k + 1);
}

bool
ident_http(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	if (!starts(p, n, "HTTP/") || http_status(p, n) < 0)
		return false;
	id->protocol = "http";
	id->how = "HTTP status line";
	char server[128];
	if (http_header(p, n, "Server", server, sizeof(server)))
		split_product(server, id);
	return true;
}

bool
ident_rtsp(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	if (!starts(p, n, "RTSP/1.") || http_status(p, n) < 0)
		return false;
	id->protocol = "rtsp";
	id->how = "RTSP status line";
	char server[128];
	if (http_header(p, n, "Server", server, sizeof(server)))
		split_product(server, id);
	return true;
}

bool
ident_mqtt(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	cursor_t c;
	cur_init(&c, p, n);
	uint8_t type, len;
	cur_u8(&c, &type);
	cur_u8(&c, &len);
	/* CONNACK: type 2, remaining length 2 (3.1.1) or >= 3 (v5 with properties). */
	if (c.bad || type != 0x20 || len < 2 || len > 127)
		return false;
	id->protocol = "mqtt";
	id->how = "MQTT CONNACK";
	return true;
}

bool
ident_tls_record(const uint8_t *p, size_t n)
{
	/* Handshake (22) or alert (21), major version 3. */
	return n >= 5 && (p[0] == 22 || p[0] == 21) && p[1] == 3 && p[2] <= 4;
}

static size_t
put_str(uint8_t *out, size_t cap, size_t o, const char *s)
{
	size_t k = strlen(s);
	if (o + 2 + k > cap)
		return cap + 1;
	out[o] = (uint8_t)(k >> 8);
	out[o + 1] = (uint8_t)k;
	memcpy(out + o + 2, s, k);
	return o + 2 + k;
}

size_t
mqtt_connect_build(uint8_t *out, size_t cap, const char *client_id,
    const char *user, const char *pass)
{
	uint8_t body[512];
	size_t o = 0;
	o = put_str(body, sizeof(body), o, "MQTT");
	if (o + 4 > sizeof(body))
		return 0;
	body[o++] = 4;	/* protocol level 3.1.1 */
	uint8_t flags = 0x02;	/* clean session */
	if (user)
		flags |= 0x80;
	if (pass)
		flags |= 0x40;
	body[o++] = flags;
	body[o++] = 0;
	body[o++] = 30;	/* keepalive */
	o = put_str(body, sizeof(body), o, client_id);
	if (user)
		o = put_str(body, sizeof(body), o, user);
	if (pass)
		o = put_str(body, sizeof(body), o, pass);
	if (o > sizeof(body) || o > 127 || o + 2 > cap)
		return 0;
	out[0] = 0x10;
	out[1] = (uint8_t)o;
	memcpy(out + 2, body, o);
	return o + 2;
}

#define ADB_CNXN 0x4e584e43u
#define ADB_AUTH 0x48545541u

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

size_t
adb_connect_build(uint8_t *out, size_t cap)
{
	static const char payload[] = "host::\0";
	size_t plen = sizeof(payload) - 1;	/* keeps the NUL the protocol wants */
	if (cap < 24 + plen)
		return 0;
	uint32_t sum = 0;
	for (size_t i = 0; i < plen; i++)
		sum += (uint8_t)payload[i];
	put_le32(out, ADB_CNXN);
	put_le32(out + 4, 0x01000000u);	/* version */
	put_le32(out + 8, 4096);	/* max payload */
	put_le32(out + 12, (uint32_t)plen);
	put_le32(out + 16, sum);
	put_le32(out + 20, ADB_CNXN ^ 0xffffffffu);
	memcpy(out + 24, payload, plen);
	return 24 + plen;
}

bool
ident_adb(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	if (n < 24)
		return false;
	uint32_t cmd = le32(p), magic = le32(p + 20);
	if ((cmd != ADB_CNXN && cmd != ADB_AUTH) || magic != (cmd ^ 0xffffffffu))
		return false;
	id->protocol = "adb";
	id->how = cmd == ADB_AUTH ? "ADB AUTH challenge" : "ADB CNXN (no authentication)";
	return true;
}

size_t
coap_tcp_csm_build(uint8_t *out, size_t cap)
{
	if (cap < 2)
		return 0;
	out[0] = 0x00;	/* Len 0, TKL 0 */
	out[1] = 0xe1;	/* 7.01 CSM */
	return 2;
}

bool
ident_coap_tcp(const uint8_t *p, size_t n, ident_t *id)
{
	memset(id, 0, sizeof(*id));
	cursor_t c;
	cur_init(&c, p, n);
	uint8_t b0, code, ext8;
	uint16_t ext16;
	uint32_t ext32;
	cur_u8(&c, &b0);
	unsigned len = b0 >> 4, tkl = b0 & 15;
	if (len == 13)
		cur_u8(&c, &ext8);
	else if (len == 14)
		cur_be16(&c, &ext16);
	else if (len == 15)
		cur_be32(&c, &ext32);
	cur_u8(&c, &code);
	if (c.bad || tkl > 8 || code != 0xe1)
		return false;
	id->protocol = "coap";
	id->how = "CoAP over TCP CSM";
	return true;
}
