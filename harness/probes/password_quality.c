/*
 * password-quality: judges the pre-installed passwords the DUT profile
 * supplies as samples (its `password-samples:`, plus the tested unit's own
 * `kind: unique` credential) against EN 303 645 5.1-2 and UK PSTI Sch.1
 * §1(3): not on a common-password list, long enough, not derived from the
 * MAC, serial, model, SSID or manufacturer, not shared between units and not
 * following a counter (TS 103 701 5.1-2-2 compares two or more samples of a
 * model).  Sends nothing: the device is not contacted.
 *
 * The samples are secrets.  Findings, fields and reasons name the sample (its
 * serial, or "sample N") and the rule it breaks, never any part of a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/probe.h"
#include "core/util.h"
#include "probes/password_checks.h"
#include "probes/password_list.h"

static const param_spec_t params[] = {
	{ "lists", VT_LIST, NULL, true, "password list files, relative to the test case's directory: one password a line, or user:password lines as in credentials/universal.txt (default credentials/common-passwords.txt)" },
	{ "min-length", VT_INT, "8", true, "fewest characters a pre-installed password may have" },
	{ "counter-window", VT_INT, "1000", true, "largest difference between the trailing numbers of two units' otherwise equal passwords still taken as a counter" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "samples", VT_INT, "password samples judged (the profile's password-samples plus the tested unit's unique credential)" },
	{ "weak", VT_LIST, "what is wrong, as \"SAMPLE: ISSUE\" (RD100-000123: derived-serial), one item per sample and issue" },
	{ "checked", VT_BOOL, "at least one sample was judged" },
	{ NULL, 0, NULL },
};

static const char no_samples[] =
    "the DUT profile supplies no pre-installed password samples (password-samples:)";

/* The samples, labelled; labels are owned by `labels`. */
typedef struct samples {
	pw_sample_t *v;
	size_t n;
	strlist_t labels;
} samples_t;

static bool
has_serial(const samples_t *s, const char *serial)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].serial && strcmp(s->v[i].serial, serial) == 0)
			return true;
	return false;
}

static void
gather(const dut_t *d, samples_t *s)
{
	if (d == NULL)
		return;
	s->v = xcalloc(d->n_samples + 1, sizeof(*s->v));
	for (size_t i = 0; i < d->n_samples; i++) {
		const dut_sample_t *ds = &d->samples[i];
		char *label = ds->serial ? xstrdup(ds->serial) : xasprintf("sample %zu", i + 1);
		strlist_push_owned(&s->labels, label);
		s->v[s->n++] = (pw_sample_t){ label, ds->serial, ds->mac, ds->ssid, ds->password };
	}
	/* The tested unit is one more sample, unless it is listed already. */
	for (size_t i = 0; i < d->n_creds; i++) {
		const dut_cred_t *c = &d->creds[i];
		if (!c->unique || d->serial == NULL || has_serial(s, d->serial))
			continue;
		s->v[s->n++] = (pw_sample_t){ d->serial, d->serial, d->mac, NULL, c->password };
		break;
	}
}

static const char *const default_lists[] = { "credentials/common-passwords.txt", NULL };
extern const probe_kind_t probe_password_quality;

/* The `lists` into `set`, sorted; -1 with the first problem in `err`. */
static int
load_lists(const probe_ctx_t *ctx, pwset_t *set, char *err, size_t errlen)
{
	strlist_t paths = { 0 };
	step_list_paths(ctx->step, &probe_password_quality, &paths);
	diags_t d = { 0 };
	int rc = 0;
	for (size_t i = 0; i < paths.n && rc == 0; i++)
		rc = pwset_load(set, paths.v[i], &d);
	if (rc < 0 && d.n > 0)
		snprintf(err, errlen, "%s:%d: %s", d.v[0].file, d.v[0].line, d.v[0].msg);
	else if (rc < 0)
		snprintf(err, errlen, "cannot load");
	diags_free(&d);
	strlist_free(&paths);
	pwset_sort(set);
	return rc;
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	evidence_t *ev = ctx->ev;
	ev_set_int(ev, "samples", 0);
	ev_list_init(ev, "weak");
	ev_set_bool(ev, "checked", false);
	long long min_len = step_int(ctx, "min-length");
	long long window = step_int(ctx, "counter-window");
	if (min_len < 0 || window < 0)
		return probe_fail(ctx, PROBE_ERROR, "min-length and counter-window must not "
		    "be negative");

	samples_t s = { 0 };
	gather(ctx->dut, &s);
	probe_status_t st = PROBE_OK;
	pwset_t common = { 0 };
	pw_hits_t hits = { 0 };
	char err[512];
	if (s.n == 0) {
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", no_samples);
		goto out;
	}
	if (load_lists(ctx, &common, err, sizeof(err)) < 0) {
		st = probe_fail(ctx, PROBE_ERROR, "password list: %s", err);
		goto out;
	}
	const pw_policy_t pol = {
		.manufacturer = ctx->dut->manufacturer, .model = ctx->dut->model,
		.min_length = (size_t)min_len, .counter_window = window, .common = &common,
	};
	pw_check(s.v, s.n, &pol, &hits);
	for (size_t i = 0; i < hits.n; i++) {
		const pw_hit_t *h = &hits.v[i];
		const char *label = s.v[h->sample].label, *issue = pw_issue_str(h->issue);
		finding_t *f = ev_finding(ev, "weak-password", NULL, NULL, 0,
		    "the pre-installed password of %s %s", label, h->why);
		finding_attr(f, "sample", "%s", label);
		finding_attr(f, "issue", "%s", issue);
		char *item = xasprintf("%s: %s", label, issue);
		ev_list_push(ev, "weak", item);
		free(item);
	}
	ev_set_int(ev, "samples", (long long)s.n);
	ev_set_bool(ev, "checked", true);
out:
	pw_hits_free(&hits);
	pwset_free(&common);
	strlist_free(&s.labels);
	free(s.v);
	return st;
}

const probe_kind_t probe_password_quality = {
	.name = "password-quality",
	.summary = "judge the DUT profile's pre-installed password samples: common, short, derived from public identifiers, shared or counting",
	.scope = SCOPE_DEVICE,
	.params = params,
	.fields = fields,
	.run = run,
	.default_lists = default_lists,
};
