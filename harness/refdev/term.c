/*
 * Line input for the telnet and debug services.  With telnet on, IAC commands
 * and SB..SE subnegotiations are stripped from the input and option requests
 * are answered the RFC 1143 way (a reply only when a state changes), with a
 * per-option reply budget on top so that no peer, however broken, can make us
 * loop.  Lines may end in CR LF, CR NUL, CR alone or LF.
 */
#include "refdev.h"

#include "core/util.h"

#include <stdlib.h>
#include <string.h>

enum {
	T_SE = 240,
	T_AYT = 246,
	T_SB = 250,
	T_WILL = 251,
	T_WONT = 252,
	T_DO = 253,
	T_DONT = 254,
	T_IAC = 255,
};

enum { OPT_ECHO = 1, OPT_SGA = 3, OPT_TTYPE = 24 };
enum { TTYPE_IS = 0, TTYPE_SEND = 1 };

/* Per-option negotiation state, one side each (RFC 1143 without queues). */
enum { Q_NO, Q_YES, Q_WANTYES };

#define REPLY_BUDGET 4      /* replies per option for the whole connection */
#define SB_MAX 64           /* subnegotiation bytes kept; the rest dropped */
#define OUT_MAX 65536

enum tstate { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC };

struct term {
	conn_t *c;
	bool telnet;
	enum tstate st;
	unsigned char verb;
	unsigned char us[256];
	unsigned char him[256];
	unsigned char budget[256];
	unsigned char sb[SB_MAX];
	size_t sblen;
	bool skip_lf;
	unsigned char in[512];
	size_t in_off, in_len;
	buf_t out; /* replies and echo, sent before the next blocking read */
};

term_t *
term_new(conn_t *c, bool telnet)
{
	term_t *t = xcalloc(1, sizeof(*t));
	t->c = c;
	t->telnet = telnet;
	buf_init(&t->out, OUT_MAX);
	return t;
}

void
term_free(term_t *t)
{
	if (t == NULL)
		return;
	buf_free(&t->out);
	free(t);
}

static void
queue(term_t *t, const void *p, size_t n)
{
	buf_append(&t->out, p, n);
}

static void
queue_cmd(term_t *t, unsigned char verb, unsigned char opt)
{
	if (t->budget[opt] >= REPLY_BUDGET)
		return;
	t->budget[opt]++;
	unsigned char cmd[3] = { T_IAC, verb, opt };
	queue(t, cmd, sizeof(cmd));
}

static int
flush(term_t *t)
{
	if (t->out.len == 0)
		return 0;
	int r = conn_write(t->c, t->out.data, t->out.len);
	buf_reset(&t->out);
	return r;
}

int
term_negotiate(term_t *t)
{
	if (!t->telnet)
		return 0;
	/* What BusyBox telnetd asks for: we echo, no go-aheads; plus terminal type. */
	static const unsigned char hello[] = {
		T_IAC, T_WILL, OPT_ECHO,
		T_IAC, T_WILL, OPT_SGA,
		T_IAC, T_DO, OPT_TTYPE,
	};
	t->us[OPT_ECHO] = Q_WANTYES;
	t->us[OPT_SGA] = Q_WANTYES;
	t->him[OPT_TTYPE] = Q_WANTYES;
	return conn_write(t->c, hello, sizeof(hello));
}

static void
ask_ttype(term_t *t)
{
	static const unsigned char send[] = { T_IAC, T_SB, OPT_TTYPE, TTYPE_SEND, T_IAC, T_SE };
	queue(t, send, sizeof(send));
}

static void
on_option(term_t *t, unsigned char verb, unsigned char opt)
{
	bool ours = opt == OPT_ECHO || opt == OPT_SGA;
	switch (verb) {
	case T_DO:
		if (ours) {
			if (t->us[opt] == Q_NO)
				queue_cmd(t, T_WILL, opt);
			t->us[opt] = Q_YES;
		} else if (t->us[opt] == Q_NO) {
			queue_cmd(t, T_WONT, opt);
		}
		break;
	case T_DONT:
		if (t->us[opt] == Q_YES)
			queue_cmd(t, T_WONT, opt);
		t->us[opt] = Q_NO;
		break;
	case T_WILL:
		if (opt == OPT_TTYPE) {
			if (t->him[opt] == Q_NO)
				queue_cmd(t, T_DO, opt);
			if (t->him[opt] != Q_YES)
				ask_ttype(t);
			t->him[opt] = Q_YES;
		} else if (t->him[opt] == Q_NO) {
			queue_cmd(t, T_DONT, opt);
		}
		break;
	case T_WONT:
		if (t->him[opt] == Q_YES)
			queue_cmd(t, T_DONT, opt);
		t->him[opt] = Q_NO;
		break;
	}
}

static void
on_subneg(term_t *t)
{
	if (t->sblen >= 2 && t->sb[0] == OPT_TTYPE && t->sb[1] == TTYPE_IS) {
		char tt[SB_MAX];
		size_t n = 0;
		for (size_t i = 2; i < t->sblen && n + 1 < sizeof(tt); i++)
			if (t->sb[i] >= 0x20 && t->sb[i] < 0x7f)
				tt[n++] = (char)t->sb[i];
		tt[n] = '\0';
		conn_log(t->c, "terminal type %s", tt);
	}
}

/* Feeds one input byte through the telnet layer; true when it is data. */
static bool
telnet_byte(term_t *t, unsigned char ch)
{
	switch (t->st) {
	case S_DATA:
		if (ch != T_IAC)
			return true;
		t->st = S_IAC;
		return false;
	case S_IAC:
		t->st = S_DATA;
		if (ch == T_IAC)
			return true;
		if (ch >= T_WILL) {
			t->verb = ch;
			t->st = S_OPT;
		} else if (ch == T_SB) {
			t->sblen = 0;
			t->st = S_SB;
		} else if (ch == T_AYT) {
			static const char yes[] = "\r\n[yes]\r\n";
			queue(t, yes, sizeof(yes) - 1);
		}
		return false;
	case S_OPT:
		t->st = S_DATA;
		on_option(t, t->verb, ch);
		return false;
	case S_SB:
		if (ch == T_IAC)
			t->st = S_SB_IAC;
		else if (t->sblen < sizeof(t->sb))
			t->sb[t->sblen++] = ch;
		return false;
	case S_SB_IAC:
		if (ch == T_SE) {
			t->st = S_DATA;
			on_subneg(t);
		} else {
			/* IAC IAC is a literal 255; anything else is a peer bug: stay in SB. */
			if (ch == T_IAC && t->sblen < sizeof(t->sb))
				t->sb[t->sblen++] = ch;
			t->st = S_SB;
		}
		return false;
	}
	return false;
}

/* Output bytes as data: a 255 must be doubled on a telnet connection. */
static void
queue_data(term_t *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		queue(t, s + i, 1);
		if (t->telnet && (unsigned char)s[i] == T_IAC)
			queue(t, s + i, 1);
	}
}

int
term_write(term_t *t, const char *s)
{
	queue_data(t, s, strlen(s));
	return flush(t);
}

int
term_readline(term_t *t, char *out, size_t cap, bool echo)
{
	size_t len = 0;
	for (;;) {
		if (t->in_off == t->in_len) {
			if (flush(t) < 0)
				return -1;
			int r = conn_read(t->c, t->in, sizeof(t->in));
			if (r <= 0)
				return -1;
			t->in_off = 0;
			t->in_len = (size_t)r;
		}
		unsigned char ch = t->in[t->in_off++];
		if (t->telnet && !telnet_byte(t, ch))
			continue;
		/* The client may have turned our echo off (DONT ECHO). */
		bool show = echo && (!t->telnet || t->us[OPT_ECHO] != Q_NO);
		if (t->skip_lf) {
			t->skip_lf = false;
			if (ch == '\n' || ch == '\0')
				continue;
		}
		if (ch == '\r' || ch == '\n') {
			t->skip_lf = ch == '\r';
			if (show)
				queue(t, "\r\n", 2);
			out[len] = '\0';
			return flush(t) < 0 ? -1 : (int)len;
		}
		if (ch == 0x7f || ch == 0x08) {
			if (len > 0) {
				len--;
				if (show)
					queue(t, "\b \b", 3);
			}
			continue;
		}
		if (ch < 0x20)
			continue;
		if (len + 1 < cap) {
			out[len++] = (char)ch;
			if (show)
				queue_data(t, (const char *)&ch, 1);
		}
	}
}
