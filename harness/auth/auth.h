/*
 * Authenticators: one per protocol, each trying ONE username/password pair
 * against one service and saying exactly what happened.  Success is only
 * ever reported on positive proof (a shell that echoes a marker, a 2xx
 * behind the challenge, CONNACK 0, "230 Login successful", an SSH session),
 * never inferred from the absence of an error.  The credential probes in
 * probes/ drive them: lists, caps, rates, timing and findings live there.
 * One table of authenticators, in auth/registry.c.
 */
#ifndef IOTCERT_AUTH_H
#define IOTCERT_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"

struct tls_ctx;

typedef enum auth_result {
	AUTH_ACCEPTED,		/* proven: the pair logs in */
	AUTH_REJECTED,		/* the service said no to this pair */
	AUTH_NOT_REQUIRED,	/* the service grants access with no credentials */
	AUTH_LOCKED,		/* the service says it is locked / rate-limited us */
	AUTH_INCONCLUSIVE,	/* the exchange did not let us decide (timeout,
				 * garbage, connection closed): see reason */
	AUTH_ERROR,		/* harness-side failure */
} auth_result_t;

const char *auth_result_str(auth_result_t r);

/* What the caller knows about where to log in. */
typedef struct auth_target {
	const service_t *svc;	/* address, port, protocol, tls */
	struct tls_ctx *tls;	/* for TLS services; may be NULL otherwise */
	const char *path;	/* HTTP/RTSP: resource behind the challenge, "/" default */
	/* HTML form logins (from the test case): all NULL for Basic/Digest. */
	const char *form_action;	/* e.g. "/login" */
	const char *form_user_field;	/* e.g. "username" */
	const char *form_pass_field;	/* e.g. "password" */
	const char *form_success;	/* text or header proving success, e.g. "Set-Cookie: session" */
	const char *form_failure;	/* text proving failure, e.g. "Invalid" */
	const volatile int *cancel;
	evidence_t *ev;		/* flows and transcript; may be NULL */
} auth_target_t;

typedef struct auth_outcome {
	auth_result_t result;
	char reason[256];	/* why, for INCONCLUSIVE/ERROR/LOCKED; what proved
				 * it for ACCEPTED ("shell echoed marker") */
	char method[32];	/* "telnet-login", "http-basic", "http-digest",
				 * "http-form", "ftp", "mqtt-3.1.1", "ssh-password" ... */
	unsigned delay_ms;	/* how long the service took to answer the attempt */
} auth_outcome_t;

/*
 * Tries user/pass (pass may be "" ; user NULL = anonymous where the protocol
 * has it: MQTT without username, FTP "anonymous") by `deadline` (mono_ms).
 * Never blocks past the deadline; opens and closes its own connection(s).
 */
typedef void (*auth_fn)(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out);

typedef struct authenticator {
	const char *protocol;	/* the service token it handles: "telnet", "http", ... */
	const char *summary;
	auth_fn try_login;
} authenticator_t;

/* The authenticator for a service's protocol (https→http, mqtts→mqtt, ...), or NULL. */
const authenticator_t *auth_find(const char *protocol);
const authenticator_t *auth_all(size_t *n);

#endif
