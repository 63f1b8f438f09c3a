/*
 * What a probe observed: named, typed evidence fields (which expectations read)
 * and findings (which reports show).  Probes write here; report writers and
 * matchers only read.  Not thread-safe: each case instance owns its own.
 */
#ifndef IOTCERT_EVIDENCE_H
#define IOTCERT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "value.h"

typedef struct field {
	char *name;		/* owned, e.g. "login_prompt" */
	value_t val;
} field_t;

typedef struct kv {
	char *key;		/* owned; an XML attribute name, e.g. "username" */
	char *val;		/* owned; may hold any bytes, writers escape */
} kv_t;

/*
 * A finding.  `kind` is a token ("cleartext-service", "undeclared-service",
 * ...); protocol/transport/port tie it to a service when port > 0.  `attrs` are
 * kind-specific attributes declared in the report XSD.
 */
typedef struct finding {
	char *kind;
	char *protocol;		/* NULL when not tied to a service */
	char *transport;	/* "tcp" / "udp" or NULL */
	int port;		/* 0 when not tied to a service */
	char *summary;		/* one human sentence */
	kv_t *attrs;
	size_t n_attrs;
} finding_t;

/* A connection a probe made, so the capture can be split per case. */
typedef struct flow {
	int ipproto;			/* IPPROTO_TCP / IPPROTO_UDP */
	int family;			/* AF_INET / AF_INET6 */
	uint8_t local[16], remote[16];	/* network order */
	uint16_t lport, rport;		/* host order */
} flow_t;

typedef struct evidence {
	field_t *fields;
	size_t n_fields, cap_fields;
	finding_t *findings;
	size_t n_findings, cap_findings;
	flow_t *flows;
	size_t n_flows, cap_flows;
	char *transcript;	/* owned; a short text log of the exchange (capped) */
	size_t transcript_len;
} evidence_t;

evidence_t *evidence_new(void);
void evidence_free(evidence_t *e);		/* NULL is fine */

/* Setters replace an existing field of the same name. */
void ev_set_bool(evidence_t *e, const char *name, bool b);
void ev_set_int(evidence_t *e, const char *name, long long i);
void ev_set_str(evidence_t *e, const char *name, const char *s);
void ev_set_bytes(evidence_t *e, const char *name, const void *p, size_t n);
void ev_list_push(evidence_t *e, const char *name, const char *item); /* creates an empty list first */
void ev_list_init(evidence_t *e, const char *name);	/* ensures an (empty) list */
const value_t *ev_get(const evidence_t *e, const char *name); /* NULL if absent */

/* Adds a finding and returns it so the caller can add attributes. */
finding_t *ev_finding(evidence_t *e, const char *kind, const char *transport,
    const char *protocol, int port, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void finding_attr(finding_t *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of attribute `key`, or NULL; borrowed from f. */
const char *finding_get(const finding_t *f, const char *key);

void ev_add_flow(evidence_t *e, const flow_t *f);
/* Copies src's fields (replacing same-named ones) and findings into dst;
 * not its flows or transcript.  src may be NULL. */
void ev_merge(evidence_t *dst, const evidence_t *src);
/* Appends to the capped transcript (64 KiB); device bytes are kept raw. */
void ev_transcript(evidence_t *e, const char *dir, const void *p, size_t n);

#endif
