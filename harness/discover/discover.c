/*
 * Discovery driver: scan, then identify open ports on a pool of threads.
 * Each worker fills its own service record and evidence; results are merged
 * in port order afterwards so the inventory is deterministic.
 */
#include "discover/discover.h"
#include "core/util.h"

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

int
discover_run(target_t *t, const discover_opts_t *o, evidence_t *ev, char *err,
    size_t errlen)
{
	const target_addr_t *a = &t->addrs[0];
	size_t *open = NULL;
	size_t n_open = scan_tcp(t, a, o, &open);

	service_t *svcs = xcalloc(n_open ? n_open : 1, sizeof(*svcs));
	evidence_t **evs = xcalloc(n_open ? n_open : 1, sizeof(*evs));
	for (size_t i = 0; i < n_open; i++) {
		snprintf(svcs[i].transport, sizeof(svcs[i].transport), "tcp");
		svcs[i].port = o->tcp_ports[open[i]];
		svcs[i].addr = a;
		svcs[i].protocol = xstrdup("unknown");
		evs[i] = evidence_new();
	}
	id_pool_t pool = { .total = n_open, .svcs = svcs, .evs = evs, .o = o };
	pthread_mutex_init(&pool.mu, NULL);
	unsigned nt = o->id_threads ? o->id_threads : 16;
	if (nt > n_open)
		nt = (unsigned)n_open;
	pthread_t *th = xcalloc(nt ? nt : 1, sizeof(*th));
	unsigned started = 0;
	for (unsigned k = 0; k < nt; k++)
		if (pthread_create(&th[k], NULL, id_worker, &pool) == 0)
			started++;
	if (started == 0 && n_open)
		id_worker(&pool);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&pool.mu);
	free(th);

	for (size_t i = 0; i < n_open; i++) {
		service_t *s = target_add_service(t, "tcp", svcs[i].port, a);
		free(s->protocol);
		*s = svcs[i];	/* moves the owned strings */
		for (size_t f = 0; ev && f < evs[i]->n_flows; f++)
			ev_add_flow(ev, &evs[i]->flows[f]);
		evidence_free(evs[i]);
	}
	free(svcs);
	free(evs);
	free(open);
	if (o->cancel && *o->cancel) {
		snprintf(err, errlen, "discovery interrupted");
		return -1;
	}
	return 0;
}
