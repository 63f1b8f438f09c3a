/*
 * ssh-algorithms: what an SSH server offers (EN 303 645 5.5-1, and 5.1-3
 * since SSH carries logins).  Reads the identification line and the
 * server's KEXINIT over a plain socket (ours are sent too, so a server that
 * waits for the client still speaks), then, per host key type offered, a
 * key exchange through libssh far enough to see the key and its size.
 * Every algorithm that is not best practice is a finding `ssh-algorithm`
 * with `type` and `algorithm`; a server speaking only SSH 1 is one too.
 */
#include "core/probe.h"
#include "core/util.h"
#include "net/sock.h"
#include "net/ssh_hostkeys.h"
#include "probes/channel_facts.h"
#include "probes/ssh_judge.h"
#include "proto/ssh_kex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CAP (SSH_PREAMBLE_LINES * SSH_LINE_MAX + SSH_PACKET_MAX + 4)

static const param_spec_t params[] = {
	{ "read-timeout", VT_INT, "5000", true, "milliseconds to wait for the identification and KEXINIT" },
	{ "host-keys", VT_BOOL, "true", true, "run a key exchange per host key type to read the keys' sizes" },
	{ "key-timeout", VT_INT, "5000", true, "milliseconds one such key exchange may take" },
	{ "min-rsa-bits", VT_INT, "2048", true, "smallest RSA host key that is not weak" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "version", VT_STR, "protocol version announced (\"2.0\", \"1.99\", \"1.5\")" },
	{ "software", VT_STR, "software version announced (\"dropbear_2022.83\")" },
	{ "kex", VT_LIST, "key exchange algorithms offered" },
	{ "host_keys", VT_LIST, "host key algorithms offered" },
	{ "ciphers", VT_LIST, "ciphers offered (both directions)" },
	{ "macs", VT_LIST, "MACs offered (both directions)" },
	{ "compression", VT_LIST, "compression offered (both directions)" },
	{ "host_key_bits", VT_LIST, "host keys read, as type:bits (\"ssh-rsa:2048\")" },
	{ "host_key_errors", VT_LIST, "host key algorithms whose key could not be read, with why" },
	{ "weak", VT_LIST, "what is not best practice, as type:algorithm (\"cipher:3des-cbc\")" },
	UNDECLARED_FIELD,
	CHANNEL_FACT_FIELDS,
	{ NULL, 0, NULL },
};

/* What the server offered and what we found weak; lives for one run. */
typedef struct seen {
	probe_ctx_t *ctx;
	/* The scheme's crypto policy; NULL (some unit tests): the built-in table judges. */
	const crypto_policy_t *policy;
	ssh_kexinit_t k;
	strlist_t ciphers, macs, comp;	/* both directions, first seen first */
} seen_t;

/* One weak item: the `weak` field and a finding, returned for more attributes. */
static finding_t *
flag(seen_t *s, const char *type, const char *alg, const char *why, unsigned bits)
{
	const service_t *svc = s->ctx->svc;
	char item[160], size[32] = "";
	if (bits)
		snprintf(size, sizeof(size), " (%u bits)", bits);
	snprintf(item, sizeof(item), "%s:%s%s", type, alg, size);
	ev_list_push(s->ctx->ev, "weak", item);
	finding_t *f = ev_finding(s->ctx->ev, "ssh-algorithm", svc->transport, svc->protocol,
	    svc->port, "SSH on %s/%d offers %s %s%s: %s", svc->transport, svc->port, type, alg,
	    size, why);
	finding_attr(f, "type", "%s", type);
	finding_attr(f, "algorithm", "%s", alg);
	if (bits)
		finding_attr(f, "key-bits", "%u", bits);
	return f;
}

static void
judge_list(seen_t *s, ssh_alg_kind_t kind, const strlist_t *l)
{
	char why[160];
	for (size_t i = 0; i < l->n; i++)
		if (!ssh_alg_ok(s->policy, kind, l->v[i], &s->k, why, sizeof(why)))
			flag(s, ssh_alg_kind_str(kind), l->v[i], why, 0);
}

static void
merge(strlist_t *dst, const strlist_t *a, const strlist_t *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strlist_has(dst, a->v[i]))
			strlist_push(dst, a->v[i]);
	for (size_t i = 0; i < b->n; i++)
		if (!strlist_has(dst, b->v[i]))
			strlist_push(dst, b->v[i]);
}

static void
put_list(evidence_t *ev, const char *name, const strlist_t *l)
{
	ev_list_init(ev, name);
	for (size_t i = 0; i < l->n; i++)
		ev_list_push(ev, name, l->v[i]);
}

/* What has been read so far, in one capped buffer. */
typedef struct inbox {
	unsigned char *buf;
	size_t n;
} inbox_t;

/* Stops reading once the identification and (for SSH 2) one packet are in. */
static int
got_enough(const unsigned char *p, size_t got, void *arg)
{
	const inbox_t *in = arg;
	(void)p;
	size_t n = in->n + got;
	ssh_ident_t id;
	ssh_parse_t r = ssh_ident_parse(in->buf, n, &id, NULL, 0);
	if (r != SSH_PARSE_OK)
		return r == SSH_PARSE_BAD;
	if (!ssh_ident_is_v2(&id))
		return 1;
	const uint8_t *pl;
	size_t plen, used;
	return ssh_packet_parse(in->buf + id.consumed, n - id.consumed, &pl, &plen, &used) !=
	    SSH_PARSE_MORE;
}

static net_status_t
read_more(conn_t *c, inbox_t *in, uint64_t deadline)
{
	size_t got = 0;
	net_status_t st = conn_read_until(c, in->buf + in->n, READ_CAP - in->n, &got, deadline,
	    got_enough, in);
	in->n += got;
	return st;
}

/* The server has identified itself as SSH 2 but sent nothing more yet. */
static bool
waits_for_us(const inbox_t *in)
{
	ssh_ident_t id;
	return ssh_ident_parse(in->buf, in->n, &id, NULL, 0) == SSH_PARSE_OK &&
	    ssh_ident_is_v2(&id) && in->n == id.consumed;
}

/*
 * The host key algorithms worth one key exchange each: the RSA names share
 * one key, so they go together; certificates and unknown names are left.
 */
static void
key_queries(const strlist_t *offered, strlist_t *out)
{
	static const char *const single[] = { "ssh-ed25519", "ssh-ed448", "ecdsa-sha2-nistp256",
		"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-dss" };
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" };
	strlist_t r = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(rsa); i++)
		if (strlist_has(offered, rsa[i]))
			strlist_push(&r, rsa[i]);
	if (r.n)
		strlist_push_owned(out, strlist_join(&r, ","));
	strlist_free(&r);
	for (size_t i = 0; i < ARRAY_LEN(single); i++)
		if (strlist_has(offered, single[i]))
			strlist_push(out, single[i]);
}

static void
host_key_sizes(seen_t *s)
{
	probe_ctx_t *ctx = s->ctx;
	long long ms = step_int(ctx, "key-timeout"), min_rsa = step_int(ctx, "min-rsa-bits");
	strlist_t q = { 0 };
	key_queries(&s->k.list[SSH_L_HOSTKEY], &q);
	ev_list_init(ctx->ev, "host_key_bits");
	ev_list_init(ctx->ev, "host_key_errors");
	for (size_t i = 0; i < q.n && !(ctx->cancel && *ctx->cancel); i++) {
		ssh_hostkey_t hk;
		uint64_t dl = deadline_min(mono_ms() + (uint64_t)(ms > 0 ? ms : 1), ctx->deadline_ms);
		char item[sizeof(hk.why) + 80];
		if (ssh_hostkey_fetch(ctx->svc->addr, ctx->svc->port, q.v[i], dl, ctx->cancel,
		    ctx->ev, &hk) < 0) {
			snprintf(item, sizeof(item), "%s: %s", q.v[i], hk.why);
			ev_list_push(ctx->ev, "host_key_errors", item);
			continue;
		}
		snprintf(item, sizeof(item), "%s:%u", hk.type, hk.bits);
		ev_list_push(ctx->ev, "host_key_bits", item);
		if (strcmp(hk.type, "ssh-rsa") == 0 && (long long)hk.bits < min_rsa) {
			char why[96];
			snprintf(why, sizeof(why), "RSA host key under %lld bits", min_rsa);
			flag(s, "host-key", hk.type, why, hk.bits);
		}
	}
	strlist_free(&q);
}

/* An identification and KEXINIT read: the fields, and findings for what is weak. */
static void
record(seen_t *s)
{
	evidence_t *ev = s->ctx->ev;
	const ssh_kexinit_t *k = &s->k;
	merge(&s->ciphers, &k->list[SSH_L_CIPHER_CS], &k->list[SSH_L_CIPHER_SC]);
	merge(&s->macs, &k->list[SSH_L_MAC_CS], &k->list[SSH_L_MAC_SC]);
	merge(&s->comp, &k->list[SSH_L_COMP_CS], &k->list[SSH_L_COMP_SC]);
	put_list(ev, "kex", &k->list[SSH_L_KEX]);
	put_list(ev, "host_keys", &k->list[SSH_L_HOSTKEY]);
	put_list(ev, "ciphers", &s->ciphers);
	put_list(ev, "macs", &s->macs);
	put_list(ev, "compression", &s->comp);
	judge_list(s, SSH_ALG_KEX, &k->list[SSH_L_KEX]);
	judge_list(s, SSH_ALG_HOSTKEY, &k->list[SSH_L_HOSTKEY]);
	judge_list(s, SSH_ALG_CIPHER, &s->ciphers);
	judge_list(s, SSH_ALG_MAC, &s->macs);
	judge_list(s, SSH_ALG_COMPRESSION, &s->comp);
}

/* TS 103 701 5.5-1-2: nothing offered beyond the DUT profile's ssh-algorithms. */
static void
judge_declared(seen_t *s)
{
	probe_ctx_t *ctx = s->ctx;
	const dut_commech_t *m = ctx->dut ? dut_commech_for(ctx->dut, ctx->svc->transport,
	    ctx->svc->port) : NULL;
	if (m == NULL || m->ssh_algorithms.n == 0)
		return;
	const struct { ssh_alg_kind_t kind; const strlist_t *l; } sets[] = {
		{ SSH_ALG_KEX, &s->k.list[SSH_L_KEX] },
		{ SSH_ALG_HOSTKEY, &s->k.list[SSH_L_HOSTKEY] },
		{ SSH_ALG_CIPHER, &s->ciphers },
		{ SSH_ALG_MAC, &s->macs },
	};
	for (size_t i = 0; i < ARRAY_LEN(sets); i++)
		for (size_t k = 0; k < sets[i].l->n; k++) {
			const char *a = sets[i].l->v[k];
			/* Pseudo-algorithms announce extensions (RFC 8308), not cryptography. */
			if (strncmp(a, "ext-info-", 9) == 0 || strncmp(a, "kex-strict-", 11) == 0 ||
			    strlist_has(&m->ssh_algorithms, a))
				continue;
			finding_attr(undeclared_crypto(ctx, "algorithm", a, &m->ssh_algorithms),
			    "type", "%s", ssh_alg_kind_str(sets[i].kind));
		}
}

static void
send_kexinit(conn_t *c, uint64_t deadline)
{
	uint8_t cookie[16];
	/* The cookie only has to differ between connections; no secret rides on it. */
	uint64_t t = mono_ms() ^ (uint64_t)(uintptr_t)c;
	for (size_t i = 0; i < sizeof(cookie); i++)
		cookie[i] = (uint8_t)(t >> (8 * (i % 8)) ^ i);
	buf_t b;
	buf_init(&b, SSH_PACKET_MAX);
	if (ssh_kexinit_build(&b, cookie) == 0)
		(void)conn_write(c, b.data, b.len, deadline);
	buf_free(&b);
}

/*
 * Our identification, then theirs and their KEXINIT into `in`.  Servers
 * send their KEXINIT unasked; one that has not within half the time may
 * wait for the client's, so ours goes first then (*sent).
 */
static net_status_t
read_start(conn_t *c, inbox_t *in, uint64_t dl, long long rt, bool *sent)
{
	char mine[64];
	size_t mlen = ssh_ident_build(mine, sizeof(mine));
	*sent = false;
	net_status_t st = conn_write(c, mine, mlen, dl);
	if (st == NET_OK)
		st = read_more(c, in, deadline_min(dl, mono_ms() + (uint64_t)(rt > 1 ? rt / 2 : 1)));
	if (st == NET_TIMEOUT && waits_for_us(in)) {
		send_kexinit(c, dl);
		*sent = true;
	}
	if (st == NET_TIMEOUT)
		st = read_more(c, in, dl);
	return st;
}

/* A server that speaks SSH 1 only: one finding, nothing more to read. */
static void
flag_ssh1(probe_ctx_t *ctx, const ssh_ident_t *id)
{
	seen_t s = { .ctx = ctx };
	char alg[32];
	snprintf(alg, sizeof(alg), "SSH-%s", id->proto);
	finding_t *f = flag(&s, "protocol", alg, "SSH protocol 1 only (broken; RFC 4253 "
	    "replaces it)", 0);
	finding_attr(f, "version", "%s", id->proto);
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	evidence_t *ev = ctx->ev;
	ev_list_init(ev, "weak");
	ev_list_init(ev, "undeclared");
	long long rt = step_int(ctx, "read-timeout");
	uint64_t dl = deadline_min(mono_ms() + (uint64_t)(rt > 0 ? rt : 1), ctx->deadline_ms);
	conn_t c;
	net_status_t st = conn_tcp(&c, ctx->svc->addr, ctx->svc->port, dl, ctx->cancel, ev);
	if (st != NET_OK)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "connect: %s", net_status_str(st));
	inbox_t in = { .buf = xcalloc(1, READ_CAP) };
	probe_status_t ret = PROBE_OK;
	bool sent_kexinit;
	st = read_start(&c, &in, dl, rt, &sent_kexinit);
	unsigned char *buf = in.buf;
	size_t n = in.n;
	ssh_ident_t id;
	char why[160] = "";
	ssh_parse_t r = ssh_ident_parse(buf, n, &id, why, sizeof(why));
	if (r != SSH_PARSE_OK) {
		ret = probe_fail(ctx, PROBE_INCONCLUSIVE, "no SSH identification: %s",
		    r == SSH_PARSE_BAD ? why : net_status_str(st));
		goto out;
	}
	ev_set_str(ev, "version", id.proto);
	ev_set_str(ev, "software", id.software);
	if (!ssh_ident_is_v2(&id)) {
		flag_ssh1(ctx, &id);
		goto out;
	}
	const uint8_t *pl;
	size_t plen, used;
	r = ssh_packet_parse(buf + id.consumed, n - id.consumed, &pl, &plen, &used);
	if (r != SSH_PARSE_OK) {
		ret = probe_fail(ctx, PROBE_INCONCLUSIVE, "no KEXINIT after the identification: %s",
		    r == SSH_PARSE_BAD ? "malformed packet" : net_status_str(st));
		goto out;
	}
	seen_t s = { .ctx = ctx, .policy = ctx->policy };
	if (ssh_kexinit_parse(pl, plen, &s.k, why, sizeof(why)) < 0) {
		ret = probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", why);
		goto out;
	}
	/* Polite: the server sees a complete client start, then we leave. */
	if (!sent_kexinit)
		send_kexinit(&c, dl);
	conn_close(&c);
	record(&s);
	judge_declared(&s);
	if (step_bool(ctx, "host-keys"))
		host_key_sizes(&s);
	channel_facts(ctx);
	ssh_kexinit_clear(&s.k);
	strlist_free(&s.ciphers);
	strlist_free(&s.macs);
	strlist_free(&s.comp);
	free(buf);
	return PROBE_OK;
out:
	conn_close(&c);
	free(buf);
	return ret;
}

const probe_kind_t probe_ssh_algorithms = {
	.name = "ssh-algorithms",
	.summary = "SSH identification, KEXINIT algorithms and host key sizes; weak ones are findings",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
