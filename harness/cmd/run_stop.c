/*
 * SIGINT, SIGTERM and --max-time for `iotcert run` (see run_stop.h).
 */
#include "cmd/run_stop.h"
#include "cmd/cmd.h"
#include "core/util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const phase_names[] = {
	"setup", "discovery", "cases", "observe", "capture-analysis", "evidence",
};
static const char *const phase_text[] = {
	"set-up", "discovery", "the test cases", "--observe", "the capture analysis",
	"the evidence collection",
};

static const char *
sig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

static void
request_stop(run_stop_t *s, int sig)
{
	atomic_store(&s->at_ms, wall_ms());
	atomic_store(&s->at_phase, atomic_load(&s->phase));
	atomic_store(&s->sig, sig);
	s->cancel = 1;		/* last: whoever sees it finds the cause set */
	if (sig == STOP_DEADLINE)
		fprintf(stderr, "\niotcert: --max-time %u s reached: stopping; completed "
		    "results are kept\n", s->max_time_s);
	else
		fprintf(stderr, "\niotcert: %s: stopping; completed results are kept "
		    "(again to exit at once, without a report)\n", sig_name(sig));
}

/* A second signal is the user insisting: exit at once. */
static void *
signal_thread(void *arg)
{
	run_stop_t *s = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);	/* sent by run_stop_end */
	for (;;) {
		int sig = 0;
		if (s->deadline_ms && !s->cancel) {
			uint64_t now = mono_ms();
			if (now >= s->deadline_ms) {
				request_stop(s, STOP_DEADLINE);
				continue;
			}
			uint64_t left = s->deadline_ms - now;
			struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
			sig = sigtimedwait(&set, NULL, &ts);
			if (sig < 0)
				continue;	/* EAGAIN: the deadline, seen above */
		} else if (sigwait(&set, &sig) != 0) {
			break;
		}
		if (sig == SIGUSR1)
			break;
		if (s->cancel) {
			fprintf(stderr, "iotcert: %s again: exiting without a report\n",
			    sig_name(sig));
			_exit(EXIT_RUN);
		}
		request_stop(s, sig);
	}
	return NULL;
}

void
run_stop_start(run_stop_t *s, unsigned max_time_s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* inherited by every worker */
	signal(SIGPIPE, SIG_IGN);
	s->max_time_s = max_time_s;
	if (max_time_s)
		s->deadline_ms = mono_ms() + (uint64_t)max_time_s * 1000;
	s->have_thread = pthread_create(&s->thread, NULL, signal_thread, s) == 0;
}

void
run_stop_end(run_stop_t *s)
{
	if (!s->have_thread)
		return;
	pthread_kill(s->thread, SIGUSR1);
	pthread_join(s->thread, NULL);
	s->have_thread = false;
}

bool
run_stop_early(run_stop_t *s)
{
	return s->cancel && atomic_load(&s->at_phase) < PH_EVIDENCE;
}

bool
run_stop_in_discovery(run_stop_t *s)
{
	return s->cancel && atomic_load(&s->at_phase) <= PH_DISCOVERY;
}

int64_t
run_stop_at(void *arg)
{
	run_stop_t *s = arg;
	return s->cancel ? atomic_load(&s->at_ms) : 0;
}

void
run_stop_record(run_stop_t *s, run_t *r, const char *outdir)
{
	int ph = atomic_load(&s->at_phase);
	if (ph < PH_SETUP || ph > PH_EVIDENCE)
		ph = PH_SETUP;
	bool deadline = atomic_load(&s->sig) == STOP_DEADLINE;
	char *what = deadline ? xasprintf("--max-time %u s reached", s->max_time_s)
	    : xstrdup(sig_name(atomic_load(&s->sig)));
	char *why = deadline
	    ? xasprintf("run stopped at its deadline (%s) before this case finished", what)
	    : xasprintf("run interrupted (%s) before this case finished", what);
	size_t cut = 0;
	for (size_t i = 0; i < r->n_results; i++) {
		case_result_t *res = &r->results[i];
		if (!res->interrupted)
			continue;
		free(res->reason);
		res->reason = xstrdup(why);
		cut++;
	}
	free(r->interrupted);
	if (outdir)
		r->interrupted = xasprintf("%s during %s: %zu of %zu instances finished, "
		    "%zu NOT_RUN; iotcert run --resume %s continues the run", what,
		    phase_text[ph], r->n_results - cut, r->n_results, cut, outdir);
	else
		r->interrupted = xasprintf("%s during %s", what, phase_text[ph]);
	free(r->stop_cause);
	r->stop_cause = xstrdup(deadline ? "deadline" : sig_name(atomic_load(&s->sig)));
	free(r->stop_phase);
	r->stop_phase = xstrdup(phase_names[ph]);
	r->stop_ms = atomic_load(&s->at_ms);
	free(what);
	free(why);
}
