/*
 * Protocol token table.  Adding a protocol is one line here.
 */
#include "protocols.h"

#include <string.h>

static const protocol_info_t protocols[] = {
	{ "telnet", "Telnet", true, false, "a remote shell whose logins travel in cleartext" },
	{ "ssh", "SSH", false, false, NULL },
	{ "http", "HTTP", true, false, NULL },
	{ "https", "HTTP over TLS", false, true, NULL },
	{ "mqtt", "MQTT", true, false, NULL },
	{ "mqtts", "MQTT over TLS", false, true, NULL },
	{ "coap", "CoAP", false, false, NULL },
	{ "coaps", "CoAP over DTLS", false, true, NULL },
	{ "rtsp", "RTSP", true, false, NULL },
	{ "rtsps", "RTSP over TLS", false, true, NULL },
	{ "ftp", "FTP", true, false, "file transfer with cleartext logins" },
	{ "ftps", "FTP over TLS", false, true, NULL },
	{ "tftp", "TFTP", true, false, "file transfer without any authentication" },
	{ "snmp", "SNMP", true, false, "SNMP v1/v2c: the community string is a cleartext password" },
	{ "upnp", "UPnP/SSDP", false, false, NULL },
	{ "mdns", "mDNS", false, false, NULL },
	{ "dns", "DNS", false, false, NULL },
	{ "ntp", "NTP", false, false, NULL },
	{ "adb", "Android Debug Bridge", true, false, "a debug service giving full control of the device" },
	{ "debug-shell", "Unauthenticated shell", true, false, "a debug console" },
	{ "tls", "TLS (unknown application)", false, true, NULL },
	{ "unknown", "Unidentified", false, false, NULL },
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
