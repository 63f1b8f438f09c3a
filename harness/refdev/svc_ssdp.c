/*
 * The device's SSDP responder (UPnP Device Architecture 1.1, 1.3.3), off
 * unless --port ssdp=PORT.  It answers a unicast M-SEARCH at once, one
 * response per matching target, each with the LOCATION of the description
 * the upnp service serves.  It joins no multicast group and sends no
 * NOTIFY: a scanner probes the device's own address, and a lab network
 * should not hear a test device advertise itself.
 */
#include "refdev.h"
#include "refdev/ssdp_msg.h"
#include "refdev/upnp_desc.h"

#include <stdlib.h>
#include <time.h>

#define RESPONSE_MAX 1024

void
svc_ssdp_datagram(const dgram_t *d)
{
	ssdp_search_t s;
	if (ssdp_parse_msearch(d->p, d->n, &s) < 0)
		return; /* not a search: a responder stays quiet */
	char st[SSDP_TARGETS_MAX][SSDP_ST_MAX], usn[SSDP_TARGETS_MAX][SSDP_ST_MAX];
	size_t k = ssdp_targets(s.st, UPNP_UDN, UPNP_DEVICE_TYPE, st, usn);
	char shown[96];
	udp_log(d, "M-SEARCH ST %s -> %zu response(s)", udp_printable(s.st, shown, sizeof(shown)),
	    k);
	if (k == 0)
		return;
	char *base = refdev_base_url(d->rd, SVC_UPNP);
	char location[256], date[64], out[RESPONSE_MAX];
	snprintf(location, sizeof(location), "%s" UPNP_DESC_PATH, base);
	free(base);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	for (size_t i = 0; i < k; i++) {
		size_t n = ssdp_response(out, sizeof(out), location, UPNP_SERVER, st[i], usn[i], date);
		if (n)
			udp_reply(d, out, n);
	}
}
