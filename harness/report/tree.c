/*
 * Directory walk and file digests for sealing (tree.h).  Each directory is
 * opened relative to its parent's descriptor with O_NOFOLLOW, so a link
 * swapped in during the walk is not followed either.
 */
#include "report/tree.h"
#include "report/manifest.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
push(tree_t *t, char *path, tree_kind_t kind)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].path = path;
	t->v[t->n].kind = kind;
	t->n++;
}

static bool
name_ok(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Walks the directory open on dfd (closed here); rel is its path or "". */
static int
walk(int dfd, const char *rel, int depth, tree_t *t, char *err, size_t errlen)
{
	DIR *d = fdopendir(dfd);
	if (d == NULL) {
		snprintf(err, errlen, "cannot read directory '%s': %s", *rel ? rel : ".",
		    strerror(errno));
		close(dfd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (depth == 0 && (strcmp(name, MANIFEST_NAME) == 0 ||
		    strcmp(name, MANIFEST_SIG_NAME) == 0))
			continue;
		if (t->n >= MANIFEST_MAX_ENTRIES) {
			snprintf(err, errlen, "more than %d files: more than a manifest may list",
			    MANIFEST_MAX_ENTRIES);
			rc = -2;
			break;
		}
		char *path = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		struct stat st;
		if (!name_ok(name) || strlen(path) > MANIFEST_PATH_MAX) {
			push(t, path, TREE_BADNAME);
		} else if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			char *safe = tree_printable(path);
			snprintf(err, errlen, "cannot stat '%s': %s", safe, strerror(errno));
			free(safe);
			free(path);
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			push(t, path, TREE_SYMLINK);
		} else if (S_ISREG(st.st_mode)) {
			push(t, path, TREE_FILE);
		} else if (!S_ISDIR(st.st_mode)) {
			push(t, path, TREE_SPECIAL);
		} else if (depth + 1 >= TREE_MAX_DEPTH) {
			char *safe = tree_printable(path);
			snprintf(err, errlen, "'%s': directories nested deeper than %d levels",
			    safe, TREE_MAX_DEPTH);
			free(safe);
			free(path);
			rc = -2;
		} else {
			int sub = openat(dirfd(d), name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				snprintf(err, errlen, "cannot open directory '%s': %s", path,
				    strerror(errno));
				rc = -1;
			} else {
				rc = walk(sub, path, depth + 1, t, err, errlen);
			}
			free(path);
		}
	}
	if (rc == 0 && e == NULL && errno != 0) {
		snprintf(err, errlen, "cannot read directory '%s': %s", *rel ? rel : ".",
		    strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const tree_entry_t *)a)->path, ((const tree_entry_t *)b)->path);
}

int
tree_scan(const char *dir, tree_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = walk(fd, "", 0, out, err, errlen);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
	return rc;
}

void
tree_free(tree_t *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const char *
tree_kind_str(tree_kind_t k)
{
	switch (k) {
	case TREE_FILE: return "file";
	case TREE_SYMLINK: return "symbolic link";
	case TREE_SPECIAL: return "not a regular file";
	case TREE_BADNAME: return "name with a control character, or too long";
	}
	return "?";
}

int
tree_digest(const char *dir, const char *rel, char hex[SHA256_HEX_LEN], uint64_t *size)
{
	char *path = xasprintf("%s/%s", dir, rel);
	/* O_NONBLOCK: a FIFO put in place of a file must not block the open. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	unsigned char chunk[65536];
	uint64_t total = 0;
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			EVP_MD_CTX_free(c);
			close(fd);
			errno = e;
			return -1;
		}
		EVP_DigestUpdate(c, chunk, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < 32 && i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	*size = total;
	return 0;
}

char *
tree_printable(const char *s)
{
	buf_t b;
	buf_init(&b, 4 * MANIFEST_PATH_MAX + 64);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			buf_printf(&b, "\\x%02x", *p);
		else
			buf_append(&b, p, 1);
	}
	buf_append(&b, "", 0);
	return buf_steal(&b);
}
