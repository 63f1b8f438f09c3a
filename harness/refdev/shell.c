/*
 * The tiny root shell a scanner finds behind a default telnet login or the
 * undocumented debug port.  It knows just enough (echo, id, exit) for a test
 * to prove it got command execution; it never runs anything for real.
 */
#include "refdev.h"

#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define SHELL_LINE_MAX 1024

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Runs one command line; false when the shell should end. */
static bool
run_line(conn_t *c, term_t *t, const char *line)
{
	const char *cmd = skip_blanks(line);
	size_t clen = strcspn(cmd, " \t");
	if (clen == 0)
		return true;
	char *out = NULL;
	if (clen == 4 && strncmp(cmd, "exit", 4) == 0)
		return false;
	if (clen == 6 && strncmp(cmd, "logout", 6) == 0)
		return false;
	if (clen == 4 && strncmp(cmd, "echo", 4) == 0)
		out = xasprintf("%s\r\n", skip_blanks(cmd + clen));
	else if (clen == 2 && strncmp(cmd, "id", 2) == 0)
		out = xstrdup("uid=0(root) gid=0(root)\r\n");
	else
		out = xasprintf("-sh: %.*s: not found\r\n", (int)clen, cmd);
	conn_log(c, "shell: %.*s", (int)clen, cmd);
	int r = term_write(t, out);
	free(out);
	return r == 0;
}

void
shell_run(conn_t *c, term_t *t, bool echo)
{
	char line[SHELL_LINE_MAX];
	for (;;) {
		if (term_readline(t, line, sizeof(line), echo) < 0)
			return;
		if (!run_line(c, t, line))
			return;
		if (conn_puts(c, "# ") < 0)
			return;
	}
}
