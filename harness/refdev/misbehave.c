/*
 * The --misbehave switches, in the spirit of curl's test servers: ways a broken
 * or hostile device can treat a client, so the harness's own robustness can be
 * tested.  Everything about a switch lives in its one registry row: its name,
 * the services it makes sense for, its help text and its handler.  A handler
 * either takes the connection over entirely (returns true) or sets a CF_* flag
 * that the I/O layer or the service honours (returns false).  The switches of
 * the UDP services (CoAP) only ever set flags, since there is no connection
 * to take over.
 */
#include "refdev.h"

#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define GARBAGE_BYTES 4096
#define GIANT_BANNER_BYTES (1024 * 1024)
#define ENDLESS_RATE 1000000 /* bytes per second */
#define ENDLESS_MS 60000
#define TLS_TAKEOVER_READ_MS 2000

static void
fill_garbage(unsigned char *p, size_t n)
{
	if (tls_random(p, n) < 0) {
		for (size_t i = 0; i < n; i++)
			p[i] = (unsigned char)(i * 131u + 7u);
	}
	/* Make sure the bytes a naive client chokes on are present. */
	if (n >= 4) {
		p[0] = 0xff;
		p[1] = 0x00;
		p[n / 2] = 0x00;
		p[n - 1] = 0xff;
	}
}

static bool
mb_silence(conn_t *c)
{
	conn_log(c, "misbehave silence");
	conn_drain(c, c->idle_ms);
	return true;
}

static bool
mb_reset(conn_t *c)
{
	conn_log(c, "misbehave reset");
	conn_reset(c);
	return true;
}

static bool
mb_garbage(conn_t *c)
{
	unsigned char g[GARBAGE_BYTES];
	fill_garbage(g, sizeof(g));
	conn_log(c, "misbehave garbage");
	conn_write_raw(c, g, sizeof(g));
	return true;
}

static bool
mb_giant_banner(conn_t *c)
{
	c->banner_pending = GIANT_BANNER_BYTES;
	return false;
}

/* Sends chunk 20 times a second until the client goes or ENDLESS_MS pass. */
static void
send_endlessly(conn_t *c, const unsigned char *chunk, size_t n)
{
	uint64_t start = mono_ms();
	/* 20 chunks a second holds the rate without bursting a whole second. */
	for (uint64_t sent = 0; mono_ms() - start < ENDLESS_MS; sent++) {
		if (conn_write_raw(c, chunk, n) < 0)
			break;
		uint64_t due = start + (sent + 1) * 50;
		uint64_t now = mono_ms();
		if (due > now && conn_sleep(c, (int)(due - now)) < 0)
			break;
	}
}

static bool
mb_endless(conn_t *c)
{
	unsigned char chunk[ENDLESS_RATE / 20];
	fill_garbage(chunk, sizeof(chunk));
	conn_log(c, "misbehave endless");
	send_endlessly(c, chunk, sizeof(chunk));
	return true;
}

static bool
mb_telnet_bad_iac(conn_t *c)
{
	/* IAC SB TERMINAL-TYPE SEND opens a subnegotiation that IAC SE never ends. */
	static const unsigned char sb[] = { 0xff, 0xfa, 0x18, 0x01 };
	unsigned char chunk[ENDLESS_RATE / 20];
	fill_garbage(chunk, sizeof(chunk));
	for (size_t i = 0; i < sizeof(chunk); i++)
		if (chunk[i] == 0xff)
			chunk[i] = 0x00; /* no IAC at all, so no IAC SE either */
	conn_log(c, "misbehave telnet-bad-iac");
	if (conn_write_raw(c, sb, sizeof(sb)) == 0)
		send_endlessly(c, chunk, sizeof(chunk));
	return true;
}

static bool
mb_slow(conn_t *c)
{
	c->flags |= CF_SLOW;
	return false;
}

static bool
mb_half_close(conn_t *c)
{
	c->flags |= CF_HALF_CLOSE;
	return false;
}

/* Waits for (part of) the ClientHello so the reply lands where one is expected. */
static void
await_client_hello(conn_t *c)
{
	unsigned char buf[2048];
	int saved = c->idle_ms;
	c->idle_ms = TLS_TAKEOVER_READ_MS;
	(void)conn_read(c, buf, sizeof(buf));
	c->idle_ms = saved;
	c->dead = false;
}

static bool
mb_tls_garbage(conn_t *c)
{
	unsigned char g[GARBAGE_BYTES];
	fill_garbage(g, sizeof(g));
	g[0] = 0x00; /* never a valid TLS content type */
	conn_log(c, "misbehave tls-garbage");
	await_client_hello(c);
	conn_write_raw(c, g, sizeof(g));
	return true;
}

static bool
mb_tls_truncated(conn_t *c)
{
	/* Record header, ServerHello header, version, then 9 of 32 random bytes. */
	unsigned char h[20] = { 0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03 };
	if (tls_random(h + 11, 9) < 0)
		memset(h + 11, 0x42, 9);
	conn_log(c, "misbehave tls-truncated");
	await_client_hello(c);
	conn_write_raw(c, h, sizeof(h));
	return true;
}

static bool
mb_tls_bad_length(conn_t *c)
{
	/*
	 * A 38-byte record holding a ServerHello whose handshake header says
	 * 65535 bytes, then a record header claiming 65535 bytes (more than TLS
	 * allows) with 16 behind it; then silence, so a client that believes
	 * either length waits for bytes that never come.
	 */
	unsigned char r[64] = { 0x16, 0x03, 0x03, 0x00, 0x26, 0x02, 0x00, 0xff, 0xff, 0x03, 0x03 };
	if (tls_random(r + 11, 32) < 0)
		memset(r + 11, 0x42, 32);
	memcpy(r + 43, (const unsigned char[]){ 0x16, 0x03, 0x03, 0xff, 0xff }, 5);
	if (tls_random(r + 48, 16) < 0)
		memset(r + 48, 0x42, 16);
	conn_log(c, "misbehave tls-bad-length");
	await_client_hello(c);
	if (conn_write_raw(c, r, sizeof(r)) == 0)
		conn_drain(c, c->idle_ms);
	return true;
}

static bool
mb_bad_connack(conn_t *c)
{
	c->flags |= CF_BAD_CONNACK;
	return false;
}

static bool
mb_http_no_crlf(conn_t *c)
{
	c->flags |= CF_HTTP_NO_CRLF;
	return false;
}

static bool
mb_http_huge_headers(conn_t *c)
{
	c->flags |= CF_HTTP_HUGE_HEADERS;
	return false;
}

static bool
mb_http_bad_chunked(conn_t *c)
{
	c->flags |= CF_HTTP_BAD_CHUNKED;
	return false;
}

static bool
mb_mqtt_bad_length(conn_t *c)
{
	c->flags |= CF_MQTT_BAD_LENGTH;
	return false;
}

static bool
mb_http_huge_body(conn_t *c)
{
	c->flags |= CF_HTTP_HUGE_BODY;
	return false;
}

static bool
mb_http_endless_chunked(conn_t *c)
{
	c->flags |= CF_HTTP_ENDLESS_CHUNKED;
	return false;
}

static bool
mb_upnp_entity_expansion(conn_t *c)
{
	c->flags |= CF_UPNP_ENTITY_EXPANSION;
	return false;
}

static bool
mb_upnp_external_entity(conn_t *c)
{
	c->flags |= CF_UPNP_EXTERNAL_ENTITY;
	return false;
}

static bool
mb_upnp_huge(conn_t *c)
{
	c->flags |= CF_UPNP_HUGE;
	return false;
}

static bool
mb_coap_malformed(conn_t *c)
{
	c->flags |= CF_COAP_MALFORMED;
	return false;
}

static bool
mb_coap_bad_length(conn_t *c)
{
	c->flags |= CF_COAP_BAD_LENGTH;
	return false;
}

/* The published pages (published.c): flags the web UI honours. */
static bool
mb_policy_login(conn_t *c)
{
	c->flags |= CF_POLICY_LOGIN;
	return false;
}

static bool
mb_policy_incomplete(conn_t *c)
{
	c->flags |= CF_POLICY_INCOMPLETE;
	return false;
}

static bool
mb_support_expired(conn_t *c)
{
	c->flags |= CF_SUPPORT_EXPIRED;
	return false;
}

static bool
mb_securitytxt_expired(conn_t *c)
{
	c->flags |= CF_SECTXT_EXPIRED;
	return false;
}

static bool
mb_securitytxt_garbage(conn_t *c)
{
	c->flags |= CF_SECTXT_GARBAGE;
	return false;
}

#define TLS_SVCS (SVC_BIT(SVC_HTTPS) | SVC_BIT(SVC_MQTTS))
#define HTTP_SVCS (SVC_BIT(SVC_HTTP) | SVC_BIT(SVC_HTTPS))
#define MQTT_SVCS (SVC_BIT(SVC_MQTT) | SVC_BIT(SVC_MQTTS))
#define UPNP_SVCS SVC_BIT(SVC_UPNP)
#define COAP_SVCS SVC_BIT(SVC_COAP)

typedef struct misbehave {
	const char *name;
	uint32_t svcs;
	const char *help;
	bool (*handler)(conn_t *c);
} misbehave_t;

/* Order matters only when several are on: flag setters first, takeovers after. */
static const misbehave_t registry[] = {
	{ "giant-banner", SVC_ALL,
	  "before the first byte of normal output send 1 MiB of text with no line break",
	  mb_giant_banner },
	{ "slow", SVC_ALL,
	  "send the normal output one byte per second (TLS: one byte per record)",
	  mb_slow },
	{ "half-close", SVC_ALL,
	  "send the greeting (telnet/debug prompt, first HTTP response, CONNACK), then "
	  "shutdown(SHUT_WR) and only read",
	  mb_half_close },
	{ "mqtt-bad-connack", MQTT_SVCS,
	  "answer CONNECT with the malformed CONNACK 20 7f 00, then only read",
	  mb_bad_connack },
	{ "http-no-crlf", HTTP_SVCS,
	  "end the status and header lines with a bare LF instead of CR LF",
	  mb_http_no_crlf },
	{ "http-huge-headers", HTTP_SVCS,
	  "put 10000 filler header lines in every response",
	  mb_http_huge_headers },
	{ "http-bad-chunked", HTTP_SVCS,
	  "answer with Transfer-Encoding: chunked and an overflowing chunk size, then close",
	  mb_http_bad_chunked },
	{ "http-huge-body", HTTP_SVCS,
	  "answer with Content-Length: 10737418240 (10 GiB) and stream the body at 16 MiB/s "
	  "until the client goes or 60 seconds pass",
	  mb_http_huge_body },
	{ "http-endless-chunked", HTTP_SVCS,
	  "answer with Transfer-Encoding: chunked and chunks of up to 64 KiB at 16 MiB/s, "
	  "never the last chunk, until the client goes or 60 seconds pass",
	  mb_http_endless_chunked },
	{ "mqtt-bad-length", MQTT_SVCS,
	  "answer CONNECT with 20 80 80 80 80 01 00 00: a CONNACK whose remaining length "
	  "is five bytes long (invalid; 268435456 read leniently), then only read",
	  mb_mqtt_bad_length },
	{ "upnp-entity-expansion", UPNP_SVCS,
	  "serve the UPnP description with a billion-laughs DTD (lol1..lol9, ten references "
	  "each) expanded in friendlyName",
	  mb_upnp_entity_expansion },
	{ "upnp-external-entity", UPNP_SVCS,
	  "serve the UPnP description with external entities SYSTEM \"file:///etc/passwd\" "
	  "and SYSTEM \"http://ADDR:PORT/xxe\" (this device) and a parameter entity for "
	  "/xxe?dtd; any request for /xxe prints 'XXE FETCHED' on stderr, even with --quiet",
	  mb_upnp_external_entity },
	{ "upnp-huge", UPNP_SVCS,
	  "serve a well-formed UPnP description of 100 MiB (Content-Length: 104857600), "
	  "generated as it is sent",
	  mb_upnp_huge },
	{ "coap-malformed", COAP_SVCS,
	  "answer every request with four invalid messages echoing its id and token: token "
	  "length 15, option delta nibble 15, option length nibble 15, an option header cut "
	  "short",
	  mb_coap_malformed },
	{ "coap-bad-length", COAP_SVCS,
	  "answer every request with two messages whose Content-Format option claims 253 "
	  "and 65804 bytes, past the end of the datagram",
	  mb_coap_bad_length },
	{ "policy-login", HTTP_SVCS,
	  "the vulnerability disclosure policy at /security-policy asks for HTTP Basic "
	  "authentication (the web UI's admin login)",
	  mb_policy_login },
	{ "policy-incomplete", HTTP_SVCS,
	  "/security-policy names a contact but no timescales for acknowledgement or status "
	  "updates",
	  mb_policy_incomplete },
	{ "support-expired", HTTP_SVCS,
	  "/support says security updates ended on 31 March 2020",
	  mb_support_expired },
	{ "securitytxt-expired", HTTP_SVCS,
	  "/.well-known/security.txt has Expires: 2020-01-01T00:00:00Z",
	  mb_securitytxt_expired },
	{ "securitytxt-garbage", HTTP_SVCS,
	  "/.well-known/security.txt is 12 KiB of binary junk with NUL bytes and a "
	  "6000-byte line, no Contact and no Expires",
	  mb_securitytxt_garbage },
	{ "silence", SVC_ALL,
	  "accept, never send anything, close when the client goes or after the idle limit",
	  mb_silence },
	{ "reset", SVC_ALL,
	  "accept, then close at once with a TCP RST (SO_LINGER 0)",
	  mb_reset },
	{ "garbage", SVC_ALL,
	  "send 4 KiB of random binary bytes (with NUL and 0xFF), then close",
	  mb_garbage },
	{ "endless", SVC_ALL,
	  "send random bytes at 1 MB/s until the client closes or 60 seconds pass",
	  mb_endless },
	{ "tls-garbage", TLS_SVCS,
	  "answer the ClientHello with 4 KiB of non-TLS garbage, then close",
	  mb_tls_garbage },
	{ "tls-truncated", TLS_SVCS,
	  "answer the ClientHello with the first 20 bytes of a ServerHello record, then close",
	  mb_tls_truncated },
	{ "tls-bad-length", TLS_SVCS,
	  "answer the ClientHello with a 38-byte record whose ServerHello claims 65535 bytes, "
	  "then a record header claiming 65535 bytes with 16 after it, then only read",
	  mb_tls_bad_length },
	{ "telnet-bad-iac", SVC_BIT(SVC_TELNET),
	  "send IAC SB TERMINAL-TYPE SEND, then random bytes without any IAC (so never IAC "
	  "SE) at 1 MB/s until the client closes or 60 seconds pass",
	  mb_telnet_bad_iac },
};

_Static_assert(ARRAY_LEN(registry) <= 32, "misbehave bits must fit a uint32_t");

static int
find(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(registry); i++)
		if (strlen(registry[i].name) == len && strncmp(registry[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static char *
valid_names(void)
{
	strlist_t l = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(registry); i++)
		strlist_push(&l, registry[i].name);
	char *s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

static int
parse_one(refdev_cfg_t *cfg, const char *spec, size_t len, char *err, size_t errlen)
{
	const char *colon = memchr(spec, ':', len);
	uint32_t svcs = SVC_EVERY;
	bool scoped = false;
	const char *name = spec;
	size_t nlen = len;
	if (colon) {
		char *svc = xstrndup(spec, (size_t)(colon - spec));
		int s = svc_by_name(svc);
		if (s < 0) {
			snprintf(err, errlen, "unknown service '%s' in --misbehave '%.*s'", svc,
			    (int)len, spec);
			free(svc);
			return -1;
		}
		free(svc);
		svcs = SVC_BIT(s);
		scoped = true;
		name = colon + 1;
		nlen = len - (size_t)(colon - spec) - 1;
	}
	int i = find(name, nlen);
	if (i < 0) {
		char *names = valid_names();
		snprintf(err, errlen, "unknown --misbehave switch '%.*s'; valid switches: %s",
		    (int)nlen, name, names);
		free(names);
		return -1;
	}
	if (scoped && !(registry[i].svcs & svcs)) {
		snprintf(err, errlen, "--misbehave %s does not apply to service '%.*s'",
		    registry[i].name, (int)(colon - spec), spec);
		return -1;
	}
	svcs &= registry[i].svcs;
	for (int s = 0; s < SVC_COUNT; s++)
		if (svcs & SVC_BIT(s))
			cfg->misbehave[s] |= 1u << i;
	return 0;
}

int
misbehave_parse(refdev_cfg_t *cfg, const char *list, char *err, size_t errlen)
{
	const char *p = list;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			snprintf(err, errlen, "empty switch in --misbehave '%s'", list);
			return -1;
		}
		if (parse_one(cfg, p, len, err, errlen) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

bool
misbehave_apply(conn_t *c)
{
	uint32_t on = c->rd->cfg.misbehave[c->svc];
	for (size_t i = 0; i < ARRAY_LEN(registry); i++)
		if ((on & (1u << i)) && registry[i].handler(c))
			return true;
	return false;
}

unsigned
misbehave_flags(refdev_t *rd, enum svc s)
{
	/* A UDP service's switches only set flags, so a stand-in connection will do. */
	conn_t c = { .rd = rd, .svc = s, .fd = -1 };
	(void)misbehave_apply(&c);
	return c.flags;
}

/* Prints text word-wrapped to 79 columns, every line indented by `indent`. */
static void
wrap(FILE *out, const char *text, int indent, int first_col)
{
	const int width = 79;
	int col = first_col;
	for (const char *p = text; *p;) {
		size_t w = strcspn(p, " ");
		if (col > indent && col + 1 + (int)w > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		} else if (col < indent) {
			fprintf(out, "%*s", indent - col, "");
			col = indent;
		}
		fprintf(out, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

void
misbehave_help(FILE *out)
{
	for (size_t i = 0; i < ARRAY_LEN(registry); i++) {
		strlist_t l = { 0 };
		for (int s = 0; s < SVC_COUNT; s++)
			if (registry[i].svcs & SVC_BIT(s))
				strlist_push(&l, svc_get((enum svc)s)->name);
		char *svcs = registry[i].svcs == SVC_ALL ? xstrdup("all TCP services")
		                                         : strlist_join(&l, ", ");
		char *text = xasprintf("%s [%s]", registry[i].help, svcs);
		int col = 2 + (int)strlen(registry[i].name);
		fprintf(out, "  %s", registry[i].name);
		if (col >= 20) { /* no room for the text beside the name */
			fputc('\n', out);
			col = 0;
		}
		wrap(out, text, 21, col);
		free(text);
		free(svcs);
		strlist_free(&l);
	}
}
