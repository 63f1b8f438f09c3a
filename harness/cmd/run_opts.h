/*
 * Options of `iotcert run`, parsed in run_opts.c and carried through the run.
 */
#ifndef IOTCERT_RUN_OPTS_H
#define IOTCERT_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

typedef struct run_opts {
	char *target;
	char *iface;
	char *dut;
	char *decisions;	/* --decisions FILE: the conceptual cases' verdicts */
	char *scheme;
	strlist_t cases;
	strlist_t select;
	strlist_t exclude;	/* --exclude: selectors of cases not to run */
	char *out;
	char *user;
	char *ports;		/* overrides the scheme's TCP list */
	char *udp;		/* UDP ports, or "none" */
	unsigned rate;		/* TCP connects per second, 0 = unlimited */
	bool discover_only;
	bool no_identify;	/* discover: open ports only */	/* `iotcert discover`: inventory, no test cases */
	bool no_capture;
	bool quiet;
	bool color;
	unsigned jobs;
	unsigned timeout_ms;
	unsigned connect_ms;
	unsigned observe_s;	/* --observe: capture on this long after the cases */
	unsigned max_time_s;	/* --max-time: deadline of the whole run, 0 = none */
	char *resume;		/* --resume DIR: continue the interrupted run there */
	char *sign_key;		/* --sign KEY: seal DIR with this private key at the end */
} run_opts_t;

/*
 * 0 ok, 1 --help printed, -1 usage error printed.  With --resume DIR only
 * --quiet, --no-color, --max-time, --user and --sign may be given (the rest
 * are the interrupted run's); --target is then not required.
 */
int run_opts_parse(run_opts_t *o, int argc, char **argv, bool discover_only);
void run_opts_free(run_opts_t *o);	/* frees the members, not o */

#endif
