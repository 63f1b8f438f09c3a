/*
 * Scheme and DUT profiles, `iotcert check` over files and directories, and
 * the examples in testcases/README.md (which must load, so the documentation
 * cannot drift from the loader).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "diags_text.h"
#include "core/hash.h"
#include "core/decisions.h"
#include "load/load.h"

#define DATA "tests/data/load/"

static void
assert_diag(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR && d->v[i].line == line &&
		    d->v[i].col == col && strstr(d->v[i].msg, frag))
			return;
	char *all = diags_text(d);
	ck_abort_msg("no error at %d:%d containing \"%s\"; got:%s", line, col, frag, all);
	free(all);
}

static void
assert_clean(const diags_t *d)
{
	char *all = diags_text(d);
	ck_assert_msg(d->n == 0, "unexpected diagnostics:%s", all);
	free(all);
}

/* Writes `text` to a new temporary *.yaml file; caller unlinks and frees. */
static char *
write_tmp(const char *text, size_t len)
{
	char *path = xstrdup("/tmp/iotcert-load-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

START_TEST(scheme_loads)
{
	diags_t d = { 0 };
	scheme_t *s = load_scheme(DATA "good/scheme.yaml", &d);
	assert_clean(&d);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "en303645-baseline");
	ck_assert_str_eq(s->title, "ETSI EN 303 645 baseline (network-testable provisions)");
	ck_assert_str_eq(s->version, "2.1.1");
	ck_assert_str_eq(s->source,
	    "ETSI EN 303 645 V2.1.1 (2020-06); ETSI TS 103 701 V1.1.1 (2021-08)");
	ck_assert_uint_eq(s->frameworks.n, 4);
	ck_assert_str_eq(s->frameworks.v[3], "sg-cls");
	ck_assert_uint_eq(s->select.n, 1);
	ck_assert_str_eq(s->select.v[0], "IOT-*");
	/* [23, 21, 22, 80, "8000-8002", 22]: expanded, sorted, de-duplicated. */
	int tcp[] = { 21, 22, 23, 80, 8000, 8001, 8002 };
	ck_assert_uint_eq(s->n_tcp_ports, ARRAY_LEN(tcp));
	for (size_t i = 0; i < ARRAY_LEN(tcp); i++)
		ck_assert_int_eq(s->tcp_ports[i], tcp[i]);
	ck_assert_uint_eq(s->n_udp_ports, 3);
	ck_assert_int_eq(s->udp_ports[2], 5683);
	ck_assert_uint_eq(s->n_provisions, 2);
	const provision_t *p = &s->provisions[0];
	ck_assert_str_eq(p->framework, "en303645");
	ck_assert_str_eq(p->edition, "2.1.1");
	ck_assert_str_eq(p->ref, "5.1-1");
	ck_assert_str_eq(p->status, "M C (1)");
	ck_assert_str_eq(p->title, "Passwords unique per device or user-defined");
	p = &s->provisions[1];
	ck_assert_str_eq(p->framework, "sg-cls");
	ck_assert_ptr_null(p->edition);
	ck_assert_str_eq(p->ref, "L2");
	ck_assert_ptr_null(p->status);
	char hex[SHA256_HEX_LEN];
	ck_assert_int_eq(sha256_file(DATA "good/scheme.yaml", hex), 0);
	ck_assert_str_eq(s->sha256, hex);
	ck_assert_str_eq(s->file, DATA "good/scheme.yaml");
	scheme_free(s);
	scheme_free(NULL);
	diags_free(&d);
}
END_TEST

START_TEST(scheme_errors)
{
	static const char yaml[] =
	    "scheme: Bad Scheme\n"
	    "title: T\n"
	    "version: 2.1\n"
	    "source: S\n"
	    "frameworks: [en303645, ts103702]\n"
	    "discovery:\n"
	    "  tcp: []\n"
	    "  udpp: [1]\n"
	    "provisions:\n"
	    "  - {framework: en303645, ref: \"5.1-1\", title: A}\n"
	    "  - {framework: ts103701, edition: \"1.1.1\", ref: 5.1-1-2, title: B}\n"
	    "  - {framework: en303645, edition: \"2.1.2\", ref: \"5.1-1\", title: C}\n"
	    "  - {framework: sg-cls, ref: L9, title: D}\n"
	    "  - {framework: en303645, edition: \"2.1.1\", ref: \"5.1-1\", title: E}\n"
	    "  - {framework: en303645, edition: \"2.1.1\", ref: \"5.1-1\", title: F}\n";
	char *path = write_tmp(yaml, sizeof(yaml) - 1);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_scheme(path, &d));
	assert_diag(&d, 1, 9, "scheme 'Bad Scheme' must match [a-z0-9][a-z0-9._-]*");
	assert_diag(&d, 3, 10, "'version': expected a string, got float 2.1 (quote it");
	assert_diag(&d, 5, 24, "unknown framework 'ts103702' (did you mean 'ts103701'?)");
	assert_diag(&d, 7, 8, "discovery: 'tcp' needs at least one port");
	assert_diag(&d, 8, 3, "unknown key 'udpp' in discovery (did you mean 'udp'?)");
	assert_diag(&d, 10, 5, "provision: framework 'en303645' needs an 'edition'");
	assert_diag(&d, 11, 36, "framework 'ts103701' is not versioned; remove 'edition'");
	assert_diag(&d, 12, 36, "unknown edition '2.1.2' of 'en303645'");
	assert_diag(&d, 13, 30, "bad sg-cls provision ref 'L9' (expected ^L[1-4]$)");
	assert_diag(&d, 15, 5, "duplicate provision 'en303645-2.1.1 5.1-1' (first at "
	    "line 14, column 5)");
	ck_assert_uint_eq(d.errors, 10);
	unlink(path);
	free(path);
	diags_free(&d);
}
END_TEST

START_TEST(dut_loads)
{
	diags_t d = { 0 };
	dut_t *t = load_dut(DATA "good/dut.yaml", &d);
	assert_clean(&d);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->manufacturer, "RefDev Ltd");
	ck_assert_str_eq(t->model, "RD-100");
	ck_assert_str_eq(t->hw_version, "A");
	ck_assert_str_eq(t->sw_version, "1.0.3");
	ck_assert_str_eq(t->serial, "RD100-000123");
	ck_assert_uint_eq(t->addresses.n, 2);
	ck_assert_str_eq(t->addresses.v[1], "::1");
	ck_assert_uint_eq(t->n_ifaces, 2);
	const dut_iface_t *f = &t->ifaces[0];
	ck_assert_str_eq(f->transport, "tcp");
	ck_assert_int_eq(f->port, 2323);
	ck_assert_str_eq(f->protocol, "telnet");
	ck_assert(f->enabled);
	ck_assert_str_eq(f->purpose, "local admin");
	ck_assert_ptr_eq(f->pos.file, t->file);
	ck_assert_int_eq(f->pos.line, 9);
	ck_assert_int_eq(f->pos.col, 5);
	f = &t->ifaces[1];
	ck_assert_str_eq(f->transport, "udp");
	ck_assert_ptr_null(f->protocol);
	ck_assert(!f->enabled);
	ck_assert_ptr_null(f->purpose);
	ck_assert_uint_eq(t->n_ics, 2);
	ck_assert_str_eq(t->ics[0].support, "Y");
	ck_assert_str_eq(t->ics[0].detail, "unique per-device password on the label");
	const ics_entry_t *e = dut_ics(t, "5.6-1");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->support, "N/A");
	ck_assert_ptr_null(e->detail);
	char hex[SHA256_HEX_LEN];
	ck_assert_int_eq(sha256_file(DATA "good/dut.yaml", hex), 0);
	ck_assert_str_eq(t->sha256, hex);
	dut_free(t);
	dut_free(NULL);
	diags_free(&d);
}
END_TEST

START_TEST(dut_errors)
{
	static const char yaml[] =
	    "device:\n"
	    "  manufacturer: M\n"
	    "  model: 100\n"
	    "  hardware-version: A\n"
	    "  software-version: 1.0\n"
	    "  serial: S\n"
	    "  addresses: [10.0.0.300]\n"
	    "interfaces:\n"
	    "  - {transport: sctp, port: 0, protocol: telent, status: off}\n"
	    "  - {transport: tcp, port: 23}\n"
	    "  - {transport: tcp, port: 23}\n"
	    "ics:\n"
	    "  - {ref: \"5.1\", support: \"Yes\"}\n";
	char *path = write_tmp(yaml, sizeof(yaml) - 1);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_dut(path, &d));
	assert_diag(&d, 3, 10, "'model': expected a string, got int 100 (quote it");
	assert_diag(&d, 5, 21, "'software-version': expected a string, got float 1.0");
	assert_diag(&d, 7, 15, "address '10.0.0.300' is not an IPv4 or IPv6 address");
	assert_diag(&d, 9, 17, "transport must be tcp or udp, got 'sctp'");
	assert_diag(&d, 9, 29, "'port': 0 is out of range (1 to 65535)");
	assert_diag(&d, 9, 42, "unknown protocol 'telent' (did you mean 'telnet'?)");
	assert_diag(&d, 9, 58, "status must be enabled or disabled, got 'off'");
	assert_diag(&d, 11, 5, "duplicate interface 'tcp/23' (first at line 10, column 5)");
	assert_diag(&d, 13, 11, "bad ICS provision ref '5.1'");
	assert_diag(&d, 13, 27, "support must be Y, N or N/A, got 'Yes'");
	ck_assert_uint_eq(d.errors, 10);
	unlink(path);
	free(path);
	diags_free(&d);
}
END_TEST

START_TEST(dut_samples_bruteforce_load)
{
	static const char yaml[] =
	    "device:\n"
	    "  manufacturer: RefDev Ltd\n"
	    "  model: RD-100\n"
	    "  hardware-version: \"A\"\n"
	    "  software-version: \"1.0.3\"\n"
	    "  serial: RD100-000123\n"
	    "  mac: \"02:00:5e:10:00:01\"\n"
	    "password-samples:\n"
	    "  - {serial: RD100-000123, mac: \"02:00:5E:10:00:01\", ssid: RefDev-1001, user: admin, password: a8F3kq2ZpL9w}\n"
	    "  - {serial: 000124, mac: 02005e100002, password: 12345678}\n"
	    "  - {ssid: \"RefDev-1003\", mac: 0200.5e10.0003, password: \"\"}\n"
	    "  - {user: admin, password: \"pw: with colon\"}\n"
	    "brute-force:\n"
	    "  - {service: https, mechanism: lockout, attempts: 5, duration: 30s}\n"
	    "  - {service: telnet, mechanism: delay, delay: 3s}\n"
	    "  - {service: mqtt, mechanism: rate-limit, per-minute: 10}\n"
	    "  - {mechanism: none}\n"
	    "  - {service: ssh, mechanism: delay, delay: 500ms}\n"
	    "  - {service: ftp, mechanism: lockout, duration: 2m}\n";
	char *path = write_tmp(yaml, sizeof(yaml) - 1);
	diags_t d = { 0 };
	dut_t *t = load_dut(path, &d);
	ck_assert_ptr_nonnull(t);
	/* The sample with no identifier is allowed, with a warning. */
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].level, DIAG_WARNING);
	ck_assert_int_eq(d.v[0].line, 12);
	ck_assert_int_eq(d.v[0].col, 5);
	ck_assert_str_eq(d.v[0].msg, "password sample has no serial, mac or ssid: it can "
	    "only be compared with the other samples");
	ck_assert_str_eq(t->mac, "02:00:5e:10:00:01");

	ck_assert_uint_eq(t->n_samples, 4);
	const dut_sample_t *p = &t->samples[0];
	ck_assert_str_eq(p->serial, "RD100-000123");
	ck_assert_str_eq(p->mac, "02:00:5E:10:00:01");
	ck_assert_str_eq(p->ssid, "RefDev-1001");
	ck_assert_str_eq(p->user, "admin");
	ck_assert_str_eq(p->password, "a8F3kq2ZpL9w");
	ck_assert_ptr_eq(p->pos.file, t->file);
	ck_assert_int_eq(p->pos.line, 9);
	ck_assert_int_eq(p->pos.col, 5);
	/* Plain scalars keep their text: the int 000124, the "float" 02005e100002. */
	p = &t->samples[1];
	ck_assert_str_eq(p->serial, "000124");
	ck_assert_str_eq(p->mac, "02005e100002");
	ck_assert_str_eq(p->password, "12345678");
	ck_assert_ptr_null(p->ssid);
	ck_assert_ptr_null(p->user);
	p = &t->samples[2];
	ck_assert_ptr_null(p->serial);
	ck_assert_str_eq(p->mac, "0200.5e10.0003");
	ck_assert_str_eq(p->password, "");
	ck_assert_str_eq(t->samples[3].password, "pw: with colon");

	ck_assert_uint_eq(t->n_bruteforce, 6);
	const dut_bruteforce_t *b = &t->bruteforce[0];
	ck_assert_str_eq(b->service, "https");
	ck_assert_int_eq(b->mechanism, BF_LOCKOUT);
	ck_assert_int_eq(b->attempts, 5);
	ck_assert_uint_eq(b->duration_ms, 30000);
	ck_assert_uint_eq(b->delay_ms, 0);
	ck_assert_int_eq(b->per_minute, 0);
	ck_assert_int_eq(b->pos.line, 14);
	b = &t->bruteforce[1];
	ck_assert_int_eq(b->mechanism, BF_DELAY);
	ck_assert_uint_eq(b->delay_ms, 3000);
	b = &t->bruteforce[2];
	ck_assert_int_eq(b->mechanism, BF_RATE_LIMIT);
	ck_assert_int_eq(b->per_minute, 10);
	b = &t->bruteforce[3];
	ck_assert_ptr_null(b->service);
	ck_assert_int_eq(b->mechanism, BF_NONE);
	ck_assert_uint_eq(t->bruteforce[4].delay_ms, 500);
	b = &t->bruteforce[5];
	ck_assert_int_eq(b->attempts, 0);
	ck_assert_uint_eq(b->duration_ms, 120000);
	ck_assert_ptr_eq(dut_bruteforce_for(t, "https"), &t->bruteforce[0]);
	ck_assert_ptr_eq(dut_bruteforce_for(t, "rtsp"), &t->bruteforce[3]);
	dut_free(t);
	unlink(path);
	free(path);
	diags_free(&d);
}
END_TEST

START_TEST(dut_samples_bruteforce_errors)
{
	static const char yaml[] =
	    "device:\n"
	    "  manufacturer: M\n"
	    "  model: X\n"
	    "  hardware-version: A\n"
	    "  software-version: \"1\"\n"
	    "  serial: S\n"
	    "  mac: \"02:00:5e:10:00\"\n"
	    "password-samples:\n"
	    "  - {serial: A1, password: p}\n"
	    "  - {serial: A1, mac: \"zz:00:5e:10:00:01\", password: q}\n"
	    "  - {serial: A2, pasword: r}\n"
	    "  - {serial: A3, mac: \"02::00:5e:10:00:01\", password: ~}\n"
	    "  - just a string\n"
	    "brute-force:\n"
	    "  - {service: https, mechanism: lockout, attempts: 5, duration: 30}\n"
	    "  - {service: telent, mechanism: delay, delay: 3x}\n"
	    "  - {mechanism: lockut}\n"
	    "  - {service: mqtt, mechanism: lockout, per-minute: 10, attempts: 0}\n"
	    "  - {service: https, mechanism: none}\n"
	    "  - {mechanism: rate-limit, per-minute: 5}\n"
	    "  - {mechanism: none, delay: 1s, attempts: 3}\n"
	    "  - {mechanism: none}\n"
	    "  - {service: ssh, mechanism: delay, delay: 1500m}\n"
	    "  - {service: ftp, mechanism: blocking}\n";
	char *path = write_tmp(yaml, sizeof(yaml) - 1);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_dut(path, &d));
	assert_diag(&d, 7, 8, "mac '02:00:5e:10:00' is not a MAC address (12 hex digits, "
	    "optionally separated by ':', '-' or '.')");
	assert_diag(&d, 10, 14, "duplicate password sample serial 'A1' (first at line 9, "
	    "column 14)");
	assert_diag(&d, 10, 23, "mac 'zz:00:5e:10:00:01' is not a MAC address");
	assert_diag(&d, 11, 18, "unknown key 'pasword' in password sample (did you mean "
	    "'password'?)");
	assert_diag(&d, 11, 5, "password sample: missing required key 'password'");
	assert_diag(&d, 12, 23, "mac '02::00:5e:10:00:01' is not a MAC address");
	assert_diag(&d, 12, 55, "'password': expected a scalar, got null");
	assert_diag(&d, 13, 5, "password sample: expected a mapping, got string 'just a string'");
	assert_diag(&d, 16, 15, "unknown service 'telent' (did you mean 'telnet'?)");
	assert_diag(&d, 16, 48, "'delay': expected a duration (milliseconds, or e.g. 500ms, "
	    "30s, 2m), got string '3x'");
	assert_diag(&d, 17, 17, "unknown mechanism 'lockut' (did you mean 'lockout'?)");
	assert_diag(&d, 18, 41, "'per-minute' does not apply to mechanism lockout (it takes "
	    "attempts and duration)");
	assert_diag(&d, 18, 67, "'attempts': 0 is out of range (1 to 1000000)");
	assert_diag(&d, 19, 5, "duplicate brute-force entry for 'https' (first at line 15, "
	    "column 5)");
	assert_diag(&d, 21, 23, "'delay' does not apply to mechanism none (it takes no figures)");
	assert_diag(&d, 21, 34, "'attempts' does not apply to mechanism none (it takes no "
	    "figures)");
	assert_diag(&d, 22, 5, "duplicate brute-force entry for '(every other service)' (first "
	    "at line 20, column 5)");
	assert_diag(&d, 23, 45, "'delay': 1500m is out of range (1ms to 86400000ms)");
	assert_diag(&d, 24, 31, "unknown mechanism 'blocking' (expected none, lockout, delay "
	    "or rate-limit)");
	char *all = diags_text(&d);
	ck_assert_msg(d.errors == 19, "%zu errors:%s", d.errors, all);
	free(all);
	unlink(path);
	free(path);
	diags_free(&d);
}
END_TEST

START_TEST(check_tree)
{
	/* 2 cases, a scheme and a DUT profile; NOTES.md, creds.txt and the
	 * broken .hidden.yaml are skipped. */
	diags_t d = { 0 };
	char *paths[] = { DATA "good/tree" };
	size_t files = 99;
	ck_assert_int_eq(load_check_paths(paths, 1, &d, &files), 0);
	assert_clean(&d);
	ck_assert_uint_eq(files, 4);
	caseset_t cs = { 0 };
	ck_assert_int_eq(load_cases(DATA "good/tree/sub", &cs, &d), 1);
	assert_diag(&d, 1, 1, "this is a DUT profile, not a test case");
	ck_assert_uint_eq(cs.n, 1);
	ck_assert_str_eq(cs.v[0]->id, "TREE-B");
	caseset_free(&cs);
	diags_free(&d);
}
END_TEST

START_TEST(check_classifies)
{
	diags_t d = { 0 };
	char *paths[] = {
		DATA "bad/not-config.yaml",
		DATA "good/tree/creds.txt",	/* named explicitly: checked anyway */
		DATA "no-such-dir",
		DATA "dup-ids",
		DATA "good/case-full.yaml",
	};
	size_t files = 0;
	int errors = load_check_paths(paths, ARRAY_LEN(paths), &d, &files);
	ck_assert_uint_eq(files, 5);
	assert_diag(&d, 1, 1, "not a test case, scheme, device profile, crypto policy, framework definition or decisions file");
	ck_assert_str_eq(d.v[0].file, DATA "no-such-dir");
	assert_diag(&d, 0, 0, "cannot open: No such file or directory");
	assert_diag(&d, 1, 5, "duplicate case id 'DUP-1'");
	ck_assert_int_eq(errors, 4);
	ck_assert_uint_eq(d.errors, 4);
	size_t not_config = 0;
	for (size_t i = 0; i < d.n; i++)
		not_config += strstr(d.v[i].msg, "not a test case") != NULL;
	ck_assert_uint_eq(not_config, 2);
	diags_free(&d);
}
END_TEST

/* The fenced block after `<!-- example: NAME -->` in testcases/README.md. */
static char *
readme_example(const char *name, size_t *len)
{
	char *text;
	size_t n;
	ck_assert_int_eq(read_file_capped("testcases/README.md", 1 << 20, &text, &n), 0);
	char *marker = xasprintf("<!-- example: %s -->\n```yaml\n", name);
	char *start = strstr(text, marker);
	ck_assert_msg(start != NULL, "README has no %s example", name);
	start += strlen(marker);
	char *end = strstr(start, "```\n");
	ck_assert_ptr_nonnull(end);
	*len = (size_t)(end - start);
	char *ex = xstrndup(start, *len);
	free(marker);
	free(text);
	return ex;
}

START_TEST(readme_examples_load)
{
	size_t len;
	diags_t d = { 0 };
	char *ex = readme_example("case", &len);
	char *pc = write_tmp(ex, len);
	free(ex);
	tcase_t *c = load_case(pc, &d);
	assert_clean(&d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->n_maps, 8);
	ck_assert_uint_eq(c->services.n, 3);
	tcase_free(c);

	ex = readme_example("scheme", &len);
	char *ps = write_tmp(ex, len);
	free(ex);
	scheme_t *s = load_scheme(ps, &d);
	assert_clean(&d);
	ck_assert_uint_eq(s->n_tcp_ports, 4 + 101);
	scheme_free(s);

	ex = readme_example("device", &len);
	char *pd = write_tmp(ex, len);
	free(ex);
	dut_t *t = load_dut(pd, &d);
	assert_clean(&d);
	ck_assert_str_eq(dut_ics(t, "5.6-4")->support, "N/A");
	ck_assert_uint_eq(t->n_updmech, 1);
	ck_assert_str_eq(t->updmech[0].servers.v[0], "updates.refdev.test");
	dut_free(t);

	/* Checked alone, as `iotcert check` does: the framework's deemed-by
	 * keys by shape only, the decisions without the cases. */
	ex = readme_example("framework", &len);
	char *pf = write_tmp(ex, len);
	free(ex);
	ex = readme_example("decisions", &len);
	char *px = write_tmp(ex, len);
	free(ex);
	decisions_t *ds = load_decisions(px, NULL, &d);
	assert_clean(&d);
	ck_assert_uint_eq(ds->n, 1);
	ck_assert_str_eq(ds->v[0].assessor, "A. Assessor, Example Lab");
	decisions_free(ds);

	char *all[] = { pc, ps, pd, pf, px };
	size_t files = 0;
	ck_assert_int_eq(load_check_paths(all, 5, &d, &files), 0);
	assert_clean(&d);
	ck_assert_uint_eq(files, 5);
	for (size_t i = 0; i < 5; i++) {
		unlink(all[i]);
		free(all[i]);
	}
	diags_free(&d);
}
END_TEST

static Suite *
load_profiles_suite(void)
{
	Suite *s = suite_create("load_profiles");
	TCase *t = tcase_create("profiles");
	tcase_add_test(t, scheme_loads);
	tcase_add_test(t, scheme_errors);
	tcase_add_test(t, dut_loads);
	tcase_add_test(t, dut_errors);
	tcase_add_test(t, dut_samples_bruteforce_load);
	tcase_add_test(t, dut_samples_bruteforce_errors);
	suite_add_tcase(s, t);
	t = tcase_create("check");
	tcase_add_test(t, check_tree);
	tcase_add_test(t, check_classifies);
	tcase_add_test(t, readme_examples_load);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(load_profiles_suite)
