/*
 * Protocol token table.  Adding a protocol is one line here.
 */
#include "protocols.h"

#include <string.h>

static const protocol_info_t protocols[] = {
	{ "telnet", "Telnet", true, false },
	{ "ssh", "SSH", false, false },
	{ "http", "HTTP", true, false },
	{ "https", "HTTP over TLS", false, true },
	{ "mqtt", "MQTT", true, false },
	{ "mqtts", "MQTT over TLS", false, true },
	{ "coap", "CoAP", false, false },
	{ "coaps", "CoAP over DTLS", false, true },
	{ "rtsp", "RTSP", true, false },
	{ "rtsps", "RTSP over TLS", false, true },
	{ "ftp", "FTP", true, false },
	{ "ftps", "FTP over TLS", false, true },
	{ "tftp", "TFTP", true, false },
	{ "snmp", "SNMP", true, false },
	{ "upnp", "UPnP/SSDP", false, false },
	{ "mdns", "mDNS", false, false },
	{ "dns", "DNS", false, false },
	{ "ntp", "NTP", false, false },
	{ "adb", "Android Debug Bridge", true, false },
	{ "debug-shell", "Unauthenticated shell", true, false },
	{ "tls", "TLS (unknown application)", false, true },
	{ "unknown", "Unidentified", false, false },
};

const protocol_info_t *
protocol_find(const char *token)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcmp(protocols[i].token, token) == 0)
			return &protocols[i];
	return NULL;
}

const protocol_info_t *
protocol_all(size_t *n)
{
	*n = sizeof(protocols) / sizeof(protocols[0]);
	return protocols;
}
