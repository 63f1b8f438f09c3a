/*
 * Running the anonymous-resources probe in a unit test: the step's
 * parameters (paths, integers, booleans) and one run against a service on
 * 127.0.0.1 with its status and reason, plus an assertion on an evidence
 * list.  Shared by test_anonymous_http.c and test_anonymous_coap.c.
 * Header-only: each test file is its own executable.
 */
#ifndef IOTCERT_TEST_ANONYMOUS_H
#define IOTCERT_TEST_ANONYMOUS_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/probe.h"
#include "core/util.h"

typedef struct params {
	param_t v[3];
	size_t n;
} params_t;

static inline void
p_paths(params_t *p, const char *const *paths, size_t n)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)"paths";
	for (size_t i = 0; i < n; i++)
		value_list_push(&x->val, paths[i]);
}

static inline void
p_int(params_t *p, const char *name, long long i)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)name;
	value_set_int(&x->val, i);
}

static inline void
p_bool(params_t *p, const char *name, bool b)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)name;
	value_set_bool(&x->val, b);
}

static inline probe_status_t
run_probe(const char *proto, const char *transport, int port, params_t *p, evidence_t *ev,
    char *reason, size_t rlen)
{
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	service_t *s = target_add_service(t, transport, port, &t->addrs[0]);
	free(s->protocol);
	s->protocol = xstrdup(proto);
	step_t step = { .probe = (char *)"anonymous-resources", .params = p ? p->v : NULL,
	    .n_params = p ? p->n : 0 };
	int cancel = 0;
	const probe_kind_t *k = probe_find("anonymous-resources");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_SERVICE);
	probe_ctx_t ctx = { .target = t, .svc = s, .step = &step, .ev = ev,
	    .deadline_ms = mono_ms() + 20000, .cancel = &cancel };
	probe_status_t st = k->run(&ctx);
	snprintf(reason, rlen, "%s", ctx.reason);
	target_free(t);
	for (size_t i = 0; p && i < p->n; i++)
		value_clear(&p->v[i].val);
	return st;
}

/* An evidence list, its items joined with ", ". */
static inline void
assert_list(const evidence_t *ev, const char *name, const char *want)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v && v->type == VT_LIST, "%s is not a list", name);
	char *got = value_to_text(v);
	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', not '%s'", name, got, want);
	free(got);
}

#endif
