/*
 * The password-quality rules; see password_checks.h.  Derivation is judged
 * on a normalised form (lower case, without the ':-._ ' separators labels
 * and vendors sprinkle in), so "RD100-000123x" still contains the serial
 * RD100-000123 and "5E:10:00:AB" the MAC 02:00:5e:10:00:ab.
 */
#include "probes/password_checks.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

#define SEPS ":-._ "
/* Past 18 digits a long long overflows; such runs are not counters anyway. */
#define MAX_DIGITS 18
/* A number that matches a serial's step by chance is too likely below this. */
#define MIN_STEP_DIGITS 4
#define MIN_NAME 3		/* model, manufacturer and SSID parts */
#define MIN_SERIAL 4		/* serial, and its trailing digit run */

const char *
pw_issue_str(pw_issue_t i)
{
	static const char *const names[PW__N] = {
		[PW_COMMON_LIST] = "common-list",
		[PW_TOO_SHORT] = "too-short",
		[PW_DERIVED_MAC] = "derived-mac",
		[PW_DERIVED_SERIAL] = "derived-serial",
		[PW_DERIVED_MODEL] = "derived-model",
		[PW_DERIVED_SSID] = "derived-ssid",
		[PW_DERIVED_MANUFACTURER] = "derived-manufacturer",
		[PW_SHARED] = "shared",
		[PW_COUNTER] = "counter",
	};
	return (unsigned)i < PW__N ? names[i] : "?";
}

void
pw_hits_free(pw_hits_t *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].why);
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static void add_hit(pw_hits_t *h, size_t sample, pw_issue_t issue, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* At most one hit per sample and issue: the first reason found is kept. */
static void
add_hit(pw_hits_t *h, size_t sample, pw_issue_t issue, const char *fmt, ...)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].sample == sample && h->v[i].issue == issue)
			return;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xrealloc(h->v, h->cap, sizeof(*h->v));
	}
	va_list ap;
	va_start(ap, fmt);
	h->v[h->n++] = (pw_hit_t){ sample, issue, xvasprintf(fmt, ap) };
	va_end(ap);
}

/* Lower case without separators; caller frees.  NULL in, NULL out. */
static char *
norm(const char *s)
{
	if (s == NULL)
		return NULL;
	char *o = xstrdup(s), *w = o;
	for (const char *p = s; *p; p++)
		if (!strchr(SEPS, *p))
			*w++ = (char)tolower((unsigned char)*p);
	*w = '\0';
	return o;
}

static char *
reversed(const char *s)
{
	size_t n = strlen(s);
	char *r = xcalloc(n + 1, 1);
	for (size_t i = 0; i < n; i++)
		r[i] = s[n - 1 - i];
	return r;
}

/* The first or last separator-delimited part of `s`, lower-cased; caller frees. */
static char *
part(const char *s, bool last)
{
	size_t n = strlen(s), a = 0, b = n;
	if (last) {
		while (b > 0 && strchr(SEPS, s[b - 1]))
			b--;
		for (a = b; a > 0 && !strchr(SEPS, s[a - 1]); a--)
			;
	} else {
		while (a < n && strchr(SEPS, s[a]))
			a++;
		b = a + strcspn(s + a, SEPS);
	}
	char *p = xstrndup(s + a, b - a);
	for (char *c = p; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return p;
}

/* The run of digits `s` ends with (possibly empty); caller frees. */
static char *
trailing_digits(const char *s)
{
	size_t n = strlen(s), a = n;
	while (a > 0 && isdigit((unsigned char)s[a - 1]))
		a--;
	return xstrdup(s + a);
}

/* A public value and how a sentence names it. */
typedef struct tok {
	char *s;		/* normalised, owned */
	const char *what;
} tok_t;

typedef struct toks {
	tok_t v[12];
	size_t n;
} toks_t;

/* Takes `s`; drops it when shorter than `min`. */
static void
tok_add(toks_t *t, char *s, size_t min, const char *what)
{
	if (s == NULL || strlen(s) < min || t->n == ARRAY_LEN(t->v)) {
		free(s);
		return;
	}
	t->v[t->n++] = (tok_t){ s, what };
}

static void
toks_free(toks_t *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	t->n = 0;
}

/* How `npw` (normalised) uses one of the tokens, or NULL. */
static const char *
uses(const char *npw, const toks_t *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (strstr(npw, t->v[i].s))
			return t->v[i].what;
	return NULL;
}

static void
mac_toks(toks_t *t, const char *mac)
{
	char *m = norm(mac);
	if (m == NULL || strlen(m) != 12) {
		free(m);
		return;
	}
	/* Longest first, so the sentence names the most telling form. */
	tok_add(t, xstrdup(m), 12, "the MAC address");
	tok_add(t, reversed(m), 12, "the MAC address reversed");
	tok_add(t, xstrdup(m + 4), 8, "the last 8 hex digits of the MAC address");
	tok_add(t, reversed(m + 4), 8, "the last 8 hex digits of the MAC address reversed");
	tok_add(t, xstrdup(m + 6), 6, "the last 6 hex digits of the MAC address");
	tok_add(t, reversed(m + 6), 6, "the last 6 hex digits of the MAC address reversed");
	free(m);
}

static void
serial_toks(toks_t *t, const char *serial)
{
	if (serial == NULL)
		return;
	char *n = norm(serial), *d = trailing_digits(serial);
	const char *nz = d + strspn(d, "0");
	tok_add(t, xstrdup(n), MIN_SERIAL, "the serial number");
	tok_add(t, reversed(n), MIN_SERIAL, "the serial number reversed");
	tok_add(t, xstrdup(d), MIN_SERIAL, "the serial number's trailing digits");
	tok_add(t, reversed(d), MIN_SERIAL, "the serial number's trailing digits reversed");
	tok_add(t, xstrdup(nz), MIN_SERIAL, "the serial number's trailing digits");
	free(n);
	free(d);
}

/* The public values behind one derived-* issue, for one sample. */
static void
public_toks(pw_issue_t issue, const pw_sample_t *s, const pw_policy_t *p, toks_t *t)
{
	switch (issue) {
	case PW_DERIVED_MAC:
		mac_toks(t, s->mac);
		break;
	case PW_DERIVED_SERIAL:
		serial_toks(t, s->serial);
		break;
	case PW_DERIVED_MODEL:
		tok_add(t, norm(p->model), MIN_NAME, "the model name");
		break;
	case PW_DERIVED_SSID:
		if (s->ssid == NULL)
			break;
		tok_add(t, norm(s->ssid), MIN_NAME, "the Wi-Fi network name (SSID)");
		/* "RefDev-5E10AB": the part after the brand is the unit's own. */
		tok_add(t, part(s->ssid, true), MIN_SERIAL, "the last part of the SSID");
		break;
	case PW_DERIVED_MANUFACTURER:
		if (p->manufacturer == NULL)
			break;
		tok_add(t, norm(p->manufacturer), MIN_NAME, "the manufacturer's name");
		/* "RefDev Ltd": the brand alone. */
		tok_add(t, part(p->manufacturer, false), MIN_NAME, "the manufacturer's name");
		break;
	default:
		break;
	}
}

/* Per-sample rules: list, length, public information. */
static void
check_one(const pw_sample_t *s, size_t i, const pw_policy_t *p, pw_hits_t *out)
{
	const char *pw = s->password;
	if (p->common && pwset_has(p->common, pw))
		add_hit(out, i, PW_COMMON_LIST, "is in a list of common passwords");
	size_t chars = 0;
	for (const char *c = pw; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (chars < p->min_length)
		add_hit(out, i, PW_TOO_SHORT, "has %zu characters, fewer than %zu", chars,
		    p->min_length);

	char *npw = norm(pw);
	for (int k = PW_DERIVED_MAC; k <= PW_DERIVED_MANUFACTURER; k++) {
		toks_t t = { 0 };
		public_toks((pw_issue_t)k, s, p, &t);
		const char *how = uses(npw, &t);
		if (how)
			add_hit(out, i, (pw_issue_t)k, "contains %s", how);
		toks_free(&t);
	}
	free(npw);
}

/* The last run of digits in a string: where it starts, how long, its value. */
typedef struct num {
	bool ok;
	size_t at, len;
	long long val;
} num_t;

static num_t
last_number(const char *s)
{
	num_t r = { 0 };
	size_t e = strlen(s);
	while (e > 0 && !isdigit((unsigned char)s[e - 1]))
		e--;
	size_t a = e;
	while (a > 0 && isdigit((unsigned char)s[a - 1]))
		a--;
	if (e == a || e - a > MAX_DIGITS)
		return r;
	r = (num_t){ true, a, e - a, strtoll(s + a, NULL, 10) };
	return r;
}

/* Same text around the number, numbers a small non-zero step apart. */
static bool
counter_pair(const char *a, const char *b, long long window)
{
	num_t x = last_number(a), y = last_number(b);
	if (!x.ok || !y.ok || x.at != y.at || strncasecmp(a, b, x.at) != 0 ||
	    strcasecmp(a + x.at + x.len, b + y.at + y.len) != 0)
		return false;
	long long d = x.val > y.val ? x.val - y.val : y.val - x.val;
	return d > 0 && d <= window;
}

/* The number the serial ends with, when it has one. */
static num_t
serial_number(const char *serial)
{
	num_t r = { 0 };
	if (serial == NULL)
		return r;
	r = last_number(serial);
	if (r.ok && r.at + r.len != strlen(serial))
		r.ok = false;
	return r;
}

/*
 * The password's number minus the serial's is the same on two units with
 * different serials: the password is computed from the serial counter.
 */
static bool
serial_step_pair(const pw_sample_t *a, const pw_sample_t *b)
{
	num_t sa = serial_number(a->serial), sb = serial_number(b->serial);
	num_t pa = last_number(a->password), pb = last_number(b->password);
	if (!sa.ok || !sb.ok || !pa.ok || !pb.ok || sa.val == sb.val ||
	    pa.len < MIN_STEP_DIGITS || pb.len < MIN_STEP_DIGITS)
		return false;
	return pa.val - sa.val == pb.val - sb.val;
}

typedef enum pair_rule { R_SHARED, R_COUNTER, R_STEP, R__N } pair_rule_t;

/* Rules comparing two units: which issue each gives and its sentence. */
static const struct {
	pw_issue_t issue;
	const char *why;
} pair_rules[R__N] = {
	[R_SHARED] = { PW_SHARED, "is the same as the password of" },
	[R_COUNTER] = { PW_COUNTER, "differs only by a counter from the password of" },
	[R_STEP] = { PW_DERIVED_SERIAL, "has a number moving in step with the serial "
	    "number, as does the password of" },
};

static bool
pair_holds(pair_rule_t r, const pw_sample_t *a, const pw_sample_t *b, long long window)
{
	switch (r) {
	case R_SHARED: return strcmp(a->password, b->password) == 0;
	case R_COUNTER: return counter_pair(a->password, b->password, window);
	case R_STEP: return serial_step_pair(a, b);
	default: return false;
	}
}

/* Cross-unit rules: sample i against every other, naming the others. */
static void
check_pairs(const pw_sample_t *s, size_t n, size_t i, const pw_policy_t *p,
    pw_hits_t *out)
{
	for (int r = 0; r < R__N; r++) {
		buf_t others;
		buf_init(&others, 512);
		for (size_t j = 0; j < n; j++)
			if (j != i && s[j].password && pair_holds((pair_rule_t)r, &s[i], &s[j], p->counter_window))
				buf_printf(&others, "%s%s", others.len ? ", " : "", s[j].label);
		if (others.len)
			add_hit(out, i, pair_rules[r].issue, "%s %s%s", pair_rules[r].why,
			    others.data, others.truncated ? ", ..." : "");
		buf_free(&others);
	}
}

static int
hit_cmp(const void *a, const void *b)
{
	const pw_hit_t *x = a, *y = b;
	if (x->sample != y->sample)
		return x->sample < y->sample ? -1 : 1;
	return (int)x->issue - (int)y->issue;
}

void
pw_check(const pw_sample_t *samples, size_t n, const pw_policy_t *p, pw_hits_t *out)
{
	size_t first = out->n;
	for (size_t i = 0; i < n; i++) {
		if (samples[i].password == NULL)
			continue;
		check_one(&samples[i], i, p, out);
		check_pairs(samples, n, i, p, out);
	}
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v), hit_cmp);
}
