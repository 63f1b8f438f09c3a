/*
 * The SSH authenticator against real servers on 127.0.91.1 (an address no
 * other suite uses): Dropbear for the "password" method (right, wrong,
 * blank password through "none", a second factor, no password method at
 * all) and, where openssh-server is installed, sshd for keyboard-interactive
 * (right, wrong, an expired password whose change is never answered,
 * MaxAuthTries 1 = LOCKED) and for an old-firmware algorithm set.
 * In-process listeners play a closed port, garbage and silence.
 *
 * The servers authenticate real accounts, so the fixture makes three
 * throwaway users (a random password; a blank one; an expired one) and
 * deletes them at the end; leftovers of a killed run are recognised by the
 * dead PID in their name.  Needs root; without it, or without the server
 * binaries, the tests print SKIP and pass.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/auth.h"
#include "check_main.h"
#include "test_daemons.h"
#include "core/util.h"

extern const authenticator_t auth_ssh;

#define LAB_ADDR	"127.0.91.1"
#define USER_PREFIX	"iotcssh"	/* + PID + 'p' (password), 'b' (blank), 'e' (expired) */
#define DROPBEAR	"/usr/sbin/dropbear"
#define DROPBEARKEY	"/usr/bin/dropbearkey"
#define SSHD		"/usr/sbin/sshd"
#define SSH_KEYGEN	"/usr/bin/ssh-keygen"
#define PRIVSEP_DIR	"/run/sshd"
#define MAX_DAEMONS	6

typedef struct lab {
	bool ready;			/* root, Dropbear up, users made */
	char dir[64];
	char user[32], blank[32], expired[32];	/* the throwaway accounts */
	char pass[40];
	bool made_user, made_blank, made_expired;
	int db, db_2fa, db_nopw;	/* Dropbear: -B, -t, -s */
	int kbd, kbd_once, legacy;	/* sshd; 0 when not running */
	pid_t pid[MAX_DAEMONS];
	size_t n;
} lab_t;

static lab_t L;	/* the fixture: set up in the parent, read by the forked tests */

/* ---- processes and accounts ---- */

/* Runs argv to completion, `input` on its stdin, output to the lab log; exit status. */
static int
run(char *const argv[], const char *input)
{
	int in[2];
	if (pipe(in) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char log[128];
		snprintf(log, sizeof(log), "%s/commands.log", L.dir[0] ? L.dir : "/tmp");
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		dup2(in[0], 0);
		close(in[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	if (input && write(in[1], input, strlen(input)) < 0)
		perror("write");
	close(in[1]);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * An account for the servers to check.  A blank password is made unusable
 * elsewhere by an account expired long ago: PAM (su, login, the system's
 * sshd) refuses it, while Dropbear, which does not look at expiry, still
 * lets it in through "none".
 */
static bool
make_user(const char *name, const char *pass)
{
	/* /nonexistent: userdel then has no home to remove, the servers fall back to /. */
	char *add[] = { "/usr/sbin/useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh",
		(char *)name, NULL };
	char *add_expired[] = { "/usr/sbin/useradd", "-M", "-d", "/nonexistent", "-s",
		"/bin/sh", "-e", "1970-01-02", (char *)name, NULL };
	if (run(pass[0] ? add : add_expired, NULL) != 0)
		return false;
	if (pass[0]) {
		char line[96];
		snprintf(line, sizeof(line), "%s:%s\n", name, pass);
		char *chpasswd[] = { "/usr/sbin/chpasswd", NULL };
		return run(chpasswd, line) == 0;
	}
	char *passwd[] = { "/usr/bin/passwd", "-d", (char *)name, NULL };
	return run(passwd, NULL) == 0;
}

static void
delete_user(const char *name)
{
	char *del[] = { "/usr/sbin/userdel", (char *)name, NULL };
	if (run(del, NULL) != 0)
		printf("could not delete the test user %s\n", name);
}

/* Accounts left by a run that was killed before its teardown. */
static void
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

static void
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

/* A port on LAB_ADDR that nothing listens on now. */
static int
free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, LAB_ADDR, &sa.sin_addr);
	socklen_t len = sizeof(sa);
	int port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}


/* Starts a foreground server on `port`; returns the port once it accepts, else 0. */
static int
start_daemon(const char *name, char *const argv[], int port)
{
	if (L.n == MAX_DAEMONS || port == 0)
		return 0;
	pid_t pid = td_start(L.dir, name, argv, LAB_ADDR, port);
	if (pid == 0)
		return 0;
	L.pid[L.n++] = pid;
	return port;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Dropbear with one option flag and a pre-login banner file. */
static int
start_dropbear(const char *name, const char *flag, const char *hostkey, const char *banner)
{
	int port = free_port();
	char listen[64], pidfile[128];
	snprintf(listen, sizeof(listen), LAB_ADDR ":%d", port);
	snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", L.dir, name);
	char *argv[] = { DROPBEAR, "-F", "-E", (char *)flag, "-p", listen, "-r", (char *)hostkey,
		"-P", pidfile, "-b", (char *)banner, NULL };
	return start_daemon(name, argv, port);
}

/*
 * sshd with its own config; `extra` ends it (Match blocks last).  The
 * PAM service is the system's "sshd", which is how Debian's sshd checks
 * passwords: that is what keyboard-interactive exercises.
 */
static int
start_sshd(const char *name, const char *hostkey, int port, const char *extra)
{
	char conf[128], pidline[160], text[1024];
	snprintf(conf, sizeof(conf), "%s/%s.conf", L.dir, name);
	snprintf(pidline, sizeof(pidline), "PidFile %s/%s.pid\n", L.dir, name);
	snprintf(text, sizeof(text), "ListenAddress " LAB_ADDR ":%d\nHostKey %s\n%s"
	    "UsePAM yes\nPubkeyAuthentication no\nAuthorizedKeysFile none\n"
	    "PermitRootLogin no\nStrictModes no\nLogLevel ERROR\n%s", port, hostkey, pidline,
	    extra);
	write_file(conf, text);
	char *argv[] = { SSHD, "-D", "-e", "-f", conf, NULL };
	return start_daemon(name, argv, port);
}

static void
start_openssh(void)
{
	if (access(SSHD, X_OK) != 0 || access(SSH_KEYGEN, X_OK) != 0) {
		printf("SKIP: keyboard-interactive: %s not installed (Debian package "
		    "openssh-server)\n", SSHD);
		return;
	}
	/*
	 * sshd refuses to start without its privilege separation directory,
	 * which the system's own sshd service would create.  It stays: a run
	 * alongside (make unit twice) may have an sshd relying on it.
	 */
	if (access(PRIVSEP_DIR, F_OK) != 0 && mkdir(PRIVSEP_DIR, 0755) != 0) {
		printf("SKIP: cannot create %s\n", PRIVSEP_DIR);
		return;
	}
	char ed[128], rsa[128];
	snprintf(ed, sizeof(ed), "%s/sshd_ed25519", L.dir);
	snprintf(rsa, sizeof(rsa), "%s/sshd_rsa", L.dir);
	char *k1[] = { SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", ed, NULL };
	char *k2[] = { SSH_KEYGEN, "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa, NULL };
	if (run(k1, NULL) != 0 || run(k2, NULL) != 0) {
		printf("SKIP: ssh-keygen failed (see %s/commands.log)\n", L.dir);
		return;
	}
	/* Two ports, one allowing a single failure: OpenSSH then says "Too many". */
	int p1 = free_port(), p2 = free_port();
	char extra[256];
	snprintf(extra, sizeof(extra), "ListenAddress " LAB_ADDR ":%d\n"
	    "KbdInteractiveAuthentication yes\nPasswordAuthentication no\n"
	    "Match LocalPort %d\n\tMaxAuthTries 1\n", p2, p2);
	if (p1 != p2 && start_sshd("sshd-kbd", ed, p1, extra)) {
		L.kbd = p1;
		L.kbd_once = p2;
	}
	/* What old device firmware offers: none of it is in libssh's defaults. */
	L.legacy = start_sshd("sshd-legacy", rsa, free_port(),
	    "KbdInteractiveAuthentication no\nPasswordAuthentication yes\n"
	    "KexAlgorithms diffie-hellman-group14-sha1\nHostKeyAlgorithms ssh-rsa\n"
	    "Ciphers aes128-cbc\nMACs hmac-sha1\n");
}

static void
lab_up(void)
{
	memset(&L, 0, sizeof(L));
	if (geteuid() != 0) {
		printf("SKIP: the SSH authenticator tests need root (test accounts)\n");
		return;
	}
	if (access(DROPBEAR, X_OK) != 0 || access(DROPBEARKEY, X_OK) != 0) {
		printf("SKIP: %s not installed (Debian package dropbear-bin)\n", DROPBEAR);
		return;
	}
	snprintf(L.dir, sizeof(L.dir), "/tmp/iotcert-ssh-XXXXXX");
	if (mkdtemp(L.dir) == NULL) {
		L.dir[0] = '\0';
		return;
	}
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
	if (!L.made_user || !L.made_blank || !L.made_expired || run(chage, NULL) != 0) {
		printf("SKIP: cannot create test users (see %s/commands.log)\n", L.dir);
		return;
	}
	char hk[128];
	snprintf(hk, sizeof(hk), "%s/dropbear_ed25519", L.dir);
	char *keygen[] = { DROPBEARKEY, "-t", "ed25519", "-f", hk, NULL };
	if (run(keygen, NULL) != 0) {
		printf("SKIP: dropbearkey failed\n");
		return;
	}
	char banner[128];
	snprintf(banner, sizeof(banner), "%s/banner.txt", L.dir);
	write_file(banner, "iotcert lab device, model LAB-1\n");
	L.db = start_dropbear("dropbear", "-B", hk, banner);
	L.db_2fa = start_dropbear("dropbear-2fa", "-t", hk, banner);
	L.db_nopw = start_dropbear("dropbear-nopw", "-s", hk, banner);
	L.ready = L.db && L.db_2fa && L.db_nopw;
	start_openssh();
}

static void
lab_down(void)
{
	for (size_t i = 0; i < L.n; i++) {
		kill(L.pid[i], SIGTERM);
		uint64_t until = mono_ms() + 2000;
		while (waitpid(L.pid[i], NULL, WNOHANG) == 0 && mono_ms() < until)
			usleep(20 * 1000);
		if (waitpid(L.pid[i], NULL, WNOHANG) == 0) {
			kill(L.pid[i], SIGKILL);
			waitpid(L.pid[i], NULL, 0);
		}
	}
	if (L.made_user)
		delete_user(L.user);
	if (L.made_blank)
		delete_user(L.blank);
	if (L.made_expired)
		delete_user(L.expired);
	if (L.dir[0]) {
		char dir[sizeof(L.dir)];
		memcpy(dir, L.dir, sizeof(dir));
		L.dir[0] = '\0';	/* run() must not log into what it removes */
		char *rm[] = { "/bin/rm", "-rf", dir, NULL };
		run(rm, NULL);
	}
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

static shot_t
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

static shot_t
shoot(int port, const char *user, const char *pass, unsigned budget_ms)
{
	return shoot_c(port, user, pass, budget_ms, NULL);
}

static void
shot_free(shot_t *s)
{
	evidence_free(s->ev);
	target_free(s->t);
}

static bool
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

/* ---- Dropbear: the password method ---- */

START_TEST(password_accepted)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert_ptr_nonnull(strstr(s.o.reason, "SSH_MSG_USERAUTH_SUCCESS"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "shell echoed marker"));
	ck_assert_uint_lt(s.o.delay_ms, 5000);
	/* The one connection is in the evidence, for the capture split. */
	ck_assert_uint_eq(s.ev->n_flows, 1);
	ck_assert_uint_eq(s.ev->flows[0].rport, (unsigned)L.db);
	ck_assert(transcript_has(&s, "SSH-2.0-dropbear"));
	ck_assert(transcript_has(&s, "banner: iotcert lab device, model LAB-1"));
	ck_assert(transcript_has(&s, "methods: password"));
	shot_free(&s);
}
END_TEST

START_TEST(password_rejected)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.user, "not-the-password", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert_str_eq(s.o.reason, "SSH_MSG_USERAUTH_FAILURE");
	/* Dropbear delays every failure by 250-350 ms: the delay is the answer's. */
	ck_assert_uint_ge(s.o.delay_ms, 200);
	ck_assert_uint_lt(s.o.delay_ms, 5000);
	shot_free(&s);

	/* A user the device does not have is a plain no, as for a wrong password. */
	s = shoot(L.db, "iotcert-no-such-user", "admin", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	shot_free(&s);

	/* The empty password is tried as such, not as "none". */
	s = shoot(L.db, L.user, "", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	shot_free(&s);
}
END_TEST

/* Dropbear -B lets a blank-password account in through "none". */
START_TEST(blank_password_not_required)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.blank, "whatever", 8000);
	ck_assert_int_eq(s.o.result, AUTH_NOT_REQUIRED);
	ck_assert_str_eq(s.o.method, "ssh-none");
	ck_assert(!transcript_has(&s, "userauth password"));
	shot_free(&s);
}
END_TEST

/* Dropbear -t wants the password and a key: the password alone is partial. */
START_TEST(second_factor_partial)
{
	NEED_LAB();
	shot_t s = shoot(L.db_2fa, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert(strncmp(s.o.reason, "partial (needs another factor)", 30) == 0);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "publickey"));
	shot_free(&s);
}
END_TEST

/* Dropbear -s offers keys only: no password can work. */
START_TEST(no_password_method)
{
	NEED_LAB();
	shot_t s = shoot(L.db_nopw, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "no password method offered"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "publickey"));
	shot_free(&s);
}
END_TEST

typedef struct worker {
	int id;
	bool bad;		/* an outcome other than the expected one */
} worker_t;

static void *
worker_run(void *arg)
{
	worker_t *w = arg;
	for (int i = 0; i < 3; i++) {
		bool right = (w->id + i) % 2 == 0;
		shot_t s = shoot(L.db, L.user, right ? L.pass : "wrong-one", 15000);
		if (s.o.result != (right ? AUTH_ACCEPTED : AUTH_REJECTED) || s.ev->n_flows != 1)
			w->bad = true;
		shot_free(&s);
	}
	return NULL;
}

/*
 * Attempts on several threads at once, as the credential probe runs them.
 * Four, because Dropbear drops a sixth unauthenticated connection per
 * address.
 */
START_TEST(parallel_attempts)
{
	NEED_LAB();
	pthread_t th[4];
	worker_t w[4];
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(!w[i].bad, "thread %d saw a wrong outcome", i);
	}
}
END_TEST

START_TEST(no_user)
{
	NEED_LAB();
	shot_t s = shoot(L.db, NULL, "x", 3000);
	ck_assert_int_eq(s.o.result, AUTH_ERROR);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "user name"));
	ck_assert_uint_eq(s.ev->n_flows, 0);	/* nothing was sent */
	shot_free(&s);
	s = shoot(L.db, "", "x", 3000);
	ck_assert_int_eq(s.o.result, AUTH_ERROR);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "empty user name"));
	ck_assert_uint_eq(s.ev->n_flows, 0);
	shot_free(&s);
}
END_TEST

/* ---- listeners that are not SSH servers ---- */

typedef enum lmode { L_SILENT, L_HTTP, L_BINARY, L_BANNER_ONLY } lmode_t;

typedef struct listener {
	int fd;
	int port;
	lmode_t mode;
	pthread_t th;
} listener_t;

static void *
listener_run(void *arg)
{
	listener_t *l = arg;
	for (;;) {
		int c = accept(l->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		if (l->mode == L_HTTP) {
			static const char r[] = "HTTP/1.0 400 Bad Request\r\nServer: lab\r\n\r\n"
			    "<html>no</html>\r\n";
			(void)!write(c, r, sizeof(r) - 1);
			close(c);
		} else if (l->mode == L_BINARY) {
			unsigned char junk[600];
			for (size_t i = 0; i < sizeof(junk); i++)
				junk[i] = (unsigned char)(i * 151 + 7);
			(void)!write(c, junk, sizeof(junk));
			usleep(200 * 1000);
			close(c);
		} else {
			static const char b[] = "SSH-2.0-stalls_after_banner\r\n";
			(void)!write(c, b, sizeof(b) - 1);
			/* Mute until the client gives up. */
			char sink[512];
			while (read(c, sink, sizeof(sink)) > 0)
				;
			close(c);
		}
	}
}

/* A listener on LAB_ADDR; L_SILENT never accepts (the kernel completes the handshake). */
static listener_t *
listener_start(lmode_t mode)
{
	listener_t *l = xcalloc(1, sizeof(*l));
	l->mode = mode;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->fd, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, LAB_ADDR, &sa.sin_addr);
	socklen_t len = sizeof(sa);
	ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l->fd, 8), 0);
	ck_assert_int_eq(getsockname(l->fd, (struct sockaddr *)&sa, &len), 0);
	l->port = ntohs(sa.sin_port);
	if (mode != L_SILENT)
		ck_assert_int_eq(pthread_create(&l->th, NULL, listener_run, l), 0);
	return l;
}

/* Wakes the accept() with shutdown, so the thread ends and nothing stays open. */
static void
listener_stop(listener_t *l)
{
	shutdown(l->fd, SHUT_RDWR);
	if (l->mode != L_SILENT)
		pthread_join(l->th, NULL);
	close(l->fd);
	free(l);
}

START_TEST(closed_port)
{
	NEED_LAB();
	int port = free_port();
	shot_t s = shoot(port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "refused"));
	ck_assert_uint_lt(s.ms, 1000);
	shot_free(&s);
}
END_TEST

START_TEST(garbage)
{
	NEED_LAB();
	listener_t *http = listener_start(L_HTTP), *bin = listener_start(L_BINARY);
	shot_t s = shoot(http->port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert(strncmp(s.o.reason, "during the SSH handshake: ", 26) == 0);
	ck_assert_uint_gt(strlen(s.o.reason), 26);	/* libssh's own words follow */
	ck_assert_uint_eq(s.ev->n_flows, 1);
	shot_free(&s);
	s = shoot(bin->port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert(strncmp(s.o.reason, "during the SSH handshake: ", 26) == 0);
	ck_assert_uint_lt(s.ms, 2500);
	shot_free(&s);
	listener_stop(http);
	listener_stop(bin);
}
END_TEST

START_TEST(silence_keeps_the_deadline)
{
	NEED_LAB();
	listener_t *mute = listener_start(L_SILENT), *stall = listener_start(L_BANNER_ONLY);
	shot_t s = shoot(mute->port, L.user, L.pass, 1500);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_str_eq(s.o.reason, "timed out waiting for the SSH banner");
	ck_assert_uint_ge(s.ms, 1400);
	ck_assert_uint_le(s.ms, 2000);
	shot_free(&s);
	s = shoot(stall->port, L.user, L.pass, 1500);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_str_eq(s.o.reason, "timed out waiting for the SSH key exchange");
	ck_assert_uint_le(s.ms, 2000);
	shot_free(&s);
	listener_stop(mute);
	listener_stop(stall);
}
END_TEST

typedef struct canceller {
	volatile int flag;
	unsigned after_ms;
} canceller_t;

static void *
cancel_later(void *arg)
{
	canceller_t *c = arg;
	usleep(c->after_ms * 1000);
	c->flag = 1;
	return NULL;
}

START_TEST(cancel_is_prompt)
{
	NEED_LAB();
	listener_t *mute = listener_start(L_SILENT);
	canceller_t c = { .flag = 0, .after_ms = 300 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, &c), 0);
	shot_t s = shoot_c(mute->port, L.user, L.pass, 10000, &c.flag);
	pthread_join(th, NULL);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "cancelled"));
	ck_assert_uint_lt(s.ms, 1000);
	shot_free(&s);
	listener_stop(mute);
}
END_TEST

static int
open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d)) != NULL;)
		n++;
	if (d)
		closedir(d);
	return n;
}

/*
 * Every path leaves no descriptor behind (libssh gets a dup: a leak or a
 * double close would show here) and writes nothing on stderr.
 */
START_TEST(quiet_and_tidy)
{
	NEED_LAB();
	char errpath[128];
	snprintf(errpath, sizeof(errpath), "%s/stderr-%d.txt", L.dir, (int)getpid());
	fflush(stderr);
	int saved = dup(2);
	int ef = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(ef, 0);
	dup2(ef, 2);
	close(ef);
	int before = open_fds();
	listener_t *http = listener_start(L_HTTP), *stall = listener_start(L_BANNER_ONLY);
	struct { int port; const char *pass; unsigned budget; } runs[] = {
		{ L.db, L.pass, 8000 }, { L.db, "wrong", 8000 }, { free_port(), "x", 2000 },
		{ http->port, "x", 2000 }, { stall->port, "x", 600 }, { L.db_2fa, L.pass, 8000 },
	};
	for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
		shot_t s = shoot(runs[i].port, L.user, runs[i].pass, runs[i].budget);
		shot_free(&s);
	}
	listener_stop(http);
	listener_stop(stall);
	int after = open_fds();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_eq(after, before);
	struct stat st;
	ck_assert_int_eq(stat(errpath, &st), 0);
	ck_assert_msg(st.st_size == 0, "libssh wrote %lld bytes on stderr", (long long)st.st_size);
}
END_TEST

/* ---- sshd: keyboard-interactive, lockout, old algorithms ---- */

START_TEST(kbdint_accepted)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.user, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-keyboard-interactive");
	ck_assert_ptr_nonnull(strstr(s.o.reason, "SSH_MSG_USERAUTH_SUCCESS"));
	ck_assert(transcript_has(&s, "(hidden)"));
	ck_assert(!transcript_has(&s, "userauth password"));
	shot_free(&s);
}
END_TEST

START_TEST(kbdint_rejected)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.user, "not-the-password", 10000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-keyboard-interactive");
	ck_assert_uint_lt(s.o.delay_ms, 10000);
	shot_free(&s);
}
END_TEST

/* An expired password: PAM asks for a new one, which is never given. */
START_TEST(kbdint_password_change_not_answered)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.expired, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "server demands a new password"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "after the password"));
	ck_assert(transcript_has(&s, "prompt 'New password: '\n"));	/* no answer noted */
	shot_free(&s);
}
END_TEST

/* MaxAuthTries 1: the one failure ends in "Too many authentication failures". */
START_TEST(too_many_failures_locked)
{
	NEED_LAB();
	NEED_SSHD(L.kbd_once);
	shot_t s = shoot(L.kbd_once, L.user, "not-the-password", 10000);
	ck_assert_int_eq(s.o.result, AUTH_LOCKED);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "Too many authentication failures"));
	shot_free(&s);
}
END_TEST

START_TEST(old_firmware_algorithms)
{
	NEED_LAB();
	NEED_SSHD(L.legacy);
	shot_t s = shoot(L.legacy, L.user, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	shot_free(&s);
}
END_TEST

static Suite *
auth_ssh_suite(void)
{
	Suite *s = suite_create("auth-ssh");
	TCase *tc = tcase_create("servers");
	tcase_set_timeout(tc, 30);
	/* Unchecked: runs in the parent, so servers and accounts go even if a test fails. */
	tcase_add_unchecked_fixture(tc, lab_up, lab_down);
	tcase_add_test(tc, password_accepted);
	tcase_add_test(tc, password_rejected);
	tcase_add_test(tc, blank_password_not_required);
	tcase_add_test(tc, second_factor_partial);
	tcase_add_test(tc, no_password_method);
	tcase_add_test(tc, parallel_attempts);
	tcase_add_test(tc, no_user);
	tcase_add_test(tc, closed_port);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, silence_keeps_the_deadline);
	tcase_add_test(tc, cancel_is_prompt);
	tcase_add_test(tc, quiet_and_tidy);
	tcase_add_test(tc, kbdint_accepted);
	tcase_add_test(tc, kbdint_rejected);
	tcase_add_test(tc, kbdint_password_change_not_answered);
	tcase_add_test(tc, too_many_failures_locked);
	tcase_add_test(tc, old_firmware_algorithms);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_ssh_suite)
