/*
 * UDP discovery driver: one job per (port, probe), at most WINDOW sockets in
 * flight, all polled from the calling thread.  A job sends its request (a
 * burst when the probe has several), waits wait_ms, re-sends `retries` times
 * while nothing validated, and follows up while the probe has more to ask,
 * within a hard per-job budget.  Only after all I/O are services added to the
 * target, one per port, in the registry's order of preference.
 */
#include "discover/udp.h"
#include "core/util.h"
#include "net/sock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define WINDOW		128	/* sockets in flight */
#define BURST		16	/* datagrams a probe may send at once */
#define KEEP_FIRST	4	/* first-burst datagrams kept for re-sending */
#define DGRAM_MAX	1400	/* our requests are far smaller */
#define RX_MAX		256	/* datagrams a job reads before it stops listening */
#define BANNER_KEEP	512
#define FOLLOWUP_WAITS	4	/* extra waits a job may spend on follow-ups */

static const int default_ports[] = { 53, 69, 123, 161, 1900, 5353, 5683, 5684 };

const int *
udp_default_ports(size_t *n)
{
	*n = ARRAY_LEN(default_ports);
	return default_ports;
}

enum job_state { J_PENDING = 0, J_ACTIVE, J_VALID, J_CLOSED, J_SILENT };
enum job_kind { K_UNICAST, K_ANY_PORT, K_SSDP_GROUP, K_MDNS_GROUP };

typedef struct job {
	udp_exch_t x;
	size_t port_idx;		/* into the port list; unused for groups */
	enum job_kind kind;
	enum job_state st;
	int fd;
	struct sockaddr_storage dst;	/* where unconnected sockets send */
	socklen_t dstlen;
	uint64_t deadline, hard;
	unsigned tries, rx;
	uint8_t *first;			/* the first burst, back to back (owned) */
	size_t first_len[KEEP_FIRST], n_first, first_total;
	uint8_t *banner;
	size_t banner_len;
	/* Datagrams the probe refused, on a socket connected to the port: the
	 * port is open and talking, just not in this probe's language. */
	unsigned refused;
	uint8_t *refused_first;
	size_t refused_len;
} job_t;

typedef struct run {
	target_t *t;
	const target_addr_t *a;
	evidence_t *ev;
	unsigned wait, retries, listen;
	const volatile int *cancel;
	udp_route_t route;
	bool have_route;
	job_t *jobs;
	size_t n_jobs;
	int last_errno;
} run_t;

static bool
cancelled(const run_t *r)
{
	return r->cancel && *r->cancel;
}

static void
job_finish(job_t *j, enum job_state st)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	j->st = j->x.valid ? J_VALID : st;
	free(j->first);
	j->first = NULL;
	j->n_first = j->first_total = 0;
}

/* Sends one datagram; false when the port turned out closed. */
static bool
job_send(job_t *j, const uint8_t *p, size_t n)
{
	ssize_t w = j->kind == K_UNICAST ? send(j->fd, p, n, MSG_NOSIGNAL)
	    : sendto(j->fd, p, n, MSG_NOSIGNAL, (struct sockaddr *)&j->dst, j->dstlen);
	if (w < 0 && errno == ECONNREFUSED) {
		job_finish(j, J_CLOSED);
		return false;
	}
	return true;	/* a lost datagram is what retries are for */
}

/*
 * Builds and sends what the probe has to say now; returns how many went.
 * The first burst is kept, since re-sending it must repeat the same ids.
 */
static size_t
job_burst(job_t *j, bool first)
{
	uint8_t buf[DGRAM_MAX];
	size_t sent = 0;
	while (sent < BURST && j->fd >= 0) {
		size_t n = j->x.probe->build(&j->x, buf, sizeof(buf));
		if (n == 0 || n > sizeof(buf))
			break;
		if (first && j->n_first < KEEP_FIRST) {
			j->first = xrealloc(j->first, j->first_total + n, 1);
			memcpy(j->first + j->first_total, buf, n);
			j->first_total += n;
			j->first_len[j->n_first++] = n;
		}
		j->x.built++;
		if (!job_send(j, buf, n))
			break;
		sent++;
	}
	return sent;
}

static int
job_open(run_t *r, job_t *j)
{
	switch (j->kind) {
	case K_UNICAST:
		return udp_sock_connected(r->a, j->x.port, r->ev);
	case K_ANY_PORT:
		sockaddr_with_port(r->a, j->x.port, &j->dst, &j->dstlen);
		return udp_sock_any_port(&r->route, r->a, r->ev);
	case K_SSDP_GROUP:
		return udp_sock_ssdp_group(&r->route, r->a, &j->dst, &j->dstlen, r->ev);
	case K_MDNS_GROUP:
		return udp_sock_mdns_group(&r->route, r->a, &j->dst, &j->dstlen, r->ev);
	}
	return -1;
}

/* -1: out of descriptors, try later; 0 otherwise (the job may have ended). */
static int
job_start(run_t *r, job_t *j)
{
	j->fd = job_open(r, j);
	if (j->fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			return -1;
		r->last_errno = errno;
		j->st = J_SILENT;
		return 0;
	}
	j->st = J_ACTIVE;
	uint64_t now = mono_ms();
	bool group = j->kind == K_SSDP_GROUP || j->kind == K_MDNS_GROUP;
	j->deadline = now + (group ? r->listen : r->wait);
	j->hard = group ? j->deadline
	    : now + (uint64_t)r->wait * (r->retries + 1 + FOLLOWUP_WAITS);
	job_burst(j, true);
	return 0;
}

/* Reads what is queued on a job's socket and lets the probe judge it. */
static void
job_readable(run_t *r, job_t *j, short revents, uint8_t *buf, size_t cap)
{
	if (j->kind == K_ANY_PORT && (revents & POLLERR) && udp_errqueue_refused(j->fd)) {
		job_finish(j, J_CLOSED);
		return;
	}
	for (unsigned k = 0; k < 64 && j->fd >= 0; k++) {
		struct sockaddr_storage src;
		socklen_t sl = sizeof(src);
		ssize_t n = recvfrom(j->fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&src, &sl);
		if (n < 0) {
			if (errno == ECONNREFUSED)
				job_finish(j, J_CLOSED);
			else if (j->kind != K_UNICAST && errno != EAGAIN && errno != EINTR)
				udp_errqueue_refused(j->fd);	/* other ICMP: keep waiting */
			return;
		}
		if (j->kind != K_UNICAST && !udp_from_target(&src, r->a))
			continue;	/* a neighbour on the group, or a stray */
		if (++j->rx > RX_MAX) {	/* a flood: what validated so far stands */
			job_finish(j, J_SILENT);
			return;
		}
		udp_verdict_t v = j->x.probe->parse(&j->x, buf, (size_t)n);
		if (v == UDP_REJECT) {
			/* An echo of our own probe says nothing about the port. */
			bool echo = j->first && n > 0 &&
			    memmem(j->first, j->first_total, buf, (size_t)n) != NULL;
			if (j->kind == K_UNICAST && !echo && j->refused++ == 0) {
				j->refused_len = (size_t)n < BANNER_KEEP ? (size_t)n : BANNER_KEEP;
				j->refused_first = xcalloc(1, j->refused_len + 1);
				memcpy(j->refused_first, buf, j->refused_len);
			}
			continue;
		}
		if (j->banner == NULL) {
			j->banner_len = (size_t)n < BANNER_KEEP ? (size_t)n : BANNER_KEEP;
			j->banner = xcalloc(1, j->banner_len + 1);
			memcpy(j->banner, buf, j->banner_len);
		}
		if (job_burst(j, false) > 0 && j->kind != K_SSDP_GROUP && j->kind != K_MDNS_GROUP) {
			uint64_t dl = mono_ms() + r->wait;
			j->deadline = dl < j->hard ? dl : j->hard;
		}
		if (v == UDP_DONE && j->fd >= 0)
			job_finish(j, J_VALID);
	}
}

static void
job_tick(run_t *r, job_t *j, uint64_t now)
{
	if (now < j->deadline)
		return;
	bool group = j->kind == K_SSDP_GROUP || j->kind == K_MDNS_GROUP;
	if (!j->x.valid && !group && j->tries < r->retries && now < j->hard) {
		j->tries++;
		for (size_t i = 0, off = 0; i < j->n_first && j->fd >= 0; i++) {
			size_t n = j->first_len[i];
			job_send(j, j->first + off, n);
			off += n;
		}
		j->deadline = now + r->wait;
		return;
	}
	job_finish(j, J_SILENT);
}

static void
event_loop(run_t *r)
{
	size_t *active = xcalloc(WINDOW, sizeof(*active));
	struct pollfd *pfd = xcalloc(WINDOW, sizeof(*pfd));
	uint8_t *buf = xcalloc(1, 65536);
	size_t n_active = 0, next = 0;
	for (;;) {
		while (n_active < WINDOW && next < r->n_jobs && !cancelled(r)) {
			job_t *j = &r->jobs[next];
			if (job_start(r, j) < 0) {
				if (n_active == 0) {	/* no descriptor will free up */
					r->last_errno = EMFILE;
					j->st = J_SILENT;
					next++;
				}
				break;
			}
			next++;
			if (j->st == J_ACTIVE)
				active[n_active++] = (size_t)(j - r->jobs);
		}
		if (n_active == 0 && (next == r->n_jobs || cancelled(r)))
			break;
		if (cancelled(r)) {
			for (size_t k = 0; k < n_active; k++)
				job_finish(&r->jobs[active[k]], J_SILENT);
			break;
		}
		uint64_t now = mono_ms(), soonest = now + 50;
		for (size_t k = 0; k < n_active; k++) {
			job_t *j = &r->jobs[active[k]];
			pfd[k] = (struct pollfd){ .fd = j->fd, .events = POLLIN };
			if (j->fd >= 0 && j->deadline < soonest)
				soonest = j->deadline;
		}
		if (n_active)
			poll(pfd, n_active, soonest > now ? (int)(soonest - now) : 0);
		now = mono_ms();
		for (size_t k = 0; k < n_active; k++) {
			job_t *j = &r->jobs[active[k]];
			if (j->fd >= 0 && pfd[k].fd == j->fd && pfd[k].revents)
				job_readable(r, j, pfd[k].revents, buf, 65536);
			if (j->fd >= 0)
				job_tick(r, j, now);
		}
		size_t keep = 0;
		for (size_t k = 0; k < n_active; k++)
			if (r->jobs[active[k]].fd >= 0)
				active[keep++] = active[k];
		n_active = keep;
	}
	free(active);
	free(pfd);
	free(buf);
}

/* ---- building the job list ---- */

static job_t *
add_job(run_t *r, size_t *cap, const udp_probe_t *p, int port, size_t port_idx,
    enum job_kind kind)
{
	if (r->n_jobs == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		r->jobs = xrealloc(r->jobs, *cap, sizeof(*r->jobs));
	}
	job_t *j = &r->jobs[r->n_jobs++];
	memset(j, 0, sizeof(*j));
	uint8_t rnd[UDP_RND_LEN];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		uint64_t m = mono_ms() ^ (uint64_t)(uintptr_t)j;
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (uint8_t)(m >> (8 * (i % 8)) ^ i * 131);
	}
	udp_exch_init(&j->x, p, port, kind == K_SSDP_GROUP || kind == K_MDNS_GROUP, rnd);
	j->x.svc.addr = r->a;
	j->port_idx = port_idx;
	j->kind = p->any_source_port && kind == K_UNICAST ? K_ANY_PORT : kind;
	j->fd = -1;
	return j;
}

static void
plan(run_t *r, const int *ports, size_t n_ports)
{
	size_t np, cap = 0;
	const udp_probe_t *probes = udp_probes(&np);
	for (size_t i = 0; i < n_ports; i++) {
		bool own = false;
		for (size_t k = 0; k < np; k++)
			if (probes[k].port == ports[i]) {
				add_job(r, &cap, &probes[k], ports[i], i, K_UNICAST);
				own = true;
			}
		/* No probe of its own: every probe is tried. */
		for (size_t k = 0; !own && k < np; k++)
			add_job(r, &cap, &probes[k], ports[i], i, K_UNICAST);
	}
	if (r->listen && r->have_route) {
		add_job(r, &cap, udp_probe_find("ssdp"), 1900, SIZE_MAX, K_SSDP_GROUP);
		add_job(r, &cap, udp_probe_find("mdns"), 5353, SIZE_MAX, K_MDNS_GROUP);
	}
}

/* ---- results into the target ---- */

static service_t *
udp_service(target_t *t, int port)
{
	for (size_t i = 0; i < t->n_svcs; i++)
		if (t->svcs[i].port == port && strcmp(t->svcs[i].transport, "udp") == 0)
			return &t->svcs[i];
	return NULL;
}

static void
merge_info(service_t *dst, const service_t *src)
{
	for (size_t i = 0; i < src->n_info && dst->n_info < UDP_INFO_MAX; i++) {
		bool dup = false;
		for (size_t k = 0; k < dst->n_info && !dup; k++)
			dup = strcmp(dst->info[k].key, src->info[i].key) == 0 &&
			    strcmp(dst->info[k].val, src->info[i].val) == 0;
		if (!dup)
			service_info_add(dst, src->info[i].key, src->info[i].val,
			    strlen(src->info[i].val));
	}
}

/* Moves what a job learnt into a new service, or adds to the port's one. */
static void
publish(run_t *r, job_t *j, int port)
{
	service_t *s = udp_service(r->t, port);
	if (s) {
		merge_info(s, &j->x.svc);
		return;
	}
	s = target_add_service(r->t, "udp", port, r->a);
	free(s->protocol);
	s->protocol = j->x.svc.protocol;
	s->how = j->x.svc.how;
	s->product = j->x.svc.product;
	s->version = j->x.svc.version;
	s->tls = j->x.svc.tls;
	s->info = j->x.svc.info;
	s->n_info = j->x.svc.n_info;
	s->banner = (char *)j->banner;
	s->banner_len = j->banner_len;
	j->banner = NULL;
	memset(&j->x.svc, 0, sizeof(j->x.svc));
}

/*
 * A port that answered only with datagrams no probe accepted (a broken CoAP
 * stack, garbage): open, and unidentified, which is what the inventory and
 * the cases must hear, rather than "silent".
 */
static void
publish_refused(run_t *r, job_t *j, int port)
{
	service_t *s = target_add_service(r->t, "udp", port, r->a);
	s->how = xasprintf("answered, but the %s probe refused all %u datagram%s",
	    j->x.probe->protocol, j->refused, j->refused == 1 ? "" : "s");
	s->banner = (char *)j->refused_first;
	s->banner_len = j->refused_len;
	j->refused_first = NULL;
}

/* Jobs were planned port by port, so each port's jobs are contiguous. */
static void
collect(run_t *r, const int *ports, size_t n_ports)
{
	unsigned char *silent = xcalloc(n_ports ? n_ports : 1, 1);
	size_t k = 0;
	for (size_t i = 0; i < n_ports; i++) {
		job_t *winner = NULL;
		bool closed = false;
		size_t first = k;
		for (; k < r->n_jobs && r->jobs[k].port_idx == i; k++) {
			job_t *j = &r->jobs[k];
			closed |= j->st == J_CLOSED;
			if (j->st != J_VALID)
				continue;
			if (winner == NULL) {
				winner = j;
				publish(r, j, ports[i]);
			} else if (strcmp(j->x.probe->protocol, winner->x.probe->protocol) == 0) {
				publish(r, j, ports[i]);	/* same protocol: more facts */
			}
		}
		job_t *talker = NULL;
		for (size_t q = first; q < k && winner == NULL && talker == NULL; q++)
			if (r->jobs[q].refused)
				talker = &r->jobs[q];
		if (talker) {
			publish_refused(r, talker, ports[i]);
		} else if (winner == NULL && closed) {
			r->t->udp_closed++;
		} else if (winner == NULL) {
			r->t->udp_silent++;
			silent[i] = 1;
		}
	}
	r->t->udp_scanned += n_ports;
	/* What the groups heard from the target: its SSDP and mDNS ports. */
	for (; k < r->n_jobs; k++) {
		job_t *j = &r->jobs[k];
		if (j->port_idx != SIZE_MAX || j->st != J_VALID)
			continue;
		for (size_t i = 0; i < n_ports; i++)
			if (ports[i] == j->x.port && silent[i]) {
				r->t->udp_silent--;	/* it spoke, just not to unicast */
				silent[i] = 0;
			}
		publish(r, j, j->x.port);
	}
	free(silent);
}

/* Ports without duplicates or out-of-range values, in the given order. */
static int *
clean_ports(const int *ports, size_t n, size_t *out_n)
{
	int *v = xcalloc(n ? n : 1, sizeof(*v));
	uint8_t *seen = xcalloc(65536 / 8, 1);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int p = ports[i];
		if (p < 1 || p > 65535 || (seen[p / 8] >> (p % 8) & 1))
			continue;
		seen[p / 8] |= (uint8_t)(1 << (p % 8));
		v[m++] = p;
	}
	free(seen);
	*out_n = m;
	return v;
}

void
udp_opts_init(udp_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->wait_ms = 1500;
	o->retries = 1;
	o->listen_ms = 2000;
}

int
discover_udp(target_t *t, const target_addr_t *a, const udp_opts_t *o,
    evidence_t *ev, char *err, size_t errlen)
{
	udp_opts_t defaults;
	udp_opts_init(&defaults);
	if (o == NULL)
		o = &defaults;
	size_t n_in;
	const int *in = o->ports ? o->ports : udp_default_ports(&n_in);
	if (o->ports)
		n_in = o->n_ports;
	size_t n_ports;
	int *ports = clean_ports(in, n_in, &n_ports);

	run_t r = {
		.t = t, .a = a, .ev = ev,
		.wait = o->wait_ms ? o->wait_ms : 1500,
		.retries = o->retries,
		.listen = o->listen_ms,
		.cancel = o->cancel,
	};
	r.have_route = udp_route_to(a, &r.route) == 0;
	if (!r.have_route)
		r.last_errno = errno;
	plan(&r, ports, n_ports);
	event_loop(&r);
	/* What was validated before an interruption is still true: keep it. */
	collect(&r, ports, n_ports);
	int rc = 0;
	bool any_socket = false;
	for (size_t k = 0; k < r.n_jobs && !any_socket; k++)
		any_socket = r.jobs[k].st != J_SILENT || r.jobs[k].x.built > 0;
	if (cancelled(&r)) {
		snprintf(err, errlen, "UDP discovery interrupted");
		rc = -1;
	} else if (r.n_jobs && !any_socket && r.last_errno) {
		snprintf(err, errlen, "UDP discovery could not open sockets to %s: %s",
		    a->text, strerror(r.last_errno));
		rc = -1;
	}
	for (size_t k = 0; k < r.n_jobs; k++) {
		udp_exch_clear(&r.jobs[k].x);
		free(r.jobs[k].banner);
		free(r.jobs[k].refused_first);
		free(r.jobs[k].first);
	}
	free(r.jobs);
	free(ports);
	return rc;
}
