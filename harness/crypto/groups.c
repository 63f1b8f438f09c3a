/*
 * The IANA TLS Supported Groups registry, as far as devices use it:
 * RFC 8422 (sect*, secp*), RFC 7027 and RFC 8734 (brainpool*), RFC 7748
 * (x25519, x448), RFC 7919 (ffdhe*) and the ML-KEM hybrids.
 */
#include "groups.h"

#include <string.h>

#include "core/util.h"

static const tls_group_info_t groups[] = {
	{ 1, "sect163k1", TLS_GK_EC, 163 },
	{ 2, "sect163r1", TLS_GK_EC, 163 },
	{ 3, "sect163r2", TLS_GK_EC, 163 },
	{ 4, "sect193r1", TLS_GK_EC, 193 },
	{ 5, "sect193r2", TLS_GK_EC, 193 },
	{ 6, "sect233k1", TLS_GK_EC, 233 },
	{ 7, "sect233r1", TLS_GK_EC, 233 },
	{ 8, "sect239k1", TLS_GK_EC, 239 },
	{ 9, "sect283k1", TLS_GK_EC, 283 },
	{ 10, "sect283r1", TLS_GK_EC, 283 },
	{ 11, "sect409k1", TLS_GK_EC, 409 },
	{ 12, "sect409r1", TLS_GK_EC, 409 },
	{ 13, "sect571k1", TLS_GK_EC, 571 },
	{ 14, "sect571r1", TLS_GK_EC, 571 },
	{ 15, "secp160k1", TLS_GK_EC, 160 },
	{ 16, "secp160r1", TLS_GK_EC, 160 },
	{ 17, "secp160r2", TLS_GK_EC, 160 },
	{ 18, "secp192k1", TLS_GK_EC, 192 },
	{ 19, "secp192r1", TLS_GK_EC, 192 },
	{ 20, "secp224k1", TLS_GK_EC, 224 },
	{ 21, "secp224r1", TLS_GK_EC, 224 },
	{ 22, "secp256k1", TLS_GK_EC, 256 },
	{ 23, "secp256r1", TLS_GK_EC, 256 },
	{ 24, "secp384r1", TLS_GK_EC, 384 },
	{ 25, "secp521r1", TLS_GK_EC, 521 },
	{ 26, "brainpoolP256r1", TLS_GK_EC, 256 },
	{ 27, "brainpoolP384r1", TLS_GK_EC, 384 },
	{ 28, "brainpoolP512r1", TLS_GK_EC, 512 },
	/* 255-bit field, but key-size tables (NIST SP 800-57) rank it with
	 * 256-bit curves; a policy's "256" must not refuse it. */
	{ 29, "x25519", TLS_GK_EC, 256 },
	{ 30, "x448", TLS_GK_EC, 448 },
	{ 31, "brainpoolP256r1tls13", TLS_GK_EC, 256 },
	{ 32, "brainpoolP384r1tls13", TLS_GK_EC, 384 },
	{ 33, "brainpoolP512r1tls13", TLS_GK_EC, 512 },
	{ 256, "ffdhe2048", TLS_GK_FFDH, 2048 },
	{ 257, "ffdhe3072", TLS_GK_FFDH, 3072 },
	{ 258, "ffdhe4096", TLS_GK_FFDH, 4096 },
	{ 259, "ffdhe6144", TLS_GK_FFDH, 6144 },
	{ 260, "ffdhe8192", TLS_GK_FFDH, 8192 },
	{ 0x11eb, "SecP256r1MLKEM768", TLS_GK_HYBRID, 256 },
	{ 0x11ec, "X25519MLKEM768", TLS_GK_HYBRID, 256 },
	{ 0x11ed, "SecP384r1MLKEM1024", TLS_GK_HYBRID, 384 },
	{ 0xff01, "arbitrary_explicit_prime_curves", TLS_GK_OTHER, 0 },
	{ 0xff02, "arbitrary_explicit_char2_curves", TLS_GK_OTHER, 0 },
};

const tls_group_info_t *
tls_group_find(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_LEN(groups); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

const tls_group_info_t *
tls_group_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(groups); i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

const tls_group_info_t *
tls_group_all(size_t *n)
{
	*n = ARRAY_LEN(groups);
	return groups;
}
