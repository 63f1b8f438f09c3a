/*
 * The results of a run: what report writers read, and nothing else.  The runner
 * fills it; writers in report/ render it.  Owned by the run; run_free frees all.
 */
#ifndef IOTCERT_RUN_H
#define IOTCERT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "evidence.h"
#include "model.h"
#include "target.h"
#include "verdict.h"

typedef struct evref {
	char *file;		/* relative to the report directory */
	char *sha256;		/* hex */
	char *kind;		/* "pcap", "transcript" */
	size_t packets;		/* for pcaps */
} evref_t;

/* One instance of a test case (per device, or per matching service). */
typedef struct case_result {
	const tcase_t *tc;	/* borrowed from the caseset */
	char *instance;		/* "ID" or "ID@tcp/2323" */
	const service_t *svc;	/* borrowed from the target; NULL for device scope */
	verdict_t verdict;
	char *reason;		/* first failing reason, or why N/A / not run */
	evidence_t *ev;		/* merged evidence of all steps; owned */
	evref_t *evrefs;
	size_t n_evrefs;
	int64_t start_ms, end_ms; /* wall clock */
	bool interrupted;	/* NOT_RUN because the run stopped first */
	/*
	 * A result kept from an interrupted run by `run --resume`: its
	 * <testcase> element as that report held it, owned.  The XML writer
	 * copies it verbatim so the kept result cannot drift; verdict, reason,
	 * ev and evrefs above are read back from it for everything else.
	 */
	char *kept_xml;
} case_result_t;

typedef struct rollup {
	char *framework, *edition, *ref;
	char *title;		/* from the scheme when listed */
	verdict_t verdict;
	size_t counts[V__COUNT]; /* cases per verdict */
	size_t findings;
	strlist_t cases;	/* instance ids contributing */
} rollup_t;

typedef struct file_used {
	char *path;
	char *sha256;
	char *role;		/* "testcase", "scheme", "dut" */
} file_used_t;

typedef struct capture_info {
	bool enabled;
	char *interface;	/* may be NULL */
	char *filter;
	char *note;		/* why unavailable, or NULL */
	uint64_t received, dropped, if_dropped, captured;
} capture_info_t;

/* One `run --resume` of this run: when, and what it continued. */
typedef struct run_resume {
	int64_t start_ms, end_ms;
	int64_t after_ms;	/* when the part before it stopped */
	char *cause;		/* what stopped that part: "SIGINT", "deadline" */
	size_t kept, rerun;	/* instances kept, instances run again */
	char *evidence;		/* where its new evidence went: "evidence/resume-1" */
} run_resume_t;

typedef struct run {
	char *tool_version;
	int64_t start_ms, end_ms;
	char *hostname;
	char *command_line;
	char *target_host;
	file_used_t *files;
	size_t n_files;
	const scheme_t *scheme;	/* borrowed; may be NULL */
	const dut_t *dut;	/* borrowed; may be NULL */
	const target_t *target;	/* borrowed */
	capture_info_t capture;
	evref_t *evrefs;	/* run-wide evidence (full pcap) */
	size_t n_evrefs;
	case_result_t *results;
	size_t n_results;
	rollup_t *rollups;
	size_t n_rollups;
	strlist_t libraries;	/* "libpcap 1.10.3", ... */
	char *interrupted;	/* non-NULL when the run was cut short: why */
	char *stop_cause;	/* then: "SIGINT", "SIGTERM" or "deadline" */
	char *stop_phase;	/* "discovery", "cases", "capture-analysis", ... */
	int64_t stop_ms;	/* when the stop was asked for */
	strlist_t args;		/* the options as given, for --resume */
	char *cwd;		/* the directory they are relative to */
	run_resume_t *resumes;	/* oldest first */
	size_t n_resumes;
} run_t;

run_t *run_new(void);
void run_free(run_t *r);	/* frees owned members, not borrowed ones */
void run_add_file(run_t *r, const char *path, const char *sha256, const char *role);
evref_t *evrefs_add(evref_t **v, size_t *n, const char *file, const char *sha256,
    const char *kind);
/*
 * Whether the case's mapping m holds for result c: always for a plain one;
 * for a `maps-when` one, when c's evidence has its field and it is true.
 */
bool case_map_holds(const case_result_t *c, const mapping_t *m);
/* Recomputes r->rollups from the results and the scheme's provision list. */
void run_rollup(run_t *r);
/* Counts of case verdicts over all results. */
void run_counts(const run_t *r, size_t counts[V__COUNT]);

#endif
