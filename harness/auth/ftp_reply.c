/*
 * FTP reply framing over the cursor (see ftp_reply.h).
 */
#include "auth/ftp_reply.h"

#include "auth/outcome.h"
#include "proto/cursor.h"

#include <string.h>

static int
digit(uint8_t c)
{
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/* The next line without its CR LF: 0, or 1 when it has no LF yet. */
static int
next_line(cursor_t *c, const uint8_t **line, size_t *len)
{
	size_t left = cur_left(c);
	const uint8_t *start = c->p + c->off;
	const uint8_t *lf = memchr(start, '\n', left);
	if (lf == NULL)
		return 1;
	size_t l = (size_t)(lf - start);
	cur_skip(c, l + 1);
	if (l && start[l - 1] == '\r')
		l--;
	*line = start;
	*len = l;
	return 0;
}

/* "NNN" then ' ', '-' or the end of the line: the code, else -1. */
static int
line_code(const uint8_t *l, size_t n, uint8_t *sep)
{
	if (n < 3 || digit(l[0]) < 1 || digit(l[0]) > 5 || digit(l[1]) < 0 || digit(l[2]) < 0)
		return -1;
	*sep = n > 3 ? l[3] : ' ';
	if (*sep != ' ' && *sep != '-')
		return -1;
	return digit(l[0]) * 100 + digit(l[1]) * 10 + digit(l[2]);
}

int
ftp_reply_parse(const uint8_t *p, size_t n, int *code, size_t *used, char *text,
    size_t textcap)
{
	cursor_t c;
	cur_init(&c, p, n > FTP_REPLY_MAX ? FTP_REPLY_MAX : n);
	const uint8_t *line;
	size_t len;
	if (next_line(&c, &line, &len)) {
		if (cur_left(&c) > FTP_LINE_MAX)
			return -1;
		/* Enough bytes to see a bad start need not wait for the line end. */
		uint8_t sep;
		if (cur_left(&c) >= 4 && line_code(c.p, 4, &sep) < 0)
			return -1;
		return n >= FTP_REPLY_MAX ? -1 : 1;
	}
	if (len > FTP_LINE_MAX)
		return -1;
	uint8_t sep;
	int first = line_code(line, len, &sep);
	if (first < 0)
		return -1;
	if (text)
		auth_printable(line + (len > 4 ? 4 : len), len > 4 ? len - 4 : 0, text, textcap);
	while (sep == '-') {
		if (next_line(&c, &line, &len))
			return cur_left(&c) > FTP_LINE_MAX || n >= FTP_REPLY_MAX ? -1 : 1;
		if (len > FTP_LINE_MAX)
			return -1;
		uint8_t s2;
		/* Inner lines may say anything; only "NNN " with our code ends it. */
		if (line_code(line, len, &s2) == first && s2 == ' ')
			break;
	}
	*code = first;
	*used = c.off;
	return 0;
}
