/*
 * Discovery driver: scan, then identify open ports on a pool of threads.
 * Each worker fills its own service record and evidence; results are merged
 * in port order afterwards so the inventory is deterministic.
 */
#include "discover/discover.h"
#include "core/util.h"
#include "discover/udp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t scan_tcp(target_t *t, const target_addr_t *a, const discover_opts_t *o,
    size_t **open);

typedef struct id_pool {
	pthread_mutex_t mu;
	size_t next, total, done;
	service_t *svcs;
	evidence_t **evs;
	const discover_opts_t *o;
} id_pool_t;

static void *
id_worker(void *arg)
{
	id_pool_t *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->total)
			break;
		if (!(p->o->cancel && *p->o->cancel))
			discover_identify(&p->svcs[i], p->o, p->evs[i]);
		pthread_mutex_lock(&p->mu);
		p->done++;
		if (p->o->progress)
			p->o->progress(p->o->progress_arg, "identifying services", p->done, p->total);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Scans every address of the target; returns the open (address, port) pairs. */
static size_t
scan_all(target_t *t, const discover_opts_t *o, service_t **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	for (size_t ai = 0; ai < t->n_addrs; ai++) {
		const target_addr_t *a = &t->addrs[ai];
		size_t *open = NULL;
		size_t n_open = scan_tcp(t, a, o, &open);
		for (size_t i = 0; i < n_open; i++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				*out = xrealloc(*out, cap, sizeof(**out));
			}
			service_t *s = &(*out)[n++];
			memset(s, 0, sizeof(*s));
			snprintf(s->transport, sizeof(s->transport), "tcp");
			s->port = o->tcp_ports[open[i]];
			s->addr = a;
			s->protocol = xstrdup("unknown");
		}
		free(open);
		if (o->cancel && *o->cancel)
			break;
	}
	return n;
}

static void
identify_all(service_t *svcs, size_t n, const discover_opts_t *o, evidence_t **evs)
{
	id_pool_t pool = { .total = n, .svcs = svcs, .evs = evs, .o = o };
	pthread_mutex_init(&pool.mu, NULL);
	unsigned nt = o->id_threads ? o->id_threads : 16;
	if (nt > n)
		nt = (unsigned)n;
	pthread_t *th = xcalloc(nt ? nt : 1, sizeof(*th));
	unsigned started = 0;
	for (unsigned k = 0; k < nt; k++)
		if (pthread_create(&th[k], NULL, id_worker, &pool) == 0)
			started++;
	if (started == 0 && n)
		id_worker(&pool);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&pool.mu);
	free(th);
}

int
discover_run(target_t *t, const discover_opts_t *o, evidence_t *ev, char *err,
    size_t errlen)
{
	service_t *svcs = NULL;
	size_t n_open = scan_all(t, o, &svcs);
	evidence_t **evs = xcalloc(n_open ? n_open : 1, sizeof(*evs));
	for (size_t i = 0; i < n_open; i++)
		evs[i] = evidence_new();
	if (o->no_identify) {
		for (size_t i = 0; i < n_open; i++)
			svcs[i].how = xstrdup("not identified (--no-identify)");
	} else {
		identify_all(svcs, n_open, o, evs);
	}
	for (size_t i = 0; i < n_open; i++) {
		service_t *s = target_add_service(t, "tcp", svcs[i].port, svcs[i].addr);
		service_clear(s);
		*s = svcs[i];	/* moves the owned strings */
		for (size_t f = 0; ev && f < evs[i]->n_flows; f++)
			ev_add_flow(ev, &evs[i]->flows[f]);
		evidence_free(evs[i]);
	}
	free(svcs);
	free(evs);
	if (!o->no_udp) {
		udp_opts_t uo;
		udp_opts_init(&uo);
		if (o->udp_ports) {
			uo.ports = o->udp_ports;
			uo.n_ports = o->n_udp_ports;
			/* The multicast window only serves SSDP and mDNS: skip it
			 * when neither is asked for, so --udp 5683 costs one probe. */
			bool mcast = false;
			for (size_t i = 0; i < o->n_udp_ports; i++)
				mcast |= o->udp_ports[i] == 1900 || o->udp_ports[i] == 5353;
			if (!mcast)
				uo.listen_ms = 0;
		}
		uo.cancel = o->cancel;
		if (o->progress)
			o->progress(o->progress_arg, "probing UDP services", 0, t->n_addrs);
		for (size_t ai = 0; ai < t->n_addrs && !(o->cancel && *o->cancel); ai++) {
			char uerr[256];
			if (discover_udp(t, &t->addrs[ai], &uo, ev, uerr, sizeof(uerr)) < 0 &&
			    !(o->cancel && *o->cancel)) {
				snprintf(err, errlen, "UDP discovery of %s: %s", t->addrs[ai].text, uerr);
				return -1;
			}
		}
	}
	if (o->cancel && *o->cancel) {
		snprintf(err, errlen, "discovery interrupted");
		return -1;
	}
	return 0;
}
