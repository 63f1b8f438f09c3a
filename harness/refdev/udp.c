/*
 * The UDP services' side of the accept loop: reads the datagrams queued on a
 * CoAP or SSDP socket and hands each to its service, which replies at once.
 * A wake reads a bounded number of datagrams so a flood on one socket cannot
 * starve the others or the signal; datagrams larger than the buffer are
 * dropped unread rather than parsed cut short.
 */
#include "refdev.h"

#include "core/util.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define DGRAMS_PER_WAKE 64
/* Larger than any request either protocol needs (CoAP suggests 1152 bytes). */
#define DGRAM_MAX 2048

static void
peer_of(const struct sockaddr_storage *ss, socklen_t sl, char *out, size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo((const struct sockaddr *)ss, sl, host, sizeof(host), serv, sizeof(serv),
	        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, len, "?");
		return;
	}
	bool v6 = strchr(host, ':') != NULL;
	snprintf(out, len, "%s%.64s%s:%.5s", v6 ? "[" : "", host, v6 ? "]" : "", serv);
}

void
udp_readable(refdev_t *rd, const listener_t *l)
{
	unsigned char buf[DGRAM_MAX];
	void (*handler)(const dgram_t *) = svc_get(l->svc)->datagram;
	for (int i = 0; i < DGRAMS_PER_WAKE; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(l->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&ss, &sl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or an ICMP error for an earlier reply */
		}
		char peer[80];
		peer_of(&ss, sl, peer, sizeof(peer));
		dgram_t d = { .rd = rd, .svc = l->svc, .fd = l->fd, .from = &ss, .fromlen = sl,
		              .peer = peer, .p = buf, .n = (size_t)n };
		if ((size_t)n > sizeof(buf)) {
			udp_log(&d, "%zd-byte datagram dropped (over %d)", n, DGRAM_MAX);
			continue;
		}
		handler(&d);
	}
}

void
udp_reply(const dgram_t *d, const void *p, size_t n)
{
	/* A full socket buffer loses the reply, as it would on the wire. */
	if (sendto(d->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)d->from,
	        d->fromlen) < 0)
		udp_log(d, "reply not sent: %s", strerror(errno));
}

void
udp_log(const dgram_t *d, const char *fmt, ...)
{
	if (d->rd->cfg.quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "refdev: %s %s: %s\n", svc_get(d->svc)->name, d->peer, msg);
	free(msg);
}

const char *
udp_printable(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (; *in && o + 1 < cap; in++) {
		unsigned char ch = (unsigned char)*in;
		/* A datagram could otherwise drive the terminal reading the log. */
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[o] = '\0';
	return out;
}
