/*
 * TLS named groups (IANA "TLS Supported Groups" registry): the name and
 * size of each, so a crypto policy can name groups in YAML and judge an
 * observed group id by its size.  Read-only tables; no state.
 */
#ifndef IOTCERT_CRYPTO_GROUPS_H
#define IOTCERT_CRYPTO_GROUPS_H

#include <stddef.h>
#include <stdint.h>

typedef enum tls_group_kind {
	TLS_GK_EC,		/* elliptic curve (sect*, secp*, brainpool*, x25519, x448) */
	TLS_GK_FFDH,		/* finite-field DH (RFC 7919 ffdhe*) */
	TLS_GK_HYBRID,		/* post-quantum hybrid (ML-KEM with an EC group) */
	TLS_GK_OTHER,		/* explicit curves and the like: size unknown */
} tls_group_kind_t;

typedef struct tls_group_info {
	uint16_t id;
	const char *name;	/* IANA name: "secp256r1", "x25519", "ffdhe2048" */
	tls_group_kind_t kind;
	unsigned bits;		/* field size: curve bits or DH modulus bits; 0 when unknown */
} tls_group_info_t;

/* The entry for an id / an exact name, or NULL. */
const tls_group_info_t *tls_group_find(uint16_t id);
const tls_group_info_t *tls_group_by_name(const char *name);
/* The whole table, in id order. */
const tls_group_info_t *tls_group_all(size_t *n);

#endif
