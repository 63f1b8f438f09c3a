/*
 * The refdev's UPnP device description (the XML its SSDP LOCATION points
 * at), free of I/O so the unit tests can check it: the normal document, the
 * hostile variants behind the upnp-* switches (a billion-laughs DTD,
 * external entities aimed at a local file and back at the device) and the
 * 100 MiB one, produced piece by piece at any offset.
 */
#ifndef IOTCERT_REFDEV_UPNP_DESC_H
#define IOTCERT_REFDEV_UPNP_DESC_H

#include <stddef.h>
#include <stdint.h>

#define UPNP_DESC_PATH "/description.xml"
/* Nothing links here but the external entities: a request means one was fetched. */
#define UPNP_XXE_PATH "/xxe"
#define UPNP_UDN "uuid:52443130-3000-4000-8000-524431303031"
#define UPNP_DEVICE_TYPE "urn:schemas-upnp-org:device:Basic:1"
#define UPNP_SERVER "Linux/5.10 UPnP/1.1 RefDev/1.0.3"
#define UPNP_HUGE_LEN (100ull * 1024 * 1024)

enum {
	UPNP_ENTITY_EXPANSION = 1u << 0,
	UPNP_EXTERNAL_ENTITY = 1u << 1,
};

/*
 * The description, with a DOCTYPE holding the declarations hostile asks
 * for (0: the plain document).  base is "http://ADDR:PORT" of the server
 * the external entities point back at.  Caller frees.
 */
char *upnp_desc_doc(unsigned hostile, const char *base);

/* stream_t fill for the UPNP_HUGE_LEN-byte well-formed description (arg unused). */
size_t upnp_huge_fill(const void *arg, uint64_t off, unsigned char *buf, size_t cap);

/* What /xxe answers, should anything ever fetch it. */
#define UPNP_XXE_BODY "<!-- refdev xxe canary -->\n"

#endif
