/*
 * The capture module's one way of reporting failure: a formatted line into the
 * caller's buffer, which may be absent.  Internal to harness/capture.
 */
#ifndef IOTCERT_CAPTURE_ERRMSG_H
#define IOTCERT_CAPTURE_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4))) static inline int
cap_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err != NULL && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#endif
