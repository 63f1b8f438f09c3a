/*
 * Protocol token table.  Adding a protocol is one line here.
 */
#include "protocols.h"

#include <string.h>

static const protocol_info_t protocols[] = {
	{ "telnet", "Telnet", true, false, "a remote shell whose logins travel in cleartext", "tcp" },
	{ "ssh", "SSH", false, false, NULL, "tcp" },
	{ "http", "HTTP", true, false, NULL, "tcp" },
	{ "https", "HTTP over TLS", false, true, NULL, "tcp" },
	{ "mqtt", "MQTT", true, false, NULL, "tcp" },
	{ "mqtts", "MQTT over TLS", false, true, NULL, "tcp" },
	{ "coap", "CoAP", false, false, NULL, "udp tcp" },
	{ "coaps", "CoAP over DTLS", false, true, NULL, "udp tcp" },
	{ "rtsp", "RTSP", true, false, NULL, "tcp" },
	{ "rtsps", "RTSP over TLS", false, true, NULL, "tcp" },
	{ "ftp", "FTP", true, false, "file transfer with cleartext logins", "tcp" },
	{ "ftps", "FTP over TLS", false, true, NULL, "tcp" },
	{ "tftp", "TFTP", true, false, "file transfer without any authentication", "udp" },
	{ "snmp", "SNMP", true, false, "SNMP v1/v2c: the community string is a cleartext password", "udp" },
	{ "upnp", "UPnP/SSDP", false, false, NULL, "udp tcp" },
	{ "mdns", "mDNS", false, false, NULL, "udp" },
	{ "dns", "DNS", false, false, NULL, "udp tcp" },
	{ "ntp", "NTP", false, false, NULL, "udp" },
	{ "adb", "Android Debug Bridge", true, false, "a debug service giving full control of the device", "tcp" },
	{ "debug-shell", "Unauthenticated shell", true, false, "a debug console", "tcp" },
	{ "tls", "TLS (unknown application)", false, true, NULL, "tcp udp" },
	{ "unknown", "Unidentified", false, false, NULL, "tcp udp" },
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

bool
protocol_on_transport(const char *token, const char *transport)
{
	const protocol_info_t *p = protocol_find(token);
	if (p == NULL || p->transports == NULL)
		return true;
	size_t n = strlen(transport);
	for (const char *t = p->transports; (t = strstr(t, transport)) != NULL; t += n)
		if ((t == p->transports || t[-1] == ' ') && (t[n] == '\0' || t[n] == ' '))
			return true;
	return false;
}
