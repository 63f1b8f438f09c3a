/*
 * Disclosures that need no new connection: the banner and product/version
 * discovery read from each service (ssh, ftp, telnet, shells, RTSP, ...), and
 * the info values UDP discovery recorded (SSDP SERVER/USN/LOCATION, mDNS
 * TXT/service/hostname, CoAP /.well-known/core, SNMP sysDescr/sysName),
 * taken as they are.
 */
#include "probes/disclosure.h"

#include "core/util.h"
#include "proto/telnet.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BANNER_TEXT_MAX 1024

/* Services examined actively elsewhere: their banner is our own probe's answer. */
static bool
active(const service_t *s)
{
	static const char *const p[] = { "http", "https", "mqtt", "mqtts" };
	for (size_t i = 0; i < ARRAY_LEN(p); i++)
		if (strcmp(s->protocol, p[i]) == 0)
			return true;
	return false;
}

/* "refdev login:" -> "refdev": the word a getty prints before its prompt. */
static bool
login_hostname(const char *text, char *out, size_t outlen)
{
	const char *l = strcasestr(text, " login:");
	if (l == NULL || outlen == 0)
		return false;
	const char *b = l;
	while (b > text && (isalnum((unsigned char)b[-1]) || strchr("._-", b[-1])))
		b--;
	size_t n = (size_t)(l - b);
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, b, n);
	out[n] = '\0';
	return true;
}

void
disclosure_banner(disc_t *d, const service_t *s)
{
	if (active(s))
		return;
	char src[64];
	snprintf(src, sizeof(src), "%s %s", disc_proto(s),
	    strcmp(s->transport, "udp") == 0 ? "answer" : "banner");
	bool versioned = false;
	if (s->product && s->product[0]) {
		char pv[200];
		versioned = s->version && s->version[0];
		snprintf(pv, sizeof(pv), "%s%s%s", s->product, versioned ? " " : "",
		    versioned ? s->version : "");
		disc_add(d, s, &(disc_item_t){ .field = versioned ? "product-version" : "product",
		    .value = pv, .source = src, .sr = -1 });
	}
	if (s->banner == NULL || s->banner_len == 0)
		return;
	d->sources++;
	char text[BANNER_TEXT_MAX + 1];
	size_t tl = 0;
	if (strcmp(s->protocol, "telnet") == 0) {
		telnet_state_t ts = { 0 };
		uint8_t reply[64];
		size_t rl;
		telnet_feed(&ts, (const uint8_t *)s->banner, s->banner_len, (uint8_t *)text,
		    BANNER_TEXT_MAX, &tl, reply, sizeof(reply), &rl);
	} else {
		tl = s->banner_len < BANNER_TEXT_MAX ? s->banner_len : BANNER_TEXT_MAX;
		memcpy(text, s->banner, tl);
	}
	/* NULs inside a banner would cut it short; they carry nothing readable. */
	for (size_t i = 0; i < tl; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	text[tl] = '\0';
	/* A version already reported as product-version is not counted twice. */
	disc_add(d, s, &(disc_item_t){ .field = "banner", .value = text, .source = src,
	    .sr = versioned ? 0 : -1 });
	char host[64];
	if (login_hostname(text, host, sizeof(host)))
		disc_add(d, s, &(disc_item_t){ .field = "hostname", .value = host,
		    .source = src, .sr = -1 });
}

typedef struct scan_arg {
	disc_t *d;
	const service_t *s;
	const char *source;
} scan_arg_t;

static void
on_key(void *arg, const char *field, const char *key, const char *value)
{
	scan_arg_t *a = arg;
	disc_add(a->d, a->s, &(disc_item_t){ .field = field, .value = value,
	    .source = a->source, .sr = -1 });
}

/*
 * Facts about the protocol exchange itself (a protocol version, a cipher, an
 * error) that UDP discovery records next to what the device says about
 * itself: reported, never security-relevant as a disclosure ("v2c" or
 * "DTLSv1.2" are not software versions).
 */
static bool
protocol_fact(const char *key)
{
	static const char *const k[] = { "snmp-version", "ntp-version", "dtls-version",
		"dtls-cipher", "dtls-alert", "stratum", "refid", "recursion-available",
		"community", "snmp-error", "tftp-error" };
	for (size_t i = 0; i < ARRAY_LEN(k); i++)
		if (strcasecmp(key, k[i]) == 0)
			return true;
	return false;
}

/* Discovery info key -> vocabulary field; NULL: "info". */
static const char *
info_field(const char *key, const char *val)
{
	static const struct { const char *key, *field; } map[] = {
		{ "usn", "device-id" }, { "st", "device-type" }, { "nt", "device-type" },
		{ "location", "location" }, { "txt", "mdns-txt" }, { "service", "service-type" },
		{ "hostname", "hostname" }, { "well-known-core", "resources" },
		{ "sysDescr", "os" }, { "sysName", "hostname" },
	};
	if (strcasecmp(key, "server") == 0 || strcasecmp(key, "version.bind") == 0)
		return disclosure_versioned(val) ? "product-version" : "product";
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcasecmp(key, map[i].key) == 0)
			return map[i].field;
	return NULL;
}

void
disclosure_info(disc_t *d, const service_t *s)
{
	for (size_t i = 0; i < s->n_info; i++) {
		const char *key = s->info[i].key, *val = s->info[i].val;
		if (key == NULL || val == NULL)
			continue;
		d->sources++;
		const char *field = info_field(key, val);
		char src[96];
		snprintf(src, sizeof(src), "%s %.64s", disc_proto(s), key);
		disc_add(d, s, &(disc_item_t){ .field = field ? field : "info", .value = val,
		    .source = src, .sr = protocol_fact(key) ? 0 : -1 });
		if (strcasecmp(key, "txt") == 0) {
			scan_arg_t a = { d, s, src };
			disclosure_scan_keys((const uint8_t *)val, strlen(val), on_key, &a);
		}
	}
}
