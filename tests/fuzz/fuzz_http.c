/*
 * Feeds an HTTP response as a device sends it: http_head_end and
 * http_parse_head on the head, then the body through http_body_init /
 * http_body_feed in pieces (sizes from the first input byte) and
 * http_body_eof; also the whole buffer to http_parse_response (GET and
 * HEAD), and the input as a URL to http_url_parse.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] % 64 + 1;
	bool head_req = data[0] & 0x80;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	char err[256];

	size_t h = http_head_end(p, n);
	if (h > 0) {
		http_resp_t r = { 0 };
		if (http_parse_head(p, h, &r, err, sizeof(err)) == 0) {
			(void)http_resp_header(&r, "content-type");
			http_body_t b;
			http_body_init(&b, &r, head_req, 4096);
			size_t off = h;
			http_body_rc_t rc = HTTP_BODY_MORE;
			while (off < n && rc == HTTP_BODY_MORE) {
				size_t k = n - off < step ? n - off : step, used = 0;
				rc = http_body_feed(&b, p + off, k, &used);
				if (used == 0 && rc == HTTP_BODY_MORE)
					break;
				off += used;
			}
			if (rc == HTTP_BODY_MORE)
				rc = http_body_eof(&b);
			http_body_finish(&b, &r, rc == HTTP_BODY_DONE);
		}
		http_resp_clear(&r);
	}

	for (int hr = 0; hr < 2; hr++) {
		http_resp_t r = { 0 };
		(void)http_parse_response(p, n, step & 1, hr, 1024, &r, err, sizeof(err));
		http_resp_clear(&r);
	}

	char *url = malloc(n + 1);
	if (url != NULL) {
		memcpy(url, p, n);
		url[n] = '\0';
		http_url_t u;
		if (http_url_parse(url, &u) == 0) {
			char hh[300];
			http_host_header(u.host, u.port, u.tls, hh, sizeof(hh));
		}
		free(url);
	}
	return 0;
}
