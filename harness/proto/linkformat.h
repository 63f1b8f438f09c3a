/*
 * CoRE Link Format (RFC 6690), as a CoAP device's /.well-known/core payload
 * lists its resources: the target of each link, pure and bounded.  Link
 * parameters are skipped, quoted strings included (a title may hold ',' ';'
 * or '>'), so a comma inside a title never starts a new link.
 */
#ifndef IOTCERT_LINKFORMAT_H
#define IOTCERT_LINKFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKFMT_TARGET_MAX 256	/* bytes of one target kept, NUL included */

/* Called with each link's target ("/sensors/temp") in the order listed. */
typedef void (*linkfmt_fn)(void *arg, const char *target);

/*
 * Walks p[0..n) and calls fn for each link whose target fits
 * LINKFMT_TARGET_MAX-1 bytes and holds no control byte (longer or binary
 * ones are counted, not passed).  Returns the number of links, or -1 when
 * the text is not link-format (a link not opening with '<', an unclosed
 * '<' or quote); the links before the fault have been passed.
 */
int linkfmt_walk(const uint8_t *p, size_t n, linkfmt_fn fn, void *arg);

/*
 * Whether a target names a resource of this server that a probe may GET by
 * path: an absolute path ("/x"), not under /.well-known/, without a query,
 * fragment or percent-escape (which a Uri-Path option would send wrongly).
 * Relative ("x") and absolute ("coap://host/x") references are not.
 */
bool linkfmt_local_path(const char *target);

#endif
