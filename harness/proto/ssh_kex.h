/*
 * The cleartext start of an SSH connection (RFC 4253): the identification
 * line, the binary packet framing before any cipher is in force, and
 * SSH_MSG_KEXINIT, whose name-lists say every algorithm a server offers.
 * Pure parsing and building, no I/O, every device byte read through the
 * cursor; the probes decide what the algorithms mean.
 */
#ifndef IOTCERT_SSH_KEX_H
#define IOTCERT_SSH_KEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define SSH_LINE_MAX		255	/* RFC 4253 4.2, CR LF included */
#define SSH_PREAMBLE_LINES	32	/* lines before the identification we sit through */
#define SSH_PACKET_MAX		35000	/* RFC 4253 6.1: what every implementation takes */
#define SSH_NAME_MAX		64	/* RFC 4251 6: an algorithm name */
#define SSH_NAMES_MAX		128	/* names in one list: more is not an honest server */
#define SSH_MSG_KEXINIT		20

typedef enum ssh_parse {
	SSH_PARSE_OK,
	SSH_PARSE_MORE,		/* incomplete: read more and call again */
	SSH_PARSE_BAD,		/* not SSH, or broken beyond use */
} ssh_parse_t;

typedef struct ssh_ident {
	char proto[16];		/* "2.0", "1.99", "1.5" */
	char software[SSH_LINE_MAX + 1];
	char comments[SSH_LINE_MAX + 1];	/* "" when none */
	size_t consumed;	/* bytes up to and including the line's LF */
} ssh_ident_t;

/*
 * Finds the server's identification line in the first n bytes received,
 * skipping the lines a server may send before it.  BAD with a sentence in
 * `why` for an over-long line, too many lines, or a malformed "SSH-" line.
 */
ssh_parse_t ssh_ident_parse(const uint8_t *p, size_t n, ssh_ident_t *out, char *why,
    size_t wlen);

/* True when the server speaks SSH 2 ("2.0", or "1.99": both). */
bool ssh_ident_is_v2(const ssh_ident_t *id);

/*
 * One unencrypted binary packet at the start of p: *payload points into p
 * (no copy), *consumed is the whole packet.  BAD for a length over
 * SSH_PACKET_MAX, padding under 4 bytes or past the packet, or no payload.
 */
ssh_parse_t ssh_packet_parse(const uint8_t *p, size_t n, const uint8_t **payload,
    size_t *plen, size_t *consumed);

/* The ten name-lists of KEXINIT, in wire order. */
enum ssh_kex_list {
	SSH_L_KEX, SSH_L_HOSTKEY, SSH_L_CIPHER_CS, SSH_L_CIPHER_SC, SSH_L_MAC_CS,
	SSH_L_MAC_SC, SSH_L_COMP_CS, SSH_L_COMP_SC, SSH_L_LANG_CS, SSH_L_LANG_SC,
	SSH_L_COUNT
};

typedef struct ssh_kexinit {
	uint8_t cookie[16];
	strlist_t list[SSH_L_COUNT];	/* owned */
	bool first_kex_follows;
} ssh_kexinit_t;

/*
 * Parses a KEXINIT payload (message number included).  -1 with a sentence
 * in `why` when it is not one or breaks the name-list rules; k is then
 * empty.  The caller clears k with ssh_kexinit_clear.
 */
int ssh_kexinit_parse(const uint8_t *payload, size_t n, ssh_kexinit_t *k, char *why,
    size_t wlen);
void ssh_kexinit_clear(ssh_kexinit_t *k);

/* Our identification line, CR LF included; its length. */
size_t ssh_ident_build(char *out, size_t cap);
/*
 * Our KEXINIT as a whole packet offering every algorithm we know by name,
 * old ones included, so a server that waits for the client's KEXINIT
 * still answers.  Appended to out; -1 if out is capped.
 */
int ssh_kexinit_build(buf_t *out, const uint8_t cookie[16]);

/*
 * The key type and size in an SSH public key blob (RFC 4253 6.6, RFC
 * 5656, RFC 8709): modulus bits for ssh-rsa, p bits for ssh-dss, the
 * curve's size for ECDSA, 256 for Ed25519.  -1 when the blob is malformed
 * or of an unknown type.
 */
int ssh_pubkey_bits(const uint8_t *blob, size_t n, char *type, size_t tlen, unsigned *bits);

#endif
