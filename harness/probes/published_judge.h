/*
 * What a published page says, judged without any I/O so it can be unit
 * tested and fuzzed: the text of a page (HTML reduced to text, link targets
 * kept), a point of contact, the timescales a vulnerability disclosure
 * policy must give (EN 303 645 5.2-1; UK PSTI Sch.1 para 2: acknowledging a
 * report, status updates until resolution), the end of a support period
 * (5.3-13; PSTI para 3) and the fields of an RFC 9116 security.txt.  Every
 * reader takes (pointer, length), stops at hard caps and accepts any bytes.
 */
#ifndef IOTCERT_PUBLISHED_JUDGE_H
#define IOTCERT_PUBLISHED_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define PJ_TEXT_MAX (512u * 1024)	/* text judged from one page at most */
#define PJ_SNIPPET_MAX 160		/* a matched snippet, in the report */

/*
 * The readable text of a page: for HTML (anything with a '<' tag) tags are
 * removed, script/style contents dropped, common entities decoded, block
 * tags end a line, and href/action targets kept as " [URL] ".  Other bytes
 * are kept; NULs and control bytes become spaces.  At most PJ_TEXT_MAX
 * bytes; caller frees.
 */
char *pj_text(const unsigned char *p, size_t n);

/* Each finder returns true and a snippet (PJ_SNIPPET_MAX, one line) of what
 * matched in `text` (from pj_text). */
bool pj_contact(const char *text, char *snip, size_t cap);
bool pj_ack_timeline(const char *text, char *snip, size_t cap);
bool pj_status_timeline(const char *text, char *snip, size_t cap);

/* A calendar date, day 0 when only a month is given. */
typedef struct pj_date {
	int y, m, d;
} pj_date_t;

/*
 * The latest date stated in a sentence about support or updates ("security
 * updates until 31 December 2030", "end of support: 2030-12-31", "until
 * December 2030" which counts as its last day).  Fills *out (ISO text in iso,
 * YYYY-MM-DD) and the sentence.
 */
bool pj_support_end(const char *text, pj_date_t *out, char *iso, size_t isocap,
    char *snip, size_t cap);
/* A period stated instead ("for 5 years from the date of purchase"). */
bool pj_support_period(const char *text, char *snip, size_t cap);
/* Parses a strict YYYY-MM-DD. */
bool pj_parse_iso_date(const char *s, pj_date_t *out);
/* -1, 0, 1 as a is before, the same day as, after b. */
int pj_date_cmp(const pj_date_t *a, const pj_date_t *b);
/* Does `text` state the date d in any of the forms pj_support_end reads? */
bool pj_mentions_date(const char *text, const pj_date_t *d);

/* An RFC 9116 security.txt, as read. */
#define PJ_SECTXT_LINE_MAX 2048
#define PJ_SECTXT_LINES_MAX 10000
typedef struct pj_sectxt {
	strlist_t contacts;	/* values of Contact:, at most 16 */
	strlist_t policies;	/* values of Policy:, at most 16 */
	char *expires;		/* the value of the (first) Expires:, owned, or NULL */
	int64_t expires_s;	/* its time, seconds since the epoch; 0 when unparsed */
	bool signed_pgp;	/* an OpenPGP cleartext-signed file */
	strlist_t problems;	/* what makes it not conform, one sentence each */
} pj_sectxt_t;

/*
 * Reads p[0..n) as a security.txt at time `now` (seconds since the epoch).
 * Never fails: whatever is wrong is a problem in out->problems.  Free with
 * pj_sectxt_clear.
 */
void pj_sectxt_parse(const unsigned char *p, size_t n, int64_t now, pj_sectxt_t *out);
void pj_sectxt_clear(pj_sectxt_t *s);

#endif
