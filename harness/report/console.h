/*
 * The end-of-run summary on the terminal: provisions with their verdicts,
 * case counts, and where the reports and evidence are.  Not a registry
 * writer: it prints to a stream, not into the report directory.  Everything
 * from the run is escaped first, so device bytes cannot drive the terminal.
 */
#ifndef IOTCERT_REPORT_CONSOLE_H
#define IOTCERT_REPORT_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/run.h"

/* Provision table, case counts per verdict, run-wide evidence; ANSI colour
 * only when `color`. */
void report_console(const run_t *r, FILE *out, bool color);
/* The path each registered writer writes in `dir`. */
void report_console_paths(const char *dir, FILE *out);
/* The service inventory as a table (for `iotcert discover`). */
void report_console_inventory(const run_t *r, FILE *out);

#endif
