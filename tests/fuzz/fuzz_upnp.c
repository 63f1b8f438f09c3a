/*
 * Feeds a UPnP device description (the XML behind an SSDP LOCATION) to
 * upnp_parse, libxml2 in its safe configuration, and clears the result.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "proto/upnp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	upnp_desc_t d;
	memset(&d, 0, sizeof(d));
	char err[256];
	upnp_rc_t rc = upnp_parse(data, size, &d, err, sizeof(err));
	(void)upnp_rc_str(rc);
	upnp_desc_clear(&d);
	return 0;
}
