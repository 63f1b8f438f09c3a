/*
 * TCP connect scan with a window of non-blocking sockets.  A port is open on
 * a completed handshake, closed on RST (ECONNREFUSED), filtered on silence or
 * ICMP unreachable; filtered ports get `retries` more attempts because one lost
 * SYN on a busy lab network must not hide a service.
 */
#include "discover/discover.h"
#include "core/util.h"
#include "net/sock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { P_PENDING, P_OPEN, P_CLOSED, P_FILTERED };

typedef struct slot {
	int fd;
	size_t idx;
	uint64_t deadline;
} slot_t;

static int
start_connect(const target_addr_t *a, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	sockaddr_with_port(a, port, &ss, &len);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -2;	/* immediate failure: errno says which */
	}
	return fd;
}

/*
 * Connects in flight: as many descriptors as the process may open, less a
 * reserve for the capture, the report and identification, capped at 1024 (more
 * only queues SYNs in the kernel).
 */
static unsigned
scan_window(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 128)
		return 32;
	rlim_t w = rl.rlim_cur - 96;
	return w > 1024 ? 1024 : (unsigned)w;
}

/* Token bucket of `rate` connects a second, with a burst of one second's worth. */
static bool
rate_allows(unsigned rate, uint64_t t0, size_t started)
{
	if (rate == 0)
		return true;
	uint64_t elapsed = mono_ms() - t0;
	return started < rate + elapsed * rate / 1000;
}

/* A reset after the handshake (a device that accepts and resets at once,
 * seen before the connect completion is polled) still proves the port open:
 * only a refused SYN is closed. */
static int
classify_errno(int e)
{
	if (e == ECONNRESET || e == EPIPE)
		return P_OPEN;
	return e == ECONNREFUSED ? P_CLOSED : P_FILTERED;
}

/* One pass over the ports still in state P_PENDING. */
static void
scan_pass(const target_addr_t *a, const int *ports, size_t n, unsigned char *state,
    const discover_opts_t *o, size_t *done, size_t total)
{
	unsigned window = o->concurrency ? o->concurrency : scan_window();
	uint64_t t0 = mono_ms();
	size_t started = 0;
	slot_t *slots = xcalloc(window, sizeof(*slots));
	struct pollfd *pfd = xcalloc(window, sizeof(*pfd));
	size_t next = 0, active = 0;
	for (;;) {
		while (active < window && next < n && rate_allows(o->rate, t0, started)) {
			size_t i = next++;
			if (state[i] != P_PENDING)
				continue;
			int fd = start_connect(a, ports[i]);
			if (fd == -1) {	/* out of descriptors: retry once some close */
				if (active == 0) {
					state[i] = P_FILTERED;
					(*done)++;
					continue;
				}
				next--;
				break;
			}
			if (fd == -2) {
				state[i] = (unsigned char)classify_errno(errno);
				(*done)++;
				continue;
			}
			started++;
			slots[active].fd = fd;
			slots[active].idx = i;
			slots[active].deadline = mono_ms() + (o->connect_ms ? o->connect_ms : 1500);
			active++;
		}
		if (active == 0 && next >= n)
			break;
		if (o->cancel && *o->cancel) {
			for (size_t k = 0; k < active; k++)
				close(slots[k].fd);
			break;
		}
		for (size_t k = 0; k < active; k++) {
			pfd[k].fd = slots[k].fd;
			pfd[k].events = POLLOUT;
			pfd[k].revents = 0;
		}
		poll(pfd, active, active ? 50 : 5);	/* 5 ms: waiting for a rate token */
		uint64_t now = mono_ms();
		for (size_t k = 0; k < active;) {
			int result = -1;
			if (pfd[k].revents) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);
				getsockopt(slots[k].fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				result = soerr ? classify_errno(soerr) : P_OPEN;
			} else if (now >= slots[k].deadline) {
				result = P_FILTERED;
			}
			if (result < 0) {
				k++;
				continue;
			}
			close(slots[k].fd);
			state[slots[k].idx] = (unsigned char)result;
			(*done)++;
			slots[k] = slots[active - 1];
			pfd[k] = pfd[active - 1];
			active--;
		}
		if (o->progress)
			o->progress(o->progress_arg, "scanning TCP ports", *done, total);
	}
	free(slots);
	free(pfd);
}

/* Scans; returns the open ports' indexes in *open (caller frees). */
size_t
scan_tcp(target_t *t, const target_addr_t *a, const discover_opts_t *o, size_t **open)
{
	size_t n = o->n_tcp_ports;
	unsigned char *state = xcalloc(n ? n : 1, 1);
	size_t done = 0;
	scan_pass(a, o->tcp_ports, n, state, o, &done, n);
	for (unsigned r = 0; r < o->retries; r++) {
		size_t again = 0;
		for (size_t i = 0; i < n; i++)
			if (state[i] == P_FILTERED) {
				state[i] = P_PENDING;
				again++;
				done--;
			}
		if (again == 0 || (o->cancel && *o->cancel))
			break;
		scan_pass(a, o->tcp_ports, n, state, o, &done, n);
	}
	size_t n_open = 0;
	*open = xcalloc(n ? n : 1, sizeof(**open));
	for (size_t i = 0; i < n; i++) {
		if (state[i] == P_OPEN)
			(*open)[n_open++] = i;
		else if (state[i] == P_CLOSED)
			t->ports_closed++;
		else if (state[i] == P_FILTERED)
			t->ports_filtered++;
	}
	t->ports_scanned += n;
	free(state);
	return n_open;
}
