/*
 * unauthenticated-disclosure: what each interface tells a stranger (EN 303 645
 * 5.6-2, TS 103 701 5.6-2-2).  The probe is split by protocol
 * (disclosure_http.c, _mqtt.c, _upnp.c, _info.c for banners and what UDP
 * discovery recorded); they share the recording helpers declared here and
 * the field vocabulary of disclosure_fields.h.
 */
#ifndef IOTCERT_DISCLOSURE_H
#define IOTCERT_DISCLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/probe.h"
#include "net/tls.h"
#include "probes/disclosure_fields.h"

#define DISC_VALUE_MAX 256	/* bytes of a disclosed value kept in a finding */
#define DISC_ITEM_MAX 96	/* bytes of a value quoted in an evidence list item */
#define DISC_SCAN_MAX 64	/* key/value pairs taken from one body */

/* ---- pure text helpers (disclosure_fields.c) ---- */

/* Does s contain a version-looking token (digits around a dot, or "v2")? */
bool disclosure_versioned(const char *s);

/*
 * Scans text (a JSON, key=value or "Key: value" body, an mDNS TXT record)
 * for keys that name identifying data and calls fn for each, with the
 * vocabulary field the key maps to.  Linear in n; at most DISC_SCAN_MAX
 * calls; values are capped at DISC_VALUE_MAX-1 bytes.  Returns the number of
 * calls.  An unquoted value after '=' ends at a blank (key=value lists),
 * after ':' at the end of the line.
 */
typedef void (*disc_kv_fn)(void *arg, const char *field, const char *key, const char *value);
size_t disclosure_scan_keys(const uint8_t *p, size_t n, disc_kv_fn fn, void *arg);

/* realm="..." (or a bare token) of a WWW-Authenticate value; false if none. */
bool disclosure_realm(const char *www_auth, char *out, size_t outlen);

/* ---- the running probe (disclosure.c) ---- */

typedef struct disc {
	probe_ctx_t *ctx;
	tls_ctx_t *tls;		/* the run's (ctx->tls), or created when a TLS
				 * service is seen and the run gave none */
	bool own_tls;		/* tls was created here: free it */
	strlist_t seen;		/* dedupe keys of recorded disclosures */
	strlist_t undeclared_seen;
	long long sources;	/* sources_checked */
	unsigned read_ms;	/* per-operation wait */
	unsigned mqtt_ms;	/* $SYS listening window */
	bool out_of_time;
} disc_t;

/* One disclosed item. */
typedef struct disc_item {
	const char *field;	/* vocabulary token */
	const char *value;	/* as read; cleaned and capped when recorded */
	const char *source;	/* "http /status.json", "ssdp server", ... */
	const char *path;	/* HTTP path or URL, may be NULL */
	int alt_port;		/* >0: a declaration on tcp/alt_port also counts */
	int sr;			/* -1: from the vocabulary; else 0/1 forced */
} disc_item_t;

void disc_add(disc_t *d, const service_t *s, const disc_item_t *it);
/* Records a service (or source) that could not be examined. */
void disc_unexamined(disc_t *d, const service_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A source whose data was not fetched on purpose (UPnP location elsewhere). */
void disc_not_fetched(disc_t *d, const service_t *s, const char *what, const char *why);
/* Deadline for one network operation: read_ms from now, within the step's. */
uint64_t disc_deadline(const disc_t *d);
/* True (and out_of_time latched) when the step's time is up or cancelled. */
bool disc_stop(disc_t *d);
/* The shared TLS context, created on first use; NULL with err filled. */
tls_ctx_t *disc_tls(disc_t *d, char *err, size_t errlen);
/* "http" or "https" etc. as used in source strings. */
const char *disc_proto(const service_t *s);

/* ---- per protocol ---- */

void disclosure_http(disc_t *d, const service_t *s);
void disclosure_mqtt(disc_t *d, const service_t *s);
void disclosure_banner(disc_t *d, const service_t *s);
void disclosure_info(disc_t *d, const service_t *s);
void disclosure_upnp(disc_t *d, const service_t *s, const char *location);

#endif
