/*
 * Starting real daemons for unit tests that talk to them (sshd, Dropbear):
 * fork and exec in the foreground with output to a log file, wait until the
 * port accepts, and say SKIP (with the log's name) when it never does.
 * Header-only, shared by the test files that need it.
 */
#ifndef IOTCERT_TEST_DAEMONS_H
#define IOTCERT_TEST_DAEMONS_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

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

#endif
