/*
 * The sockets of UDP discovery.  Most probes use a connected socket: the
 * kernel then drops datagrams from anyone but the target port and turns an
 * ICMP port unreachable into ECONNREFUSED.  TFTP servers answer from a fresh
 * port, so their probe uses an unconnected socket with IP_RECVERR to still see
 * the ICMP.  The multicast sockets are tied to the interface that routes to
 * the target, so a lab machine with several networks asks only the DUT's.
 * Every socket's flow is recorded (port 0 = any), so the capture can be split.
 */
#include "discover/udp.h"
#include "net/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
addr_bytes(const struct sockaddr_storage *ss, uint8_t out[16], uint16_t *port)
{
	memset(out, 0, 16);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;
		memcpy(out, &s->sin_addr, 4);
		*port = ntohs(s->sin_port);
	} else {
		const struct sockaddr_in6 *s = (const void *)ss;
		memcpy(out, &s->sin6_addr, 16);
		*port = ntohs(s->sin6_port);
	}
}

/* Records a flow between local and remote; rport_any makes it any port. */
static void
add_flow(evidence_t *ev, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, bool rport_any)
{
	if (ev == NULL)
		return;
	flow_t f;
	memset(&f, 0, sizeof(f));
	f.ipproto = IPPROTO_UDP;
	f.family = local->ss_family;
	addr_bytes(local, f.local, &f.lport);
	addr_bytes(remote, f.remote, &f.rport);
	if (rport_any)
		f.rport = 0;
	ev_add_flow(ev, &f);
}

static void
target_ss(const target_addr_t *a, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	sockaddr_with_port(a, port, ss, len);
}

static unsigned
ifindex_of(const struct sockaddr_storage *local)
{
	if (local->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)local;
		if (s6->sin6_scope_id)
			return s6->sin6_scope_id;
	}
	struct ifaddrs *ifs, *i;
	unsigned idx = 0;
	if (getifaddrs(&ifs) < 0)
		return 0;
	for (i = ifs; i && idx == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != local->ss_family)
			continue;
		bool same = local->ss_family == AF_INET
		    ? ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr ==
			((const struct sockaddr_in *)(const void *)local)->sin_addr.s_addr
		    : memcmp(&((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
			&((const struct sockaddr_in6 *)(const void *)local)->sin6_addr, 16) == 0;
		if (same)
			idx = if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifs);
	return idx;
}

int
udp_route_to(const target_addr_t *a, udp_route_t *r)
{
	memset(r, 0, sizeof(*r));
	struct sockaddr_storage ss;
	socklen_t len;
	target_ss(a, 9, &ss, &len);	/* any port: connect() on UDP sends nothing */
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r->local_len = sizeof(r->local);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&r->local, &r->local_len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	if (r->local.ss_family == AF_INET)
		((struct sockaddr_in *)&r->local)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&r->local)->sin6_port = 0;
	r->ifindex = ifindex_of(&r->local);
	return 0;
}

int
udp_sock_connected(const target_addr_t *a, int port, evidence_t *ev)
{
	struct sockaddr_storage ss;
	socklen_t len;
	target_ss(a, port, &ss, &len);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	flow_t f;
	if (ev && flow_from_fd(fd, IPPROTO_UDP, &f) == 0)
		ev_add_flow(ev, &f);
	return fd;
}

static int
bound_socket(const struct sockaddr_storage *local, socklen_t llen, bool reuse)
{
	int fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	if (reuse) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	}
	if (bind(fd, (const struct sockaddr *)local, llen) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void
local_of(int fd, struct sockaddr_storage *ss)
{
	socklen_t l = sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	getsockname(fd, (struct sockaddr *)ss, &l);
}

int
udp_sock_any_port(const udp_route_t *r, const target_addr_t *a, evidence_t *ev)
{
	int fd = bound_socket(&r->local, r->local_len, false);
	if (fd < 0)
		return -1;
	int one = 1;
	if (r->local.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	struct sockaddr_storage l, t;
	socklen_t tl;
	local_of(fd, &l);
	target_ss(a, 0, &t, &tl);
	add_flow(ev, &l, &t, true);
	return fd;
}

/* Sends multicast out of the route's interface only, one hop. */
static int
mcast_out(int fd, const udp_route_t *r)
{
	int ttl = 1, loop = 1;
	if (r->local.ss_family == AF_INET) {
		struct in_addr ifa = ((const struct sockaddr_in *)&r->local)->sin_addr;
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof(ifa)) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
		return 0;
	}
	if (r->ifindex == 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &r->ifindex, sizeof(r->ifindex)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop));
	return 0;
}

static void
group_addr(int family, const char *v4, const char *v6, int port, unsigned ifindex,
    struct sockaddr_storage *g, socklen_t *glen)
{
	memset(g, 0, sizeof(*g));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)g;
		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, v4, &s->sin_addr);
		*glen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)g;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		s->sin6_scope_id = ifindex;
		inet_pton(AF_INET6, v6, &s->sin6_addr);
		*glen = sizeof(*s);
	}
}

int
udp_sock_ssdp_group(const udp_route_t *r, const target_addr_t *a,
    struct sockaddr_storage *group, socklen_t *glen, evidence_t *ev)
{
	int fd = bound_socket(&r->local, r->local_len, false);
	if (fd < 0)
		return -1;
	if (mcast_out(fd, r) < 0) {
		close(fd);
		return -1;
	}
	group_addr(r->local.ss_family, "239.255.255.250", "ff02::c", 1900, r->ifindex,
	    group, glen);
	struct sockaddr_storage l, t;
	socklen_t tl;
	local_of(fd, &l);
	target_ss(a, 0, &t, &tl);
	add_flow(ev, &l, group, false);	/* our M-SEARCH */
	add_flow(ev, &l, &t, true);	/* the answers, from any port of the target */
	return fd;
}

int
udp_sock_mdns_group(const udp_route_t *r, const target_addr_t *a,
    struct sockaddr_storage *group, socklen_t *glen, evidence_t *ev)
{
	int family = r->local.ss_family;
	group_addr(family, "224.0.0.251", "ff02::fb", 5353, r->ifindex, group, glen);
	/*
	 * Bound to the group address, so it shares 5353 with a local responder
	 * (avahi) without taking its unicast traffic.
	 */
	int fd = bound_socket(group, *glen, true);
	if (fd < 0)
		return -1;
	int rc;
	if (family == AF_INET) {
		struct ip_mreqn m;
		memset(&m, 0, sizeof(m));
		m.imr_multiaddr = ((struct sockaddr_in *)group)->sin_addr;
		m.imr_address = ((const struct sockaddr_in *)&r->local)->sin_addr;
		m.imr_ifindex = (int)r->ifindex;
		rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
	} else {
		struct ipv6_mreq m;
		memset(&m, 0, sizeof(m));
		m.ipv6mr_multiaddr = ((struct sockaddr_in6 *)group)->sin6_addr;
		m.ipv6mr_interface = r->ifindex;
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m));
	}
	if (rc < 0 || mcast_out(fd, r) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct sockaddr_storage l, t;
	socklen_t tl;
	memcpy(&l, &r->local, sizeof(l));
	if (family == AF_INET)
		((struct sockaddr_in *)&l)->sin_port = htons(5353);
	else
		((struct sockaddr_in6 *)&l)->sin6_port = htons(5353);
	target_ss(a, 0, &t, &tl);
	add_flow(ev, &l, group, false);		/* our query */
	add_flow(ev, group, &t, true);		/* the target's multicast answers */
	add_flow(ev, &l, &t, true);		/* and any it sends us directly */
	return fd;
}

bool
udp_from_target(const struct sockaddr_storage *src, const target_addr_t *a)
{
	if (src->ss_family != a->ss.ss_family)
		return false;
	if (src->ss_family == AF_INET)
		return ((const struct sockaddr_in *)src)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)src)->sin6_addr,
	    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, 16) == 0;
}

bool
udp_errqueue_refused(int fd)
{
	bool refused = false;
	for (int i = 0; i < 16; i++) {
		char ctrl[512];
		uint8_t data[64];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
		if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if ((ee.ee_origin == SO_EE_ORIGIN_ICMP && ee.ee_type == 3 && ee.ee_code == 3) ||
			    (ee.ee_origin == SO_EE_ORIGIN_ICMP6 && ee.ee_type == 1 && ee.ee_code == 4))
				refused = true;
		}
	}
	return refused;
}
