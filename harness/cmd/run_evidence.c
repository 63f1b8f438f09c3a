/*
 * After the run: cut the run capture into one pcap per test case instance
 * (by the connections each instance made), write transcripts, and hash every
 * evidence file into the report.
 */
#include "cmd/run_evidence.h"
#include "capture/capture.h"
#include "core/hash.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Instance ids become file names: keep [A-Za-z0-9._-], map the rest to '_'. */
static char *
file_stem(const char *instance)
{
	char *s = xstrdup(instance);
	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	return s;
}

static void
add_ref(const char *outdir, const char *rel, const char *kind, size_t packets,
    evref_t **v, size_t *n)
{
	char *abs = xasprintf("%s/%s", outdir, rel);
	char hex[SHA256_HEX_LEN];
	if (sha256_file(abs, hex) == 0) {
		evref_t *e = evrefs_add(v, n, rel, hex, kind);
		e->packets = packets;
	} else {
		fprintf(stderr, "iotcert: cannot hash %s\n", abs);
	}
	free(abs);
}

static int
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return (fclose(f) == 0 && w == n) ? 0 : -1;
}

static void
split_into(const char *run_pcap, const char *outdir, const char *rel,
    const evidence_t *ev, evref_t **v, size_t *n)
{
	char *abs = xasprintf("%s/%s", outdir, rel);
	size_t pk = 0;
	char err[256];
	if (capture_split(run_pcap, ev->flows, ev->n_flows, abs, &pk, err, sizeof(err)) == 0)
		add_ref(outdir, rel, "pcap", pk, v, n);
	else
		fprintf(stderr, "iotcert: %s: %s\n", rel, err);
	free(abs);
}

/* Whether a stopped run has time for one more cut, which takes about `last`. */
static bool
may_cut(const evidence_budget_t *b, int64_t last)
{
	int64_t at = b ? b->stopped_at(b->arg) : 0;
	return at == 0 || wall_ms() + last <= at + b->ms;
}

size_t
evidence_collect(run_t *run, const char *outdir, const char *evdir,
    const char *run_pcap_rel, const evidence_t *discovery,
    const evidence_budget_t *budget)
{
	char *run_pcap = run_pcap_rel ? xasprintf("%s/%s", outdir, run_pcap_rel) : NULL;
	size_t uncut = 0;
	int64_t last = 0;	/* how long the last cut took */
	struct stat st;
	if (run_pcap && stat(run_pcap, &st) == 0)	/* until one is timed: ~1.5 MB/ms */
		last = (int64_t)(st.st_size / 1500000);
	if (run_pcap) {
		add_ref(outdir, run_pcap_rel, "pcap", (size_t)run->capture.captured,
		    &run->evrefs, &run->n_evrefs);
		if (discovery && discovery->n_flows && !may_cut(budget, last)) {
			uncut++;
		} else if (discovery && discovery->n_flows) {
			char *rel = xasprintf("%s/discovery.pcap", evdir);
			int64_t t0 = wall_ms();
			split_into(run_pcap, outdir, rel, discovery, &run->evrefs,
			    &run->n_evrefs);
			last = wall_ms() - t0;
			free(rel);
		}
	}
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (r->kept_xml)
			continue;
		char *stem = file_stem(r->instance);
		if (run_pcap && r->ev && r->ev->n_flows && !may_cut(budget, last)) {
			uncut++;
		} else if (run_pcap && r->ev && r->ev->n_flows) {
			char *rel = xasprintf("%s/%s.pcap", evdir, stem);
			int64_t t0 = wall_ms();
			split_into(run_pcap, outdir, rel, r->ev, &r->evrefs, &r->n_evrefs);
			last = wall_ms() - t0;
			free(rel);
		}
		if (r->ev && r->ev->transcript_len) {
			char *rel = xasprintf("%s/%s.txt", evdir, stem);
			char *abs = xasprintf("%s/%s", outdir, rel);
			if (write_file(abs, r->ev->transcript, r->ev->transcript_len) == 0)
				add_ref(outdir, rel, "transcript", 0, &r->evrefs, &r->n_evrefs);
			free(rel);
			free(abs);
		}
		free(stem);
	}
	free(run_pcap);
	return uncut;
}
