/*
 * What the DTLS scan tests share: the lab address, UDP ports on it, running
 * a scan and printing what it found.  Header-only: every unit-test file is
 * its own executable.
 */
#ifndef IOTCERT_TEST_DTLS_LAB_H
#define IOTCERT_TEST_DTLS_LAB_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/target.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "net/dtls_scan.h"

#define LAB_ADDR "127.0.96.1"

/* A UDP socket bound on the lab address and an ephemeral port; -1 on failure. */
static inline int
udp_bound(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	inet_pton(AF_INET, LAB_ADDR, &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static inline int
free_udp_port(void)
{
	int port = -1, fd = udp_bound(&port);
	if (fd >= 0)
		close(fd);
	return port;
}

static inline dtls_scan_result_t *
scan_opts(int port, evidence_t *ev, unsigned tmo, unsigned tries, uint64_t budget,
    const volatile int *cancel, uint64_t *took)
{
	char err[128];
	target_t *t = target_new(LAB_ADDR, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	dtls_scan_opts_t o = {
		.addr = &t->addrs[0], .port = port, .deadline = mono_ms() + budget, .ev = ev,
		.hs_timeout_ms = tmo, .tries = tries, .cancel = cancel,
	};
	uint64_t t0 = mono_ms();
	dtls_scan_result_t *r = dtls_scan(&o);
	if (took)
		*took = mono_ms() - t0;
	target_free(t);
	return r;
}

static inline dtls_scan_result_t *
scan_port(int port, evidence_t *ev)
{
	return scan_opts(port, ev, 0, 0, 20000, NULL, NULL);
}

static inline int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "0x002f 0x0035" for the suites of version v, sorted when asked. */
static inline char *
suites_of(const dtls_scan_result_t *r, uint16_t v, bool sorted)
{
	const dtls_scan_version_t *sv = dtls_scan_version(r, v);
	uint16_t *s = xcalloc(sv->n_suites + 1, sizeof(*s));
	if (sv->n_suites)
		memcpy(s, sv->suites, sv->n_suites * sizeof(*s));
	if (sorted)
		qsort(s, sv->n_suites, sizeof(*s), cmp_u16);
	buf_t b;
	buf_init(&b, 8192);
	for (size_t i = 0; i < sv->n_suites; i++)
		buf_printf(&b, "%s0x%04x", i ? " " : "", s[i]);
	buf_append(&b, "", 0);
	free(s);
	return buf_steal(&b);
}

#define ASSERT_STR_FREE(got, want) do {                                  \
		char *g_ = (got), *w_ = (want);                          \
		ck_assert_msg(strcmp(g_, w_) == 0, "got '%s', want '%s'", g_, w_); \
		free(g_);                                                \
		free(w_);                                                \
	} while (0)

static inline void
assert_versions(const dtls_scan_result_t *r, const char *want)
{
	buf_t b;
	buf_init(&b, 256);
	for (int i = 0; i < DTLS_SCAN_NVERSIONS; i++)
		if (r->versions[i].accepted)
			buf_printf(&b, "%s%s", b.len ? " " : "",
			    tls_version_name(r->versions[i].version));
	buf_append(&b, "", 0);
	ASSERT_STR_FREE(buf_steal(&b), xstrdup(want));
}

#endif
