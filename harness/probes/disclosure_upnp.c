/*
 * UPnP disclosures: the device description an SSDP LOCATION points at.  It
 * is fetched only when the URL's host is the target's own address literal,
 * and the connection goes to the target address object itself, never to a
 * resolved name: a LOCATION naming another host (or any name) is a way to
 * make the harness touch something that is not under test, so it is
 * recorded as not fetched instead.
 */
#include "probes/disclosure.h"

#include "core/util.h"
#include "net/http.h"
#include "proto/upnp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is the literal `host` the address a (compared as binary, zone ids ignored)? */
static bool
same_address(const char *host, const target_addr_t *a)
{
	unsigned char h[16], t[16];
	char hb[64], tb[64];
	snprintf(hb, sizeof(hb), "%.*s", (int)strcspn(host, "%"), host);
	snprintf(tb, sizeof(tb), "%.*s", (int)strcspn(a->text, "%"), a->text);
	if (inet_pton(AF_INET, hb, h) == 1)
		return inet_pton(AF_INET, tb, t) == 1 && memcmp(h, t, 4) == 0;
	if (inet_pton(AF_INET6, hb, h) == 1)
		return inet_pton(AF_INET6, tb, t) == 1 && memcmp(h, t, 16) == 0;
	return false;
}

static void
add(disc_t *d, const service_t *s, const char *field, const char *v, const char *src,
    const char *path, int port)
{
	if (v)
		disc_add(d, s, &(disc_item_t){ .field = field, .value = v, .source = src,
		    .path = path, .alt_port = port, .sr = -1 });
}

static void
record(disc_t *d, const service_t *s, const upnp_desc_t *u, const char *src,
    const char *path, int port)
{
	add(d, s, "manufacturer", u->manufacturer, src, path, port);
	add(d, s, "model", u->model_name, src, path, port);
	add(d, s, "model", u->model_number, src, path, port);
	add(d, s, "model-description", u->model_description, src, path, port);
	add(d, s, "friendly-name", u->friendly_name, src, path, port);
	add(d, s, "serial", u->serial, src, path, port);
	add(d, s, "firmware-version", u->firmware, src, path, port);
	add(d, s, "hardware-version", u->hardware, src, path, port);
	add(d, s, "device-type", u->device_type, src, path, port);
	add(d, s, "device-id", u->udn, src, path, port);
	add(d, s, "presentation-url", u->presentation_url, src, path, port);
	if (u->service_types.n) {
		char *all = strlist_join(&u->service_types, ", ");
		add(d, s, "service-type", all, src, path, port);
		free(all);
	}
	if (u->port_mapping) {
		for (size_t i = 0; i < u->service_types.n; i++) {
			const char *t = u->service_types.v[i];
			if (strstr(t, ":service:WANIPConnection:") || strstr(t, ":service:WANPPPConnection:"))
				add(d, s, "port-mapping", t, src, path, port);
		}
	}
}

void
disclosure_upnp(disc_t *d, const service_t *s, const char *location)
{
	http_url_t u;
	if (s->addr == NULL)
		return;
	if (http_url_parse(location, &u) < 0) {
		disc_not_fetched(d, s, location, "not an http(s) URL iotcert accepts");
		return;
	}
	bool ours = same_address(u.host, s->addr);
	for (size_t i = 0; !ours && i < d->ctx->target->n_addrs; i++)
		ours = same_address(u.host, &d->ctx->target->addrs[i]);
	if (!ours) {
		disc_not_fetched(d, s, location, "host is not the target's address; not fetched");
		return;
	}
	char err[200];
	if (u.tls && disc_tls(d, err, sizeof(err)) == NULL) {
		disc_unexamined(d, s, "no TLS context: %s", err);
		return;
	}
	char host[320];
	http_host_header(u.host, u.port, u.tls, host, sizeof(host));
	http_client_t cl = {
		.addr = s->addr, .port = u.port, .tls = u.tls, .tls_ctx = d->tls,
		.host = host, .cancel = d->ctx->cancel, .ev = d->ctx->ev,
		.body_cap = UPNP_DESC_CAP,
	};
	http_resp_t r;
	net_status_t net;
	char src[DISC_VALUE_MAX];
	snprintf(src, sizeof(src), "upnp %.200s", location);
	d->sources++;
	if (http_request(&cl, "GET", u.path, disc_deadline(d), &r, &net, err, sizeof(err)) < 0) {
		disc_unexamined(d, s, "UPnP description %s: %s", location, err);
		http_resp_clear(&r);
		return;
	}
	if (r.status / 100 != 2) {
		disc_unexamined(d, s, "UPnP description %s: HTTP %d", location, r.status);
	} else if (r.truncated) {
		disc_unexamined(d, s, "UPnP description %s is larger than %u bytes: not parsed",
		    location, UPNP_DESC_CAP);
	} else {
		upnp_desc_t desc;
		upnp_rc_t rc = upnp_parse(r.body, r.body_len, &desc, err, sizeof(err));
		if (rc == UPNP_OK)
			record(d, s, &desc, src, u.path, u.port);
		else
			disc_unexamined(d, s, "UPnP description %s: %s (%s)", location,
			    upnp_rc_str(rc), err);
		upnp_desc_clear(&desc);
	}
	http_resp_clear(&r);
}
