/*
 * The manufacturer's published pages the reference device serves on its
 * web UI (EN 303 645 5.2-1 and 5.3-13, UK PSTI Sch.1 paras 2 and 3):
 * /security-policy, /support and /.well-known/security.txt (RFC 9116), and
 * the broken variants the misbehave switches ask for.  Pure: no I/O, so the
 * unit tests can compile this file in and read the pages directly.
 */
#ifndef IOTCERT_REFDEV_PUBLISHED_H
#define IOTCERT_REFDEV_PUBLISHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PUB_POLICY_PATH "/security-policy"
#define PUB_SUPPORT_PATH "/support"
#define PUB_SECTXT_PATH "/.well-known/security.txt"
/* A short link answering 302 to PUB_POLICY_PATH. */
#define PUB_REDIRECT_PATH "/security"
/* Years past the current one that the behaving device is supported until. */
#define PUB_SUPPORT_YEARS 5
/* securitytxt-garbage: its size, with one line far over any sane line cap. */
#define PUB_GARBAGE_LEN 12288
#define PUB_GARBAGE_LINE 6000

/* Variants, set from the CF_* misbehave flags by the caller. */
enum {
	PUB_POLICY_INCOMPLETE = 1u << 0,	/* the policy has no timescales */
	PUB_SUPPORT_EXPIRED = 1u << 1,		/* the support period ended in 2020 */
	PUB_SECTXT_EXPIRED = 1u << 2,		/* Expires in the past */
};

/*
 * The page at `path`, or NULL when it is not one of them.  `base` is
 * "http(s)://ADDR:PORT" of the service answering (security.txt's Policy
 * points there), `now` the time of the request.  *ctype gets the content
 * type.  Caller frees.
 */
char *pub_page(const char *path, unsigned variants, const char *base, time_t now,
    const char **ctype);
/* Is path one of the pages? */
bool pub_is_page(const char *path);
/* securitytxt-garbage: bytes [off, off+cap) of the junk body (NULs, 0xFF,
 * no Contact or Expires, one line of PUB_GARBAGE_LINE bytes, no final
 * newline); a stream_t fill function. */
size_t pub_garbage_fill(const void *arg, uint64_t off, unsigned char *buf, size_t cap);

#endif
