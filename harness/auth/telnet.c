/*
 * Telnet and raw debug-shell logins: the socket half of telnet_login.c.  It
 * refuses every option but ECHO/SGA (proto/telnet.h), feeds the text to the
 * state machine through a sliding window (a 1 MiB banner or endless output
 * cannot grow memory), sends what it asks for and times the verdict.
 */
#include "auth/logins.h"

#include "auth/outcome.h"
#include "auth/stream.h"
#include "auth/telnet_login.h"
#include "core/util.h"
#include "proto/telnet.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK 4096
#define WINDOW (16u * 1024)	/* text since our last line, newest kept */
#define TOTAL_MAX (4u << 20)	/* no login flow needs more than this */

/* Appends, keeping the newest half of the window when full: prompts and
 * verdicts are at the end, and each read was already judged. */
static void
window_add(uint8_t *w, size_t *len, const uint8_t *p, size_t n)
{
	if (n > WINDOW / 2) {
		p += n - WINDOW / 2;
		n = WINDOW / 2;
	}
	if (*len + n > WINDOW) {
		size_t keep = WINDOW / 2;
		memmove(w, w + *len - keep, keep);
		*len = keep;
	}
	memcpy(w + *len, p, n);
	*len += n;
}

/* Telnet sends a data byte 0xFF as IAC IAC; a raw shell takes bytes as they are. */
static net_status_t
send_text(auth_stream_t *s, bool telnet, const char *line, size_t n, uint64_t deadline)
{
	uint8_t buf[2 * TL_LINE_MAX + 8];
	size_t o = 0;
	for (size_t i = 0; i < n && o + 2 <= sizeof(buf); i++) {
		buf[o++] = (uint8_t)line[i];
		if (telnet && (uint8_t)line[i] == TELNET_IAC)
			buf[o++] = TELNET_IAC;
	}
	return auth_stream_write(s, buf, o, deadline);
}

void
auth_telnet_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	bool telnet = strcmp(t->svc->protocol, "debug-shell") != 0;
	auth_outcome_init(out, telnet ? "telnet-login" : "debug-shell");
	char marker[32] = "iotc";
	if (auth_random_hex(marker + 4, sizeof(marker) - 4, 12) < 0) {
		auth_decide(out, AUTH_ERROR, "no random bytes for the echo marker");
		return;
	}
	telnet_login_t l;
	telnet_login_init(&l, user, pass, marker);
	if (l.phase == TL_DONE) {
		auth_decide(out, l.result, "%s", l.reason);
		return;
	}
	auth_stream_t s;
	char err[200];
	net_status_t st = auth_stream_open(&s, t, deadline, err, sizeof(err));
	if (st != NET_OK) {
		auth_decide(out, s.harness_fault ? AUTH_ERROR : AUTH_INCONCLUSIVE, "%s", err);
		return;
	}
	telnet_state_t ts = { 0 };
	uint8_t *in = xcalloc(READ_CHUNK, 1), *plain = xcalloc(READ_CHUNK, 1);
	uint8_t *text = xcalloc(WINDOW, 1);
	uint8_t reply[256];
	char line[TL_LINE_MAX + 8];
	size_t tlen = 0, total = 0;
	uint64_t sent_at = 0;	/* when the last credential went out */
	while (l.phase != TL_DONE) {
		size_t got, add, rl, ll;
		st = auth_stream_read(&s, in, READ_CHUNK, &got, deadline);
		if (st != NET_OK)
			break;
		total += got;
		telnet_feed(&ts, in, got, plain, READ_CHUNK, &add, reply, sizeof(reply), &rl);
		if (rl && (st = auth_stream_write(&s, reply, rl, deadline)) != NET_OK)
			break;
		window_add(text, &tlen, plain, add);
		tl_phase_t before = l.phase;
		tl_action_t a = telnet_login_step(&l, text, tlen, line, sizeof(line), &ll);
		if ((before == TL_USER_SENT || before == TL_PASS_SENT) && l.phase != before &&
		    l.phase != TL_PASS_SENT)
			out->delay_ms = (unsigned)(mono_ms() - sent_at);
		if (a == TL_SEND) {
			if (l.phase == TL_USER_SENT || l.phase == TL_PASS_SENT)
				sent_at = mono_ms();
			if ((st = send_text(&s, telnet, line, ll, deadline)) != NET_OK)
				break;
			tlen = 0;
		} else if (a == TL_WAIT && total > TOTAL_MAX) {
			auth_decide(out, AUTH_INCONCLUSIVE,
			    "the device sent over %u bytes without a usable prompt", TOTAL_MAX);
			goto out;
		}
	}
	if (l.phase != TL_DONE) {
		if (st == NET_CANCELLED || st == NET_ERROR) {
			auth_net_failure(out, st, "telnet exchange");
			goto out;
		}
		telnet_login_end(&l, st != NET_TIMEOUT, text, tlen);
	}
	auth_decide(out, l.result, "%s", l.reason);
out:
	auth_stream_close(&s);
	free(in);
	free(plain);
	free(text);
}
