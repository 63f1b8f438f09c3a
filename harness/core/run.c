/*
 * Run results: construction, freeing and the provision roll-up
 * (test case -> provision, per framework and edition).
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

static void
rollups_free(run_t *r)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		rollup_t *u = &r->rollups[i];
		free(u->framework);
		free(u->edition);
		free(u->ref);
		free(u->title);
		strlist_free(&u->cases);
	}
	free(r->rollups);
	r->rollups = NULL;
	r->n_rollups = 0;
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
	rollups_free(r);
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

static bool
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static rollup_t *
rollup_slot(run_t *r, const char *fw, const char *ed, const char *ref)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		rollup_t *u = &r->rollups[i];
		if (strcmp(u->framework, fw) == 0 && streq_null(u->edition, ed) &&
		    strcmp(u->ref, ref) == 0)
			return u;
	}
	r->rollups = xrealloc(r->rollups, r->n_rollups + 1, sizeof(*r->rollups));
	rollup_t *u = &r->rollups[r->n_rollups++];
	memset(u, 0, sizeof(*u));
	u->framework = xstrdup(fw);
	u->edition = xstrdup(ed);
	u->ref = xstrdup(ref);
	u->verdict = V_NONE;
	return u;
}

static bool
framework_wanted(const run_t *r, const char *fw)
{
	if (r->scheme == NULL || r->scheme->frameworks.n == 0)
		return true;
	return strlist_has(&r->scheme->frameworks, fw);
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
run_rollup(run_t *r)
{
	rollups_free(r);
	/* Listed provisions first, in the scheme's order, so untested ones show. */
	if (r->scheme) {
		for (size_t i = 0; i < r->scheme->n_provisions; i++) {
			const provision_t *p = &r->scheme->provisions[i];
			rollup_t *u = rollup_slot(r, p->framework, p->edition, p->ref);
			free(u->title);
			u->title = xstrdup(p->title);
		}
	}
	for (size_t i = 0; i < r->n_results; i++) {
		const case_result_t *c = &r->results[i];
		for (size_t m = 0; m < c->tc->n_maps; m++) {
			const mapping_t *mp = &c->tc->maps[m];
			if (!framework_wanted(r, mp->framework) || !case_map_holds(c, mp))
				continue;
			rollup_t *u = rollup_slot(r, mp->framework, mp->edition, mp->ref);
			u->verdict = verdict_rollup(u->verdict, c->verdict);
			u->counts[c->verdict]++;
			u->findings += c->ev ? c->ev->n_findings : 0;
			if (!strlist_has(&u->cases, c->instance))
				strlist_push(&u->cases, c->instance);
		}
	}
	for (size_t i = 0; i < r->n_rollups; i++)
		if (r->rollups[i].verdict == V_NONE)
			r->rollups[i].verdict = V_NOT_RUN;
}

void
run_counts(const run_t *r, size_t counts[V__COUNT])
{
	memset(counts, 0, sizeof(size_t) * V__COUNT);
	for (size_t i = 0; i < r->n_results; i++)
		counts[r->results[i].verdict]++;
}
