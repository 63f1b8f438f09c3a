/*
 * Login-page and soft-redirect recognition; see html_login.h.  The page is
 * searched in a lower-cased copy with NULs made blanks, so every look-up is
 * a plain bounded string search whatever the device sent.
 */
#include "proto/html_login.h"
#include "proto/html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* p[0..n) lower-cased and NUL-terminated, or NULL without memory. */
static char *
lowered(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		s[i] = p[i] ? (char)tolower(p[i]) : ' ';
	s[n] = '\0';
	return s;
}

/* Does the tag text t[0..len) carry name=value, quoted or not? */
static bool
tag_attr_is(const char *t, size_t len, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	for (const char *a = t; (a = strstr(a, name)) != NULL && a < t + len; a += nl) {
		if (a == t || !isspace((unsigned char)a[-1]))
			continue;
		const char *v = a + nl;
		v += strspn(v, " \t\r\n");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t\r\n");
		v += *v == '"' || *v == '\'';
		if (v + vl <= t + len && strncmp(v, value, vl) == 0 && !isalnum((unsigned char)v[vl]))
			return true;
	}
	return false;
}

/* Whether some <tag ...> outside comments carries name=value. */
static bool
any_tag_with(const char *s, const char *tag, const char *name, const char *value)
{
	size_t tl = strlen(tag);
	for (const char *p = s; (p = strchr(p, '<')) != NULL; p++) {
		if (strncmp(p, "<!--", 4) == 0) {
			const char *e = strstr(p + 4, "-->");
			if (e == NULL)
				return false;
			p = e + 2;
			continue;
		}
		if (strncmp(p + 1, tag, tl) != 0 || !isspace((unsigned char)p[1 + tl]))
			continue;
		size_t len = strcspn(p, ">");
		if (tag_attr_is(p, len, name, value))
			return true;
	}
	return false;
}

bool
html_login_page(const uint8_t *p, size_t n)
{
	static const char *const words[] = { "login", "log in", "log-in", "logon", "sign in",
		"signin", "anmelden", "connexion", "authentication required" };
	char *s = lowered(p, n);
	bool form = s && any_tag_with(s, "input", "type", "password");
	free(s);
	if (form)
		return true;
	char title[256];
	if (!html_title(p, n, title, sizeof(title)))
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(title, words[i]))
			return true;
	return false;
}

bool
html_soft_redirect(const uint8_t *p, size_t n)
{
	static const char *const script[] = { "location.href=", "location.href =",
		"location=", "location =", "location.replace(", "location.assign(" };
	if (n > HTML_REDIRECT_MAX)
		return false;
	char *s = lowered(p, n);
	bool moves = s && any_tag_with(s, "meta", "http-equiv", "refresh");
	for (size_t k = 0; s && !moves && k < sizeof(script) / sizeof(script[0]); k++)
		moves = strstr(s, script[k]) != NULL;
	free(s);
	return moves;
}
