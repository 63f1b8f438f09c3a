/*
 * Helpers shared by probe implementations: spec look-ups and typed parameter
 * access with defaults taken from the probe's own spec table.
 */
#include "probe.h"
#include "util.h"

#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const field_spec_t *
probe_field(const probe_kind_t *k, const char *name)
{
	for (const field_spec_t *f = k->fields; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const param_spec_t *
probe_param(const probe_kind_t *k, const char *name)
{
	for (const param_spec_t *p = k->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const value_t *
step_param(const step_t *s, const char *name)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < s->n_params; i++)
		if (strcmp(s->params[i].name, name) == 0)
			return &s->params[i].val;
	return NULL;
}

static const char *
spec_default(const probe_ctx_t *ctx, const char *name)
{
	const probe_kind_t *k = ctx->step ? probe_find(ctx->step->probe) : NULL;
	const param_spec_t *p = k ? probe_param(k, name) : NULL;
	return p ? p->def : NULL;
}

long long
step_int(const probe_ctx_t *ctx, const char *name)
{
	const value_t *v = step_param(ctx->step, name);
	if (v && v->type == VT_INT)
		return v->i;
	const char *d = spec_default(ctx, name);
	return d ? strtoll(d, NULL, 10) : 0;
}

bool
step_bool(const probe_ctx_t *ctx, const char *name)
{
	const value_t *v = step_param(ctx->step, name);
	if (v && v->type == VT_BOOL)
		return v->b;
	const char *d = spec_default(ctx, name);
	return d && strcmp(d, "true") == 0;
}

const char *
step_str(const probe_ctx_t *ctx, const char *name)
{
	const value_t *v = step_param(ctx->step, name);
	if (v && v->type == VT_STR)
		return v->s;
	return spec_default(ctx, name);
}

probe_status_t
probe_fail(probe_ctx_t *ctx, probe_status_t st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, ap);
	va_end(ap);
	return st;
}

char *
step_case_path(const step_t *st, const char *name)
{
	if (name[0] == '/')
		return xstrdup(name);
	char *casefile = xstrdup(st && st->pos.file ? st->pos.file : ".");
	char *path = xasprintf("%s/%s", dirname(casefile), name);
	free(casefile);
	return path;
}

void
step_list_paths(const step_t *s, const probe_kind_t *k, strlist_t *out)
{
	const value_t *v = step_param(s, "lists");
	if (v && v->type == VT_LIST) {
		for (size_t i = 0; i < v->n_items; i++)
			strlist_push_owned(out, step_case_path(s, v->items[i]));
		return;
	}
	for (size_t i = 0; k && k->default_lists && k->default_lists[i]; i++)
		strlist_push_owned(out, step_case_path(s, k->default_lists[i]));
}
