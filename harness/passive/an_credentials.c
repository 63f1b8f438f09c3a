/*
 * Passive analyzer "credentials" (EN 303 645 5.5-7, 5.1-3): credentials the
 * DUT sends or accepts in cleartext — HTTP/RTSP Basic (and Proxy-) auth,
 * Bearer tokens and passwords in request-line queries (camera CGIs),
 * FTP USER/PASS, telnet logins, MQTT CONNECT user names and passwords, SNMP
 * v1/v2c communities.  HTTP Digest sends no password, but its user name is
 * in the clear: noted (kind "cleartext-username", severity "note").
 *
 * Per flow the state is fixed-size (see cr_flow_t): line buffers per
 * direction for the text protocols, one capped buffer for the MQTT CONNECT.
 * Bytes delivered before the flow table has classified the flow are kept
 * (capped) and replayed once it has.  Per run, distinct credentials are kept
 * up to CR_MAX_FINDINGS; the rest are only counted (`unreported`).
 *
 * Passwords are masked in findings unless the run reveals secrets
 * (cred_mask in cred_parse.h says how); the `credentials` field never holds
 * a password at all.
 */
#include "passive/analyzer.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "passive/cred_parse.h"
#include "passive/pd_util.h"
#include "proto/telnet.h"

#define CR_MAX_FINDINGS 1000
/* Sizes keep the per-flow block near 1 KiB: it exists for every DUT flow. */
#define CR_LINE 512		/* a client line; the rest of a longer one is cut */
#define CR_TAIL 128		/* the end of the server's current line (prompts) */
#define CR_SNIFF 512		/* bytes per direction kept before classification */
#define CR_MQTT 1024		/* of the CONNECT packet (a longer one: truncated) */

const field_spec_t pv_credentials_fields[] = {
	{ "credentials", VT_LIST, "cleartext credentials as \"protocol:username@host:port\" "
	    "(never the password), each once" },
	{ "count", VT_INT, "distinct cleartext credentials (reported and unreported)" },
	{ "digest_users", VT_LIST, "user names sent in cleartext by HTTP/RTSP Digest "
	    "authentication, as \"protocol:username@host:port\"" },
	{ "unreported", VT_INT, "credentials beyond the finding cap, counted only" },
	{ NULL, 0, NULL },
};

enum { K_UNDECIDED = 0, K_NONE, K_HTTP, K_FTP, K_TELNET, K_MQTT };
enum { T_IDLE = 0, T_WANT_USER, T_HAVE_USER, T_WANT_PASS };

typedef struct cr_line {
	uint16_t len;
	bool over;		/* longer than CR_LINE: the rest is cut */
	bool cr;		/* the last byte was CR (telnet sends CR NUL / CR LF) */
	uint64_t frame;		/* of the line's first byte */
	char b[CR_LINE];
} cr_line_t;

typedef struct cr_text {
	cr_line_t line;		/* the client's current line */
	uint16_t tail_len;
	char tail[CR_TAIL];	/* telnet: the end of the server's current line */
	telnet_state_t tn[2];
	uint8_t login;		/* T_* */
	bool have_user;
	char user[CRED_STR_MAX];
} cr_text_t;

typedef struct cr_mqtt {
	bool done;
	bool pass_framed;	/* pass_frame is known */
	uint16_t len;
	uint64_t first_frame, pass_frame;
	uint8_t b[CR_MQTT];
} cr_mqtt_t;

typedef struct cr_sniff {
	uint16_t len[2];
	int8_t first;		/* the direction that spoke first, -1 none */
	bool lost;
	uint64_t frame[2];
	uint8_t b[2][CR_SNIFF];
} cr_sniff_t;

typedef struct cr_flow {
	uint8_t kind;
	union {
		cr_sniff_t sniff;
		cr_text_t text;
		cr_mqtt_t mqtt;
	} u;
} cr_flow_t;

_Static_assert(sizeof(cr_flow_t) <= PV_STATE_MAX, "credentials state over PV_STATE_MAX");

typedef struct cr_ent {
	char proto[16], method[16];
	char user[CRED_STR_MAX], pass[CRED_STR_MAX];
	char host[64];
	uint16_t port;
	uint8_t ipproto;
	bool server, note, truncated;
	uint64_t frame, seen;
} cr_ent_t;

typedef struct cr_run {
	cr_ent_t *v;
	size_t n, cap;
	uint64_t unreported;
} cr_run_t;

static void *
cr_new(const pv_ctx_t *cx)
{
	(void)cx;
	return xcalloc(1, sizeof(cr_run_t));
}

static void
cr_free(void *rs)
{
	cr_run_t *r = rs;
	if (r == NULL)
		return;
	free(r->v);
	free(r);
}

/* One credential seen; distinct ones become findings at the end. */
static void
emit(cr_run_t *r, const pv_flow_t *f, const char *proto, const char *method,
    const char *user, const char *pass, uint64_t frame, bool truncated, bool note)
{
	char host[64];
	cred_remote_host(f, host, sizeof(host));
	bool server = f->dut == PV_DUT_SERVER;
	for (size_t i = 0; i < r->n; i++) {
		cr_ent_t *e = &r->v[i];
		if (e->port == f->sport && e->ipproto == f->proto && e->server == server &&
		    strcmp(e->proto, proto) == 0 && strcmp(e->method, method) == 0 &&
		    strcmp(e->user, user) == 0 && strcmp(e->pass, pass) == 0 &&
		    strcmp(e->host, host) == 0) {
			e->seen++;
			return;
		}
	}
	if (r->n == CR_MAX_FINDINGS) {
		r->unreported++;
		return;
	}
	r->v = pd_append(r->v, r->n, &r->cap, sizeof(*r->v), 16);
	cr_ent_t *e = &r->v[r->n++];
	snprintf(e->proto, sizeof(e->proto), "%s", proto);
	snprintf(e->method, sizeof(e->method), "%s", method);
	snprintf(e->user, sizeof(e->user), "%s", user);
	snprintf(e->pass, sizeof(e->pass), "%s", pass);
	snprintf(e->host, sizeof(e->host), "%s", host);
	e->port = f->sport;
	e->ipproto = f->proto;
	e->server = server;
	e->note = note;
	e->truncated = truncated;
	e->frame = frame;
	e->seen = 1;
}

/* ---- text protocols: lines ---- */

/*
 * Adds one byte to a line; true when it ended the line (CR, LF, or CR
 * followed by NUL or LF counting once).  Backspace and DEL edit, as the
 * terminal a person types into does.
 */
static bool
line_put(cr_line_t *l, uint8_t ch, uint64_t frame)
{
	if (ch == '\n' || ch == '\0') {
		bool was_cr = l->cr;
		l->cr = false;
		if (was_cr)
			return false;	/* the second half of CR LF / CR NUL */
		if (ch == '\0')
			return false;
		return true;
	}
	l->cr = ch == '\r';
	if (ch == '\r')
		return true;
	if (ch == 0x08 || ch == 0x7f) {
		if (l->len > 0 && !l->over)
			l->len--;
		return false;
	}
	if (l->len == 0 && !l->over)
		l->frame = frame;
	if (l->len < CR_LINE)
		l->b[l->len++] = (char)ch;
	else
		l->over = true;
	return false;
}

static void
line_reset(cr_line_t *l)
{
	l->len = 0;
	l->over = false;
}

static void
copy_line(const cr_line_t *l, size_t skip, char *out, size_t cap, bool *trunc)
{
	size_t n = l->len > skip ? l->len - skip : 0;
	cred_copy(out, cap, (const uint8_t *)l->b + skip, n, trunc);
	*trunc |= l->over;
}

static void
http_line(cr_run_t *r, const pv_flow_t *f, const cr_line_t *l)
{
	cred_http_t h;
	const char *proto = f->app[0] ? f->app : "http";
	/* A line longer than kept (a long JWT) is judged on what was kept,
	 * and says so. */
	if (cred_http_query(l->b, l->len, &h) == 1) {
		emit(r, f, proto, "url-query", h.user, h.pass, l->frame, h.truncated || l->over,
		    false);
		return;
	}
	cred_http_line(l->b, l->len, &h);
	h.truncated |= l->over;
	switch (h.kind) {
	case CRED_HTTP_BASIC:
	case CRED_HTTP_PROXY_BASIC:
		emit(r, f, proto, h.kind == CRED_HTTP_BASIC ? "basic" : "proxy-basic", h.user,
		    h.pass, l->frame, h.truncated, false);
		break;
	case CRED_HTTP_BEARER:
		emit(r, f, proto, "bearer", "", h.pass, l->frame, h.truncated, false);
		break;
	case CRED_HTTP_DIGEST:
		emit(r, f, proto, "digest", h.user, "", l->frame, h.truncated, true);
		break;
	default:
		break;	/* not an authorization header, or base64 garbage */
	}
}

static void
ftp_line(cr_run_t *r, const pv_flow_t *f, cr_text_t *t, const cr_line_t *l)
{
	bool trunc = false;
	if (l->len >= 5 && strncasecmp(l->b, "USER ", 5) == 0) {
		copy_line(l, 5, t->user, sizeof(t->user), &trunc);
		t->have_user = true;
	} else if (l->len >= 4 && strncasecmp(l->b, "PASS", 4) == 0 &&
	    (l->len == 4 || l->b[4] == ' ')) {
		char pass[CRED_STR_MAX];
		copy_line(l, 5, pass, sizeof(pass), &trunc);
		emit(r, f, "ftp", "user-pass", t->have_user ? t->user : "", pass, l->frame,
		    trunc, false);
		t->have_user = false;
	}
}

/* The telnet login dialogue: a prompt from the server, a line from the client. */
static void
telnet_client_line(cr_run_t *r, const pv_flow_t *f, cr_text_t *t, const cr_line_t *l)
{
	bool trunc = false;
	if (t->login == T_WANT_USER) {
		copy_line(l, 0, t->user, sizeof(t->user), &trunc);
		t->have_user = true;
		t->login = T_HAVE_USER;
	} else if (t->login == T_WANT_PASS) {
		char pass[CRED_STR_MAX];
		copy_line(l, 0, pass, sizeof(pass), &trunc);
		emit(r, f, "telnet", "login", t->have_user ? t->user : "", pass, l->frame, trunc,
		    false);
		t->have_user = false;
		t->login = T_IDLE;
	}
}

static void
telnet_server_text(cr_text_t *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			t->tail_len = 0;
			continue;
		}
		/* Only the end of the line matters for a prompt: keep the
		 * newest half when it fills. */
		if (t->tail_len == CR_TAIL) {
			memmove(t->tail, t->tail + CR_TAIL / 2, CR_TAIL / 2);
			t->tail_len = CR_TAIL / 2;
		}
		t->tail[t->tail_len++] = (char)p[i];
	}
	/* Judged only when text arrived: a prompt already answered must not
	 * count again when the server sends nothing but negotiation. */
	if (n == 0)
		return;
	cred_prompt_t pr = cred_prompt_at_end((const uint8_t *)t->tail, t->tail_len);
	if (pr == CRED_PROMPT_USER && t->login != T_WANT_USER) {
		t->login = T_WANT_USER;
		t->have_user = false;
	} else if (pr == CRED_PROMPT_PASS) {
		t->login = T_WANT_PASS;
	}
}

static void
text_data(cr_run_t *r, const pv_flow_t *f, cr_flow_t *st, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	cr_text_t *t = &st->u.text;
	uint8_t buf[256], reply[800];
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);
		const uint8_t *q = p;
		size_t qn = k;
		if (st->kind == K_TELNET) {
			/* Negotiation and subnegotiation bytes are not text. */
			size_t rl;
			telnet_feed(&t->tn[dir], p, k, buf, sizeof(buf), &qn, reply, sizeof(reply),
			    &rl);
			q = buf;
		}
		if (st->kind == K_TELNET && dir == PV_S2C) {
			telnet_server_text(t, q, qn);
		} else if (dir == PV_C2S) {
			cr_line_t *l = &t->line;
			for (size_t i = 0; i < qn; i++) {
				if (!line_put(l, q[i], frame))
					continue;
				if (st->kind == K_HTTP)
					http_line(r, f, l);
				else if (st->kind == K_FTP)
					ftp_line(r, f, t, l);
				else
					telnet_client_line(r, f, t, l);
				line_reset(l);
			}
		}
		p += k;
		n -= k;
	}
}

/* ---- MQTT ---- */

static void
mqtt_parse(cr_run_t *r, const pv_flow_t *f, cr_mqtt_t *m, bool partial)
{
	cred_mqtt_t c;
	m->done = true;
	if (cred_mqtt_connect(m->b, m->len, partial, &c) < 0 || (!c.has_user && !c.has_pass))
		return;
	emit(r, f, "mqtt", "connect", c.user, c.pass,
	    m->pass_framed ? m->pass_frame : m->first_frame, c.truncated, false);
}

static void
mqtt_data(cr_run_t *r, const pv_flow_t *f, cr_mqtt_t *m, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	if (dir != PV_C2S || m->done || n == 0)
		return;
	if (m->len == 0)
		m->first_frame = frame;
	size_t k = n < (size_t)(CR_MQTT - m->len) ? n : (size_t)(CR_MQTT - m->len);
	memcpy(m->b + m->len, p, k);
	m->len = (uint16_t)(m->len + k);
	/* The packet's size once its fixed header is in. */
	cursor_t c;
	uint8_t type;
	uint32_t rl;
	cur_init(&c, m->b, m->len);
	cur_u8(&c, &type);
	if (c.bad)
		return;
	if (type != 0x10) {
		m->done = true;	/* the first packet of a session is CONNECT */
		return;
	}
	if (cred_mqtt_varint(&c, &rl) < 0) {
		if (m->len >= 5)
			m->done = true;	/* a length of five bytes is malformed */
		return;
	}
	size_t total = c.off + (size_t)rl;
	/* The frame that carried the password's first byte: the first
	 * delivery after which the password starts inside the buffer (a
	 * re-parse per delivery, of at most CR_MQTT bytes). */
	cred_mqtt_t cm;
	if (!m->pass_framed && cred_mqtt_connect(m->b, m->len, true, &cm) == 0 &&
	    cm.pass_located && cm.pass_off < m->len) {
		m->pass_framed = true;
		m->pass_frame = frame;
	}
	if (m->len >= total)
		mqtt_parse(r, f, m, false);
	else if (m->len == CR_MQTT)
		mqtt_parse(r, f, m, true);	/* longer than kept: what fits */
}

/* ---- SNMP ---- */

static void
snmp_data(cr_run_t *r, const pv_flow_t *f, const uint8_t *p, size_t n, uint64_t frame)
{
	cred_snmp_t s;
	if (cred_snmp_peek(p, n, &s) < 0 || s.version > 1)
		return;
	char comm[CRED_STR_MAX];
	bool trunc = false;
	cred_copy(comm, sizeof(comm), s.community, s.community_len, &trunc);
	emit(r, f, "snmp", s.version == 0 ? "community-v1" : "community-v2c", "", comm, frame,
	    trunc, false);
}

/* ---- dispatch ---- */

static uint8_t
kind_of(const char *app)
{
	if (app[0] == '\0')
		return K_UNDECIDED;
	if (strcmp(app, "http") == 0 || strcmp(app, "rtsp") == 0)
		return K_HTTP;
	if (strcmp(app, "ftp") == 0)
		return K_FTP;
	if (strcmp(app, "telnet") == 0)
		return K_TELNET;
	if (strcmp(app, "mqtt") == 0)
		return K_MQTT;
	return K_NONE;
}

static void
dispatch(cr_run_t *r, const pv_flow_t *f, cr_flow_t *st, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	if (st->kind == K_MQTT)
		mqtt_data(r, f, &st->u.mqtt, dir, p, n, frame);
	else if (st->kind == K_HTTP || st->kind == K_FTP || st->kind == K_TELNET)
		text_data(r, f, st, dir, p, n, frame);
}

static void
cr_data(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs, pv_dir_t dir,
    const uint8_t *p, size_t n, uint64_t frame)
{
	cr_run_t *r = rs;
	cr_flow_t *st = fs;
	(void)cx;
	if (r == NULL || st == NULL || n == 0)
		return;
	if (f->proto == IPPROTO_UDP) {
		/* Datagrams stand alone: no state; a community is in each. */
		if (f->app[0] == '\0' || strcmp(f->app, "snmp") == 0)
			snmp_data(r, f, p, n, frame);
		return;
	}
	if (st->kind == K_UNDECIDED) {
		cr_sniff_t *s = &st->u.sniff;
		uint8_t k = kind_of(f->app);
		if (k == K_UNDECIDED) {
			/* Not classified yet: keep the bytes for when it is. */
			if (s->len[0] == 0 && s->len[1] == 0 && !s->lost)
				s->first = (int8_t)dir;
			if (s->len[dir] == 0)
				s->frame[dir] = frame;
			size_t room = CR_SNIFF - s->len[dir];
			size_t c = n < room ? n : room;
			memcpy(s->b[dir] + s->len[dir], p, c);
			s->len[dir] = (uint16_t)(s->len[dir] + c);
			s->lost |= c < n;
			return;
		}
		/* Classified now: replay what was kept, first speaker first. */
		cr_sniff_t old = *s;
		memset(&st->u, 0, sizeof(st->u));
		st->kind = k;
		/* (Bytes past the cap are gone; what was kept still counts.) */
		int d0 = old.first == 1 ? 1 : 0;
		for (int i = 0; i < 2; i++) {
			int d = i == 0 ? d0 : !d0;
			if (old.len[d])
				dispatch(r, f, st, (pv_dir_t)d, old.b[d], old.len[d], old.frame[d]);
		}
		if (old.lost && k != K_MQTT) {
			/* Do not join a kept line to one after the gap. */
			line_reset(&st->u.text.line);
			st->u.text.tail_len = 0;
		}
	}
	dispatch(r, f, st, dir, p, n, frame);
}

static void
cr_flow_end(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs)
{
	cr_run_t *r = rs;
	cr_flow_t *st = fs;
	(void)cx;
	if (r == NULL || st == NULL)
		return;
	/* A CONNECT cut short by the end of the capture still says what it
	 * carried as far as it got. */
	if (st->kind == K_MQTT && !st->u.mqtt.done && st->u.mqtt.len > 0)
		mqtt_parse(r, f, &st->u.mqtt, true);
	/* A password typed but never ended with Enter before the flow ended. */
	cr_text_t *t = &st->u.text;
	if (st->kind == K_TELNET && t->login == T_WANT_PASS && t->line.len > 0) {
		char pass[CRED_STR_MAX];
		bool trunc = true;
		copy_line(&t->line, 0, pass, sizeof(pass), &trunc);
		emit(r, f, "telnet", "login", t->have_user ? t->user : "", pass,
		    t->line.frame, true, false);
		t->login = T_IDLE;
	}
}

/* ---- results ---- */

static void
push_unique(evidence_t *ev, const cr_run_t *r, size_t i, const char *name)
{
	const cr_ent_t *e = &r->v[i];
	for (size_t j = 0; j < i; j++) {
		const cr_ent_t *o = &r->v[j];
		if (o->note == e->note && o->port == e->port && strcmp(o->proto, e->proto) == 0 &&
		    strcmp(o->user, e->user) == 0 && strcmp(o->host, e->host) == 0)
			return;
	}
	char *item = xasprintf("%s:%s@%s:%u", e->proto, e->user, e->host, e->port);
	ev_list_push(ev, name, item);
	free(item);
}

static void
cr_finish(const pv_ctx_t *cx, void *rs, evidence_t *ev)
{
	const cr_run_t *r = rs;
	ev_list_init(ev, "credentials");
	ev_list_init(ev, "digest_users");
	size_t creds = 0;
	for (size_t i = 0; r && i < r->n; i++)
		creds += !r->v[i].note;
	ev_set_int(ev, "count", (long long)(creds + (r ? r->unreported : 0)));
	ev_set_int(ev, "unreported", r ? (long long)r->unreported : 0);
	for (size_t i = 0; r && i < r->n; i++) {
		const cr_ent_t *e = &r->v[i];
		const char *tr = e->ipproto == IPPROTO_UDP ? "udp" : "tcp";
		const char *who = e->server ? "received by the DUT from" : "sent by the DUT to";
		push_unique(ev, r, i, e->note ? "digest_users" : "credentials");
		finding_t *fd;
		if (e->note) {
			fd = ev_finding(ev, "cleartext-username", tr, e->proto, e->port,
			    "%s Digest user name \"%s\" in cleartext, %s %s (the password is not sent)",
			    e->proto, e->user, who, e->host);
			finding_attr(fd, "severity", "note");
		} else {
			char masked[CRED_STR_MAX];
			cred_mask(e->pass, cx->reveal_secrets, masked, sizeof(masked));
			fd = ev_finding(ev, "cleartext-credential", tr, e->proto, e->port,
			    "%s credentials (%s) in cleartext, %s %s", e->proto, e->method, who,
			    e->host);
			finding_attr(fd, "password", "%s", masked);
		}
		finding_attr(fd, "username", "%s", e->user);
		finding_attr(fd, "method", "%s", e->method);
		finding_attr(fd, "role", "%s", e->server ? "server" : "client");
		finding_attr(fd, "host", "%s", e->host);
		finding_attr(fd, "frame", "%llu", (unsigned long long)e->frame);
		finding_attr(fd, "seen", "%llu", (unsigned long long)e->seen);
		if (e->truncated)
			finding_attr(fd, "truncated", "true");
	}
}

const pv_analyzer_t pv_an_credentials = {
	.name = "credentials",
	.summary = "credentials sent or accepted in cleartext (EN 303 645 5.5-7, 5.1-3)",
	.fields = pv_credentials_fields,
	.flow_state = sizeof(cr_flow_t),
	.run_new = cr_new,
	.run_free = cr_free,
	.data = cr_data,
	.flow_end = cr_flow_end,
	.finish = cr_finish,
};
