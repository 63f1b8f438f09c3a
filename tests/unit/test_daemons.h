/*
 * Starting real daemons for unit tests that talk to them (sshd, Dropbear):
 * a lab (a scratch directory for keys, configs and logs, one loopback
 * address, the daemons started), helper commands run to completion with
 * their output in the lab's log, host keys, and the daemons themselves,
 * each in the foreground with output to a log file, waited for until its
 * port accepts; SKIP (with the log's name) when it never does.
 * Header-only, shared by the test files that need it.
 */
#ifndef IOTCERT_TEST_DAEMONS_H
#define IOTCERT_TEST_DAEMONS_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

#define TD_DROPBEAR	"/usr/sbin/dropbear"
#define TD_DROPBEARKEY	"/usr/bin/dropbearkey"
#define TD_SSHD		"/usr/sbin/sshd"
#define TD_SSH_KEYGEN	"/usr/bin/ssh-keygen"
#define TD_PRIVSEP_DIR	"/run/sshd"
#define TD_MAX_DAEMONS	8

typedef struct td_lab {
	char dir[64];		/* "" until td_lab_open, and again after td_lab_remove */
	const char *addr;	/* IPv4 loopback address the daemons listen on */
	pid_t pid[TD_MAX_DAEMONS];
	size_t n;
} td_lab_t;

/* Whether addr:port (IPv4) takes a TCP connection now. */
static inline bool
td_accepts(const char *addr, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Runs argv (argv[0] a full path) with stdout and stderr to DIR/NAME.log and
 * waits up to 5 s for addr:port to accept.  The child's pid, or 0 (after
 * printing SKIP and killing it) when it did not come up.
 */
static inline pid_t
td_start(const char *dir, const char *name, char *const argv[], const char *addr, int port)
{
	char log[256];
	snprintf(log, sizeof(log), "%s/%s.log", dir, name);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return 0;
	uint64_t until = mono_ms() + 5000;
	while (!td_accepts(addr, port) && mono_ms() < until && waitpid(pid, NULL, WNOHANG) == 0)
		usleep(50 * 1000);
	if (!td_accepts(addr, port)) {
		printf("SKIP: %s did not start (see %s)\n", name, log);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 0;
	}
	return pid;
}

/*
 * Runs argv to completion with `input` (NULL: nothing) on its stdin and its
 * output appended to DIR/commands.log, or dropped when dir is empty (the
 * lab's own removal must not log into what it removes).  Its exit status,
 * or -1.
 */
static inline int
td_run(const char *dir, char *const argv[], const char *input)
{
	int in[2];
	if (pipe(in) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char log[128];
		snprintf(log, sizeof(log), "%s/commands.log", dir);
		int fd = dir[0] ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)
		    : open("/dev/null", O_WRONLY);
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
	if (pid >= 0 && input && write(in[1], input, strlen(input)) < 0)
		perror("write");
	close(in[1]);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A TCP socket bound to addr on a port the kernel picks (*port; 0 on failure). */
static inline int
td_bound_socket(const char *addr, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	socklen_t len = sizeof(sa);
	*port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		*port = ntohs(sa.sin_port);
	return fd;
}

/* A port on addr that nothing listens on now. */
static inline int
td_free_port(const char *addr)
{
	int port, fd = td_bound_socket(addr, &port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Makes the lab's directory, /tmp/iotcert-TAG-XXXXXX; false when it cannot. */
static inline bool
td_lab_open(td_lab_t *lab, const char *addr, const char *tag)
{
	memset(lab, 0, sizeof(*lab));
	lab->addr = addr;
	snprintf(lab->dir, sizeof(lab->dir), "/tmp/iotcert-%s-XXXXXX", tag);
	if (mkdtemp(lab->dir) == NULL) {
		lab->dir[0] = '\0';
		return false;
	}
	return true;
}

/* DIR/NAME, to free. */
static inline char *
td_lab_path(const td_lab_t *lab, const char *name)
{
	return xasprintf("%s/%s", lab->dir, name);
}

/* Starts a foreground server on `port`; the port once it accepts, else 0. */
static inline int
td_lab_start(td_lab_t *lab, const char *name, char *const argv[], int port)
{
	if (lab->n == TD_MAX_DAEMONS || port == 0)
		return 0;
	pid_t pid = td_start(lab->dir, name, argv, lab->addr, port);
	if (pid == 0)
		return 0;
	lab->pid[lab->n++] = pid;
	return port;
}

/* Stops every daemon started: SIGTERM, and SIGKILL after 2 s. */
/* Stops each started daemon (pid > 0): SIGTERM, SIGKILL after 2 s. */
static inline void
td_stop_all(const pid_t *pid, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (pid[i] <= 0)
			continue;
		kill(pid[i], SIGTERM);
		uint64_t until = mono_ms() + 2000;
		while (waitpid(pid[i], NULL, WNOHANG) == 0 && mono_ms() < until)
			usleep(20 * 1000);
		if (waitpid(pid[i], NULL, WNOHANG) == 0) {
			kill(pid[i], SIGKILL);
			waitpid(pid[i], NULL, 0);
		}
	}
}

/* Removes a scratch directory and everything in it; "" is fine. */
static inline void
td_remove_dir(const char *dir)
{
	if (dir[0] == '\0')
		return;
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", dir);
	char *rm[] = { "/bin/rm", "-rf", copy, NULL };
	td_run("", rm, NULL);	/* "": its output to /dev/null */
}

static inline void
td_lab_stop(td_lab_t *lab)
{
	td_stop_all(lab->pid, lab->n);
	lab->n = 0;
}

/* Removes the lab's directory (after td_lab_stop) and forgets the lab. */
static inline void
td_lab_remove(td_lab_t *lab)
{
	td_remove_dir(lab->dir);
	memset(lab, 0, sizeof(*lab));
}

/* Writes text to path; false when it cannot. */
static inline bool
td_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* A Dropbear host key DIR/FILE of `type` and `bits` ("": the type's default). */
static inline bool
td_dropbear_key(const td_lab_t *lab, const char *type, const char *bits, const char *file)
{
	char *path = td_lab_path(lab, file);
	/* No size: the "-s" pair is left out by ending argv early. */
	char *argv[] = { TD_DROPBEARKEY, "-t", (char *)type, "-f", path,
		bits[0] ? "-s" : NULL, (char *)bits, NULL };
	bool ok = td_run(lab->dir, argv, NULL) == 0;
	free(path);
	return ok;
}

/*
 * Dropbear in the foreground on a free port of the lab's address, its pid
 * file in the lab, with the options `opts` (host keys, flags; NULL-ended).
 * The port once it accepts, else 0.
 */
static inline int
td_dropbear(td_lab_t *lab, const char *name, char *const opts[])
{
	int port = td_free_port(lab->addr);
	char listen[64], pidfile[128];
	snprintf(listen, sizeof(listen), "%s:%d", lab->addr, port);
	snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", lab->dir, name);
	char *argv[24] = { TD_DROPBEAR, "-F", "-E", "-p", listen, "-P", pidfile };
	size_t n = 7;
	for (size_t i = 0; opts[i] && n + 1 < ARRAY_LEN(argv); i++)
		argv[n++] = opts[i];
	return td_lab_start(lab, name, argv, port);
}

/*
 * Whether sshd can run here: the binaries are installed and the privilege
 * separation directory exists, which sshd refuses to start without and the
 * system's own sshd service would create.  It stays: a run alongside (make
 * unit twice) may have an sshd relying on it.  Says SKIP, naming `what`
 * would be skipped, when not.
 */
static inline bool
td_sshd_usable(const char *what)
{
	if (access(TD_SSHD, X_OK) != 0 || access(TD_SSH_KEYGEN, X_OK) != 0) {
		printf("SKIP: %s: %s not installed (Debian package openssh-server)\n", what,
		    TD_SSHD);
		return false;
	}
	if (access(TD_PRIVSEP_DIR, F_OK) != 0 && mkdir(TD_PRIVSEP_DIR, 0755) != 0) {
		printf("SKIP: %s: cannot create %s\n", what, TD_PRIVSEP_DIR);
		return false;
	}
	return true;
}

/* An OpenSSH host key DIR/FILE of `type` and `bits` ("": the type's only size). */
static inline bool
td_ssh_keygen(const td_lab_t *lab, const char *type, const char *bits, const char *file)
{
	char *path = td_lab_path(lab, file);
	/* Ed25519 has one size: the "-b" pair is left out by ending argv early. */
	char *argv[] = { TD_SSH_KEYGEN, "-q", "-N", "", "-f", path, "-t", (char *)type,
		bits[0] ? "-b" : NULL, (char *)bits, NULL };
	bool ok = td_run(lab->dir, argv, NULL) == 0;
	free(path);
	return ok;
}

/*
 * sshd in the foreground on the lab's address and `port`, with its config
 * DIR/NAME.conf: listen address, pid file and quiet logging here, then
 * `conf` (host keys, authentication, algorithms; Match blocks last).  The
 * port once it accepts, else 0.
 */
static inline int
td_sshd(td_lab_t *lab, const char *name, int port, const char *conf)
{
	char *path = xasprintf("%s/%s.conf", lab->dir, name);
	char *text = xasprintf("ListenAddress %s:%d\nPidFile %s/%s.pid\nStrictModes no\n"
	    "LogLevel ERROR\n%s", lab->addr, port, lab->dir, name, conf);
	char *argv[] = { TD_SSHD, "-D", "-e", "-f", path, NULL };
	int up = td_write_file(path, text) ? td_lab_start(lab, name, argv, port) : 0;
	free(text);
	free(path);
	return up;
}

/*
 * Starts argv[0] (argv NULL-terminated) with stdout and stderr in log and
 * waits up to 10 s for it to write its ready line into the file ready (the
 * reference device's --ready-file).  Returns the pid with *line the ready
 * line (the caller frees it); -1 with the child killed when it never
 * becomes ready, after printing a SKIP naming the log.
 */
static inline pid_t
spawn_until_ready(char *const argv[], const char *ready, const char *log, char **line)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	uint64_t until = mono_ms() + 10000;
	size_t len = 0;
	*line = NULL;
	while (pid > 0 && mono_ms() < until && waitpid(pid, NULL, WNOHANG) == 0) {
		if (read_file_capped(ready, 4096, line, &len) == 0 && len > 0)
			return pid;
		free(*line);
		*line = NULL;
		usleep(50 * 1000);
	}
	printf("SKIP: %s did not start (see %s)\n", argv[0], log);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return -1;
}

#endif
