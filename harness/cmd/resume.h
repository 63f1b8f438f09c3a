/*
 * `iotcert run --resume DIR`: continuing a run that a signal or --max-time
 * stopped.  The interrupted run's report.xml is the state: it records the
 * options (<invocation>), why and when it stopped, the SHA-256 of every input
 * and evidence file, and each result (interrupted="true" on those cut short).
 * A resume runs the same options again into the same directory; results that
 * were final are kept as written, only the interrupted instances run again,
 * and new evidence goes to evidence/resume-N/ so nothing earlier is
 * overwritten.  Everything that could make the merged report lie is checked
 * first and refused with a message: a complete run, changed inputs, changed
 * evidence files, a device whose services changed.
 */
#ifndef IOTCERT_RESUME_H
#define IOTCERT_RESUME_H

#include <stddef.h>

#include "core/model.h"
#include "core/run.h"
#include "core/target.h"

typedef struct resume resume_t;

/*
 * Reads DIR/report.xml, validates it against `xsd` (skipped when NULL or
 * unreadable) and checks that it is a resumable run whose evidence files are
 * unchanged.  NULL with a message in err otherwise.  Free with resume_free.
 */
resume_t *resume_open(const char *dir, const char *xsd, char *err, size_t errlen);
void resume_free(resume_t *rs);		/* NULL is fine */

/* The interrupted run's options (argv of `run`, without "iotcert"), and the
 * directory they are relative to (may be NULL).  Borrowed from rs. */
const strlist_t *resume_args(const resume_t *rs);
const char *resume_cwd(const resume_t *rs);
/* "evidence/resume-N": where this resume's evidence goes.  Borrowed. */
const char *resume_evidence_dir(const resume_t *rs);
/* Whether the interrupted run's discovery had finished. */
bool resume_inventory_complete(const resume_t *rs);

/*
 * The inputs loaded now (run->files: scheme, DUT profile, crypto policy;
 * `cases`: every case file) against the hashes the interrupted run recorded.
 * -1 with a message naming the first file that differs.
 */
int resume_check_inputs(const resume_t *rs, const run_t *run, const caseset_t *cases,
    char *err, size_t errlen);
/* The services discovered now against the interrupted run's inventory, when
 * that was complete.  -1 with a message naming a difference. */
int resume_check_inventory(const resume_t *rs, const target_t *t, char *err,
    size_t errlen);

/*
 * For runner_opts_t.adopt (arg: the resume_t): gives each instance whose
 * result was final its kept result (kept_xml, verdict, reason, evidence
 * read back), leaves the interrupted ones to run, and refuses (-1, see
 * resume_error) when the instances do not match those of the interrupted run.
 */
int resume_adopt(run_t *run, void *arg);
const char *resume_error(const resume_t *rs);	/* "" when none */

/*
 * Gives `run` the interrupted run's history: its start, options, command
 * line, earlier resumes and this one (starting at start_ms), run-wide
 * evidence.  Call before the evidence of this part is collected.
 */
void resume_carry(resume_t *rs, run_t *run, int64_t start_ms);
/* Adds the earlier parts' capture counts to run->capture (after capture_stop)
 * and closes this resume's record with run->end_ms. */
void resume_finish(resume_t *rs, run_t *run);

#endif
