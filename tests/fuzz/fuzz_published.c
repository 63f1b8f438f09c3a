/*
 * Feeds a fetched page to the published-information judge: as an RFC 9116
 * security.txt (pj_sectxt_parse) and as a web page reduced to text
 * (pj_text), then every finder over that text (contact, the two
 * timescales, support end date and period, a date search).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probes/published_judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pj_sectxt_t st;
	pj_sectxt_parse(data, size, 1795000000, &st);
	pj_sectxt_clear(&st);

	char *text = pj_text(data, size);
	char snip[PJ_SNIPPET_MAX + 1], iso[16];
	pj_date_t d, want = { 2030, 12, 31 };
	(void)pj_contact(text, snip, sizeof(snip));
	(void)pj_ack_timeline(text, snip, sizeof(snip));
	(void)pj_status_timeline(text, snip, sizeof(snip));
	(void)pj_support_end(text, &d, iso, sizeof(iso), snip, sizeof(snip));
	(void)pj_support_period(text, snip, sizeof(snip));
	(void)pj_mentions_date(text, &want);
	free(text);
	return 0;
}
