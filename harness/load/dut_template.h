/*
 * A commented DUT profile template (`iotcert init-profile`): the identity,
 * the interfaces (pre-filled from a discovery run's inventory when given),
 * the ICS with one line per EN 303 645 provision of the scheme, and the
 * IXIT sections the functional cases compare the device with.  The
 * template loads as written; the ICS and optional sections are commented
 * out until the manufacturer fills them in.
 */
#ifndef IOTCERT_DUT_TEMPLATE_H
#define IOTCERT_DUT_TEMPLATE_H

#include <stdio.h>

#include "core/model.h"

/* A service found by discovery, for pre-filling `interfaces:`. */
typedef struct tmpl_svc {
	const char *transport, *protocol, *address;	/* address may be NULL */
	int port;
} tmpl_svc_t;

/*
 * Writes the template to `out`.  `s` (may be NULL) supplies the ICS lines;
 * `from` names where the services came from (for the header; may be NULL).
 * Returns 0, or -1 when writing failed.
 */
int dut_template_write(FILE *out, const scheme_t *s, const tmpl_svc_t *svcs,
    size_t n_svcs, const char *from);

#endif
