/*
 * Telnet option negotiation (RFC 854/855), pure: no sockets.  The parser
 * strips IAC sequences from what a device sends, and builds the refusals we
 * answer with, so the login text underneath can be matched.
 */
#ifndef IOTCERT_TELNET_H
#define IOTCERT_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TELNET_IAC 255
#define TELNET_DONT 254
#define TELNET_DO 253
#define TELNET_WONT 252
#define TELNET_WILL 251
#define TELNET_SB 250
#define TELNET_SE 240

typedef struct telnet_state {
	int state;		/* parser state across calls */
	int verb;		/* DO/DONT/WILL/WONT awaiting its option */
	size_t commands;	/* IAC commands seen */
	size_t sb_len;		/* bytes inside the current subnegotiation */
} telnet_state_t;

/*
 * Feeds device bytes.  Plain text goes to text (up to text_cap; *text_len
 * set), replies to DO/WILL go to reply (up to reply_cap; *reply_len set): we
 * accept nothing except SGA/ECHO from the server, which keeps the exchange
 * short and never loops.
 */
void telnet_feed(telnet_state_t *st, const uint8_t *in, size_t n,
    uint8_t *text, size_t text_cap, size_t *text_len,
    uint8_t *reply, size_t reply_cap, size_t *reply_len);

/* True when the bytes begin like a telnet server's negotiation. */
bool telnet_looks_like(const uint8_t *p, size_t n);

#endif
