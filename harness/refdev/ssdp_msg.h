/*
 * SSDP (UPnP Device Architecture 1.1, 1.3) as the refdev's responder needs
 * it, free of I/O so the unit tests can feed it hostile datagrams: the
 * parser of an M-SEARCH request, the search targets this device answers,
 * and the text of one search response.
 */
#ifndef IOTCERT_REFDEV_SSDP_MSG_H
#define IOTCERT_REFDEV_SSDP_MSG_H

#include <stdbool.h>
#include <stddef.h>

#define SSDP_HEADERS_MAX 32
#define SSDP_ST_MAX 256

typedef struct ssdp_search {
	char st[SSDP_ST_MAX];   /* the search target, trimmed */
	int mx;                 /* -1 when absent (allowed for unicast) */
} ssdp_search_t;

/*
 * 0 when p[0..n) is "M-SEARCH * HTTP/1.1" with MAN: "ssdp:discover" and an
 * ST, in well-formed header lines (at most SSDP_HEADERS_MAX, no NUL);
 * -1 for anything else, which gets no answer.
 */
int ssdp_parse_msearch(const unsigned char *p, size_t n, ssdp_search_t *s);

/*
 * The targets answered for st, one response each: ssdp:all gets the root
 * device, the UUID and the device type; those three on their own get one.
 * Writes the ST and USN of each into st_out/usn_out; returns how many (0..3).
 */
#define SSDP_TARGETS_MAX 3
size_t ssdp_targets(const char *st, const char *udn, const char *device_type,
    char st_out[][SSDP_ST_MAX], char usn_out[][SSDP_ST_MAX]);

/* The response text; 0 when it does not fit cap. */
size_t ssdp_response(char *out, size_t cap, const char *location, const char *server,
    const char *st, const char *usn, const char *date);

#endif
