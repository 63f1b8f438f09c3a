/*
 * Evidence hashing.  Files are streamed so a large capture is hashed in
 * constant memory.
 */
#include "hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>

static void
hexify(const unsigned char *md, unsigned n, char hex[SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int
sha256_file(const char *path, char hex[SHA256_HEX_LEN])
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	unsigned char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		EVP_DigestUpdate(c, chunk, n);
	int bad = ferror(f);
	fclose(f);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	if (bad) {
		errno = EIO;
		return -1;
	}
	hexify(md, mdlen, hex);
	return 0;
}

void
sha256_buf(const void *p, size_t n, char hex[SHA256_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	hexify(md, mdlen, hex);
}
