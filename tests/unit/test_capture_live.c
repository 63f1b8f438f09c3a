/*
 * Tests of the privileged side of harness/capture: route detection on
 * loopback, the BPF filter builder, privilege dropping and - with capture
 * privilege - a real capture of TCP exchanges on loopback, split afterwards
 * by one connection.  Without privilege the live tests check the message
 * capture_open() gives instead.  Privilege drops happen in forked children so
 * the test process keeps root.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/capture.h"
#include "check_main.h"
#include "core/util.h"

/* ---- scratch directory ---- */

typedef struct scratch {
	char dir[64];
} scratch_t;

static scratch_t
scratch_new(void)
{
	scratch_t s;
	snprintf(s.dir, sizeof(s.dir), "/tmp/iotcert-capture-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s.dir));
	return s;
}

static char *
scratch_path(const scratch_t *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

static void
scratch_free(scratch_t *s)
{
	DIR *d = opendir(s->dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = scratch_path(s, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(s->dir);
}

/* ---- route and filter ---- */

static int
route_of(const char *addr, unsigned scope, char *ifname, size_t n, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		s6->sin6_scope_id = scope;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(80);
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		len = sizeof(*s4);
	}
	return capture_route_iface((struct sockaddr *)&ss, len, ifname, n, err,
	    errlen);
}

START_TEST(test_route_loopback)
{
	static const char *const targets[] = {
		"127.0.0.1", "::1", "127.0.10.1", "::ffff:127.0.0.1",
	};
	for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
		char ifname[IF_NAMESIZE] = "", err[256] = "";
		ck_assert_msg(route_of(targets[i], 0, ifname, sizeof(ifname), err,
		    sizeof(err)) == 0, "%s: %s", targets[i], err);
		ck_assert_str_eq(ifname, "lo");
	}
}
END_TEST

/* Traffic to this host's own non-loopback address goes over lo too. */
START_TEST(test_route_own_address)
{
	struct ifaddrs *list;
	ck_assert_int_eq(getifaddrs(&list), 0);
	char own[INET6_ADDRSTRLEN] = "";
	for (struct ifaddrs *i = list; i && !own[0]; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !(i->ifa_flags & IFF_LOOPBACK))
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)
			    i->ifa_addr)->sin_addr, own, sizeof(own));
	freeifaddrs(list);
	if (!own[0])
		return;		/* a host with loopback only */
	char ifname[IF_NAMESIZE] = "", err[256] = "";
	ck_assert_msg(route_of(own, 0, ifname, sizeof(ifname), err,
	    sizeof(err)) == 0, "%s: %s", own, err);
	ck_assert_str_eq(ifname, "lo");
}
END_TEST

START_TEST(test_route_scope_and_errors)
{
	char ifname[IF_NAMESIZE] = "", err[256] = "";
	unsigned lo = if_nametoindex("lo");
	ck_assert_uint_ne(lo, 0);
	ck_assert_int_eq(route_of("fe80::1", lo, ifname, sizeof(ifname), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(ifname, "lo");

	ck_assert_int_eq(route_of("fe80::1", 0, ifname, sizeof(ifname), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "link-local"));
	ck_assert_int_eq(route_of("fe80::1", 99999, ifname, sizeof(ifname), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "scope id"));
	ck_assert_int_eq(route_of("127.0.0.1", 0, ifname, 2, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not fit"));

	struct sockaddr_un un = { .sun_family = AF_UNIX };
	ck_assert_int_eq(capture_route_iface((struct sockaddr *)&un, sizeof(un),
	    ifname, sizeof(ifname), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not IPv4 or IPv6"));
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	ck_assert_int_eq(capture_route_iface((struct sockaddr *)&s4, 4, ifname,
	    sizeof(ifname), NULL, 0), -1);
	ck_assert_int_eq(capture_route_iface(NULL, 0, ifname, sizeof(ifname), err,
	    sizeof(err)), -1);
}
END_TEST

static struct sockaddr_storage
ss_of(const char *addr)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
	}
	return ss;
}

START_TEST(test_filter_for)
{
	struct sockaddr_storage a[5];
	a[0] = ss_of("127.0.10.1");
	a[1] = ss_of("::1");
	a[2] = ss_of("127.0.10.1");
	a[3] = ss_of("::ffff:192.0.2.7");
	memset(&a[4], 0, sizeof(a[4]));
	a[4].ss_family = AF_UNIX;
	char *f = capture_filter_for(a, 5);
	ck_assert_str_eq(f, "host 127.0.10.1 or host ::1 or host 192.0.2.7");

	/* It must be a filter libpcap accepts. */
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	ck_assert_msg(pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN) == 0,
	    "%s", pcap_geterr(dead));
	pcap_freecode(&prog);
	pcap_close(dead);
	free(f);

	ck_assert_ptr_null(capture_filter_for(a, 0));
	ck_assert_ptr_null(capture_filter_for(NULL, 3));
	ck_assert_ptr_null(capture_filter_for(&a[4], 1));
	ck_assert_ptr_nonnull(strstr(capture_lib_version(), "libpcap"));
}
END_TEST

/* ---- privilege ---- */

/* Root is not enough inside a container without CAP_NET_RAW. */
static bool
can_capture(void)
{
	if (geteuid() != 0)
		return false;
	FILE *f = fopen("/proc/self/status", "r");
	if (f == NULL)
		return true;
	char line[256];
	bool ok = true;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long caps;
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			ok = (caps >> 13) & 1;	/* CAP_NET_RAW */
	}
	fclose(f);
	return ok;
}

/* Checks inside forked children report by exit status (Check's own
 * assertions belong to the test process). */
#define CHILD_CHECK(cond)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: child check failed: %s\n",   \
			    __FILE__, __LINE__, #cond);                      \
			return 1;                                            \
		}                                                            \
	} while (0)

typedef int (*child_fn)(void);

static void
in_child(child_fn fn)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn());	/* _exit: no atexit leak check in a dropped child */
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child failed (status %d)", status);
}

static int
child_open_unprivileged(void)
{
	char err[512] = "";
	capture_t *c = capture_open("lo", "host 127.0.0.1", err, sizeof(err));
	CHILD_CHECK(c == NULL);
	CHILD_CHECK(strstr(err, "no capture privilege on lo") != NULL);
	CHILD_CHECK(strstr(err, "CAP_NET_RAW") != NULL);
	return 0;
}

static int
child_drop_and_open(void)
{
	char err[256] = "";
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == 0);
	return child_open_unprivileged();
}

static int
child_drop_sudo(void)
{
	char err[256] = "";
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == 0);
	CHILD_CHECK(getuid() == 65534 && geteuid() == 65534);
	CHILD_CHECK(getgid() == 65534 && getegid() == 65534);
	CHILD_CHECK(setuid(0) == -1 && seteuid(0) == -1);
	CHILD_CHECK(setgid(0) == -1);
	gid_t groups[64];
	int n = getgroups(64, groups);
	CHILD_CHECK(n >= 0);
	for (int i = 0; i < n; i++)
		CHILD_CHECK(groups[i] != 0);
	/* Already dropped: a second call has nothing to do. */
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == 0);
	return 0;
}

static int
child_drop_named(void)
{
	char err[256] = "";
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL)
		return 0;	/* no such account on this system */
	uid_t uid = pw->pw_uid;
	unsetenv("SUDO_UID");
	CHILD_CHECK(privdrop_to_invoker("nobody", err, sizeof(err)) == 0);
	CHILD_CHECK(getuid() == uid && geteuid() == uid);
	CHILD_CHECK(setuid(0) == -1);
	return 0;
}

static int
child_no_target(void)
{
	char err[256] = "";
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == 0);
	CHILD_CHECK(privdrop_to_invoker("", err, sizeof(err)) == 0);
	CHILD_CHECK(geteuid() == 0);
	setenv("SUDO_UID", "0", 1);	/* root ran sudo */
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == 0);
	CHILD_CHECK(privdrop_to_invoker("root", err, sizeof(err)) == 0);
	CHILD_CHECK(geteuid() == 0);
	return 0;
}

static int
child_bad_targets(void)
{
	char err[256] = "";
	CHILD_CHECK(privdrop_to_invoker("no-such-user-iotcert", err,
	    sizeof(err)) == -1);
	CHILD_CHECK(strstr(err, "no such user") != NULL);
	setenv("SUDO_UID", "12abc", 1);
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == -1);
	CHILD_CHECK(strstr(err, "SUDO_UID") != NULL);
	setenv("SUDO_UID", "4294967295", 1);
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == -1);
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "-1", 1);
	CHILD_CHECK(privdrop_to_invoker(NULL, err, sizeof(err)) == -1);
	CHILD_CHECK(strstr(err, "SUDO_GID") != NULL);
	CHILD_CHECK(geteuid() == 0);
	return 0;
}

START_TEST(test_privdrop)
{
	if (geteuid() != 0) {
		/* Not root: nothing to do, whatever is asked. */
		uid_t uid = geteuid();
		char err[64];
		setenv("SUDO_UID", "65534", 1);
		ck_assert_int_eq(privdrop_to_invoker(NULL, err, sizeof(err)), 0);
		ck_assert_int_eq(privdrop_to_invoker("nobody", err, sizeof(err)), 0);
		ck_assert_int_eq(geteuid(), uid);
		return;
	}
	in_child(child_no_target);
	in_child(child_bad_targets);
	in_child(child_drop_sudo);
	in_child(child_drop_named);
}
END_TEST

/* ---- live capture ---- */

START_TEST(test_live_unprivileged)
{
	if (can_capture())
		in_child(child_drop_and_open);	/* root: become nobody first */
	else
		ck_assert_int_eq(child_open_unprivileged(), 0);
}
END_TEST

/* What the test's own reading of the live pcap found. */
typedef struct tally {
	uint16_t server, client[2];
	size_t total, per_flow[2], other;
	bool syn, synack, hello, world, fin;
} tally_t;

static void
tally_packet(tally_t *t, const uint8_t *p, size_t caplen)
{
	t->total++;
	/* Linux lo: Ethernet, IPv4, TCP; anything else is a failure below. */
	if (caplen < 14 + 20 + 20 || p[12] != 0x08 || p[13] != 0x00 ||
	    p[14] >> 4 != 4 || p[14 + 9] != IPPROTO_TCP) {
		t->other++;
		return;
	}
	size_t ihl = (size_t)(p[14] & 15) * 4;
	size_t total = (size_t)p[16] << 8 | p[17];
	const uint8_t *tcph = p + 14 + ihl;
	if (14 + ihl + 20 > caplen || total < ihl + 20) {
		t->other++;
		return;
	}
	uint16_t sport = (uint16_t)(tcph[0] << 8 | tcph[1]);
	uint16_t dport = (uint16_t)(tcph[2] << 8 | tcph[3]);
	size_t doff = (size_t)(tcph[12] >> 4) * 4;
	uint8_t flags = tcph[13];
	size_t plen = total - ihl - doff;
	const uint8_t *payload = tcph + doff;
	int which = -1;
	for (int i = 0; i < 2; i++)
		if ((sport == t->client[i] && dport == t->server) ||
		    (dport == t->client[i] && sport == t->server))
			which = i;
	if (which < 0) {
		t->other++;
		return;
	}
	t->per_flow[which]++;
	if (which != 0)
		return;
	bool from_client = sport == t->client[0];
	t->syn |= from_client && flags == 0x02;
	t->synack |= !from_client && flags == 0x12;
	t->fin |= (flags & 0x01) != 0;
	if (plen == 5 && (size_t)(payload - p) + 5 <= caplen) {
		t->hello |= from_client && memcmp(payload, "hello", 5) == 0;
		t->world |= !from_client && memcmp(payload, "world", 5) == 0;
	}
}

static void
tally_file(tally_t *t, const char *path)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, eb);
	ck_assert_msg(p != NULL, "%s", eb);
	ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(p, &h, &data) == 1)
		tally_packet(t, data, h->caplen);
	pcap_close(p);
}

/* One loopback TCP exchange; returns the client's port. */
static uint16_t
exchange(int listener, const struct sockaddr_in *server)
{
	int cli = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(cli, 0);
	ck_assert_int_eq(connect(cli, (const struct sockaddr *)server,
	    sizeof(*server)), 0);
	int srv = accept(listener, NULL, NULL);
	ck_assert_int_ge(srv, 0);
	char buf[8];
	ck_assert_int_eq(send(cli, "hello", 5, 0), 5);
	ck_assert_int_eq(recv(srv, buf, 5, MSG_WAITALL), 5);
	ck_assert_int_eq(send(srv, "world", 5, 0), 5);
	ck_assert_int_eq(recv(cli, buf, 5, MSG_WAITALL), 5);
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	ck_assert_int_eq(getsockname(cli, (struct sockaddr *)&local, &len), 0);
	close(cli);
	ck_assert_int_eq(recv(srv, buf, sizeof(buf), 0), 0);	/* client's FIN */
	close(srv);
	return ntohs(local.sin_port);
}

START_TEST(test_live_capture)
{
	if (!can_capture()) {
		fprintf(stderr, "test_capture_live: no capture privilege, live "
		    "capture not exercised (test_live_unprivileged checks "
		    "the message)\n");
		return;
	}
	scratch_t s = scratch_new();
	char *run = scratch_path(&s, "run.pcap");
	char *cut = scratch_path(&s, "case.pcap");
	char err[512] = "";

	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in server = { .sin_family = AF_INET };
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t slen = sizeof(server);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&server, sizeof(server)), 0);
	ck_assert_int_eq(listen(ls, 4), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&server, &slen), 0);
	uint16_t port = ntohs(server.sin_port);

	char ifname[IF_NAMESIZE];
	ck_assert_msg(capture_route_iface((struct sockaddr *)&server, slen, ifname,
	    sizeof(ifname), err, sizeof(err)) == 0, "%s", err);
	struct sockaddr_storage target;
	memset(&target, 0, sizeof(target));
	memcpy(&target, &server, sizeof(server));
	char *hosts = capture_filter_for(&target, 1);
	char *filter = xasprintf("(%s) and tcp port %u", hosts, port);

	capture_t *c = capture_open(ifname, filter, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_msg(capture_start(c, run, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(capture_start(c, run, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "already started"));

	tally_t t = { .server = port };
	t.client[0] = exchange(ls, &server);
	t.client[1] = exchange(ls, &server);

	capture_stats_t st;
	uint64_t t0 = mono_ms();
	ck_assert_msg(capture_stop(c, &st) == 0, "%s", st.error);
	ck_assert_uint_lt(mono_ms() - t0, 1000);
	ck_assert_str_eq(st.error, "");
	capture_stats_t again;
	ck_assert_int_eq(capture_stop(c, &again), -1);
	ck_assert_ptr_nonnull(strstr(again.error, "not running"));
	capture_free(c);
	close(ls);

	tally_file(&t, run);
	ck_assert_uint_eq(t.other, 0);	/* the filter kept everything else out */
	ck_assert(t.syn && t.synack && t.hello && t.world && t.fin);
	/* At least 3 handshake, 2 data and 2 FIN; ACKs may be merged. */
	ck_assert_uint_ge(t.per_flow[0], 7);
	ck_assert_uint_ge(t.per_flow[1], 7);
	ck_assert_uint_eq(st.packets, t.total);
	ck_assert(st.have_pcap_stats);
	ck_assert_uint_ge(st.ps_recv, st.packets);
	ck_assert_uint_eq(st.ps_drop, 0);

	/* The case's file holds exactly the first connection. */
	flow_t f;
	memset(&f, 0, sizeof(f));
	f.ipproto = IPPROTO_TCP;
	f.family = AF_INET;
	memcpy(f.local, &server.sin_addr, 4);
	memcpy(f.remote, &server.sin_addr, 4);
	f.lport = t.client[0];
	f.rport = port;
	size_t kept = 0;
	ck_assert_msg(capture_split(run, &f, 1, cut, &kept, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(kept, t.per_flow[0]);
	tally_t tc = { .server = port, .client = { t.client[0], t.client[1] } };
	tally_file(&tc, cut);
	ck_assert_uint_eq(tc.total, kept);
	ck_assert_uint_eq(tc.per_flow[0], kept);
	ck_assert(tc.syn && tc.synack && tc.hello && tc.world);

	free(hosts);
	free(filter);
	free(run);
	free(cut);
	scratch_free(&s);
}
END_TEST

START_TEST(test_live_lifecycle)
{
	if (!can_capture())
		return;
	scratch_t s = scratch_new();
	char *run = scratch_path(&s, "idle.pcap");
	char err[512] = "";

	ck_assert_ptr_null(capture_open("lo", "host 999.1.2.3", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "bad capture filter"));
	ck_assert_ptr_null(capture_open("iotcert-nosuch0", NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "iotcert-nosuch0"));
	ck_assert_ptr_null(capture_open(NULL, NULL, err, sizeof(err)));

	/* Nothing matches: stop is prompt and the file is a valid empty pcap. */
	capture_t *c = capture_open("lo", "tcp port 9 and host 127.0.0.254", err,
	    sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	capture_stats_t st;
	ck_assert_int_eq(capture_stop(c, &st), -1);	/* not started */
	ck_assert_ptr_nonnull(strstr(st.error, "not running"));
	char *bad = scratch_path(&s, "no-such-dir/x.pcap");
	ck_assert_int_eq(capture_start(c, bad, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, bad));
	free(bad);
	ck_assert_msg(capture_start(c, run, err, sizeof(err)) == 0, "%s", err);
	usleep(150 * 1000);
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(capture_stop(c, &st), 0);
	ck_assert_uint_lt(mono_ms() - t0, 1000);
	ck_assert_uint_eq(st.packets, 0);
	capture_free(c);
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(run, eb);
	ck_assert_msg(p != NULL, "%s", eb);
	ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *data;
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);

	/* Freeing a running capture stops it first. */
	c = capture_open("lo", NULL, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_start(c, run, err, sizeof(err)), 0);
	capture_free(c);
	capture_free(NULL);
	ck_assert_int_eq(capture_stop(NULL, NULL), -1);

	free(run);
	scratch_free(&s);
}
END_TEST

static Suite *
capture_live_suite(void)
{
	Suite *s = suite_create("capture-live");
	TCase *tc = tcase_create("route");
	tcase_add_test(tc, test_route_loopback);
	tcase_add_test(tc, test_route_own_address);
	tcase_add_test(tc, test_route_scope_and_errors);
	tcase_add_test(tc, test_filter_for);
	suite_add_tcase(s, tc);
	tc = tcase_create("privilege");
	tcase_add_test(tc, test_privdrop);
	tcase_add_test(tc, test_live_unprivileged);
	suite_add_tcase(s, tc);
	tc = tcase_create("live");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_live_capture);
	tcase_add_test(tc, test_live_lifecycle);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capture_live_suite)
