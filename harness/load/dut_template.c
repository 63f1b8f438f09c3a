/*
 * The DUT profile template.  Values a manufacturer must supply are
 * "FILL-IN" (they load, and stand out in a report that still has them);
 * nothing is claimed on the manufacturer's behalf, so every ICS line is
 * commented out with the provision's status and title to decide on.
 */
#include "dut_template.h"

#include <string.h>

/* YAML double-quoted text: escapes what would end or break the scalar. */
static void
put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
write_identity(FILE *out, const tmpl_svc_t *svcs, size_t n)
{
	fputs("device:\n"
	    "  manufacturer: FILL-IN\n"
	    "  model: FILL-IN\n"
	    "  hardware-version: FILL-IN\n"
	    "  software-version: FILL-IN\n"
	    "  serial: FILL-IN\n"
	    "  # The tested unit's MAC address (labels and SSIDs are often made from it).\n"
	    "  # mac: \"02:00:5e:00:00:01\"\n", out);
	const char *addr = NULL;
	for (size_t i = 0; i < n && addr == NULL; i++)
		addr = svcs[i].address;
	if (addr) {
		fputs("  addresses: [", out);
		put_quoted(out, addr);
		fputs("]\n", out);
	}
}

static void
write_interfaces(FILE *out, const tmpl_svc_t *svcs, size_t n, const char *from)
{
	fputs("\n# IXIT 15-Intf / 13-SoftServ: every network interface, with its purpose.\n"
	    "# An interface the device has but the manufacturer does not need is to be\n"
	    "# disabled (5.6-1); mark one documented as disabled with status: disabled.\n"
	    "# discloses: what it shows without authentication (5.6-2), e.g.\n"
	    "# [product-version, serial-number, mac-address].\n", out);
	if (n == 0) {
		fputs("interfaces:\n"
		    "  - {transport: tcp, port: 443, protocol: https, purpose: FILL-IN}\n", out);
		return;
	}
	fprintf(out, "# Found by discovery%s%s: state each one's purpose.\n",
	    from ? " in " : "", from ? from : "");
	fputs("interfaces:\n", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  - {transport: %s, port: %d", svcs[i].transport, svcs[i].port);
		/* "unknown" is discovery's word, not a protocol a profile declares. */
		if (svcs[i].protocol && strcmp(svcs[i].protocol, "unknown") != 0)
			fprintf(out, ", protocol: %s", svcs[i].protocol);
		fputs(", purpose: FILL-IN}\n", out);
	}
}

static void
write_ics(FILE *out, const scheme_t *s)
{
	fputs("\n# The implementation conformance statement (EN 303 645 Annex B): per\n"
	    "# provision, support Y / N / N/A and a detail.  N/A is accepted only for a\n"
	    "# provision with a condition (C) or feature (F) that does not hold, and\n"
	    "# every N or N/A needs its justification in detail (4-1 / 5.0-1).\n"
	    "# Uncomment 'ics:' and each line once decided.\n"
	    "# ics:\n", out);
	size_t n = 0;
	for (size_t i = 0; s && i < s->n_provisions; i++) {
		const provision_t *p = &s->provisions[i];
		if (strcmp(p->framework, "en303645") != 0)
			continue;
		fprintf(out, "#   - {ref: \"%s\", support: \"Y\", detail: \"\"}", p->ref);
		fprintf(out, "   # %s%s: %s\n", p->status ? p->status : "",
		    provision_conditional(p) ? " (N/A possible)" : "", p->title ? p->title : "");
		n++;
	}
	if (n == 0)
		fputs("#   - {ref: \"5.1-1\", support: \"Y\", detail: \"\"}\n", out);
}

static void
write_ixit(FILE *out)
{
	fputs("\n# IXIT 1-AuthMech: the unit's own password (never tried as a default nor\n"
	    "# reported) and model defaults the credential probes add to their lists.\n"
	    "# credentials:\n"
	    "#   - {user: admin, password: \"FILL-IN\", kind: unique}\n"
	    "\n# Pre-installed passwords of other units of this model, with what each\n"
	    "# shows, for the 5.1-2 password-quality check.  Secrets: never reported.\n"
	    "# password-samples:\n"
	    "#   - {serial: FILL-IN, mac: \"02:00:5e:00:00:02\", ssid: FILL-IN, password: FILL-IN}\n"
	    "\n# IXIT 1-AuthMech: brute-force prevention per authentication surface (5.1-5):\n"
	    "# mechanism lockout (attempts, duration), delay (delay) or rate-limit (per-minute).\n"
	    "# brute-force:\n"
	    "#   - {service: https, mechanism: lockout, attempts: 5, duration: 5m}\n"
	    "\n# IXIT 11-ComMech / 21-PersData: the secured communication of each interface;\n"
	    "# anything accepted beyond these lists FAILs 5.5-1.\n"
	    "# communication:\n"
	    "#   - {port: 443, protocol: https, versions: [TLS1.2, TLS1.3],\n"
	    "#      suites: [TLS_AES_128_GCM_SHA256], carries-logins: true, personal-data: true}\n"
	    "\n# IXIT 2-UserInfo: where the vulnerability disclosure policy (5.2-1) and the\n"
	    "# support period (5.3-13) are published; both are fetched and checked.\n"
	    "# user-info:\n"
	    "#   vulnerability-disclosure: https://FILL-IN\n"
	    "#   support-period: https://FILL-IN\n"
	    "#   support-period-end: 2031-12-31\n"
	    "\n# IXIT 7-UpdMech: how updates reach the device (5.3-2, 5.3-10).  The servers\n"
	    "# (host names, not URLs) are looked for in the capture, reached over `protocol`.\n"
	    "# update:\n"
	    "#   - id: UpdMech-1\n"
	    "#     description: FILL-IN\n"
	    "#     delivery: network            # network, local or none\n"
	    "#     initiation: automatic        # automatic, user or both\n"
	    "#     servers: [FILL-IN]\n"
	    "#     protocol: https              # https, http, mqtts, mqtt, coaps, coap, other\n"
	    "#     authenticity: signature      # signature or none\n"
	    "#     crypto: FILL-IN\n", out);
}

int
dut_template_write(FILE *out, const scheme_t *s, const tmpl_svc_t *svcs,
    size_t n_svcs, const char *from)
{
	fputs("# DUT profile (IXIT and ICS of TS 103 701) written by `iotcert\n"
	    "# init-profile`.  Replace every FILL-IN, uncomment what applies, then\n"
	    "# check it with `iotcert check FILE` and give it to `iotcert run --dut FILE`.\n"
	    "# The format: testcases/README.md and profiles/devices/example-full.yaml.\n", out);
	if (s)
		fprintf(out, "# ICS lines: the EN 303 645 provisions of scheme %s (%s).\n",
		    s->name, s->file);
	write_identity(out, svcs, n_svcs);
	write_interfaces(out, svcs, n_svcs, from);
	write_ics(out, s);
	write_ixit(out);
	return ferror(out) ? -1 : 0;
}
