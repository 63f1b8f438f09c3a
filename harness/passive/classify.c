/*
 * Content classification of flows (analyzer.h, pv_classify): which
 * application protocol the first bytes of one direction are, judged by what
 * they say, not by the port, so telnet on 2323 is telnet.  Ports only break
 * ties where the content alone is weak (an empty CoAP message, an NTP-sized
 * datagram, mDNS against unicast DNS, FTP's USER against POP3's).
 *
 * Each test answers NO, MORE (a prefix of something it would accept: wait)
 * or YES.  Tests run strongest first; the first YES wins, and a MORE before
 * it stops the walk, so a weaker test never decides what a stronger one is
 * still waiting on.  Nothing decides: NULL, and the flow table asks again
 * with more bytes (up to 2 KiB, when this answers "unknown" itself).
 */
#include "passive/analyzer.h"

#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "passive/cred_parse.h"
#include "proto/coap.h"
#include "proto/cursor.h"
#include "proto/dnsmsg.h"

#define CLS_LIMIT 2048		/* the flow table's classification window */
#define LINE_LIMIT 1024		/* a start line longer than this is not one */

typedef enum { NO, MORE, YES } cls_t;

/* p[0..n) is a prefix of sig, or sig a prefix of p. */
static cls_t
starts(const uint8_t *p, size_t n, const char *sig, bool icase)
{
	size_t k = strlen(sig);
	size_t m = n < k ? n : k;
	int d = icase ? strncasecmp((const char *)p, sig, m) : memcmp(p, sig, m);
	if (d != 0)
		return NO;
	return n >= k ? YES : MORE;
}

/* The length of the first line (to CR or LF), or n when none ends yet. */
static size_t
line_len(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\r' || p[i] == '\n')
			return i;
	return n;
}

static bool
port_is(const pv_flow_t *f, uint16_t a, uint16_t b)
{
	return f->sport == a || f->cport == a || f->sport == b || f->cport == b;
}

/* ---- TLS, DTLS, SSH ---- */

static cls_t
tls(const uint8_t *p, size_t n)
{
	/* A handshake record opens a flow; application data (0x17) is what a
	 * flow joined after its handshake starts with.  Version 3.0 to 3.4,
	 * length up to 2^14 plus expansion. */
	static const uint8_t types[] = { 0x16, 0x17 };
	if (n == 0 || memchr(types, p[0], sizeof(types)) == NULL)
		return NO;
	if (n < 6)
		return (n < 2 || p[1] == 3) && (n < 3 || p[2] <= 4) ? MORE : NO;
	uint16_t len = (uint16_t)(p[3] << 8 | p[4]);
	if (p[1] != 3 || p[2] > 4 || len == 0 || len > 18432)
		return NO;
	if (p[0] == 0x16)	/* ClientHello, ServerHello */
		return p[5] == 1 || p[5] == 2 ? YES : NO;
	return p[2] >= 1 ? YES : NO;
}

static cls_t
dtls(const uint8_t *p, size_t n)
{
	if (n == 0 || (p[0] != 0x16 && p[0] != 0x17))
		return NO;
	if (n < 14)
		return (n < 2 || p[1] == 0xfe) && (n < 3 || p[2] >= 0xfc) ? MORE : NO;
	uint16_t len = (uint16_t)(p[11] << 8 | p[12]);
	if (p[1] != 0xfe || p[2] < 0xfc || p[2] == 0xfe || len == 0 || len > 18432)
		return NO;
	/* ClientHello, ServerHello, HelloVerifyRequest. */
	if (p[0] == 0x16)
		return p[13] >= 1 && p[13] <= 3 ? YES : NO;
	return YES;
}

static cls_t
ssh(const uint8_t *p, size_t n)
{
	return starts(p, n, "SSH-", false);
}

/* ---- HTTP, RTSP, SSDP (start lines) ---- */

static const char *const http_methods[] = {
	"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ",
	"TRACE ", "PROPFIND ", "SUBSCRIBE ", "UNSUBSCRIBE ", "NOTIFY ", "M-SEARCH ",
	"PRI ",
};
static const char *const rtsp_methods[] = {
	"DESCRIBE ", "SETUP ", "PLAY ", "PAUSE ", "TEARDOWN ", "ANNOUNCE ", "RECORD ",
	"GET_PARAMETER ", "SET_PARAMETER ", "REDIRECT ", "OPTIONS ",
};

/* "http", "rtsp" or NULL for a request or status line; *st the answer. */
static const char *
start_line(const uint8_t *p, size_t n, cls_t *st)
{
	*st = NO;
	cls_t r = starts(p, n, "HTTP/1.", false);
	cls_t t = starts(p, n, "RTSP/", false);
	if (r == MORE || t == MORE) {
		*st = MORE;
		return NULL;
	}
	if (r == YES || t == YES) {
		/* A status line: version, space, three digits. */
		const size_t v = 8;	/* "HTTP/1.1", "RTSP/1.0" */
		if (n < v + 5) {
			*st = MORE;
			return NULL;
		}
		if (p[v - 1] < '0' || p[v - 1] > '9' || p[v] != ' ' || p[v + 1] < '1' ||
		    p[v + 1] > '5' || p[v + 2] < '0' || p[v + 2] > '9' || p[v + 3] < '0' ||
		    p[v + 3] > '9')
			return NULL;
		*st = YES;
		return r == YES ? "http" : "rtsp";
	}
	bool any = false, rtsp_only = true;
	for (int pass = 0; pass < 2; pass++) {
		const char *const *m = pass ? rtsp_methods : http_methods;
		size_t k = pass ? sizeof(rtsp_methods) / sizeof(*m) : sizeof(http_methods) / sizeof(*m);
		for (size_t i = 0; i < k; i++) {
			cls_t s = starts(p, n, m[i], false);
			if (s == MORE)
				*st = MORE;
			if (s == YES) {
				any = true;
				rtsp_only &= pass == 1 && strcmp(m[i], "OPTIONS ") != 0;
			}
		}
	}
	if (!any)
		return NULL;
	*st = MORE;
	size_t l = line_len(p, n);
	if (l == n) {
		if (n > LINE_LIMIT)
			*st = NO;	/* no request line is that long */
		return NULL;	/* else it has not ended yet */
	}
	*st = NO;
	if (l < 8 || l > LINE_LIMIT)
		return NULL;
	const char *end = (const char *)p + l - 8;
	for (size_t i = 0; i < l; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return NULL;	/* a request line is printable ASCII */
	*st = YES;
	if (memcmp(end, "RTSP/1.0", 8) == 0 || memcmp(end, "RTSP/2.0", 8) == 0)
		return "rtsp";
	if (memcmp(end, "HTTP/1.", 7) == 0 || memcmp(end, "HTTP/2.0", 8) == 0)
		return rtsp_only ? "rtsp" : "http";
	if (!rtsp_only && memcmp(p, "GET /", 5) == 0 && memchr(p + 4, ' ', l - 4) == NULL)
		return "http";	/* HTTP/0.9: a bare "GET /path" */
	*st = NO;
	return NULL;
}

/* ---- MQTT ---- */

static cls_t
mqtt(const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n)
{
	if (n == 0)
		return NO;
	if (p[0] == 0x10) {
		cursor_t c;
		uint32_t rl;
		uint16_t nl;
		const uint8_t *name;
		uint8_t level;
		cur_init(&c, p, n);
		cur_skip(&c, 1);
		if (cred_mqtt_varint(&c, &rl) < 0)
			return n < 5 ? MORE : NO;
		if (rl < 10)
			return NO;
		if (cur_be16(&c, &nl) < 0)
			return MORE;
		if (nl != 4 && nl != 6)
			return NO;
		size_t at = c.off;
		if (cur_bytes(&c, nl, &name) < 0 || cur_u8(&c, &level) < 0) {
			/* Short: wait only while the name read so far fits. */
			const char *want = nl == 4 ? "MQTT" : "MQIsdp";
			size_t k = n - at < nl ? n - at : nl;
			return memcmp(p + at, want, k) == 0 ? MORE : NO;
		}
		if (nl == 4 && memcmp(name, "MQTT", 4) == 0 && (level & 0x7f) >= 4 &&
		    (level & 0x7f) <= 5)
			return YES;
		if (nl == 6 && memcmp(name, "MQIsdp", 6) == 0 && (level & 0x7f) == 3)
			return YES;
		return NO;
	}
	/* A CONNACK (3.1 / 3.1.1: 0x20 0x02 flags code) from the server: weak
	 * alone, so it needs to end the bytes or be followed by another packet
	 * a broker sends, or the MQTT port. */
	if (dir != PV_S2C || p[0] != 0x20)
		return NO;
	if (n < 4)
		return n < 2 || p[1] == 2 ? MORE : NO;
	if (p[1] != 2 || p[2] > 1 || p[3] > 5)
		return NO;
	if (n == 4 || port_is(f, 1883, 1883))
		return YES;
	uint8_t t = p[4] >> 4;
	return t == 3 || t == 4 || t == 5 || t == 6 || t == 7 || t == 9 || t == 11 ||
	    t == 13 || t == 14 ? YES : NO;
}

/* ---- FTP, telnet ---- */

static cls_t
ftp(const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n)
{
	if (dir == PV_S2C) {
		if (starts(p, n, "220", false) == NO)
			return NO;
		if (n < 4)
			return MORE;
		if (p[3] != ' ' && p[3] != '-')
			return NO;
	} else {
		if (starts(p, n, "USER ", true) == NO || port_is(f, 110, 110))
			return NO;	/* USER on 110 is POP3 */
	}
	size_t l = line_len(p, n);
	if (l == n)
		return n < LINE_LIMIT ? MORE : NO;
	for (size_t i = 0; i < l; i++)
		if (p[i] < 0x20 && p[i] != '\t')
			return NO;
	/* SMTP greets with 220 too, and says so. */
	for (size_t i = 0; dir == PV_S2C && i + 4 <= l; i++)
		if (strncasecmp((const char *)p + i, "SMTP", 4) == 0)
			return NO;
	return YES;
}

static cls_t
telnet(pv_dir_t dir, const uint8_t *p, size_t n)
{
	/* IAC WILL/WONT/DO/DONT option, or IAC SB: at the start, or after a
	 * short printable banner. */
	for (size_t i = 0; i < n && i < 256; i++) {
		if (p[i] == 0xff) {
			if (i + 1 >= n)
				return MORE;
			if (p[i + 1] >= 0xfa && p[i + 1] <= 0xfe)
				return i + 2 < n ? YES : MORE;
			return NO;
		}
		if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t' && p[i] != 0) ||
		    p[i] >= 0x7f)
			return NO;
	}
	if (dir != PV_S2C)
		return NO;
	/* No negotiation at all (some device shells): a login prompt. */
	return cred_prompt_at_end(p, n) != CRED_PROMPT_NONE ? YES : NO;
}

/* ---- UDP protocols ---- */

/* Skips a DNS name (labels and at most one final pointer). */
static int
dns_skip_name(cursor_t *c)
{
	for (;;) {
		uint8_t l;
		if (cur_u8(c, &l) < 0)
			return -1;
		if ((l & 0xc0) == 0xc0)
			return cur_skip(c, 1);
		if (l & 0xc0)
			return -1;
		if (l == 0)
			return 0;
		if (cur_skip(c, l) < 0)
			return -1;
	}
}

/* A whole DNS message filling p[0..n) exactly, with a sane header. */
static bool
dns_whole(const uint8_t *p, size_t n)
{
	dns_msg_t *m = &(dns_msg_t){ 0 };
	if (n < 12 || n > 65535 || dns_parse(p, n, m) < 0)
		return false;
	unsigned op = DNS_OPCODE(m->flags);
	unsigned total = (unsigned)m->qdcount + m->ancount + m->nscount + m->arcount;
	if ((op != 0 && op != 2 && op != 4 && op != 5) || total == 0 || (m->flags & 0x0040) ||
	    (!(m->flags & DNS_F_QR) && m->qdcount == 0))
		return false;
	/* dns_parse does not say where the message ended; walk it again. */
	cursor_t c;
	cur_init(&c, p, n);
	cur_skip(&c, 12);
	for (unsigned i = 0; i < m->qdcount; i++)
		if (dns_skip_name(&c) < 0 || cur_skip(&c, 4) < 0)
			return false;
	for (unsigned i = 0; i < total - m->qdcount; i++) {
		uint16_t rdlen;
		if (dns_skip_name(&c) < 0 || cur_skip(&c, 8) < 0 || cur_be16(&c, &rdlen) < 0 ||
		    cur_skip(&c, rdlen) < 0)
			return false;
	}
	return !c.bad && cur_left(&c) == 0;
}

static bool
mdns_addr(const pv_flow_t *f, const uint8_t *a)
{
	static const uint8_t v4[4] = { 224, 0, 0, 251 };
	if (f->family == AF_INET)
		return memcmp(a, v4, 4) == 0;
	/* ff0X::fb, any scope */
	static const uint8_t zero[13] = { 0 };
	return a[0] == 0xff && (a[1] & 0xf0) == 0 && memcmp(a + 2, zero, 13) == 0 && a[15] == 0xfb;
}

static bool
is_mdns(const pv_flow_t *f)
{
	return port_is(f, 5353, 5353) || mdns_addr(f, f->cli) || mdns_addr(f, f->srv);
}

static bool
dhcp(const uint8_t *p, size_t n)
{
	static const uint8_t cookie[4] = { 0x63, 0x82, 0x53, 0x63 };
	return n >= 240 && (p[0] == 1 || p[0] == 2) && p[2] <= 16 && p[3] <= 16 &&
	    memcmp(p + 236, cookie, 4) == 0;
}

static bool
ntp(const pv_flow_t *f, const uint8_t *p, size_t n)
{
	/* Header only, or with a key id and an MD5 or SHA-1 digest. */
	if (n != 48 && n != 68 && n != 72)
		return false;
	int vn = p[0] >> 3 & 7, mode = p[0] & 7, stratum = p[1];
	int8_t poll = (int8_t)p[2], prec = (int8_t)p[3];
	if (vn < 1 || vn > 4 || mode < 1 || mode > 5 || stratum > 16)
		return false;
	if (port_is(f, 123, 123))
		return true;
	/* Off port 123 the bytes must look like a real client or server. */
	if (poll < 0 || poll > 17 || prec > 0 || prec < -32)
		return false;
	return (mode == 3 && stratum == 0) || (mode == 4 && stratum >= 1 && stratum <= 15);
}

static bool
coap(const pv_flow_t *f, const uint8_t *p, size_t n)
{
	coap_msg_t m;
	if (coap_parse(p, n, &m) < 0)
		return false;
	unsigned cls = m.code >> 5, det = m.code & 0x1f;
	if (m.code == 0)	/* empty ACK/RST/ping: four bytes say little */
		return port_is(f, 5683, 5684);
	return (cls == 0 && det >= 1 && det <= 7) || (cls == 2 && ((det >= 1 && det <= 5) ||
	    det == 31)) || (cls == 4 && det <= 15) || (cls == 5 && det <= 5);
}

static const char *
classify_udp(const pv_flow_t *f, const uint8_t *p, size_t n)
{
	cred_snmp_t s;
	cls_t st;
	if (dtls(p, n) == YES)
		return "dtls";
	if (dhcp(p, n))
		return "dhcp";
	if (dns_whole(p, n))
		return is_mdns(f) ? "mdns" : "dns";
	if (cred_snmp_peek(p, n, &s) == 0)
		return "snmp";
	if (ntp(f, p, n))
		return "ntp";
	/* HTTP over UDP is SSDP (M-SEARCH, NOTIFY and their answers). */
	if (start_line(p, n, &st) != NULL && st == YES)
		return "ssdp";
	if (coap(f, p, n))
		return "coap";
	return NULL;
}

static const char *
classify_tcp(const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n)
{
	cls_t st;
	if ((st = tls(p, n)) != NO)
		return st == YES ? "tls" : NULL;
	if ((st = ssh(p, n)) != NO)
		return st == YES ? "ssh" : NULL;
	const char *hl = start_line(p, n, &st);
	if (st != NO)
		return hl;
	if ((st = mqtt(f, dir, p, n)) != NO)
		return st == YES ? "mqtt" : NULL;
	if ((st = ftp(f, dir, p, n)) != NO)
		return st == YES ? "ftp" : NULL;
	if ((st = telnet(dir, p, n)) != NO)
		return st == YES ? "telnet" : NULL;
	/* DNS over TCP: a length prefix, then one whole message. */
	if (n >= 2) {
		size_t l = (size_t)p[0] << 8 | p[1];
		if (l >= 12 && n >= 2 + l && dns_whole(p + 2, l))
			return is_mdns(f) ? "mdns" : "dns";
	}
	return NULL;
}

const char *
pv_classify(const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n)
{
	if (n == 0)
		return NULL;
	const char *r = f->proto == IPPROTO_UDP ? classify_udp(f, p, n) : classify_tcp(f, dir, p, n);
	if (r == NULL && n >= CLS_LIMIT)
		return "unknown";
	return r;
}
