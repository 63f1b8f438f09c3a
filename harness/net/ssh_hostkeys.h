/*
 * The host key behind one host key algorithm of an SSH server.  KEXINIT
 * only names the algorithms; the key itself (and so an RSA key's size)
 * arrives only in the server's key exchange reply, so this runs a real key
 * exchange through libssh, restricted to the one algorithm, and stops
 * there: no authentication is ever attempted.
 */
#ifndef IOTCERT_SSH_HOSTKEYS_H
#define IOTCERT_SSH_HOSTKEYS_H

#include <stdint.h>

#include "core/target.h"
#include "core/evidence.h"

typedef struct ssh_hostkey {
	char type[64];		/* the key's type as the blob names it: "ssh-rsa" */
	unsigned bits;
	char why[256];		/* when no key was read: what went wrong */
} ssh_hostkey_t;

/*
 * Connects to addr:port offering only `alg` as host key algorithm and
 * reads the key the server signs the exchange with.  0 with *out filled;
 * -1 with out->why (timeout, libssh refused the algorithm, the server
 * refused the exchange).  The flow is recorded in ev (may be NULL).
 */
int ssh_hostkey_fetch(const target_addr_t *addr, int port, const char *alg, uint64_t deadline,
    const volatile int *cancel, evidence_t *ev, ssh_hostkey_t *out);

#endif
