/*
 * Reading a report.xml back: what `iotcert run --resume` needs of an earlier,
 * interrupted run (its options, why and when it stopped, the hashes of its
 * inputs, its inventory, its run-wide evidence and every test case result,
 * with the <testcase> element as written so a kept result is copied, not
 * rebuilt).  Text is unescaped (report/escape.h), so values read back are the
 * bytes the run held.  Only what our writer produces is understood; the
 * caller validates against the XSD first when it needs more than "readable".
 */
#ifndef IOTCERT_REPORT_READ_H
#define IOTCERT_REPORT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/run.h"

/* Reports larger than this are refused rather than read. */
#define REPORT_READ_MAX	(256u * 1024 * 1024)

typedef struct report_case {
	char *id;		/* the instance: "CASE" or "CASE@tcp/2323" */
	char *case_id;
	verdict_t verdict;
	bool interrupted;	/* NOT_RUN because the run stopped first */
	char *reason;		/* may be NULL */
	int64_t start_ms, end_ms;	/* 0 when absent */
	evidence_t *ev;		/* fields and findings; never NULL */
	evref_t *evrefs;
	size_t n_evrefs;
	char *xml;		/* the <testcase> element, serialised */
} report_case_t;

typedef struct report_svc {
	char *transport, *protocol;
	char *address;		/* may be NULL */
	int port;
} report_svc_t;

typedef struct report_doc {
	int64_t start_ms, end_ms;
	char *command_line;		/* may be NULL */
	bool has_invocation;
	strlist_t args;			/* <invocation><argument>s */
	char *cwd;			/* may be NULL */
	char *interrupted;		/* NULL when the run was complete */
	char *stop_cause, *stop_phase;	/* may be NULL */
	int64_t stop_ms;
	run_resume_t *resumes;
	size_t n_resumes;
	file_used_t *files;
	size_t n_files;
	capture_info_t capture;
	evref_t *evrefs;		/* run-wide evidence */
	size_t n_evrefs;
	bool has_inventory;
	report_svc_t *svcs;
	size_t n_svcs;
	report_case_t *cases;
	size_t n_cases;
} report_doc_t;

/*
 * Reads the report at `path` (at most REPORT_READ_MAX bytes, no DOCTYPE, no
 * network).  NULL with a one-line message in err when it cannot be read or
 * is not an iotcert report.  The caller frees with report_doc_free.
 */
report_doc_t *report_read(const char *path, char *err, size_t errlen);
/* The same from memory (for tests and fuzzing); `name` is for messages. */
report_doc_t *report_read_mem(const char *xml, size_t len, const char *name,
    char *err, size_t errlen);
void report_doc_free(report_doc_t *d);	/* NULL is fine */

/* "2026-11-28T02:10:04.123Z" -> milliseconds since the epoch; -1 if malformed. */
int report_parse_time(const char *s, int64_t *ms);
/* The result with instance id `id`, or NULL. */
const report_case_t *report_doc_case(const report_doc_t *d, const char *id);

#endif
