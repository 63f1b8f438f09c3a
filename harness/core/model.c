/*
 * Freeing and small look-ups for the configuration model.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[OP__COUNT] = {
	[OP_EQ] = "equals", [OP_NE] = "not-equals",
	[OP_LT] = "lt", [OP_LE] = "le", [OP_GT] = "gt", [OP_GE] = "ge",
	[OP_CONTAINS] = "contains", [OP_NOT_CONTAINS] = "not-contains",
	[OP_MATCHES] = "matches", [OP_NOT_MATCHES] = "not-matches",
	[OP_EMPTY] = "empty", [OP_NOT_EMPTY] = "not-empty",
	[OP_PRESENT] = "present", [OP_ABSENT] = "absent",
};

const char *
expect_op_str(expect_op_t op)
{
	return (unsigned)op < OP__COUNT ? op_names[op] : "?";
}

int
expect_op_parse(const char *s, expect_op_t *op)
{
	for (int i = 0; i < OP__COUNT; i++) {
		if (strcmp(s, op_names[i]) == 0) {
			*op = (expect_op_t)i;
			return 0;
		}
	}
	return -1;
}

bool
expect_op_takes_value(expect_op_t op)
{
	return op < OP_EMPTY;
}

static void
step_clear(step_t *s)
{
	free(s->probe);
	for (size_t i = 0; i < s->n_params; i++) {
		free(s->params[i].name);
		value_clear(&s->params[i].val);
	}
	free(s->params);
	for (size_t i = 0; i < s->n_expects; i++) {
		free(s->expects[i].field);
		value_clear(&s->expects[i].value);
		free(s->expects[i].reason);
	}
	free(s->expects);
}

void
tcase_free(tcase_t *c)
{
	if (c == NULL)
		return;
	free(c->id);
	free(c->title);
	free(c->description);
	for (size_t i = 0; i < c->n_maps; i++) {
		free(c->maps[i].framework);
		free(c->maps[i].edition);
		free(c->maps[i].ref);
		free(c->maps[i].when);
	}
	free(c->maps);
	strlist_free(&c->tags);
	strlist_free(&c->services);
	free(c->ics_ref);
	for (size_t i = 0; i < c->n_steps; i++)
		step_clear(&c->steps[i]);
	free(c->steps);
	free(c->file);
	free(c->sha256);
	free(c);
}

void
caseset_add(caseset_t *s, tcase_t *c)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = c;
}

void
caseset_free(caseset_t *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		tcase_free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* The status notation is EN 303 645's: M/R, then C (numbered conditions)
 * and/or F (lettered features), e.g. "M C (1)", "MCF (14, e)", "RF (g)". */
bool
provision_conditional(const provision_t *p)
{
	if (p->status == NULL)
		return false;
	for (const char *s = p->status; *s && *s != '('; s++)
		if (*s == 'C' || *s == 'F')
			return true;
	return false;
}

bool
provision_mandatory(const provision_t *p)
{
	return p->status && p->status[0] == 'M';
}

void
scheme_free(scheme_t *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->title);
	free(s->source);
	free(s->version);
	strlist_free(&s->frameworks);
	strlist_free(&s->select);
	free(s->tcp_ports);
	free(s->udp_ports);
	for (size_t i = 0; i < s->n_provisions; i++) {
		provision_t *p = &s->provisions[i];
		free(p->framework);
		free(p->edition);
		free(p->ref);
		free(p->title);
		free(p->status);
		free(p->category);
		free(p->kind);
		strlist_free(&p->from);
		free(p->basis);
	}
	free(s->provisions);
	for (size_t i = 0; i < s->n_rules; i++) {
		scheme_rule_t *u = &s->rules[i];
		free(u->framework);
		free(u->edition);
		free(u->title);
		free(u->version);
		free(u->source);
		free(u->file);
		free(u->sha256);
	}
	free(s->rules);
	for (size_t i = 0; i < s->n_thresholds; i++) {
		free(s->thresholds[i].name);
		value_clear(&s->thresholds[i].val);
	}
	free(s->thresholds);
	free(s->crypto_policy);
	free(s->file);
	free(s->sha256);
	free(s);
}

void
dut_free(dut_t *d)
{
	if (d == NULL)
		return;
	free(d->manufacturer);
	free(d->model);
	free(d->hw_version);
	free(d->sw_version);
	free(d->serial);
	free(d->mac);
	strlist_free(&d->addresses);
	for (size_t i = 0; i < d->n_ifaces; i++) {
		free(d->ifaces[i].transport);
		free(d->ifaces[i].protocol);
		free(d->ifaces[i].purpose);
		strlist_free(&d->ifaces[i].discloses);
	}
	free(d->ifaces);
	for (size_t i = 0; i < d->n_ics; i++) {
		free(d->ics[i].ref);
		free(d->ics[i].support);
		free(d->ics[i].detail);
	}
	free(d->ics);
	for (size_t i = 0; i < d->n_creds; i++) {
		free(d->creds[i].user);
		free(d->creds[i].password);
		free(d->creds[i].service);
	}
	free(d->creds);
	for (size_t i = 0; i < d->n_samples; i++) {
		free(d->samples[i].serial);
		free(d->samples[i].mac);
		free(d->samples[i].ssid);
		free(d->samples[i].user);
		free(d->samples[i].password);
	}
	free(d->samples);
	for (size_t i = 0; i < d->n_bruteforce; i++)
		free(d->bruteforce[i].service);
	free(d->bruteforce);
	for (size_t i = 0; i < d->n_updmech; i++) {
		dut_updmech_t *u = &d->updmech[i];
		free(u->id);
		free(u->description);
		free(u->delivery);
		free(u->initiation);
		strlist_free(&u->servers);
		free(u->protocol);
		free(u->authenticity);
		free(u->crypto);
	}
	free(d->updmech);
	if (d->userinfo) {
		free(d->userinfo->disclosure_url);
		free(d->userinfo->support_url);
		free(d->userinfo->support_end);
		free(d->userinfo);
	}
	for (size_t i = 0; i < d->n_commech; i++) {
		dut_commech_t *m = &d->commech[i];
		free(m->transport);
		free(m->protocol);
		strlist_free(&m->versions);
		strlist_free(&m->suites);
		strlist_free(&m->ssh_algorithms);
	}
	free(d->commech);
	free(d->file);
	free(d->sha256);
	free(d);
}

const ics_entry_t *
dut_ics(const dut_t *d, const char *ref)
{
	if (d == NULL || ref == NULL)
		return NULL;
	for (size_t i = 0; i < d->n_ics; i++)
		if (strcmp(d->ics[i].ref, ref) == 0)
			return &d->ics[i];
	return NULL;
}

const dut_bruteforce_t *
dut_bruteforce_for(const dut_t *d, const char *protocol)
{
	const dut_bruteforce_t *any = NULL;
	for (size_t i = 0; d && i < d->n_bruteforce; i++) {
		const dut_bruteforce_t *b = &d->bruteforce[i];
		if (b->service == NULL)
			any = any ? any : b;
		else if (protocol && strcmp(b->service, protocol) == 0)
			return b;
	}
	return any;
}

const dut_commech_t *
dut_commech_for(const dut_t *d, const char *transport, int port)
{
	for (size_t i = 0; d && i < d->n_commech; i++) {
		const dut_commech_t *m = &d->commech[i];
		if (m->port == port && strcmp(m->transport, transport) == 0)
			return m;
	}
	return NULL;
}

const char *
bf_mech_str(bf_mech_t m)
{
	static const char *const names[] = { "none", "lockout", "delay", "rate-limit" };
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

long long
scheme_threshold(const scheme_t *s, const char *name, long long def)
{
	for (size_t i = 0; s && i < s->n_thresholds; i++)
		if (strcmp(s->thresholds[i].name, name) == 0 && s->thresholds[i].val.type == VT_INT)
			return s->thresholds[i].val.i;
	return def;
}
