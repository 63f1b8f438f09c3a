/*
 * SSDP (UPnP Device Architecture 1.1 §1.3), pure: the M-SEARCH request and
 * the parser of a search response ("HTTP/1.1 200 OK" with ST and USN).
 */
#ifndef IOTCERT_SSDP_H
#define IOTCERT_SSDP_H

#include <stddef.h>
#include <stdint.h>

/* Writes an M-SEARCH for st to host ("239.255.255.250:1900"); 0 if too long. */
size_t ssdp_msearch_build(char *out, size_t cap, const char *host, const char *st, int mx);

typedef struct ssdp_resp {
	char st[256], usn[256], location[512], server[256];
} ssdp_resp_t;

/*
 * 0 when p is an HTTP/1.x 200 response whose header block is well formed
 * (lines "Name: value", at most 64, ended by an empty line or the datagram)
 * and names both ST and USN.
 */
int ssdp_parse_response(const uint8_t *p, size_t n, ssdp_resp_t *r);
/*
 * Product and version from a SERVER header ("Linux/5.4 UPnP/1.0
 * MiniUPnPd/2.3"): the last product token that is neither the OS nor UPnP.
 */
void ssdp_server_product(const char *server, char *product, size_t plen,
    char *version, size_t vlen);

#endif
