/*
 * The device under test as the harness sees it on the network: its addresses
 * and the inventory of services that discovery found.  Built by discovery,
 * read-only afterwards (so probes on several threads can share it).
 */
#ifndef IOTCERT_TARGET_H
#define IOTCERT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "evidence.h"

typedef struct target_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64];		/* numeric, with %scope for link-local */
} target_addr_t;

typedef enum port_state { PORT_OPEN, PORT_CLOSED, PORT_FILTERED } port_state_t;

typedef struct service {
	char transport[4];	/* "tcp" / "udp" */
	int port;
	char *protocol;		/* token: telnet, http, ssh, ... or "unknown" */
	bool tls;
	char *product;		/* may be NULL */
	char *version;		/* may be NULL */
	char *how;		/* how identified: "telnet IAC negotiation", ... */
	char *banner;		/* raw first bytes (capped), may hold NULs */
	size_t banner_len;
	const target_addr_t *addr; /* borrowed from the target */
	kv_t *info;		/* what the service tells a stranger, in the order
				 * learnt: "sysDescr", "txt", "location", ... (owned;
				 * values may hold any bytes, writers escape) */
	size_t n_info;
} service_t;

typedef struct target {
	char *host;		/* as given on the command line */
	target_addr_t *addrs;
	size_t n_addrs;
	service_t *svcs;
	size_t n_svcs, cap_svcs;
	size_t ports_scanned;
	size_t ports_closed;
	size_t ports_filtered;
	size_t udp_scanned;	/* UDP ports probed */
	size_t udp_closed;	/* answered with ICMP port unreachable */
	size_t udp_silent;	/* no validated answer (open|filtered) */
} target_t;

/* Resolves host (numeric or name) into addresses; err gets a message. */
target_t *target_new(const char *host, char *err, size_t errlen);
void target_free(target_t *t);		/* NULL is fine */
service_t *target_add_service(target_t *t, const char *transport, int port,
    const target_addr_t *addr);
const service_t *target_find(const target_t *t, const char *transport, int port);
/* Appends a disclosed field (copies key and the n bytes of val). */
void service_info_add(service_t *s, const char *key, const void *val, size_t n);
/* The first value of key, or NULL. */
const char *service_info_get(const service_t *s, const char *key);
/* Frees a service's owned members (for code that builds services apart). */
void service_clear(service_t *s);

#endif
