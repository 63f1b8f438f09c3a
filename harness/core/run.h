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
	char *status, *category, *kind, *basis; /* as the scheme lists it; may be NULL */
	verdict_t verdict;
	size_t counts[V__COUNT]; /* cases per verdict */
	size_t findings;
	strlist_t cases;	/* instance ids contributing */
	strlist_t sources;	/* "en303645-2.1.1 5.1-1 FAIL": roll-ups it took in
				 * (`deemed-by` / `mapped-from`) */
	char *justification;	/* NOT_APPLICABLE from the ICS: its text */
	char *note;		/* why the ICS's N/A was not taken, or NULL */
	bool listed;		/* the scheme lists it (not only a case's map) */
} rollup_t;

/* A category's roll-up (EN 303 645 clause 5.1 ... 6) over its provisions. */
typedef struct category_rollup {
	char *framework, *edition, *ref;
	verdict_t verdict;
	size_t counts[V__COUNT]; /* provisions per verdict */
} category_rollup_t;

typedef enum scheme_verdict {
	SV_COMPLIANT, SV_NOT_COMPLIANT, SV_INCOMPLETE,
} scheme_verdict_t;

const char *scheme_verdict_str(scheme_verdict_t v); /* "COMPLIANT", ... */

/* One framework's overall verdict, by the rule its definition file names. */
typedef struct scheme_result {
	const scheme_rule_t *rule;	/* borrowed from the scheme */
	scheme_verdict_t verdict;
	char *level;		/* levels rule: the highest level reached, or "none" */
	char *reason;
	size_t *reqs;		/* indices into run->rollups the verdict weighed */
	size_t n_reqs;
} scheme_result_t;

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
	category_rollup_t *categories;
	size_t n_categories;
	scheme_result_t *schemes;
	size_t n_schemes;
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
/*
 * Recomputes the roll-ups (core/rollup.c): case -> provision (cases mapped
 * to it, `deemed-by`/`mapped-from` sources, the ICS's justified N/A) ->
 * category -> the verdict of each framework with a rule.
 */
void run_rollup(run_t *r);
/* The scheme verdicts over the finished provision roll-ups (run_rollup's
 * last step, core/scheme_verdict.c). */
void run_rollup_schemes(run_t *r);
/* Frees what run_rollup built (run_free calls it). */
void run_rollup_clear(run_t *r);
/* Counts of case verdicts over all results. */
void run_counts(const run_t *r, size_t counts[V__COUNT]);

#endif
