/*
 * UDP service discovery.  UDP has no handshake, so a port is only reported
 * open when it answers one of our protocol-correct probes with a datagram that
 * validates as the answer to it; an ICMP port unreachable makes it closed and
 * anything else (silence, noise) leaves it silent, never open.  Probes run
 * concurrently from one thread: one socket per probe, polled together.
 */
#ifndef IOTCERT_UDP_H
#define IOTCERT_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"

/* Start from udp_opts_init(): a 0 in retries or listen_ms means none. */
typedef struct udp_opts {
	const int *ports;	/* borrowed; NULL: udp_default_ports() */
	size_t n_ports;
	unsigned wait_ms;	/* per probe answer wait, default 1500 (0 too) */
	unsigned retries;	/* re-sends for silent ports, default 1 */
	unsigned listen_ms;	/* multicast mDNS/SSDP listening window, default 2000; 0 = off */
	const volatile int *cancel;
} udp_opts_t;

/* Fills o with the defaults (what a NULL o to discover_udp means). */
void udp_opts_init(udp_opts_t *o);

/* 53, 69, 123, 161, 1900, 5353, 5683, 5684 (static storage). */
const int *udp_default_ports(size_t *n);

/*
 * Probes every port of o on the target address a.  Adds a service (transport
 * "udp") to t for each validated answer, with protocol, how, product and
 * version when stated, and disclosed fields in svc->info; counts
 * t->udp_scanned, udp_closed (ICMP port unreachable) and udp_silent.  With
 * listen_ms > 0 it also asks the SSDP and mDNS multicast groups on the
 * interface that routes to a, keeping only answers from a.  Every socket's
 * flow goes to ev (may be NULL).  Returns 0, or -1 with err (interrupted:
 * what validated before is still added; or no socket could be opened).  Touches nothing shared but t and ev, so targets can run in
 * parallel.
 */
int discover_udp(target_t *t, const target_addr_t *a, const udp_opts_t *o,
    evidence_t *ev, char *err, size_t errlen);

/* ---- The probe registry (used by harness/discover/udp*.c and tests) ---- */

typedef enum udp_verdict {
	UDP_REJECT = 0,	/* not an answer to this probe: keep waiting */
	UDP_MORE,	/* validated; more may come, and build() may have follow-ups */
	UDP_DONE,	/* validated; complete once build() has sent what it still has (an ACK) */
} udp_verdict_t;

#define UDP_RND_LEN 16

/* One probe's exchange with one port: its ids, what it learnt, its state. */
typedef struct udp_exch {
	const struct udp_probe *probe;
	int port;
	bool default_port;	/* port is the probe's own (weaker checks are safe) */
	bool mcast;		/* sent to the multicast group, answers from any port */
	uint8_t rnd[UDP_RND_LEN];	/* ids, tokens and nonces of this exchange */
	unsigned built;		/* datagrams built so far */
	bool valid;		/* an answer validated */
	uint32_t state;		/* small probe state (answered ids, ...) */
	service_t svc;		/* protocol, how, product, version and info learnt
				 * (owned; udp_exch_clear frees) */
	void *priv;		/* probe state; freed with free() */
} udp_exch_t;

typedef struct udp_probe {
	const char *name;	/* "snmp-v2c" */
	int port;		/* its default port */
	const char *protocol;	/* token it identifies (see core/protocols.c) */
	bool any_source_port;	/* answers come from another port (TFTP) */
	/* Writes the next datagram to send; 0 when there is nothing (more). */
	size_t (*build)(udp_exch_t *x, uint8_t *out, size_t cap);
	/* Judges one datagram from the target; fills x->svc when it validates. */
	udp_verdict_t (*parse)(udp_exch_t *x, const uint8_t *p, size_t n);
} udp_probe_t;

/* The table, in order of preference when several probes answer on a port. */
const udp_probe_t *udp_probes(size_t *n);
const udp_probe_t *udp_probe_find(const char *name);

void udp_exch_init(udp_exch_t *x, const udp_probe_t *p, int port, bool mcast,
    const uint8_t rnd[UDP_RND_LEN]);
void udp_exch_clear(udp_exch_t *x);	/* NULL is fine */

/* For probes: identify (first call wins), add a field once per distinct
 * value (at most UDP_INFO_MAX fields), or set a field's only value. */
#define UDP_INFO_MAX 128
void udp_identify(udp_exch_t *x, const char *how);
void udp_info(udp_exch_t *x, const char *key, const char *val);
void udp_info_set(udp_exch_t *x, const char *key, const char *val);

/* The mDNS probe, in udp_mdns.c. */
size_t udp_mdns_build(udp_exch_t *x, uint8_t *out, size_t cap);
udp_verdict_t udp_mdns_parse(udp_exch_t *x, const uint8_t *p, size_t n);

/* ---- Sockets (udp_net.c, for udp.c) ---- */

/* The local side of the route to a target: the address the kernel picks
 * (learnt by connecting a UDP socket, which sends nothing) and its interface. */
typedef struct udp_route {
	struct sockaddr_storage local;	/* port 0 */
	socklen_t local_len;
	unsigned ifindex;
} udp_route_t;

int udp_route_to(const target_addr_t *a, udp_route_t *r);
/* A non-blocking socket connected to a:port; its flow goes to ev.  -1, errno. */
int udp_sock_connected(const target_addr_t *a, int port, evidence_t *ev);
/* Unconnected, bound to the route's address, reporting ICMP errors: for
 * servers that answer from another port.  The flow (any target port) to ev. */
int udp_sock_any_port(const udp_route_t *r, const target_addr_t *a, evidence_t *ev);
/* Sockets for the SSDP and mDNS groups on the route's interface; *group gets
 * where to send.  -1 when the interface cannot do multicast. */
int udp_sock_ssdp_group(const udp_route_t *r, const target_addr_t *a,
    struct sockaddr_storage *group, socklen_t *glen, evidence_t *ev);
int udp_sock_mdns_group(const udp_route_t *r, const target_addr_t *a,
    struct sockaddr_storage *group, socklen_t *glen, evidence_t *ev);
/* Whether src is the target's address (any port). */
bool udp_from_target(const struct sockaddr_storage *src, const target_addr_t *a);
/* Drains the ICMP error queue; true if it held a port unreachable. */
bool udp_errqueue_refused(int fd);

#endif
