/*
 * The table of services the device can run: names used on the command line
 * and in the ready line, default ports per mode, and which handler serves a
 * connection.  Ports are all above 1024 so no privileges are needed.
 */
#include "refdev.h"

#include <string.h>

static const svc_info_t services[SVC_COUNT] = {
	[SVC_TELNET] = { "telnet", 2323, 0, false,
	                 "BusyBox-style telnet login, then a tiny root shell", svc_telnet_run },
	[SVC_HTTP] = { "http", 8080, 0, false,
	               "cleartext web admin UI (HTTP/1.1)", svc_http_run },
	[SVC_MQTT] = { "mqtt", 1883, 0, false,
	               "MQTT 3.1.1/5 broker subset, cleartext", svc_mqtt_run },
	[SVC_HTTPS] = { "https", 8443, 8443, true,
	                "the web admin UI over TLS", svc_http_run },
	[SVC_MQTTS] = { "mqtts", 0, 8883, true,
	                "the MQTT broker over TLS", svc_mqtt_run },
	[SVC_DEBUG] = { "debug", 9999, 0, false,
	                "undocumented, unauthenticated debug shell", svc_debug_run },
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
