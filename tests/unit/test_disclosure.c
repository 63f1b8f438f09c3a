/*
 * The unauthenticated-disclosure probe end to end inside one process: a
 * synthetic inventory (an HTTP service served by a loopback thread, an SSDP
 * record whose LOCATION points at it - and two that point elsewhere - SNMP,
 * mDNS and SSH records as discovery leaves them) is examined, and the
 * evidence lists, findings and the DUT comparison are checked; then the
 * cases that must be INCONCLUSIVE, and the DUT profile's `discloses` key.
 */
#include "check_main.h"
#include "core/probe.h"
#include "core/util.h"
#include "load/load.h"
#include "test_http_srv.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char page[] =
    "HTTP/1.1 200 OK\r\nServer: TestHTTPd/2.4.1\r\nX-Powered-By: PHP/7.4.3\r\n"
    "Content-Type: text/html\r\nConnection: close\r\n\r\n"
    "<html><head><title>Cam Admin</title></head><body>serial: no</body></html>\n";
static const char status_json[] =
    "HTTP/1.1 200 OK\r\nServer: TestHTTPd/2.4.1\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n"
    "20\r\n{\"model\":\"TC-1\",\"fw_version\":\"9.\r\n"
    "16\r\n9.1\",\"serial\":\"SN-42\"}\r\n0\r\n\r\n";
static const char api_status[] =
    "HTTP/1.1 401 Unauthorized\r\nServer: TestHTTPd/2.4.1\r\n"
    "WWW-Authenticate: Basic realm=\"Cam\"\r\nContent-Length: 0\r\n\r\n";
static const char desc[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"
    "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
    "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>"
    "<friendlyName>Test Cam</friendlyName><manufacturer>TestCo</manufacturer>"
    "<modelName>TC-1</modelName><serialNumber>SN-42</serialNumber>"
    "<softwareVersion>9.9.1</softwareVersion><UDN>uuid:1234</UDN>"
    "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1"
    "</deviceType><serviceList><service><serviceType>"
    "urn:schemas-upnp-org:service:WANIPConnection:1</serviceType></service></serviceList>"
    "</device></deviceList></device></root>";
static const char doctype[] =
    "HTTP/1.1 200 OK\r\n\r\n"
    "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">]><root><device><UDN>&a;&a;</UDN></device></root>";

typedef struct fixture {
	srv_t *srv;
	target_t *t;
	step_t step;
	param_t params[1];
	int cancel;
} fixture_t;

static service_t *
add_svc(target_t *t, const char *transport, int port, const char *proto)
{
	service_t *s = target_add_service(t, transport, port, &t->addrs[0]);
	free(s->protocol);
	s->protocol = xstrdup(proto);
	return s;
}

static void
info(service_t *s, const char *k, const char *v)
{
	service_info_add(s, k, v, strlen(v));
}

static fixture_t *
fixture_new(void)
{
	fixture_t *f = xcalloc(1, sizeof(*f));
	f->srv = xcalloc(1, sizeof(*f->srv));
	srv_route(f->srv, "/", page, sizeof(page) - 1, SRV_SEND);
	srv_route(f->srv, "/status.json", status_json, 0, SRV_SEND);
	srv_route(f->srv, "/api/status", api_status, 0, SRV_SEND);
	srv_route(f->srv, "/desc.xml", desc, 0, SRV_SEND);
	srv_route(f->srv, "/doctype.xml", doctype, 0, SRV_SEND);
	srv_route(f->srv, "/never.xml", desc, 0, SRV_SEND);
	ck_assert_int_eq(srv_start(f->srv), 0);
	char err[128];
	f->t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(f->t);
	f->step.probe = (char *)"unauthenticated-disclosure";
	f->params[0].name = (char *)"mqtt-listen";
	value_set_int(&f->params[0].val, 100);
	f->step.params = f->params;
	f->step.n_params = 1;
	return f;
}

static void
fixture_free(fixture_t *f)
{
	srv_stop(f->srv);
	free(f->srv);
	target_free(f->t);
	free(f);
}

/* The full synthetic device. */
static void
populate(fixture_t *f)
{
	target_t *t = f->t;
	int port = f->srv->port;
	add_svc(t, "tcp", port, "http");
	service_t *s = add_svc(t, "tcp", 22, "ssh");
	s->product = xstrdup("OpenSSH");
	s->version = xstrdup("8.4p1");
	s->banner = xstrdup("SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n");
	s->banner_len = strlen(s->banner);
	s = add_svc(t, "udp", 1900, "upnp");
	char *loc = xasprintf("http://127.0.0.1:%d/desc.xml", port);
	char *away = xasprintf("http://192.0.2.7:%d/never.xml", port);
	char *name = xasprintf("http://localhost:%d/never.xml", port);
	info(s, "location", loc);
	info(s, "server", "Linux/3.10 UPnP/1.0 MiniUPnPd/2.1");
	info(s, "usn", "uuid:1234::upnp:rootdevice");
	info(s, "location", away);
	info(s, "location", name);
	free(loc);
	free(away);
	free(name);
	s = add_svc(t, "udp", 161, "snmp");
	info(s, "community", "public");
	info(s, "snmp-version", "v2c");
	info(s, "sysDescr", "Linux cam 3.10.14 #1 SMP armv7l");
	info(s, "sysName", "cam");
	s = add_svc(t, "udp", 5353, "mdns");
	info(s, "service", "_http._tcp.local");
	info(s, "txt", "md=TC-1");
	info(s, "txt", "fv=9.9.1");
	info(s, "hostname", "cam.local");
}

static probe_status_t
run(fixture_t *f, const dut_t *dut, evidence_t *ev, char *reason, size_t rlen)
{
	const probe_kind_t *k = probe_find("unauthenticated-disclosure");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_DEVICE);
	probe_ctx_t ctx = { .target = f->t, .dut = dut, .step = &f->step, .ev = ev,
	    .deadline_ms = mono_ms() + 20000, .cancel = &f->cancel };
	probe_status_t st = k->run(&ctx);
	snprintf(reason, rlen, "%s", ctx.reason);
	return st;
}

static bool
has(const evidence_t *ev, const char *field, const char *item)
{
	const value_t *v = ev_get(ev, field);
	for (size_t i = 0; v && i < v->n_items; i++)
		if (strcmp(v->items[i], item) == 0)
			return true;
	return false;
}

#define ASSERT_HAS(ev, field, ...) do {                                       \
		char *it_ = xasprintf(__VA_ARGS__);                           \
		ck_assert_msg(has(ev, field, it_), "%s lacks '%s'", field, it_); \
		free(it_);                                                    \
	} while (0)
#define ASSERT_LACKS(ev, field, ...) do {                                     \
		char *it_ = xasprintf(__VA_ARGS__);                           \
		ck_assert_msg(!has(ev, field, it_), "%s has '%s'", field, it_); \
		free(it_);                                                    \
	} while (0)

static const finding_t *
finding(const evidence_t *ev, int port, const char *field, const char *value)
{
	for (size_t i = 0; i < ev->n_findings; i++) {
		const finding_t *fd = &ev->findings[i];
		const char *ff = NULL, *fv = NULL;
		for (size_t a = 0; a < fd->n_attrs; a++) {
			if (strcmp(fd->attrs[a].key, "field") == 0)
				ff = fd->attrs[a].val;
			if (strcmp(fd->attrs[a].key, "value") == 0)
				fv = fd->attrs[a].val;
		}
		if (fd->port == port && ff && fv && strcmp(ff, field) == 0 && strcmp(fv, value) == 0)
			return fd;
	}
	return NULL;
}

static const char *
attr(const finding_t *fd, const char *key)
{
	for (size_t a = 0; fd && a < fd->n_attrs; a++)
		if (strcmp(fd->attrs[a].key, key) == 0)
			return fd->attrs[a].val;
	return NULL;
}

START_TEST(without_dut)
{
	fixture_t *f = fixture_new();
	populate(f);
	int p = f->srv->port;
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run(f, NULL, ev, reason, sizeof(reason)), PROBE_OK);
	ck_assert(!ev_get(ev, "dut_profile")->b);

	/* HTTP: headers, title, realm, status body keys (the JSON arrived chunked). */
	ASSERT_HAS(ev, "undeclared", "tcp/%d product-version=TestHTTPd/2.4.1", p);
	ASSERT_HAS(ev, "undeclared", "tcp/%d product-version=PHP/7.4.3", p);
	ASSERT_HAS(ev, "undeclared", "tcp/%d model=TC-1", p);
	ASSERT_HAS(ev, "undeclared", "tcp/%d firmware-version=9.9.1", p);
	ASSERT_HAS(ev, "undeclared", "tcp/%d serial=SN-42", p);
	ASSERT_HAS(ev, "disclosures", "tcp/%d title=Cam Admin", p);
	ASSERT_HAS(ev, "disclosures", "tcp/%d realm=Cam", p);
	ASSERT_LACKS(ev, "security_relevant", "tcp/%d title=Cam Admin", p);
	ASSERT_LACKS(ev, "security_relevant", "tcp/%d realm=Cam", p);
	/* The HTML page's "serial: no" is not a status key. */
	ASSERT_LACKS(ev, "disclosures", "tcp/%d serial=no", p);

	/* UPnP: the description on the target was read, the others never fetched. */
	ASSERT_HAS(ev, "undeclared", "udp/1900 product-version=Linux/3.10 UPnP/1.0 MiniUPnPd/2.1");
	ASSERT_HAS(ev, "undeclared", "udp/1900 serial=SN-42");
	ASSERT_HAS(ev, "undeclared", "udp/1900 firmware-version=9.9.1");
	ASSERT_HAS(ev, "undeclared", "udp/1900 model=TC-1");
	ASSERT_HAS(ev, "undeclared", "udp/1900 port-mapping=urn:schemas-upnp-org:service:WANIPConnection:1");
	ASSERT_HAS(ev, "disclosures", "udp/1900 friendly-name=Test Cam");
	ASSERT_HAS(ev, "disclosures", "udp/1900 manufacturer=TestCo");
	ASSERT_HAS(ev, "disclosures", "udp/1900 device-id=uuid:1234::upnp:rootdevice");
	ASSERT_LACKS(ev, "security_relevant", "udp/1900 friendly-name=Test Cam");
	ck_assert_int_eq(srv_hits(f->srv, "/desc.xml"), 1);
	ck_assert_int_eq(srv_hits(f->srv, "/never.xml"), 0);
	ck_assert_uint_eq(ev_get(ev, "not_fetched")->n_items, 2);
	ASSERT_HAS(ev, "not_fetched", "udp/1900 http://192.0.2.7:%d/never.xml (host is not the "
	    "target's address; not fetched)", p);
	const finding_t *fd = finding(ev, 1900, "serial", "SN-42");
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(fd->kind, "disclosure");
	ck_assert_str_eq(fd->protocol, "upnp");
	ck_assert_str_eq(fd->transport, "udp");
	char *src = xasprintf("upnp http://127.0.0.1:%d/desc.xml", p);
	ck_assert_str_eq(attr(fd, "source"), src);
	free(src);
	ck_assert_str_eq(attr(fd, "path"), "/desc.xml");
	ck_assert_str_eq(attr(fd, "security-relevant"), "true");
	ck_assert_str_eq(attr(fd, "declared"), "no");
	fd = finding(ev, p, "firmware-version", "9.9.1");
	ck_assert_str_eq(attr(fd, "source"), "http /status.json");
	fd = finding(ev, p, "realm", "Cam");
	ck_assert_str_eq(attr(fd, "security-relevant"), "false");
	ck_assert_ptr_null(attr(fd, "declared"));

	/* Discovery's info values, as they are. */
	ASSERT_HAS(ev, "undeclared", "udp/161 os=Linux cam 3.10.14 #1 SMP armv7l");
	ASSERT_HAS(ev, "disclosures", "udp/161 hostname=cam");
	ASSERT_HAS(ev, "disclosures", "udp/161 info=v2c");
	ASSERT_LACKS(ev, "security_relevant", "udp/161 info=v2c");
	ck_assert_str_eq(attr(finding(ev, 161, "os", "Linux cam 3.10.14 #1 SMP armv7l"), "source"),
	    "snmp sysDescr");
	ASSERT_HAS(ev, "undeclared", "udp/5353 model=TC-1");
	ASSERT_HAS(ev, "undeclared", "udp/5353 firmware-version=9.9.1");
	ASSERT_HAS(ev, "disclosures", "udp/5353 mdns-txt=md=TC-1");
	ASSERT_HAS(ev, "disclosures", "udp/5353 service-type=_http._tcp.local");

	/* Banners: product-version once; the raw banner is not counted twice. */
	ASSERT_HAS(ev, "undeclared", "tcp/22 product-version=OpenSSH 8.4p1");
	ASSERT_HAS(ev, "disclosures", "tcp/22 banner=SSH-2.0-OpenSSH_8.4p1 Debian-5");
	ASSERT_LACKS(ev, "security_relevant", "tcp/22 banner=SSH-2.0-OpenSSH_8.4p1 Debian-5");

	/* Each undeclared item is also security-relevant and disclosed. */
	const value_t *un = ev_get(ev, "undeclared");
	for (size_t i = 0; i < un->n_items; i++) {
		ck_assert(has(ev, "security_relevant", un->items[i]));
		ck_assert(has(ev, "disclosures", un->items[i]));
	}
	ck_assert_uint_eq(ev_get(ev, "unexamined")->n_items, 0);
	ck_assert_int_ge(ev_get(ev, "sources_checked")->i, 9 + 1 + 1 + 7 + 4);
	evidence_free(ev);
	fixture_free(f);
}
END_TEST

static dut_iface_t *
iface(dut_t *d, const char *transport, int port, const char *const *discl)
{
	d->ifaces = xrealloc(d->ifaces, d->n_ifaces + 1, sizeof(*d->ifaces));
	dut_iface_t *i = &d->ifaces[d->n_ifaces++];
	memset(i, 0, sizeof(*i));
	i->transport = xstrdup(transport);
	i->port = port;
	i->enabled = true;
	for (; discl && *discl; discl++)
		strlist_push(&i->discloses, *discl);
	return i;
}

START_TEST(with_dut)
{
	fixture_t *f = fixture_new();
	populate(f);
	int p = f->srv->port;
	dut_t *d = xcalloc(1, sizeof(*d));
	static const char *const http_decl[] = { "product-version", "model", "firmware-version",
		"serial", "port-mapping", NULL };
	static const char *const ssdp_decl[] = { "product-version", NULL };
	iface(d, "tcp", p, http_decl);
	iface(d, "udp", 1900, ssdp_decl);
	iface(d, "udp", 5353, NULL);
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run(f, d, ev, reason, sizeof(reason)), PROBE_OK);
	ck_assert(ev_get(ev, "dut_profile")->b);
	/*
	 * Declared: everything on the HTTP interface, the SSDP SERVER header, and
	 * what the UPnP description (served by that HTTP interface) shows.
	 */
	const value_t *un = ev_get(ev, "undeclared");
	ck_assert_msg(un->n_items == 4, "undeclared: %zu items", un->n_items);
	ASSERT_HAS(ev, "undeclared", "udp/161 os=Linux cam 3.10.14 #1 SMP armv7l");
	ASSERT_HAS(ev, "undeclared", "udp/5353 model=TC-1");
	ASSERT_HAS(ev, "undeclared", "udp/5353 firmware-version=9.9.1");
	ASSERT_HAS(ev, "undeclared", "tcp/22 product-version=OpenSSH 8.4p1");
	ASSERT_HAS(ev, "security_relevant", "udp/1900 serial=SN-42");
	ck_assert_str_eq(attr(finding(ev, 1900, "serial", "SN-42"), "declared"), "yes");
	ck_assert_str_eq(attr(finding(ev, p, "serial", "SN-42"), "declared"), "yes");
	ck_assert_str_eq(attr(finding(ev, 5353, "model", "TC-1"), "declared"), "no");
	evidence_free(ev);
	dut_free(d);
	fixture_free(f);
}
END_TEST

START_TEST(inconclusive)
{
	fixture_t *f = fixture_new();
	char reason[512];
	/* Nothing to examine. */
	evidence_t *ev = evidence_new();
	ck_assert_int_eq(run(f, NULL, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	evidence_free(ev);

	/* A description that must be refused: nothing undeclared, absence unproven. */
	service_t *s = add_svc(f->t, "udp", 1900, "upnp");
	char *loc = xasprintf("http://127.0.0.1:%d/doctype.xml", f->srv->port);
	info(s, "location", loc);
	free(loc);
	ev = evidence_new();
	ck_assert_int_eq(run(f, NULL, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, "DOCTYPE refused") != NULL, "reason: %s", reason);
	ck_assert_uint_eq(ev_get(ev, "unexamined")->n_items, 1);
	ck_assert_uint_eq(ev_get(ev, "undeclared")->n_items, 0);
	evidence_free(ev);

	/* An HTTP service that is gone. */
	int dead = f->srv->port;
	fixture_t *g = fixture_new();
	srv_stop(f->srv);
	add_svc(g->t, "tcp", dead, "http");
	ev = evidence_new();
	ck_assert_int_eq(run(g, NULL, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, "connect: connection refused") != NULL, "reason: %s", reason);
	evidence_free(ev);

	/* ... unless something undeclared has already been found elsewhere. */
	s = add_svc(g->t, "udp", 161, "snmp");
	info(s, "sysDescr", "Linux 4.9.1");
	ev = evidence_new();
	ck_assert_int_eq(run(g, NULL, ev, reason, sizeof(reason)), PROBE_OK);
	ck_assert_uint_eq(ev_get(ev, "unexamined")->n_items, 1);
	ck_assert_uint_eq(ev_get(ev, "undeclared")->n_items, 1);
	evidence_free(ev);

	/* Time already up: nothing is started, and that is said. */
	g->step.n_params = 0;
	ev = evidence_new();
	const probe_kind_t *k = probe_find("unauthenticated-disclosure");
	probe_ctx_t ctx = { .target = g->t, .step = &g->step, .ev = ev,
	    .deadline_ms = mono_ms(), .cancel = &g->cancel };
	ck_assert_int_eq(k->run(&ctx), PROBE_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(ctx.reason, "time ran out"));
	evidence_free(ev);

	/* The server thread of f is stopped already; free the rest by hand. */
	free(f->srv);
	target_free(f->t);
	free(f);
	fixture_free(g);
}
END_TEST

static char *
write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/iotcert-disc-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char dut_head[] =
    "device: {manufacturer: M, model: X, hardware-version: \"1\", software-version: \"1\", serial: S}\n"
    "interfaces:\n";

START_TEST(dut_discloses)
{
	char *yaml = xasprintf("%s  - {transport: tcp, port: 443, discloses: [product-version, serial]}\n"
	    "  - {transport: tcp, port: 80}\n", dut_head);
	char *path = write_tmp(yaml);
	diags_t dg = { 0 };
	dut_t *d = load_dut(path, &dg);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->ifaces[0].discloses.n, 2);
	ck_assert_str_eq(d->ifaces[0].discloses.v[1], "serial");
	ck_assert_uint_eq(d->ifaces[1].discloses.n, 0);
	dut_free(d);
	diags_free(&dg);
	unlink(path);
	free(path);
	free(yaml);

	yaml = xasprintf("%s  - {transport: tcp, port: 443, discloses: [firmware_version, serial, serial]}\n"
	    "  - {transport: tcp, port: 80, discloses: model}\n", dut_head);
	path = write_tmp(yaml);
	memset(&dg, 0, sizeof(dg));
	ck_assert_ptr_null(load_dut(path, &dg));
	bool typo = false, dup = false, type = false;
	for (size_t i = 0; i < dg.n; i++) {
		const char *m = dg.v[i].msg;
		if (strstr(m, "unknown disclosure field 'firmware_version' (did you mean "
		    "'firmware-version'?)") && dg.v[i].line == 3)
			typo = true;
		if (strstr(m, "duplicate disclosure field 'serial'"))
			dup = true;
		if (dg.v[i].line == 4 && strstr(m, "'discloses': expected a sequence"))
			type = true;
	}
	ck_assert(typo);
	ck_assert(dup);
	ck_assert(type);
	diags_free(&dg);
	unlink(path);
	free(path);
	free(yaml);
}
END_TEST

static Suite *
disclosure_suite(void)
{
	Suite *s = suite_create("disclosure");
	TCase *tc = tcase_create("probe");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, without_dut);
	tcase_add_test(tc, with_dut);
	tcase_add_test(tc, inconclusive);
	tcase_add_test(tc, dut_discloses);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(disclosure_suite)
