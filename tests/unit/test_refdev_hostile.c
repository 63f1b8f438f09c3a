/*
 * The reference device's hostile switches for stream services, over real
 * sockets on loopback addresses of 127.0.26.0/24 (which no other suite
 * uses): the UPnP description with a billion-laughs DTD, with external
 * entities (never fetched: the harness itself is run against it) and at
 * 100 MiB; a CONNACK with a five-byte remaining length; TLS records whose
 * lengths lie; a telnet subnegotiation that never ends; a 10 GiB
 * Content-Length and an endless chunked body.  Each is checked byte for
 * byte where the switch defines the bytes.  Without the refdev binary next
 * to the tests every test prints SKIP.
 */
#include "test_refdev_live.h"

#include "proto/upnp.h"

enum { D_HOSTILE_A, D_HOSTILE_B, D_HUGE };

static void
fixture_up(void)
{
	if (!fixture_open())
		return;
	start(D_HOSTILE_A, "127.0.26.5", (char *[]){ "--port", "ssdp=auto", "--port",
	    "telnet=auto", "--port", "http=auto", "--port", "mqtt=auto", "--port", "https=auto",
	    "--misbehave", "upnp-external-entity,mqtt-bad-length,https:tls-bad-length,"
	    "telnet-bad-iac,http:http-huge-body", NULL });
	start(D_HOSTILE_B, "127.0.26.6", (char *[]){ "--port", "upnp=auto", "--port", "http=auto",
	    "--misbehave", "upnp-entity-expansion,http-endless-chunked", NULL });
	start(D_HUGE, "127.0.26.7", (char *[]){ "--port", "upnp=auto", "--misbehave", "upnp-huge",
	    NULL });
}

START_TEST(upnp_entity_expansion)
{
	if (!up(D_HOSTILE_B))
		return;
	size_t len;
	char *r = http_get(D_HOSTILE_B, port(D_HOSTILE_B, "upnp"), "GET", "/description.xml",
	    65536, &len);
	const char *body = body_of(r);
	ck_assert_ptr_nonnull(strstr(body, "<!DOCTYPE root [\n<!ENTITY lol \"lol\">\n"));
	ck_assert_ptr_nonnull(strstr(body, "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;"
	    "&lol8;&lol8;&lol8;&lol8;&lol8;\">"));
	ck_assert_ptr_nonnull(strstr(body, "<friendlyName>&lol9;</friendlyName>"));
	upnp_desc_t u;
	char err[256];
	ck_assert_int_eq(upnp_parse(body, strlen(body), &u, err, sizeof(err)), UPNP_DOCTYPE);
	upnp_desc_clear(&u);
	free(r);
}
END_TEST

/* Runs the harness's disclosure case against instance i; its exit status. */
static int
harness_disclosure(int i, char *report, size_t cap)
{
	char iotcert[PATH_MAX], repo[PATH_MAX], dut[PATH_MAX + 64], out[128], ports[16], udp[16];
	if (!sibling("iotcert", iotcert, sizeof(iotcert)))
		return -1;
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", iotcert);
	snprintf(repo, sizeof(repo), "%s", dirname(dirname(tmp))); /* build-rd/iotcert */
	snprintf(dut, sizeof(dut), "%s/profiles/devices/refdev-weak.yaml", repo);
	snprintf(out, sizeof(out), "%s/run%d", F.dir, i);
	snprintf(ports, sizeof(ports), "%d", port(i, "upnp"));
	snprintf(udp, sizeof(udp), "%d", port(i, "ssdp"));
	snprintf(report, cap, "%s/report.xml", out);
	pid_t pid = fork();
	if (pid == 0) {
		char log[160];
		snprintf(log, sizeof(log), "%s/run%d.log", F.dir, i);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("IOTCERT_DATA", repo, 1);
		execl(iotcert, iotcert, "run", "--target", F.addr[i], "--ports", ports, "--udp", udp,
		    "--dut", dut, "--select", "IOT-5.6-2-UNAUTHENTICATED-DISCLOSURE", "--no-capture",
		    "--quiet", "--out", out, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(upnp_external_entity_never_fetched)
{
	if (!up(D_HOSTILE_A))
		return;
	size_t len;
	char *r = http_get(D_HOSTILE_A, port(D_HOSTILE_A, "upnp"), "GET", "/description.xml",
	    65536, &len);
	const char *body = body_of(r);
	char want[160];
	ck_assert_ptr_nonnull(strstr(body, "<!ENTITY xxefile SYSTEM \"file:///etc/passwd\">"));
	snprintf(want, sizeof(want), "<!ENTITY xxe SYSTEM \"http://%s:%d/xxe\">",
	    F.addr[D_HOSTILE_A], port(D_HOSTILE_A, "upnp"));
	ck_assert_ptr_nonnull(strstr(body, want));
	ck_assert_ptr_nonnull(strstr(body, "<friendlyName>&xxe;</friendlyName>"));
	upnp_desc_t u;
	char err[256];
	ck_assert_int_eq(upnp_parse(body, strlen(body), &u, err, sizeof(err)), UPNP_DOCTYPE);
	upnp_desc_clear(&u);
	free(r);

	/* The whole harness, SSDP to description: it must refuse, never fetch. */
	char report[256];
	int rc = harness_disclosure(D_HOSTILE_A, report, sizeof(report));
	if (rc < 0) {
		printf("SKIP: no iotcert next to the tests: harness run not checked\n");
	} else {
		char *text = NULL;
		size_t tl = 0;
		ck_assert_int_eq(read_file_capped(report, 16 << 20, &text, &tl), 0);
		ck_assert_msg(strstr(text, "DOCTYPE refused") != NULL, "description not refused");
		free(text);
	}
	usleep(200 * 1000);
	ck_assert_msg(!log_has(D_HOSTILE_A, "XXE FETCHED"), "something fetched /xxe");

	/* The canary works: a request for /xxe is logged even under --quiet. */
	r = http_get(D_HOSTILE_A, port(D_HOSTILE_A, "upnp"), "GET", "/xxe", 4096, &len);
	ck_assert_str_eq(body_of(r), "<!-- refdev xxe canary -->\n");
	free(r);
	usleep(100 * 1000);
	ck_assert(log_has(D_HOSTILE_A, "XXE FETCHED"));
}
END_TEST

START_TEST(upnp_huge)
{
	if (!up(D_HUGE))
		return;
	int fd = tcp_open(D_HUGE, port(D_HUGE, "upnp"));
	static const char req[] = "GET /description.xml HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, req, sizeof(req) - 1, 0), (ssize_t)(sizeof(req) - 1));
	const size_t cap = 110u * 1024 * 1024;
	uint8_t *buf = malloc(cap);
	bool eof;
	size_t got = read_some(fd, buf, cap, 5000, &eof);
	close(fd);
	ck_assert(eof);
	uint8_t *end = memmem(buf, got < 4096 ? got : 4096, "\r\n\r\n", 4);
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_nonnull(memmem(buf, (size_t)(end - buf), "\r\nContent-Length: 104857600\r\n",
	    29));
	size_t body = got - (size_t)(end + 4 - buf);
	ck_assert_uint_eq(body, 104857600u);
	ck_assert_mem_eq(end + 4, "<?xml version=\"1.0\"", 19);
	ck_assert_mem_eq(buf + got - 18, "</device>\n</root>\n", 18);
	free(buf);
}
END_TEST

START_TEST(mqtt_bad_length)
{
	if (!up(D_HOSTILE_A))
		return;
	int fd = tcp_open(D_HOSTILE_A, port(D_HOSTILE_A, "mqtt"));
	static const uint8_t connect[] = { 0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0 };
	ck_assert_int_eq(send(fd, connect, sizeof(connect), 0), (ssize_t)sizeof(connect));
	uint8_t buf[64];
	bool eof;
	size_t got = read_some(fd, buf, sizeof(buf), 800, &eof);
	ck_assert(!eof); /* still open, silent, after the eight bytes */
	ck_assert_uint_eq(got, 8);
	ck_assert_mem_eq(buf, "\x20\x80\x80\x80\x80\x01\x00\x00", 8);
	close(fd);
}
END_TEST

START_TEST(tls_bad_length)
{
	if (!up(D_HOSTILE_A))
		return;
	int fd = tcp_open(D_HOSTILE_A, port(D_HOSTILE_A, "https"));
	/* Only its arrival matters: the switch answers whatever comes first. */
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00 };
	ck_assert_int_eq(send(fd, hello, sizeof(hello), 0), (ssize_t)sizeof(hello));
	uint8_t buf[256];
	bool eof;
	size_t got = read_some(fd, buf, sizeof(buf), 800, &eof);
	ck_assert(!eof);
	ck_assert_uint_eq(got, 64);
	/* A 38-byte record whose ServerHello claims 65535 bytes... */
	ck_assert_mem_eq(buf, "\x16\x03\x03\x00\x26\x02\x00\xff\xff\x03\x03", 11);
	/* ...then a record header claiming 65535 bytes, 16 of them sent. */
	ck_assert_mem_eq(buf + 43, "\x16\x03\x03\xff\xff", 5);
	close(fd);
}
END_TEST

START_TEST(telnet_bad_iac)
{
	if (!up(D_HOSTILE_A))
		return;
	int fd = tcp_open(D_HOSTILE_A, port(D_HOSTILE_A, "telnet"));
	const size_t want = 300 * 1000;
	uint8_t *buf = malloc(want);
	bool eof;
	size_t got = read_some(fd, buf, want, 2000, &eof);
	close(fd);
	ck_assert_uint_eq(got, want);
	ck_assert_mem_eq(buf, "\xff\xfa\x18\x01", 4); /* IAC SB TERMINAL-TYPE SEND */
	ck_assert_ptr_null(memchr(buf + 4, 0xff, got - 4)); /* never an IAC, so no IAC SE */
	free(buf);
}
END_TEST

START_TEST(http_huge_body)
{
	if (!up(D_HOSTILE_A))
		return;
	int fd = tcp_open(D_HOSTILE_A, port(D_HOSTILE_A, "http"));
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, req, sizeof(req) - 1, 0), (ssize_t)(sizeof(req) - 1));
	const size_t want = 4u * 1024 * 1024;
	uint8_t *buf = malloc(want);
	bool eof;
	size_t got = read_some(fd, buf, want, 2000, &eof);
	close(fd);
	ck_assert_uint_eq(got, want);
	uint8_t *end = memmem(buf, 4096, "\r\n\r\n", 4);
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_nonnull(memmem(buf, (size_t)(end - buf),
	    "\r\nContent-Length: 10737418240\r\n", 31));
	free(buf);
}
END_TEST

START_TEST(http_endless_chunked)
{
	if (!up(D_HOSTILE_B))
		return;
	int fd = tcp_open(D_HOSTILE_B, port(D_HOSTILE_B, "http"));
	static const char req[] = "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, req, sizeof(req) - 1, 0), (ssize_t)(sizeof(req) - 1));
	const size_t want = 2u * 1024 * 1024;
	uint8_t *buf = malloc(want + 1);
	bool eof;
	size_t got = read_some(fd, buf, want, 2000, &eof);
	close(fd);
	ck_assert_uint_eq(got, want);
	buf[got] = 0;
	uint8_t *end = memmem(buf, 4096, "\r\n\r\n", 4);
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_nonnull(memmem(buf, (size_t)(end - buf),
	    "\r\nTransfer-Encoding: chunked\r\n", 30));
	/* Chunks of up to 64 KiB, framed correctly, none of them the last (size 0). */
	size_t off = (size_t)(end + 4 - buf), chunks = 0;
	for (;;) {
		char *eol = memmem(buf + off, got - off, "\r\n", 2);
		if (eol == NULL)
			break;
		char *hexend;
		unsigned long size = strtoul((char *)buf + off, &hexend, 16);
		ck_assert_ptr_eq(hexend, eol);
		ck_assert_uint_gt(size, 0);
		ck_assert_uint_le(size, 65536);
		size_t next = (size_t)(eol + 2 - (char *)buf) + size;
		if (next + 2 > got)
			break;
		ck_assert_mem_eq(buf + next, "\r\n", 2);
		off = next + 2;
		chunks++;
	}
	ck_assert_uint_ge(chunks, 30);
	free(buf);
}
END_TEST

/* Runs the refdev with args (no network); its exit status and output. */
static int
run_refdev(char *const args[], char *out, size_t cap)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		char *argv[16] = { F.bin };
		for (size_t k = 0; args[k] && k < 14; k++)
			argv[k + 1] = args[k];
		execv(F.bin, argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t k;
	while (got + 1 < cap && (k = read(p[0], out + got, cap - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(help_and_usage)
{
	if (F.bin[0] == '\0') {
		printf("SKIP: no refdev binary\n");
		return;
	}
	char *out = xcalloc(1, 65536);
	ck_assert_int_eq(run_refdev((char *[]){ "--help", NULL }, out, 65536), 0);
	static const char *const names[] = {
		"coap-malformed", "coap-bad-length", "upnp-entity-expansion",
		"upnp-external-entity", "upnp-huge", "mqtt-bad-length", "tls-bad-length",
		"http-huge-body", "http-endless-chunked", "telnet-bad-iac",
		"\n  coap ", "\n  ssdp ", "\n  upnp ",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(out, names[i]) != NULL, "--help lacks %s", names[i]);
	/* Generic switches need a connection; CoAP ones need CoAP. */
	ck_assert_int_eq(run_refdev((char *[]){ "--misbehave", "coap:silence", NULL }, out,
	    65536), 2);
	ck_assert_int_eq(run_refdev((char *[]){ "--misbehave", "http:coap-malformed", NULL }, out,
	    65536), 2);
	ck_assert_int_eq(run_refdev((char *[]){ "--port", "ssdp=auto", "--port", "upnp=off",
	    NULL }, out, 65536), 2);
	ck_assert_ptr_nonnull(strstr(out, "ssdp needs the upnp service"));
	free(out);
}
END_TEST

static Suite *
refdev_hostile_suite(void)
{
	Suite *s = suite_create("refdev-hostile");
	TCase *tc = tcase_create("live");
	tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, upnp_entity_expansion);
	tcase_add_test(tc, upnp_external_entity_never_fetched);
	tcase_add_test(tc, upnp_huge);
	tcase_add_test(tc, mqtt_bad_length);
	tcase_add_test(tc, tls_bad_length);
	tcase_add_test(tc, telnet_bad_iac);
	tcase_add_test(tc, http_huge_body);
	tcase_add_test(tc, http_endless_chunked);
	tcase_add_test(tc, help_and_usage);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(refdev_hostile_suite)
