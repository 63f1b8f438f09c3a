/*
 * SNMP BER building and decoding; see snmp.h.  Every BER length we emit is
 * the short form: a GetRequest for a couple of OIDs stays under 128 bytes
 * per container, and building fails cleanly if it would not.
 */
#include "proto/snmp.h"
#include "proto/cursor.h"
#include "proto/pstr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARCS 64

/* ---- building ---- */

/* A BER writer over a fixed buffer; `bad` latches overflow. */
typedef struct bw {
	uint8_t *p;
	size_t cap, len;
	bool bad;
} bw_t;

static void
bw_put(bw_t *w, const void *p, size_t n)
{
	if (w->bad || w->len + n > w->cap) {
		w->bad = true;
		return;
	}
	if (n)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
bw_tlv(bw_t *w, uint8_t tag, const void *val, size_t n)
{
	if (n > 127) {
		w->bad = true;
		return;
	}
	uint8_t h[2] = { tag, (uint8_t)n };
	bw_put(w, h, 2);
	bw_put(w, val, n);
}

static void
bw_int(bw_t *w, int32_t v)
{
	uint8_t b[4];
	size_t n = 4;
	for (int i = 3; i >= 0; i--)
		b[3 - i] = (uint8_t)((uint32_t)v >> (8 * i));
	/* Minimal two's complement: drop redundant leading bytes. */
	size_t s = 0;
	while (n - s > 1 && ((b[s] == 0 && !(b[s + 1] & 0x80)) ||
	    (b[s] == 0xff && (b[s + 1] & 0x80))))
		s++;
	bw_tlv(w, 0x02, b + s, n - s);
}

/* Encodes a dotted OID's arcs; 0 on a malformed OID. */
static size_t
oid_encode(const char *dotted, uint8_t *out, size_t cap)
{
	unsigned long arcs[MAX_ARCS];
	size_t n = 0;
	const char *s = dotted;
	while (*s) {
		char *end;
		if (*s < '0' || *s > '9' || n == MAX_ARCS)
			return 0;
		arcs[n++] = strtoul(s, &end, 10);
		if (arcs[n - 1] > 0xffffffffUL)
			return 0;
		s = end;
		if (*s == '.')
			s++;
		else if (*s)
			return 0;
	}
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40))
		return 0;
	size_t o = 0;
	for (size_t i = 1; i < n; i++) {
		unsigned long v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t tmp[5];
		size_t k = 0;
		do {
			tmp[k++] = (uint8_t)(v & 0x7f);
			v >>= 7;
		} while (v && k < sizeof(tmp));
		if (o + k > cap)
			return 0;
		while (k--)
			out[o++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
	}
	return o;
}

size_t
snmp_get_build(uint8_t *out, size_t cap, int version, const char *community,
    int32_t request_id, const char *const *oids, size_t n_oids)
{
	uint8_t vbl[127], pdu[127], msg[127];
	bw_t wv = { .p = vbl, .cap = sizeof(vbl) };
	for (size_t i = 0; i < n_oids; i++) {
		uint8_t oid[64], vb[80];
		size_t ol = oid_encode(oids[i], oid, sizeof(oid));
		if (ol == 0)
			return 0;
		bw_t wb = { .p = vb, .cap = sizeof(vb) };
		bw_tlv(&wb, 0x06, oid, ol);
		bw_tlv(&wb, 0x05, NULL, 0);
		if (wb.bad)
			return 0;
		bw_tlv(&wv, 0x30, vb, wb.len);
	}
	bw_t wp = { .p = pdu, .cap = sizeof(pdu) };
	bw_int(&wp, request_id);
	bw_int(&wp, 0);		/* error-status */
	bw_int(&wp, 0);		/* error-index */
	bw_tlv(&wp, 0x30, vbl, wv.len);
	bw_t wm = { .p = msg, .cap = sizeof(msg) };
	bw_int(&wm, version);
	bw_tlv(&wm, 0x04, community, strlen(community));
	bw_tlv(&wm, SNMP_GET_REQUEST, pdu, wp.len);
	bw_t wo = { .p = out, .cap = cap };
	bw_tlv(&wo, 0x30, msg, wm.len);
	if (wv.bad || wp.bad || wm.bad || wo.bad)
		return 0;
	return wo.len;
}

/* ---- decoding ---- */

/* Reads one TLV whose tag must be `want` (0 = any, returned in *tag). */
static int
ber_tlv(cursor_t *c, uint8_t want, uint8_t *tag, cursor_t *val)
{
	uint8_t t, l0;
	cur_u8(c, &t);
	cur_u8(c, &l0);
	if (c->bad || (want && t != want) || (t & 0x1f) == 0x1f)
		goto bad;
	size_t len = l0;
	if (l0 & 0x80) {
		unsigned nb = l0 & 0x7f;
		if (nb == 0 || nb > 3)	/* indefinite, or absurd for a datagram */
			goto bad;
		len = 0;
		for (unsigned i = 0; i < nb; i++) {
			uint8_t b;
			cur_u8(c, &b);
			len = len << 8 | b;
		}
	}
	if (tag)
		*tag = t;
	if (c->bad || cur_sub(c, len, val) < 0)
		goto bad;
	return 0;
bad:
	c->bad = true;
	cur_init(val, NULL, 0);
	val->bad = true;
	return -1;
}

/* A signed integer of 1..8 content bytes. */
static int
ber_int_val(cursor_t *v, long long *out)
{
	size_t n = cur_left(v);
	if (n == 0 || n > 8)
		return -1;
	uint64_t u = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b;
		cur_u8(v, &b);
		u = u << 8 | b;
	}
	if (n < 8 && (u >> (8 * n - 1)) & 1)
		u |= ~0ULL << (8 * n);	/* sign-extend */
	*out = (long long)u;
	return 0;
}

static int
ber_int(cursor_t *c, long long *out)
{
	cursor_t v;
	if (ber_tlv(c, 0x02, NULL, &v) < 0 || ber_int_val(&v, out) < 0) {
		c->bad = true;
		return -1;
	}
	return 0;
}

/* An unsigned application integer (Counter, Gauge, TimeTicks, Counter64). */
static int
ber_uint_val(cursor_t *v, unsigned long long *out)
{
	size_t n = cur_left(v);
	if (n == 0 || n > 9)
		return -1;
	unsigned long long u = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b;
		cur_u8(v, &b);
		if (i == 0 && n == 9 && b != 0)
			return -1;
		u = u << 8 | b;
	}
	*out = u;
	return 0;
}

static int
oid_decode(cursor_t *v, char *out, size_t outlen)
{
	size_t o = 0, arcs = 0;
	out[0] = '\0';
	if (cur_left(v) == 0)
		return -1;
	while (cur_left(v)) {
		unsigned long long a = 0;
		uint8_t b;
		unsigned k = 0;
		do {
			if (cur_u8(v, &b) < 0 || ++k > 5)
				return -1;
			a = a << 7 | (b & 0x7f);
		} while (b & 0x80);
		if (a > 0xffffffffULL + 80 || ++arcs > MAX_ARCS)
			return -1;
		int w;
		if (o == 0) {
			unsigned long long first = a < 40 ? 0 : a < 80 ? 1 : 2;
			w = snprintf(out, outlen, "%llu.%llu", first, a - first * 40);
		} else {
			w = snprintf(out + o, outlen - o, ".%llu", a);
		}
		if (w < 0 || (size_t)w >= outlen - o)
			return -1;
		o += (size_t)w;
	}
	return 0;
}

static int
decode_value(cursor_t *c, snmp_var_t *var)
{
	cursor_t v;
	uint8_t tag;
	if (ber_tlv(c, 0, &tag, &v) < 0)
		return -1;
	var->type = tag;
	var->has_value = true;
	long long i;
	unsigned long long u;
	switch (tag) {
	case 0x04:	/* OCTET STRING */
	{
		size_t n = cur_left(&v);
		const uint8_t *s;
		cur_bytes(&v, n, &s);
		pstr_copy(var->value, sizeof(var->value), s, n);
		return 0;
	}
	case 0x02:
		if (ber_int_val(&v, &i) < 0)
			return -1;
		snprintf(var->value, sizeof(var->value), "%lld", i);
		return 0;
	case 0x06:
		return oid_decode(&v, var->value, sizeof(var->value));
	case 0x40:	/* IpAddress */
	{
		const uint8_t *a;
		if (cur_left(&v) != 4 || cur_bytes(&v, 4, &a) < 0)
			return -1;
		snprintf(var->value, sizeof(var->value), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return 0;
	}
	case 0x41: case 0x42: case 0x43: case 0x46:	/* Counter32, Gauge32, TimeTicks, Counter64 */
		if (ber_uint_val(&v, &u) < 0)
			return -1;
		snprintf(var->value, sizeof(var->value), "%llu", u);
		return 0;
	case 0x05: case 0x80: case 0x81: case 0x82:	/* NULL and the v2 exceptions */
		var->has_value = false;
		return cur_left(&v) == 0 ? 0 : -1;
	default:	/* Opaque and friends: present, but nothing we print */
		var->has_value = false;
		return 0;
	}
}

int
snmp_parse(const uint8_t *p, size_t n, snmp_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	cursor_t all, msg, pdu, vbl;
	cur_init(&all, p, n);
	if (ber_tlv(&all, 0x30, NULL, &msg) < 0 || cur_left(&all) != 0)
		return -1;
	long long ver, rid, es, ei;
	if (ber_int(&msg, &ver) < 0 || (ver != SNMP_V1 && ver != SNMP_V2C))
		return -1;
	m->version = (long)ver;
	cursor_t comm;
	if (ber_tlv(&msg, 0x04, NULL, &comm) < 0)
		return -1;
	const uint8_t *cs;
	size_t cl = cur_left(&comm);
	cur_bytes(&comm, cl, &cs);
	pstr_copy(m->community, sizeof(m->community), cs, cl);
	if (ber_tlv(&msg, 0, &m->pdu_type, &pdu) < 0 || cur_left(&msg) != 0)
		return -1;
	/* v1 Trap (0xa4) has another shape; we never ask for one. */
	if (m->pdu_type < 0xa0 || m->pdu_type > 0xa8 || m->pdu_type == 0xa4)
		return -1;
	if (ber_int(&pdu, &rid) < 0 || ber_int(&pdu, &es) < 0 || ber_int(&pdu, &ei) < 0)
		return -1;
	if (rid < INT32_MIN || rid > INT32_MAX || es < 0 || es > 255 || ei < 0 || ei > 65535)
		return -1;
	m->request_id = (int32_t)rid;
	m->error_status = (long)es;
	m->error_index = (long)ei;
	if (ber_tlv(&pdu, 0x30, NULL, &vbl) < 0 || cur_left(&pdu) != 0)
		return -1;
	/* Each binding costs at least 4 bytes, so the loop is bounded by n. */
	while (cur_left(&vbl)) {
		cursor_t vb, oid;
		snmp_var_t tmp, *var = m->n_vars < SNMP_MAX_VARS ? &m->vars[m->n_vars] : &tmp;
		memset(var, 0, sizeof(*var));
		if (ber_tlv(&vbl, 0x30, NULL, &vb) < 0 || ber_tlv(&vb, 0x06, NULL, &oid) < 0 ||
		    oid_decode(&oid, var->oid, sizeof(var->oid)) < 0 ||
		    decode_value(&vb, var) < 0 || cur_left(&vb) != 0)
			return -1;
		if (var != &tmp)
			m->n_vars++;
	}
	return vbl.bad ? -1 : 0;
}

const snmp_var_t *
snmp_find(const snmp_msg_t *m, const char *oid)
{
	for (size_t i = 0; i < m->n_vars; i++)
		if (strcmp(m->vars[i].oid, oid) == 0)
			return &m->vars[i];
	return NULL;
}
