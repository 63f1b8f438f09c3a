/*
 * UPnP device descriptions (the XML an SSDP LOCATION points at), parsed with
 * libxml2 in its safe configuration: no network, no DTD loading, no entity
 * substitution, and any document with a DOCTYPE refused outright (billion
 * laughs, XXE).  Input over UPNP_DESC_CAP is refused unread.  Element names
 * are matched by local name, so default, prefixed or missing namespaces all
 * work.  libxml2 errors go to a per-context handler, never to stderr.
 */
#ifndef IOTCERT_UPNP_H
#define IOTCERT_UPNP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

#define UPNP_DESC_CAP (256u * 1024)
#define UPNP_FIELD_MAX 256	/* bytes kept of each text field */
#define UPNP_MAX_SERVICES 64	/* service types kept */
#define UPNP_MAX_DEPTH 8	/* nested deviceList levels walked */

/*
 * What a description says.  Strings are owned, NULL when absent, trimmed,
 * with control bytes dropped and capped at UPNP_FIELD_MAX-1 bytes.  Identity
 * fields come from the root device; service and device types from it and
 * every embedded device.
 */
typedef struct upnp_desc {
	char *device_type;
	char *friendly_name;
	char *manufacturer;
	char *model_name;
	char *model_number;
	char *model_description;
	char *serial;
	char *udn;
	char *firmware;		/* softwareVersion, firmwareVersion, ... */
	char *hardware;		/* hardwareVersion, ... */
	char *presentation_url;
	strlist_t device_types;	/* embedded devices' deviceType (root's is above) */
	strlist_t service_types; /* every serviceType, de-duplicated */
	bool igd;		/* an InternetGatewayDevice (root or embedded) */
	bool port_mapping;	/* a WANIPConnection / WANPPPConnection service */
	size_t n_devices;	/* root plus embedded devices walked */
} upnp_desc_t;

typedef enum upnp_rc {
	UPNP_OK = 0,
	UPNP_TOO_BIG,		/* more than UPNP_DESC_CAP bytes */
	UPNP_DOCTYPE,		/* a DOCTYPE or ENTITY declaration: refused */
	UPNP_MALFORMED,		/* not well-formed XML */
	UPNP_NOT_UPNP,		/* XML, but no root/device */
} upnp_rc_t;

/* Parses xml[0..len) into *d (zeroed first); err gets a reason when not OK. */
upnp_rc_t upnp_parse(const void *xml, size_t len, upnp_desc_t *d, char *err, size_t errlen);
void upnp_desc_clear(upnp_desc_t *d);	/* frees contents; NULL is fine */
const char *upnp_rc_str(upnp_rc_t rc);

#endif
