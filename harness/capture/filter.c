/*
 * The BPF filter that limits a run's capture to the devices under test, so
 * the evidence file holds their traffic and not the lab's.
 */
#include "capture/capture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "core/util.h"

char *
capture_filter_for(const struct sockaddr_storage *addrs, size_t n)
{
	strlist_t terms = { 0 };
	for (size_t i = 0; addrs != NULL && i < n; i++) {
		char text[INET6_ADDRSTRLEN];
		const char *ok = NULL;
		if (addrs[i].ss_family == AF_INET) {
			const struct sockaddr_in *s4 = (const void *)&addrs[i];
			ok = inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		} else if (addrs[i].ss_family == AF_INET6) {
			/* A scope id cannot be written in a filter; the capture is
			 * already bound to that interface. */
			const struct sockaddr_in6 *s6 = (const void *)&addrs[i];
			if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
				ok = inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12,
				    text, sizeof(text));
			else
				ok = inet_ntop(AF_INET6, &s6->sin6_addr, text,
				    sizeof(text));
		}
		if (ok == NULL)
			continue;
		char *term = xasprintf("host %s", text);
		if (strlist_has(&terms, term))
			free(term);
		else
			strlist_push_owned(&terms, term);
	}
	char *filter = terms.n ? strlist_join(&terms, " or ") : NULL;
	strlist_free(&terms);
	return filter;
}
