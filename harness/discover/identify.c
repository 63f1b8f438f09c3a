/*
 * Identification of an open TCP port by content, in this order: a banner
 * the service sends by itself (ssh, telnet, ftp, shells); if silent, a TLS
 * ClientHello (a plain HTTP server answers it with a 400, which identifies
 * it too); then HTTP, MQTT CONNECT and RTSP OPTIONS, each on a fresh
 * connection with a short bounded wait.  Over TLS, HTTP then MQTT are tried.
 */
#include "discover/discover.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "proto/ident.h"
#include "proto/tls_hello.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#define BANNER_MAX 4096

typedef struct probe_io {
	const discover_opts_t *o;
	service_t *svc;
	evidence_t *ev;
	uint64_t port_deadline;
	/* How the first connection ended when it ended before a byte came: an
	 * immediate reset or close is worth naming rather than "silent". */
	const char *ended;
} probe_io_t;

static unsigned
ms_or(unsigned v, unsigned def)
{
	return v ? v : def;
}

static void
set_ident(service_t *svc, const ident_t *id, bool tls, const char *protocol)
{
	free(svc->protocol);
	svc->protocol = xstrdup(protocol ? protocol : id->protocol);
	svc->tls = tls;
	free(svc->product);
	free(svc->version);
	free(svc->how);
	svc->product = id->product[0] ? xstrdup(id->product) : NULL;
	svc->version = id->version[0] ? xstrdup(id->version) : NULL;
	svc->how = xstrdup(id->how);
}

static void
keep_banner(service_t *svc, const uint8_t *p, size_t n)
{
	if (svc->banner || n == 0)
		return;
	svc->banner = xstrndup((const char *)p, n);
	svc->banner_len = n;
}

static size_t
http_request(char *out, size_t cap, const service_t *svc)
{
	return (size_t)snprintf(out, cap,
	    "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: iotcert\r\n"
	    "Accept: */*\r\nConnection: close\r\n\r\n", svc->addr->text);
}

/*
 * The hello of the first contact.  It only has to draw an answer (a
 * handshake or an alert record both name TLS), so it asks for TLS 1.2, which
 * old and new servers answer, with the suites, groups and signatures common
 * stacks share, and no SNI (the target is an address).  The random is fixed:
 * nothing is negotiated on this connection.
 */
static size_t
first_hello(uint8_t *out, size_t cap)
{
	static const uint16_t suites[] = {
		0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
		0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f,
		0x0035, 0x000a, 0x0005, 0x00ff,
	};
	static const uint16_t groups[] = { 0x001d, 0x0017, 0x0018 };
	static const uint16_t sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0501, 0x0201 };
	tls_hello_opts_t o = {
		.version = TLSV_TLS12,
		.suites = suites, .n_suites = ARRAY_LEN(suites),
		.groups = groups, .n_groups = ARRAY_LEN(groups),
		.sigalgs = sigalgs, .n_sigalgs = ARRAY_LEN(sigalgs),
	};
	for (int i = 0; i < 32; i++)
		o.random[i] = (uint8_t)(i * 7 + 1);
	return tls_client_hello(out, cap, &o);
}

/*
 * The first two looks at a port, at once on two connections: one only
 * listens for a banner, the other sends a TLS ClientHello.  Services that
 * speak first do so on accept, and TLS servers answer the hello at once, so
 * either settles the question early; only a port silent on both costs the
 * full banner wait.  Bytes seen on the passive connection win.
 */
static void
first_contact(probe_io_t *io, unsigned banner_ms, unsigned wait_ms, uint8_t *ban,
    size_t bcap, size_t *blen, uint8_t *tls, size_t tcap, size_t *tlen)
{
	service_t *svc = io->svc;
	conn_t c[2];
	bool open[2] = { false, false };
	size_t *len[2] = { blen, tlen };
	uint8_t *buf[2] = { ban, tls };
	size_t cap[2] = { bcap, tcap };
	uint64_t start = mono_ms();
	uint64_t dl[2] = { deadline_min(start + banner_ms, io->port_deadline),
	    deadline_min(start + wait_ms, io->port_deadline) };
	uint64_t quiet_until = 0;	/* a banner is complete after 150 ms of quiet */
	*blen = *tlen = 0;
	for (int i = 0; i < 2; i++)
		open[i] = conn_tcp(&c[i], svc->addr, svc->port, dl[i], io->o->cancel,
		    io->ev) == NET_OK;
	uint8_t hello[512];
	size_t hl = first_hello(hello, sizeof(hello));
	if (open[1] && conn_write(&c[1], hello, hl, dl[1]) != NET_OK) {
		conn_close(&c[1]);
		open[1] = false;
	}
	for (;;) {
		uint64_t now = mono_ms();
		if (io->o->cancel && *io->o->cancel)
			break;
		if (*blen && now >= quiet_until)
			break;	/* the banner settled */
		/* A server that handles one connection at a time (openssl
		 * s_server, small embedded stacks) took the banner connection
		 * first and waits there for a hello: once the banner window is
		 * over with nothing said, let it go so the hello gets served. */
		if (open[0] && now >= dl[0] && *blen == 0) {
			conn_close(&c[0]);
			open[0] = false;
		}
		if (ident_tls_record(tls, *tlen) || ident_http(tls, *tlen, &(ident_t){ 0 }))
			break;	/* the hello was answered in a language we know */
		bool waiting = false;
		struct pollfd pfd[2];
		int map[2], np = 0;
		for (int i = 0; i < 2; i++) {
			if (!open[i] || now >= dl[i])
				continue;
			waiting = true;
			pfd[np].fd = c[i].fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			map[np++] = i;
		}
		/* Done when nothing is left to wait for, or the banner window is
		 * over and the hello connection has ended. */
		if (!waiting && !*blen)
			break;
		if (!waiting && *blen)
			continue;
		if (now >= dl[0] && !*blen && !open[1])
			break;
		if (poll(pfd, (nfds_t)np, 20) <= 0)
			continue;
		for (int k = 0; k < np; k++) {
			int i = map[k];
			if (!pfd[k].revents)
				continue;
			ssize_t r = *len[i] < cap[i]
			    ? recv(c[i].fd, buf[i] + *len[i], cap[i] - *len[i], 0) : 0;
			if (r <= 0) {
				if (i == 0 && *len[0] == 0 && io->ended == NULL)
					io->ended = r < 0 && errno == ECONNRESET
					    ? "reset the connection at once, without a byte"
					    : "closed the connection at once, without a byte";
				conn_close(&c[i]);
				open[i] = false;
				continue;
			}
			*len[i] += (size_t)r;
			if (i == 0)
				quiet_until = mono_ms() + 150;
		}
	}
	for (int i = 0; i < 2; i++)
		conn_close(&c[i]);
}

/* A request sent on its own connection, and how to recognise the answer. */
typedef struct pprobe {
	uint8_t req[512];
	size_t reqlen;
	bool (*ident)(const uint8_t *p, size_t n, ident_t *id);
	conn_t c;
	uint8_t buf[BANNER_MAX];
	size_t len;
	bool open;
} pprobe_t;

/*
 * The cleartext probes for a port that said nothing by itself, all at once on
 * separate connections: a silent port then costs one wait, not one per probe.
 * The first answer a validator accepts names the service.
 */
static bool
parallel_probes(probe_io_t *io, unsigned wait_ms, uint8_t *last, size_t cap, size_t *last_len)
{
	service_t *svc = io->svc;
	pprobe_t *p = xcalloc(5, sizeof(*p));
	p[0].reqlen = http_request((char *)p[0].req, sizeof(p[0].req), svc);
	p[0].ident = ident_http;
	p[1].reqlen = mqtt_connect_build(p[1].req, sizeof(p[1].req), "iotcert", NULL, NULL);
	p[1].ident = ident_mqtt;
	p[2].reqlen = (size_t)snprintf((char *)p[2].req, sizeof(p[2].req),
	    "OPTIONS rtsp://%s:%d/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", svc->addr->text, svc->port);
	p[2].ident = ident_rtsp;
	p[3].reqlen = adb_connect_build(p[3].req, sizeof(p[3].req));
	p[3].ident = ident_adb;
	p[4].reqlen = coap_tcp_csm_build(p[4].req, sizeof(p[4].req));
	p[4].ident = ident_coap_tcp;
	uint64_t dl = deadline_min(mono_ms() + wait_ms, io->port_deadline);
	size_t open = 0;
	for (int i = 0; i < 5; i++) {
		if (conn_tcp(&p[i].c, svc->addr, svc->port, dl, io->o->cancel, io->ev) != NET_OK)
			continue;
		if (conn_write(&p[i].c, p[i].req, p[i].reqlen, dl) != NET_OK) {
			conn_close(&p[i].c);
			continue;
		}
		p[i].open = true;
		open++;
	}
	int found = -1;
	ident_t id;
	while (open && found < 0 && mono_ms() < dl && !(io->o->cancel && *io->o->cancel)) {
		struct pollfd pfd[5];
		int map[5], np = 0;
		for (int i = 0; i < 5; i++) {
			if (!p[i].open)
				continue;
			pfd[np].fd = p[i].c.fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			map[np++] = i;
		}
		uint64_t left = dl - mono_ms();
		if (poll(pfd, (nfds_t)np, (int)(left < 100 ? left : 100)) <= 0)
			continue;
		for (int k = 0; k < np && found < 0; k++) {
			if (!pfd[k].revents)
				continue;
			pprobe_t *q = &p[map[k]];
			ssize_t r = q->len < sizeof(q->buf)
			    ? recv(q->c.fd, q->buf + q->len, sizeof(q->buf) - q->len, 0) : 0;
			if (r <= 0) {	/* closed, reset or full: this probe is over */
				conn_close(&q->c);
				q->open = false;
				open--;
			} else {
				q->len += (size_t)r;
			}
			if (q->ident(q->buf, q->len, &id))
				found = map[k];
		}
	}
	for (int i = 0; i < 5; i++)
		conn_close(&p[i].c);
	bool ok = found >= 0;
	if (ok) {
		keep_banner(svc, p[found].buf, p[found].len);
		set_ident(svc, &id, false, NULL);
	} else {	/* keep the longest answer for the report */
		*last_len = 0;
		for (int i = 0; i < 5; i++)
			if (p[i].len > *last_len) {
				*last_len = p[i].len < cap ? p[i].len : cap;
				memcpy(last, p[i].buf, *last_len);
			}
	}
	free(p);
	return ok;
}

/* Over TLS: which application? */
static void
identify_tls(probe_io_t *io, unsigned wait_ms)
{
	service_t *svc = io->svc;
	uint8_t buf[BANNER_MAX];
	char req[512];
	ident_t id;
	for (int attempt = 0; attempt < 2; attempt++) {
		conn_t c;
		uint64_t dl = deadline_min(mono_ms() + 2 * wait_ms, io->port_deadline);
		if (conn_tcp(&c, svc->addr, svc->port, dl, io->o->cancel, io->ev) != NET_OK)
			break;
		tls_conn_t tc;
		char err[256];
		if (tls_connect(io->o->tls, &tc, &c, NULL, dl, err, sizeof(err)) != NET_OK) {
			tls_close(&tc);
			conn_close(&c);
			break;
		}
		size_t reqlen = attempt == 0 ? http_request(req, sizeof(req), svc)
		    : mqtt_connect_build((uint8_t *)req, sizeof(req), "iotcert", NULL, NULL);
		size_t len = 0;
		if (tls_write(&tc, req, reqlen, dl) == NET_OK) {
			while (len < sizeof(buf)) {
				size_t got;
				if (tls_read(&tc, buf + len, sizeof(buf) - len, &got, dl) != NET_OK)
					break;
				len += got;
				if (memmem(buf, len, "\r\n\r\n", 4) || (len >= 2 && buf[0] == 0x20))
					break;
			}
		}
		tls_close(&tc);
		conn_close(&c);
		if (attempt == 0 && ident_http(buf, len, &id)) {
			set_ident(svc, &id, true, "https");
			svc->how = (free(svc->how), xstrdup("TLS handshake, then HTTP status line"));
			return;
		}
		if (attempt == 1 && ident_mqtt(buf, len, &id)) {
			set_ident(svc, &id, true, "mqtts");
			svc->how = (free(svc->how), xstrdup("TLS handshake, then MQTT CONNACK"));
			return;
		}
	}
	memset(&id, 0, sizeof(id));
	id.how = "TLS handshake (application not identified)";
	set_ident(svc, &id, true, "tls");
}

void
discover_identify(service_t *svc, const discover_opts_t *o, evidence_t *ev)
{
	probe_io_t io = { .o = o, .svc = svc, .ev = ev,
	    .port_deadline = mono_ms() + 10 * ms_or(o->probe_ms, 1500) };
	unsigned wait = ms_or(o->probe_ms, 1500);
	uint8_t buf[BANNER_MAX];
	ident_t id;

	uint8_t tlsbuf[BANNER_MAX];
	size_t n = 0, tn = 0;
	first_contact(&io, ms_or(o->banner_ms, 1200), wait, buf, sizeof(buf), &n,
	    tlsbuf, sizeof(tlsbuf), &tn);
	keep_banner(svc, buf, n);
	if (n && ident_banner(buf, n, &id)) {
		set_ident(svc, &id, false, NULL);
		return;
	}
	if (n && ident_coap_tcp(buf, n, &id)) {	/* libcoap sends its CSM first */
		set_ident(svc, &id, false, NULL);
		return;
	}
	if (n) {	/* talks first, but in nothing we know: report what it said */
		memset(&id, 0, sizeof(id));
		id.how = "unrecognised banner";
		set_ident(svc, &id, false, "unknown");
		return;
	}
	if (ident_tls_record(tlsbuf, tn) && o->tls) {
		identify_tls(&io, wait);
		return;
	}
	if (ident_http(tlsbuf, tn, &id)) {
		keep_banner(svc, tlsbuf, tn);
		set_ident(svc, &id, false, NULL);
		return;
	}

	if (parallel_probes(&io, wait, buf, sizeof(buf), &n))
		return;
	memset(&id, 0, sizeof(id));
	id.how = n ? "unrecognised answer to probes" : io.ended ? io.ended : "silent to every probe";
	keep_banner(svc, buf, n);
	set_ident(svc, &id, false, "unknown");
}
