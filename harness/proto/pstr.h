/*
 * Turning bytes a device sent into text a report can hold: control bytes
 * become '?', everything else (UTF-8 included) is kept, and the result always
 * fits and is NUL-terminated.  Pure; shared by the UDP protocol parsers.
 */
#ifndef IOTCERT_PSTR_H
#define IOTCERT_PSTR_H

#include <stddef.h>
#include <stdint.h>

/* Copies up to outlen-1 bytes of p[0..n) into out; returns the length written. */
size_t pstr_copy(char *out, size_t outlen, const uint8_t *p, size_t n);
/* Appends like pstr_copy at out+*len, advancing *len; stops when full. */
void pstr_append(char *out, size_t outlen, size_t *len, const uint8_t *p, size_t n);

#endif
