/*
 * The web login lockout (--lockout N:SECONDS), so the harness's brute-force
 * measurement (EN 303 645 5.1-5) has a device that does the right thing to
 * be tested against: after N failed logins in a row every login, right or
 * wrong, is refused with 429 for the lockout period.  One counter for the
 * device, not per client: an attacker changing address gains nothing.
 */
#include "core/util.h"
#include "refdev.h"

uint64_t
refdev_lockout_left(refdev_t *rd)
{
	if (rd->cfg.lockout_attempts <= 0)
		return 0;
	uint64_t now = mono_ms(), left = 0;
	pthread_mutex_lock(&rd->lock);
	if (rd->locked_until_ms > now)
		left = rd->locked_until_ms - now;
	pthread_mutex_unlock(&rd->lock);
	return left;
}

void
refdev_login_result(refdev_t *rd, bool ok)
{
	if (rd->cfg.lockout_attempts <= 0)
		return;
	pthread_mutex_lock(&rd->lock);
	if (ok) {
		rd->auth_failures = 0;
	} else if (++rd->auth_failures >= rd->cfg.lockout_attempts) {
		rd->auth_failures = 0;
		rd->locked_until_ms = mono_ms() + (uint64_t)rd->cfg.lockout_ms;
	}
	pthread_mutex_unlock(&rd->lock);
}
