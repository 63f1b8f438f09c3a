/*
 * Target resolution and the service inventory container.
 */
#include "target.h"
#include "util.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ADDRS 8

/* Resolves one name or literal and appends its addresses (deduplicated). */
static int
add_host(target_t *t, const char *host, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve target '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	size_t usable = 0;
	for (struct addrinfo *ai = res; ai && t->n_addrs < MAX_ADDRS; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		usable++;
		bool dup = false;
		for (size_t i = 0; i < t->n_addrs; i++)
			if (t->addrs[i].len == ai->ai_addrlen &&
			    memcmp(&t->addrs[i].ss, ai->ai_addr, ai->ai_addrlen) == 0)
				dup = true;
		if (dup)
			continue;
		target_addr_t *a = &t->addrs[t->n_addrs++];
		memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
		a->len = ai->ai_addrlen;
		char num[INET6_ADDRSTRLEN] = "";
		if (ai->ai_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, num, sizeof(num));
			snprintf(a->text, sizeof(a->text), "%s", num);
		} else {
			const struct sockaddr_in6 *s6 = (void *)ai->ai_addr;
			inet_ntop(AF_INET6, &s6->sin6_addr, num, sizeof(num));
			char ifn[IF_NAMESIZE] = "";
			if (s6->sin6_scope_id && if_indextoname(s6->sin6_scope_id, ifn))
				snprintf(a->text, sizeof(a->text), "%s%%%s", num, ifn);
			else
				snprintf(a->text, sizeof(a->text), "%s", num);
		}
	}
	freeaddrinfo(res);
	if (usable == 0) {
		snprintf(err, errlen, "target '%s' has no IPv4 or IPv6 address", host);
		return -1;
	}
	return 0;
}

target_t *
target_new(const char *host, char *err, size_t errlen)
{
	target_t *t = xcalloc(1, sizeof(*t));
	t->host = xstrdup(host);
	t->addrs = xcalloc(MAX_ADDRS, sizeof(*t->addrs));
	/* "192.0.2.10,fe80::1%eth0": one device reached on several addresses. */
	char *copy = xstrdup(host), *save = NULL;
	int rc = 0;
	for (char *h = strtok_r(copy, ", ", &save); h && rc == 0; h = strtok_r(NULL, ", ", &save))
		rc = add_host(t, h, err, errlen);
	free(copy);
	if (rc == 0 && t->n_addrs == 0) {
		snprintf(err, errlen, "no target address given");
		rc = -1;
	}
	if (rc < 0) {
		target_free(t);
		return NULL;
	}
	return t;
}

void
target_free(target_t *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_svcs; i++)
		service_clear(&t->svcs[i]);
	free(t->svcs);
	free(t->addrs);
	free(t->host);
	free(t);
}

service_t *
target_add_service(target_t *t, const char *transport, int port, const target_addr_t *addr)
{
	if (t->n_svcs == t->cap_svcs) {
		t->cap_svcs = t->cap_svcs ? t->cap_svcs * 2 : 16;
		t->svcs = xrealloc(t->svcs, t->cap_svcs, sizeof(*t->svcs));
	}
	service_t *s = &t->svcs[t->n_svcs++];
	memset(s, 0, sizeof(*s));
	snprintf(s->transport, sizeof(s->transport), "%s", transport);
	s->port = port;
	s->addr = addr;
	s->protocol = xstrdup("unknown");
	return s;
}

const service_t *
target_find(const target_t *t, const char *transport, int port)
{
	for (size_t i = 0; i < t->n_svcs; i++)
		if (t->svcs[i].port == port && strcmp(t->svcs[i].transport, transport) == 0)
			return &t->svcs[i];
	return NULL;
}

void
service_clear(service_t *s)
{
	if (s == NULL)
		return;
	free(s->protocol);
	free(s->product);
	free(s->version);
	free(s->how);
	free(s->banner);
	for (size_t i = 0; i < s->n_info; i++) {
		free(s->info[i].key);
		free(s->info[i].val);
	}
	free(s->info);
	s->protocol = s->product = s->version = s->how = s->banner = NULL;
	s->info = NULL;
	s->n_info = 0;
}

void
service_info_add(service_t *s, const char *key, const void *val, size_t n)
{
	s->info = xrealloc(s->info, s->n_info + 1, sizeof(*s->info));
	s->info[s->n_info].key = xstrdup(key);
	s->info[s->n_info].val = xstrndup(val, n);
	s->n_info++;
}

const char *
service_info_get(const service_t *s, const char *key)
{
	for (size_t i = 0; i < s->n_info; i++)
		if (strcmp(s->info[i].key, key) == 0)
			return s->info[i].val;
	return NULL;
}
