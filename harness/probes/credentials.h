/*
 * Shared state of one default-credential probe run on one service, between
 * credentials.c (the driver) and credentials_http.c (finding the protected
 * HTTP realms to try).  Internal to probes/.
 */
#ifndef IOTCERT_PROBES_CREDENTIALS_H
#define IOTCERT_PROBES_CREDENTIALS_H

#include "core/probe.h"
#include "core/util.h"

/*
 * HTTP(S): the paths answering 401 with a challenge, tried in this order.
 * Returns how many of the *tried paths could not be read at all (err gets
 * the first reason): with no realm found, those leave the question open.
 */
size_t cred_http_realms(probe_ctx_t *ctx, strlist_t *paths, size_t *tried, char *err,
    size_t errlen);

#endif
