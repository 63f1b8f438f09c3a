/*
 * report.html: report.xml rendered for people by reports/iotcert-report.xsl
 * (libxslt).  Split from writer.h for the callers that choose the stylesheet
 * themselves (tests, a lab's own branding).
 */
#ifndef IOTCERT_REPORT_HTML_H
#define IOTCERT_REPORT_HTML_H

#include <stddef.h>

#include "core/run.h"

#define REPORT_XSL	"iotcert-report.xsl"	/* in reports/ */

/*
 * Where report_write_html looks for the stylesheet, by the rule the command
 * line uses for the data directory: $IOTCERT_DATA/reports/, else reports/
 * when the working directory is a checkout, else the installed data
 * directory, else (not installed) the reports/ of the tree the binary was
 * built in (EXE/../reports).  Caller frees.
 */
char *report_html_stylesheet(void);

/* report_write_html with an explicit stylesheet. */
int report_write_html_with(const run_t *r, const char *path, const char *xsl,
    char *err, size_t errlen);

#endif
