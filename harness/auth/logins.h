/*
 * The login functions the registry lists, one per protocol file.  Each is an
 * auth_fn (see auth.h): one user/password pair, one verdict with its reason.
 */
#ifndef IOTCERT_AUTH_LOGINS_H
#define IOTCERT_AUTH_LOGINS_H

#include "auth/auth.h"

void auth_telnet_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);
void auth_http_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);
void auth_rtsp_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);
void auth_ftp_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);
void auth_mqtt_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);

#endif
