/*
 * Feeds arbitrary bytes to the YAML loader as an in-memory file: ydoc_parse,
 * then the document through all three loaders (case_from_doc,
 * scheme_from_doc, dut_from_doc), each with its own diagnostics list.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/diag.h"
#include "core/model.h"
#include "load/load.h"
#include "load/loaders.h"
#include "load/ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diags_t d = { 0 };
	ydoc_t *doc = ydoc_parse("fuzz.yaml", (const char *)data, size, &d);
	diags_free(&d);
	if (doc == NULL)
		return 0;
	diags_t d1 = { 0 }, d2 = { 0 }, d3 = { 0 };
	tcase_free(case_from_doc(doc, &d1));
	scheme_free(scheme_from_doc(doc, &d2));
	dut_free(dut_from_doc(doc, &d3));
	diags_free(&d1);
	diags_free(&d2);
	diags_free(&d3);
	ydoc_free(doc);
	return 0;
}
