/*
 * The dates a published page states a support end in ("31 December 2030",
 * "Dec. 31st, 2030", "2030-12-31", "December 2030"), for the support-period
 * judge (published_judge.c) and for checking that a page states the date a
 * DUT profile declares.  A month without a day stands for its last day:
 * "until December 2030" promises the whole month.
 */
#include "probes/published_judge.h"
#include "probes/published_judge_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const months[] = { "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december" };

int
pj_days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

static bool
date_ok(int y, int m, int d)
{
	return y >= 1990 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= pj_days_in(y, m);
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

bool
pj_date_at(const char *s, size_t n, size_t i, pj_date_t *out, size_t *end)
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
	int ad = a->d ? a->d : pj_days_in(a->y, a->m), bd = b->d ? b->d : pj_days_in(b->y, b->m);
	long x = a->y * 10000L + a->m * 100L + ad, y = b->y * 10000L + b->m * 100L + bd;
	return x < y ? -1 : x > y;
}

bool
pj_parse_iso_date(const char *s, pj_date_t *out)
{
	size_t n = strlen(s), end;
	pj_date_t d;
	if (n != 10 || !isdigit((unsigned char)s[0]) || !pj_date_at(s, n, 0, &d, &end) ||
	    end != n || d.d == 0)
		return false;
	*out = d;
	return true;
}

bool
pj_mentions_date(const char *text, const pj_date_t *want)
{
	size_t n = strlen(text);
	for (size_t i = 0; i < n; i++) {
		pj_date_t d;
		size_t e;
		if (pj_date_at(text, n, i, &d, &e)) {
			if (d.d == 0)
				d.d = pj_days_in(d.y, d.m);
			if (pj_date_cmp(&d, want) == 0)
				return true;
			i = e;
		}
	}
	return false;
}
