/*
 * The personal-data patterns; see pd_scan.h.  What each one accepts:
 *
 * email        local@domain.  Local part: 1-64 of [A-Za-z0-9._%+-], not
 *              starting or ending with '.', no "..", not preceded by such a
 *              character, and not URL userinfo ("//user@", "//user:pw@": the
 *              credentials analyzer's business).  Domain: at least two
 *              labels of [A-Za-z0-9-] (1-63 each, no '-' at either end), at
 *              most 253 bytes, a top-level label of 2-24 letters that is not
 *              a file extension ("icon@2x.png" is an image, not a mailbox).
 *              A trailing dot (end of a sentence) is not part of it.
 * coordinates  Either a bare pair "LAT,LON" (one optional space either side
 *              of the comma): each -?D{1,3}.D{4,10}, |LAT| <= 90, |LON| <=
 *              180, not both below 1 in magnitude, not touching letters,
 *              digits, '.', '_' or '@', and not inside a longer list of
 *              numbers ("1.5,52.5200,13.4050").  Version strings (1.2.3.4),
 *              IPv4 addresses, timestamps and UUIDs cannot match: each
 *              number has exactly one dot, at most three integer digits and
 *              at least four decimals.  Or a keyed pair: a key lat/latitude
 *              and a key lon/lng/long/longitude (any case, whole words, in
 *              either order, the second within 128 bytes of the first's
 *              value), each followed by ':' '=' or '>' (JSON, forms, XML)
 *              and a number with 2-10 decimals, in the same ranges.
 * phone        E.164: '+', a digit 1-9, then digits with at most six
 *              single ' ' or '-' separators, 9-15 digits in all, not after a
 *              letter, digit or one of + - . _ % / & ? (so exponents and
 *              form-encoded spaces do not start one), not followed by a
 *              letter, digit, '+', '@', '_' or a decimal point; an ISO date
 *              ("+2026-11-30") and a run of one repeated digit are rejected.
 */
#include "passive/pd_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEY_PAIR_SPAN	128

const char *
pd_pattern_name(pd_pattern_t p)
{
	switch (p) {
	case PD_EMAIL: return "email";
	case PD_COORDS: return "coordinates";
	case PD_PHONE: return "phone";
	default: return "?";
	}
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static bool
local_ch(int c)
{
	if (c <= 0)
		return false;
	return is_alnum(c) || (c != 0 && strchr("._%+-", c) != NULL);
}

static bool
dom_ch(int c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* The byte before p[i]: inside the buffer, or the caller's `prev`. */
static int
before(const uint8_t *p, size_t i, int prev)
{
	return i ? p[i - 1] : prev;
}

/* ---- e-mail ---- */

static const char *const file_ext[] = {
	"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "js", "css", "html", "htm",
	"json", "xml", "txt", "bin", "img", "zip", "gz", "tar", "mp3", "mp4", "pdf", "php",
};

static bool
domain_ok(const uint8_t *d, size_t n)
{
	size_t labels = 0, i = 0;
	while (i < n) {
		size_t s = i;
		while (i < n && d[i] != '.')
			i++;
		size_t l = i - s;
		if (l == 0 || l > 63 || d[s] == '-' || d[i - 1] == '-')
			return false;
		labels++;
		if (i == n) {	/* the top-level label */
			if (l < 2 || l > 24)
				return false;
			for (size_t k = s; k < i; k++)
				if (!is_alpha(d[k]))
					return false;
			for (size_t k = 0; k < sizeof(file_ext) / sizeof(file_ext[0]); k++)
				if (strlen(file_ext[k]) == l &&
				    strncasecmp(file_ext[k], (const char *)d + s, l) == 0)
					return false;
		}
		i++;	/* the dot */
	}
	return labels >= 2 && d[n - 1] != '.';
}

static bool
email(const uint8_t *p, size_t n, size_t at, int prev, bool final, pd_match_t *m)
{
	size_t s = at;
	while (s > 0 && at - s <= 64 && local_ch(p[s - 1]))
		s--;
	size_t ll = at - s;
	if (ll == 0 || ll > 64 || local_ch(before(p, s, prev)))
		return false;
	/* URL userinfo: "//user@" or "//user:password@". */
	int b = before(p, s, prev);
	size_t t = s;
	if (b == ':' && s > 0) {
		t = s - 1;
		while (t > 0 && s - t <= 64 && local_ch(p[t - 1]))
			t--;
	}
	if ((b == '/' || b == ':') && t >= 2 && p[t - 1] == '/' && p[t - 2] == '/')
		return false;
	if (p[s] == '.' || p[at - 1] == '.')
		return false;
	for (size_t i = s + 1; i < at; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return false;
	size_t e = at + 1;
	while (e < n && e - at - 1 <= 253 && dom_ch(p[e]))
		e++;
	if (e == n && !final)
		return false;	/* the domain may go on */
	if (e < n && dom_ch(p[e]))
		return false;	/* longer than a domain can be */
	while (e > at + 1 && p[e - 1] == '.')
		e--;
	if (e < n && (p[e] == '@' || p[e] == '_'))
		return false;
	if (e == at + 1 || !domain_ok(p + at + 1, e - at - 1))
		return false;
	m->pattern = PD_EMAIL;
	m->start = s;
	m->end = e;
	size_t dl = e - at - 1;
	char dom[256];
	for (size_t i = 0; i < dl; i++)
		dom[i] = (char)(p[at + 1 + i] >= 'A' && p[at + 1 + i] <= 'Z' ? p[at + 1 + i] + 32 :
		    p[at + 1 + i]);
	dom[dl] = '\0';
	snprintf(m->value, sizeof(m->value), "%.*s@%s", (int)ll, (const char *)p + s, dom);
	snprintf(m->masked, sizeof(m->masked), "%c***@%s", p[s], dom);
	return true;
}

/* ---- coordinates ---- */

typedef struct num {
	double v;
	size_t start, end;
} num_t;

/* -?D{1,3}.D{mindec,10} at i, not running on into more digits or a dot. */
static bool
number(const uint8_t *p, size_t n, size_t i, int mindec, bool final, num_t *out)
{
	size_t j = i;
	if (j < n && p[j] == '-')
		j++;
	size_t d0 = j;
	while (j < n && is_digit(p[j]) && j - d0 < 4)
		j++;
	if (j == d0 || j - d0 > 3 || j >= n || p[j] != '.')
		return false;
	size_t f0 = ++j;
	while (j < n && is_digit(p[j]) && j - f0 < 11)
		j++;
	if (j - f0 < (size_t)mindec || j - f0 > 10)
		return false;
	if (j == n && !final)
		return false;
	if (j < n && (is_digit(p[j]) || p[j] == '.'))
		return false;
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(j - i), (const char *)p + i);
	out->v = strtod(tmp, NULL);
	out->start = i;
	out->end = j;
	return true;
}

static bool
in_range(double lat, double lon)
{
	return fabs(lat) <= 90 && fabs(lon) <= 180 && !(fabs(lat) < 1 && fabs(lon) < 1);
}

static void
coords_value(const uint8_t *p, const num_t *lat, const num_t *lon, size_t s, size_t e,
    pd_match_t *m)
{
	m->pattern = PD_COORDS;
	m->start = s;
	m->end = e;
	snprintf(m->value, sizeof(m->value), "%.*s,%.*s", (int)(lat->end - lat->start),
	    (const char *)p + lat->start, (int)(lon->end - lon->start), (const char *)p + lon->start);
	snprintf(m->masked, sizeof(m->masked), "%.1f,%.1f", lat->v, lon->v);
}

/* A ',' at p[*j], one space allowed on either side: *j past it. */
static bool
comma(const uint8_t *p, size_t n, size_t *j)
{
	size_t k = *j;
	if (k < n && p[k] == ' ')
		k++;
	if (k >= n || p[k] != ',')
		return false;
	k++;
	if (k < n && p[k] == ' ')
		k++;
	*j = k;
	return true;
}

/* A ',' (spaces around allowed) then a number: the pair is one of a list. */
static bool
list_after(const uint8_t *p, size_t n, size_t j)
{
	if (!comma(p, n, &j))
		return false;
	return j < n && (is_digit(p[j]) || (p[j] == '-' && j + 1 < n && is_digit(p[j + 1])));
}

static bool
list_before(const uint8_t *p, size_t i)
{
	if (i > 0 && p[i - 1] == ' ')
		i--;
	if (i == 0 || p[i - 1] != ',')
		return false;
	i--;
	if (i > 0 && p[i - 1] == ' ')
		i--;
	return i > 0 && is_digit(p[i - 1]);
}

static bool
bare_pair(const uint8_t *p, size_t n, size_t i, int prev, bool final, pd_match_t *m)
{
	int b = before(p, i, prev);
	if (is_alnum(b) || b == '.' || b == '_' || b == '-' || b == '@')
		return false;
	num_t a, o;
	if (!number(p, n, i, 4, final, &a))
		return false;
	size_t j = a.end;
	if (!comma(p, n, &j) || !number(p, n, j, 4, final, &o))
		return false;
	/* Room to see what follows, unless the stream ends here. */
	if (!final && o.end + 4 > n)
		return false;
	if (o.end < n && (is_alpha(p[o.end]) || p[o.end] == '_' || p[o.end] == '@'))
		return false;
	if (list_before(p, i) || list_after(p, n, o.end) || !in_range(a.v, o.v))
		return false;
	coords_value(p, &a, &o, i, o.end, m);
	return true;
}

/* A lat (1) or lon (2) key at i, its separator and its number. */
static int
keyed(const uint8_t *p, size_t n, size_t i, bool final, num_t *v)
{
	static const struct { const char *w; int kind; } keys[] = {
		{ "latitude", 1 }, { "lat", 1 }, { "longitude", 2 }, { "long", 2 }, { "lng", 2 },
		{ "lon", 2 },
	};
	int kind = 0;
	size_t j = i;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !kind; k++) {
		size_t l = strlen(keys[k].w);
		if (n - i > l && strncasecmp((const char *)p + i, keys[k].w, l) == 0 &&
		    !is_alnum(p[i + l]) && p[i + l] != '_') {
			kind = keys[k].kind;
			j = i + l;
		}
	}
	if (!kind)
		return 0;
	if (j < n && (p[j] == '"' || p[j] == '\''))
		j++;
	for (int s = 0; s < 3 && j < n && p[j] == ' '; s++)
		j++;
	if (j >= n || (p[j] != ':' && p[j] != '=' && p[j] != '>'))
		return 0;
	j++;
	for (int s = 0; s < 3 && j < n && p[j] == ' '; s++)
		j++;
	if (j < n && (p[j] == '"' || p[j] == '\''))
		j++;
	if (!number(p, n, j, 2, final, v))
		return 0;
	return kind;
}

static bool
key_pair(const uint8_t *p, size_t n, size_t i, int prev, bool final, pd_match_t *m)
{
	int b = before(p, i, prev);
	if (is_alnum(b) || b == '_')
		return false;
	num_t v1, v2;
	int k1 = keyed(p, n, i, final, &v1);
	if (k1 == 0)
		return false;
	size_t stop = v1.end + KEY_PAIR_SPAN;
	if (stop > n) {
		if (!final)
			return false;	/* the partner may be in bytes still to come */
		stop = n;
	}
	for (size_t j = v1.end; j < stop; j++) {
		if (!is_alpha(p[j]) || is_alnum(p[j - 1]) || p[j - 1] == '_')
			continue;
		int k2 = keyed(p, n, j, final, &v2);
		if (k2 == k1)
			return false;	/* a second latitude: no pair here */
		if (k2 == 0)
			continue;
		const num_t *lat = k1 == 1 ? &v1 : &v2, *lon = k1 == 1 ? &v2 : &v1;
		if (!in_range(lat->v, lon->v))
			return false;
		coords_value(p, lat, lon, i, v2.end, m);
		return true;
	}
	return false;
}

/* ---- phone numbers ---- */

static bool
phone(const uint8_t *p, size_t n, size_t i, int prev, bool final, pd_match_t *m)
{
	int b = before(p, i, prev);
	if (is_alnum(b) || (b > 0 && strchr("+-._%/&?", b) != NULL))
		return false;
	size_t j = i + 1;
	if (j >= n || p[j] < '1' || p[j] > '9')
		return false;
	char d[16];
	size_t nd = 0, ng = 0, glen[8] = { 0 };
	bool dash = false;
	while (j < n) {
		if (is_digit(p[j])) {
			if (nd == 15)
				return false;	/* longer than E.164 allows */
			d[nd++] = (char)p[j++];
			glen[ng]++;
		} else if ((p[j] == ' ' || p[j] == '-') && j + 1 < n && is_digit(p[j + 1])) {
			/* More groups than any numbering plan writes: a list of
			 * numbers, not one phone number (and not cut short). */
			if (ng == 6)
				return false;
			dash |= p[j] == '-';
			ng++;
			j++;
		} else {
			break;
		}
	}
	if (!final && j + 1 >= n)
		return false;	/* more digits may follow */
	if (nd < 9)
		return false;
	if (j < n && (is_alnum(p[j]) || p[j] == '+' || p[j] == '@' || p[j] == '_' ||
	    (p[j] == '.' && j + 1 < n && is_digit(p[j + 1]))))
		return false;
	if (dash && ng == 2 && glen[0] == 4 && glen[1] == 2 && glen[2] == 2)
		return false;	/* +YYYY-MM-DD */
	size_t same = 1;
	for (size_t k = 1; k < nd; k++)
		same += d[k] == d[0];
	if (same == nd)
		return false;
	m->pattern = PD_PHONE;
	m->start = i;
	m->end = j;
	snprintf(m->value, sizeof(m->value), "+%.*s", (int)nd, d);
	char mask[20];
	mask[0] = '+';
	for (size_t k = 0; k < nd; k++)
		mask[k + 1] = k < 2 || k + 2 >= nd ? d[k] : '*';
	mask[nd + 1] = '\0';
	snprintf(m->masked, sizeof(m->masked), "%s", mask);
	return true;
}

/* What may start a match, by byte: most payload bytes start nothing and are
 * passed over in the tight loop below (this scan is the analysis's hot spot). */
enum { T_NONE, T_AT, T_PLUS, T_DASH, T_DIGIT, T_L };
static const uint8_t starts[256] = {
	['@'] = T_AT, ['+'] = T_PLUS, ['-'] = T_DASH,
	['0'] = T_DIGIT, ['1'] = T_DIGIT, ['2'] = T_DIGIT, ['3'] = T_DIGIT, ['4'] = T_DIGIT,
	['5'] = T_DIGIT, ['6'] = T_DIGIT, ['7'] = T_DIGIT, ['8'] = T_DIGIT, ['9'] = T_DIGIT,
	['l'] = T_L, ['L'] = T_L,
};

/*
 * The first byte at or after i that may start a match: a start byte (table
 * above) followed by what that pattern needs next (a digit or '.' after a
 * digit, a digit after '+' or '-', a letter or digit after '@', a, o or n
 * after l).  pd_scan checks the same again; this only passes over what
 * cannot match.  With SSE2, 16 bytes at a time: binary payload (firmware,
 * media) is most of a capture's bytes, and its stray start bytes are
 * rarely followed by the right byte, so whole blocks go without a branch.
 */
static size_t
skip_plain(const uint8_t *p, size_t n, size_t i)
{
#if defined(__SSE2__)
	const __m128i at = _mm_set1_epi8('@'), plus = _mm_set1_epi8('+');
	const __m128i dash = _mm_set1_epi8('-'), dot = _mm_set1_epi8('.');
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	const __m128i lower = _mm_set1_epi8(0x20), l = _mm_set1_epi8('l');
	const __m128i a = _mm_set1_epi8('a'), z25 = _mm_set1_epi8(25);
	const __m128i o = _mm_set1_epi8('o'), en = _mm_set1_epi8('n');
	for (; i + 17 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
		__m128i vd = _mm_sub_epi8(v, zero), wd = _mm_sub_epi8(w, zero);
		__m128i v_digit = _mm_cmpeq_epi8(_mm_min_epu8(vd, nine), vd);
		__m128i w_digit = _mm_cmpeq_epi8(_mm_min_epu8(wd, nine), wd);
		__m128i wl = _mm_or_si128(w, lower), wa = _mm_sub_epi8(wl, a);
		__m128i w_alnum = _mm_or_si128(w_digit, _mm_cmpeq_epi8(_mm_min_epu8(wa, z25), wa));
		__m128i w_aon = _mm_or_si128(_mm_cmpeq_epi8(wl, a),
		    _mm_or_si128(_mm_cmpeq_epi8(wl, o), _mm_cmpeq_epi8(wl, en)));
		__m128i hit = _mm_and_si128(v_digit, _mm_or_si128(w_digit, _mm_cmpeq_epi8(w, dot)));
		hit = _mm_or_si128(hit, _mm_and_si128(w_digit,
		    _mm_or_si128(_mm_cmpeq_epi8(v, plus), _mm_cmpeq_epi8(v, dash))));
		hit = _mm_or_si128(hit, _mm_and_si128(w_alnum, _mm_cmpeq_epi8(v, at)));
		hit = _mm_or_si128(hit, _mm_and_si128(w_aon,
		    _mm_cmpeq_epi8(_mm_or_si128(v, lower), l)));
		int mask = _mm_movemask_epi8(hit);
		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++)
		if (starts[p[i]] != T_NONE)
			break;
	return i;
}

size_t
pd_scan(const uint8_t *p, size_t n, size_t from, size_t limit, int prev, bool final,
    pd_match_fn fn, void *ctx)
{
	size_t found = 0;
	pd_match_t m;
	for (size_t i = from; i < n;) {
		i = skip_plain(p, n, i);
		if (i >= n)
			break;
		uint8_t c = p[i];
		bool hit = false;
		switch (starts[c]) {
		/* Each case first checks the byte after, which random or binary
		 * payload fails almost always, before the full pattern. */
		case T_AT:
			hit = i + 1 < n && is_alnum(p[i + 1]) && email(p, n, i, prev, final, &m);
			break;
		case T_PLUS:
			hit = i + 1 < n && is_digit(p[i + 1]) && phone(p, n, i, prev, final, &m);
			break;
		case T_DASH:
			hit = i + 1 < n && is_digit(p[i + 1]) && bare_pair(p, n, i, prev, final, &m);
			break;
		case T_DIGIT:
			/* Inside a number no pair starts (bare_pair wants a boundary before
			 * it): only the first digit of a run is worth a look. */
			if (i + 1 < n && (is_digit(p[i + 1]) || p[i + 1] == '.') &&
			    !is_alnum(before(p, i, prev)) && before(p, i, prev) != '.')
				hit = bare_pair(p, n, i, prev, final, &m);
			break;
		default:	/* lat, latitude, lon, long, longitude, lng */
			if (i + 1 < n && (p[i + 1] | 0x20) != 'a' && (p[i + 1] | 0x20) != 'o' &&
			    (p[i + 1] | 0x20) != 'n')
				break;
			hit = key_pair(p, n, i, prev, final, &m);
			break;
		}
		if (!hit) {
			i++;
			continue;
		}
		if (m.start < limit && m.start >= from) {
			fn(ctx, &m);
			found++;
		}
		i = m.end > i ? m.end : i + 1;
	}
	return found;
}
