/*
 * Brute-force resistance (EN 303 645 5.1-5, TS 103 701 5.1-5-2): the pure
 * part.  From the timed outcomes of a series of wrong login attempts it
 * works out the figures a lab reports (wrong guesses a minute, added delays,
 * after how many failures a lockout engaged) and judges them against the
 * scheme's thresholds and the DUT profile's declared prevention.  No I/O,
 * so every rule is unit-tested on made-up series.
 */
#ifndef IOTCERT_PROBES_BRUTEFORCE_EVAL_H
#define IOTCERT_PROBES_BRUTEFORCE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/model.h"
#include "core/util.h"

typedef struct bf_attempt {
	uint64_t start_ms, end_ms;	/* since the measurement began */
	auth_result_t result;
} bf_attempt_t;

typedef struct bf_limits {
	long long free_attempts;	/* scheme: prevention engages within this many failures */
	long long per_minute;		/* scheme: wrong guesses a minute allowed once engaged */
	long long rate_cap;		/* the harness's own cap, attempts a second (0: none) */
	int parallel;			/* attempts in flight at once */
} bf_limits_t;

typedef struct bf_figures {
	long long attempts, rejected, inconclusive;
	bool locked;			/* an explicit refusal (429, "locked", ...) or a silent one */
	bool silent_lockout;		/* the right password was refused after the series */
	long long lockout_after;	/* failures before the lockout answered, -1: none / unknown */
	long long lockout_ms;		/* how long it lasted, -1: not measured */
	bool lockout_ended;		/* seen to end within the watch */
	long long per_minute;		/* wrong guesses answered a minute, whole series */
	long long late_per_minute;	/* ... after the first free_attempts, -1: too few */
	bool rate_capped;		/* late rate at the harness's cap: the device allows at least that */
	long long first_delay_ms, last_delay_ms, median_delay_ms; /* answer times of rejections */
	bool decided;			/* enough answers to judge */
	bool resistant;
	char assessment[320];		/* one sentence: what was seen and why it is (not) enough */
} bf_figures_t;

/*
 * Works out the figures from `n` attempts in completion order.  Leaves
 * silent_lockout, lockout_ms and lockout_ended as the caller set them (the
 * caller measures those after the series) but takes them into the verdict.
 */
void bf_measure(const bf_attempt_t *a, size_t n, const bf_limits_t *lim, bf_figures_t *f);

/* "lockout after 5 failures for 30 s", "no prevention", ... into buf. */
void bf_describe_decl(const dut_bruteforce_t *d, char *buf, size_t len);

/*
 * Every way the observed behaviour differs from the declaration (TS 103 701
 * 5.1-5-2: the observed prevention must match the IXIT), one sentence each,
 * appended to *out.  watch_ms is how long a lockout was watched for, so a
 * declared duration beyond it is not called a mismatch.
 */
void bf_compare(const bf_figures_t *f, const dut_bruteforce_t *decl, const bf_limits_t *lim,
    unsigned watch_ms, strlist_t *out);

#endif
