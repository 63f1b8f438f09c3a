/*
 * The pure half of the published-info probe (published_judge.h): reducing a
 * page to text, finding a contact, timescales and support dates in it, and
 * reading security.txt.  Matching works sentence by sentence, since "within
 * 7 days" means something only next to "acknowledge"; each sentence is
 * looked at through a window of at most SENT_MAX bytes so a page without
 * punctuation costs linear time, never quadratic.
 */
#include "probes/published_judge.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SENT_MAX 1024
#define LIST_MAX 16

/* ---------- small bounded helpers ---------- */

static bool
ci_has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return true;
	return false;
}

static void
snip_set(char *out, size_t cap, const char *s, size_t n)
{
	if (cap == 0)
		return;
	size_t o = 0;
	bool sp = false;
	size_t lim = cap - 1 < PJ_SNIPPET_MAX ? cap - 1 : PJ_SNIPPET_MAX;
	for (size_t i = 0; i < n && o < lim; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f) {
			sp = o > 0;
			continue;
		}
		if (sp && o + 1 < lim)
			out[o++] = ' ';
		sp = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* Calls fn on each sentence of text (at most SENT_MAX bytes of it) until fn
 * returns true. */
typedef bool (*sent_fn)(const char *s, size_t n, void *arg);

static bool
each_sentence(const char *text, sent_fn fn, void *arg)
{
	const char *p = text;
	while (*p) {
		size_t n = 0;
		while (p[n] && n < SENT_MAX) {
			char c = p[n];
			if (c == '\n' || c == '!' || c == '?' || c == ';')
				break;
			if (c == '.' && (p[n + 1] == '\0' || isspace((unsigned char)p[n + 1])))
				break;
			n++;
		}
		if (n > 0 && fn(p, n, arg))
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

/* ---------- page text ---------- */

static size_t
tag_name(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	if (i < n && p[i] == '/')
		out[o++] = '/', i++;
	while (i < n && o + 1 < cap && (isalnum(p[i]) || p[i] == '!'))
		out[o++] = (char)tolower(p[i++]);
	out[o] = '\0';
	return i;
}

static bool
block_tag(const char *t)
{
	static const char *const blocks[] = { "p", "br", "div", "li", "ul", "ol", "tr", "td",
		"h1", "h2", "h3", "h4", "h5", "h6", "title", "section", "article", "dd", "dt",
		"table", "pre", "hr", "header", "footer", "main", "address" };
	if (*t == '/')
		t++;
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcmp(t, blocks[i]) == 0)
			return true;
	return false;
}

static size_t entity(const unsigned char *p, size_t n, char *out);

/* The value of attribute `name` in tag bytes [p, p+n), into buf. */
static bool
tag_attr(const unsigned char *p, size_t n, const char *name, buf_t *out)
{
	size_t k = strlen(name);
	for (size_t i = 0; i + k + 1 < n; i++) {
		if ((i == 0 || isspace(p[i - 1])) && strncasecmp((const char *)p + i, name, k) == 0) {
			size_t j = i + k;
			while (j < n && isspace(p[j]))
				j++;
			if (j >= n || p[j] != '=')
				continue;
			j++;
			while (j < n && isspace(p[j]))
				j++;
			unsigned char q = j < n && (p[j] == '"' || p[j] == '\'') ? p[j++] : 0;
			size_t s = j;
			while (j < n && (q ? p[j] != q : !isspace(p[j]) && p[j] != '>'))
				j++;
			buf_append(out, " [", 2);
			for (size_t m = s; m < j && m - s < 512; m++) {
				char d;
				size_t used = p[m] == '&' ? entity(p + m + 1, j - m - 1, &d) : 0;
				if (used) {	/* obfuscated addresses: psirt&#64;vendor.example */
					buf_append(out, &d, 1);
					m += used;
				} else {
					buf_append(out, (p[m] < 0x20 || p[m] == 0x7f) ? " " :
					    (const char *)p + m, 1);
				}
			}
			buf_append(out, "] ", 2);
			return true;
		}
	}
	return false;
}

static size_t
find_ci(const unsigned char *p, size_t n, size_t from, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = from; i + k <= n; i++)
		if (strncasecmp((const char *)p + i, needle, k) == 0)
			return i;
	return n;
}

/* Decodes the entity at p (after '&'); returns bytes consumed, 0 if none. */
static size_t
entity(const unsigned char *p, size_t n, char *out)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' },
		{ "apos;", '\'' }, { "nbsp;", ' ' }, { "commat;", '@' }, { "period;", '.' },
	};
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		size_t k = strlen(ents[i].name);
		if (k <= n && strncmp((const char *)p, ents[i].name, k) == 0) {
			*out = ents[i].c;
			return k;
		}
	}
	if (n >= 3 && p[0] == '#') {
		size_t i = 1;
		unsigned long v = 0;
		bool hex = i < n && (p[i] == 'x' || p[i] == 'X');
		if (hex)
			i++;
		size_t start = i;
		while (i < n && i - start < 6 && (hex ? isxdigit(p[i]) : isdigit(p[i]))) {
			v = v * (hex ? 16 : 10) + (unsigned long)(isdigit(p[i]) ? p[i] - '0' :
			    tolower(p[i]) - 'a' + 10);
			i++;
		}
		if (i > start && i < n && p[i] == ';') {
			*out = v >= 0x20 && v < 0x7f ? (char)v : ' ';
			return i + 1;
		}
	}
	return 0;
}

char *
pj_text(const unsigned char *p, size_t n)
{
	buf_t b;
	buf_init(&b, PJ_TEXT_MAX);
	for (size_t i = 0; i < n && !b.truncated;) {
		unsigned char c = p[i];
		if (c == '<' && i + 1 < n && (isalpha(p[i + 1]) || p[i + 1] == '/' || p[i + 1] == '!')) {
			if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
				size_t e = find_ci(p, n, i + 4, "-->");
				i = e + 3 > n ? n : e + 3;
				continue;
			}
			char name[16];
			size_t nl = tag_name(p + i + 1, n - i - 1, name, sizeof(name));
			size_t end = i + 1 + nl;
			while (end < n && p[end] != '>')
				end++;
			const unsigned char *attrs = p + i + 1 + nl;
			size_t alen = end - (i + 1 + nl);
			if (!tag_attr(attrs, alen, "href", &b))
				(void)tag_attr(attrs, alen, "action", &b);
			if (block_tag(name))
				buf_append(&b, "\n", 1);
			else
				buf_append(&b, " ", 1);
			i = end < n ? end + 1 : n;
			if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
				size_t e = find_ci(p, n, i, strcmp(name, "script") == 0 ? "</script" : "</style");
				i = e;
			}
			continue;
		}
		if (c == '&') {
			char d;
			size_t k = entity(p + i + 1, n - i - 1, &d);
			if (k) {
				buf_append(&b, &d, 1);
				i += k + 1;
				continue;
			}
		}
		if (c == '\r' || c == '\n')
			buf_append(&b, "\n", 1);
		else if (c < 0x20 || c == 0x7f)
			buf_append(&b, " ", 1);
		else
			buf_append(&b, (const char *)&c, 1);
		i++;
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/* ---------- contact ---------- */

static bool
local_ch(char c)
{
	return isalnum((unsigned char)c) || strchr("._%+-", c) != NULL;
}

static bool
domain_ch(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* An e-mail address around the '@' at s[at]; its span in *from, *to. */
static bool
email_at(const char *s, size_t n, size_t at, size_t *from, size_t *to)
{
	size_t a = at;
	while (a > 0 && at - a < 64 && local_ch(s[a - 1]))
		a--;
	size_t e = at + 1;
	size_t lastdot = 0;
	while (e < n && e - at < 255 && domain_ch(s[e])) {
		if (s[e] == '.')
			lastdot = e;
		e++;
	}
	while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
		e--;
	if (a == at || lastdot == 0 || lastdot >= e || e - lastdot - 1 < 2 || lastdot <= at + 1)
		return false;
	for (size_t i = lastdot + 1; i < e; i++)
		if (!isalpha((unsigned char)s[i]))
			return false;
	*from = a;
	*to = e;
	return true;
}

static size_t
count_digits(const char *s, size_t n, size_t i, size_t *end)
{
	size_t d = 0;
	while (i < n && (isdigit((unsigned char)s[i]) || strchr(" -().", s[i]))) {
		if (isdigit((unsigned char)s[i]))
			d++;
		i++;
	}
	*end = i;
	return d;
}

typedef struct snipper {
	char *snip;
	size_t cap;
} snipper_t;

static bool
contact_sentence(const char *s, size_t n, void *arg)
{
	snipper_t *sn = arg;
	for (size_t i = 0; i < n; i++) {
		size_t a, e;
		if (s[i] == '@' && email_at(s, n, i, &a, &e)) {
			snip_set(sn->snip, sn->cap, s + a, e - a);
			return true;
		}
	}
	bool phone_word = ci_has(s, n, "phone") || ci_has(s, n, "tel:") || ci_has(s, n, "call ");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+' || (phone_word && isdigit((unsigned char)s[i]) &&
		    (i == 0 || !isalnum((unsigned char)s[i - 1])))) {
			size_t e;
			if (count_digits(s, n, s[i] == '+' ? i + 1 : i, &e) >= 8) {
				snip_set(sn->snip, sn->cap, s + i, e - i);
				return true;
			}
		}
	}
	if (ci_has(s, n, "contact") || ci_has(s, n, "report") || ci_has(s, n, "submit")) {
		for (size_t i = 0; i + 8 <= n; i++) {
			if (strncasecmp(s + i, "http://", 7) == 0 || strncasecmp(s + i, "https://", 8) == 0) {
				size_t e = i;
				while (e < n && !isspace((unsigned char)s[e]) && s[e] != ']')
					e++;
				snip_set(sn->snip, sn->cap, s + i, e - i);
				return true;
			}
		}
	}
	return false;
}

bool
pj_contact(const char *text, char *snip, size_t cap)
{
	snipper_t sn = { snip, cap };
	return each_sentence(text, contact_sentence, &sn);
}

/* ---------- timescales ---------- */

static const char *const num_words[] = { "one", "two", "three", "four", "five", "six",
	"seven", "eight", "nine", "ten", "eleven", "twelve", "fourteen", "fifteen", "twenty",
	"thirty", "a", "an" };

/* A word at s[i] (at a word start) that is a number: its end, else 0. */
static size_t
number_at(const char *s, size_t n, size_t i)
{
	if (i > 0 && isalnum((unsigned char)s[i - 1]))
		return 0;
	size_t e = i;
	while (e < n && e - i < 4 && isdigit((unsigned char)s[e]))
		e++;
	if (e > i)
		return e < n && isalpha((unsigned char)s[e]) && tolower((unsigned char)s[e]) != 'd' &&
		    tolower((unsigned char)s[e]) != 'h' && tolower((unsigned char)s[e]) != 'w' ? 0 : e;
	for (size_t k = 0; k < sizeof(num_words) / sizeof(num_words[0]); k++) {
		size_t l = strlen(num_words[k]);
		if (i + l < n && strncasecmp(s + i, num_words[k], l) == 0 &&
		    !isalpha((unsigned char)s[i + l]))
			return i + l;
	}
	return 0;
}

static bool
unit_at(const char *s, size_t n, size_t i)
{
	static const char *const units[] = { "hour", "day", "week", "month", "h ", "d ",
		"business day", "working day", "calendar day", "hrs" };
	while (i < n && (s[i] == ' ' || s[i] == '-'))
		i++;
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		size_t l = strlen(units[k]);
		if (i + l <= n && strncasecmp(s + i, units[k], l) == 0)
			return true;
	}
	return false;
}

/* A timescale in [s, s+n): "7 days", "48 hours", "one week", "monthly". */
static bool
timescale(const char *s, size_t n)
{
	static const char *const adverbs[] = { "daily", "weekly", "fortnightly", "monthly" };
	for (size_t k = 0; k < sizeof(adverbs) / sizeof(adverbs[0]); k++)
		if (ci_has(s, n, adverbs[k]))
			return true;
	for (size_t i = 0; i < n; i++) {
		size_t e = number_at(s, n, i);
		if (e && unit_at(s, n, e))
			return true;
	}
	return false;
}

static bool
any_of(const char *s, size_t n, const char *const *words, size_t nw)
{
	for (size_t k = 0; k < nw; k++)
		if (ci_has(s, n, words[k]))
			return true;
	return false;
}

static const char *const ack_words[] = { "acknowledg", "receipt", "respond to", "reply to",
	"confirm" };
static const char *const status_words[] = { "status", "progress", "keep you informed",
	"keep you updated", "update you", "updates on", "inform you", "informed" };

typedef struct kw_match {
	const char *const *words;
	size_t nw;
	snipper_t sn;
} kw_match_t;

static bool
kw_timescale_sentence(const char *s, size_t n, void *arg)
{
	kw_match_t *m = arg;
	if (!any_of(s, n, m->words, m->nw) || !timescale(s, n))
		return false;
	snip_set(m->sn.snip, m->sn.cap, s, n);
	return true;
}

bool
pj_ack_timeline(const char *text, char *snip, size_t cap)
{
	kw_match_t m = { ack_words, sizeof(ack_words) / sizeof(ack_words[0]), { snip, cap } };
	return each_sentence(text, kw_timescale_sentence, &m);
}

bool
pj_status_timeline(const char *text, char *snip, size_t cap)
{
	kw_match_t m = { status_words, sizeof(status_words) / sizeof(status_words[0]), { snip, cap } };
	return each_sentence(text, kw_timescale_sentence, &m);
}

/* ---------- dates ---------- */

static const char *const months[] = { "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december" };

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

static bool
date_ok(int y, int m, int d)
{
	return y >= 1990 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

/* A month name (full, or its first three letters with an optional '.') at s[i]. */
static int
month_at(const char *s, size_t n, size_t i, size_t *end)
{
	if (i > 0 && isalpha((unsigned char)s[i - 1]))
		return 0;
	for (int k = 0; k < 12; k++) {
		size_t l = strlen(months[k]);
		if (i + l <= n && strncasecmp(s + i, months[k], l) == 0 &&
		    (i + l == n || !isalpha((unsigned char)s[i + l]))) {
			*end = i + l;
			return k + 1;
		}
		if (i + 3 <= n && strncasecmp(s + i, months[k], 3) == 0 &&
		    (i + 3 == n || !isalpha((unsigned char)s[i + 3]))) {
			*end = i + 3 + (i + 3 < n && s[i + 3] == '.');
			return k + 1;
		}
	}
	return 0;
}

static int
digits(const char *s, size_t n, size_t i, size_t maxd, size_t *end)
{
	int v = 0;
	size_t e = i;
	while (e < n && e - i < maxd && isdigit((unsigned char)s[e]))
		v = v * 10 + (s[e++] - '0');
	if (e == i || (e < n && isdigit((unsigned char)s[e])))
		return -1;
	*end = e;
	return v;
}

static size_t
skip_sp(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
		i++;
	return i;
}

/* A date starting at s[i]; its end in *end. */
static bool
date_at(const char *s, size_t n, size_t i, pj_date_t *out, size_t *end)
{
	if (i > 0 && isalnum((unsigned char)s[i - 1]))
		return false;
	size_t e;
	if (isdigit((unsigned char)s[i])) {
		int a = digits(s, n, i, 4, &e);
		if (a < 0)
			return false;
		if (e - i == 4 && e + 6 <= n && s[e] == '-') {	/* YYYY-MM-DD */
			size_t e2, e3;
			int m = digits(s, n, e + 1, 2, &e2);
			if (m < 0 || e2 != e + 3 || e2 >= n || s[e2] != '-')
				return false;
			int d = digits(s, n, e2 + 1, 2, &e3);
			if (d < 0 || e3 != e2 + 3 || !date_ok(a, m, d))
				return false;
			*out = (pj_date_t){ a, m, d };
			*end = e3;
			return true;
		}
		if (e - i > 2)
			return false;
		size_t j = e;	/* D[st|nd|rd|th] [of] Month[,] YYYY */
		if (j + 2 <= n && isalpha((unsigned char)s[j]) && isalpha((unsigned char)s[j + 1]) &&
		    (j + 2 == n || !isalpha((unsigned char)s[j + 2])))
			j += 2;
		j = skip_sp(s, n, j);
		if (j + 3 <= n && strncasecmp(s + j, "of ", 3) == 0)
			j = skip_sp(s, n, j + 3);
		size_t me;
		int m = month_at(s, n, j, &me);
		if (!m)
			return false;
		size_t ye;
		int y = digits(s, n, skip_sp(s, n, me), 4, &ye);
		if (y < 0 || !date_ok(y, m, a))
			return false;
		*out = (pj_date_t){ y, m, a };
		*end = ye;
		return true;
	}
	size_t me;
	int m = month_at(s, n, i, &me);
	if (!m)
		return false;
	size_t j = skip_sp(s, n, me);
	int v = digits(s, n, j, 4, &e);
	if (v < 0)
		return false;
	if (e - j == 4) {				/* Month YYYY */
		if (!date_ok(v, m, 1))
			return false;
		*out = (pj_date_t){ v, m, 0 };
		*end = e;
		return true;
	}
	if (e - j > 2)
		return false;
	size_t k = e;					/* Month D[st], YYYY */
	if (k + 2 <= n && isalpha((unsigned char)s[k]) && isalpha((unsigned char)s[k + 1]))
		k += 2;
	size_t ye;
	int y = digits(s, n, skip_sp(s, n, k), 4, &ye);
	if (y < 0 || !date_ok(y, m, v))
		return false;
	*out = (pj_date_t){ y, m, v };
	*end = ye;
	return true;
}

int
pj_date_cmp(const pj_date_t *a, const pj_date_t *b)
{
	int ad = a->d ? a->d : days_in(a->y, a->m), bd = b->d ? b->d : days_in(b->y, b->m);
	long x = a->y * 10000L + a->m * 100L + ad, y = b->y * 10000L + b->m * 100L + bd;
	return x < y ? -1 : x > y;
}

bool
pj_parse_iso_date(const char *s, pj_date_t *out)
{
	size_t n = strlen(s), end;
	pj_date_t d;
	if (n != 10 || !isdigit((unsigned char)s[0]) || !date_at(s, n, 0, &d, &end) ||
	    end != n || d.d == 0)
		return false;
	*out = d;
	return true;
}

static const char *const support_words[] = { "support", "security update", "updates until",
	"until", "end of life", "end-of-life", "eol", "through", "patches" };
static const char *const not_support_words[] = { "last updated", "published", "revised",
	"effective", "posted", "copyright" };

typedef struct end_find {
	bool found;
	pj_date_t best;
	snipper_t sn;
} end_find_t;

static bool
support_sentence(const char *s, size_t n)
{
	return any_of(s, n, support_words, sizeof(support_words) / sizeof(support_words[0])) &&
	    !any_of(s, n, not_support_words, sizeof(not_support_words) / sizeof(not_support_words[0]));
}

static bool
end_sentence(const char *s, size_t n, void *arg)
{
	end_find_t *f = arg;
	if (!support_sentence(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		pj_date_t d;
		size_t e;
		if (date_at(s, n, i, &d, &e)) {
			if (!f->found || pj_date_cmp(&d, &f->best) > 0) {
				f->best = d;
				snip_set(f->sn.snip, f->sn.cap, s, n);
			}
			f->found = true;
			i = e;
		}
	}
	return false;	/* look at every sentence: the latest date wins */
}

bool
pj_support_end(const char *text, pj_date_t *out, char *iso, size_t isocap, char *snip, size_t cap)
{
	end_find_t f = { .sn = { snip, cap } };
	(void)each_sentence(text, end_sentence, &f);
	if (!f.found)
		return false;
	if (f.best.d == 0)
		f.best.d = days_in(f.best.y, f.best.m);
	*out = f.best;
	snprintf(iso, isocap, "%04d-%02d-%02d", f.best.y, f.best.m, f.best.d);
	return true;
}

static bool
period_sentence(const char *s, size_t n, void *arg)
{
	snipper_t *sn = arg;
	if (!support_sentence(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t e = number_at(s, n, i);
		if (e == 0)
			continue;
		size_t j = e;
		while (j < n && (s[j] == ' ' || s[j] == '-'))
			j++;
		if ((j + 4 <= n && strncasecmp(s + j, "year", 4) == 0) ||
		    (j + 5 <= n && strncasecmp(s + j, "month", 5) == 0)) {
			snip_set(sn->snip, sn->cap, s, n);
			return true;
		}
	}
	return false;
}

bool
pj_support_period(const char *text, char *snip, size_t cap)
{
	snipper_t sn = { snip, cap };
	return each_sentence(text, period_sentence, &sn);
}

bool
pj_mentions_date(const char *text, const pj_date_t *want)
{
	size_t n = strlen(text);
	for (size_t i = 0; i < n; i++) {
		pj_date_t d;
		size_t e;
		if (date_at(text, n, i, &d, &e)) {
			if (d.d == 0)
				d.d = days_in(d.y, d.m);
			if (pj_date_cmp(&d, want) == 0)
				return true;
			i = e;
		}
	}
	return false;
}

/* ---------- security.txt ---------- */

static int64_t
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* RFC 3339 date-time (as RFC 9116 requires for Expires) to epoch seconds. */
static bool
rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 ||
	    (s[10] != 'T' && s[10] != 't'))
		return false;
	int n2 = 0;
	if (sscanf(s + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n2) != 3 || n2 != 8)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	int off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, n3 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n3) != 2 || n3 != 5 || oh > 23 || om > 59)
			return false;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > (y >= 1990 && y <= 2199 ? days_in(y, mo) : 31) || h > 23 || mi > 59 || sec > 60)
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return true;
}

static void
problem(pj_sectxt_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(pj_sectxt_t *s, const char *fmt, ...)
{
	if (s->problems.n >= LIST_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	strlist_push_owned(&s->problems, xvasprintf(fmt, ap));
	va_end(ap);
}

/* One field line (already without its line end); lineno for messages. */
static void
sectxt_field(pj_sectxt_t *s, const char *l, size_t n, size_t lineno, bool *bad_line,
    size_t *expires_line, int64_t now)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == n || l[i] == '#')
		return;
	const char *colon = memchr(l + i, ':', n - i);
	size_t nl = colon ? (size_t)(colon - (l + i)) : 0;
	bool name_ok = colon && nl > 0 && nl < 64;
	for (size_t k = 0; name_ok && k < nl; k++)
		name_ok = isalnum((unsigned char)l[i + k]) || l[i + k] == '-';
	if (!name_ok) {
		if (!*bad_line)
			problem(s, "line %zu is not a field, a comment or blank", lineno);
		*bad_line = true;
		return;
	}
	const char *v = colon + 1;
	size_t vn = n - (size_t)(v - l);
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	char *val = xstrndup(v, vn);
	if (nl == 7 && strncasecmp(l + i, "Contact", 7) == 0) {
		if (s->contacts.n < LIST_MAX && vn)
			strlist_push(&s->contacts, val);
	} else if (nl == 6 && strncasecmp(l + i, "Policy", 6) == 0) {
		if (s->policies.n < LIST_MAX && vn)
			strlist_push(&s->policies, val);
	} else if (nl == 7 && strncasecmp(l + i, "Expires", 7) == 0) {
		if (s->expires) {
			problem(s, "Expires appears more than once (lines %zu and %zu)",
			    *expires_line, lineno);
		} else {
			s->expires = xstrdup(val);
			*expires_line = lineno;
			int64_t t;
			if (!rfc3339(val, &t)) {
				problem(s, "Expires \"%.64s\" is not an RFC 3339 date and time", val);
			} else {
				s->expires_s = t;
				if (t <= now)
					problem(s, "expired on %.64s", val);
			}
		}
	}
	free(val);
}

void
pj_sectxt_parse(const unsigned char *p, size_t n, int64_t now, pj_sectxt_t *out)
{
	memset(out, 0, sizeof(*out));
	if (memchr(p, '\0', n))
		problem(out, "contains NUL bytes: not a text file");
	bool long_line = false, bad_line = false, in_sig_head = false, sig_block = false;
	size_t expires_line = 0, lineno = 0;
	for (size_t i = 0; i < n;) {
		if (++lineno > PJ_SECTXT_LINES_MAX) {
			problem(out, "more than %d lines: the rest was not read", PJ_SECTXT_LINES_MAX);
			break;
		}
		const unsigned char *nlp = memchr(p + i, '\n', n - i);
		size_t e = nlp ? (size_t)(nlp - p) : n;
		size_t len = e - i;
		if (len && p[i + len - 1] == '\r')
			len--;
		const char *l = (const char *)p + i;
		i = nlp ? e + 1 : n;
		if (len > PJ_SECTXT_LINE_MAX) {
			if (!long_line)
				problem(out, "line %zu is longer than %d bytes", lineno, PJ_SECTXT_LINE_MAX);
			long_line = true;
			continue;
		}
		if (memchr(l, '\0', len))
			continue;	/* already reported; a NUL ends no C string here */
		if (lineno == 1 && len >= 34 && strncmp(l, "-----BEGIN PGP SIGNED MESSAGE-----", 34) == 0) {
			out->signed_pgp = true;
			in_sig_head = true;
			continue;
		}
		if (in_sig_head) {	/* "Hash: ..." armour headers up to a blank line */
			if (len == 0)
				in_sig_head = false;
			continue;
		}
		if (out->signed_pgp && len >= 29 && strncmp(l, "-----BEGIN PGP SIGNATURE-----", 29) == 0) {
			sig_block = true;
			break;
		}
		if (out->signed_pgp && len >= 2 && l[0] == '-' && l[1] == ' ')
			l += 2, len -= 2;	/* dash-escaped (RFC 4880 7.1) */
		sectxt_field(out, l, len, lineno, &bad_line, &expires_line, now);
	}
	if (out->signed_pgp && !sig_block)
		problem(out, "a signed message without its signature block");
	if (out->contacts.n == 0)
		problem(out, "no Contact field");
	if (out->expires == NULL)
		problem(out, "no Expires field");
}

void
pj_sectxt_clear(pj_sectxt_t *s)
{
	if (s == NULL)
		return;
	strlist_free(&s->contacts);
	strlist_free(&s->policies);
	strlist_free(&s->problems);
	free(s->expires);
	memset(s, 0, sizeof(*s));
}
