/*
 * Traffic capture as test evidence: find the interface that reaches a device,
 * record everything to and from it during a run with libpcap, cut the run's
 * pcap into one file per test case (by the flows each probe recorded), and
 * drop root once the capture handle is open.
 *
 * Only capture_open() needs privilege (root or CAP_NET_RAW).  The intended
 * order in the harness is:
 *
 *	capture_route_iface(target)      -> ifname
 *	capture_filter_for(targets)      -> "host A or host B"
 *	capture_open(ifname, filter)     -> handle, or NULL + err: warn once, go on
 *	privdrop_to_invoker(user)        -> from here on, no root
 *	capture_start(handle, run.pcap)
 *	... run the cases, collecting flow_t records ...
 *	capture_stop(handle, &stats); capture_free(handle)
 *	capture_split(run.pcap, case flows, case.pcap) for every case
 *
 * Every function that can fail returns 0 / a pointer on success and -1 / NULL
 * on failure with a one-line message in err (err may be NULL, errlen 0).
 */
#ifndef IOTCERT_CAPTURE_H
#define IOTCERT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/evidence.h"

/*
 * The name of the interface whose route reaches `target` (an AF_INET or
 * AF_INET6 sockaddr of `len` bytes; the port is ignored).  An IPv6 address with
 * a scope id names its interface directly; a link-local address without one is
 * an error.  Loopback targets, and targets at one of this host's own
 * addresses, give the loopback interface ("lo" on Linux).  Sends no packets.
 */
int capture_route_iface(const struct sockaddr *target, socklen_t len,
    char *ifname, size_t ifnamelen, char *err, size_t errlen);

/*
 * A BPF filter matching any of `n` addresses: "host A or host B" (duplicates
 * dropped, IPv4-mapped IPv6 written as IPv4, the form seen on the wire).
 * Caller frees.  NULL when no address has family AF_INET or AF_INET6.  To
 * narrow it further, wrap it: "(host A or host B) and tcp port 80".
 */
char *capture_filter_for(const struct sockaddr_storage *addrs, size_t n);

/*
 * A live capture.  capture_start() and capture_stop() may be called from
 * different threads (they serialise on the handle); capture_free() only once
 * no other thread uses the handle.
 */
typedef struct capture capture_t;

typedef struct capture_stats {
	uint64_t packets;	/* packets written to the pcap file */
	uint64_t ps_recv;	/* pcap_stats(); meaning varies by platform */
	uint64_t ps_drop;	/* dropped by the kernel: buffer full */
	uint64_t ps_ifdrop;	/* dropped by the interface or driver */
	int have_pcap_stats;	/* 0 when pcap_stats() failed */
	char error[256];	/* "" unless the capture stopped on an error */
} capture_stats_t;

/*
 * Opens and activates a live capture on `ifname` (snaplen 65535, immediate
 * mode, 8 MiB buffer, not promiscuous, 100 ms timeout) with BPF `filter`
 * (NULL or "" captures everything).  Needs root or CAP_NET_RAW; without it the
 * message reads "no capture privilege on IF: ... (run as root or grant
 * CAP_NET_RAW)".  Caller frees with capture_free().
 */
capture_t *capture_open(const char *ifname, const char *filter, char *err,
    size_t errlen);

/*
 * Creates `pcap_path` (with the current credentials, so after a privilege
 * drop it belongs to the invoker) and starts a thread writing every captured
 * packet to it.  Once per handle.
 */
int capture_start(capture_t *c, const char *pcap_path, char *err, size_t errlen);

/*
 * Stops the thread (within about 100 ms), writes the packets still queued in
 * the kernel so the run's last exchange is in the file, closes the file and
 * fills `st` (may be NULL).  Returns -1 when the capture hit an error while
 * running or writing (st->error says which; the file holds what was captured
 * until then) or was never started.  Further calls return -1.
 */
int capture_stop(capture_t *c, capture_stats_t *st);

/* Stops a running capture first.  NULL is a no-op. */
void capture_free(capture_t *c);

/* libpcap's version string, for the report's tool section.  Static. */
const char *capture_lib_version(void);

/*
 * Writes to `out_pcap` the packets of `run_pcap` that belong to any of the
 * flows: same protocol and addresses/ports in either direction.  TCP and UDP
 * over IPv4 and IPv6 (extension headers walked), ICMP/ICMPv6 errors quoting a
 * flow's packet (a UDP probe's "port unreachable" is its answer), and IPv4 /
 * IPv6 fragments of a kept datagram (see split.c).  A flow port of 0 matches
 * any port, for a probe that could not learn its local port; an AF_INET6 flow
 * with IPv4-mapped addresses matches the IPv4 packets it produced; a flow
 * that is not TCP or UDP matches nothing.
 *
 * Link types: Ethernet (with VLAN tags), Linux cooked v1/v2, BSD NULL/LOOP
 * and raw IP.  Truncated or malformed packets are skipped.  The output keeps
 * the input's link type, snaplen and timestamp precision; it is a valid,
 * empty pcap when nothing matches.  *packets (may be NULL) gets the count
 * written.  After a failure `out_pcap` does not exist (unless it named the
 * input, which is refused), so no stale file passes for the case's evidence.
 */
int capture_split(const char *run_pcap, const flow_t *flows, size_t nflows,
    const char *out_pcap, size_t *packets, char *err, size_t errlen);

/*
 * When running as root, permanently become `user` (a name or numeric uid) or,
 * if user is NULL or "", the sudo invoker (SUDO_UID, SUDO_GID): supplementary
 * groups, gid, then uid, and verify root cannot be regained.  Returns 0 doing
 * nothing when not root or there is no target user (or the target is root).
 * Call it after capture_open() and before reading anything from the device:
 * the open capture keeps working, and a parser bug can no longer act as root.
 * Affects every thread of the process.  On -1 the caller must not go on.
 */
int privdrop_to_invoker(const char *user, char *err, size_t errlen);

#endif
