/*
 * Case instantiation, applicability and execution.  Verdicts combine
 * TTCN-3 style (verdict_combine); the reason kept is the first one given for
 * the final verdict, so the report names the first thing that went wrong.
 */
#include "core/runner.h"
#include "core/decisions.h"
#include "core/expect.h"
#include "core/probe.h"
#include "core/protocols.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void
runner_mark_interrupted(case_result_t *r, const char *why)
{
	r->verdict = V_NOT_RUN;
	free(r->reason);
	r->reason = xstrdup(why);
	r->interrupted = true;
	if (r->ev == NULL)
		return;
	evidence_t *keep = evidence_new();
	keep->flows = r->ev->flows;
	keep->n_flows = r->ev->n_flows;
	keep->cap_flows = r->ev->cap_flows;
	keep->transcript = r->ev->transcript;
	keep->transcript_len = r->ev->transcript_len;
	r->ev->flows = NULL;
	r->ev->n_flows = r->ev->cap_flows = 0;
	r->ev->transcript = NULL;
	r->ev->transcript_len = 0;
	evidence_free(r->ev);
	r->ev = keep;
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

/* The decision's parts as evidence fields, so the report carries them
 * apart from the one-line reason. */
static void
record_decision(case_result_t *r, const decision_t *x)
{
	if (x == NULL || r->tc->kind != CASE_CONCEPTUAL)
		return;
	ev_set_str(r->ev, "assessor", x->assessor);
	ev_set_str(r->ev, "assessed_on", x->date);
	ev_set_str(r->ev, "rationale", x->rationale);
	ev_set_str(r->ev, "evidence_reference", x->evidence);
}

/*
 * The ICS's N/A stands only with a justification and for a provision whose
 * status has a condition or feature (EN 303 645 clause 4); otherwise the
 * case runs, and the ICS case (4-1-1) reports the claim.
 */
static bool
ics_na_allowed(const scheme_t *s, const ics_entry_t *e)
{
	if (e->detail == NULL || e->detail[strspn(e->detail, " \t\r\n")] == '\0')
		return false;
	bool listed = false;
	for (size_t i = 0; s && i < s->n_provisions; i++) {
		const provision_t *p = &s->provisions[i];
		if (strcmp(p->framework, "en303645") != 0 || strcmp(p->ref, e->ref) != 0)
			continue;
		if (provision_conditional(p))
			return true;
		listed = true;
	}
	return !listed;
}

/* Decided before running: NULL when the instance must run. */
static const char *
pre_verdict(const tcase_t *c, const runner_opts_t *o, verdict_t *v, char *buf, size_t len)
{
	/* An assessor's decision stands even over the ICS: the assessor may
	 * have found the N/A claim wrong. */
	const decision_t *x = c->kind == CASE_CONCEPTUAL ? decisions_find(o->decisions, c->id) : NULL;
	if (x) {
		*v = x->verdict;
		snprintf(buf, len, "assessor's decision (%s, %s): %s [evidence: %s]",
		    x->assessor, x->date, x->rationale, x->evidence);
		return buf;
	}
	const ics_entry_t *ics = dut_ics(o->dut, c->ics_ref);
	if (ics && strcmp(ics->support, "N/A") == 0 && ics_na_allowed(o->scheme, ics)) {
		*v = V_NOT_APPLICABLE;
		snprintf(buf, len, "ICS marks %s not applicable: \"%s\"", c->ics_ref,
		    ics->detail ? ics->detail : "(no justification given)");
		return buf;
	}
	if (c->kind == CASE_CONCEPTUAL) {
		*v = V_NOT_RUN;
		return "conceptual test case: requires an assessor's decision (--decisions FILE)";
	}
	if (c->needs_dut && o->dut == NULL) {
		*v = V_INCONCLUSIVE;
		return "this case compares the device with its declaration: give a DUT profile (run --dut FILE, analyze --profile FILE)";
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

/* Whether any of the case's service tokens can be on this transport: a case
 * for tls/udp, or for SSH, cannot be hiding behind an unidentified UDP port. */
static bool
case_takes_transport(const tcase_t *c, const char *transport)
{
	for (size_t i = 0; i < c->services.n; i++) {
		const char *t = c->services.v[i], *slash = strchr(t, '/');
		if (slash ? strcmp(slash + 1, transport) == 0 : protocol_on_transport(t, transport))
			return true;
	}
	return false;
}

/*
 * The protocol the DUT profile declares on an open port that discovery could
 * not identify (or knew only as TLS), when it is one this case tests; NULL
 * otherwise.  The case is then reported INCONCLUSIVE on that port instead of
 * silently not applying: a device garbling its own telnet banner has not
 * shown it has no telnet.
 */
static const char *
declared_but_unidentified(const tcase_t *c, const dut_t *d, const service_t *svc)
{
	if (d == NULL || (strcmp(svc->protocol, "unknown") != 0 && strcmp(svc->protocol, "tls") != 0))
		return NULL;
	for (size_t i = 0; i < d->n_ifaces; i++) {
		const dut_iface_t *f = &d->ifaces[i];
		if (f->port != svc->port || f->protocol == NULL ||
		    strcmp(f->transport, svc->transport) != 0)
			continue;
		service_t as_declared = { .port = svc->port, .protocol = f->protocol };
		memcpy(as_declared.transport, svc->transport, sizeof(as_declared.transport));
		return case_wants_service(c, &as_declared) ? f->protocol : NULL;
	}
	return NULL;
}

/* Names the open services discovery could not identify ("tcp/2323 and
 * tcp/9999 did not identify themselves"); false when there are none. */
static bool
unidentified_note(const tcase_t *c, const target_t *t, char *buf, size_t len)
{
	size_t n = 0, off = 0;
	buf[0] = '\0';
	for (size_t s = 0; s < t->n_svcs; s++) {
		const service_t *svc = &t->svcs[s];
		if (strcmp(svc->protocol, "unknown") != 0 || !case_takes_transport(c, svc->transport))
			continue;
		if (n < 4 && off < len) {
			int w = snprintf(buf + off, len - off, "%s%s/%d", n ? ", " : "",
			    svc->transport, svc->port);
			if (w > 0)
				off += (size_t)w;
		}
		n++;
	}
	if (n == 0)
		return false;
	if (off < len && n > 4)
		off += (size_t)snprintf(buf + off, len - off, " and %zu more", n - 4);
	if (off < len)
		snprintf(buf + off, len - off, " did not identify %s",
		    n == 1 ? "itself" : "themselves");
	return true;
}

static void
instantiate(run_t *run, const runner_opts_t *o)
{
	size_t cap = 0;
	char buf[1024], ubuf[256];
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
			record_decision(r, decisions_find(o->decisions, c->id));
			continue;
		}
		size_t matched = 0;
		for (size_t s = 0; s < o->target->n_svcs; s++) {
			const service_t *svc = &o->target->svcs[s];
			const char *decl = NULL;
			if (!case_wants_service(c, svc) &&
			    (decl = declared_but_unidentified(c, o->dut, svc)) == NULL)
				continue;
			matched++;
			case_result_t *r = add_result(run, &cap, c, svc, o->target->n_addrs > 1);
			if (why) {
				set_outcome(r, v, why);
			} else if (decl && o->discovery_incomplete) {
				/* Identification was cut short, not refused. */
				runner_mark_interrupted(r, RUNNER_INTERRUPTED);
			} else if (decl) {
				snprintf(buf, sizeof(buf), "%s/%d is declared %s in the DUT profile "
				    "but %s (%s): not tested", svc->transport, svc->port, decl,
				    strcmp(svc->protocol, "tls") == 0 ? "was identified only as TLS"
				    : "did not identify itself",
				    svc->how ? svc->how : "no answer recognised");
				set_outcome(r, V_INCONCLUSIVE, buf);
			}
		}
		if (matched == 0) {
			case_result_t *r = add_result(run, &cap, c, NULL, false);
			char *kinds = strlist_join(&c->services, ", ");
			if (why)
				set_outcome(r, v, why);
			else if (o->discovery_incomplete)
				runner_mark_interrupted(r, RUNNER_INTERRUPTED);
			else if (o->target->n_svcs == 0 && o->target->ports_closed == 0) {
				snprintf(buf, sizeof(buf), "the device answered on none of the %zu "
				    "ports scanned: cannot look for %s; is it up and reachable?",
				    o->target->ports_scanned, kinds);
				set_outcome(r, V_INCONCLUSIVE, buf);
			} else if (unidentified_note(c, o->target, ubuf, sizeof(ubuf))) {
				/* An open port that would not say what it is may be the
				 * very service this case looks for: saying PASS would be
				 * a guess. */
				snprintf(buf, sizeof(buf), "no %s service identified, but %s: "
				    "if one of them is %s it was not tested", kinds, ubuf, kinds);
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
			runner_mark_interrupted(r, RUNNER_INTERRUPTED);
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
			/* The probe may have given up half-way because of the
			 * cancel: what it saw decides nothing. */
			runner_mark_interrupted(r, RUNNER_INTERRUPTED);
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

/*
 * The worker pool.  Each worker runs an instance on a private result and
 * publishes it under the lock, so that after a cancel the caller can stop
 * waiting for a probe stuck in a call that does not look at the cancel flag
 * (RUNNER_GRACE_MS), mark its instance NOT_RUN and go on writing the report:
 * the late worker then finds the pool abandoned and throws its result away.
 * The pool is shared by the caller and every live worker; the last one out
 * frees it.
 */
enum { ST_TODO, ST_RUNNING, ST_DONE };

typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	run_t *run;
	runner_opts_t o;	/* a copy: a late worker outlives the caller's frame */
	size_t *todo;		/* result indexes to execute */
	size_t n_todo, next, done;
	size_t total;		/* cases to run in all phases, for progress */
	unsigned char *state;	/* per result: ST_* */
	unsigned live;		/* workers not yet returned */
	unsigned refs;		/* the caller and each live worker */
	bool abandoned;
} pool_t;

static pool_t *
pool_new(run_t *run, const runner_opts_t *o)
{
	pool_t *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->run = run;
	p->o = *o;
	p->todo = xcalloc(run->n_results ? run->n_results : 1, sizeof(*p->todo));
	p->state = xcalloc(run->n_results ? run->n_results : 1, 1);
	p->refs = 1;
	return p;
}

/* Drops one reference; the mutex is held on entry and released. */
static void
pool_release_locked(pool_t *p)
{
	bool last = --p->refs == 0;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->todo);
	free(p->state);
	free(p);
}

static void *
worker(void *arg)
{
	pool_t *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->abandoned || p->next >= p->n_todo)
			break;
		size_t i = p->todo[p->next++];
		size_t started = p->next;
		p->state[i] = ST_RUNNING;
		const case_result_t *r = &p->run->results[i];
		case_result_t w = {
			.tc = r->tc, .svc = r->svc, .instance = r->instance,
			.verdict = r->verdict, .ev = evidence_new(),
		};
		pthread_mutex_unlock(&p->mu);
		progress_update(p->o.progress, "[%zu/%zu] %s: %s", started, p->total,
		    w.instance, w.tc->n_steps ? w.tc->steps[0].probe : "");
		runner_exec(&w, &p->o);
		pthread_mutex_lock(&p->mu);
		if (p->abandoned) {	/* the report is being written without it */
			free(w.reason);
			evidence_free(w.ev);
		} else {
			case_result_t *dst = &p->run->results[i];
			evidence_free(dst->ev);
			free(dst->reason);
			dst->ev = w.ev;
			dst->reason = w.reason;
			dst->verdict = w.verdict;
			dst->interrupted = w.interrupted;
			dst->start_ms = w.start_ms;
			dst->end_ms = w.end_ms;
			p->state[i] = ST_DONE;
			p->done++;
		}
		pthread_mutex_unlock(&p->mu);
	}
	p->live--;
	pool_release_locked(p);
	return NULL;
}

/* Gives up on the workers still running: their instances become NOT_RUN. */
static void
pool_abandon_locked(pool_t *p)
{
	p->abandoned = true;
	for (size_t k = 0; k < p->n_todo; k++) {
		size_t i = p->todo[k];
		if (p->state[i] != ST_RUNNING)
			continue;
		case_result_t *r = &p->run->results[i];
		runner_mark_interrupted(r, RUNNER_INTERRUPTED);
		r->start_ms = r->end_ms = wall_ms();
	}
	if (p->o.abandoned)
		*p->o.abandoned = true;
}

/*
 * Runs the pool's todo list on up to `jobs` threads and waits for them, but
 * after a cancel for no more than RUNNER_GRACE_MS.
 */
static void
pool_drain(pool_t *p, unsigned jobs)
{
	if (p->abandoned)
		return;
	if (jobs > p->n_todo - p->next)
		jobs = (unsigned)(p->n_todo - p->next);
	if (jobs == 0)
		return;
	unsigned started = 0;
	for (unsigned k = 0; k < jobs; k++) {
		pthread_t th;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&p->mu);
		p->live++;
		p->refs++;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&th, &at, worker, p) == 0) {
			started++;
		} else {
			pthread_mutex_lock(&p->mu);
			p->live--;
			p->refs--;
			pthread_mutex_unlock(&p->mu);
		}
		pthread_attr_destroy(&at);
	}
	if (started == 0) {	/* no threads to be had: run them here */
		pthread_mutex_lock(&p->mu);
		p->live++;
		p->refs++;
		pthread_mutex_unlock(&p->mu);
		worker(p);
	}
	const volatile int *cancel = p->o.cancel;
	uint64_t give_up = 0;
	pthread_mutex_lock(&p->mu);
	while (p->live > 0) {
		uint64_t now = mono_ms();
		if (give_up == 0 && cancel && *cancel)
			give_up = now + RUNNER_GRACE_MS;
		if (give_up && now >= give_up) {
			pool_abandon_locked(p);
			break;
		}
		/* The cancel flag is not a condition: look again every 20 ms. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Unfinished instances of a cancelled run: nothing will run them now. */
static void
mark_unrun(run_t *run, const runner_opts_t *o, bool capture_too)
{
	if (!(o->cancel && *o->cancel))
		return;
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (r->verdict != V_NONE || r->kept_xml ||
		    (!capture_too && case_on_capture(r->tc)))
			continue;
		runner_mark_interrupted(r, RUNNER_INTERRUPTED);
		r->start_ms = r->end_ms = wall_ms();
	}
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

size_t
runner_run(run_t *run, const runner_opts_t *o)
{
	instantiate(run, o);
	if (o->adopt && o->adopt(run, o->adopt_arg) < 0)
		return run->n_results;
	pool_t *p = pool_new(run, o);
	size_t *later = xcalloc(run->n_results ? run->n_results : 1, sizeof(*later));
	size_t n_later = 0;
	for (size_t i = 0; i < run->n_results; i++) {
		if (run->results[i].kept_xml)
			continue;	/* kept from the interrupted run, times and all */
		if (run->results[i].verdict != V_NONE)
			run->results[i].start_ms = run->results[i].end_ms = wall_ms();
		else if (case_on_capture(run->results[i].tc))
			continue;	/* runner_run_capture, once the capture has stopped */
		else if (case_disruptive(run->results[i].tc))
			later[n_later++] = i;
		else
			p->todo[p->n_todo++] = i;
	}
	/* Progress counts every case to run, both phases. */
	size_t total = p->total = p->n_todo + n_later;
	memcpy(p->todo + p->n_todo, later, n_later * sizeof(*later));
	p->n_todo = total - n_later;
	pool_drain(p, o->jobs ? o->jobs : 4);
	pthread_mutex_lock(&p->mu);
	if (!p->abandoned)
		p->n_todo = total;
	pthread_mutex_unlock(&p->mu);
	pool_drain(p, 1);
	pthread_mutex_lock(&p->mu);
	mark_unrun(run, o, false);
	pool_release_locked(p);
	free(later);
	progress_clear(o->progress);
	return run->n_results;
}

void
runner_run_capture(run_t *run, const runner_opts_t *o)
{
	pool_t *p = pool_new(run, o);
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (r->verdict != V_NONE || r->kept_xml || !case_on_capture(r->tc))
			continue;
		if (o->cancel && *o->cancel) {
			runner_mark_interrupted(r, RUNNER_INTERRUPTED);
			r->start_ms = r->end_ms = wall_ms();
			continue;
		}
		if (o->passive == NULL) {	/* nothing to look at: not run, and why */
			set_outcome(r, V_NOT_RUN, o->passive_note ? o->passive_note
			    : "there is no capture of this run to analyse");
			r->start_ms = r->end_ms = wall_ms();
			continue;
		}
		p->todo[p->n_todo++] = i;
	}
	p->total = p->n_todo;
	/* Reading the analysis is quick and needs no network: one thread. */
	pool_drain(p, 1);
	pthread_mutex_lock(&p->mu);
	mark_unrun(run, o, true);
	pool_release_locked(p);
	progress_clear(o->progress);
}
