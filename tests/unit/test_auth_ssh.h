/*
 * The lab of the SSH authenticator tests: real servers on 127.0.91.1 (an
 * address no other suite uses) and the accounts they authenticate.
 * Dropbear three times (-B: blank passwords through "none"; -t: a second
 * factor; -s: no password method) and, where openssh-server is installed,
 * sshd for keyboard-interactive (twice: once with MaxAuthTries 1) and with
 * an old-firmware algorithm set.  The servers check real accounts, so the
 * lab makes three throwaway users (a random password; a blank one; an
 * expired one) and deletes them at the end; leftovers of a killed run are
 * recognised by the dead PID in their name.  Needs root; without it, or
 * without the server binaries, the tests print SKIP and pass.  Then one
 * login attempt (a "shot") and what it left.  Header-only: each test file
 * is its own executable with its own lab.
 */
#ifndef IOTCERT_TEST_AUTH_SSH_H
#define IOTCERT_TEST_AUTH_SSH_H

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/util.h"
#include "test_daemons.h"

extern const authenticator_t auth_ssh;

#define LAB_ADDR	"127.0.91.1"
#define USER_PREFIX	"iotcssh"	/* + PID + 'p' (password), 'b' (blank), 'e' (expired) */

/* The servers a test file asks for: each file starts only what it uses. */
enum { LAB_DROPBEAR = 1, LAB_SSHD = 2 };

typedef struct lab {
	td_lab_t d;
	bool ready;			/* root, users made, the Dropbears asked for up */
	char user[32], blank[32], expired[32];	/* the throwaway accounts */
	char pass[40];
	bool made_user, made_blank, made_expired;
	int db, db_2fa, db_nopw;	/* Dropbear: -B, -t, -s */
	int kbd, kbd_once, legacy;	/* sshd; 0 when not running */
} lab_t;

static lab_t L;	/* the fixture: set up in the parent, read by the forked tests */

/* ---- accounts ---- */

/*
 * An account for the servers to check.  A blank password is made unusable
 * elsewhere by an account expired long ago: PAM (su, login, the system's
 * sshd) refuses it, while Dropbear, which does not look at expiry, still
 * lets it in through "none".
 */
static inline bool
make_user(const char *name, const char *pass)
{
	/* /nonexistent: userdel then has no home to remove, the servers fall back to /. */
	char *add[] = { "/usr/sbin/useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh",
		(char *)name, NULL };
	char *add_expired[] = { "/usr/sbin/useradd", "-M", "-d", "/nonexistent", "-s",
		"/bin/sh", "-e", "1970-01-02", (char *)name, NULL };
	if (td_run(L.d.dir, pass[0] ? add : add_expired, NULL) != 0)
		return false;
	if (pass[0]) {
		char line[96];
		snprintf(line, sizeof(line), "%s:%s\n", name, pass);
		char *chpasswd[] = { "/usr/sbin/chpasswd", NULL };
		return td_run(L.d.dir, chpasswd, line) == 0;
	}
	char *passwd[] = { "/usr/bin/passwd", "-d", (char *)name, NULL };
	return td_run(L.d.dir, passwd, NULL) == 0;
}

static inline void
delete_user(const char *name)
{
	char *del[] = { "/usr/sbin/userdel", (char *)name, NULL };
	if (td_run(L.d.dir, del, NULL) != 0)
		printf("could not delete the test user %s\n", name);
}

/* Accounts left by a run that was killed before its teardown. */
static inline void
reap_stale_users(void)
{
	FILE *f = fopen("/etc/passwd", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, USER_PREFIX, strlen(USER_PREFIX)) != 0)
			continue;
		char *end;
		long pid = strtol(line + strlen(USER_PREFIX), &end, 10);
		if (pid <= 0 || !*end || !strchr("pbe", *end) || end[1] != ':')
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		end[1] = '\0';		/* the name: up to the letter */
		printf("removing stale test user %s\n", line);
		delete_user(line);
	}
	if (f)
		fclose(f);
}

static inline void
random_password(char *out, size_t n)
{
	unsigned char b[12] = { 0 };
	FILE *f = fopen("/dev/urandom", "r");
	if (f == NULL || fread(b, 1, sizeof(b), f) != sizeof(b))
		ck_abort_msg("no /dev/urandom");
	fclose(f);
	size_t o = (size_t)snprintf(out, n, "Lab-");
	for (size_t i = 0; i < sizeof(b) && o + 3 <= n; i++)
		o += (size_t)snprintf(out + o, n - o, "%02x", b[i]);
}

/* The three accounts; false (having said SKIP) when they cannot be made. */
static inline bool
make_users(void)
{
	reap_stale_users();
	snprintf(L.user, sizeof(L.user), USER_PREFIX "%dp", (int)getpid());
	snprintf(L.blank, sizeof(L.blank), USER_PREFIX "%db", (int)getpid());
	random_password(L.pass, sizeof(L.pass));
	snprintf(L.expired, sizeof(L.expired), USER_PREFIX "%de", (int)getpid());
	L.made_user = make_user(L.user, L.pass);
	L.made_blank = make_user(L.blank, "");
	L.made_expired = make_user(L.expired, L.pass);
	/* Last changed "never": PAM demands a new password at the next login. */
	char *chage[] = { "/usr/bin/chage", "-d", "0", L.expired, NULL };
	if (!L.made_user || !L.made_blank || !L.made_expired ||
	    td_run(L.d.dir, chage, NULL) != 0) {
		printf("SKIP: cannot create test users (see %s/commands.log)\n", L.d.dir);
		return false;
	}
	return true;
}

/* ---- servers ---- */

/* Dropbear with one option flag and a pre-login banner file. */
static inline int
start_dropbear(const char *name, const char *flag, const char *hostkey, const char *banner)
{
	char *opts[] = { (char *)flag, "-r", (char *)hostkey, "-b", (char *)banner, NULL };
	return td_dropbear(&L.d, name, opts);
}

/* The three Dropbears; false (having said SKIP) when one does not come up. */
static inline bool
start_dropbears(void)
{
	if (!td_dropbear_key(&L.d, "ed25519", "", "dropbear_ed25519")) {
		printf("SKIP: dropbearkey failed\n");
		return false;
	}
	char *hk = td_lab_path(&L.d, "dropbear_ed25519");
	char *banner = td_lab_path(&L.d, "banner.txt");
	td_write_file(banner, "iotcert lab device, model LAB-1\n");
	L.db = start_dropbear("dropbear", "-B", hk, banner);
	L.db_2fa = start_dropbear("dropbear-2fa", "-t", hk, banner);
	L.db_nopw = start_dropbear("dropbear-nopw", "-s", hk, banner);
	free(hk);
	free(banner);
	return L.db && L.db_2fa && L.db_nopw;
}

/*
 * sshd with its own config; `extra` ends it (Match blocks last).  The
 * PAM service is the system's "sshd", which is how Debian's sshd checks
 * passwords: that is what keyboard-interactive exercises.
 */
static inline int
start_sshd(const char *name, const char *hostkey, int port, const char *extra)
{
	char *conf = xasprintf("HostKey %s/%s\nUsePAM yes\nPubkeyAuthentication no\n"
	    "AuthorizedKeysFile none\nPermitRootLogin no\n%s", L.d.dir, hostkey, extra);
	port = td_sshd(&L.d, name, port, conf);
	free(conf);
	return port;
}

static inline void
start_openssh(void)
{
	if (!td_sshd_usable("keyboard-interactive"))
		return;
	if (!td_ssh_keygen(&L.d, "ed25519", "", "sshd_ed25519") ||
	    !td_ssh_keygen(&L.d, "rsa", "2048", "sshd_rsa")) {
		printf("SKIP: ssh-keygen failed (see %s/commands.log)\n", L.d.dir);
		return;
	}
	/* Two ports, one allowing a single failure: OpenSSH then says "Too many". */
	int p1 = td_free_port(LAB_ADDR), p2 = td_free_port(LAB_ADDR);
	char extra[256];
	snprintf(extra, sizeof(extra), "ListenAddress " LAB_ADDR ":%d\n"
	    "KbdInteractiveAuthentication yes\nPasswordAuthentication no\n"
	    "Match LocalPort %d\n\tMaxAuthTries 1\n", p2, p2);
	if (p1 != p2 && start_sshd("sshd-kbd", "sshd_ed25519", p1, extra)) {
		L.kbd = p1;
		L.kbd_once = p2;
	}
	/* What old device firmware offers: none of it is in libssh's defaults. */
	L.legacy = start_sshd("sshd-legacy", "sshd_rsa", td_free_port(LAB_ADDR),
	    "KbdInteractiveAuthentication no\nPasswordAuthentication yes\n"
	    "KexAlgorithms diffie-hellman-group14-sha1\nHostKeyAlgorithms ssh-rsa\n"
	    "Ciphers aes128-cbc\nMACs hmac-sha1\n");
}

/* Sets the lab up with the servers in `what` (LAB_DROPBEAR | LAB_SSHD). */
static inline void
lab_up(int what)
{
	memset(&L, 0, sizeof(L));
	if (geteuid() != 0) {
		printf("SKIP: the SSH authenticator tests need root (test accounts)\n");
		return;
	}
	if ((what & LAB_DROPBEAR) &&
	    (access(TD_DROPBEAR, X_OK) != 0 || access(TD_DROPBEARKEY, X_OK) != 0)) {
		printf("SKIP: %s not installed (Debian package dropbear-bin)\n", TD_DROPBEAR);
		return;
	}
	if (!td_lab_open(&L.d, LAB_ADDR, "ssh") || !make_users())
		return;
	L.ready = !(what & LAB_DROPBEAR) || start_dropbears();
	if (what & LAB_SSHD)
		start_openssh();
}

static inline void
lab_down(void)
{
	td_lab_stop(&L.d);
	if (L.made_user)
		delete_user(L.user);
	if (L.made_blank)
		delete_user(L.blank);
	if (L.made_expired)
		delete_user(L.expired);
	td_lab_remove(&L.d);
	memset(&L, 0, sizeof(L));
}

/* ---- attempts ---- */

typedef struct shot {
	auth_outcome_t o;
	uint64_t ms;
	evidence_t *ev;
	target_t *t;
} shot_t;

static const char *
rname(auth_result_t r)
{
	static const char *const n[] = { "ACCEPTED", "REJECTED", "NOT_REQUIRED", "LOCKED",
		"INCONCLUSIVE", "ERROR" };
	return (size_t)r < ARRAY_LEN(n) ? n[r] : "?";
}

static inline shot_t
shoot_c(int port, const char *user, const char *pass, unsigned budget_ms,
    const volatile int *cancel)
{
	shot_t s = { .ev = evidence_new() };
	char err[256];
	s.t = target_new(LAB_ADDR, err, sizeof(err));
	ck_assert_msg(s.t != NULL, "%s", err);
	service_t svc = { .transport = "tcp", .port = port, .protocol = "ssh",
		.addr = &s.t->addrs[0] };
	auth_target_t at = { .svc = &svc, .cancel = cancel, .ev = s.ev };
	uint64_t t0 = mono_ms();
	auth_ssh.try_login(&at, user, pass, t0 + budget_ms, &s.o);
	s.ms = mono_ms() - t0;
	printf("  ssh %d %s: %s [%s] %u ms delay, %llu ms: %s\n", port, user ? user : "(null)",
	    rname(s.o.result), s.o.method, s.o.delay_ms, (unsigned long long)s.ms, s.o.reason);
	return s;
}

static inline shot_t
shoot(int port, const char *user, const char *pass, unsigned budget_ms)
{
	return shoot_c(port, user, pass, budget_ms, NULL);
}

static inline void
shot_free(shot_t *s)
{
	evidence_free(s->ev);
	target_free(s->t);
}

static inline bool
transcript_has(const shot_t *s, const char *text)
{
	return s->ev->transcript && strstr(s->ev->transcript, text);
}

#define NEED_LAB()							\
	do {								\
		if (!L.ready) {						\
			printf("SKIP: %s: no SSH test servers\n", __func__); \
			return;						\
		}							\
	} while (0)

#define NEED_SSHD(port)							\
	do {								\
		if (!(port)) {						\
			printf("SKIP: %s: no sshd\n", __func__);	\
			return;						\
		}							\
	} while (0)

#endif
