/*
 * Personal-data patterns in cleartext bytes, for the passive analyzer
 * "personal-data" (EN 303 645 5.8): e-mail addresses, geographic
 * coordinates and international phone numbers.  The patterns are narrow on
 * purpose (a false positive in a certification report costs more than a
 * miss); each is documented in pd_scan.c.  Pure: the caller owns the
 * buffering across deliveries, and this scanner only needs to know what
 * came before the buffer (one byte) and whether more may follow.
 */
#ifndef IOTCERT_PD_SCAN_H
#define IOTCERT_PD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pd_pattern { PD_EMAIL, PD_COORDS, PD_PHONE, PD_NPATTERNS } pd_pattern_t;

/* The longest match, in bytes, any pattern can make: a caller keeping a
 * tail of at least this many bytes between scans misses nothing. */
#define PD_MATCH_MAX	320
#define PD_VALUE_MAX	(PD_MATCH_MAX + 1)

typedef struct pd_match {
	pd_pattern_t pattern;
	size_t start, end;		/* in the scanned buffer */
	char value[PD_VALUE_MAX];	/* normalised: a@b.c, "52.520008,13.404954", "+4930123456" */
	char masked[PD_VALUE_MAX];	/* j***@example.com, "52.5,13.4", "+49******56" */
} pd_match_t;

typedef void (*pd_match_fn)(void *ctx, const pd_match_t *m);

/*
 * Scans p[from..n) and calls fn for every match that starts in [from,
 * limit).  `prev` is the byte before p[0] (0 or -1 when none: a NUL
 * bounds every pattern as the start of the stream does).  Unless `final`,
 * a match touching the end of the buffer is not reported (it may go on).
 * Returns the number of matches reported.  A caller scanning a stream in
 * overlapping windows passes as `from` the end of the last match it was
 * given, so no byte is part of two matches.
 */
size_t pd_scan(const uint8_t *p, size_t n, size_t from, size_t limit, int prev, bool final,
    pd_match_fn fn, void *ctx);

/* "email", "coordinates", "phone". */
const char *pd_pattern_name(pd_pattern_t p);

#endif
