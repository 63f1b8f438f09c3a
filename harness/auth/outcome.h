/*
 * What every authenticator shares besides the socket: filling the outcome
 * (result, reason, method) in one call, and the random tokens (shell echo
 * markers, Digest cnonces, MQTT client ids) that must not be guessable or
 * repeat between attempts.
 */
#ifndef IOTCERT_AUTH_OUTCOME_H
#define IOTCERT_AUTH_OUTCOME_H

#include <stddef.h>

#include "auth/auth.h"
#include "net/sock.h"

/* Zeroes the outcome, sets the method, and a harness ERROR until decided. */
void auth_outcome_init(auth_outcome_t *o, const char *method);
void auth_decide(auth_outcome_t *o, auth_result_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A network failure mid-exchange, before a decision: INCONCLUSIVE.  `when`
 * says what we were doing. */
void auth_net_failure(auth_outcome_t *o, net_status_t st, const char *when);

/* `n` random bytes as 2n lowercase hex digits into out (cap >= 2n+1); -1
 * when the random generator fails. */
int auth_random_hex(char *out, size_t cap, size_t n);

/* True when s holds a byte that would end or split a protocol line (CR, LF,
 * NUL cannot be in a C string): such credentials cannot be sent as typed. */
int auth_has_line_break(const char *s);

/* Writes up to cap-1 bytes of p[0..n) as printable text (others as '.')
 * for a reason string. */
void auth_printable(const void *p, size_t n, char *out, size_t cap);

#endif
