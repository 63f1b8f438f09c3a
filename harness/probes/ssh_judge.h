/*
 * Which SSH algorithms are weak.  The crypto policy (crypto/policy.h)
 * judges names; what a name alone cannot tell stays here: ssh-rsa is weak
 * only when the server offers no SHA-2 RSA signature beside it.  Without a
 * policy, a built-in table stands in, so the probe works before runs
 * carry one.
 */
#ifndef IOTCERT_SSH_JUDGE_H
#define IOTCERT_SSH_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "crypto/policy.h"
#include "proto/ssh_kex.h"

/*
 * True when `name` of `kind` is acceptable from a server whose KEXINIT is
 * k; false with one sentence in `why`.  p NULL: the built-in table.
 */
bool ssh_alg_ok(const crypto_policy_t *p, ssh_alg_kind_t kind, const char *name,
    const ssh_kexinit_t *k, char *why, size_t len);

#endif
