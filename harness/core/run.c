/*
 * Run results: construction and freeing (the roll-ups are core/rollup.c).
 */
#include "run.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

run_t *
run_new(void)
{
	return xcalloc(1, sizeof(run_t));
}

static void
evrefs_free(evref_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].sha256);
		free(v[i].kind);
	}
	free(v);
}

void
run_free(run_t *r)
{
	if (r == NULL)
		return;
	free(r->tool_version);
	free(r->hostname);
	free(r->command_line);
	free(r->target_host);
	for (size_t i = 0; i < r->n_files; i++) {
		free(r->files[i].path);
		free(r->files[i].sha256);
		free(r->files[i].role);
	}
	free(r->files);
	free(r->capture.interface);
	free(r->capture.filter);
	free(r->capture.note);
	evrefs_free(r->evrefs, r->n_evrefs);
	for (size_t i = 0; i < r->n_results; i++) {
		case_result_t *c = &r->results[i];
		free(c->instance);
		free(c->reason);
		evidence_free(c->ev);
		evrefs_free(c->evrefs, c->n_evrefs);
		free(c->kept_xml);
	}
	free(r->results);
	run_rollup_clear(r);
	strlist_free(&r->libraries);
	free(r->interrupted);
	free(r->stop_cause);
	free(r->stop_phase);
	strlist_free(&r->args);
	free(r->cwd);
	for (size_t i = 0; i < r->n_resumes; i++) {
		free(r->resumes[i].cause);
		free(r->resumes[i].evidence);
	}
	free(r->resumes);
	free(r);
}

void
run_add_file(run_t *r, const char *path, const char *sha256, const char *role)
{
	for (size_t i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i].path, path) == 0)
			return;
	r->files = xrealloc(r->files, r->n_files + 1, sizeof(*r->files));
	file_used_t *f = &r->files[r->n_files++];
	f->path = xstrdup(path);
	f->sha256 = xstrdup(sha256);
	f->role = xstrdup(role);
}

evref_t *
evrefs_add(evref_t **v, size_t *n, const char *file, const char *sha256,
    const char *kind)
{
	*v = xrealloc(*v, *n + 1, sizeof(**v));
	evref_t *e = &(*v)[(*n)++];
	memset(e, 0, sizeof(*e));
	e->file = xstrdup(file);
	e->sha256 = xstrdup(sha256);
	e->kind = xstrdup(kind);
	return e;
}

bool
case_map_holds(const case_result_t *c, const mapping_t *m)
{
	if (m->when == NULL)
		return true;
	const value_t *v = c->ev ? ev_get(c->ev, m->when) : NULL;
	return v && v->type == VT_BOOL && v->b;
}

void
run_counts(const run_t *r, size_t counts[V__COUNT])
{
	memset(counts, 0, sizeof(size_t) * V__COUNT);
	for (size_t i = 0; i < r->n_results; i++)
		counts[r->results[i].verdict]++;
}
