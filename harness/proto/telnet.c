/*
 * Telnet IAC parser.  Subnegotiations are skipped with a bound so a device
 * that never sends IAC SE cannot grow anything.
 */
#include "proto/telnet.h"

enum { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC };

#define OPT_ECHO 1
#define OPT_SGA 3
#define SB_MAX 4096

void
telnet_feed(telnet_state_t *st, const uint8_t *in, size_t n,
    uint8_t *text, size_t text_cap, size_t *text_len,
    uint8_t *reply, size_t reply_cap, size_t *reply_len)
{
	*text_len = 0;
	*reply_len = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		switch (st->state) {
		case S_DATA:
			if (b == TELNET_IAC)
				st->state = S_IAC;
			else if (b != 0 && *text_len < text_cap)
				text[(*text_len)++] = b;
			break;
		case S_IAC:
			st->commands++;
			if (b == TELNET_IAC) {	/* escaped 0xff data byte */
				if (*text_len < text_cap)
					text[(*text_len)++] = b;
				st->state = S_DATA;
			} else if (b == TELNET_SB) {
				st->sb_len = 0;
				st->state = S_SB;
			} else if (b >= TELNET_WILL) {
				st->verb = b;
				st->state = S_OPT;
			} else {
				st->state = S_DATA;
			}
			break;
		case S_SB:
			if (b == TELNET_IAC)
				st->state = S_SB_IAC;
			else if (++st->sb_len > SB_MAX)
				st->state = S_DATA;
			break;
		case S_SB_IAC:
			st->state = b == TELNET_SE ? S_DATA : S_SB;
			break;
		default: {	/* S_OPT: b is the option st->verb is about */
			int verb = st->verb;
			uint8_t answer = 0;
			if (verb == TELNET_DO)
				answer = TELNET_WONT;
			else if (verb == TELNET_WILL)
				answer = (b == OPT_ECHO || b == OPT_SGA) ? TELNET_DO : TELNET_DONT;
			if (answer && *reply_len + 3 <= reply_cap) {
				reply[(*reply_len)++] = TELNET_IAC;
				reply[(*reply_len)++] = answer;
				reply[(*reply_len)++] = b;
			}
			st->state = S_DATA;
			break;
		}
		}
	}
}

bool
telnet_looks_like(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] == TELNET_IAC && p[1] >= TELNET_SB && p[1] <= TELNET_DONT;
}
