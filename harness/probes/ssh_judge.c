/*
 * SSH algorithm judgement: see ssh_judge.h.  The built-in table holds what
 * issue 5 names as weak (SHA-1 key exchanges, DSA, CBC, arcfour, 3DES, MD5
 * and 96-bit MACs); a loaded crypto policy supersedes it.
 */
#include "probes/ssh_judge.h"

#include <stdio.h>
#include <string.h>

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

static bool
refuse(char *why, size_t len, const char *text)
{
	snprintf(why, len, "%s", text);
	return false;
}

/* The stand-in for a policy: names no current guidance counts as best practice. */
static bool
builtin(ssh_alg_kind_t kind, const char *name, char *why, size_t len)
{
	bool none = strcmp(name, "none") == 0;
	switch (kind) {
	case SSH_ALG_KEX:
		if (strcmp(name, "diffie-hellman-group1-sha1") == 0 ||
		    strcmp(name, "diffie-hellman-group14-sha1") == 0 ||
		    strcmp(name, "diffie-hellman-group-exchange-sha1") == 0)
			return refuse(why, len, "key exchange with SHA-1 (RFC 9142)");
		return true;
	case SSH_ALG_HOSTKEY:
		if (strcmp(name, "ssh-dss") == 0)
			return refuse(why, len, "DSA host keys (1024-bit, SHA-1; RFC 9142)");
		return true;
	case SSH_ALG_CIPHER:
		if (none)
			return refuse(why, len, "no encryption");
		if (ends_with(name, "-cbc") || strstr(name, "-cbc@"))
			return refuse(why, len, "CBC mode (RFC 9142)");
		if (strncmp(name, "arcfour", 7) == 0 || strncmp(name, "3des-", 5) == 0)
			return refuse(why, len, "broken or 64-bit block cipher (RFC 8758, RFC 9142)");
		return true;
	case SSH_ALG_MAC:
		if (none)
			return refuse(why, len, "no integrity protection");
		if (strncmp(name, "hmac-md5", 8) == 0)
			return refuse(why, len, "MD5-based MAC");
		if (strstr(name, "-96"))
			return refuse(why, len, "MAC truncated to 96 bits");
		return true;
	default:
		return true;
	}
}

bool
ssh_alg_ok(const crypto_policy_t *p, ssh_alg_kind_t kind, const char *name,
    const ssh_kexinit_t *k, char *why, size_t len)
{
	/* ssh-rsa names SHA-1 signatures; with rsa-sha2-* beside it a client need not use them. */
	if (kind == SSH_ALG_HOSTKEY && strcmp(name, "ssh-rsa") == 0 && k &&
	    !strlist_has(&k->list[SSH_L_HOSTKEY], "rsa-sha2-256") &&
	    !strlist_has(&k->list[SSH_L_HOSTKEY], "rsa-sha2-512"))
		return refuse(why, len, "RSA host key signatures with SHA-1 only (RFC 8332)");
	return p ? policy_ssh_alg(p, kind, name, why, len) : builtin(kind, name, why, len);
}
