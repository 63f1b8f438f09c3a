/*
 * The DUT profile's `user-info:` section: IXIT 2-UserInfo, where the
 * manufacturer publishes its vulnerability disclosure policy (5.2-1, UK
 * PSTI Sch.1 para 2) and the device's support period (5.3-13, para 3), the
 * end date it states, and whether the device serves an RFC 9116
 * /.well-known/security.txt.  URLs are checked here (http:// or https://,
 * a host, no spaces) so a typo is a file:line:col error and not an
 * "unreachable" FAIL later.
 */
#include <stdlib.h>
#include <string.h>

#include "dut_load.h"
#include "net/fetch.h"
#include "probes/published_judge.h"

enum { U_DISCLOSURE, U_SUPPORT, U_SUPPORT_END, U_SECTXT, U__N };
static const skey_t userinfo_keys[U__N] = {
	[U_DISCLOSURE] = { "vulnerability-disclosure", ST_STR, false },
	[U_SUPPORT] = { "support-period", ST_STR, false },
	[U_SUPPORT_END] = { "support-period-end", ST_STR, false },
	[U_SECTXT] = { "security-txt", ST_BOOL, false },
};

static void
load_url(const sctx_t *sc, const ynode_t *n, const char *label, char **out)
{
	if (!sget_str(sc, n, label, out))
		return;
	if (!fetch_url_ok(*out))
		schema_err(sc, n, "%s '%s' is not an http:// or https:// URL with a host",
		    label, *out);
}

/* user-info: {vulnerability-disclosure?, support-period?, support-period-end?, security-txt?} */
void
dut_load_userinfo(const sctx_t *sc, const ynode_t *map, dut_t *t)
{
	const ynode_t *v[U__N];
	schema_check(sc, map, "user-info", userinfo_keys, U__N, v);
	dut_userinfo_t *u = xcalloc(1, sizeof(*u));
	t->userinfo = u;
	u->pos = (srcpos_t){ sc->file, map->line, map->col };
	u->security_txt = -1;
	if (v[U_DISCLOSURE])
		load_url(sc, v[U_DISCLOSURE], "vulnerability-disclosure", &u->disclosure_url);
	if (v[U_SUPPORT])
		load_url(sc, v[U_SUPPORT], "support-period", &u->support_url);
	pj_date_t d;
	/* An unquoted 2030-12-31 is a plain string in the YAML 1.2 core schema. */
	if (v[U_SUPPORT_END] && sget_str(sc, v[U_SUPPORT_END], "support-period-end",
	    &u->support_end) && !pj_parse_iso_date(u->support_end, &d))
		schema_err(sc, v[U_SUPPORT_END], "support-period-end '%s' is not a date "
		    "YYYY-MM-DD (1990-2199)", u->support_end);
	bool b;
	if (v[U_SECTXT] && sget_bool(sc, v[U_SECTXT], "security-txt", &b))
		u->security_txt = b;
}
