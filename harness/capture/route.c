/*
 * Which interface reaches a device: ask the kernel's routing table through a
 * connected UDP socket (connect() on a datagram socket only picks a route and
 * a source address; nothing is sent), then find the interface holding that
 * source address.  This follows policy routing and VRFs the way the probes'
 * own connections will, which parsing /proc/net/route would not.
 */
#include "capture/capture.h"
#include "capture/errmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* An address as it appears on the wire: IPv4-mapped IPv6 is IPv4. */
typedef struct wire_addr {
	int family;
	uint8_t a[16];
} wire_addr_t;

static bool
wire_addr_of(const struct sockaddr *sa, wire_addr_t *w)
{
	memset(w, 0, sizeof(*w));
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		w->family = AF_INET;
		memcpy(w->a, &s4->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			w->family = AF_INET;
			memcpy(w->a, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			w->family = AF_INET6;
			memcpy(w->a, &s6->sin6_addr, 16);
		}
		return true;
	}
	return false;
}

static size_t
wire_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool
wire_is_loopback(const wire_addr_t *w)
{
	if (w->family == AF_INET)
		return w->a[0] == 127;
	static const uint8_t lo6[16] = { [15] = 1 };
	return memcmp(w->a, lo6, 16) == 0;
}

static bool
same_subnet(const wire_addr_t *a, const wire_addr_t *b, const wire_addr_t *mask)
{
	bool any_bit = false;
	for (size_t i = 0; i < wire_len(a->family); i++) {
		if ((a->a[i] ^ b->a[i]) & mask->a[i])
			return false;
		any_bit |= mask->a[i] != 0;
	}
	return any_bit;		/* a /0 "subnet" says nothing about the route */
}

static void
fmt_sockaddr(const struct sockaddr *sa, char *out, size_t len)
{
	const void *a = sa->sa_family == AF_INET
	    ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
	    : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (inet_ntop(sa->sa_family, a, out, len) == NULL)
		snprintf(out, len, "?");
}

/*
 * getifaddrs() reports IPv4 alias labels ("eth0:1") which libpcap cannot open;
 * going through the index gives the device name.
 */
static int
put_ifname(const char *name, char *ifname, size_t ifnamelen, char *err,
    size_t errlen)
{
	char canon[IF_NAMESIZE];
	unsigned idx = if_nametoindex(name);
	if (idx != 0 && if_indextoname(idx, canon) != NULL)
		name = canon;
	if (ifname == NULL || strlen(name) >= ifnamelen)
		return cap_err(err, errlen, "interface name %s does not fit", name);
	memcpy(ifname, name, strlen(name) + 1);
	return 0;
}

static const char *
loopback_iface(const struct ifaddrs *list)
{
	for (const struct ifaddrs *i = list; i; i = i->ifa_next)
		if (i->ifa_flags & IFF_LOOPBACK)
			return i->ifa_name;
	return NULL;
}

static const char *
iface_with_addr(const struct ifaddrs *list, const wire_addr_t *a)
{
	for (const struct ifaddrs *i = list; i; i = i->ifa_next) {
		wire_addr_t w;
		if (wire_addr_of(i->ifa_addr, &w) && w.family == a->family &&
		    memcmp(w.a, a->a, wire_len(w.family)) == 0)
			return i->ifa_name;
	}
	return NULL;
}

/* Exact address first, then a subnet holding it, then (for 127/8 sources
 * Linux may pick) the loopback interface. */
static const char *
iface_holding(const struct ifaddrs *list, const wire_addr_t *src)
{
	const char *name = iface_with_addr(list, src);
	if (name != NULL)
		return name;
	for (const struct ifaddrs *i = list; i; i = i->ifa_next) {
		wire_addr_t w, m;
		if (wire_addr_of(i->ifa_addr, &w) && w.family == src->family &&
		    wire_addr_of(i->ifa_netmask, &m) && m.family == w.family &&
		    same_subnet(&w, src, &m))
			return i->ifa_name;
	}
	return wire_is_loopback(src) ? loopback_iface(list) : NULL;
}

int
capture_route_iface(const struct sockaddr *target, socklen_t len,
    char *ifname, size_t ifnamelen, char *err, size_t errlen)
{
	if (target == NULL)
		return cap_err(err, errlen, "no target address");
	socklen_t need;
	if (target->sa_family == AF_INET)
		need = sizeof(struct sockaddr_in);
	else if (target->sa_family == AF_INET6)
		need = sizeof(struct sockaddr_in6);
	else
		return cap_err(err, errlen, "address family %d is not IPv4 or IPv6",
		    target->sa_family);
	if (len < need)
		return cap_err(err, errlen, "target address is %u bytes, need %u",
		    (unsigned)len, (unsigned)need);

	struct sockaddr_storage dst;
	memset(&dst, 0, sizeof(dst));
	memcpy(&dst, target, need);
	char shown[INET6_ADDRSTRLEN];
	fmt_sockaddr((const struct sockaddr *)&dst, shown, sizeof(shown));

	if (dst.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&dst;
		if (s6->sin6_scope_id != 0) {
			char name[IF_NAMESIZE];
			if (if_indextoname(s6->sin6_scope_id, name) == NULL)
				return cap_err(err, errlen,
				    "%s: scope id %u names no interface", shown,
				    (unsigned)s6->sin6_scope_id);
			return put_ifname(name, ifname, ifnamelen, err, errlen);
		}
		if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ||
		    IN6_IS_ADDR_MC_LINKLOCAL(&s6->sin6_addr))
			return cap_err(err, errlen,
			    "%s is link-local: give its interface (%s%%eth0)",
			    shown, shown);
	}
	/* Port 0 is refused by connect() on some systems; the port picks no route. */
	if (dst.ss_family == AF_INET && ((struct sockaddr_in *)&dst)->sin_port == 0)
		((struct sockaddr_in *)&dst)->sin_port = htons(9);
	if (dst.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&dst)->sin6_port == 0)
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(9);

	int fd = socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cap_err(err, errlen, "socket: %s", strerror(errno));
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	if (connect(fd, (struct sockaddr *)&dst, need) < 0) {
		int e = errno;
		close(fd);
		return cap_err(err, errlen, "no route to %s: %s", shown, strerror(e));
	}
	if (getsockname(fd, (struct sockaddr *)&local, &llen) < 0) {
		int e = errno;
		close(fd);
		return cap_err(err, errlen, "getsockname: %s", strerror(e));
	}
	close(fd);

	wire_addr_t src, dstw;
	if (!wire_addr_of((struct sockaddr *)&local, &src) ||
	    !wire_addr_of((struct sockaddr *)&dst, &dstw))
		return cap_err(err, errlen, "route to %s has no IP source address",
		    shown);
	struct ifaddrs *list;
	if (getifaddrs(&list) < 0)
		return cap_err(err, errlen, "getifaddrs: %s", strerror(errno));
	/* A device at one of this host's own addresses (a reference device on
	 * the lab machine) is reached through loopback, whatever interface
	 * holds the address. */
	const char *name = iface_with_addr(list, &dstw) ? loopback_iface(list)
	    : NULL;
	if (name == NULL)
		name = iface_holding(list, &src);
	int rc;
	if (name == NULL) {
		char srcs[INET6_ADDRSTRLEN];
		if (inet_ntop(src.family, src.a, srcs, sizeof(srcs)) == NULL)
			snprintf(srcs, sizeof(srcs), "?");
		rc = cap_err(err, errlen,
		    "route to %s uses source %s, which no interface holds",
		    shown, srcs);
	} else {
		rc = put_ifname(name, ifname, ifnamelen, err, errlen);
	}
	freeifaddrs(list);
	return rc;
}
