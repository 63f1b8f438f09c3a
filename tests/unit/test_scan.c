/*
 * The TCP scanner against real sockets on a loopback address: listeners are
 * open, everything else closed (loopback answers RST), the rate limit holds,
 * and the inventory is in port order.  Filtered ports need a firewall, so
 * they are covered by the integration lab.
 */
#include "check_main.h"
#include "core/util.h"
#include "discover/discover.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#define ADDR "127.0.81.1"

static int
listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, ADDR, &sa.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	socklen_t l = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &l);
	*port = ntohs(sa.sin_port);
	return fd;
}

size_t scan_tcp(target_t *t, const target_addr_t *a, const discover_opts_t *o, size_t **open);

START_TEST(open_and_closed)
{
	char err[256];
	target_t *t = target_new(ADDR, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	int p1, p2;
	int f1 = listener(&p1), f2 = listener(&p2);
	int ports[64];
	size_t n = 0;
	for (int i = 0; i < 30; i++)
		ports[n++] = 20000 + i * 7;	/* nothing listens there */
	ports[n++] = p1;
	ports[n++] = p2;
	discover_opts_t o = { .tcp_ports = ports, .n_tcp_ports = n, .retries = 1 };
	size_t *open = NULL;
	size_t k = scan_tcp(t, &t->addrs[0], &o, &open);
	ck_assert_uint_eq(k, 2);
	ck_assert_int_eq(ports[open[0]], p1);
	ck_assert_int_eq(ports[open[1]], p2);
	ck_assert_uint_eq(t->ports_closed, 30);
	ck_assert_uint_eq(t->ports_filtered, 0);
	ck_assert_uint_eq(t->ports_scanned, 32);
	free(open);
	close(f1);
	close(f2);
	target_free(t);
}
END_TEST

START_TEST(rate_limit)
{
	char err[256];
	target_t *t = target_new(ADDR, err, sizeof(err));
	int ports[300];
	for (int i = 0; i < 300; i++)
		ports[i] = 30000 + i;
	/* 300 attempts at 200/s: the first second's burst, then 100 more. */
	discover_opts_t o = { .tcp_ports = ports, .n_tcp_ports = 300, .rate = 200 };
	size_t *open = NULL;
	uint64_t t0 = mono_ms();
	scan_tcp(t, &t->addrs[0], &o, &open);
	uint64_t took = mono_ms() - t0;
	ck_assert_uint_ge(took, 450);
	ck_assert_uint_eq(t->ports_closed, 300);
	free(open);
	target_free(t);
}
END_TEST

START_TEST(cancel_stops_scan)
{
	char err[256];
	target_t *t = target_new(ADDR, err, sizeof(err));
	int ports[500];
	for (int i = 0; i < 500; i++)
		ports[i] = 40000 + i;
	volatile int cancel = 1;
	discover_opts_t o = { .tcp_ports = ports, .n_tcp_ports = 500, .rate = 10,
	    .cancel = &cancel };
	size_t *open = NULL;
	uint64_t t0 = mono_ms();
	scan_tcp(t, &t->addrs[0], &o, &open);
	ck_assert_uint_lt(mono_ms() - t0, 1000);
	free(open);
	target_free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("scan");
	TCase *t = tcase_create("tcp");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, open_and_closed);
	tcase_add_test(t, rate_limit);
	tcase_add_test(t, cancel_stops_scan);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
