/*
 * Feeds what an SSH server sends first: the identification line (and the
 * lines before it) to ssh_ident_parse; the bytes after it as unencrypted
 * binary packets to ssh_packet_parse, each payload to ssh_kexinit_parse;
 * and the whole input as a public key blob to ssh_pubkey_bits.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/ssh_kex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256], type[SSH_NAME_MAX + 1];
	unsigned bits;
	(void)ssh_pubkey_bits(data, size, type, sizeof(type), &bits);

	ssh_ident_t id;
	size_t off = 0;
	if (ssh_ident_parse(data, size, &id, why, sizeof(why)) == SSH_PARSE_OK) {
		(void)ssh_ident_is_v2(&id);
		off = id.consumed;
	}
	/* Packets after the line (or from the start when there is none). */
	for (int i = 0; i < 8 && off < size; i++) {
		const uint8_t *pl;
		size_t plen, used;
		if (ssh_packet_parse(data + off, size - off, &pl, &plen, &used) != SSH_PARSE_OK)
			break;
		ssh_kexinit_t k = { 0 };
		(void)ssh_kexinit_parse(pl, plen, &k, why, sizeof(why));
		ssh_kexinit_clear(&k);
		if (used == 0)
			break;
		off += used;
	}
	/* The whole input as a KEXINIT payload too, so it need not be framed. */
	ssh_kexinit_t k = { 0 };
	(void)ssh_kexinit_parse(data, size, &k, why, sizeof(why));
	ssh_kexinit_clear(&k);
	return 0;
}
