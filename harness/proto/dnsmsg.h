/*
 * DNS messages (RFC 1035) as unicast DNS and mDNS (RFC 6762) use them:
 * queries built, responses parsed, pure.  Compressed names are followed only
 * to strictly earlier offsets, so a pointer loop or a forward chain is a
 * rejection, never a hang; names longer than 255 octets are rejected too.
 * dns_parse validates every record but keeps only the first DNS_MAX_RR;
 * record data is decoded on demand by the dns_rdata_* helpers.
 */
#ifndef IOTCERT_DNSMSG_H
#define IOTCERT_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX	1024	/* presentation form with escapes, NUL included */
#define DNS_MAX_RR	64	/* records kept by dns_parse */
#define DNS_MAX_QD	16	/* more questions than this is not a response to us */

enum {
	DNS_T_A = 1, DNS_T_PTR = 12, DNS_T_TXT = 16, DNS_T_AAAA = 28,
	DNS_T_SRV = 33, DNS_T_ANY = 255,
};
enum { DNS_C_IN = 1, DNS_C_CH = 3 };

#define DNS_F_QR	0x8000
#define DNS_F_AA	0x0400
#define DNS_F_TC	0x0200
#define DNS_F_RD	0x0100
#define DNS_RCODE(f)	((f) & 0x000f)
#define DNS_OPCODE(f)	(((f) >> 11) & 0x0f)

typedef struct dns_question {
	const char *name;	/* presentation form, e.g. "version.bind" */
	uint16_t type, qclass;	/* qclass may carry mDNS's unicast-response bit */
} dns_question_t;

/* Writes a query with nq questions; returns its length, 0 if it does not fit
 * or a name is invalid. */
size_t dns_query_build(uint8_t *out, size_t cap, uint16_t id, uint16_t flags,
    const dns_question_t *q, size_t nq);

typedef struct dns_rr {
	size_t nameoff;		/* owner name, at this offset of the message */
	uint16_t type, rclass;	/* rclass without mDNS's cache-flush bit */
	uint32_t ttl;
	size_t rdoff;		/* record data, at this offset */
	uint16_t rdlen;
	uint8_t section;	/* 1 answer, 2 authority, 3 additional */
} dns_rr_t;

typedef struct dns_msg {
	const uint8_t *msg;	/* borrowed: the datagram parsed */
	size_t len;
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
	char qname[DNS_NAME_MAX];	/* the first question, "" when none */
	uint16_t qtype, qclass;
	dns_rr_t rr[DNS_MAX_RR];
	size_t n_rr;
} dns_msg_t;

/* 0 when p is a well-formed DNS message (every name and record in bounds). */
int dns_parse(const uint8_t *p, size_t n, dns_msg_t *m);

/* Decodes the name at off into out; 0 or -1 (bad name, or out too small). */
int dns_name_at(const dns_msg_t *m, size_t off, char *out, size_t outlen);
int dns_rr_name(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen);
/* PTR (and CNAME/NS) data: one name filling the record exactly. */
int dns_rdata_name(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen);
int dns_rdata_srv(const dns_msg_t *m, const dns_rr_t *rr, uint16_t *prio,
    uint16_t *weight, uint16_t *port, char *target, size_t tlen);
/* TXT data as "s1; s2; ..." (printable copy, truncated to fit); -1 if malformed. */
int dns_rdata_txt(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen);
/* A or AAAA data as a numeric address. */
int dns_rdata_addr(const dns_msg_t *m, const dns_rr_t *rr, char *out, size_t outlen);

/* Case-insensitive name equality, a trailing dot ignored. */
bool dns_name_eq(const char *a, const char *b);

#endif
