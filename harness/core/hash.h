/*
 * SHA-256 of files and buffers through OpenSSL EVP, as lowercase hex.
 */
#ifndef IOTCERT_HASH_H
#define IOTCERT_HASH_H

#include <stddef.h>

#define SHA256_HEX_LEN 65	/* 64 hex digits + NUL */

int sha256_file(const char *path, char hex[SHA256_HEX_LEN]);	/* 0 or -1 (errno) */
void sha256_buf(const void *p, size_t n, char hex[SHA256_HEX_LEN]);

#endif
