/*
 * The mDNS probe: DNS-SD enumeration by legacy unicast (RFC 6762 §6.7, from
 * a port other than 5353, so the responder answers us directly with our id).
 * It asks for the service types, then each type's instances, then each
 * instance's SRV and TXT, at most MDNS_MAX_TYPES types and MDNS_MAX_INST
 * instances; records a responder volunteers in the additional section save
 * the later questions.  The multicast variant (mcast) asks the group once and
 * keeps whatever the target says there, announcements included.
 */
#include "discover/udp.h"
#include "core/util.h"
#include "proto/dnsmsg.h"

#include <stdlib.h>
#include <string.h>

#define MDNS_META	"_services._dns-sd._udp.local"
#define MDNS_MAX_TYPES	16
#define MDNS_MAX_INST	32
#define Q_TYPES		1			/* query index of the first type */
#define Q_INST		(Q_TYPES + MDNS_MAX_TYPES)	/* ... of the first instance */
#define TXT_MAX		1024

typedef struct mdns_state {
	char types[MDNS_MAX_TYPES][DNS_NAME_MAX];
	size_t n_types, types_sent;
	char inst[MDNS_MAX_INST][DNS_NAME_MAX];
	bool resolved[MDNS_MAX_INST];	/* its SRV arrived */
	size_t n_inst, inst_sent;
	uint64_t asked, answered;	/* bit k: query k */
} mdns_state_t;

static uint16_t
base_id(const udp_exch_t *x)
{
	return (uint16_t)(x->rnd[0] << 8 | x->rnd[1]);
}

static size_t
query(udp_exch_t *x, uint8_t *out, size_t cap, unsigned k, const dns_question_t *q,
    size_t nq)
{
	mdns_state_t *s = x->priv;
	if (s)
		s->asked |= 1ULL << k;
	return dns_query_build(out, cap, (uint16_t)(base_id(x) + k), 0, q, nq);
}

size_t
udp_mdns_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	if (x->built == 0) {
		dns_question_t q = { MDNS_META, DNS_T_PTR, DNS_C_IN };
		/* Multicast queries carry id 0 (RFC 6762 §18.1). */
		return x->mcast ? dns_query_build(out, cap, 0, 0, &q, 1)
		    : query(x, out, cap, 0, &q, 1);
	}
	mdns_state_t *s = x->priv;
	if (x->mcast || s == NULL)
		return 0;
	if (s->types_sent < s->n_types) {
		size_t i = s->types_sent++;
		dns_question_t q = { s->types[i], DNS_T_PTR, DNS_C_IN };
		return query(x, out, cap, (unsigned)(Q_TYPES + i), &q, 1);
	}
	while (s->inst_sent < s->n_inst) {
		size_t i = s->inst_sent++;
		if (s->resolved[i])
			continue;
		dns_question_t q[2] = {
			{ s->inst[i], DNS_T_SRV, DNS_C_IN },
			{ s->inst[i], DNS_T_TXT, DNS_C_IN },
		};
		return query(x, out, cap, (unsigned)(Q_INST + i), q, 2);
	}
	return 0;
}

/* Something is left to ask: a type, or an instance whose SRV has not come. */
static bool
pending(const mdns_state_t *s)
{
	if (s->types_sent < s->n_types)
		return true;
	for (size_t i = s->inst_sent; i < s->n_inst; i++)
		if (!s->resolved[i])
			return true;
	return false;
}

/* Index of name in list, or -1. */
static int
find(char (*list)[DNS_NAME_MAX], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (dns_name_eq(list[i], name))
			return (int)i;
	return -1;
}

static int
add_instance(udp_exch_t *x, mdns_state_t *s, const char *name)
{
	int i = find(s->inst, s->n_inst, name);
	if (i >= 0 || s->n_inst == MDNS_MAX_INST)
		return i;
	memcpy(s->inst[s->n_inst], name, strlen(name) + 1);
	udp_info(x, "service", name);
	return (int)s->n_inst++;
}

/* "_http._tcp.local" and the like: a service type, not an instance. */
static bool
is_service_type(const char *name)
{
	return name[0] == '_' && (strstr(name, "._tcp.") || strstr(name, "._udp."));
}

static void
harvest(udp_exch_t *x, mdns_state_t *s, const dns_msg_t *m)
{
	char owner[DNS_NAME_MAX], data[DNS_NAME_MAX];
	for (size_t i = 0; i < m->n_rr; i++) {
		const dns_rr_t *rr = &m->rr[i];
		if (dns_rr_name(m, rr, owner, sizeof(owner)) < 0)
			continue;
		if (rr->type == DNS_T_PTR && dns_rdata_name(m, rr, data, sizeof(data)) == 0) {
			if (dns_name_eq(owner, MDNS_META)) {
				if (find(s->types, s->n_types, data) < 0 &&
				    s->n_types < MDNS_MAX_TYPES)
					memcpy(s->types[s->n_types++], data, strlen(data) + 1);
			} else if (is_service_type(owner)) {
				add_instance(x, s, data);
			}
		} else if (rr->type == DNS_T_SRV) {
			uint16_t prio, weight, port;
			if (dns_rdata_srv(m, rr, &prio, &weight, &port, data, sizeof(data)) < 0)
				continue;
			int k = add_instance(x, s, owner);
			if (k >= 0)
				s->resolved[k] = true;
			udp_info(x, "hostname", data);
		} else if (rr->type == DNS_T_TXT && !dns_name_eq(owner, MDNS_META)) {
			char *txt = xcalloc(1, TXT_MAX);
			if (dns_rdata_txt(m, rr, txt, TXT_MAX) == 0 && txt[0]) {
				char *line = xasprintf("%s: %s", owner, txt);
				udp_info(x, "txt", line);
				free(line);
			}
			free(txt);
		} else if ((rr->type == DNS_T_A || rr->type == DNS_T_AAAA) &&
		    dns_rdata_addr(m, rr, data, sizeof(data)) == 0) {
			udp_info(x, "hostname", owner);
		}
	}
}

udp_verdict_t
udp_mdns_parse(udp_exch_t *x, const uint8_t *p, size_t n)
{
	dns_msg_t *m = xcalloc(1, sizeof(*m));
	udp_verdict_t v = UDP_REJECT;
	if (dns_parse(p, n, m) < 0 || !(m->flags & DNS_F_QR) || DNS_OPCODE(m->flags) != 0)
		goto out;
	unsigned k = 0;
	mdns_state_t *s = x->priv;
	if (x->mcast) {
		/* Any id: announcements and answers to others are welcome. */
		if (DNS_RCODE(m->flags) != 0 || m->n_rr == 0)
			goto out;
	} else {
		k = (uint16_t)(m->id - base_id(x));
		bool asked = k == 0 ? x->built > 0 : s && k < 64 && (s->asked >> k & 1);
		/* Off 5353 an empty answer could be any DNS server's. */
		if (!asked || (!x->default_port && m->ancount == 0))
			goto out;
	}
	udp_identify(x, x->mcast ? "mDNS answer or announcement on the multicast group"
	    : "mDNS legacy unicast answer to a DNS-SD query");
	if (s == NULL)
		s = x->priv = xcalloc(1, sizeof(*s));
	s->answered |= 1ULL << k;
	s->asked |= 1ULL << k;
	harvest(x, s, m);
	v = x->mcast || pending(s) || (s->asked & ~s->answered) ? UDP_MORE : UDP_DONE;
out:
	free(m);
	return v;
}
