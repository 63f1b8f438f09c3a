/*
 * Verifying a sealed report directory (seal.h).  The manifest is read
 * through one capped read and parsed strictly before anything in it is
 * used; when the verifier brings its own key, the signature is checked
 * against it whatever the manifest says.
 */
#include "report/seal.h"
#include "crypto/b64.h"
#include "report/manifest.h"
#include "report/tree.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIG_FILE_MAX 4096	/* base64 of a P-521 signature is under 200 bytes */

const char *
seal_problem_str(seal_problem_t p)
{
	switch (p) {
	case SEAL_P_MANIFEST: return "manifest";
	case SEAL_P_SIGNATURE: return "signature";
	case SEAL_P_KEY: return "key";
	case SEAL_P_ALTERED: return "altered";
	case SEAL_P_MISSING: return "missing";
	case SEAL_P_UNLISTED: return "unlisted";
	case SEAL_P_UNREADABLE: return "unreadable";
	}
	return "?";
}

/*
 * Reads dir/name whole if it is a regular file of at most max bytes.
 * 0; -1 with errno when it cannot be opened; -2 when not a regular file or
 * too large.
 */
static int
read_small(const char *dir, const char *name, size_t max, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return errno == ELOOP ? -2 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return -2;
	}
	char *b = xcalloc(max + 1, 1);
	size_t n = 0;
	ssize_t r;
	while (n <= max && (r = read(fd, b + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			close(fd);
			errno = e;
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {	/* it grew since fstat */
		free(b);
		return -2;
	}
	*out = b;
	*len = n;
	return 0;
}

typedef struct vctx {
	seal_report_fn fn;
	void *arg;
	seal_result_t *res;
} vctx_t;

static void
problem(vctx_t *v, seal_problem_t p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
problem(vctx_t *v, seal_problem_t p, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *detail = xvasprintf(fmt, ap);
	va_end(ap);
	v->res->problems++;
	if (v->fn)
		v->fn(v->arg, p, path, detail);
	free(detail);
}

/* The signature in MANIFEST.sig, or NULL after reporting why not. */
static unsigned char *
read_signature(const char *dir, vctx_t *v, size_t *siglen)
{
	char *text;
	size_t n;
	int rc = read_small(dir, MANIFEST_SIG_NAME, SIG_FILE_MAX, &text, &n);
	if (rc == -1) {
		problem(v, SEAL_P_SIGNATURE, NULL, "%s: %s", MANIFEST_SIG_NAME, strerror(errno));
		return NULL;
	}
	if (rc == -2) {
		problem(v, SEAL_P_SIGNATURE, NULL, "%s: not a regular file of at most %d bytes",
		    MANIFEST_SIG_NAME, SIG_FILE_MAX);
		return NULL;
	}
	if (n > 0 && text[n - 1] == '\n')
		n--;
	unsigned char *sig = NULL;
	if (b64_decode(text, n, &sig, siglen) < 0)
		problem(v, SEAL_P_SIGNATURE, NULL, "%s: not one line of base64",
		    MANIFEST_SIG_NAME);
	free(text);
	return sig;
}

/* The key the manifest embeds, checked against its own header lines. */
static sign_key_t *
embedded_key(const manifest_t *m, vctx_t *v)
{
	char why[256];
	sign_key_t *k = sign_key_from_pem(m->key_pem, strlen(m->key_pem), why, sizeof(why));
	if (k == NULL) {
		problem(v, SEAL_P_MANIFEST, NULL, "the embedded public key: %s", why);
		return NULL;
	}
	if (strcmp(sign_key_fingerprint(k), m->key_sha256) != 0)
		problem(v, SEAL_P_MANIFEST, NULL, "key-sha256 %s is not the fingerprint of the "
		    "embedded key (%s)", m->key_sha256, sign_key_fingerprint(k));
	if (strcmp(sign_alg_str(sign_key_alg(k)), m->algorithm) != 0)
		problem(v, SEAL_P_MANIFEST, NULL, "algorithm '%s' does not fit the embedded key "
		    "(%s)", m->algorithm, sign_alg_str(sign_key_alg(k)));
	return k;
}

static void
check_signature(const manifest_t *m, const sign_key_t *pub, const char *text, size_t len,
    const unsigned char *sig, size_t siglen, vctx_t *v)
{
	sign_key_t *own = embedded_key(m, v);
	const sign_key_t *k = pub ? pub : own;
	if (pub && strcmp(sign_key_fingerprint(pub), m->key_sha256) != 0)
		problem(v, SEAL_P_KEY, NULL, "the manifest was signed with key sha256:%s, not "
		    "with the --pubkey key sha256:%s", m->key_sha256, sign_key_fingerprint(pub));
	if (k) {
		snprintf(v->res->key_sha256, sizeof(v->res->key_sha256), "%s",
		    sign_key_fingerprint(k));
		v->res->signature_ok = sig && sign_check(k, text, len, sig, siglen) == 1;
		if (sig && !v->res->signature_ok)
			problem(v, SEAL_P_SIGNATURE, NULL, "%s does not verify against %s key "
			    "sha256:%s: the manifest or its signature was changed", MANIFEST_SIG_NAME,
			    pub ? "the --pubkey" : "the embedded", sign_key_fingerprint(k));
	}
	sign_key_free(own);
}

/* One listed file that is there. */
static void
check_file(const char *dir, const manifest_entry_t *e, const tree_entry_t *t, vctx_t *v)
{
	char hex[SHA256_HEX_LEN];
	uint64_t size;
	if (t->kind != TREE_FILE)
		problem(v, SEAL_P_ALTERED, e->path, "now a %s", tree_kind_str(t->kind));
	else if (tree_digest(dir, e->path, hex, &size) < 0)
		problem(v, SEAL_P_UNREADABLE, e->path, "%s", strerror(errno));
	else if (size != e->size)
		problem(v, SEAL_P_ALTERED, e->path, "%llu bytes, listed with %llu",
		    (unsigned long long)size, (unsigned long long)e->size);
	else if (strcmp(hex, e->sha256) != 0)
		problem(v, SEAL_P_ALTERED, e->path, "SHA-256 differs");
}

/* Both lists are sorted bytewise: one merge finds all three kinds. */
static int
check_files(const char *dir, const manifest_t *m, vctx_t *v, char *err, size_t errlen)
{
	tree_t t;
	char why[512];
	int rc = tree_scan(dir, &t, why, sizeof(why));
	if (rc == -1) {
		snprintf(err, errlen, "%s", why);
		tree_free(&t);
		return -1;
	}
	if (rc == -2) {	/* over a cap: more is there than any manifest lists */
		problem(v, SEAL_P_UNLISTED, NULL, "%s", why);
		tree_free(&t);
		return 0;
	}
	size_t i = 0, j = 0;
	while (i < m->n || j < t.n) {
		int c = i == m->n ? 1 : j == t.n ? -1 : strcmp(m->entries[i].path, t.v[j].path);
		if (c < 0) {
			problem(v, SEAL_P_MISSING, m->entries[i++].path, "listed, not there");
		} else if (c > 0) {
			if (t.v[j].kind == TREE_FILE)
				problem(v, SEAL_P_UNLISTED, t.v[j].path, "not in the manifest");
			else
				problem(v, SEAL_P_UNLISTED, t.v[j].path, "not in the manifest (%s)",
				    tree_kind_str(t.v[j].kind));
			j++;
		} else {
			check_file(dir, &m->entries[i++], &t.v[j++], v);
		}
	}
	tree_free(&t);
	return 0;
}

int
seal_verify(const char *dir, const sign_key_t *pub, seal_report_fn fn, void *arg,
    seal_result_t *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	vctx_t v = { fn, arg, res };
	struct stat st;
	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return SEAL_UNREADABLE;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return SEAL_UNREADABLE;
	}
	char *text;
	size_t len;
	int rc = read_small(dir, MANIFEST_NAME, MANIFEST_MAX_BYTES, &text, &len);
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s%s", dir, MANIFEST_NAME, strerror(errno),
		    errno == ENOENT ? " (the directory was never signed: iotcert sign)" : "");
		return SEAL_UNREADABLE;
	}
	if (rc == -2) {
		problem(&v, SEAL_P_MANIFEST, NULL, "%s is not a regular file of at most %u MiB",
		    MANIFEST_NAME, MANIFEST_MAX_BYTES >> 20);
		return SEAL_FAILED;
	}
	size_t siglen = 0;
	unsigned char *sig = read_signature(dir, &v, &siglen);
	char why[512];
	manifest_t *m = manifest_parse(text, len, why, sizeof(why));
	if (m == NULL) {
		problem(&v, SEAL_P_MANIFEST, NULL, "%s %s", MANIFEST_NAME, why);
		/* A key brought along still says whether these bytes were signed. */
		if (pub && sig && sign_check(pub, text, len, sig, siglen) != 1)
			problem(&v, SEAL_P_SIGNATURE, NULL, "%s does not verify against the --pubkey "
			    "key", MANIFEST_SIG_NAME);
	} else {
		res->files = m->n;
		snprintf(res->signed_at, sizeof(res->signed_at), "%s", m->signed_at);
		check_signature(m, pub, text, len, sig, siglen, &v);
		if (check_files(dir, m, &v, err, errlen) < 0)
			rc = SEAL_UNREADABLE;
	}
	manifest_free(m);
	free(sig);
	free(text);
	if (rc == SEAL_UNREADABLE)
		return SEAL_UNREADABLE;
	return res->problems || !res->signature_ok ? SEAL_FAILED : SEAL_VERIFIED;
}
