/*
 * Single-line terminal progress.
 */
#include "progress.h"

#include <stdarg.h>

void
progress_init(progress_t *p, FILE *out, bool enabled)
{
	pthread_mutex_init(&p->mu, NULL);
	p->out = out;
	p->enabled = enabled;
	p->dirty = false;
}

void
progress_update(progress_t *p, const char *fmt, ...)
{
	if (!p || !p->enabled)
		return;
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->mu);
	fprintf(p->out, "\r\033[K%.*s", 118, line);
	fflush(p->out);
	p->dirty = true;
	pthread_mutex_unlock(&p->mu);
}

void
progress_clear(progress_t *p)
{
	if (!p || !p->enabled)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->dirty) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->dirty = false;
	}
	pthread_mutex_unlock(&p->mu);
}

void
progress_destroy(progress_t *p)
{
	if (p)
		pthread_mutex_destroy(&p->mu);
}
