/*
 * Small shared helpers: allocation that treats out-of-memory as fatal (the only
 * fatal condition outside start-up), capped growable buffers, string lists and
 * clocks.  Nothing here keeps state between calls.
 */
#ifndef IOTCERT_UTIL_H
#define IOTCERT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);                 /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/*
 * A growable byte buffer with a hard maximum.  Appends past `max` fail and
 * set `truncated`; the buffer is always NUL-terminated for convenience but may
 * hold NULs (use len).  Owner calls buf_free().
 */
typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	bool truncated;
} buf_t;

void buf_init(buf_t *b, size_t max);
int buf_append(buf_t *b, const void *p, size_t n); /* 0, or -1 when capped */
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(buf_t *b);
void buf_free(buf_t *b);
char *buf_steal(buf_t *b);                    /* caller frees; b is reset */

/* A list of owned strings. */
typedef struct strlist {
	char **v;
	size_t n;
	size_t cap;
} strlist_t;

void strlist_push(strlist_t *l, const char *s);  /* copies s */
void strlist_push_owned(strlist_t *l, char *s);  /* takes s */
bool strlist_has(const strlist_t *l, const char *s);
char *strlist_join(const strlist_t *l, const char *sep); /* caller frees */
void strlist_free(strlist_t *l);

uint64_t mono_ms(void);            /* monotonic milliseconds */
int64_t wall_ms(void);             /* UTC milliseconds since the epoch */
void fmt_utc(int64_t ms, char *out, size_t len); /* 2026-11-28T02:10:04.123Z */

/* Glob match of `pat` (*, ?, [..]) against `s`, case-sensitive. */
bool glob_match(const char *pat, const char *s);
/* Median of v[0..n) (sorts v in place; the mean of the middle two when n is
 * even), -1 when n is 0. */
long long ll_median(long long *v, size_t n);

/* Read a whole file up to `max` bytes; caller frees *out.  -1 on error/too big. */
int read_file_capped(const char *path, size_t max, char **out, size_t *len);

#endif
