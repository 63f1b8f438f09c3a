/*
 * The undocumented debug console on 9999: a root shell with no login at all,
 * the kind of leftover factory backdoor EN 303 645 provision 5.6 is about.
 */
#include "refdev.h"

void
svc_debug_run(conn_t *c)
{
	term_t *t = term_new(c, false);
	if (conn_puts(c, "refdev debug console\r\n# ") == 0 && !conn_greeted(c))
		shell_run(c, t, false);
	term_free(t);
}
