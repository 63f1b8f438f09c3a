/*
 * The pure half of the published-info probe (published_judge.h) that reads
 * pages: reducing a page to text, finding a contact, timescales and a
 * support end or period in it.  Matching works sentence by sentence, since
 * "within 7 days" means something only next to "acknowledge"; each sentence
 * is looked at through a window of at most SENT_MAX bytes so a page without
 * punctuation costs linear time, never quadratic.  Reading dates is
 * published_date.c, security.txt is published_sectxt.c.
 */
#include "probes/published_judge.h"
#include "probes/published_judge_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SENT_MAX 1024

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

/* ---------- support period ---------- */

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
		if (pj_date_at(s, n, i, &d, &e)) {
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
		f.best.d = pj_days_in(f.best.y, f.best.m);
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
