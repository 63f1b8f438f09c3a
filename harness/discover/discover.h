/*
 * Discovery: which TCP ports of the target are open (non-blocking connects
 * with bounded concurrency; open, closed and filtered told apart, filtered
 * retried), then what each open port speaks, identified by content in
 * parallel.  Fills target->svcs; the runner instantiates cases from it.
 */
#ifndef IOTCERT_DISCOVER_H
#define IOTCERT_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/evidence.h"
#include "core/target.h"
#include "net/tls.h"

typedef void (*discover_progress_fn)(void *arg, const char *phase, size_t done,
    size_t total);

typedef struct discover_opts {
	const int *tcp_ports;		/* borrowed */
	size_t n_tcp_ports;
	unsigned concurrency;		/* connects in flight; default 256 */
	unsigned connect_ms;		/* per attempt; default 1500 */
	unsigned retries;		/* extra attempts for filtered ports; default 1 */
	unsigned banner_ms;		/* wait for a spontaneous banner; default 1200 */
	unsigned probe_ms;		/* wait for an answer to each probe; default 1500 */
	unsigned id_threads;		/* identification workers; default 16 */
	unsigned rate;			/* TCP connects started per second; 0 = no limit */
	const int *udp_ports;		/* borrowed; NULL = the default IoT list */
	size_t n_udp_ports;
	bool no_udp;			/* skip UDP discovery */
	bool no_identify;		/* open ports only, as a bare connect sweep */
	tls_ctx_t *tls;			/* borrowed */
	const volatile int *cancel;
	discover_progress_fn progress;
	void *progress_arg;
} discover_opts_t;

/* Scans and identifies; flows of identification connections go to ev. */
int discover_run(target_t *t, const discover_opts_t *o, evidence_t *ev,
    char *err, size_t errlen);

/* Identifies one open port (exposed for tests and the runner). */
void discover_identify(service_t *svc, const discover_opts_t *o, evidence_t *ev);

#endif
