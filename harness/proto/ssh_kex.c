/*
 * SSH identification, packet framing and KEXINIT (RFC 4253 4.2, 6, 7.1):
 * see ssh_kex.h.  Everything is read through the cursor; a name-list is
 * taken apart only after its characters and name lengths are checked, so
 * what lands in the strlists is printable and bounded.
 */
#include "proto/ssh_kex.h"

#include "proto/cursor.h"

#include <stdio.h>
#include <string.h>

static void
say(char *why, size_t wlen, const char *text)
{
	if (why && wlen)
		snprintf(why, wlen, "%s", text);
}

/* Splits "SSH-proto-software comments" (CR LF already cut off). */
static ssh_parse_t
split_ident(const char *line, ssh_ident_t *out, char *why, size_t wlen)
{
	const char *proto = line + 4;
	const char *dash = strchr(proto, '-');
	size_t plen = dash ? (size_t)(dash - proto) : 0;
	if (plen == 0 || plen >= sizeof(out->proto) || strspn(proto, "0123456789.") != plen) {
		say(why, wlen, "malformed SSH identification: no protocol version");
		return SSH_PARSE_BAD;
	}
	memcpy(out->proto, proto, plen);
	out->proto[plen] = '\0';
	const char *sw = dash + 1;
	size_t swlen = strcspn(sw, " ");
	/* RFC 4253 4.2 allows an empty software version only in spirit: keep it. */
	snprintf(out->software, sizeof(out->software), "%.*s", (int)swlen, sw);
	snprintf(out->comments, sizeof(out->comments), "%s", sw[swlen] ? sw + swlen + 1 : "");
	return SSH_PARSE_OK;
}

ssh_parse_t
ssh_ident_parse(const uint8_t *p, size_t n, ssh_ident_t *out, char *why, size_t wlen)
{
	memset(out, 0, sizeof(*out));
	cursor_t c;
	cur_init(&c, p, n);
	for (int line = 0; line < SSH_PREAMBLE_LINES; line++) {
		size_t start = c.off, len = 0;
		const uint8_t *b = NULL;
		uint8_t ch = 0;
		while (cur_u8(&c, &ch) == 0 && ch != '\n')
			len++;
		if (c.bad) {
			/* No LF yet: fine while the line could still be legal. */
			if (n - start > SSH_LINE_MAX) {
				say(why, wlen, "SSH identification line longer than 255 bytes");
				return SSH_PARSE_BAD;
			}
			return SSH_PARSE_MORE;
		}
		if (len + 1 > SSH_LINE_MAX) {
			say(why, wlen, "SSH identification line longer than 255 bytes");
			return SSH_PARSE_BAD;
		}
		/* The line just scanned, LF left out, read again through its own cursor. */
		cursor_t l;
		cur_init(&l, p, n);
		(void)cur_skip(&l, start);
		(void)cur_bytes(&l, len, &b);
		if (len > 0 && b[len - 1] == '\r')
			len--;
		if (len < 4 || memcmp(b, "SSH-", 4) != 0)
			continue;
		char text[SSH_LINE_MAX + 1];
		memcpy(text, b, len);
		text[len] = '\0';
		if (strlen(text) != len) {
			say(why, wlen, "NUL byte in the SSH identification line");
			return SSH_PARSE_BAD;
		}
		ssh_parse_t r = split_ident(text, out, why, wlen);
		out->consumed = c.off;
		return r;
	}
	say(why, wlen, "no SSH identification within the first 32 lines");
	return SSH_PARSE_BAD;
}

bool
ssh_ident_is_v2(const ssh_ident_t *id)
{
	return strcmp(id->proto, "2.0") == 0 || strcmp(id->proto, "1.99") == 0;
}

ssh_parse_t
ssh_packet_parse(const uint8_t *p, size_t n, const uint8_t **payload, size_t *plen,
    size_t *consumed)
{
	*payload = NULL;
	*plen = *consumed = 0;
	cursor_t c;
	cur_init(&c, p, n);
	uint32_t len = 0;
	uint8_t pad = 0;
	if (cur_be32(&c, &len) < 0)
		return SSH_PARSE_MORE;
	/* Checked before waiting for the body: a huge length is never waited for. */
	if (len > SSH_PACKET_MAX || len < 1 + 4 + 1)
		return SSH_PARSE_BAD;
	if (cur_left(&c) < len)
		return SSH_PARSE_MORE;
	(void)cur_u8(&c, &pad);
	if (pad < 4 || (size_t)pad + 1 >= len)
		return SSH_PARSE_BAD;
	*plen = len - pad - 1u;
	(void)cur_bytes(&c, *plen, payload);
	(void)cur_skip(&c, pad);
	*consumed = c.off;
	return c.bad ? SSH_PARSE_BAD : SSH_PARSE_OK;
}

/* One name-list: US-ASCII names, none empty or longer than SSH_NAME_MAX. */
static int
name_list(cursor_t *c, strlist_t *out, char *why, size_t wlen)
{
	uint32_t len = 0;
	const uint8_t *b = NULL;
	if (cur_be32(c, &len) < 0 || cur_bytes(c, len, &b) < 0) {
		say(why, wlen, "KEXINIT truncated inside a name-list");
		return -1;
	}
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && b[j] != ',') {
			if (b[j] <= ' ' || b[j] >= 0x7f) {
				say(why, wlen, "KEXINIT name-list holds a non-printable byte");
				return -1;
			}
			j++;
		}
		if (j == i || j - i > SSH_NAME_MAX) {
			say(why, wlen, "KEXINIT name-list holds an empty or over-long name");
			return -1;
		}
		if (out->n == SSH_NAMES_MAX) {
			say(why, wlen, "KEXINIT name-list holds more than 128 names");
			return -1;
		}
		strlist_push_owned(out, xstrndup((const char *)b + i, j - i));
		i = j + 1;
	}
	if (len > 0 && b[len - 1] == ',') {
		say(why, wlen, "KEXINIT name-list ends in a comma");
		return -1;
	}
	return 0;
}

int
ssh_kexinit_parse(const uint8_t *payload, size_t n, ssh_kexinit_t *k, char *why, size_t wlen)
{
	memset(k, 0, sizeof(*k));
	cursor_t c;
	cur_init(&c, payload, n);
	uint8_t msg = 0, follows = 0;
	const uint8_t *cookie = NULL;
	uint32_t reserved = 0;
	if (cur_u8(&c, &msg) < 0 || msg != SSH_MSG_KEXINIT) {
		say(why, wlen, "first packet is not SSH_MSG_KEXINIT");
		return -1;
	}
	if (cur_bytes(&c, sizeof(k->cookie), &cookie) < 0) {
		say(why, wlen, "KEXINIT truncated in its cookie");
		return -1;
	}
	memcpy(k->cookie, cookie, sizeof(k->cookie));
	for (int i = 0; i < SSH_L_COUNT; i++) {
		if (name_list(&c, &k->list[i], why, wlen) < 0) {
			ssh_kexinit_clear(k);
			return -1;
		}
	}
	if (cur_u8(&c, &follows) < 0 || cur_be32(&c, &reserved) < 0) {
		say(why, wlen, "KEXINIT truncated after its name-lists");
		ssh_kexinit_clear(k);
		return -1;
	}
	k->first_kex_follows = follows != 0;
	return 0;
}

void
ssh_kexinit_clear(ssh_kexinit_t *k)
{
	if (k == NULL)
		return;
	for (int i = 0; i < SSH_L_COUNT; i++)
		strlist_free(&k->list[i]);
	memset(k, 0, sizeof(*k));
}

size_t
ssh_ident_build(char *out, size_t cap)
{
	int n = snprintf(out, cap, "SSH-2.0-iotcert_%s\r\n", IOTCERT_VERSION);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/*
 * What we offer: modern and legacy names alike, since the point is only to
 * keep a server talking until it has sent its own KEXINIT.
 */
static const char *const offer[SSH_L_COUNT] = {
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group16-sha512,"
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,"
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha1,"
	"diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	"rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss",
	"chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	"aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc",
	NULL,	/* same as client to server */
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
	"hmac-sha2-512,hmac-sha1,hmac-sha1-96,hmac-md5",
	NULL,
	"none,zlib@openssh.com,zlib",
	NULL,
	"",
	"",
};

static int
put_be32(buf_t *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return buf_append(b, x, sizeof(x));
}

int
ssh_kexinit_build(buf_t *out, const uint8_t cookie[16])
{
	size_t payload = 1 + 16 + 1 + 4;
	for (int i = 0; i < SSH_L_COUNT; i++) {
		const char *l = offer[i] ? offer[i] : offer[i - 1];
		payload += 4 + strlen(l);
	}
	/* Padding of 4 or more makes the whole packet a multiple of 8 (RFC 4253 6). */
	size_t pad = 8 - (4 + 1 + payload) % 8;
	if (pad < 4)
		pad += 8;
	static const uint8_t zeros[16];
	uint8_t msg = SSH_MSG_KEXINIT, padb = (uint8_t)pad, tail = 0;
	int rc = put_be32(out, (uint32_t)(1 + payload + pad));
	rc |= buf_append(out, &padb, 1);
	rc |= buf_append(out, &msg, 1);
	rc |= buf_append(out, cookie, 16);
	for (int i = 0; i < SSH_L_COUNT; i++) {
		const char *l = offer[i] ? offer[i] : offer[i - 1];
		rc |= put_be32(out, (uint32_t)strlen(l));
		rc |= buf_append(out, l, strlen(l));
	}
	rc |= buf_append(out, &tail, 1);	/* first_kex_packet_follows */
	rc |= put_be32(out, 0);			/* reserved */
	rc |= buf_append(out, zeros, pad);
	return rc ? -1 : 0;
}

/* Bits of an mpint (RFC 4251 5), leading zero bytes ignored. */
static int
mpint_bits(cursor_t *c, unsigned *bits)
{
	uint32_t len = 0;
	const uint8_t *b = NULL;
	if (cur_be32(c, &len) < 0 || len > 2048 || cur_bytes(c, len, &b) < 0)
		return -1;
	size_t i = 0;
	while (i < len && b[i] == 0)
		i++;
	if (i == len)
		return -1;
	unsigned top = 0;
	for (uint8_t v = b[i]; v; v >>= 1)
		top++;
	*bits = (unsigned)(len - i - 1) * 8 + top;
	return 0;
}

int
ssh_pubkey_bits(const uint8_t *blob, size_t n, char *type, size_t tlen, unsigned *bits)
{
	cursor_t c;
	cur_init(&c, blob, n);
	uint32_t len = 0;
	const uint8_t *t = NULL;
	*bits = 0;
	if (tlen)
		type[0] = '\0';
	if (cur_be32(&c, &len) < 0 || len == 0 || len > SSH_NAME_MAX || cur_bytes(&c, len, &t) < 0)
		return -1;
	char name[SSH_NAME_MAX + 1];
	memcpy(name, t, len);
	name[len] = '\0';
	snprintf(type, tlen, "%s", name);
	unsigned e = 0;
	if (strcmp(name, "ssh-rsa") == 0)	/* e, then n */
		return mpint_bits(&c, &e) < 0 ? -1 : mpint_bits(&c, bits);
	if (strcmp(name, "ssh-dss") == 0)	/* p first */
		return mpint_bits(&c, bits);
	static const struct { const char *name; unsigned bits; } fixed[] = {
		{ "ecdsa-sha2-nistp256", 256 }, { "ecdsa-sha2-nistp384", 384 },
		{ "ecdsa-sha2-nistp521", 521 }, { "ssh-ed25519", 256 }, { "ssh-ed448", 456 },
	};
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		if (strcmp(name, fixed[i].name) == 0) {
			*bits = fixed[i].bits;
			return 0;
		}
	}
	return -1;
}
