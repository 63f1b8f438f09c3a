/*
 * Feeds a DNS / mDNS message to dns_parse and, when it parses, decodes every
 * kept record the way discovery does: owner name, then the data as a name,
 * SRV, TXT and address (each helper must reject what is not its type).
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dns_msg_t m;
	if (dns_parse(data, size, &m) != 0)
		return 0;
	char name[DNS_NAME_MAX], out[DNS_NAME_MAX];
	for (size_t i = 0; i < m.n_rr && i < DNS_MAX_RR; i++) {
		const dns_rr_t *rr = &m.rr[i];
		if (dns_rr_name(&m, rr, name, sizeof(name)) == 0)
			(void)dns_name_eq(name, m.qname);
		(void)dns_rdata_name(&m, rr, out, sizeof(out));
		uint16_t prio, weight, port;
		(void)dns_rdata_srv(&m, rr, &prio, &weight, &port, out, sizeof(out));
		(void)dns_rdata_txt(&m, rr, out, sizeof(out));
		(void)dns_rdata_addr(&m, rr, out, sizeof(out));
		(void)dns_rr_name(&m, rr, name, 8);	/* too small a buffer */
	}
	return 0;
}
