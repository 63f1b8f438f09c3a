/*
 * The disclosure vocabulary and the pure text helpers of the
 * unauthenticated-disclosure probe: which field tokens exist and which are
 * security-relevant, the bounded key scan over status bodies and TXT
 * records, version sniffing and WWW-Authenticate realm extraction.  No
 * network here, so all of it is unit-tested directly.
 */
#include "probes/disclosure.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEY_MAX 40

/*
 * Security-relevant: what narrows an attacker's search for a working exploit
 * or a derived credential (versions, OS strings, exact model, serial and MAC
 * numbers, port-mapping services).  Not: names meant for humans (titles,
 * friendly names, realms), the manufacturer, and identifiers the protocol
 * itself requires (UPnP UDN/USN, service types).
 */
static const disc_field_t fields[] = {
	{ "firmware-version", SR_YES, "firmware or software version of the device" },
	{ "hardware-version", SR_YES, "hardware revision" },
	{ "version", SR_YES, "a version of an unnamed component" },
	{ "product-version", SR_YES, "product and version of a server (Server, X-Powered-By, banner, SSDP SERVER)" },
	{ "broker-version", SR_YES, "MQTT broker version or build ($SYS)" },
	{ "os", SR_YES, "operating system or kernel string (SNMP sysDescr, status keys)" },
	{ "model", SR_YES, "exact model name or number" },
	{ "serial", SR_YES, "serial number" },
	{ "mac-address", SR_YES, "MAC address" },
	{ "port-mapping", SR_YES, "a UPnP IGD port-mapping service (WANIPConnection, WANPPPConnection)" },
	{ "banner", SR_IF_VERSION, "a raw banner (security-relevant when it holds a version not already reported)" },
	{ "info", SR_IF_VERSION, "another value a discovery protocol disclosed" },
	{ "product", SR_NO, "a server product name without a version" },
	{ "manufacturer", SR_NO, "manufacturer or vendor" },
	{ "hostname", SR_NO, "host or device name" },
	{ "title", SR_NO, "HTML page title" },
	{ "friendly-name", SR_NO, "UPnP friendlyName" },
	{ "model-description", SR_NO, "UPnP modelDescription" },
	{ "realm", SR_NO, "HTTP authentication realm" },
	{ "device-type", SR_NO, "UPnP/SSDP device type" },
	{ "device-id", SR_NO, "UPnP UDN, SSDP USN or a UUID" },
	{ "service-type", SR_NO, "mDNS service or UPnP service types" },
	{ "presentation-url", SR_NO, "UPnP presentationURL" },
	{ "location", SR_NO, "an SSDP LOCATION URL" },
	{ "resources", SR_NO, "resource list (CoAP /.well-known/core)" },
	{ "mdns-txt", SR_NO, "a raw mDNS TXT record (its keys are reported separately)" },
	{ "broker-info", SR_NO, "another $SYS topic of an MQTT broker" },
};

const disc_field_t *
disclosure_fields(size_t *n)
{
	*n = ARRAY_LEN(fields);
	return fields;
}

const disc_field_t *
disclosure_field(const char *token)
{
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (strcmp(fields[i].token, token) == 0)
			return &fields[i];
	return NULL;
}

bool
disclosure_versioned(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isdigit(c) && s[i + 1] == '.' && isdigit((unsigned char)s[i + 2]))
			return true;
		/* v2, V10, r1234 at the start of a word */
		bool word_start = i == 0 || !isalnum((unsigned char)s[i - 1]);
		if (word_start && (c == 'v' || c == 'V') && isdigit((unsigned char)s[i + 1]))
			return true;
	}
	return false;
}

/* Normalised key (lower case, without _ - . and blanks) -> vocabulary field. */
static const struct { const char *key; const char *field; } keymap[] = {
	{ "firmware", "firmware-version" }, { "firmwareversion", "firmware-version" },
	{ "firmwarever", "firmware-version" }, { "firmwarerev", "firmware-version" },
	{ "fw", "firmware-version" }, { "fwversion", "firmware-version" },
	{ "fwver", "firmware-version" }, { "fwrev", "firmware-version" },
	{ "fv", "firmware-version" }, { "software", "firmware-version" },
	{ "softwareversion", "firmware-version" }, { "swversion", "firmware-version" },
	{ "swver", "firmware-version" }, { "srcvers", "firmware-version" },
	{ "version", "version" }, { "ver", "version" }, { "appversion", "version" },
	{ "buildversion", "version" }, { "build", "version" }, { "buildnumber", "version" },
	{ "hardware", "hardware-version" }, { "hardwareversion", "hardware-version" },
	{ "hwversion", "hardware-version" }, { "hwver", "hardware-version" },
	{ "hwrev", "hardware-version" }, { "hardwarerev", "hardware-version" },
	{ "model", "model" }, { "modelname", "model" }, { "modelnumber", "model" },
	{ "modelno", "model" }, { "modelid", "model" }, { "devicemodel", "model" },
	{ "productmodel", "model" }, { "md", "model" }, { "product", "model" },
	{ "productname", "model" },
	{ "serial", "serial" }, { "serialnumber", "serial" }, { "serialno", "serial" },
	{ "sn", "serial" }, { "sno", "serial" }, { "devicesn", "serial" },
	{ "mac", "mac-address" }, { "macaddress", "mac-address" }, { "macaddr", "mac-address" },
	{ "ethaddr", "mac-address" }, { "hwaddr", "mac-address" }, { "wifimac", "mac-address" },
	{ "wlanmac", "mac-address" }, { "ethmac", "mac-address" },
	{ "manufacturer", "manufacturer" }, { "vendor", "manufacturer" },
	{ "brand", "manufacturer" }, { "make", "manufacturer" },
	{ "hostname", "hostname" }, { "devicename", "hostname" },
	{ "os", "os" }, { "osversion", "os" }, { "kernel", "os" },
	{ "kernelversion", "os" }, { "uname", "os" }, { "osname", "os" },
	{ "uuid", "device-id" }, { "udn", "device-id" }, { "deviceid", "device-id" },
	{ "guid", "device-id" },
};

static const char *
key_field(const uint8_t *k, size_t kl)
{
	char norm[KEY_MAX + 1];
	size_t o = 0;
	for (size_t i = 0; i < kl && o < KEY_MAX; i++) {
		if (k[i] == '_' || k[i] == '-' || k[i] == '.' || k[i] == ' ')
			continue;
		norm[o++] = (char)tolower(k[i]);
	}
	norm[o] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(keymap); i++)
		if (strcmp(keymap[i].key, norm) == 0)
			return keymap[i].field;
	return NULL;
}

static bool
key_char(uint8_t c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/*
 * The value starting at p[i] (separator and blanks already skipped).  Copies
 * it into out and returns the index just past it.  A value opening an object
 * or list yields "" (its inner keys are scanned on their own).
 */
static size_t
read_value(const uint8_t *p, size_t n, size_t i, bool words, char *out, size_t outlen)
{
	size_t o = 0;
	out[0] = '\0';
	if (i >= n || p[i] == '{' || p[i] == '[')
		return i;
	if (p[i] == '"' || p[i] == '\'') {
		uint8_t q = p[i++];
		for (; i < n && p[i] != q && p[i] != '\n'; i++) {
			uint8_t c = p[i];
			if (c == '\\' && i + 1 < n) {
				c = p[++i];
				if (c == 'n' || c == 't' || c == 'r')
					c = ' ';
			}
			if (o + 1 < outlen)
				out[o++] = (char)c;
		}
		out[o] = '\0';
		return i < n ? i + 1 : i;
	}
	for (; i < n; i++) {
		uint8_t c = p[i];
		if (c == '\r' || c == '\n' || c == ',' || c == ';' || c == '}' || c == ']' ||
		    c == '&' || c == '<' || (words && (c == ' ' || c == '\t')))
			break;
		if (o + 1 < outlen)
			out[o++] = (char)c;
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return i;
}

static bool
useless(const char *v)
{
	return v[0] == '\0' || strcasecmp(v, "null") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "false") == 0 || strcasecmp(v, "unknown") == 0 ||
	    strcasecmp(v, "n/a") == 0;
}

#define KEY_WORDS 4	/* "Firmware Version", "Device Serial Number" */

/*
 * A key of up to KEY_WORDS words (single blanks between them) starting at
 * p[ks].  Sets *ke past its last word and *first_end past its first, and
 * returns the field named by the longest run of trailing words (*kf: where
 * that run starts), or NULL when none names one.
 */
static const char *
read_key(const uint8_t *p, size_t n, size_t ks, size_t *ke, size_t *first_end,
    size_t *kf)
{
	size_t starts[KEY_WORDS], nw = 0, e = ks;
	*first_end = 0;
	while (nw < KEY_WORDS) {
		starts[nw++] = e;
		while (e < n && key_char(p[e]) && e - ks <= KEY_MAX)
			e++;
		if (!*first_end)
			*first_end = e;
		if (e - ks > KEY_MAX || e + 1 >= n || p[e] != ' ' || !key_char(p[e + 1]))
			break;
		e++;
	}
	*ke = e;
	if (e - ks > KEY_MAX)
		return NULL;
	for (size_t w = 0; w < nw; w++) {
		const char *f = key_field(p + starts[w], e - starts[w]);
		if (f) {
			*kf = starts[w];
			return f;
		}
	}
	return NULL;
}

size_t
disclosure_scan_keys(const uint8_t *p, size_t n, disc_kv_fn fn, void *arg)
{
	size_t calls = 0;
	size_t i = 0;
	while (i < n && calls < DISC_SCAN_MAX) {
		bool quoted = p[i] == '"' || p[i] == '\'';
		size_t ks = quoted ? i + 1 : i;
		bool boundary = i == 0 || !key_char(p[i - 1]);
		if (!boundary || ks >= n || !key_char(p[ks])) {
			i++;
			continue;
		}
		size_t ke, first_end, kf = ks;
		const char *field = read_key(p, n, ks, &ke, &first_end, &kf);
		/* Not a key after all: go on after its first word, whose successors may be one. */
		size_t skip = first_end > i ? first_end : i + 1;
		size_t j = ke;
		if (quoted) {
			if (j >= n || p[j] != p[i]) {
				i = skip;
				continue;
			}
			j++;
		}
		while (j < n && (p[j] == ' ' || p[j] == '\t'))
			j++;
		if (j >= n || (p[j] != ':' && p[j] != '=') || ke - ks > KEY_MAX) {
			i = skip;
			continue;
		}
		bool words = p[j] == '=';
		j++;
		while (j < n && (p[j] == ' ' || p[j] == '\t'))
			j++;
		char val[DISC_VALUE_MAX];
		size_t next = read_value(p, n, j, words, val, sizeof(val));
		if (field && !useless(val)) {
			char key[KEY_MAX + 2];
			snprintf(key, sizeof(key), "%.*s", (int)(ke - kf), (const char *)p + kf);
			fn(arg, field, key, val);
			calls++;
		}
		i = next > i ? next : i + 1;
	}
	return calls;
}

bool
disclosure_realm(const char *h, char *out, size_t outlen)
{
	if (outlen == 0)
		return false;
	out[0] = '\0';
	for (const char *p = h; (p = strcasestr(p, "realm")) != NULL; p += 5) {
		if (p != h && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		const char *q = p + 5;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		size_t o = 0;
		if (*q == '"') {
			for (q++; *q && *q != '"' && o + 1 < outlen; q++) {
				if (*q == '\\' && q[1])
					q++;
				out[o++] = *q;
			}
		} else {
			for (; *q && *q != ',' && *q != ' ' && o + 1 < outlen; q++)
				out[o++] = *q;
		}
		out[o] = '\0';
		return o > 0;
	}
	return false;
}
