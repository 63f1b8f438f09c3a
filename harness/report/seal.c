/*
 * Sealing a report directory (seal.h): walk, hash, format, sign, then
 * replace MANIFEST and MANIFEST.sig.  Verifying is in seal_verify.c.
 */
#include "report/seal.h"
#include "crypto/b64.h"
#include "report/manifest.h"
#include "report/tree.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TMP_SUFFIX ".tmp"

/* Writes dir/name through dir/name.tmp and a rename. */
static int
write_atomic(const char *dir, const char *name, const void *data, size_t len, char *err,
    size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s" TMP_SUFFIX, path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc = -1;
	if (fd >= 0) {
		const char *p = data;
		size_t left = len;
		while (left > 0) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			p += w;
			left -= (size_t)w;
		}
		if (left == 0 && fsync(fd) == 0)
			rc = 0;
		if (close(fd) < 0)
			rc = -1;
	}
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return rc;
}

static void
utc_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The manifest of dir, or NULL with a message (nothing is left out silently). */
static manifest_t *
build(const char *dir, const sign_key_t *key, char *err, size_t errlen)
{
	tree_t t;
	if (tree_scan(dir, &t, err, errlen) < 0) {
		tree_free(&t);
		return NULL;
	}
	manifest_t *m = manifest_new();
	for (size_t i = 0; i < t.n && m; i++) {
		char hex[SHA256_HEX_LEN];
		uint64_t size;
		if (t.v[i].kind != TREE_FILE) {
			char *p = tree_printable(t.v[i].path);
			snprintf(err, errlen, "refusing to sign %s: '%s' is a %s; a manifest lists "
			    "regular files only", dir, p, tree_kind_str(t.v[i].kind));
			free(p);
			manifest_free(m);
			m = NULL;
		} else if (tree_digest(dir, t.v[i].path, hex, &size) < 0) {
			snprintf(err, errlen, "cannot read %s/%s: %s", dir, t.v[i].path,
			    strerror(errno));
			manifest_free(m);
			m = NULL;
		} else {
			manifest_add(m, t.v[i].path, hex, size);
		}
	}
	tree_free(&t);
	if (m) {
		char when[32];
		utc_now(when);
		m->tool = xstrdup("iotcert " IOTCERT_VERSION);
		m->signed_at = xstrdup(when);
		m->algorithm = xstrdup(sign_alg_str(sign_key_alg(key)));
		snprintf(m->key_sha256, sizeof(m->key_sha256), "%s", sign_key_fingerprint(key));
		m->key_pem = xstrdup(sign_key_public_pem(key));
	}
	return m;
}

int
seal_sign(const char *dir, const sign_key_t *key, size_t *files, char *err, size_t errlen)
{
	*files = 0;
	if (!sign_key_has_private(key)) {
		snprintf(err, errlen, "sealing needs a private key");
		return -1;
	}
	/* Left over by an interrupted signing: they would be listed. */
	char *stale1 = xasprintf("%s/%s" TMP_SUFFIX, dir, MANIFEST_NAME);
	char *stale2 = xasprintf("%s/%s" TMP_SUFFIX, dir, MANIFEST_SIG_NAME);
	unlink(stale1);
	unlink(stale2);
	free(stale1);
	free(stale2);
	manifest_t *m = build(dir, key, err, errlen);
	if (m == NULL)
		return -1;
	size_t len = 0, siglen = 0, n = m->n;
	unsigned char *sig = NULL;
	char *text = manifest_format(m, &len, err, errlen);
	manifest_free(m);
	int rc = -1;
	if (text && sign_data(key, text, len, &sig, &siglen, err, errlen) == 0) {
		char *b64 = b64_encode(sig, siglen);
		char *line = xasprintf("%s\n", b64);
		if (write_atomic(dir, MANIFEST_SIG_NAME, line, strlen(line), err, errlen) == 0 &&
		    write_atomic(dir, MANIFEST_NAME, text, len, err, errlen) == 0)
			rc = 0;
		free(line);
		free(b64);
	}
	free(sig);
	free(text);
	if (rc == 0)
		*files = n;
	return rc;
}
