/*
 * Feeds a web page body to the access-control page classifiers:
 * html_login_page (password input, login title), html_soft_redirect (meta
 * refresh, script navigation) and html_title.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/html.h"
#include "proto/html_login.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)html_login_page(data, size);
	(void)html_soft_redirect(data, size);
	char t[128];
	(void)html_title(data, size, t, sizeof(t));
	(void)html_title(data, size, t, 1);
	return 0;
}
