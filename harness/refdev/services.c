/*
 * The table of services the device can run: names used on the command line
 * and in the ready line, default ports per mode, and which handler serves a
 * connection (TCP) or a datagram (UDP).  Ports are all above 1024 so no
 * privileges are needed; CoAP, SSDP and UPnP are off unless --port asks for
 * them, which keeps the default device what the end-to-end verdicts expect.
 */
#include "refdev.h"

#include <string.h>

static const svc_info_t services[SVC_COUNT] = {
	[SVC_TELNET] = { .name = "telnet", .weak_port = 2323, .run = svc_telnet_run,
	                 .what = "BusyBox-style telnet login, then a tiny root shell" },
	[SVC_HTTP] = { .name = "http", .weak_port = 8080, .run = svc_http_run,
	               .what = "cleartext web admin UI (HTTP/1.1)" },
	[SVC_MQTT] = { .name = "mqtt", .weak_port = 1883, .run = svc_mqtt_run,
	               .what = "MQTT 3.1.1/5 broker subset, cleartext" },
	[SVC_HTTPS] = { .name = "https", .weak_port = 8443, .hardened_port = 8443, .tls = true,
	                .run = svc_http_run, .what = "the web admin UI over TLS" },
	[SVC_MQTTS] = { .name = "mqtts", .hardened_port = 8883, .tls = true, .run = svc_mqtt_run,
	                .what = "the MQTT broker over TLS" },
	[SVC_DEBUG] = { .name = "debug", .weak_port = 9999, .run = svc_debug_run,
	                .what = "undocumented, unauthenticated debug shell" },
	[SVC_COAP] = { .name = "coap", .datagram = svc_coap_datagram,
	               .what = "CoAP server over UDP (e.g. --port coap=5683)" },
	[SVC_SSDP] = { .name = "ssdp", .datagram = svc_ssdp_datagram,
	               .what = "SSDP answers to unicast M-SEARCH over UDP (e.g. 1900)" },
	[SVC_UPNP] = { .name = "upnp", .run = svc_http_run,
	               .what = "HTTP server of the UPnP description SSDP points at" },
};

const svc_info_t *
svc_get(enum svc s)
{
	return &services[s];
}

int
svc_by_name(const char *name)
{
	for (int s = 0; s < SVC_COUNT; s++)
		if (strcmp(services[s].name, name) == 0)
			return s;
	return -1;
}
