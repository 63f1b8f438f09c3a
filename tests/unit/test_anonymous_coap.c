/*
 * The anonymous-resources probe against a fake CoAP device on loopback
 * UDP: piggybacked and separate responses, an open, a protected and a
 * writable resource, a directory listing links it must not follow, and
 * devices that are silent, send garbage, lack the directory or are not
 * there at all.  The CoAP encoding itself is tested in
 * test_anonymous_coap_codec.c.
 */
#include "check_main.h"
#include "core/probe.h"
#include "core/util.h"
#include "proto/coap.h"
#include "proto/coap_put.h"
#include "test_anonymous.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- a fake CoAP device on loopback UDP ---- */

enum { FAKE_PIGGYBACK, FAKE_SEPARATE, FAKE_GARBAGE, FAKE_SILENT, FAKE_NO_DIRECTORY };

typedef struct fake_res {
	const char *path;
	uint8_t code;
	int cf;
	const char *body;
	uint8_t put_code;	/* 0: 4.05 */
} fake_res_t;

#define FAKE_WKC "</sensors/temp>;rt=\"temperature\";title=\"Temp, C\",</config>;ct=50," \
	"</secret>,</.well-known/core>,<coap://192.0.2.9/x>,</q?x=1>"

static const fake_res_t fake_res[] = {
	{ "/.well-known/core", COAP_CONTENT, 40, FAKE_WKC, 0 },
	{ "/sensors/temp", COAP_CONTENT, 0, "21.5", 0 },
	{ "/config", COAP_CONTENT, 50, "{\"led\":true}", COAP_CHANGED },
	{ "/secret", COAP_CODE(4, 1), -1, "", 0 },
};

typedef struct fake {
	int fd, port, mode;
	pthread_t th;
	atomic_bool stop;
	atomic_int acks;	/* empty ACKs to our separate responses */
	char put[128];		/* "path cf payload" of the last PUT */
} fake_t;

/* A response: the PUT builder's bytes with the type and code set. */
static size_t
fake_answer(uint8_t *out, size_t cap, int type, uint8_t code, uint16_t mid,
    const coap_msg_t *rq, const fake_res_t *r)
{
	size_t n = coap_put_build(out, cap, mid, rq->token, rq->tkl, "/", r->cf,
	    (const uint8_t *)r->body, strlen(r->body));
	out[0] = (uint8_t)((out[0] & 0xcf) | type << 4);
	out[1] = code;
	return n;
}

/* Which resource a request names: rebuild it for each path and compare. */
static const fake_res_t *
fake_lookup(const uint8_t *p, size_t n, const coap_msg_t *m)
{
	for (size_t i = 0; i < ARRAY_LEN(fake_res); i++) {
		uint8_t b[256];
		size_t k = m->code == COAP_GET
		    ? coap_get_build(b, sizeof(b), m->msgid, m->token, m->tkl, fake_res[i].path)
		    : coap_put_build(b, sizeof(b), m->msgid, m->token, m->tkl, fake_res[i].path,
		        m->content_format, m->payload, m->payload_len);
		if (k == n && memcmp(b, p, n) == 0)
			return &fake_res[i];
	}
	return NULL;
}

static void
fake_handle(fake_t *f, const uint8_t *p, size_t n, struct sockaddr *from, socklen_t fl)
{
	uint8_t out[512];
	size_t k = 0;
	coap_msg_t m;
	if (f->mode == FAKE_SILENT)
		return;
	if (f->mode == FAKE_GARBAGE) {
		sendto(f->fd, "hello", 5, 0, from, fl);
		return;
	}
	if (coap_parse(p, n, &m) < 0)
		return;
	if (m.type == COAP_ACK && m.code == 0) {
		atomic_fetch_add(&f->acks, 1);
		return;
	}
	const fake_res_t *r = fake_lookup(p, n, &m);
	static const fake_res_t none = { "", COAP_CODE(4, 4), -1, "", 0 };
	if (r == NULL || (f->mode == FAKE_NO_DIRECTORY && r == &fake_res[0]))
		r = &none;
	if (m.code == COAP_PUT) {
		snprintf(f->put, sizeof(f->put), "%s %d %.*s", r->path, m.content_format,
		    (int)m.payload_len, (const char *)m.payload);
		fake_res_t w = { r->path, r->put_code ? r->put_code : COAP_CODE(4, 5), -1, "", 0 };
		k = fake_answer(out, sizeof(out), COAP_ACK, w.code, m.msgid, &m, &w);
	} else if (f->mode == FAKE_SEPARATE && r->code == COAP_CONTENT && r != &fake_res[0]) {
		k = coap_ack_build(out, sizeof(out), m.msgid);
		sendto(f->fd, out, k, 0, from, fl);
		k = fake_answer(out, sizeof(out), COAP_CON, r->code, (uint16_t)(m.msgid ^ 0x5555),
		    &m, r);
	} else {
		k = fake_answer(out, sizeof(out), COAP_ACK, r->code, m.msgid, &m, r);
	}
	sendto(f->fd, out, k, 0, from, fl);
}

static void *
fake_thread(void *arg)
{
	fake_t *f = arg;
	while (!atomic_load(&f->stop)) {
		struct pollfd pf = { .fd = f->fd, .events = POLLIN };
		if (poll(&pf, 1, 50) <= 0)
			continue;
		uint8_t b[2048];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(f->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			fake_handle(f, b, (size_t)n, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void
fake_start(fake_t *f, int mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(f->fd, (struct sockaddr *)&a, &al);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_thread, f), 0);
}

static void
fake_stop(fake_t *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->fd);
}

static probe_status_t
coap_run(fake_t *f, bool try_write, long long read_ms, evidence_t *ev, char *reason,
    size_t rlen)
{
	params_t p = { .n = 0 };
	p_int(&p, "read-timeout", read_ms);
	if (try_write)
		p_bool(&p, "try-write", true);
	return run_probe("coap", "udp", f->port, &p, ev, reason, rlen);
}

static const finding_t *
coap_finding(const evidence_t *ev, const char *resource)
{
	for (size_t i = 0; i < ev->n_findings; i++)
		if (finding_get(&ev->findings[i], "resource") &&
		    strcmp(finding_get(&ev->findings[i], "resource"), resource) == 0)
			return &ev->findings[i];
	return NULL;
}

static void
assert_coap_device(const evidence_t *ev)
{
	ck_assert(ev_get(ev, "anonymous")->b);
	ck_assert_int_eq(ev_get(ev, "checked")->i, 3);
	assert_list(ev, "resources", "/sensors/temp, /config");
	assert_list(ev, "protected", "/secret");
	assert_list(ev, "unexamined", "</q?x=1> not requested: a query, percent-escape or "
	    "relative reference");
	ck_assert_uint_eq(ev->n_findings, 2);
	const finding_t *f = coap_finding(ev, "/sensors/temp");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->kind, "anonymous-access");
	ck_assert_str_eq(f->transport, "udp");
	ck_assert_str_eq(f->protocol, "coap");
	ck_assert_str_eq(finding_get(f, "content-type"), "text/plain");
	ck_assert_str_eq(finding_get(f, "bytes"), "4");
}

START_TEST(coap_read_only)
{
	fake_t f;
	fake_start(&f, FAKE_PIGGYBACK);
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(coap_run(&f, false, 1000, ev, reason, sizeof(reason)), PROBE_OK);
	fake_stop(&f);
	assert_coap_device(ev);
	assert_list(ev, "writable", "");
	ck_assert_str_eq(f.put, "");	/* nothing written without try-write */
	const finding_t *c = coap_finding(ev, "/config");
	ck_assert_str_eq(finding_get(c, "method"), "GET");
	ck_assert_str_eq(finding_get(c, "status"), "2.05");
	ck_assert_str_eq(finding_get(c, "content-type"), "application/json");
	ck_assert_ptr_null(finding_get(c, "writable"));
	const value_t *ans = ev_get(ev, "answers");
	ck_assert_str_eq(ans->items[0], "/.well-known/core 2.05 directory");
	ck_assert_str_eq(ans->items[1], "/sensors/temp 2.05 open");
	ck_assert_str_eq(ans->items[3], "/secret 4.01 protected");
	ck_assert_str_eq(ans->items[4], "/.well-known/core - links to other servers left out");
	evidence_free(ev);
}
END_TEST

START_TEST(coap_write_back)
{
	fake_t f;
	fake_start(&f, FAKE_SEPARATE);
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(coap_run(&f, true, 1000, ev, reason, sizeof(reason)), PROBE_OK);
	fake_stop(&f);
	assert_coap_device(ev);
	assert_list(ev, "writable", "/config");
	ck_assert_str_eq(f.put, "/config 50 {\"led\":true}");	/* its own value back */
	ck_assert_int_eq(atomic_load(&f.acks), 2);	/* each separate response acknowledged */
	const finding_t *c = coap_finding(ev, "/config");
	ck_assert_str_eq(finding_get(c, "method"), "PUT");
	ck_assert_str_eq(finding_get(c, "status"), "2.04");
	ck_assert_str_eq(finding_get(c, "writable"), "true");
	ck_assert_msg(strstr(c->summary, "5.5-5") != NULL, "%s", c->summary);
	const finding_t *t = coap_finding(ev, "/sensors/temp");
	ck_assert_str_eq(finding_get(t, "method"), "GET");
	ck_assert_str_eq(finding_get(t, "writable"), "false");
	evidence_free(ev);
}
END_TEST

START_TEST(coap_inconclusive)
{
	fake_t f;
	evidence_t *ev;
	char reason[512], want[160];
	fake_start(&f, FAKE_SILENT);
	ev = evidence_new();
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_uint_lt(mono_ms() - t0, 1500);
	snprintf(want, sizeof(want), "no CoAP answer to GET /.well-known/core from udp/%d: "
	    "no answer within ", f.port);
	ck_assert_msg(strncmp(reason, want, strlen(want)) == 0, "%s", reason);
	fake_stop(&f);
	evidence_free(ev);

	fake_start(&f, FAKE_GARBAGE);
	ev = evidence_new();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, ": only 2 unrelated or malformed datagrams in "), "%s",
	    reason);
	fake_stop(&f);
	evidence_free(ev);

	fake_start(&f, FAKE_NO_DIRECTORY);
	ev = evidence_new();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	snprintf(want, sizeof(want), "GET /.well-known/core on udp/%d answered 4.04: the "
	    "resources are not listed, so none could be examined", f.port);
	ck_assert_str_eq(reason, want);
	fake_stop(&f);
	evidence_free(ev);

	/* Nothing listening: ICMP port unreachable, said so at once. */
	int port = f.port;
	ev = evidence_new();
	ck_assert_int_eq(run_probe("coap", "udp", port, NULL, ev, reason, sizeof(reason)),
	    PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, "ICMP port unreachable"), "%s", reason);
	evidence_free(ev);
}
END_TEST

static Suite *
anonymous_coap_suite(void)
{
	Suite *s = suite_create("anonymous-coap");
	TCase *l = tcase_create("loopback");
	tcase_add_test(l, coap_read_only);
	tcase_add_test(l, coap_write_back);
	tcase_add_test(l, coap_inconclusive);
	suite_add_tcase(s, l);
	return s;
}

CHECK_MAIN(anonymous_coap_suite)
