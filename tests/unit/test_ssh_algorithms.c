/*
 * The ssh-algorithms probe against real servers on 127.0.94.1 (an address
 * no other suite uses): Dropbear with its defaults and a 1024-bit RSA key;
 * OpenSSH sshd once with an old-firmware algorithm set (SHA-1 exchanges,
 * DSA and SHA-1 RSA host keys, CBC and 3DES, MD5 and 96-bit MACs, a
 * 1024-bit RSA key) and once with its defaults and strong keys.  The weak
 * algorithms found are asserted exactly, both ways.  In-process listeners
 * play an SSH-1-only server, one that waits for the client's KEXINIT,
 * garbage and silence.  The judgement itself is compared with the
 * best-practice crypto policy.  No login is made, so no
 * accounts are needed; sshd still wants root (privilege separation).
 * Without root or the server binaries the tests print SKIP and pass.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "test_daemons.h"
#include "core/probe.h"
#include "core/util.h"
#include "probes/ssh_judge.h"

#define LAB_ADDR	"127.0.94.1"

typedef struct lab {
	td_lab_t d;
	int db, weak, strong;	/* ports; 0 when that server is not running */
} lab_t;

static lab_t L;	/* the fixture: set up in the parent, read by the forked tests */

static int
start_dropbear(void)
{
	if (!td_dropbear_key(&L.d, "ed25519", "", "db_ed25519") ||
	    !td_dropbear_key(&L.d, "rsa", "1024", "db_rsa")) {
		printf("SKIP: dropbearkey failed (see %s/commands.log)\n", L.d.dir);
		return 0;
	}
	char *ed = td_lab_path(&L.d, "db_ed25519"), *rsa = td_lab_path(&L.d, "db_rsa");
	char *opts[] = { "-r", ed, "-r", rsa, NULL };
	int port = td_dropbear(&L.d, "dropbear", opts);
	free(ed);
	free(rsa);
	return port;
}

/* sshd with host keys `keys` (HostKey lines) and algorithm lines `algs`; no logins. */
static int
start_sshd(const char *name, const char *keys, const char *algs)
{
	char *conf = xasprintf("%sUsePAM no\nPasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n%s", keys, algs);
	int port = td_sshd(&L.d, name, td_free_port(LAB_ADDR), conf);
	free(conf);
	return port;
}

static void
start_openssh(void)
{
	if (!td_sshd_usable("the OpenSSH servers"))
		return;
	if (!td_ssh_keygen(&L.d, "ed25519", "", "ed25519") ||
	    !td_ssh_keygen(&L.d, "rsa", "1024", "rsa1024") ||
	    !td_ssh_keygen(&L.d, "rsa", "3072", "rsa3072") ||
	    !td_ssh_keygen(&L.d, "dsa", "1024", "dsa")) {
		printf("SKIP: ssh-keygen failed (see %s/commands.log)\n", L.d.dir);
		return;
	}
	const char *dir = L.d.dir;
	char *keys = xasprintf("HostKey %s/ed25519\nHostKey %s/rsa1024\nHostKey %s/dsa\n",
	    dir, dir, dir);
	/* Old firmware: every legacy name Debian 12's OpenSSH 9.2 still has. */
	L.weak = start_sshd("sshd-weak", keys,
	    "KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1,"
	    "diffie-hellman-group1-sha1\n"
	    "HostKeyAlgorithms ssh-ed25519,ssh-rsa,ssh-dss\n"
	    "Ciphers aes128-ctr,aes128-cbc,3des-cbc\n"
	    "MACs hmac-sha2-256,hmac-md5,hmac-sha1-96\n");
	free(keys);
	keys = xasprintf("HostKey %s/ed25519\nHostKey %s/rsa3072\n", dir, dir);
	L.strong = start_sshd("sshd-strong", keys, "");
	free(keys);
}

static void
lab_up(void)
{
	memset(&L, 0, sizeof(L));
	if (geteuid() != 0) {
		printf("SKIP: the SSH algorithm tests need root (sshd privilege separation)\n");
		return;
	}
	if (!td_lab_open(&L.d, LAB_ADDR, "sshalg"))
		return;
	if (access(TD_DROPBEAR, X_OK) == 0 && access(TD_DROPBEARKEY, X_OK) == 0)
		L.db = start_dropbear();
	else
		printf("SKIP: %s not installed (Debian package dropbear-bin)\n", TD_DROPBEAR);
	start_openssh();
}

static void
lab_down(void)
{
	td_lab_stop(&L.d);
	td_lab_remove(&L.d);
	memset(&L, 0, sizeof(L));
}

/* ---- running the probe ---- */

typedef struct shot {
	probe_status_t st;
	char reason[512];
	evidence_t *ev;
	uint64_t ms;
} shot_t;

static shot_t
shoot_dut(int port, long long read_ms, bool host_keys, const crypto_policy_t *policy,
    const dut_t *dut)
{
	shot_t s = { .ev = evidence_new() };
	char err[128];
	target_t *t = target_new(LAB_ADDR, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	service_t *svc = target_add_service(t, "tcp", port, &t->addrs[0]);
	free(svc->protocol);
	svc->protocol = xstrdup("ssh");
	param_t p[2] = { { .name = (char *)"read-timeout" }, { .name = (char *)"host-keys" } };
	value_set_int(&p[0].val, read_ms);
	value_set_bool(&p[1].val, host_keys);
	step_t step = { .probe = (char *)"ssh-algorithms", .params = p, .n_params = 2 };
	const probe_kind_t *k = probe_find("ssh-algorithms");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_SERVICE);
	int cancel = 0;
	probe_ctx_t ctx = { .target = t, .svc = svc, .step = &step, .ev = s.ev,
	    .deadline_ms = mono_ms() + 20000, .cancel = &cancel, .policy = policy, .dut = dut };
	uint64_t t0 = mono_ms();
	s.st = k->run(&ctx);
	s.ms = mono_ms() - t0;
	snprintf(s.reason, sizeof(s.reason), "%s", ctx.reason);
	value_clear(&p[0].val);
	value_clear(&p[1].val);
	target_free(t);
	return s;
}

static shot_t
shoot_with(int port, long long read_ms, bool host_keys, const crypto_policy_t *policy)
{
	return shoot_dut(port, read_ms, host_keys, policy, NULL);
}

static shot_t
shoot(int port, long long read_ms)
{
	return shoot_with(port, read_ms, true, NULL);
}

static void
list_is(const evidence_t *ev, const char *name, const char *want)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v && v->type == VT_LIST, "%s is not a list", name);
	char *got = value_to_text(v);
	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', not '%s'", name, got, want);
	free(got);
}

static void
str_is(const evidence_t *ev, const char *name, const char *want)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v && v->type == VT_STR, "%s is not a string", name);
	ck_assert_str_eq(v->s, want);
}

/* Findings as "type:algorithm[:key-bits]", joined, to compare with `weak`. */
static void
findings_are(const evidence_t *ev, const char *want)
{
	buf_t b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < ev->n_findings; i++) {
		const finding_t *f = &ev->findings[i];
		ck_assert_str_eq(f->kind, "ssh-algorithm");
		ck_assert_str_eq(f->protocol, "ssh");
		const char *bits = finding_get(f, "key-bits");
		buf_printf(&b, "%s%s:%s%s%s", i ? ", " : "", finding_get(f, "type"),
		    finding_get(f, "algorithm"), bits ? ":" : "", bits ? bits : "");
	}
	ck_assert_str_eq(b.data ? b.data : "", want);
	buf_free(&b);
}

/* A probe run that must succeed against an SSH 2 server whose software starts with `sw`. */
static shot_t
shoot_v2(int port, const char *sw)
{
	shot_t s = shoot(port, 5000);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	str_is(s.ev, "version", "2.0");
	ck_assert(strncmp(ev_get(s.ev, "software")->s, sw, strlen(sw)) == 0);
	return s;
}

#define NEED(port) do {							\
		if (!(port)) {						\
			printf("SKIP: %s: server not running\n", __func__); \
			return;						\
		}							\
	} while (0)

START_TEST(dropbear_defaults)
{
	NEED(L.db);
	shot_t s = shoot_v2(L.db, "dropbear_");
	list_is(s.ev, "host_keys", "ssh-ed25519, rsa-sha2-256, ssh-rsa");
	list_is(s.ev, "ciphers", "chacha20-poly1305@openssh.com, aes128-ctr, aes256-ctr");
	list_is(s.ev, "macs", "hmac-sha1, hmac-sha2-256");
	list_is(s.ev, "compression", "zlib@openssh.com, none");
	list_is(s.ev, "host_key_bits", "ssh-rsa:1024, ssh-ed25519:256");
	list_is(s.ev, "host_key_errors", "");
	/* Dropbear still offers the SHA-1 group 14 exchange by default. */
	list_is(s.ev, "weak", "kex:diffie-hellman-group14-sha1, host-key:ssh-rsa (1024 bits)");
	findings_are(s.ev, "kex:diffie-hellman-group14-sha1, host-key:ssh-rsa:1024");
	evidence_free(s.ev);
}
END_TEST

START_TEST(openssh_weak)
{
	NEED(L.weak);
	shot_t s = shoot_v2(L.weak, "OpenSSH_");
	list_is(s.ev, "host_keys", "ssh-ed25519, ssh-rsa, ssh-dss");
	list_is(s.ev, "ciphers", "aes128-ctr, aes128-cbc, 3des-cbc");
	list_is(s.ev, "macs", "hmac-sha2-256, hmac-md5, hmac-sha1-96");
	list_is(s.ev, "weak", "kex:diffie-hellman-group14-sha1, kex:diffie-hellman-group1-sha1, "
	    "host-key:ssh-rsa, host-key:ssh-dss, cipher:aes128-cbc, cipher:3des-cbc, "
	    "mac:hmac-md5, mac:hmac-sha1-96, host-key:ssh-rsa (1024 bits)");
	findings_are(s.ev, "kex:diffie-hellman-group14-sha1, kex:diffie-hellman-group1-sha1, "
	    "host-key:ssh-rsa, host-key:ssh-dss, cipher:aes128-cbc, cipher:3des-cbc, "
	    "mac:hmac-md5, mac:hmac-sha1-96, host-key:ssh-rsa:1024");
	list_is(s.ev, "host_key_bits", "ssh-rsa:1024, ssh-ed25519:256");
	/* Debian's libssh is built without DSA: the key stays unread, and says why. */
	const value_t *errs = ev_get(s.ev, "host_key_errors");
	ck_assert_uint_eq(errs->n_items, 1);
	ck_assert(strncmp(errs->items[0], "ssh-dss: libssh does not take ssh-dss: ", 39) == 0);
	evidence_free(s.ev);
}
END_TEST

START_TEST(openssh_weak_by_policy)
{
	NEED(L.weak);
	diags_t d = { 0 };
	crypto_policy_t *p = crypto_policy_load("profiles/crypto/best-practice.yaml", &d);
	ck_assert_msg(p != NULL, "best-practice policy does not load");
	shot_t s = shoot_with(L.weak, 5000, false, p);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	list_is(s.ev, "weak", "kex:diffie-hellman-group14-sha1, kex:diffie-hellman-group1-sha1, "
	    "host-key:ssh-rsa, host-key:ssh-dss, cipher:aes128-cbc, cipher:3des-cbc, "
	    "mac:hmac-md5, mac:hmac-sha1-96");
	/* The policy's own words: it judged the names, not the table. */
	ck_assert_ptr_nonnull(strstr(s.ev->findings[0].summary, "refused by crypto policy"));
	evidence_free(s.ev);
	crypto_policy_free(p);
	diags_free(&d);
}
END_TEST

START_TEST(openssh_strong)
{
	NEED(L.strong);
	shot_t s = shoot_v2(L.strong, "OpenSSH_");
	list_is(s.ev, "host_keys", "ssh-ed25519, rsa-sha2-512, rsa-sha2-256");
	list_is(s.ev, "host_key_bits", "ssh-rsa:3072, ssh-ed25519:256");
	list_is(s.ev, "weak", "");
	ck_assert_uint_eq(s.ev->n_findings, 0);
	evidence_free(s.ev);
}
END_TEST

/*
 * TS 103 701 5.5-1-2: declared exactly as offered, nothing to report; one
 * algorithm left out of the declaration, exactly one undeclared-crypto
 * finding naming it.  SSH carries logins by its nature (5.1-3).
 */
START_TEST(openssh_against_declaration)
{
	NEED(L.strong);
	shot_t s = shoot_with(L.strong, 5000, false, NULL);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	dut_commech_t m = { .transport = (char *)"tcp", .port = L.strong, .logins = -1 };
	static const char *const lists[] = { "kex", "host_keys", "ciphers", "macs" };
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		const value_t *v = ev_get(s.ev, lists[i]);
		for (size_t k = 0; k < v->n_items; k++)
			strlist_push(&m.ssh_algorithms, v->items[k]);
	}
	ck_assert(strlist_has(&m.ssh_algorithms, "rsa-sha2-512"));
	const value_t *cl = ev_get(s.ev, "carries_logins");
	ck_assert(cl && cl->type == VT_BOOL && cl->b);
	str_is(s.ev, "logins_how", "protocol: ssh authenticates its users");
	evidence_free(s.ev);
	dut_t dut = { .commech = &m, .n_commech = 1 };
	s = shoot_dut(L.strong, 5000, false, NULL, &dut);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	list_is(s.ev, "undeclared", "");
	ck_assert_uint_eq(s.ev->n_findings, 0);
	evidence_free(s.ev);

	strlist_t all = m.ssh_algorithms;
	memset(&m.ssh_algorithms, 0, sizeof(m.ssh_algorithms));
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i], "rsa-sha2-512") != 0)
			strlist_push(&m.ssh_algorithms, all.v[i]);
	s = shoot_dut(L.strong, 5000, false, NULL, &dut);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	list_is(s.ev, "undeclared", "algorithm:rsa-sha2-512");
	ck_assert_uint_eq(s.ev->n_findings, 1);
	const finding_t *f = &s.ev->findings[0];
	ck_assert_str_eq(f->kind, "undeclared-crypto");
	ck_assert_str_eq(finding_get(f, "algorithm"), "rsa-sha2-512");
	ck_assert_str_eq(finding_get(f, "type"), "host-key");
	ck_assert_ptr_nonnull(strstr(finding_get(f, "declared"), "rsa-sha2-256"));
	evidence_free(s.ev);
	strlist_free(&all);
	strlist_free(&m.ssh_algorithms);
}
END_TEST

/* ---- in-process servers ---- */

typedef struct fake {
	int fd, port;
	const char *say;	/* NULL: never accepts (the kernel completes the handshake) */
	size_t len;		/* of say, which may hold NULs */
	bool hang_up;		/* close after saying it, instead of waiting for the client */
	const char *reply;	/* sent once the client has sent more than its identification */
	size_t reply_len;
	pthread_t th;
} fake_t;

static void *
fake_run(void *arg)
{
	fake_t *f = arg;
	for (;;) {
		int c = accept(f->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		(void)!write(c, f->say, f->len);
		/* Our identification is read first even when hanging up: unread data would be an RST. */
		char sink[512];
		size_t total = 0;
		bool replied = false;
		ssize_t r;
		while ((r = read(c, sink, sizeof(sink))) > 0 && !f->hang_up) {
			total += (size_t)r;
			/* Our identification is 23 bytes: more is the client's KEXINIT. */
			if (f->reply && !replied && total > 64) {
				(void)!write(c, f->reply, f->reply_len);
				replied = true;
			}
		}
		close(c);
	}
}

/* A fake that says `say` (len 0: up to its NUL), then `reply` once the client has spoken. */
static fake_t *
fake_open(const char *say, size_t len, bool hang_up, const char *reply, size_t reply_len)
{
	fake_t *f = xcalloc(1, sizeof(*f));
	f->say = say;
	f->len = say && !len ? strlen(say) : len;
	f->hang_up = hang_up;
	f->reply = reply;
	f->reply_len = reply_len;
	f->fd = td_bound_socket(LAB_ADDR, &f->port);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(listen(f->fd, 8), 0);
	if (say)
		ck_assert_int_eq(pthread_create(&f->th, NULL, fake_run, f), 0);
	return f;
}

static fake_t *
fake_start(const char *say, size_t len, bool hang_up)
{
	return fake_open(say, len, hang_up, NULL, 0);
}

static void
fake_stop(fake_t *f)
{
	shutdown(f->fd, SHUT_RDWR);
	if (f->say)
		pthread_join(f->th, NULL);
	close(f->fd);
	free(f);
}

START_TEST(ssh1_only_is_a_finding)
{
	fake_t *f = fake_start("SSH-1.5-OldFirmware_1.0\n", 0, false);
	shot_t s = shoot(f->port, 3000);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	str_is(s.ev, "version", "1.5");
	str_is(s.ev, "software", "OldFirmware_1.0");
	list_is(s.ev, "weak", "protocol:SSH-1.5");
	findings_are(s.ev, "protocol:SSH-1.5");
	ck_assert_str_eq(finding_get(&s.ev->findings[0], "version"), "1.5");
	ck_assert_ptr_null(ev_get(s.ev, "kex"));
	evidence_free(s.ev);
	fake_stop(f);
}
END_TEST

START_TEST(server_waiting_for_our_kexinit)
{
	/* It answers with our own broad offer, so every legacy name in it shows. */
	buf_t b;
	buf_init(&b, SSH_PACKET_MAX);
	uint8_t cookie[16] = { 0 };
	ck_assert_int_eq(ssh_kexinit_build(&b, cookie), 0);
	fake_t *f = fake_open("SSH-2.0-waits_for_client\r\n", 0, false, b.data, b.len);
	shot_t s = shoot_with(f->port, 2000, false, NULL);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	str_is(s.ev, "software", "waits_for_client");
	list_is(s.ev, "weak", "kex:diffie-hellman-group14-sha1, "
	    "kex:diffie-hellman-group-exchange-sha1, kex:diffie-hellman-group1-sha1, "
	    "host-key:ssh-dss, cipher:aes128-cbc, cipher:aes192-cbc, cipher:aes256-cbc, "
	    "cipher:3des-cbc, mac:hmac-sha1-96, mac:hmac-md5");
	ck_assert_ptr_null(ev_get(s.ev, "host_key_bits"));
	/* Ours went at half the read timeout, theirs came straight back. */
	ck_assert_uint_ge(s.ms, 950);
	ck_assert_uint_lt(s.ms, 1800);
	evidence_free(s.ev);
	fake_stop(f);
	buf_free(&b);
}
END_TEST

START_TEST(garbage_is_inconclusive)
{
	fake_t *http = fake_start("HTTP/1.0 400 Bad Request\r\n\r\n<html>no</html>\r\n", 0, true);
	fake_t *pkt = fake_start("SSH-2.0-lab\r\n\x7f\xff\xff\xff garbage", 0, false);
	fake_t *notkex = fake_start("SSH-2.0-lab\r\n\x00\x00\x00\x0c\x0a\x15"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 13 + 16, false);
	shot_t s = shoot(http->port, 1500);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "no SSH identification: closed by the device");
	evidence_free(s.ev);
	s = shoot(pkt->port, 1500);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "no KEXINIT after the identification: malformed packet");
	ck_assert_uint_lt(s.ms, 1000);
	evidence_free(s.ev);
	s = shoot(notkex->port, 1500);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "first packet is not SSH_MSG_KEXINIT");
	evidence_free(s.ev);
	fake_stop(http);
	fake_stop(pkt);
	fake_stop(notkex);
}
END_TEST

START_TEST(silence_keeps_the_deadline)
{
	fake_t *mute = fake_start(NULL, 0, false);
	fake_t *stall = fake_start("SSH-2.0-stalls\r\n", 0, false);
	shot_t s = shoot(mute->port, 800);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "no SSH identification: timed out");
	ck_assert_uint_ge(s.ms, 750);
	ck_assert_uint_lt(s.ms, 1500);
	evidence_free(s.ev);
	s = shoot(stall->port, 800);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "no KEXINIT after the identification: timed out");
	ck_assert_uint_lt(s.ms, 1500);
	evidence_free(s.ev);
	fake_stop(mute);
	fake_stop(stall);
}
END_TEST

START_TEST(closed_port)
{
	shot_t s = shoot(td_free_port(LAB_ADDR), 1000);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_str_eq(s.reason, "connect: connection refused");
	evidence_free(s.ev);
}
END_TEST

/* ---- judging, built-in and by the best-practice policy ---- */

typedef struct judged {
	ssh_alg_kind_t kind;
	const char *name;
	bool builtin_ok, policy_ok;
} judged_t;

START_TEST(judge_builtin_and_policy)
{
	/* The built-in table and the best-practice policy agree name by name. */
	static const judged_t v[] = {
		{ SSH_ALG_KEX, "curve25519-sha256", true, true },
		{ SSH_ALG_KEX, "diffie-hellman-group14-sha256", true, true },
		{ SSH_ALG_KEX, "diffie-hellman-group1-sha1", false, false },
		{ SSH_ALG_KEX, "diffie-hellman-group14-sha1", false, false },
		{ SSH_ALG_KEX, "diffie-hellman-group-exchange-sha1", false, false },
		{ SSH_ALG_HOSTKEY, "ssh-ed25519", true, true },
		{ SSH_ALG_HOSTKEY, "ssh-dss", false, false },
		{ SSH_ALG_CIPHER, "aes128-ctr", true, true },
		{ SSH_ALG_CIPHER, "aes128-cbc", false, false },
		{ SSH_ALG_CIPHER, "rijndael-cbc@lysator.liu.se", false, false },
		{ SSH_ALG_CIPHER, "3des-cbc", false, false },
		{ SSH_ALG_CIPHER, "arcfour256", false, false },
		{ SSH_ALG_CIPHER, "none", false, false },
		{ SSH_ALG_MAC, "hmac-sha2-256", true, true },
		{ SSH_ALG_MAC, "hmac-sha1", true, true },
		{ SSH_ALG_MAC, "hmac-md5", false, false },
		{ SSH_ALG_MAC, "hmac-md5-etm@openssh.com", false, false },
		{ SSH_ALG_MAC, "hmac-sha1-96", false, false },
		{ SSH_ALG_MAC, "umac-64@openssh.com", true, true },
		{ SSH_ALG_COMPRESSION, "zlib@openssh.com", true, true },
	};
	diags_t d = { 0 };
	crypto_policy_t *p = crypto_policy_load("profiles/crypto/best-practice.yaml", &d);
	ck_assert_msg(p != NULL, "best-practice policy does not load");
	char why[256];
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		ck_assert_msg(ssh_alg_ok(NULL, v[i].kind, v[i].name, NULL, why, sizeof(why)) ==
		    v[i].builtin_ok, "built-in: %s", v[i].name);
		ck_assert_msg(ssh_alg_ok(p, v[i].kind, v[i].name, NULL, why, sizeof(why)) ==
		    v[i].policy_ok, "policy: %s", v[i].name);
	}
	/* ssh-rsa depends on what stands beside it, whoever judges names. */
	ssh_kexinit_t k = { 0 };
	strlist_push(&k.list[SSH_L_HOSTKEY], "ssh-rsa");
	ck_assert(!ssh_alg_ok(p, SSH_ALG_HOSTKEY, "ssh-rsa", &k, why, sizeof(why)));
	ck_assert_str_eq(why, "RSA host key signatures with SHA-1 only (RFC 8332)");
	ck_assert(!ssh_alg_ok(NULL, SSH_ALG_HOSTKEY, "ssh-rsa", &k, why, sizeof(why)));
	strlist_push(&k.list[SSH_L_HOSTKEY], "rsa-sha2-512");
	ck_assert(ssh_alg_ok(p, SSH_ALG_HOSTKEY, "ssh-rsa", &k, why, sizeof(why)));
	ck_assert(ssh_alg_ok(NULL, SSH_ALG_HOSTKEY, "ssh-rsa", &k, why, sizeof(why)));
	ck_assert(!ssh_alg_ok(NULL, SSH_ALG_CIPHER, "aes256-cbc", &k, why, sizeof(why)));
	ck_assert_str_eq(why, "CBC mode (RFC 9142)");
	ssh_kexinit_clear(&k);
	crypto_policy_free(p);
	diags_free(&d);
}
END_TEST

static Suite *
ssh_algorithms_suite(void)
{
	Suite *s = suite_create("ssh-algorithms");
	TCase *tc = tcase_create("servers");
	tcase_set_timeout(tc, 60);
	/* Unchecked: runs in the parent, so the servers go even if a test fails. */
	tcase_add_unchecked_fixture(tc, lab_up, lab_down);
	tcase_add_test(tc, dropbear_defaults);
	tcase_add_test(tc, openssh_weak);
	tcase_add_test(tc, openssh_weak_by_policy);
	tcase_add_test(tc, openssh_strong);
	tcase_add_test(tc, openssh_against_declaration);
	tcase_add_test(tc, ssh1_only_is_a_finding);
	tcase_add_test(tc, server_waiting_for_our_kexinit);
	tcase_add_test(tc, garbage_is_inconclusive);
	tcase_add_test(tc, silence_keeps_the_deadline);
	tcase_add_test(tc, closed_port);
	suite_add_tcase(s, tc);
	tc = tcase_create("judge");
	tcase_add_test(tc, judge_builtin_and_policy);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ssh_algorithms_suite)
