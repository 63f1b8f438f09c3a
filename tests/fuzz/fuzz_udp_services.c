/*
 * Feeds the replies of the small UDP services discovery asks, the first
 * input byte choosing the parser and the rest being the datagram:
 * 0 SNMP (snmp_parse, snmp_find), 1 SSDP search response
 * (ssdp_parse_response, ssdp_server_product on its SERVER), 2 NTP
 * (ntp_parse), 3 TFTP (tftp_parse).
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/ntp.h"
#include "proto/snmp.h"
#include "proto/ssdp.h"
#include "proto/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] & 3) {
	case 0: {
		static snmp_msg_t m;
		if (snmp_parse(p, n, &m) == 0)
			(void)snmp_find(&m, "1.3.6.1.2.1.1.1.0");
		break;
	}
	case 1: {
		static ssdp_resp_t r;
		if (ssdp_parse_response(p, n, &r) == 0) {
			char prod[64], ver[32];
			ssdp_server_product(r.server, prod, sizeof(prod), ver, sizeof(ver));
		}
		break;
	}
	case 2: {
		ntp_reply_t r;
		(void)ntp_parse(p, n, &r);
		break;
	}
	default: {
		tftp_reply_t r;
		(void)tftp_parse(p, n, &r);
		break;
	}
	}
	return 0;
}
