/*
 * IXIT 7-UpdMech: the DUT profile's `update:` section loads, its mistakes
 * are named at file:line:col, and the update-channel judgement holds the
 * endpoints of a capture analysis to it — a stated server over another
 * protocol FAILs, cleartext without stated image verification FAILs, an
 * unseen server is INCONCLUSIVE, update-like names the IXIT misses are
 * notes.  The endpoints evidence is built as the endpoints analyzer writes
 * it; the analyzer itself is tested in test_pv_endpoints and, with the
 * reference device's traffic, by tests/e2e/capture.sh.
 */
#include "check_main.h"
#include "diags_text.h"
#include "core/util.h"
#include "load/load.h"
#include "probes/update_channel.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEVICE "device: {manufacturer: M, model: X, hardware-version: \"1\", " \
	"software-version: \"1\", serial: S1}\n"

static dut_t *
load_text(const char *text, diags_t *d)
{
	char path[] = "/tmp/iotcert-upd-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	char *all = xasprintf(DEVICE "%s", text);
	ck_assert_int_eq(write(fd, all, strlen(all)), (ssize_t)strlen(all));
	close(fd);
	free(all);
	dut_t *dut = load_dut(path, d);
	unlink(path);
	return dut;
}

static void
assert_error(const char *text, int line, int col, const char *frag)
{
	diags_t d = { 0 };
	dut_t *dut = load_text(text, &d);
	ck_assert_ptr_null(dut);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].line == line && d.v[i].col == col && strstr(d.v[i].msg, frag)) {
			diags_free(&d);
			return;
		}
	char *t = diags_text(&d);
	ck_abort_msg("no error at %d:%d with \"%s\":%s", line, col, frag, t);
	free(t);
}

START_TEST(section_loads)
{
	diags_t d = { 0 };
	dut_t *dut = load_text("update:\n"
	    "  - id: UpdMech-1\n"
	    "    description: nightly\n"
	    "    delivery: network\n"
	    "    initiation: both\n"
	    "    servers: [fw.example.com, 192.0.2.80]\n"
	    "    protocol: https\n"
	    "    authenticity: signature\n"
	    "    crypto: ECDSA P-256\n"
	    "  - {id: UpdMech-2, delivery: local, initiation: user}\n", &d);
	ck_assert_ptr_nonnull(dut);
	ck_assert_uint_eq(dut->n_updmech, 2);
	const dut_updmech_t *u = &dut->updmech[0];
	ck_assert_str_eq(u->id, "UpdMech-1");
	ck_assert_str_eq(u->delivery, "network");
	ck_assert_str_eq(u->initiation, "both");
	ck_assert_uint_eq(u->servers.n, 2);
	ck_assert_str_eq(u->servers.v[1], "192.0.2.80");
	ck_assert_str_eq(u->protocol, "https");
	ck_assert_str_eq(u->authenticity, "signature");
	ck_assert_str_eq(u->crypto, "ECDSA P-256");
	ck_assert_int_eq(u->pos.line, 3);
	ck_assert_ptr_null(dut->updmech[1].protocol);
	dut_free(dut);
	diags_free(&d);
}
END_TEST

START_TEST(section_errors)
{
	assert_error("update:\n  - {id: U1, delivery: netwrok}\n", 3, 24,
	    "delivery must be one of network, local, none, got 'netwrok' (did you mean 'network'?)");
	assert_error("update:\n  - {id: U1, delivery: network, protocol: ftp}\n", 3, 43,
	    "protocol must be one of https, http");
	assert_error("update:\n  - {id: U1, delivery: network, servers: [\"https://fw.example.com/x\"]}\n",
	    3, 43, "is a URL: write the host name or address only");
	assert_error("update:\n  - {id: U1, delivery: network, servers: [\"fw example\"]}\n",
	    3, 43, "is not a host name or an address");
	assert_error("update:\n  - {id: U1, delivery: local, servers: [fw.example.com]}\n",
	    3, 40, "only network delivery fetches from a server");
	assert_error("update:\n  - {delivery: none}\n", 3, 5, "id");
	assert_error("update:\n  - {id: U1, delivery: none}\n  - {id: U1, delivery: local}\n",
	    4, 5, "duplicate update entry id 'U1'");
	assert_error("update:\n  - {id: U1, delivery: network, authenticity: maybe}\n", 3, 47,
	    "authenticity must be one of signature, none");
	assert_error("update:\n  - {id: U1, delivery: none, colour: red}\n", 3, 30, "unknown key");
}
END_TEST

/* An outbound endpoint finding as the endpoints analyzer writes it. */
static void
endpoint(evidence_t *ev, const char *names, const char *addr, int port, const char *app,
    const char *dir)
{
	finding_t *f = ev_finding(ev, "endpoint", "tcp", app, port, "endpoint");
	finding_attr(f, "severity", "note");
	const char *sp = names ? strchr(names, ' ') : NULL;
	if (names) {
		finding_attr(f, "host", "%.*s", (int)(sp ? (size_t)(sp - names) : strlen(names)),
		    names);
		finding_attr(f, "names", "%s", names);
	} else {
		finding_attr(f, "host", "%s", addr);
	}
	finding_attr(f, "address", "%s", addr);
	finding_attr(f, "direction", "%s", dir);
	finding_attr(f, "frame", "7");
}

static dut_t *
profile(const char *protocol, const char *auth)
{
	diags_t d = { 0 };
	char *t = xasprintf("update:\n  - {id: UpdMech-1, delivery: network, "
	    "servers: [updates.example.com, 192.0.2.80], protocol: %s%s%s}\n", protocol,
	    auth ? ", authenticity: " : "", auth ? auth : "");
	dut_t *dut = load_text(t, &d);
	free(t);
	ck_assert_ptr_nonnull(dut);
	diags_free(&d);
	return dut;
}

static size_t
list_n(const evidence_t *ev, const char *name)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_ptr_nonnull(v);
	return v->n_items;
}

static const char *
item(const evidence_t *ev, const char *name, size_t i)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_uint_gt(v->n_items, i);
	return v->items[i];
}

START_TEST(judge_as_stated)
{
	dut_t *dut = profile("https", "signature");
	evidence_t *eps = evidence_new(), *out = evidence_new();
	endpoint(eps, "cloud.example.com updates.example.com", "203.0.113.5", 443, "tls", "outbound");
	char why[256] = "";
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_OK);
	ck_assert_uint_eq(list_n(out, "servers"), 2);
	ck_assert_str_eq(item(out, "observed", 0),
	    "updates.example.com(203.0.113.5):443/tcp tls");
	ck_assert_str_eq(item(out, "not_observed", 0), "192.0.2.80");
	ck_assert_uint_eq(list_n(out, "differs"), 0);
	ck_assert_uint_eq(list_n(out, "unprotected"), 0);
	ck_assert_str_eq(finding_get(&out->findings[0], "severity"), "note");
	evidence_free(eps);
	evidence_free(out);
	dut_free(dut);
}
END_TEST

START_TEST(judge_other_protocol_differs)
{
	dut_t *dut = profile("https", "signature");
	evidence_t *eps = evidence_new(), *out = evidence_new();
	/* Matched by address, case and a trailing dot do not matter for names. */
	endpoint(eps, NULL, "192.0.2.80", 80, "http", "outbound");
	endpoint(eps, "UPDATES.example.com.", "203.0.113.5", 8080, "http", "outbound");
	char why[256] = "";
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_OK);
	ck_assert_uint_eq(list_n(out, "differs"), 2);
	ck_assert_str_eq(item(out, "differs", 0),
	    "updates.example.com(203.0.113.5):8080/tcp over http (UpdMech-1 states https)");
	/* A signature is stated: the cleartext is a difference, not unprotected. */
	ck_assert_uint_eq(list_n(out, "unprotected"), 0);
	ck_assert_str_eq(finding_get(&out->findings[0], "severity"), "high");
	ck_assert_str_eq(finding_get(&out->findings[0], "frame"), "7");
	ck_assert_str_eq(item(out, "differs", 1), "192.0.2.80:80/tcp over http (UpdMech-1 states https)");
	evidence_free(eps);
	evidence_free(out);
	dut_free(dut);
}
END_TEST

START_TEST(judge_cleartext_unverified)
{
	dut_t *dut = profile("http", NULL);
	evidence_t *eps = evidence_new(), *out = evidence_new();
	endpoint(eps, "updates.example.com", "203.0.113.5", 80, "http", "outbound");
	char why[256] = "";
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_OK);
	ck_assert_uint_eq(list_n(out, "differs"), 0);	/* http as stated */
	ck_assert_str_eq(item(out, "unprotected", 0), "updates.example.com(203.0.113.5):80/tcp "
	    "over http, no image verification stated (UpdMech-1)");
	evidence_free(eps);
	evidence_free(out);
	dut_free(dut);

	/* The same, stated with a signature: nothing to hold against it. */
	dut = profile("http", "signature");
	eps = evidence_new();
	out = evidence_new();
	endpoint(eps, "updates.example.com", "203.0.113.5", 80, "http", "outbound");
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_OK);
	ck_assert_uint_eq(list_n(out, "unprotected"), 0);
	ck_assert_uint_eq(list_n(out, "differs"), 0);
	evidence_free(eps);
	evidence_free(out);
	dut_free(dut);
}
END_TEST

/* The profile `text` gives nothing to look for: INCONCLUSIVE, why with `frag`. */
static void
inconclusive_for(const char *text, const evidence_t *eps, const char *frag)
{
	diags_t d = { 0 };
	dut_t *dut = load_text(text, &d);
	ck_assert_ptr_nonnull(dut);
	evidence_t *out = evidence_new();
	char why[256] = "";
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(why, frag) != NULL, "reason '%s' lacks '%s'", why, frag);
	dut_free(dut);
	evidence_free(out);
	diags_free(&d);
}

START_TEST(judge_inconclusive)
{
	char why[256] = "";
	evidence_t *eps = evidence_new(), *out = evidence_new();
	/* Inbound traffic to the device is not it fetching updates. */
	endpoint(eps, "updates.example.com", "203.0.113.5", 443, "tls", "inbound");
	dut_t *dut = profile("https", "signature");
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_INCONCLUSIVE);
	ck_assert_str_eq(why, "none of the 2 stated update servers appears in the capture: let "
	    "the device check for updates while capturing (--observe)");
	ck_assert_uint_eq(list_n(out, "not_observed"), 2);
	dut_free(dut);
	evidence_free(out);

	out = evidence_new();
	ck_assert_int_eq(update_channel_judge(NULL, eps, out, why, sizeof(why)), PROBE_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(why, "no DUT profile"));
	evidence_free(out);

	inconclusive_for("ics: []\n", eps, "states no update mechanism");
	inconclusive_for("update:\n  - {id: U2, delivery: local}\n", eps,
	    "no network update mechanism");
	inconclusive_for("update:\n  - {id: U3, delivery: network, protocol: https}\n", eps,
	    "states no servers");
	evidence_free(eps);
}
END_TEST

START_TEST(judge_suspects)
{
	dut_t *dut = profile("https", "signature");
	evidence_t *eps = evidence_new(), *out = evidence_new();
	endpoint(eps, "updates.example.com", "203.0.113.5", 443, "tls", "outbound");
	endpoint(eps, "ota.vendor-cdn.net", "198.51.100.9", 80, "http", "outbound");
	endpoint(eps, "fw-eu.example.org", "198.51.100.10", 443, "tls", "outbound");
	/* Words inside a label are not labels: "software", "photo", "fwd". */
	endpoint(eps, "software.example.org photo.example.org fwd.example.org", "198.51.100.11",
	    443, "tls", "outbound");
	char why[256] = "";
	ck_assert_int_eq(update_channel_judge(dut, eps, out, why, sizeof(why)), PROBE_OK);
	ck_assert_uint_eq(list_n(out, "suspects"), 2);
	ck_assert_str_eq(item(out, "suspects", 0), "ota.vendor-cdn.net(198.51.100.9):80/tcp");
	ck_assert_str_eq(item(out, "suspects", 1), "fw-eu.example.org(198.51.100.10):443/tcp");
	const finding_t *f = &out->findings[out->n_findings - 1];
	ck_assert_str_eq(f->kind, "undeclared-update-endpoint");
	ck_assert_str_eq(finding_get(f, "severity"), "note");
	evidence_free(eps);
	evidence_free(out);
	dut_free(dut);
}
END_TEST

static Suite *
update_channel_suite(void)
{
	Suite *s = suite_create("update_channel");
	TCase *t = tcase_create("load");
	tcase_add_test(t, section_loads);
	tcase_add_test(t, section_errors);
	suite_add_tcase(s, t);
	t = tcase_create("judge");
	tcase_add_test(t, judge_as_stated);
	tcase_add_test(t, judge_other_protocol_differs);
	tcase_add_test(t, judge_cleartext_unverified);
	tcase_add_test(t, judge_inconclusive);
	tcase_add_test(t, judge_suspects);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(update_channel_suite)
