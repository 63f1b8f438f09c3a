/*
 * MANIFEST formatting and strict parsing (format in manifest.h).  Every
 * rule is checked while parsing rather than trusted because the signature
 * covers the bytes: a manifest is parsed to find the key that checks it,
 * so the parser sees unauthenticated input first.
 */
#include "report/manifest.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 200		/* a header value other than the key */
#define KEY_LINE_MAX 100	/* a PEM line is 64 base64 characters */

manifest_t *
manifest_new(void)
{
	return xcalloc(1, sizeof(manifest_t));
}

void
manifest_free(manifest_t *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->entries[i].path);
	free(m->entries);
	free(m->tool);
	free(m->signed_at);
	free(m->algorithm);
	free(m->key_pem);
	free(m);
}

void
manifest_add(manifest_t *m, const char *path, const char *sha256, uint64_t size)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->entries = xrealloc(m->entries, m->cap, sizeof(*m->entries));
	}
	manifest_entry_t *e = &m->entries[m->n++];
	e->path = xstrdup(path);
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha256);
	e->size = size;
}

bool
manifest_path_ok(const char *p, const char **why)
{
	size_t n = strlen(p);
	*why = NULL;
	if (n == 0)
		*why = "empty path";
	else if (n > MANIFEST_PATH_MAX)
		*why = "path longer than 4096 bytes";
	else if (p[0] == '/')
		*why = "absolute path";
	else if (strcmp(p, MANIFEST_NAME) == 0 || strcmp(p, MANIFEST_SIG_NAME) == 0)
		*why = "the manifest cannot list itself";
	for (size_t i = 0; i < n && *why == NULL; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			*why = "control character in path";
	/* Component by component: "", "." and ".." could name a file twice or
	 * one outside the directory. */
	for (const char *c = p; *why == NULL && c <= p + n; ) {
		const char *e = strchr(c, '/');
		size_t k = e ? (size_t)(e - c) : strlen(c);
		if (k == 0)
			*why = "empty path component";
		else if ((k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.'))
			*why = "'.' or '..' in path";
		c += k + 1;
	}
	return *why == NULL;
}

static bool
is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Printable ASCII, 1..max bytes. */
static bool
is_text(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* 2026-11-30T14:02:11Z */
static bool
is_utc(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (n != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	return true;
}

static bool
is_key_line(const char *s, size_t n)
{
	if (!is_text(s, n, KEY_LINE_MAX))
		return false;
	if (n > 10 && strncmp(s, "-----", 5) == 0 && strncmp(s + n - 5, "-----", 5) == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' || s[i] == '='))
			return false;
	return true;
}

/* Decimal without sign or leading zeros, at most 2^63-1. */
static bool
parse_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > INT64_MAX)
		return false;
	*out = v;
	return true;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const manifest_entry_t *)a)->path, ((const manifest_entry_t *)b)->path);
}

char *
manifest_format(manifest_t *m, size_t *len, char *err, size_t errlen)
{
	*len = 0;
	if (m->n > MANIFEST_MAX_ENTRIES) {
		snprintf(err, errlen, "%zu files: more than a manifest may list (%d)", m->n,
		    MANIFEST_MAX_ENTRIES);
		return NULL;
	}
	if (!m->tool || !m->signed_at || !m->algorithm || !m->key_pem) {
		snprintf(err, errlen, "manifest header incomplete");
		return NULL;
	}
	qsort(m->entries, m->n, sizeof(*m->entries), cmp_entry);
	for (size_t i = 0; i < m->n; i++) {
		const char *why;
		if (!manifest_path_ok(m->entries[i].path, &why)) {
			snprintf(err, errlen, "cannot list '%s': %s", m->entries[i].path, why);
			return NULL;
		}
		if (i && strcmp(m->entries[i - 1].path, m->entries[i].path) == 0) {
			snprintf(err, errlen, "'%s' listed twice", m->entries[i].path);
			return NULL;
		}
	}
	buf_t b;
	buf_init(&b, MANIFEST_MAX_BYTES);
	buf_printf(&b, "%s\n# tool: %s\n# signed: %s\n# algorithm: %s\n# key-sha256: %s\n",
	    MANIFEST_MAGIC, m->tool, m->signed_at, m->algorithm, m->key_sha256);
	for (const char *l = m->key_pem; *l; ) {
		size_t k = strcspn(l, "\n");
		buf_printf(&b, "# key: %.*s\n", (int)k, l);
		l += k + (l[k] == '\n');
	}
	buf_printf(&b, "# files: %zu\n", m->n);
	for (size_t i = 0; i < m->n; i++)
		buf_printf(&b, "%s  %llu  %s\n", m->entries[i].sha256,
		    (unsigned long long)m->entries[i].size, m->entries[i].path);
	/* Never sign what verify would refuse to read. */
	manifest_t *back = b.truncated ? NULL : manifest_parse(b.data, b.len, err, errlen);
	if (back == NULL) {
		if (b.truncated)
			snprintf(err, errlen, "manifest larger than %u MiB", MANIFEST_MAX_BYTES >> 20);
		buf_free(&b);
		return NULL;
	}
	manifest_free(back);
	*len = b.len;
	return buf_steal(&b);
}

/* Parser state: which line comes next. */
enum { P_MAGIC, P_TOOL, P_SIGNED, P_ALG, P_KEYSHA, P_KEY1, P_KEYN, P_ENTRIES };

static const char *
header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);
	if (n < 4 + k || strncmp(line, "# ", 2) != 0 || strncmp(line + 2, name, k) != 0 ||
	    strncmp(line + 2 + k, ": ", 2) != 0)
		return NULL;
	*vlen = n - 4 - k;
	return line + 4 + k;
}

/* One line (without its '\n'); NULL, or what is wrong with it. */
static const char *
parse_line(manifest_t *m, int *state, uint64_t *files, buf_t *pem, const char *l, size_t n)
{
	const char *v;
	size_t vn = 0;
	switch (*state) {
	case P_MAGIC:
		if (n != strlen(MANIFEST_MAGIC) || memcmp(l, MANIFEST_MAGIC, n) != 0)
			return "not an iotcert manifest (expected '" MANIFEST_MAGIC "')";
		break;
	case P_TOOL:
		if ((v = header_value(l, n, "tool", &vn)) == NULL || !is_text(v, vn, TEXT_MAX))
			return "expected '# tool: NAME VERSION'";
		m->tool = xstrndup(v, vn);
		break;
	case P_SIGNED:
		if ((v = header_value(l, n, "signed", &vn)) == NULL || !is_utc(v, vn))
			return "expected '# signed: YYYY-MM-DDTHH:MM:SSZ'";
		m->signed_at = xstrndup(v, vn);
		break;
	case P_ALG:
		if ((v = header_value(l, n, "algorithm", &vn)) == NULL || !is_text(v, vn, 40))
			return "expected '# algorithm: NAME'";
		m->algorithm = xstrndup(v, vn);
		break;
	case P_KEYSHA:
		if ((v = header_value(l, n, "key-sha256", &vn)) == NULL || !is_hex64(v, vn))
			return "expected '# key-sha256: 64 lowercase hex digits'";
		memcpy(m->key_sha256, v, 64);
		m->key_sha256[64] = '\0';
		break;
	case P_KEY1:
	case P_KEYN:
		if (*state == P_KEYN && (v = header_value(l, n, "files", &vn)) != NULL) {
			if (!parse_u64(v, vn, files) || *files > MANIFEST_MAX_ENTRIES)
				return "expected '# files: COUNT' (at most 100000)";
			m->key_pem = buf_steal(pem);
			*state = P_ENTRIES;
			return NULL;
		}
		if ((v = header_value(l, n, "key", &vn)) == NULL || !is_key_line(v, vn))
			return *state == P_KEY1 ? "expected '# key: ' and a line of PEM" :
			    "expected '# key: ' and a line of PEM, or '# files: COUNT'";
		if (buf_append(pem, v, vn) < 0 || buf_append(pem, "\n", 1) < 0)
			return "public key too long";
		*state = P_KEYN;
		return NULL;
	case P_ENTRIES: {
		if (m->n >= *files)
			return "more files listed than '# files:' says";
		if (n < 67 || !is_hex64(l, 64) || l[64] != ' ' || l[65] != ' ')
			return "expected 'SHA256  SIZE  PATH' (64 lowercase hex digits, two spaces)";
		const char *s1 = memchr(l + 66, ' ', n - 66);
		uint64_t size;
		if (s1 == NULL || s1 + 2 > l + n || s1[1] != ' ' ||
		    !parse_u64(l + 66, (size_t)(s1 - l - 66), &size))
			return "bad size (a decimal number, then two spaces and the path)";
		char *path = xstrndup(s1 + 2, (size_t)(l + n - s1 - 2));
		const char *why = NULL;
		if (strlen(path) != (size_t)(l + n - s1 - 2) || !manifest_path_ok(path, &why)) {
			free(path);
			return why ? why : "NUL byte in path";
		}
		if (m->n) {
			int c = strcmp(m->entries[m->n - 1].path, path);
			if (c >= 0) {
				free(path);
				return c == 0 ? "duplicate path" : "paths not in sorted order";
			}
		}
		char sha[SHA256_HEX_LEN];
		memcpy(sha, l, 64);
		sha[64] = '\0';
		manifest_add(m, path, sha, size);
		free(path);
		return NULL;
	}
	}
	(*state)++;
	return NULL;
}

manifest_t *
manifest_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	if (len > MANIFEST_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u MiB", MANIFEST_MAX_BYTES >> 20);
		return NULL;
	}
	manifest_t *m = manifest_new();
	buf_t pem;
	buf_init(&pem, 16 * 1024);
	int state = P_MAGIC;
	uint64_t files = 0;
	size_t lineno = 0;
	const char *why = NULL;
	for (size_t off = 0; off < len && why == NULL; ) {
		lineno++;
		size_t room = len - off;
		const char *nl = memchr(buf + off, '\n', room < MANIFEST_LINE_MAX + 1 ?
		    room : MANIFEST_LINE_MAX + 1);
		if (nl == NULL) {
			why = room > MANIFEST_LINE_MAX ? "line longer than the maximum (4184 bytes)"
			    : "last line does not end with a newline";
			break;
		}
		size_t n = (size_t)(nl - (buf + off));
		if (memchr(buf + off, '\0', n))
			why = "NUL byte";
		else
			why = parse_line(m, &state, &files, &pem, buf + off, n);
		off += n + 1;
	}
	if (why == NULL && state != P_ENTRIES) {
		lineno++;
		why = len == 0 ? "empty manifest" : "manifest ends inside its header";
	} else if (why == NULL && m->n != files) {
		lineno++;
		why = "fewer files listed than '# files:' says (truncated?)";
	}
	buf_free(&pem);
	if (why) {
		snprintf(err, errlen, "line %zu: %s", lineno, why);
		manifest_free(m);
		return NULL;
	}
	return m;
}

const manifest_entry_t *
manifest_find(const manifest_t *m, const char *path)
{
	manifest_entry_t key = { .path = (char *)path };
	return m->n ? bsearch(&key, m->entries, m->n, sizeof(*m->entries), cmp_entry) : NULL;
}
