/*
 * Progress on a terminal: one line rewritten in place ("[3/12] CASE: probe").
 * Silent when stderr is not a TTY so logs and pipes stay clean.  Thread-safe.
 */
#ifndef IOTCERT_PROGRESS_H
#define IOTCERT_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct progress {
	pthread_mutex_t mu;
	FILE *out;
	bool enabled;
	bool dirty;		/* a line is on screen that needs clearing */
} progress_t;

void progress_init(progress_t *p, FILE *out, bool enabled);
void progress_update(progress_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clears the progress line (before printing normal output). */
void progress_clear(progress_t *p);
void progress_destroy(progress_t *p);

#endif
