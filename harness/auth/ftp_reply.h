/*
 * FTP control-connection replies (RFC 959 4.2), pure: a reply is one line
 * "NNN text" or several, from "NNN-text" to the line starting "NNN ".
 * Bounded: a line over FTP_LINE_MAX or a reply over FTP_REPLY_MAX is
 * malformed, however the device meant it.
 */
#ifndef IOTCERT_AUTH_FTP_REPLY_H
#define IOTCERT_AUTH_FTP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#define FTP_LINE_MAX 2048
#define FTP_REPLY_MAX (16u * 1024)

/*
 * Looks for one complete reply at the start of p[0..n).  0: *code and
 * *used (bytes of the reply, line ends included) set, and text gets the
 * first line's text (printable, capped); 1: incomplete; -1: malformed.
 */
int ftp_reply_parse(const uint8_t *p, size_t n, int *code, size_t *used, char *text,
    size_t textcap);

#endif
