/*
 * The passive analysis as the commands use it (passive_glue.h).
 */
#include "passive/passive_glue.h"
#include "core/runner.h"
#include "core/util.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The addresses the harness's flows in ev were made from, added once each. */
static void
own_addrs(const evidence_t *ev, int **fam, uint8_t (**addr)[16], size_t *n)
{
	for (size_t i = 0; ev && i < ev->n_flows; i++) {
		const flow_t *f = &ev->flows[i];
		bool seen = false;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = (*fam)[k] == f->family && memcmp((*addr)[k], f->local, 16) == 0;
		if (seen)
			continue;
		*fam = xrealloc(*fam, *n + 1, sizeof(**fam));
		*addr = xrealloc(*addr, *n + 1, sizeof(**addr));
		(*fam)[*n] = f->family;
		memcpy((*addr)[*n], f->local, 16);
		(*n)++;
	}
}

pv_run_t *
passive_analyze(const char *pcap, const target_t *t, const uint8_t *mac, const run_t *own,
    const evidence_t *disc, bool reveal_secrets, const volatile int *cancel, char *err,
    size_t errlen)
{
	size_t n = t ? t->n_addrs : 0;
	int *fam = xcalloc(n ? n : 1, sizeof(*fam));
	uint8_t (*addr)[16] = xcalloc(n ? n : 1, sizeof(*addr));
	for (size_t i = 0; i < n; i++) {
		const struct sockaddr_storage *ss = &t->addrs[i].ss;
		fam[i] = ss->ss_family;
		if (ss->ss_family == AF_INET)
			memcpy(addr[i], &((const struct sockaddr_in *)ss)->sin_addr, 4);
		else
			memcpy(addr[i], &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
	int *sfam = NULL;
	uint8_t (*saddr)[16] = NULL;
	size_t ns = 0;
	if (own) {
		own_addrs(disc, &sfam, &saddr, &ns);
		for (size_t i = 0; i < own->n_results; i++)
			own_addrs(own->results[i].ev, &sfam, &saddr, &ns);
	}
	pv_opts_t o = { .dut_family = fam, .dut_addr = addr, .n_dut = n,
	    .skip_family = sfam, .skip_addr = saddr, .n_skip = ns,
	    .reveal_secrets = reveal_secrets, .cancel = cancel };
	if (mac) {
		memcpy(o.dut_mac, mac, 6);
		o.have_dut_mac = true;
	}
	pv_run_t *r = pv_run_new(&o);
	if (pv_run_file(r, pcap, err, errlen) < 0) {
		pv_run_free(r);
		r = NULL;
	}
	free(fam);
	free(addr);
	free(sfam);
	free(saddr);
	return r;
}

char *
passive_note(const run_t *r)
{
	const capture_info_t *c = &r->capture;
	if (!c->enabled)
		return xasprintf("there is no capture of this run (%s)",
		    c->note ? c->note : "capture unavailable");
	if (c->dropped || c->if_dropped)
		return xasprintf("the capture dropped %llu packets (%llu by the kernel, %llu by "
		    "the interface): its evidence is incomplete",
		    (unsigned long long)(c->dropped + c->if_dropped),
		    (unsigned long long)c->dropped, (unsigned long long)c->if_dropped);
	return NULL;
}

void
passive_note_results(run_t *r, const char *note)
{
	if (note == NULL)
		return;
	for (size_t i = 0; i < r->n_results; i++) {
		case_result_t *c = &r->results[i];
		bool used = case_on_capture(c->tc);
		for (size_t k = 0; !used && k < c->n_evrefs; k++)
			used = c->evrefs[k].kind && strcmp(c->evrefs[k].kind, "pcap") == 0;
		if (!used || (c->reason && strstr(c->reason, note)))
			continue;
		char *s = xasprintf("%s; %s", c->reason ? c->reason : "", note);
		free(c->reason);
		c->reason = s;
	}
}

void
passive_link_results(run_t *r, const char *rel, const char *sha256, size_t packets)
{
	for (size_t i = 0; i < r->n_results; i++) {
		case_result_t *c = &r->results[i];
		if (case_on_capture(c->tc))
			evrefs_add(&c->evrefs, &c->n_evrefs, rel, sha256, "pcap")->packets = packets;
	}
}
