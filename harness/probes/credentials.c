/*
 * default-credentials: tries the credential lists (and the DUT profile's
 * model-specific defaults) against one service through its authenticator,
 * and reports every pair it accepts (EN 303 645 5.1-1, UK PSTI Sch.1 §1,
 * EN 18031-1 AUM-5-1).  Attempts run on a few threads per service, under a
 * rate limit and an attempt cap, stop for a username at its first success,
 * and stop altogether when the service locks up, so a device is never locked
 * beyond the configured budget.  Passwords the DUT profile declares unique
 * are never tried as defaults and never written anywhere.
 *
 * mode "anonymous" makes one attempt without credentials instead, for
 * anonymous access (5.5-4).
 */
#include "auth/auth.h"
#include "auth/outcome.h"
#include "core/probe.h"
#include "core/util.h"
#include "load/credlist.h"
#include "net/sock.h"
#include "probes/attempts.h"
#include "probes/credentials.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const param_spec_t params[] = {
	{ "mode", VT_STR, "defaults", true, "\"defaults\" (try the lists) or \"anonymous\" (one attempt without credentials)" },
	{ "lists", VT_LIST, NULL, true, "credential list files, relative to the test case's directory (default credentials/universal.txt, credentials/vendor.txt)" },
	{ "max-attempts", VT_INT, "500", true, "attempts at most on this service (an unfinished list is INCONCLUSIVE)" },
	{ "rate", VT_INT, "10", true, "attempts a second at most on this service" },
	{ "parallel", VT_INT, "4", true, "attempts in flight at once on this service" },
	{ "attempt-timeout", VT_INT, "10000", true, "milliseconds one attempt may take" },
	{ "path", VT_STR, "", true, "HTTP/RTSP: a protected path to try besides the usual ones" },
	ATTEMPT_FORM_PARAMS,
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "attempts", VT_INT, "login attempts made" },
	{ "accepted", VT_LIST, "pairs the service accepted, as user:password" },
	{ "anonymous", VT_BOOL, "the service grants access with no credentials, or with made-up ones" },
	{ "auth_surface", VT_BOOL, "an authentication surface was found to try" },
	{ "locked", VT_BOOL, "the service locked or rate-limited the attempts" },
	{ "inconclusive_attempts", VT_INT, "attempts whose outcome could not be decided" },
	{ "undecided", VT_INT, "list pairs still undecided after one retry" },
	{ "untried", VT_INT, "list pairs never tried (attempt cap reached, or stopped)" },
	{ "method", VT_STR, "how logins were tried (telnet-login, http-basic, ...)" },
	{ "elapsed_ms", VT_INT, "time spent on attempts" },
	{ "unique_skipped", VT_INT, "list pairs skipped because the DUT profile declares them unique" },
	{ "attempt_ms_median", VT_INT, "median time one attempt took, -1 if none was made" },
	{ "attempt_ms_max", VT_INT, "longest time one attempt took, -1 if none was made" },
	{ NULL, 0, NULL },
};

/* Everything the attempt threads share; mu guards the mutable part. */
typedef struct run {
	probe_ctx_t *ctx;
	const authenticator_t *au;
	auth_target_t at;
	credlist_t creds;
	credlist_t *cur;	/* the pass being made: &creds, or &retry */
	credlist_t retry;	/* pairs the first pass could not decide */
	long long undecided;	/* pairs still undecided after their retry */
	long long untried;	/* pairs never tried (cap, stop) */
	pthread_mutex_t mu;
	size_t next;
	long long attempts, inconclusive, max_attempts, rate;
	unsigned attempt_ms;
	uint64_t t0;
	strlist_t done_users;	/* users with an accepted pair */
	bool stop, locked, anonymous;
	char method[32];
	char last_reason[256];
	int consecutive_inconclusive;
	int undecided_stop;	/* undecidable attempts in a row that stop the service */
	int allowed;		/* workers that may still start attempts */
	long long *took_ms;	/* how long each list attempt took */
	size_t n_timed;
} run_t_;

static bool
unique_in_dut(const dut_t *d, const char *user, const char *pass)
{
	for (size_t i = 0; d && i < d->n_creds; i++)
		if (d->creds[i].unique && strcmp(d->creds[i].user, user) == 0 &&
		    strcmp(d->creds[i].password, pass) == 0)
			return true;
	return false;
}

static void
record(run_t_ *r, const cred_t *c, const auth_outcome_t *o)
{
	evidence_t *ev = r->ctx->ev;
	const service_t *s = r->ctx->svc;
	if (o->method[0])
		snprintf(r->method, sizeof(r->method), "%s", o->method);
	switch (o->result) {
	case AUTH_ACCEPTED: {
		strlist_push(&r->done_users, c->user);
		char pair[600];
		snprintf(pair, sizeof(pair), "%s:%s", c->user, c->pass);
		ev_list_push(ev, "accepted", pair);
		finding_t *f = ev_finding(ev, "default-credential", s->transport, s->protocol,
		    s->port, "%s on %s/%d accepts the default %s / %s (%s)", s->protocol,
		    s->transport, s->port, c->user, c->pass[0] ? c->pass : "(empty)", o->reason);
		finding_attr(f, "username", "%s", c->user);
		finding_attr(f, "password", "%s", c->pass);
		finding_attr(f, "method", "%s", o->method);
		finding_attr(f, "source", "%s", c->source);
		r->consecutive_inconclusive = 0;
		break;
	}
	case AUTH_NOT_REQUIRED:
		r->anonymous = true;
		r->stop = true;
		break;
	case AUTH_LOCKED:
		r->locked = true;
		r->stop = true;
		snprintf(r->last_reason, sizeof(r->last_reason), "%s", o->reason);
		break;
	case AUTH_INCONCLUSIVE:
	case AUTH_ERROR:
		r->inconclusive++;
		/* An undecided pair may be a default: it gets one more try at
		 * the end, alone, and counts against a PASS if still undecided. */
		if (r->cur == &r->creds)
			credlist_add(&r->retry, c->user, c->pass, c->source);
		else
			r->undecided++;
		/* Often the device's limit on connections at once: back off. */
		if (r->allowed > 1)
			r->allowed /= 2;
		snprintf(r->last_reason, sizeof(r->last_reason), "%s", o->reason);
		/* A service that answers nothing sensible several times running
		 * is not going to tell us more; stop rather than hammer it.  With
		 * attempts in flight together, a burst as wide as them can be
		 * the device's connection limit rather than a dead service. */
		if (++r->consecutive_inconclusive >= r->undecided_stop)
			r->stop = true;
		break;
	case AUTH_REJECTED:
		r->consecutive_inconclusive = 0;
		break;
	}
}

/* Pairs of the current pass never reached, for users still without a
 * success (their untried pairs do not matter). */
static long long
pairs_left(const run_t_ *r)
{
	long long n = 0;
	for (size_t i = r->next; i < r->cur->n; i++)
		if (!strlist_has(&r->done_users, r->cur->v[i].user))
			n++;
	return n;
}

typedef struct worker_arg {
	run_t_ *r;
	int idx;
} worker_arg_t;

static void *
worker(void *arg)
{
	run_t_ *r = ((worker_arg_t *)arg)->r;
	int idx = ((worker_arg_t *)arg)->idx;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		const cred_t *c = NULL;
		long long n = 0;
		while (idx < r->allowed && !r->stop && r->next < r->cur->n && r->attempts < r->max_attempts) {
			const cred_t *cand = &r->cur->v[r->next++];
			if (strlist_has(&r->done_users, cand->user))
				continue;	/* first success per username is enough */
			c = cand;
			n = r->attempts++;
			break;
		}
		pthread_mutex_unlock(&r->mu);
		if (c == NULL || !attempt_pace(r->ctx, r->t0, n, r->rate))
			break;
		auth_outcome_t o;
		memset(&o, 0, sizeof(o));
		uint64_t started = mono_ms();
		uint64_t dl = deadline_min(started + r->attempt_ms, r->ctx->deadline_ms);
		/* Evidence records are not thread-safe: each attempt writes its
		 * flows and transcript to its own, merged under the lock. */
		auth_target_t at = r->at;
		at.ev = evidence_new();
		r->au->try_login(&at, c->user, c->pass, dl, &o);
		pthread_mutex_lock(&r->mu);
		attempt_merge_io(r->ctx->ev, at.ev);
		record(r, c, &o);
		if (r->n_timed < (size_t)r->max_attempts)
			r->took_ms[r->n_timed++] = (long long)(mono_ms() - started);
		pthread_mutex_unlock(&r->mu);
		evidence_free(at.ev);
		if (attempt_over(r->ctx))
			break;
	}
	return NULL;
}

static const char *const default_lists[] = { "credentials/universal.txt",
	"credentials/vendor.txt", NULL };
extern const probe_kind_t probe_default_credentials;

static int
load_lists(probe_ctx_t *ctx, credlist_t *l, char *err, size_t errlen)
{
	int rc = 0;
	/* Model-specific defaults from the DUT profile go first. */
	for (size_t i = 0; ctx->dut && i < ctx->dut->n_creds; i++) {
		const dut_cred_t *dc = &ctx->dut->creds[i];
		if (!dc->unique && (dc->service == NULL || strcmp(dc->service, ctx->svc->protocol) == 0))
			credlist_add(l, dc->user, dc->password, "dut profile");
	}
	strlist_t paths = { 0 };
	step_list_paths(ctx->step, &probe_default_credentials, &paths);
	for (size_t i = 0; i < paths.n && rc == 0; i++) {
		diags_t d = { 0 };
		if (credlist_load(paths.v[i], l, &d) < 0) {
			snprintf(err, errlen, "%s:%d: %s", d.n ? d.v[0].file : paths.v[i],
			    d.n ? d.v[0].line : 0, d.n ? d.v[0].msg : "cannot load");
			rc = -1;
		}
		diags_free(&d);
	}
	strlist_free(&paths);
	return rc;
}

/* Drops the pairs the DUT profile declares as the unit's own passwords. */
static long long
drop_unique(probe_ctx_t *ctx, credlist_t *l)
{
	long long dropped = 0;
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (unique_in_dut(ctx->dut, l->v[i].user, l->v[i].pass)) {
			free(l->v[i].user);
			free(l->v[i].pass);
			free(l->v[i].source);
			dropped++;
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->n = w;
	return dropped;
}

/*
 * One attempt with credentials no device can have.  A service that accepts
 * them checks no password at all: every list pair would "succeed", and hydra
 * would report them all.  Here that is anonymous access, and the lists are
 * not tried.
 */
static bool
canary_accepted(run_t_ *r, const char *path, bool emit_finding)
{
	char user[40], pass[40], hex[17];
	if (auth_random_hex(hex, sizeof(hex), 8) < 0)
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)mono_ms());
	snprintf(user, sizeof(user), "iotcert-%.8s", hex);
	snprintf(pass, sizeof(pass), "Nx%.8s!", hex + 8);
	r->at.path = path;
	auth_outcome_t o;
	memset(&o, 0, sizeof(o));
	uint64_t dl = deadline_min(mono_ms() + r->attempt_ms, r->ctx->deadline_ms);
	r->au->try_login(&r->at, user, pass, dl, &o);
	r->attempts++;
	if (o.method[0])
		snprintf(r->method, sizeof(r->method), "%s", o.method);
	if (o.result != AUTH_ACCEPTED && o.result != AUTH_NOT_REQUIRED)
		return false;
	const service_t *s = r->ctx->svc;
	r->anonymous = true;
	if (!emit_finding)
		return true;
	finding_t *f = ev_finding(r->ctx->ev, "anonymous-access", s->transport, s->protocol,
	    s->port, "%s on %s/%d accepts made-up credentials (%s): it checks no password",
	    s->protocol, s->transport, s->port, o.method);
	finding_attr(f, "method", "%s", o.method);
	return true;
}

static void
run_attempts(run_t_ *r, long long parallel)
{
	pthread_t th[16];
	worker_arg_t wa[16];
	int started = 0;
	if (parallel < 1)
		parallel = 1;
	if (parallel > 16)
		parallel = 16;
	r->undecided_stop = parallel + 2 > 3 ? (int)parallel + 2 : 3;
	r->allowed = (int)parallel;
	for (long long i = 0; i < parallel; i++) {
		wa[started] = (worker_arg_t){ r, started };
		if (pthread_create(&th[started], NULL, worker, &wa[started]) == 0)
			started++;
	}
	if (started == 0) {
		wa[0] = (worker_arg_t){ r, 0 };
		worker(&wa[0]);
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const service_t *s = ctx->svc;
	evidence_t *ev = ctx->ev;
	ev_set_int(ev, "attempts", 0);
	ev_list_init(ev, "accepted");
	ev_set_bool(ev, "anonymous", false);
	ev_set_bool(ev, "auth_surface", false);
	ev_set_bool(ev, "locked", false);
	ev_set_int(ev, "inconclusive_attempts", 0);
	ev_set_int(ev, "undecided", 0);
	ev_set_int(ev, "untried", 0);
	ev_set_str(ev, "method", "");
	ev_set_int(ev, "elapsed_ms", 0);
	ev_set_int(ev, "attempt_ms_median", -1);
	ev_set_int(ev, "attempt_ms_max", -1);
	ev_set_int(ev, "unique_skipped", 0);

	const authenticator_t *au = auth_find(s->protocol);
	if (au == NULL)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "no authenticator for %s services",
		    s->protocol);
	run_t_ r = { .ctx = ctx, .au = au, .t0 = mono_ms() };
	pthread_mutex_init(&r.mu, NULL);
	r.at = (auth_target_t){ .svc = s, .tls = ctx->tls, .cancel = ctx->cancel, .ev = ev };
	attempt_form_target(ctx, &r.at);
	r.max_attempts = step_int(ctx, "max-attempts");
	r.rate = step_int(ctx, "rate");
	r.attempt_ms = (unsigned)step_int(ctx, "attempt-timeout");
	r.took_ms = xcalloc(r.max_attempts > 0 ? (size_t)r.max_attempts : 1, sizeof(*r.took_ms));
	const char *mode = step_str(ctx, "mode");
	bool anonymous_mode = mode && strcmp(mode, "anonymous") == 0;
	char err[512];
	probe_status_t st = PROBE_OK;
	strlist_t realms = { 0 };

	if (anonymous_mode) {
		credlist_add(&r.creds, "", "", "anonymous attempt");
		auth_outcome_t o;
		memset(&o, 0, sizeof(o));
		uint64_t dl = deadline_min(mono_ms() + r.attempt_ms, ctx->deadline_ms);
		au->try_login(&r.at, NULL, "", dl, &o);
		r.attempts = 1;
		if (o.method[0])
			snprintf(r.method, sizeof(r.method), "%s", o.method);
		if (o.result == AUTH_NOT_REQUIRED) {
			r.anonymous = true;
			finding_t *f = ev_finding(ev, "anonymous-access", s->transport, s->protocol,
			    s->port, "%s on %s/%d grants access without any credentials (%s)",
			    s->protocol, s->transport, s->port, o.reason);
			finding_attr(f, "method", "%s", o.method);
		} else if (o.result == AUTH_INCONCLUSIVE || o.result == AUTH_ERROR) {
			st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", o.reason);
		} else {
			canary_accepted(&r, NULL, true);	/* takes any password? */
		}
		ev_set_bool(ev, "auth_surface", o.result == AUTH_REJECTED || o.result == AUTH_LOCKED);
		goto out;
	}

	if (load_lists(ctx, &r.creds, err, sizeof(err)) < 0) {
		st = probe_fail(ctx, PROBE_ERROR, "credential list: %s", err);
		goto out;
	}
	ev_set_int(ev, "unique_skipped", drop_unique(ctx, &r.creds));
	bool http = strcmp(s->protocol, "http") == 0 || strcmp(s->protocol, "https") == 0;
	if (http && r.at.form_action == NULL) {
		size_t tried, unread = cred_http_realms(ctx, &realms, &tried, err, sizeof(err));
		if (realms.n == 0 && unread > 0) {	/* a realm may be behind them */
			st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no login realm found, but %zu of "
			    "the %zu paths tried could not be read (%s)", unread, tried, err);
			goto out;
		}
		if (realms.n == 0) {	/* nothing asks for a password here */
			ev_set_str(ev, "method", "http: no protected realm found");
			goto out;
		}
	}
	ev_set_bool(ev, "auth_surface", true);
	if (canary_accepted(&r, realms.n ? realms.v[0] : NULL, false))
		goto out;	/* it takes anything: no list pair proves a default */
	for (size_t i = 0; i < (http && realms.n ? realms.n : 1) && !r.stop; i++) {
		r.at.path = realms.n ? realms.v[i] : step_str(ctx, "path");
		if (r.at.path && !*r.at.path)
			r.at.path = NULL;
		r.next = 0;
		strlist_free(&r.done_users);
		r.cur = &r.creds;
		run_attempts(&r, step_int(ctx, "parallel"));
		r.untried += pairs_left(&r);
		if (r.retry.n == 0 || r.locked || r.anonymous || attempt_over(ctx))
			continue;
		/* The second pass goes one at a time after a breath: what failed
		 * was often the device's limit on connections at once (Dropbear
		 * drops a fifth unauthenticated one from an address). */
		struct timespec pause = { 1, 0 };
		nanosleep(&pause, NULL);
		r.stop = false;
		r.consecutive_inconclusive = 0;
		r.cur = &r.retry;
		r.next = 0;
		run_attempts(&r, 1);
		r.undecided += pairs_left(&r);
		credlist_free(&r.retry);
		r.retry = (credlist_t){ 0 };
	}
	if (r.locked && ev_get(ev, "accepted")->n_items == 0)
		/* Refused because locked, not because wrong: the untried pairs
		 * prove nothing, so neither does the silence. */
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "the service locked after %lld attempts "
		    "(%s): %zu list pairs not tried; raise its lockout threshold for the test, "
		    "or run again after it", r.attempts, r.last_reason,
		    r.creds.n > r.next ? r.creds.n - r.next : 0);
	else if (r.inconclusive && r.attempts == r.inconclusive && ev_get(ev, "accepted")->n_items == 0)
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no attempt could be decided: %s",
		    r.last_reason);
	else if (!r.anonymous && ev_get(ev, "accepted")->n_items == 0 && (r.undecided || r.untried))
		/* Any pair not decided could have been the default. */
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%lld list pairs undecided even when "
		    "retried%s%s, %lld not tried (%s): a default among them would go unseen",
		    r.undecided, r.undecided ? ": " : "", r.undecided ? r.last_reason : "", r.untried,
		    r.attempts >= r.max_attempts ? "max-attempts reached" : "stopped after "
		    "undecidable attempts in a row");
out:
	ev_set_int(ev, "attempts", r.attempts);
	ev_set_int(ev, "inconclusive_attempts", r.inconclusive);
	ev_set_int(ev, "undecided", r.undecided);
	ev_set_int(ev, "untried", r.untried);
	ev_set_bool(ev, "anonymous", r.anonymous);
	ev_set_bool(ev, "locked", r.locked);
	if (r.method[0])
		ev_set_str(ev, "method", r.method);
	ev_set_int(ev, "elapsed_ms", (long long)(mono_ms() - r.t0));
	long long tmax = -1;
	for (size_t i = 0; i < r.n_timed; i++)
		tmax = r.took_ms[i] > tmax ? r.took_ms[i] : tmax;
	ev_set_int(ev, "attempt_ms_median", ll_median(r.took_ms, r.n_timed));
	ev_set_int(ev, "attempt_ms_max", tmax);
	free(r.took_ms);
	strlist_free(&realms);
	strlist_free(&r.done_users);
	credlist_free(&r.creds);
	credlist_free(&r.retry);
	pthread_mutex_destroy(&r.mu);
	return st;
}

const probe_kind_t probe_default_credentials = {
	.name = "default-credentials",
	.summary = "try universal and model-specific default credentials against a service",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
	.default_lists = default_lists,
};
