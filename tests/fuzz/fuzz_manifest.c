/*
 * Feeds bytes to manifest_parse (what `iotcert verify` reads before it has
 * checked anything), and checks the round trip: a manifest the parser
 * accepts is formatted back to exactly the same bytes, so what verify reads
 * is what sign would have written.  The embedded key goes through
 * sign_key_from_pem, and the input through the strict base64 decoder of
 * MANIFEST.sig.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/b64.h"
#include "crypto/sign.h"
#include "report/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	manifest_t *m = manifest_parse((const char *)data, size, err, sizeof(err));
	if (m != NULL) {
		size_t len = 0;
		char *back = manifest_format(m, &len, err, sizeof(err));
		if (back == NULL || len != size || memcmp(back, data, size) != 0)
			abort();	/* parse and format disagree */
		free(back);
		sign_key_free(sign_key_from_pem(m->key_pem, strlen(m->key_pem), err, sizeof(err)));
		manifest_free(m);
	}
	unsigned char *out = NULL;
	size_t outlen = 0;
	if (b64_decode((const char *)data, size, &out, &outlen) == 0) {
		char *again = b64_encode(out, outlen);
		if (strlen(again) != size || memcmp(again, data, size) != 0)
			abort();	/* strict: one text per byte string */
		free(again);
	}
	free(out);
	return 0;
}
