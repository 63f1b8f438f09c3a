/*
 * Pacing and evidence merging for the login-attempt probes; see attempts.h.
 */
#include "probes/attempts.h"

#include <time.h>

#include "core/util.h"

bool
attempt_over(const probe_ctx_t *ctx)
{
	return mono_ms() >= ctx->deadline_ms || (ctx->cancel && *ctx->cancel);
}

bool
attempt_pace(const probe_ctx_t *ctx, uint64_t t0, long long n, long long rate)
{
	if (rate <= 0)
		return !attempt_over(ctx);
	uint64_t due = t0 + (uint64_t)(n * 1000 / rate);
	while (mono_ms() < due) {
		if (attempt_over(ctx))
			return false;
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return !attempt_over(ctx);
}

void
attempt_merge_io(evidence_t *dst, const evidence_t *src)
{
	for (size_t i = 0; i < src->n_flows; i++)
		ev_add_flow(dst, &src->flows[i]);
	if (src->transcript_len)
		ev_transcript(dst, "--", src->transcript, src->transcript_len);
}

bool
attempt_form_target(const probe_ctx_t *ctx, auth_target_t *t)
{
	const char *fa = step_str(ctx, "form-action");
	if (fa == NULL || *fa == '\0')
		return false;
	t->form_action = fa;
	t->form_user_field = step_str(ctx, "form-user-field");
	t->form_pass_field = step_str(ctx, "form-pass-field");
	t->form_success = step_str(ctx, "form-success");
	t->form_failure = step_str(ctx, "form-failure");
	return true;
}
