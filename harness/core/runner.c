/*
 * Case instantiation, applicability and execution.  Verdicts combine
 * TTCN-3 style (verdict_combine); the reason kept is the first one given for
 * the final verdict, so the report names the first thing that went wrong.
 */
#include "core/runner.h"
#include "core/expect.h"
#include "core/probe.h"
#include "core/protocols.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CASE_MS 60000u

static void
set_outcome(case_result_t *r, verdict_t v, const char *reason)
{
	verdict_t nv = verdict_combine(r->verdict, v);
	if (nv != r->verdict) {
		free(r->reason);
		r->reason = xstrdup(reason);
	} else if (r->reason == NULL) {
		r->reason = xstrdup(reason);
	}
	r->verdict = nv;
}

static case_result_t *
add_result(run_t *run, size_t *cap, const tcase_t *c, const service_t *svc,
    bool many_addrs)
{
	if (run->n_results == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		run->results = xrealloc(run->results, *cap, sizeof(*run->results));
	}
	case_result_t *r = &run->results[run->n_results++];
	memset(r, 0, sizeof(*r));
	r->tc = c;
	r->svc = svc;
	r->verdict = V_NONE;
	/* The address joins the id only when the device has several, so ids stay
	 * short and stable for the common single-address device. */
	if (svc && many_addrs)
		r->instance = xasprintf("%s@%s/%d@%s", c->id, svc->transport, svc->port,
		    svc->addr ? svc->addr->text : "?");
	else if (svc)
		r->instance = xasprintf("%s@%s/%d", c->id, svc->transport, svc->port);
	else
		r->instance = xstrdup(c->id);
	r->ev = evidence_new();
	return r;
}

/* Decided before running: NULL when the instance must run. */
static const char *
pre_verdict(const tcase_t *c, const runner_opts_t *o, verdict_t *v, char *buf, size_t len)
{
	if (c->kind == CASE_CONCEPTUAL) {
		*v = V_NOT_RUN;
		return "conceptual test case: requires an assessor's decision";
	}
	const ics_entry_t *ics = dut_ics(o->dut, c->ics_ref);
	if (ics && strcmp(ics->support, "N/A") == 0) {
		*v = V_NOT_APPLICABLE;
		snprintf(buf, len, "ICS marks %s not applicable: \"%s\"", c->ics_ref,
		    ics->detail ? ics->detail : "(no justification given)");
		return buf;
	}
	if (c->needs_dut && o->dut == NULL) {
		*v = V_INCONCLUSIVE;
		return "this case compares the device with its declaration: give a DUT profile (--dut FILE)";
	}
	return NULL;
}

/* `applies.services` holds PROTO, or PROTO/TRANSPORT for one transport only. */
static bool
case_wants_service(const tcase_t *c, const service_t *svc)
{
	size_t pl = strlen(svc->protocol);
	for (size_t i = 0; i < c->services.n; i++) {
		const char *t = c->services.v[i];
		if (strncmp(t, svc->protocol, pl) != 0)
			continue;
		if (t[pl] == '\0' || (t[pl] == '/' && strcmp(t + pl + 1, svc->transport) == 0))
			return true;
	}
	return false;
}

static void
instantiate(run_t *run, const runner_opts_t *o)
{
	size_t cap = 0;
	char buf[1024];
	for (size_t i = 0; i < o->cases->n; i++) {
		const tcase_t *c = o->cases->v[i];
		if (o->scheme && !case_selected_list(c, &o->scheme->select))
			continue;
		if (!case_selected_list(c, o->select))
			continue;
		if (o->exclude && o->exclude->n && case_selected_list(c, o->exclude))
			continue;
		verdict_t v;
		const char *why = pre_verdict(c, o, &v, buf, sizeof(buf));
		if (c->services.n == 0) {
			case_result_t *r = add_result(run, &cap, c, NULL, false);
			if (why)
				set_outcome(r, v, why);
			continue;
		}
		size_t matched = 0;
		for (size_t s = 0; s < o->target->n_svcs; s++) {
			const service_t *svc = &o->target->svcs[s];
			if (!case_wants_service(c, svc))
				continue;
			matched++;
			case_result_t *r = add_result(run, &cap, c, svc, o->target->n_addrs > 1);
			if (why)
				set_outcome(r, v, why);
		}
		if (matched == 0) {
			case_result_t *r = add_result(run, &cap, c, NULL, false);
			char *kinds = strlist_join(&c->services, ", ");
			if (why)
				set_outcome(r, v, why);
			else if (o->target->n_svcs == 0 && o->target->ports_closed == 0) {
				snprintf(buf, sizeof(buf), "the device answered on none of the %zu "
				    "ports scanned: cannot look for %s; is it up and reachable?",
				    o->target->ports_scanned, kinds);
				set_outcome(r, V_INCONCLUSIVE, buf);
			} else {
				snprintf(buf, sizeof(buf), "no %s service among the %zu open "
				    "services discovered", kinds, o->target->n_svcs);
				set_outcome(r, V_PASS, buf);
			}
			free(kinds);
		}
	}
}

static void
eval_step(case_result_t *r, const step_t *st)
{
	char why[1024];
	for (size_t k = 0; k < st->n_expects; k++) {
		const expect_t *x = &st->expects[k];
		expect_result_t er = expect_eval(x, r->ev, why, sizeof(why));
		if (er == EXPECT_HOLDS)
			continue;
		if (er == EXPECT_UNDECIDED) {
			set_outcome(r, V_INCONCLUSIVE, why);
			continue;
		}
		char *reason = x->reason ? expand_placeholders(x->reason, r->ev, r->svc)
		    : xstrdup(why);
		set_outcome(r, x->otherwise, reason);
		free(reason);
	}
}

void
runner_exec(case_result_t *r, const runner_opts_t *o)
{
	const tcase_t *c = r->tc;
	unsigned budget = c->timeout_ms ? c->timeout_ms
	    : o->case_timeout_ms ? o->case_timeout_ms : DEFAULT_CASE_MS;
	uint64_t case_deadline = mono_ms() + budget;
	r->start_ms = wall_ms();
	for (size_t i = 0; i < c->n_steps; i++) {
		const step_t *st = &c->steps[i];
		if (o->cancel && *o->cancel) {
			set_outcome(r, V_NOT_RUN, "run interrupted before this case finished");
			break;
		}
		const probe_kind_t *k = probe_find(st->probe);
		if (k == NULL) {	/* the loader rejects this; keep the runner safe */
			set_outcome(r, V_ERROR, "unknown probe kind");
			break;
		}
		if (k->scope == SCOPE_SERVICE && r->svc == NULL) {
			set_outcome(r, V_ERROR, "probe needs a service but the case names none "
			    "(add applies.services)");
			break;
		}
		probe_ctx_t ctx = {
			.tls = o->tls, .target = o->target, .svc = r->svc, .dut = o->dut, .scheme = o->scheme,
			.policy = o->policy, .step = st, .passive = o->passive,
			.passive_note = o->passive_note,
			.ev = r->ev, .deadline_ms = case_deadline, .cancel = o->cancel,
		};
		probe_status_t ps = k->run(&ctx);
		if (mono_ms() > case_deadline + 1000)
			set_outcome(r, V_INCONCLUSIVE, "case deadline exceeded");
		if (ps == PROBE_ERROR) {
			set_outcome(r, V_ERROR, ctx.reason[0] ? ctx.reason : "probe error");
			break;
		}
		if (o->cancel && *o->cancel) {
			set_outcome(r, V_NOT_RUN, "run interrupted before this case finished");
			break;
		}
		if (ps == PROBE_INCONCLUSIVE)
			set_outcome(r, V_INCONCLUSIVE, ctx.reason[0] ? ctx.reason : "probe could not decide");
		else
			eval_step(r, st);
	}
	if (r->verdict == V_NONE || (r->verdict == V_PASS && r->reason == NULL)) {
		r->verdict = r->verdict == V_NONE ? V_PASS : r->verdict;
		if (r->reason == NULL)
			r->reason = xstrdup("every expectation held");
	}
	r->end_ms = wall_ms();
}

typedef struct pool {
	pthread_mutex_t mu;
	run_t *run;
	const runner_opts_t *o;
	size_t *todo;		/* result indexes to execute */
	size_t n_todo, next, done;
	size_t total;		/* cases to run in all phases, for progress */
} pool_t;

static void *
worker(void *arg)
{
	pool_t *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next < p->n_todo ? p->todo[p->next++] : SIZE_MAX;
		size_t started = p->next;
		pthread_mutex_unlock(&p->mu);
		if (i == SIZE_MAX)
			break;
		case_result_t *r = &p->run->results[i];
		progress_update(p->o->progress, "[%zu/%zu] %s: %s", started, p->total,
		    r->instance, r->tc->n_steps ? r->tc->steps[0].probe : "");
		runner_exec(r, p->o);
		pthread_mutex_lock(&p->mu);
		p->done++;
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static bool
case_disruptive(const tcase_t *c)
{
	for (size_t i = 0; i < c->n_steps; i++) {
		const probe_kind_t *k = probe_find(c->steps[i].probe);
		if (k && k->disruptive)
			return true;
	}
	return false;
}

bool
case_on_capture(const tcase_t *c)
{
	for (size_t i = 0; i < c->n_steps; i++) {
		const probe_kind_t *k = probe_find(c->steps[i].probe);
		if (k && k->scope == SCOPE_CAPTURE)
			return true;
	}
	return false;
}

/* Runs the pool's todo list on up to `jobs` threads and waits for them. */
static void
pool_drain(pool_t *p, unsigned jobs)
{
	if (jobs > p->n_todo)
		jobs = (unsigned)p->n_todo;
	if (jobs == 0)
		return;
	pthread_t *th = xcalloc(jobs, sizeof(*th));
	unsigned started = 0;
	for (unsigned k = 0; k < jobs; k++)
		if (pthread_create(&th[k], NULL, worker, p) == 0)
			started++;
	if (started == 0)
		worker(p);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	free(th);
}

size_t
runner_run(run_t *run, const runner_opts_t *o)
{
	instantiate(run, o);
	pool_t p = { .run = run, .o = o };
	pthread_mutex_init(&p.mu, NULL);
	p.todo = xcalloc(run->n_results ? run->n_results : 1, sizeof(*p.todo));
	size_t *later = xcalloc(run->n_results ? run->n_results : 1, sizeof(*later));
	size_t n_later = 0;
	for (size_t i = 0; i < run->n_results; i++) {
		if (run->results[i].verdict != V_NONE)
			run->results[i].start_ms = run->results[i].end_ms = wall_ms();
		else if (case_on_capture(run->results[i].tc))
			continue;	/* runner_run_capture, once the capture has stopped */
		else if (case_disruptive(run->results[i].tc))
			later[n_later++] = i;
		else
			p.todo[p.n_todo++] = i;
	}
	/* Progress counts every case to run, both phases. */
	size_t total = p.total = p.n_todo + n_later;
	memcpy(p.todo + p.n_todo, later, n_later * sizeof(*later));
	p.n_todo = total - n_later;
	pool_drain(&p, o->jobs ? o->jobs : 4);
	p.n_todo = total;
	pool_drain(&p, 1);
	pthread_mutex_destroy(&p.mu);
	free(later);
	free(p.todo);
	progress_clear(o->progress);
	return run->n_results;
}

void
runner_run_capture(run_t *run, const runner_opts_t *o)
{
	pool_t p = { .run = run, .o = o };
	pthread_mutex_init(&p.mu, NULL);
	p.todo = xcalloc(run->n_results ? run->n_results : 1, sizeof(*p.todo));
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (r->verdict != V_NONE || !case_on_capture(r->tc))
			continue;
		if (o->passive == NULL) {	/* nothing to look at: not run, and why */
			set_outcome(r, V_NOT_RUN, o->passive_note ? o->passive_note
			    : "there is no capture of this run to analyse");
			r->start_ms = r->end_ms = wall_ms();
			continue;
		}
		p.todo[p.n_todo++] = i;
	}
	p.total = p.n_todo;
	/* Reading the analysis is quick and needs no network: one thread. */
	pool_drain(&p, 1);
	pthread_mutex_destroy(&p.mu);
	free(p.todo);
	progress_clear(o->progress);
}
