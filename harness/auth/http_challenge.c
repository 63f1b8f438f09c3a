/*
 * WWW-Authenticate parser (RFC 9110 11.6.1): challenges are
 *   scheme [ 1*SP ( token68 / #( name BWS "=" BWS ( token / quoted-string ) ) ) ]
 * separated by commas, and a comma also separates parameters, so a token
 * not followed by "=" starts the next challenge.  Device bytes are walked
 * with the cursor; every copy is bounded, and anything the grammar does not
 * allow where it decides what we send back is an error rather than a guess.
 */
#include "auth/http_auth.h"

#include "proto/cursor.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 32
#define PARAMS_MAX 32

static int
peek(const cursor_t *c)
{
	return cur_left(c) ? c->p[c->off] : -1;
}

static bool
is_tchar(int c)
{
	return c > 0 && c < 0x7f && (isalnum(c) || strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_token68(int c)
{
	return c > 0 && c < 0x7f && (isalnum(c) || strchr("-._~+/", c) != NULL);
}

static void
skip_ows(cursor_t *c)
{
	while (peek(c) == ' ' || peek(c) == '\t')
		cur_skip(c, 1);
}

static int
fail(char *err, size_t errlen, const cursor_t *c, const char *what)
{
	snprintf(err, errlen, "%s at byte %zu of the challenge", what, c->off);
	return -1;
}

/* A token into out (cap bytes with NUL); length, 0 when none, -1 too long. */
static int
token(cursor_t *c, char *out, size_t cap, bool value)
{
	size_t n = 0;
	while (is_tchar(peek(c)) || (value && (peek(c) == '/' || peek(c) == '='))) {
		uint8_t b;
		cur_u8(c, &b);
		if (n + 1 >= cap)
			return -1;
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return (int)n;
}

/* The quoted-string after its opening quote, unescaped into out. */
static int
quoted(cursor_t *c, char *out, size_t cap, char *err, size_t errlen)
{
	size_t n = 0;
	for (;;) {
		uint8_t b;
		if (cur_u8(c, &b) < 0)
			return fail(err, errlen, c, "unterminated quoted string");
		if (b == '"')
			break;
		if (b == '\\' && cur_u8(c, &b) < 0)
			return fail(err, errlen, c, "unterminated quoted string");
		if ((b < 0x20 && b != '\t') || b == 0x7f)
			return fail(err, errlen, c, "control byte in a quoted string");
		if (n + 1 >= cap)
			return fail(err, errlen, c, "parameter value too long");
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return 0;
}

/* Is what follows a token68 (then a comma or the end) rather than a parameter? */
static bool
token68_ahead(const cursor_t *c)
{
	cursor_t k = *c;
	size_t n = 0;
	while (is_token68(peek(&k)))
		cur_skip(&k, 1), n++;
	if (n == 0)
		return false;
	while (peek(&k) == '=')
		cur_skip(&k, 1);
	skip_ows(&k);
	return peek(&k) == -1 || peek(&k) == ',';
}

static void
copy(char *dst, size_t cap, const char *val, bool *has)
{
	size_t n = strlen(val);
	if (n >= cap)
		n = cap - 1;	/* only algorithm is shorter than a value can be */
	memcpy(dst, val, n);
	dst[n] = '\0';
	if (has)
		*has = true;
}

static void
store(http_challenge_t *ch, const char *name, const char *val)
{
	if (strcasecmp(name, "realm") == 0)
		copy(ch->realm, sizeof(ch->realm), val, &ch->has_realm);
	else if (strcasecmp(name, "nonce") == 0)
		copy(ch->nonce, sizeof(ch->nonce), val, &ch->has_nonce);
	else if (strcasecmp(name, "opaque") == 0)
		copy(ch->opaque, sizeof(ch->opaque), val, &ch->has_opaque);
	else if (strcasecmp(name, "qop") == 0)
		copy(ch->qop, sizeof(ch->qop), val, &ch->has_qop);
	else if (strcasecmp(name, "algorithm") == 0)
		copy(ch->algorithm, sizeof(ch->algorithm), val, NULL);
	else if (strcasecmp(name, "stale") == 0)
		ch->stale = strcasecmp(val, "true") == 0;
	else if (strcasecmp(name, "userhash") == 0)
		ch->userhash = strcasecmp(val, "true") == 0;
}

/* The parameters of one challenge, up to the next scheme or the end. */
static int
params(cursor_t *c, http_challenge_t *ch, char *err, size_t errlen)
{
	char seen[PARAMS_MAX][NAME_MAX_LEN];
	size_t n_seen = 0;
	char name[NAME_MAX_LEN];
	static const size_t vcap = HA_VALUE_MAX;
	char val[HA_VALUE_MAX];
	for (;;) {
		skip_ows(c);
		while (peek(c) == ',' || peek(c) == ' ' || peek(c) == '\t')
			cur_skip(c, 1);
		if (peek(c) == -1)
			return 0;
		cursor_t at = *c;
		int k = token(c, name, sizeof(name), false);
		if (k < 0)
			return fail(err, errlen, c, "parameter name too long");
		if (k == 0)
			return fail(err, errlen, c, "unexpected byte");
		skip_ows(c);
		if (peek(c) != '=') {
			*c = at;	/* the next challenge's scheme */
			return 0;
		}
		cur_skip(c, 1);
		skip_ows(c);
		if (peek(c) == '"') {
			cur_skip(c, 1);
			if (quoted(c, val, vcap, err, errlen) < 0)
				return -1;
		} else {
			k = token(c, val, vcap, true);
			if (k < 0)
				return fail(err, errlen, c, "parameter value too long");
			if (k == 0)
				return fail(err, errlen, c, "missing parameter value");
		}
		for (size_t i = 0; i < n_seen; i++)
			if (strcasecmp(seen[i], name) == 0)
				return fail(err, errlen, c, "parameter repeated in one challenge");
		if (n_seen == PARAMS_MAX)
			return fail(err, errlen, c, "too many parameters");
		snprintf(seen[n_seen++], NAME_MAX_LEN, "%s", name);
		store(ch, name, val);
		skip_ows(c);
		if (peek(c) != ',' && peek(c) != -1)
			return fail(err, errlen, c, "expected a comma between parameters");
	}
}

int
http_challenges_parse(const char *value, http_challenge_t *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	cursor_t c;
	cur_init(&c, value, strlen(value));
	size_t got = *n;
	for (;;) {
		while (peek(&c) == ',' || peek(&c) == ' ' || peek(&c) == '\t')
			cur_skip(&c, 1);
		if (peek(&c) == -1)
			break;
		if (got >= max)
			return fail(err, errlen, &c, "too many challenges");
		http_challenge_t *ch = &out[got];
		memset(ch, 0, sizeof(*ch));
		int k = token(&c, ch->scheme, sizeof(ch->scheme), false);
		if (k <= 0)
			return fail(err, errlen, &c, k < 0 ? "scheme name too long" : "expected a scheme");
		got++;
		if (peek(&c) == -1 || peek(&c) == ',')
			continue;
		if (peek(&c) != ' ' && peek(&c) != '\t')
			return fail(err, errlen, &c, "expected a space after the scheme");
		skip_ows(&c);
		if (token68_ahead(&c)) {
			while (is_token68(peek(&c)) || peek(&c) == '=')
				cur_skip(&c, 1);
			continue;
		}
		if (params(&c, ch, err, errlen) < 0)
			return -1;
	}
	*n = got;
	return 0;
}

bool
http_scheme_is(const http_challenge_t *c, const char *scheme)
{
	return strcasecmp(c->scheme, scheme) == 0;
}

ha_algo_t
http_digest_algo(const http_challenge_t *c)
{
	static const struct {
		const char *name;
		ha_algo_t a;
	} algos[] = {
		{ "", HA_MD5 },	/* absent: MD5 (RFC 7616 3.3) */
		{ "MD5", HA_MD5 },
		{ "MD5-sess", HA_MD5_SESS },
		{ "SHA-256", HA_SHA256 },
		{ "SHA-256-sess", HA_SHA256_SESS },
	};
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (strcasecmp(c->algorithm, algos[i].name) == 0)
			return algos[i].a;
	return HA_UNSUPPORTED;
}

/* Is `opt` one of the comma-separated tokens of list? */
static bool
list_has(const char *list, const char *opt)
{
	size_t k = strlen(opt);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t l = strcspn(p, ", \t");
		if (l == k && strncasecmp(p, opt, k) == 0)
			return true;
		p += l;
	}
	return false;
}

ha_qop_t
http_digest_qop(const http_challenge_t *c)
{
	if (!c->has_qop)
		return HA_QOP_NONE;
	if (list_has(c->qop, "auth"))
		return HA_QOP_AUTH;
	if (list_has(c->qop, "auth-int"))
		return HA_QOP_AUTH_INT;
	return HA_QOP_UNSUPPORTED;
}

bool
http_digest_usable(const http_challenge_t *c)
{
	return http_scheme_is(c, "Digest") && c->has_nonce &&
	    http_digest_algo(c) != HA_UNSUPPORTED && http_digest_qop(c) != HA_QOP_UNSUPPORTED;
}
