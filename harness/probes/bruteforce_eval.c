/*
 * Figures and judgement of a brute-force measurement (see
 * bruteforce_eval.h).  Rates are counted over answered rejections only: an
 * attempt that timed out tells nothing about how fast the device lets an
 * attacker guess.  The "late" rate starts where the scheme says prevention
 * must have engaged, so a device that slows down or locks after ten
 * failures is judged on what it does after them.
 */
#include "probes/bruteforce_eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Answer times of the rejections, in completion order; caller frees. */
static long long *
delays(const bf_attempt_t *a, size_t n, size_t *nd)
{
	long long *d = xcalloc(n ? n : 1, sizeof(*d));
	*nd = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i].result == AUTH_REJECTED)
			d[(*nd)++] = (long long)(a[i].end_ms - a[i].start_ms);
	return d;
}

static void
delay_figures(const bf_attempt_t *a, size_t n, bf_figures_t *f)
{
	size_t nd;
	long long *d = delays(a, n, &nd), tmp[3];
	size_t k = nd < 3 ? nd : 3;
	memcpy(tmp, d, k * sizeof(*d));
	f->first_delay_ms = ll_median(tmp, k);
	memcpy(tmp, d + nd - k, k * sizeof(*d));
	f->last_delay_ms = ll_median(tmp, k);
	f->median_delay_ms = ll_median(d, nd);
	free(d);
}

/* Rejections a minute between `from_ms` and the last rejection. */
static long long
rate(const bf_attempt_t *a, size_t from, size_t n, uint64_t from_ms, long long *count)
{
	uint64_t last = from_ms;
	*count = 0;
	for (size_t i = from; i < n; i++)
		if (a[i].result == AUTH_REJECTED) {
			(*count)++;
			if (a[i].end_ms > last)
				last = a[i].end_ms;
		}
	uint64_t span = last > from_ms ? last - from_ms : 1;
	return *count * 60000 / (long long)span;
}

/*
 * A lockout must engage in time and last long enough: guessing through
 * lockout cycles (N failures, wait, N more) must stay within the rate.  A
 * lockout not seen to end counts as lasting the whole watch.
 */
static void
lockout_verdict(bf_figures_t *f, const bf_limits_t *lim)
{
	char len[64] = "";
	long long cycle_per_min = -1;
	if (f->lockout_ms > 0) {
		cycle_per_min = f->lockout_after * 60000 / f->lockout_ms;
		snprintf(len, sizeof(len), " for %s%lld s", f->lockout_ended ? "" : "over ",
		    (f->lockout_ms + 500) / 1000);
	}
	if (f->lockout_after > lim->free_attempts) {
		f->resistant = false;
		snprintf(f->assessment, sizeof(f->assessment), "locked only after %lld failures%s "
		    "(prevention must engage within %lld)", f->lockout_after, len,
		    lim->free_attempts);
	} else if (cycle_per_min > lim->per_minute) {
		f->resistant = false;
		snprintf(f->assessment, sizeof(f->assessment), "locked after %lld failures, but "
		    "only%s: guessing through lockouts gets %lld wrong guesses a minute (at most "
		    "%lld allowed)", f->lockout_after, len, cycle_per_min, lim->per_minute);
	} else {
		f->resistant = true;
		snprintf(f->assessment, sizeof(f->assessment), "locked after %lld failures%s "
		    "(prevention must engage within %lld)", f->lockout_after,
		    len[0] ? len : " (duration not measured)", lim->free_attempts);
	}
}

void
bf_measure(const bf_attempt_t *a, size_t n, const bf_limits_t *lim, bf_figures_t *f)
{
	f->attempts = (long long)n;
	f->rejected = f->inconclusive = 0;
	f->lockout_after = -1;
	for (size_t i = 0; i < n; i++) {
		if (a[i].result == AUTH_LOCKED)
			f->locked = true;
		else if (a[i].result == AUTH_REJECTED)
			f->rejected++;
		else
			f->inconclusive++;
	}
	/* The series stops at the first lockout answer, so every refusal in it
	 * was counted by the device before it locked, including attempts still
	 * in flight that finished after the lockout answer did. */
	if (f->locked && !f->silent_lockout)
		f->lockout_after = f->rejected;
	if (f->silent_lockout)
		f->locked = true;
	delay_figures(a, n, f);
	long long cnt;
	uint64_t t0 = n ? a[0].start_ms : 0;
	f->per_minute = f->rejected ? rate(a, 0, n, t0, &cnt) : 0;
	/* The late window opens when the free attempts have been answered. */
	size_t from = (size_t)(lim->free_attempts < (long long)n ? lim->free_attempts : (long long)n);
	uint64_t w0 = from ? a[from - 1].end_ms : t0;
	long long late = rate(a, from, n, w0, &cnt);
	f->late_per_minute = cnt >= 3 ? late : -1;
	f->rate_capped = lim->rate_cap > 0 && f->late_per_minute >= 0 &&
	    f->late_per_minute * 10 >= lim->rate_cap * 60 * 9;
	f->decided = true;
	if (f->locked && f->lockout_after >= 0) {
		lockout_verdict(f, lim);
	} else if (f->silent_lockout) {
		f->resistant = true;
		char len[48] = "";
		if (f->lockout_ms > 0)
			snprintf(len, sizeof(len), ", for %s%lld s", f->lockout_ended ? "" : "over ",
			    (f->lockout_ms + 500) / 1000);
		snprintf(f->assessment, sizeof(f->assessment), "the right password was refused "
		    "after %lld wrong ones: a lockout engaged without saying so%s", f->rejected, len);
	} else if (f->late_per_minute < 0) {
		f->decided = false;
		f->resistant = false;
		snprintf(f->assessment, sizeof(f->assessment), "too few answered attempts after "
		    "the first %lld to judge (%lld answered, %lld undecided)", lim->free_attempts,
		    f->rejected, f->inconclusive);
	} else if (f->late_per_minute <= lim->per_minute) {
		f->resistant = true;
		snprintf(f->assessment, sizeof(f->assessment), "no lockout, but wrong guesses are "
		    "slowed to %lld a minute (at most %lld allowed)", f->late_per_minute,
		    lim->per_minute);
	} else {
		f->resistant = false;
		snprintf(f->assessment, sizeof(f->assessment), "%lld wrong passwords answered, "
		    "%s%lld a minute with no lockout (at most %lld a minute allowed after %lld "
		    "failures)", f->rejected, f->rate_capped ? "at least " : "", f->late_per_minute,
		    lim->per_minute, lim->free_attempts);
	}
}

void
bf_describe_decl(const dut_bruteforce_t *d, char *buf, size_t len)
{
	char a[48] = "", b[48] = "";
	switch (d->mechanism) {
	case BF_NONE:
		snprintf(buf, len, "no prevention");
		return;
	case BF_LOCKOUT:
		if (d->attempts)
			snprintf(a, sizeof(a), " after %d failures", d->attempts);
		if (d->duration_ms)
			snprintf(b, sizeof(b), " for %u s", d->duration_ms / 1000);
		break;
	case BF_DELAY:
		if (d->delay_ms)
			snprintf(a, sizeof(a), " of %u ms", d->delay_ms);
		break;
	case BF_RATE_LIMIT:
		if (d->per_minute)
			snprintf(a, sizeof(a), " to %d a minute", d->per_minute);
		break;
	}
	snprintf(buf, len, "%s%s%s", bf_mech_str(d->mechanism), a, b);
}

static void
mismatch(strlist_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
mismatch(strlist_t *out, const char *fmt, ...)
{
	char buf[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strlist_push(out, buf);
}

static void
compare_lockout(const bf_figures_t *f, const dut_bruteforce_t *d, const bf_limits_t *lim,
    unsigned watch_ms, strlist_t *out)
{
	if (!f->locked) {
		mismatch(out, "declared a lockout%s, but %lld wrong passwords were answered "
		    "without one", d->attempts ? " after so many failures" : "", f->rejected);
		return;
	}
	/* Exact: every refusal before the lockout answer was counted (see
	 * bf_measure), however many attempts were in flight. */
	if (d->attempts && f->lockout_after >= 0 && f->lockout_after != d->attempts)
		mismatch(out, "declared a lockout after %d failures, observed after %lld",
		    d->attempts, f->lockout_after);
	if (d->duration_ms == 0 || (f->lockout_ms < 0 && d->duration_ms > watch_ms))
		return;
	if (!f->lockout_ended) {
		if (d->duration_ms < watch_ms)
			mismatch(out, "declared a lockout of %u s, still locked after %u s",
			    d->duration_ms / 1000, watch_ms / 1000);
		return;
	}
	/* Polling measures to within its interval; allow that and a tenth. */
	long long tol = (long long)d->duration_ms / 10 + 3000;
	if (f->lockout_ms > (long long)d->duration_ms + tol ||
	    f->lockout_ms < (long long)d->duration_ms - tol)
		mismatch(out, "declared a lockout of %u s, observed %lld s", d->duration_ms / 1000,
		    (f->lockout_ms + 500) / 1000);
}

void
bf_compare(const bf_figures_t *f, const dut_bruteforce_t *decl, const bf_limits_t *lim,
    unsigned watch_ms, strlist_t *out)
{
	if (decl == NULL)
		return;
	switch (decl->mechanism) {
	case BF_NONE:
		if (f->resistant && f->decided)
			mismatch(out, "declared no prevention, but observed: %s", f->assessment);
		break;
	case BF_LOCKOUT:
		compare_lockout(f, decl, lim, watch_ms, out);
		break;
	case BF_DELAY: {
		long long want = decl->delay_ms ? (long long)decl->delay_ms * 8 / 10 : 1000;
		if (f->median_delay_ms < want && f->last_delay_ms < want)
			mismatch(out, "declared a delay%s, but failures were answered in %lld ms "
			    "(median)", decl->delay_ms ? " of so many ms" : "", f->median_delay_ms);
		break;
	}
	case BF_RATE_LIMIT:
		if (f->locked)
			break;	/* a rate limiter refusing us is the limit working */
		if (f->late_per_minute >= 0 && decl->per_minute &&
		    f->late_per_minute > decl->per_minute + decl->per_minute / 5 + 1)
			mismatch(out, "declared a limit of %d attempts a minute, observed %lld",
			    decl->per_minute, f->late_per_minute);
		else if (decl->per_minute == 0 && f->late_per_minute > lim->per_minute)
			mismatch(out, "declared a rate limit, observed %lld wrong guesses a minute",
			    f->late_per_minute);
		break;
	}
}
