/*
 * Validation of a report against its XML Schema with libxml2, offline: no
 * network access and no entity expansion, for the schema and the document.
 * Used by `iotcert` after writing a report and by the tests.
 */
#ifndef IOTCERT_REPORT_VALIDATE_H
#define IOTCERT_REPORT_VALIDATE_H

#include <stddef.h>

/*
 * 0 when xml_path is well-formed and valid against xsd_path.  -1 otherwise,
 * with the first problem ("file:line: message") in err, and the total
 * number of problems when there were several.
 */
int report_validate(const char *xml_path, const char *xsd_path, char *err,
    size_t errlen);

#endif
