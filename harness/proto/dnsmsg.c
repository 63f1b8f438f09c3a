/*
 * DNS message building and parsing; see dnsmsg.h for the limits.  Every
 * byte of the message is read through a cursor.
 */
#include "proto/dnsmsg.h"
#include "proto/cursor.h"
#include "proto/pstr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WIRE_NAME_MAX	255
#define MAX_HOPS	64	/* belt and braces: backwards-only pointers end anyway */

/* ---- building ---- */

/* Encodes a presentation name ("\." and "\DDD" escapes understood). */
static size_t
put_name(uint8_t *out, size_t cap, size_t o, const char *name)
{
	size_t start = o;
	if (strcmp(name, ".") == 0 || name[0] == '\0') {
		if (o + 1 > cap)
			return 0;
		out[o++] = 0;
		return o;
	}
	const char *s = name;
	while (*s) {
		size_t lenpos = o++;
		size_t l = 0;
		while (*s && *s != '.') {
			unsigned c = (unsigned char)*s++;
			if (c == '\\' && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
			    s[1] <= '9' && s[2] >= '0' && s[2] <= '9') {
				c = (unsigned)((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
				s += 3;
				if (c > 255)
					return 0;
			} else if (c == '\\' && *s) {
				c = (unsigned char)*s++;
			}
			if (o >= cap || l == 63)
				return 0;
			out[o++] = (uint8_t)c;
			l++;
		}
		if (l == 0 || lenpos >= cap)
			return 0;	/* empty label: "a..b" */
		out[lenpos] = (uint8_t)l;
		if (*s == '.')
			s++;
	}
	if (o >= cap || o + 1 - start > WIRE_NAME_MAX)
		return 0;
	out[o++] = 0;
	return o;
}

static size_t
put16(uint8_t *out, size_t cap, size_t o, uint16_t v)
{
	if (o == 0 || o + 2 > cap)
		return 0;
	out[o] = (uint8_t)(v >> 8);
	out[o + 1] = (uint8_t)v;
	return o + 2;
}

size_t
dns_query_build(uint8_t *out, size_t cap, uint16_t id, uint16_t flags,
    const dns_question_t *q, size_t nq)
{
	if (cap < 12 || nq > DNS_MAX_QD)
		return 0;
	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = (uint8_t)(flags >> 8);
	out[3] = (uint8_t)flags;
	out[5] = (uint8_t)nq;
	size_t o = 12;
	for (size_t i = 0; i < nq && o; i++) {
		o = put_name(out, cap, o, q[i].name);
		o = put16(out, cap, o, q[i].type);
		o = put16(out, cap, o, q[i].qclass);
	}
	return o;
}

/* ---- names ---- */

static void
emit(char *out, size_t outlen, size_t *o, bool *full, const char *s, size_t n)
{
	if (*o + n + 1 > outlen) {
		*full = true;
		return;
	}
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

/*
 * Reads the name at *off.  On success *off is just past the name's bytes in
 * place (after the first pointer when compressed) and out holds it.
 */
static int
read_name(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outlen)
{
	if (outlen == 0 || *off > len)
		return -1;
	cursor_t c;
	cur_init(&c, msg, len);
	cur_skip(&c, *off);
	size_t lowest = *off;	/* pointers must go below every label read */
	size_t o = 0, wire = 1;
	unsigned hops = 0;
	bool jumped = false, full = false;
	out[0] = '\0';
	for (;;) {
		uint8_t l;
		if (cur_u8(&c, &l) < 0)
			return -1;
		if ((l & 0xc0) == 0xc0) {
			uint8_t lo;
			if (cur_u8(&c, &lo) < 0)
				return -1;
			size_t ptr = (size_t)(l & 0x3f) << 8 | lo;
			if (!jumped)
				*off = c.off;
			jumped = true;
			if (ptr >= lowest || ++hops > MAX_HOPS)
				return -1;	/* a loop, or a forward reference */
			lowest = ptr;
			cur_init(&c, msg, len);
			cur_skip(&c, ptr);
			continue;
		}
		if (l & 0xc0)
			return -1;	/* extended label types: obsolete */
		if (l == 0)
			break;
		const uint8_t *lab;
		if (cur_bytes(&c, l, &lab) < 0)
			return -1;
		wire += 1u + l;
		if (wire > WIRE_NAME_MAX)
			return -1;
		if (o)
			emit(out, outlen, &o, &full, ".", 1);
		for (size_t i = 0; i < l; i++) {
			char esc[8];
			uint8_t b = lab[i];
			if (b == '.' || b == '\\') {
				esc[0] = '\\';
				esc[1] = (char)b;
				emit(out, outlen, &o, &full, esc, 2);
			} else if (b < 0x20 || b == 0x7f) {
				snprintf(esc, sizeof(esc), "\\%03u", b);
				emit(out, outlen, &o, &full, esc, 4);
			} else {
				esc[0] = (char)b;
				emit(out, outlen, &o, &full, esc, 1);
			}
		}
	}
	if (!jumped)
		*off = c.off;
	if (o == 0)
		emit(out, outlen, &o, &full, ".", 1);
	return full ? -1 : 0;
}

int
dns_name_at(const dns_msg_t *m, size_t off, char *out, size_t outlen)
{
	return read_name(m->msg, m->len, &off, out, outlen);
}

int
dns_rr_name(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen)
{
	return dns_name_at(m, rr->nameoff, out, outlen);
}

bool
dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 1 && a[la - 1] == '.' && a[la - 2] != '\\')
		la--;
	if (lb > 1 && b[lb - 1] == '.' && b[lb - 2] != '\\')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* ---- parsing ---- */

int
dns_parse(const uint8_t *p, size_t n, dns_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	m->msg = p;
	m->len = n;
	cursor_t c;
	cur_init(&c, p, n);
	cur_be16(&c, &m->id);
	cur_be16(&c, &m->flags);
	cur_be16(&c, &m->qdcount);
	cur_be16(&c, &m->ancount);
	cur_be16(&c, &m->nscount);
	cur_be16(&c, &m->arcount);
	if (c.bad || m->qdcount > DNS_MAX_QD)
		return -1;
	char scratch[DNS_NAME_MAX];
	for (unsigned i = 0; i < m->qdcount; i++) {
		size_t off = c.off;
		if (read_name(p, n, &off, i == 0 ? m->qname : scratch, DNS_NAME_MAX) < 0)
			return -1;
		cur_skip(&c, off - c.off);
		uint16_t t, cl;
		cur_be16(&c, &t);
		cur_be16(&c, &cl);
		if (c.bad)
			return -1;
		if (i == 0) {
			m->qtype = t;
			m->qclass = cl;
		}
	}
	/* Every record costs at least 11 bytes, so this loop is bounded by n. */
	unsigned total = (unsigned)m->ancount + m->nscount + m->arcount;
	for (unsigned i = 0; i < total; i++) {
		dns_rr_t rr = { .nameoff = c.off };
		size_t off = c.off;
		if (read_name(p, n, &off, scratch, sizeof(scratch)) < 0)
			return -1;
		cur_skip(&c, off - c.off);
		cur_be16(&c, &rr.type);
		cur_be16(&c, &rr.rclass);
		cur_be32(&c, &rr.ttl);
		cur_be16(&c, &rr.rdlen);
		rr.rdoff = c.off;
		cur_skip(&c, rr.rdlen);
		if (c.bad)
			return -1;
		rr.rclass &= 0x7fff;	/* mDNS cache-flush bit */
		rr.section = i < m->ancount ? 1 : i < (unsigned)m->ancount + m->nscount ? 2 : 3;
		if (m->n_rr < DNS_MAX_RR)
			m->rr[m->n_rr++] = rr;
	}
	return 0;
}

/* ---- record data ---- */

int
dns_rdata_name(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen)
{
	size_t off = rr->rdoff;
	if (read_name(m->msg, m->len, &off, out, outlen) < 0)
		return -1;
	return off == rr->rdoff + rr->rdlen ? 0 : -1;
}

int
dns_rdata_srv(const dns_msg_t *m, const dns_rr_t *rr, uint16_t *prio,
    uint16_t *weight, uint16_t *port, char *target, size_t tlen)
{
	cursor_t c;
	cur_init(&c, m->msg, m->len);
	cur_skip(&c, rr->rdoff);
	cur_be16(&c, prio);
	cur_be16(&c, weight);
	cur_be16(&c, port);
	if (c.bad || rr->rdlen < 7)
		return -1;
	size_t off = c.off;
	if (read_name(m->msg, m->len, &off, target, tlen) < 0)
		return -1;
	return off == rr->rdoff + rr->rdlen ? 0 : -1;
}

int
dns_rdata_txt(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen)
{
	cursor_t all, c;
	cur_init(&all, m->msg, m->len);
	cur_skip(&all, rr->rdoff);
	if (cur_sub(&all, rr->rdlen, &c) < 0 || outlen == 0)
		return -1;
	size_t o = 0;
	out[0] = '\0';
	while (cur_left(&c)) {
		uint8_t l;
		const uint8_t *s;
		cur_u8(&c, &l);
		if (cur_bytes(&c, l, &s) < 0)
			return -1;
		if (l == 0)
			continue;	/* the empty TXT of a service without keys */
		if (o)
			pstr_append(out, outlen, &o, (const uint8_t *)"; ", 2);
		pstr_append(out, outlen, &o, s, l);
	}
	return c.bad ? -1 : 0;
}

int
dns_rdata_addr(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen)
{
	int af = rr->type == DNS_T_A ? AF_INET : rr->type == DNS_T_AAAA ? AF_INET6 : 0;
	size_t want = af == AF_INET ? 4 : 16;
	if (af == 0 || rr->rdlen != want || rr->rdoff + want > m->len)
		return -1;
	return inet_ntop(af, m->msg + rr->rdoff, out, (socklen_t)outlen) ? 0 : -1;
}
