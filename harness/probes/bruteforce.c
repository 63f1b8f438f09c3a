/*
 * brute-force: measures how one authentication surface stands up to
 * password guessing (EN 303 645 5.1-5, TS 103 701 5.1-5-2).  It makes a
 * bounded series of wrong login attempts for one account at a bounded rate,
 * times every answer, watches a lockout until it ends (or the watch budget
 * runs out), and reports the figures with a judgement against the scheme's
 * thresholds and the DUT profile's declared prevention.  When the profile
 * states the account's real password, one right login after the series
 * tells a silent lockout from none, and the lockout watch uses it instead of
 * more wrong guesses.  The probe is disruptive: the runner gives it the
 * device to itself after every other case.
 */
#include "auth/auth.h"
#include "auth/outcome.h"
#include "core/probe.h"
#include "core/util.h"
#include "net/sock.h"
#include "probes/attempts.h"
#include "probes/bruteforce_eval.h"
#include "probes/credentials.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BF_MAX_ATTEMPTS 1000

static const param_spec_t params[] = {
	{ "attempts", VT_INT, "30", true, "wrong login attempts at most (1-1000)" },
	{ "rate", VT_INT, "20", true, "attempts a second at most; the highest rate the measurement can show" },
	{ "parallel", VT_INT, "4", true, "attempts in flight at once, as a guessing tool would (1-16)" },
	{ "attempt-timeout", VT_INT, "15000", true, "milliseconds one attempt may take" },
	{ "lockout-watch", VT_INT, "90000", true, "milliseconds to watch a lockout, to measure how long it lasts" },
	{ "lockout-poll", VT_INT, "2000", true, "milliseconds between checks while watching a lockout" },
	{ "user", VT_STR, "", true, "account to guess for (default: the DUT profile's account for the service, else admin)" },
	{ "path", VT_STR, "", true, "HTTP/RTSP: the protected path (default: the first realm found)" },
	ATTEMPT_FORM_PARAMS,
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "auth_surface", VT_BOOL, "a login that checks passwords was found" },
	{ "user", VT_STR, "the account guessed for" },
	{ "method", VT_STR, "how logins were tried (telnet-login, http-basic, ...)" },
	{ "attempts", VT_INT, "wrong login attempts made" },
	{ "rejected", VT_INT, "attempts answered with a refusal" },
	{ "inconclusive_attempts", VT_INT, "attempts with no usable answer" },
	{ "locked", VT_BOOL, "a lockout engaged (said so, refused the right password, or blocked connections)" },
	{ "blocked", VT_BOOL, "the lockout took the form of refusing connections (a firewall ban)" },
	{ "lockout_after", VT_INT, "failures before the lockout answered, -1 if none or unknown" },
	{ "lockout_ms", VT_INT, "how long the lockout lasted, -1 if not measured" },
	{ "lockout_ended", VT_BOOL, "the lockout was seen to end within the watch" },
	{ "right_password", VT_STR, "the right login after the series: accepted, refused, locked, untested" },
	{ "per_minute", VT_INT, "wrong guesses answered a minute over the series" },
	{ "late_per_minute", VT_INT, "wrong guesses answered a minute once prevention should have engaged, -1 if too few" },
	{ "rate_capped", VT_BOOL, "the late rate reached the harness's own cap: the device allows at least that" },
	{ "first_delay_ms", VT_INT, "answer time of the first refusals (median of 3)" },
	{ "last_delay_ms", VT_INT, "answer time of the last refusals (median of 3)" },
	{ "median_delay_ms", VT_INT, "median answer time of all refusals" },
	{ "threshold_free_attempts", VT_INT, "scheme: prevention engages within this many failures" },
	{ "threshold_per_minute", VT_INT, "scheme: wrong guesses a minute allowed once engaged" },
	{ "resistant", VT_BOOL, "the surface makes guessing impracticable by the scheme's thresholds" },
	{ "assessment", VT_STR, "what was seen, in one sentence" },
	{ "declaration", VT_STR, "the prevention the DUT profile declares, empty if none" },
	{ "declaration_mismatch", VT_LIST, "how the observed prevention differs from the declaration" },
	{ "elapsed_ms", VT_INT, "time the measurement took" },
	{ NULL, 0, NULL },
};

typedef struct series {
	probe_ctx_t *ctx;
	const authenticator_t *au;
	auth_target_t at;
	const char *user;
	pthread_mutex_t mu;
	bf_attempt_t *a;
	size_t n, max;
	long long started, rate;
	unsigned attempt_ms;
	uint64_t t0;
	int consecutive_undecided;
	long long answered;	/* refusals so far */
	bool stop, takes_anything, blocked;
	char method[32];
	char reason[256];
} series_t;

/*
 * One login; the attempt's own evidence is merged under the lock.  With the
 * DUT's real password (`secret`) only the flows are kept: the transcript
 * would carry the password into the report.
 */
static auth_result_t
login(series_t *s, const char *pass, bool secret, unsigned ms, auth_outcome_t *o)
{
	memset(o, 0, sizeof(*o));
	auth_target_t at = s->at;
	at.ev = evidence_new();
	s->au->try_login(&at, s->user, pass, deadline_min(mono_ms() + ms, s->ctx->deadline_ms), o);
	pthread_mutex_lock(&s->mu);
	if (secret)
		at.ev->transcript_len = 0;
	attempt_merge_io(s->ctx->ev, at.ev);
	if (o->method[0])
		snprintf(s->method, sizeof(s->method), "%s", o->method);
	pthread_mutex_unlock(&s->mu);
	evidence_free(at.ev);
	return o->result;
}

static void
note(series_t *s, auth_result_t r, const auth_outcome_t *o)
{
	switch (r) {
	case AUTH_LOCKED:
		s->stop = true;
		break;
	case AUTH_ACCEPTED:
	case AUTH_NOT_REQUIRED:	/* a made-up password let in: nothing to guess */
		s->takes_anything = true;
		s->stop = true;
		break;
	case AUTH_REJECTED:
		s->consecutive_undecided = 0;
		return;
	case AUTH_INCONCLUSIVE:
	case AUTH_ERROR:
		snprintf(s->reason, sizeof(s->reason), "%s", o->reason);
		/* A surface that stops answering sensibly is not hammered on. */
		if (++s->consecutive_undecided >= 3)
			s->stop = true;
		return;
	}
}

/*
 * A login that got no usable answer after others did: if the port no longer
 * even takes a connection, the device (or its firewall) has blocked us,
 * which is a lockout by other means.
 */
static bool
blocked_now(series_t *s)
{
	conn_t c;
	uint64_t dl = deadline_min(mono_ms() + 2000, s->ctx->deadline_ms);
	net_status_t st = conn_tcp(&c, s->ctx->svc->addr, s->ctx->svc->port, dl, s->ctx->cancel,
	    NULL);
	if (st == NET_OK)
		conn_close(&c);
	return st == NET_REFUSED || st == NET_TIMEOUT;
}

static void *
worker(void *arg)
{
	series_t *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		long long k = s->stop || s->started >= (long long)s->max ? -1 : s->started++;
		pthread_mutex_unlock(&s->mu);
		if (k < 0 || !attempt_pace(s->ctx, s->t0, k, s->rate))
			break;
		char hex[17], pass[40];
		if (auth_random_hex(hex, sizeof(hex), 8) < 0)
			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)k);
		snprintf(pass, sizeof(pass), "Bf%s-%lld", hex, k);
		uint64_t start = mono_ms();
		auth_outcome_t o;
		auth_result_t r = login(s, pass, false, s->attempt_ms, &o);
		pthread_mutex_lock(&s->mu);
		bool check = (r == AUTH_INCONCLUSIVE || r == AUTH_ERROR) && s->answered > 0;
		pthread_mutex_unlock(&s->mu);
		bool blk = check && blocked_now(s);
		if (blk)
			r = AUTH_LOCKED;
		pthread_mutex_lock(&s->mu);
		if (blk)
			s->blocked = true;
		if (r == AUTH_REJECTED)
			s->answered++;
		s->a[s->n++] = (bf_attempt_t){ start - s->t0, mono_ms() - s->t0, r };
		note(s, r, &o);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static void
run_series(series_t *s, long long parallel)
{
	pthread_t th[16];
	int started = 0;
	parallel = parallel < 1 ? 1 : parallel > 16 ? 16 : parallel;
	for (long long i = 0; i < parallel; i++)
		if (pthread_create(&th[started], NULL, worker, s) == 0)
			started++;
	if (started == 0)
		worker(s);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* The DUT profile's account for this service, and its real password when
 * the profile states the unit's own one (never a list default). */
static void
pick_account(const probe_ctx_t *ctx, const char **user, const char **pass)
{
	const char *u = step_str(ctx, "user");
	*user = u && *u ? u : NULL;
	*pass = NULL;
	for (size_t i = 0; ctx->dut && i < ctx->dut->n_creds; i++) {
		const dut_cred_t *c = &ctx->dut->creds[i];
		if (c->service && strcmp(c->service, ctx->svc->protocol) != 0)
			continue;
		if (*user == NULL)
			*user = c->user;
		if (c->unique && strcmp(c->user, *user) == 0) {
			*pass = c->password;
			break;
		}
	}
	if (*user == NULL)
		*user = "admin";
}

/*
 * Watches a lockout until one login is answered normally again: the right
 * password accepted, or (without it) a wrong one refused rather than
 * locked.  Precision is the poll interval.
 */
static void
watch_lockout(series_t *s, const char *right, uint64_t locked_at, bf_figures_t *f)
{
	unsigned watch = (unsigned)step_int(s->ctx, "lockout-watch");
	long long poll = step_int(s->ctx, "lockout-poll");
	uint64_t until = deadline_min(locked_at + watch, s->ctx->deadline_ms);
	f->lockout_ms = -1;
	f->lockout_ended = false;
	while (mono_ms() + (uint64_t)poll < until) {
		struct timespec ts = { poll / 1000, (poll % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		if (attempt_over(s->ctx))
			return;
		uint64_t at = mono_ms();
		auth_outcome_t o;
		char wrong[40], hex[17];
		if (right == NULL) {
			if (auth_random_hex(hex, sizeof(hex), 8) < 0)
				snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)at);
			snprintf(wrong, sizeof(wrong), "Bfw%s", hex);
		}
		auth_result_t r = login(s, right ? right : wrong, right != NULL, s->attempt_ms, &o);
		if ((right && r == AUTH_ACCEPTED) || (!right && r == AUTH_REJECTED)) {
			f->lockout_ended = true;
			f->lockout_ms = (long long)(at - locked_at);
			return;
		}
	}
}

static void
set_fields(evidence_t *ev, const bf_figures_t *f)
{
	ev_set_int(ev, "attempts", f->attempts);
	ev_set_int(ev, "rejected", f->rejected);
	ev_set_int(ev, "inconclusive_attempts", f->inconclusive);
	ev_set_bool(ev, "locked", f->locked);
	ev_set_int(ev, "lockout_after", f->lockout_after);
	ev_set_int(ev, "lockout_ms", f->lockout_ms);
	ev_set_bool(ev, "lockout_ended", f->lockout_ended);
	ev_set_int(ev, "per_minute", f->per_minute);
	ev_set_int(ev, "late_per_minute", f->late_per_minute);
	ev_set_bool(ev, "rate_capped", f->rate_capped);
	ev_set_int(ev, "first_delay_ms", f->first_delay_ms);
	ev_set_int(ev, "last_delay_ms", f->last_delay_ms);
	ev_set_int(ev, "median_delay_ms", f->median_delay_ms);
	ev_set_bool(ev, "resistant", f->resistant);
	ev_set_str(ev, "assessment", f->assessment);
}

static void
report(probe_ctx_t *ctx, const bf_figures_t *f, const char *decl, const strlist_t *mism)
{
	const service_t *sv = ctx->svc;
	if (!f->resistant && f->decided) {
		finding_t *x = ev_finding(ctx->ev, "brute-force", sv->transport, sv->protocol,
		    sv->port, "%s on %s/%d: %s", sv->protocol, sv->transport, sv->port,
		    f->assessment);
		finding_attr(x, "issue", "no-effective-prevention");
		finding_attr(x, "attempts", "%lld", f->attempts);
		finding_attr(x, "per-minute", "%lld", f->late_per_minute);
		finding_attr(x, "lockout-after", "%lld", f->lockout_after);
		finding_attr(x, "median-delay-ms", "%lld", f->median_delay_ms);
	}
	for (size_t i = 0; i < mism->n; i++) {
		finding_t *x = ev_finding(ctx->ev, "brute-force", sv->transport, sv->protocol,
		    sv->port, "%s on %s/%d differs from the DUT profile: %s", sv->protocol,
		    sv->transport, sv->port, mism->v[i]);
		finding_attr(x, "issue", "declaration-mismatch");
		finding_attr(x, "declared", "%s", decl);
	}
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const service_t *sv = ctx->svc;
	evidence_t *ev = ctx->ev;
	bf_limits_t lim = {
		.free_attempts = scheme_threshold(ctx->scheme, "brute-force-max-free-attempts", 10),
		.per_minute = scheme_threshold(ctx->scheme, "brute-force-max-per-minute", 10),
		.rate_cap = step_int(ctx, "rate"),
		.parallel = (int)step_int(ctx, "parallel"),
	};
	bf_figures_t f = { .lockout_after = -1, .lockout_ms = -1, .late_per_minute = -1,
	    .first_delay_ms = -1, .last_delay_ms = -1, .median_delay_ms = -1 };
	set_fields(ev, &f);
	ev_set_bool(ev, "auth_surface", false);
	ev_set_bool(ev, "blocked", false);
	ev_set_str(ev, "right_password", "untested");
	ev_set_int(ev, "threshold_free_attempts", lim.free_attempts);
	ev_set_int(ev, "threshold_per_minute", lim.per_minute);
	ev_list_init(ev, "declaration_mismatch");
	const dut_bruteforce_t *decl = dut_bruteforce_for(ctx->dut, sv->protocol);
	char decl_s[128] = "";
	if (decl)
		bf_describe_decl(decl, decl_s, sizeof(decl_s));
	ev_set_str(ev, "declaration", decl_s);

	long long max = step_int(ctx, "attempts");
	if (max < 1 || max > BF_MAX_ATTEMPTS || lim.parallel < 1 || lim.parallel > 16)
		return probe_fail(ctx, PROBE_ERROR, "attempts must be 1-%d and parallel 1-16",
		    BF_MAX_ATTEMPTS);
	const authenticator_t *au = auth_find(sv->protocol);
	if (au == NULL)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "no authenticator for %s services",
		    sv->protocol);
	series_t s = { .ctx = ctx, .au = au, .max = (size_t)max, .rate = lim.rate_cap,
	    .attempt_ms = (unsigned)step_int(ctx, "attempt-timeout") };
	s.a = xcalloc(s.max, sizeof(*s.a));
	pthread_mutex_init(&s.mu, NULL);
	s.at = (auth_target_t){ .svc = sv, .tls = ctx->tls, .cancel = ctx->cancel };
	const char *right;
	pick_account(ctx, &s.user, &right);
	ev_set_str(ev, "user", s.user);
	probe_status_t st = PROBE_OK;
	strlist_t realms = { 0 }, mism = { 0 };
	const char *path = step_str(ctx, "path");
	if (attempt_form_target(ctx, &s.at)) {
		/* the form's action is the login */
	} else if (path && *path) {
		s.at.path = path;
	} else if (strcmp(sv->protocol, "http") == 0 || strcmp(sv->protocol, "https") == 0) {
		char err[300];
		size_t tried, unread = cred_http_realms(ctx, &realms, &tried, err, sizeof(err));
		if (realms.n == 0 && unread > 0) {
			st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no login found, but %zu of the "
			    "%zu paths tried could not be read (%s)", unread, tried, err);
			goto out;
		}
		if (realms.n == 0) {
			ev_set_bool(ev, "resistant", true);
			ev_set_str(ev, "assessment", "no login found on this web service");
			goto out;
		}
		s.at.path = realms.v[0];
	}

	s.t0 = mono_ms();
	run_series(&s, lim.parallel);
	if (s.takes_anything) {
		ev_set_bool(ev, "resistant", true);
		ev_set_str(ev, "assessment", "a made-up password was let in: no password is "
		    "checked here, nothing to guess (see the anonymous-access case)");
		goto out;
	}
	ev_set_bool(ev, "auth_surface", true);
	uint64_t locked_at = 0;
	for (size_t i = 0; i < s.n && !locked_at; i++)
		if (s.a[i].result == AUTH_LOCKED)
			locked_at = s.t0 + s.a[i].end_ms;
	if (right && !locked_at && !attempt_over(ctx)) {
		auth_outcome_t o;
		auth_result_t r = login(&s, right, true, s.attempt_ms, &o);
		ev_set_str(ev, "right_password", r == AUTH_ACCEPTED ? "accepted"
		    : r == AUTH_REJECTED ? "refused" : r == AUTH_LOCKED ? "locked" : "undecided");
		if (r == AUTH_REJECTED || r == AUTH_LOCKED) {
			f.silent_lockout = r == AUTH_REJECTED;
			locked_at = mono_ms();
			if (r == AUTH_LOCKED)
				s.a[s.n < s.max ? s.n++ : s.n - 1] = (bf_attempt_t){ locked_at - s.t0,
				    locked_at - s.t0, AUTH_LOCKED };
		}
	}
	if (locked_at)
		watch_lockout(&s, right, locked_at, &f);
	bf_measure(s.a, s.n, &lim, &f);
	ev_set_bool(ev, "blocked", s.blocked);
	if (!f.decided && f.rejected == 0)
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "no attempt was answered: %s",
		    s.reason[0] ? s.reason : "no usable answer");
	else if (!f.decided)
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", f.assessment);
	bf_compare(&f, decl, &lim, (unsigned)step_int(ctx, "lockout-watch"), &mism);
	set_fields(ev, &f);
	for (size_t i = 0; i < mism.n; i++)
		ev_list_push(ev, "declaration_mismatch", mism.v[i]);
	report(ctx, &f, decl_s, &mism);
out:
	if (s.method[0])
		ev_set_str(ev, "method", s.method);
	ev_set_int(ev, "elapsed_ms", (long long)(mono_ms() - (s.t0 ? s.t0 : mono_ms())));
	strlist_free(&realms);
	strlist_free(&mism);
	free(s.a);
	pthread_mutex_destroy(&s.mu);
	return st;
}

const probe_kind_t probe_brute_force = {
	.name = "brute-force",
	.summary = "measure a login's resistance to password guessing (rate, delays, lockout)",
	.scope = SCOPE_SERVICE,
	.disruptive = true,
	.params = params,
	.fields = fields,
	.run = run,
};
