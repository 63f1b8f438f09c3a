/*
 * Sockets with deadlines.  Every operation takes an absolute mono_ms()
 * deadline and a cancel flag, so nothing a device does (silence, one byte a
 * second, endless output) can hold a worker past its budget.  Connections
 * record their 4-tuple in the evidence so the capture can be split per case.
 */
#ifndef IOTCERT_SOCK_H
#define IOTCERT_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/evidence.h"
#include "core/target.h"

typedef enum net_status {
	NET_OK = 0,
	NET_TIMEOUT,		/* deadline passed */
	NET_REFUSED,		/* RST to SYN */
	NET_UNREACHABLE,	/* ICMP unreachable, no route */
	NET_CLOSED,		/* orderly close by the peer (read returned 0) */
	NET_RESET,		/* connection reset after it was established */
	NET_CANCELLED,
	NET_ERROR,		/* anything else (errno kept) */
} net_status_t;

const char *net_status_str(net_status_t s);

typedef struct conn {
	int fd;
	const volatile int *cancel;
	evidence_t *ev;		/* may be NULL: where the flow and transcript go */
	int last_errno;
} conn_t;

/* Fills *addr with the target address and port. */
void sockaddr_with_port(const target_addr_t *a, int port, struct sockaddr_storage *out,
    socklen_t *len);

/*
 * Non-blocking TCP connect to addr:port by `deadline`.  On NET_OK, c->fd is
 * open (caller closes with conn_close).  The flow is recorded in ev.
 */
net_status_t conn_tcp(conn_t *c, const target_addr_t *addr, int port,
    uint64_t deadline, const volatile int *cancel, evidence_t *ev);
void conn_close(conn_t *c);

/*
 * Reads what is available, waiting until at least one byte arrives or the
 * deadline.  *got is the byte count (0 with NET_CLOSED/NET_TIMEOUT).
 */
net_status_t conn_read(conn_t *c, void *buf, size_t cap, size_t *got, uint64_t deadline);
/* Reads until `stop` returns true on the accumulated bytes, cap, close or deadline. */
typedef int (*conn_until_fn)(const unsigned char *p, size_t n, void *arg);
net_status_t conn_read_until(conn_t *c, unsigned char *buf, size_t cap, size_t *len,
    uint64_t deadline, conn_until_fn stop, void *arg);
net_status_t conn_write(conn_t *c, const void *buf, size_t n, uint64_t deadline);

/* The smaller of two deadlines. */
static inline uint64_t
deadline_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Fills a flow_t for a connected socket; -1 if the addresses cannot be read. */
int flow_from_fd(int fd, int ipproto, flow_t *f);

#endif
