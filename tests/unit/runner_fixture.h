/*
 * Builders shared by the runner's unit tests (test_runner.c,
 * test_runner_interrupt.c): an in-memory case with one step and one
 * provision map, and a lookup of an instance by id.  Header-only: each test
 * executable includes it once.
 */
#ifndef IOTCERT_TEST_RUNNER_FIXTURE_H
#define IOTCERT_TEST_RUNNER_FIXTURE_H

#include "core/runner.h"
#include "core/util.h"

#include <string.h>

/* A case mapped to EN 303 645 5.6-1, for services svc (NULL: the device),
 * whose one step runs probe.  Freed with the caseset it is added to. */
static tcase_t *
mk_case(const char *id, const char *svc, const char *probe)
{
	tcase_t *c = xcalloc(1, sizeof(*c));
	c->id = xstrdup(id);
	c->title = xstrdup(id);
	c->file = xstrdup("mem.yaml");
	c->maps = xcalloc(1, sizeof(*c->maps));
	c->maps[0].framework = xstrdup("en303645");
	c->maps[0].edition = xstrdup("2.1.1");
	c->maps[0].ref = xstrdup("5.6-1");
	c->n_maps = 1;
	if (svc)
		strlist_push(&c->services, svc);
	c->steps = xcalloc(1, sizeof(*c->steps));
	c->steps[0].probe = xstrdup(probe);
	c->n_steps = 1;
	return c;
}

/* The result of instance inst, or NULL; owned by r. */
static const case_result_t *
find(const run_t *r, const char *inst)
{
	for (size_t i = 0; i < r->n_results; i++)
		if (strcmp(r->results[i].instance, inst) == 0)
			return &r->results[i];
	return NULL;
}

#endif
