/*
 * Helpers of the passive analyzers; see pd_util.h.
 */
#include "passive/pd_util.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void
pd_addr_text(int family, const uint8_t *addr, char *out, size_t len)
{
	if (inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)len) == NULL)
		snprintf(out, len, "?");
}

/* Declared in analyzer.h, for every analyzer. */
void
pv_addr_text(const pv_flow_t *f, int side, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const uint8_t *addr = side == 0 ? f->cli : f->srv;
	unsigned port = side == 0 ? f->cport : f->sport;
	inet_ntop(f->family == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	if (f->family == AF_INET6)
		snprintf(out, len, "[%s]:%u", a, port);
	else
		snprintf(out, len, "%s:%u", a, port);
}

size_t
pd_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

const uint8_t *
pd_flow_addr(const pv_flow_t *f, int side)
{
	return side ? f->srv : f->cli;
}

int
pd_remote_side(const pv_flow_t *f)
{
	return f->dut == PV_DUT_SERVER ? 0 : 1;
}

bool
pd_addr_local(int family, const uint8_t *a)
{
	if (family == AF_INET)
		return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
		    (a[0] & 0xf0) == 224 || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255) ||
		    (a[0] == 0);
	static const uint8_t loop[16] = { [15] = 1 };
	static const uint8_t v4map[12] = { [10] = 0xff, [11] = 0xff };
	if (memcmp(a, v4map, 12) == 0)
		return pd_addr_local(AF_INET, a + 12);
	return memcmp(a, loop, 16) == 0 || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	    (a[0] & 0xfe) == 0xfc || a[0] == 0xff;
}

uint64_t
pd_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

void
pd_index_init(pd_index_t *ix, size_t max_entries)
{
	size_t n = 16;
	while (n < 2 * max_entries)
		n *= 2;
	ix->slot = xcalloc(n, sizeof(*ix->slot));
	ix->n = n;
}

void
pd_index_free(pd_index_t *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->n = 0;
}

long
pd_index_find(const pd_index_t *ix, uint64_t h, bool (*eq)(const void *ctx, size_t i),
    const void *ctx, size_t *slot)
{
	size_t mask = ix->n - 1;
	for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
		if (ix->slot[s] == 0) {
			*slot = s;
			return -1;
		}
		if (eq(ctx, ix->slot[s] - 1))
			return (long)(ix->slot[s] - 1);
	}
}

void
pd_index_put(pd_index_t *ix, size_t slot, size_t i)
{
	ix->slot[slot] = (uint32_t)(i + 1);
}

void *
pd_append(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n == *cap) {
		*cap = *cap ? 2 * *cap : first;
		v = xrealloc(v, *cap, size);
	}
	memset((char *)v + n * size, 0, size);
	return v;
}

void
pd_lower(char *out, size_t cap, const char *s)
{
	size_t i = 0;
	for (; s[i] && i + 1 < cap; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
}
