/*
 * `iotcert run --resume DIR` (see resume.h): the checks that keep a merged
 * report honest, the matching of kept results to the instances of the
 * resumed run, and the run history carried into the new report.
 */
#include "cmd/resume.h"
#include "core/hash.h"
#include "core/util.h"
#include "report/report_read.h"
#include "report/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct resume {
	char *dir;
	report_doc_t *doc;
	char *evdir;		/* "evidence/resume-N" */
	size_t kept, rerun;
	size_t at;		/* this resume's index in run->resumes */
	char error[512];
};

static bool
final(const report_case_t *c)
{
	return !c->interrupted;
}

/* Every evidence file the kept results and the run name is there, unchanged. */
static int
check_evidence(const char *dir, const evref_t *v, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, v[i].file);
		char hex[SHA256_HEX_LEN];
		int rc = sha256_file(path, hex);
		bool same = rc == 0 && strcmp(hex, v[i].sha256) == 0;
		if (!same)
			snprintf(err, errlen, "%s %s since the interrupted run (the report "
			    "holds its SHA-256): refusing to resume over altered evidence",
			    path, rc == 0 ? "changed" : "is missing");
		free(path);
		if (!same)
			return -1;
	}
	return 0;
}

/* The first evidence/resume-N that does not exist yet: a resume that died
 * before writing its report may have left one behind. */
static char *
next_evdir(const char *dir, size_t n_resumes)
{
	for (size_t k = n_resumes + 1;; k++) {
		char *rel = xasprintf("evidence/resume-%zu", k);
		char *abs = xasprintf("%s/%s", dir, rel);
		struct stat st;
		bool taken = stat(abs, &st) == 0;
		free(abs);
		if (!taken)
			return rel;
		free(rel);
	}
}

resume_t *
resume_open(const char *dir, const char *xsd, char *err, size_t errlen)
{
	char *path = xasprintf("%s/report.xml", dir);
	report_doc_t *doc = NULL;
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "%s has no report.xml: no run to resume there", dir);
		goto fail;
	}
	char verr[400];
	if (xsd && access(xsd, R_OK) == 0 && report_validate(path, xsd, verr, sizeof(verr)) != 0) {
		snprintf(err, errlen, "%s is not a valid report, cannot resume it: %s", path, verr);
		goto fail;
	}
	doc = report_read(path, err, errlen);
	if (doc == NULL)
		goto fail;
	if (doc->interrupted == NULL) {
		snprintf(err, errlen, "the run in %s is complete (its report does not say it was "
		    "interrupted): nothing to resume", dir);
		goto fail;
	}
	if (doc->command_line && strncmp(doc->command_line, "iotcert discover", 16) == 0) {
		snprintf(err, errlen, "%s holds a discovery, not a run: run the discovery "
		    "again", dir);
		goto fail;
	}
	if (!doc->has_invocation || doc->args.n == 0) {
		snprintf(err, errlen, "%s does not record the run's options (written by an "
		    "older iotcert): it cannot be resumed", path);
		goto fail;
	}
	if (check_evidence(dir, doc->evrefs, doc->n_evrefs, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < doc->n_cases; i++)
		if (final(&doc->cases[i]) && check_evidence(dir, doc->cases[i].evrefs,
		    doc->cases[i].n_evrefs, err, errlen) < 0)
			goto fail;
	resume_t *rs = xcalloc(1, sizeof(*rs));
	rs->dir = xstrdup(dir);
	rs->doc = doc;
	rs->evdir = next_evdir(dir, doc->n_resumes);
	free(path);
	return rs;
fail:
	report_doc_free(doc);
	free(path);
	return NULL;
}

void
resume_free(resume_t *rs)
{
	if (rs == NULL)
		return;
	free(rs->dir);
	report_doc_free(rs->doc);
	free(rs->evdir);
	free(rs);
}

const strlist_t *resume_args(const resume_t *rs) { return &rs->doc->args; }
const char *resume_cwd(const resume_t *rs) { return rs->doc->cwd; }
const char *resume_evidence_dir(const resume_t *rs) { return rs->evdir; }
const char *resume_error(const resume_t *rs) { return rs->error; }

bool
resume_inventory_complete(const resume_t *rs)
{
	const char *ph = rs->doc->stop_phase;
	return rs->doc->has_inventory && ph && strcmp(ph, "discovery") != 0 &&
	    strcmp(ph, "setup") != 0;
}

static const char *
short_hash(const char *h, char *buf, size_t len)
{
	snprintf(buf, len, "%.12s", h ? h : "");
	return buf;
}

int
resume_check_inputs(const resume_t *rs, const run_t *run, const caseset_t *cases,
    char *err, size_t errlen)
{
	char a[16], b[16];
	for (size_t i = 0; i < rs->doc->n_files; i++) {
		const file_used_t *f = &rs->doc->files[i];
		const char *now = NULL;
		if (strcmp(f->role, "testcase") == 0) {
			for (size_t k = 0; k < cases->n && now == NULL; k++)
				if (cases->v[k]->file && strcmp(cases->v[k]->file, f->path) == 0)
					now = cases->v[k]->sha256;
		} else {
			for (size_t k = 0; k < run->n_files && now == NULL; k++)
				if (strcmp(run->files[k].role, f->role) == 0 &&
				    strcmp(run->files[k].path, f->path) == 0)
					now = run->files[k].sha256;
		}
		if (now == NULL) {
			snprintf(err, errlen, "%s (%s) of the interrupted run is not among the "
			    "inputs now: start a new run", f->path, f->role);
			return -1;
		}
		if (strcmp(now, f->sha256) != 0) {
			snprintf(err, errlen, "%s changed since the interrupted run (SHA-256 "
			    "%s... then, %s... now): a resumed report would mix two versions; "
			    "start a new run", f->path, short_hash(f->sha256, a, sizeof(a)),
			    short_hash(now, b, sizeof(b)));
			return -1;
		}
	}
	return 0;
}

static bool
same_svc(const report_svc_t *p, const service_t *s)
{
	const char *addr = s->addr ? s->addr->text : NULL;
	return strcmp(p->transport, s->transport) == 0 && p->port == s->port &&
	    strcmp(p->protocol, s->protocol ? s->protocol : "unknown") == 0 &&
	    ((p->address == NULL && addr == NULL) ||
	    (p->address && addr && strcmp(p->address, addr) == 0));
}

int
resume_check_inventory(const resume_t *rs, const target_t *t, char *err, size_t errlen)
{
	if (!resume_inventory_complete(rs))
		return 0;	/* its discovery was cut short: nothing to compare with */
	const report_doc_t *d = rs->doc;
	for (size_t i = 0; i < d->n_svcs; i++) {
		bool found = false;
		for (size_t k = 0; k < t->n_svcs && !found; k++)
			found = same_svc(&d->svcs[i], &t->svcs[k]);
		if (!found) {
			snprintf(err, errlen, "the device changed since the interrupted run: "
			    "%s/%d (%s) is gone; start a new run", d->svcs[i].transport,
			    d->svcs[i].port, d->svcs[i].protocol);
			return -1;
		}
	}
	for (size_t k = 0; k < t->n_svcs; k++) {
		bool found = false;
		for (size_t i = 0; i < d->n_svcs && !found; i++)
			found = same_svc(&d->svcs[i], &t->svcs[k]);
		if (!found) {
			snprintf(err, errlen, "the device changed since the interrupted run: "
			    "%s/%d (%s) is new; start a new run", t->svcs[k].transport,
			    t->svcs[k].port, t->svcs[k].protocol);
			return -1;
		}
	}
	return 0;
}

static bool
case_in_doc(const report_doc_t *d, const char *case_id)
{
	for (size_t i = 0; i < d->n_cases; i++)
		if (strcmp(d->cases[i].case_id, case_id) == 0)
			return true;
	return false;
}

static bool
instance_in_run(const run_t *run, const char *id)
{
	for (size_t i = 0; i < run->n_results; i++)
		if (strcmp(run->results[i].instance, id) == 0)
			return true;
	return false;
}

static void
keep(case_result_t *r, const report_case_t *pc)
{
	r->verdict = pc->verdict;
	free(r->reason);
	r->reason = pc->reason ? xstrdup(pc->reason) : NULL;
	evidence_free(r->ev);
	r->ev = evidence_new();
	ev_merge(r->ev, pc->ev);
	for (size_t k = 0; k < pc->n_evrefs; k++) {
		const evref_t *e = &pc->evrefs[k];
		evrefs_add(&r->evrefs, &r->n_evrefs, e->file, e->sha256, e->kind)->packets =
		    e->packets;
	}
	r->start_ms = pc->start_ms;
	r->end_ms = pc->end_ms;
	r->kept_xml = xstrdup(pc->xml);
}

int
resume_adopt(run_t *run, void *arg)
{
	resume_t *rs = arg;
	const report_doc_t *d = rs->doc;
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (!case_in_doc(d, r->tc->id)) {
			snprintf(rs->error, sizeof(rs->error), "test case %s was not part of the "
			    "interrupted run (the case files or the selection differ): start a "
			    "new run", r->tc->id);
			return -1;
		}
		const report_case_t *pc = report_doc_case(d, r->instance);
		if (pc && final(pc)) {
			keep(r, pc);
			rs->kept++;
		} else {
			rs->rerun++;
		}
	}
	for (size_t i = 0; i < d->n_cases; i++) {
		const report_case_t *pc = &d->cases[i];
		if (instance_in_run(run, pc->id))
			continue;
		/* Interrupted instances are run again if they still exist; and
		 * after a discovery that was cut short any instance may differ. */
		if (!final(pc) || !resume_inventory_complete(rs))
			continue;
		snprintf(rs->error, sizeof(rs->error), "%s (%s in the interrupted run) has no "
		    "instance now (the device or the selection changed): start a new run",
		    pc->id, verdict_str(pc->verdict));
		return -1;
	}
	return 0;
}

void
resume_carry(resume_t *rs, run_t *run, int64_t start_ms)
{
	const report_doc_t *d = rs->doc;
	if (d->start_ms > 0)
		run->start_ms = d->start_ms;
	free(run->command_line);
	run->command_line = d->command_line ? xstrdup(d->command_line) : NULL;
	strlist_free(&run->args);
	for (size_t i = 0; i < d->args.n; i++)
		strlist_push(&run->args, d->args.v[i]);
	free(run->cwd);
	run->cwd = d->cwd ? xstrdup(d->cwd) : NULL;
	run->resumes = xcalloc(d->n_resumes + 1, sizeof(*run->resumes));
	for (size_t i = 0; i < d->n_resumes; i++) {
		run->resumes[i] = d->resumes[i];
		run->resumes[i].cause = d->resumes[i].cause ? xstrdup(d->resumes[i].cause) : NULL;
		run->resumes[i].evidence = d->resumes[i].evidence ?
		    xstrdup(d->resumes[i].evidence) : NULL;
	}
	rs->at = d->n_resumes;
	run_resume_t *u = &run->resumes[rs->at];
	u->start_ms = start_ms;
	u->end_ms = -1;
	u->after_ms = d->stop_ms;
	u->cause = d->stop_cause ? xstrdup(d->stop_cause) : NULL;
	u->evidence = xstrdup(rs->evdir);
	run->n_resumes = d->n_resumes + 1;
	for (size_t i = 0; i < d->n_evrefs; i++) {
		const evref_t *e = &d->evrefs[i];
		evrefs_add(&run->evrefs, &run->n_evrefs, e->file, e->sha256, e->kind)->packets =
		    e->packets;
	}
}

void
resume_finish(resume_t *rs, run_t *run)
{
	const capture_info_t *p = &rs->doc->capture;
	capture_info_t *c = &run->capture;
	c->received += p->received;
	c->dropped += p->dropped;
	c->if_dropped += p->if_dropped;
	c->captured += p->captured;
	c->enabled = c->enabled || p->enabled;
	if (run->n_resumes > rs->at) {
		run_resume_t *u = &run->resumes[rs->at];
		u->end_ms = run->end_ms;
		u->kept = rs->kept;
		u->rerun = rs->rerun;
	}
}
