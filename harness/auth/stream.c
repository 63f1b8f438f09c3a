/*
 * Plain-or-TLS connection for the authenticators, on top of net/sock and
 * net/tls (which keep the flow and the transcript in the evidence).
 */
#include "auth/stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

net_status_t
auth_stream_open(auth_stream_t *s, const auth_target_t *t, uint64_t deadline,
    char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->c.fd = -1;
	const service_t *svc = t->svc;
	if (svc->tls && t->tls == NULL) {
		snprintf(err, errlen, "the service is TLS but no TLS context was given");
		s->harness_fault = true;
		return NET_ERROR;
	}
	net_status_t st = conn_tcp(&s->c, svc->addr, svc->port, deadline, t->cancel, t->ev);
	if (st != NET_OK) {
		int e = s->c.last_errno;
		s->harness_fault = st == NET_ERROR && (e == EMFILE || e == ENFILE || e == ENOMEM ||
		    e == ENOBUFS);
		snprintf(err, errlen, "connect to %s/%d: %s", svc->transport, svc->port,
		    net_status_str(st));
		return st;
	}
	s->open = true;
	if (svc->tls) {
		char terr[160] = "";
		st = tls_connect(t->tls, &s->tc, &s->c, NULL, deadline, terr, sizeof(terr));
		s->tls = true;	/* tls_close frees the SSL even after a failed handshake */
		if (st != NET_OK) {
			snprintf(err, errlen, "TLS handshake on %s/%d: %s (%s)", svc->transport,
			    svc->port, net_status_str(st), terr);
			auth_stream_close(s);
			return st;
		}
	}
	return NET_OK;
}

net_status_t
auth_stream_read(auth_stream_t *s, void *buf, size_t cap, size_t *got, uint64_t deadline)
{
	*got = 0;
	if (!s->open)
		return NET_CLOSED;
	return s->tls ? tls_read(&s->tc, buf, cap, got, deadline)
	              : conn_read(&s->c, buf, cap, got, deadline);
}

net_status_t
auth_stream_write(auth_stream_t *s, const void *buf, size_t n, uint64_t deadline)
{
	if (!s->open)
		return NET_CLOSED;
	return s->tls ? tls_write(&s->tc, buf, n, deadline) : conn_write(&s->c, buf, n, deadline);
}

void
auth_stream_close(auth_stream_t *s)
{
	if (s->tls)
		tls_close(&s->tc);
	s->tls = false;
	if (s->open)
		conn_close(&s->c);
	s->open = false;
}
