/*
 * UDP discovery over real sockets on loopback (127.0.53.0/24, which no other
 * suite uses).  Without privilege: closed ports (ICMP port unreachable),
 * bound-but-mute ports and an echo service are never services; in-process
 * responders play SSDP and mDNS (unicast and on the multicast groups, which
 * stay on lo) and a TFTP server answering from a fresh port.  As root, with
 * the Debian packages installed (scripts/deps.sh), real daemons bound to
 * 127.0.53.1: snmpd, dnsmasq (DNS and TFTP), chronyd and libcoap's
 * coap-server (CoAP and DTLS).  A missing daemon or privilege is a printed
 * SKIP, not a failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "core/util.h"
#include "discover/udp.h"
#include "proto/dnsmsg.h"

#define DAEMON_ADDR	"127.0.53.1"
#define MUTE_ADDR	"127.0.53.2"
#define FAKE_ADDR	"127.0.53.3"

/* ---- running discovery ---- */

typedef struct result {
	target_t *t;
	evidence_t *ev;
	int rc;
	char err[256];
	uint64_t ms;
} result_t;

static result_t
discover(const char *addr, const int *ports, size_t n, unsigned wait, unsigned listen)
{
	result_t r = { 0 };
	r.t = target_new(addr, r.err, sizeof(r.err));
	ck_assert_ptr_nonnull(r.t);
	r.ev = evidence_new();
	udp_opts_t o;
	udp_opts_init(&o);
	o.ports = ports;
	o.n_ports = n;
	o.wait_ms = wait;
	o.listen_ms = listen;
	uint64_t t0 = mono_ms();
	r.rc = discover_udp(r.t, &r.t->addrs[0], &o, r.ev, r.err, sizeof(r.err));
	r.ms = mono_ms() - t0;
	return r;
}

static void
result_free(result_t *r)
{
	target_free(r->t);
	evidence_free(r->ev);
}

static const service_t *
svc(const result_t *r, int port)
{
	return target_find(r->t, "udp", port);
}

static bool
has_info(const service_t *s, const char *key, const char *val)
{
	for (size_t i = 0; i < s->n_info; i++)
		if (strcmp(s->info[i].key, key) == 0 && strcmp(s->info[i].val, val) == 0)
			return true;
	return false;
}

static void
dump(const result_t *r)
{
	printf("  udp: %zu scanned, %zu closed, %zu silent, %zu services, %zu flows, %llu ms\n",
	    r->t->udp_scanned, r->t->udp_closed, r->t->udp_silent, r->t->n_svcs,
	    r->ev->n_flows, (unsigned long long)r->ms);
	for (size_t i = 0; i < r->t->n_svcs; i++) {
		const service_t *s = &r->t->svcs[i];
		printf("  udp/%d %s (%s)\n", s->port, s->protocol, s->how);
		for (size_t k = 0; k < s->n_info; k++)
			printf("    %s = %.120s\n", s->info[k].key, s->info[k].val);
	}
}

/* ---- sockets for the fakes ---- */

/* A bound socket, or -1 when something else on this machine holds the port. */
static int
udp_try_bound(const char *addr, int port, bool reuse)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	int one = 1;
	if (reuse) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("SKIP: %s:%d is taken on this machine (%s)\n", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
udp_bound(const char *addr, int port, bool reuse)
{
	int fd = udp_try_bound(addr, port, reuse);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A member of group on lo, and sending there through lo. */
static int
group_bound(const char *group, int port)
{
	int fd = udp_try_bound(group, port, true);
	if (fd < 0)
		return -1;
	struct ip_mreqn m = { 0 };
	inet_pton(AF_INET, group, &m.imr_multiaddr);
	inet_pton(AF_INET, "127.0.0.1", &m.imr_address);
	ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	return fd;
}

static void
mcast_via_lo(int fd)
{
	struct in_addr lo;
	inet_pton(AF_INET, "127.0.0.1", &lo);
	ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof(lo)), 0);
	int ttl = 1;
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
}

/* ---- DNS answers for the mDNS fake ---- */

typedef struct pkt {
	uint8_t b[1500];
	size_t n;
} pkt_t;

static void
put(pkt_t *p, const void *d, size_t n)
{
	if (p->n + n <= sizeof(p->b)) {
		memcpy(p->b + p->n, d, n);
		p->n += n;
	}
}

static void
put16(pkt_t *p, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

static void
putname(pkt_t *p, const char *name)
{
	while (*name) {
		size_t k = strcspn(name, ".");
		uint8_t l = (uint8_t)k;
		put(p, &l, 1);
		put(p, name, k);
		name += k + (name[k] == '.');
	}
	put(p, "", 1);
}

static void
rr(pkt_t *p, const char *owner, unsigned type, const pkt_t *data)
{
	putname(p, owner);
	put16(p, type);
	put16(p, 0x8001);
	put16(p, 0);
	put16(p, 120);
	put16(p, (unsigned)data->n);
	put(p, data->b, data->n);
}

static void
rr_name(pkt_t *p, const char *owner, unsigned type, const char *target)
{
	pkt_t d = { .n = 0 };
	putname(&d, target);
	rr(p, owner, type, &d);
}

static void
rr_srv(pkt_t *p, const char *owner, const char *host)
{
	pkt_t d = { .n = 0 };
	put16(&d, 0);
	put16(&d, 0);
	put16(&d, 80);
	putname(&d, host);
	rr(p, owner, DNS_T_SRV, &d);
}

static void
rr_txt(pkt_t *p, const char *owner, const char *a, const char *b)
{
	pkt_t d = { .n = 0 };
	uint8_t l = (uint8_t)strlen(a);
	put(&d, &l, 1);
	put(&d, a, l);
	l = (uint8_t)strlen(b);
	put(&d, &l, 1);
	put(&d, b, l);
	rr(p, owner, DNS_T_TXT, &d);
}

/* Header with the question echoed; counts patched by finish(). */
static void
answer_head(pkt_t *p, uint16_t id, const dns_msg_t *q)
{
	p->n = 0;
	put16(p, id);
	put16(p, 0x8400);
	put16(p, q ? 1 : 0);
	put16(p, 0);
	put16(p, 0);
	put16(p, 0);
	if (q) {
		putname(p, q->qname);
		put16(p, q->qtype);
		put16(p, q->qclass);
	}
}

static void
finish(pkt_t *p, unsigned an)
{
	p->b[6] = (uint8_t)(an >> 8);
	p->b[7] = (uint8_t)an;
}

#define CAM "Lab Cam._http._tcp.local"

/* The legacy unicast zone: one service type, one camera. */
static void
mdns_unicast_answer(const dns_msg_t *q, pkt_t *p)
{
	answer_head(p, q->id, q);
	unsigned an = 0;
	if (dns_name_eq(q->qname, "_services._dns-sd._udp.local")) {
		rr_name(p, q->qname, DNS_T_PTR, "_http._tcp.local");
		an++;
	} else if (dns_name_eq(q->qname, "_http._tcp.local")) {
		rr_name(p, q->qname, DNS_T_PTR, CAM);
		an++;
	} else if (dns_name_eq(q->qname, CAM)) {
		rr_srv(p, CAM, "labcam.local");
		rr_txt(p, CAM, "model=RD-100", "fw=1.2");
		an += 2;
	}
	finish(p, an);
}

/* ---- the fake device ---- */

typedef struct fake {
	int stop[2];
	int ssdp_u, ssdp_g, mdns_u, mdns_g, tftp, echo, mute;
	pthread_t th;
} fake_t;

static void
ssdp_reply(int fd, const struct sockaddr_in *to, const char *st)
{
	char b[512];
	int n = snprintf(b, sizeof(b), "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
	    "ST: %s\r\nUSN: uuid:0000-fake::%s\r\nEXT:\r\n"
	    "SERVER: Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.3\r\n"
	    "LOCATION: http://" FAKE_ADDR ":5000/rootDesc.xml\r\n\r\n", st, st);
	sendto(fd, b, (size_t)n, 0, (const struct sockaddr *)to, sizeof(*to));
}

static void
fake_one(fake_t *f, int fd)
{
	uint8_t b[2048];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	if (fd == f->echo) {
		sendto(fd, b, (size_t)n, 0, (struct sockaddr *)&from, fl);
	} else if (fd == f->ssdp_u && n > 8 && memcmp(b, "M-SEARCH", 8) == 0) {
		ssdp_reply(f->ssdp_u, &from, "upnp:rootdevice");
		ssdp_reply(f->ssdp_u, &from, "urn:schemas-upnp-org:device:Basic:1");
	} else if (fd == f->ssdp_g && n > 8 && memcmp(b, "M-SEARCH", 8) == 0) {
		/* Only the multicast search learns this one. */
		ssdp_reply(f->ssdp_u, &from, "urn:iotcert:device:McastOnly:1");
	} else if (fd == f->mdns_u || fd == f->mdns_g) {
		dns_msg_t *q = calloc(1, sizeof(*q));
		pkt_t p;
		if (dns_parse(b, (size_t)n, q) == 0 && !(q->flags & DNS_F_QR)) {
			if (fd == f->mdns_u) {
				mdns_unicast_answer(q, &p);
				sendto(f->mdns_u, p.b, p.n, 0, (struct sockaddr *)&from, fl);
			} else {	/* announce a printer on the group */
				answer_head(&p, 0, NULL);
				rr_name(&p, "_ipp._tcp.local", DNS_T_PTR, "Mcast Printer._ipp._tcp.local");
				rr_srv(&p, "Mcast Printer._ipp._tcp.local", "printer.local");
				rr_txt(&p, "Mcast Printer._ipp._tcp.local", "rp=ipp/print", "ty=Fake");
				finish(&p, 3);
				struct sockaddr_in g = { .sin_family = AF_INET, .sin_port = htons(5353) };
				inet_pton(AF_INET, "224.0.0.251", &g.sin_addr);
				sendto(f->mdns_u, p.b, p.n, 0, (struct sockaddr *)&g, sizeof(g));
			}
		}
		free(q);
	} else if (fd == f->tftp && n > 2 && b[1] == 1) {
		/* Like any TFTP server: the answer comes from a fresh port. */
		int t = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET };
		inet_pton(AF_INET, FAKE_ADDR, &sa.sin_addr);
		bind(t, (struct sockaddr *)&sa, sizeof(sa));
		static const uint8_t err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o',
			't', ' ', 'f', 'o', 'u', 'n', 'd', 0 };
		sendto(t, err, sizeof(err), 0, (struct sockaddr *)&from, fl);
		close(t);
	}
}

static void *
fake_run(void *arg)
{
	fake_t *f = arg;
	int fds[] = { f->stop[0], f->ssdp_u, f->ssdp_g, f->mdns_u, f->mdns_g, f->tftp, f->echo };
	struct pollfd p[sizeof(fds) / sizeof(fds[0])];
	for (;;) {
		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(p, sizeof(fds) / sizeof(fds[0]), 1000) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		for (size_t i = 1; i < sizeof(fds) / sizeof(fds[0]); i++)
			if (p[i].revents)
				fake_one(f, fds[i]);
	}
	return NULL;
}

/* False (after a SKIP line) when another program holds one of the ports. */
static bool
fake_start(fake_t *f)
{
	ck_assert_int_eq(pipe(f->stop), 0);
	f->ssdp_u = udp_try_bound(FAKE_ADDR, 1900, true);
	f->ssdp_g = group_bound("239.255.255.250", 1900);
	f->mdns_u = udp_try_bound(FAKE_ADDR, 5353, true);
	f->mdns_g = group_bound("224.0.0.251", 5353);
	f->tftp = udp_bound(FAKE_ADDR, 6969, false);
	f->echo = udp_bound(FAKE_ADDR, 40007, false);
	f->mute = udp_bound(FAKE_ADDR, 40001, false);
	if (f->ssdp_u < 0 || f->ssdp_g < 0 || f->mdns_u < 0 || f->mdns_g < 0)
		return false;
	mcast_via_lo(f->mdns_u);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_run, f), 0);
	return true;
}

static void
fake_stop(fake_t *f)
{
	ck_assert_int_eq(write(f->stop[1], "x", 1), 1);
	pthread_join(f->th, NULL);
	int fds[] = { f->stop[0], f->stop[1], f->ssdp_u, f->ssdp_g, f->mdns_u, f->mdns_g,
		f->tftp, f->echo, f->mute };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}

/* ---- closed, mute, echo: never services ---- */

START_TEST(closed_and_silent)
{
	/* 40011 bound and mute (every probe), 123 and 40002 with nobody. */
	int mute = udp_bound(MUTE_ADDR, 40011, false);
	static const int ports[] = { 40011, 123, 40002 };
	result_t r = discover(MUTE_ADDR, ports, 3, 300, 0);
	dump(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.t->n_svcs, 0);
	ck_assert_uint_eq(r.t->udp_scanned, 3);
	ck_assert_uint_eq(r.t->udp_closed, 2);
	ck_assert_uint_eq(r.t->udp_silent, 1);
	/* One flow per socket: every probe on the unknown ports, one on 123. */
	size_t np;
	udp_probes(&np);
	ck_assert_uint_eq(r.ev->n_flows, 1 + 2 * np);
	for (size_t i = 0; i < r.ev->n_flows; i++)
		ck_assert_int_eq(r.ev->flows[i].ipproto, IPPROTO_UDP);
	/* Closed answers at once; the mute port costs wait * (1 + retries). */
	ck_assert_uint_lt(r.ms, 2000);
	result_free(&r);
	close(mute);
}
END_TEST

START_TEST(interrupted)
{
	static const int ports[] = { 40003 };
	char err[128];
	target_t *t = target_new(MUTE_ADDR, err, sizeof(err));
	volatile int cancel = 1;
	udp_opts_t o;
	udp_opts_init(&o);
	o.ports = ports;
	o.n_ports = 1;
	o.cancel = &cancel;
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(discover_udp(t, &t->addrs[0], &o, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "UDP discovery interrupted");
	ck_assert_uint_lt(mono_ms() - t0, 500);
	ck_assert_uint_eq(t->n_svcs, 0);
	target_free(t);
}
END_TEST

/* ---- the fake device ---- */

START_TEST(fake_device)
{
	fake_t f;
	if (!fake_start(&f))
		return;		/* the process exits: Check closes nothing else */
	static const int ports[] = { 1900, 5353, 6969, 40001, 40007, 40000 };
	result_t r = discover(FAKE_ADDR, ports, 6, 400, 800);
	fake_stop(&f);
	dump(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.t->udp_scanned, 6);
	ck_assert_uint_eq(r.t->n_svcs, 3);
	ck_assert_uint_eq(r.t->udp_closed, 1);		/* 40000 */
	ck_assert_uint_eq(r.t->udp_silent, 2);		/* 40001 mute, 40007 echo */

	const service_t *s = svc(&r, 1900);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->protocol, "upnp");
	ck_assert_str_eq(s->how, "SSDP 200 OK to a unicast M-SEARCH");
	ck_assert_str_eq(s->product, "MiniUPnPd");
	ck_assert_str_eq(s->version, "2.3.3");
	ck_assert(has_info(s, "st", "upnp:rootdevice"));
	ck_assert(has_info(s, "st", "urn:schemas-upnp-org:device:Basic:1"));
	ck_assert(has_info(s, "st", "urn:iotcert:device:McastOnly:1"));	/* multicast */
	ck_assert(has_info(s, "location", "http://" FAKE_ADDR ":5000/rootDesc.xml"));
	ck_assert(has_info(s, "usn", "uuid:0000-fake::upnp:rootdevice"));
	ck_assert_ptr_nonnull(s->banner);

	s = svc(&r, 5353);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->protocol, "mdns");
	ck_assert(has_info(s, "service", CAM));
	ck_assert(has_info(s, "txt", CAM ": model=RD-100; fw=1.2"));
	ck_assert(has_info(s, "hostname", "labcam.local"));
	/* From the multicast announcement only. */
	ck_assert(has_info(s, "service", "Mcast Printer._ipp._tcp.local"));
	ck_assert(has_info(s, "hostname", "printer.local"));

	s = svc(&r, 6969);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->protocol, "tftp");
	ck_assert(has_info(s, "tftp-error", "File not found"));

	ck_assert_ptr_null(svc(&r, 40001));
	ck_assert_ptr_null(svc(&r, 40007));
	/* The TFTP socket's flow takes the answer from any port of the target. */
	bool any_port = false;
	for (size_t i = 0; i < r.ev->n_flows; i++)
		any_port |= r.ev->flows[i].rport == 0;
	ck_assert(any_port);
	ck_assert_uint_lt(r.ms, 3000);
	result_free(&r);
}
END_TEST

/* ---- real daemons ---- */

typedef struct daemons {
	char dir[64];
	pid_t pid[4];
	const char *name[4];
	size_t n;
	bool root;
} daemons_t;

static daemons_t D;	/* the fixture: set up in the parent, read by the forked test */

static bool
bound_udp(const char *hex_addr_port)
{
	FILE *f = fopen("/proc/net/udp", "r");
	char line[512];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, hex_addr_port) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* Starts argv with output to log; waits for its UDP socket (hex as in /proc). */
static void
start_daemon(const char *name, char *const argv[], const char *ready, char *const env[])
{
	if (access(argv[0], X_OK) != 0) {
		printf("SKIP: %s: %s not installed (Debian package, see scripts/deps.sh)\n", name,
		    argv[0]);
		return;
	}
	char log[128];
	snprintf(log, sizeof(log), "%s/%s.log", D.dir, name);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	uint64_t until = mono_ms() + 5000;
	while (!bound_udp(ready) && mono_ms() < until && waitpid(pid, NULL, WNOHANG) == 0)
		usleep(50 * 1000);
	if (!bound_udp(ready)) {
		printf("SKIP: %s did not start (see %s)\n", name, log);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return;
	}
	D.pid[D.n] = pid;
	D.name[D.n++] = name;
}

static void
daemons_up(void)
{
	memset(&D, 0, sizeof(D));
	D.root = geteuid() == 0;
	if (!D.root) {
		printf("SKIP: real UDP daemons need root (ports below 1024)\n");
		return;
	}
	snprintf(D.dir, sizeof(D.dir), "/tmp/iotcert-udp-XXXXXX");
	if (mkdtemp(D.dir) == NULL)
		return;
	char p[200], conf[160], persist[160], tftp[160];
	snprintf(persist, sizeof(persist), "%s/persist", D.dir);
	snprintf(tftp, sizeof(tftp), "%s/tftp", D.dir);
	mkdir(persist, 0700);
	mkdir(tftp, 0700);

	/* snmpd keeps state in its persistent dir, apart from this config. */
	snprintf(conf, sizeof(conf), "%s/snmpd.conf", D.dir);
	write_file(conf, "agentAddress udp:" DAEMON_ADDR ":161\n"
	    "rocommunity public 127.0.0.0/8\n"
	    "sysDescr iotcert live agent\nsysName refdev-udp\n");
	char envp[200];
	snprintf(envp, sizeof(envp), "SNMP_PERSISTENT_DIR=%s", persist);
	char *snmp_env[] = { envp, "MIBS=", NULL };
	char *snmpd[] = { "/usr/sbin/snmpd", "-f", "-C", "-c", conf, "-Lo", NULL };
	start_daemon("snmpd", snmpd, "0135007F:00A1", snmp_env);

	snprintf(p, sizeof(p), "--tftp-root=%s", tftp);
	char *dnsmasq[] = { "/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
		"--listen-address=" DAEMON_ADDR, "--bind-interfaces", "--port=53", "--no-resolv",
		"--no-hosts", "--enable-tftp", p, "--user=root", "--pid-file=",
		"--log-facility=-", NULL };
	start_daemon("dnsmasq", dnsmasq, "0135007F:0045", NULL);

	char chrony_conf[160], pidline[200], text[600];
	snprintf(chrony_conf, sizeof(chrony_conf), "%s/chrony.conf", D.dir);
	snprintf(pidline, sizeof(pidline), "pidfile %s/chronyd.pid\n", D.dir);
	snprintf(text, sizeof(text), "port 123\nbindaddress " DAEMON_ADDR "\nallow 127.0.0.0/8\n"
	    "local stratum 8\ncmdport 0\nbindcmdaddress /\n%s", pidline);
	write_file(chrony_conf, text);
	char *chronyd[] = { "/usr/sbin/chronyd", "-d", "-x", "-u", "root", "-f", chrony_conf,
		NULL };
	start_daemon("chronyd", chronyd, "0135007F:007B", NULL);

	char *coap[] = { "/usr/bin/coap-server-openssl", "-A", DAEMON_ADDR, "-k", "iotcert-psk",
		NULL };
	start_daemon("coap-server", coap, "0135007F:1634", NULL);
}

static void
daemons_down(void)
{
	for (size_t i = 0; i < D.n; i++) {
		kill(D.pid[i], SIGTERM);
		uint64_t until = mono_ms() + 2000;
		while (waitpid(D.pid[i], NULL, WNOHANG) == 0 && mono_ms() < until)
			usleep(20 * 1000);
		if (waitpid(D.pid[i], NULL, WNOHANG) == 0) {
			kill(D.pid[i], SIGKILL);
			waitpid(D.pid[i], NULL, 0);
		}
	}
	if (D.dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", D.dir);
		if (system(cmd) != 0)
			printf("could not remove %s\n", D.dir);
	}
	memset(&D, 0, sizeof(D));
}

static bool
running(const char *name)
{
	for (size_t i = 0; i < D.n; i++)
		if (strcmp(D.name[i], name) == 0)
			return true;
	return false;
}

START_TEST(real_daemons)
{
	if (D.n == 0) {
		printf("SKIP: no real UDP daemon could be started\n");
		return;
	}
	result_t r = discover(DAEMON_ADDR, NULL, 0, 1000, 0);
	dump(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.t->udp_scanned, 8);
	ck_assert_uint_eq(r.t->n_svcs + r.t->udp_closed + r.t->udp_silent, 8);
	/* Nothing answers SSDP or mDNS on this address: ICMP says closed. */
	ck_assert_ptr_null(svc(&r, 1900));
	ck_assert_ptr_null(svc(&r, 5353));
	const service_t *s;
	if (running("snmpd")) {
		s = svc(&r, 161);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "snmp");
		ck_assert(has_info(s, "sysDescr", "iotcert live agent"));
		ck_assert(has_info(s, "sysName", "refdev-udp"));
		ck_assert(has_info(s, "community", "public"));
		ck_assert(has_info(s, "snmp-version", "v2c"));
		ck_assert(has_info(s, "snmp-version", "v1"));
	}
	if (running("dnsmasq")) {
		s = svc(&r, 53);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "dns");
		ck_assert_str_eq(s->product, "dnsmasq");
		ck_assert_ptr_nonnull(s->version);
		ck_assert(strncmp(service_info_get(s, "version.bind"), "dnsmasq-", 8) == 0);
		s = svc(&r, 69);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "tftp");
		ck_assert_ptr_nonnull(strstr(service_info_get(s, "tftp-error"), "not found"));
	}
	if (running("chronyd")) {
		s = svc(&r, 123);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "ntp");
		ck_assert(has_info(s, "stratum", "8"));
		ck_assert(has_info(s, "ntp-version", "4"));
	}
	if (running("coap-server")) {
		s = svc(&r, 5683);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "coap");
		ck_assert_ptr_nonnull(strstr(service_info_get(s, "well-known-core"), "</time>"));
		s = svc(&r, 5684);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->protocol, "coaps");
		ck_assert(s->tls);
		ck_assert(has_info(s, "dtls-version", "1.2"));
	}
	result_free(&r);
}
END_TEST

static Suite *
udp_live_suite(void)
{
	Suite *s = suite_create("udp-live");
	TCase *tc = tcase_create("loopback");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, closed_and_silent);
	tcase_add_test(tc, interrupted);
	tcase_add_test(tc, fake_device);
	suite_add_tcase(s, tc);
	tc = tcase_create("daemons");
	tcase_set_timeout(tc, 60);
	/* Unchecked: runs in the parent, so the daemons stop even if a test fails. */
	tcase_add_unchecked_fixture(tc, daemons_up, daemons_down);
	tcase_add_test(tc, real_daemons);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(udp_live_suite)
