/*
 * What the files behind published_judge.h share: dates are read in
 * published_date.c, and the support-period judge (published_judge.c) and
 * the security.txt Expires check (published_sectxt.c) both need them.
 */
#ifndef IOTCERT_PUBLISHED_JUDGE_INT_H
#define IOTCERT_PUBLISHED_JUDGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/published_judge.h"

/* Days in month m (1-12) of year y. */
int pj_days_in(int y, int m);
/* A date in any form pj_support_end reads, starting at s[i] and not inside
 * a word; its end in *end.  Day 0 when only a month is given. */
bool pj_date_at(const char *s, size_t n, size_t i, pj_date_t *out, size_t *end);

#endif
