/*
 * iotcert analyze FILE --dut ADDR[,ADDR...]: the passive analyzers over a
 * lab's own capture (pcap or pcapng, recorded through a tap or a bridge
 * during set-up, normal use and cloud traffic), written as the same report
 * as `iotcert run`: the test cases over the capture (capture-* probes),
 * their findings with frame numbers into FILE, rolled up to the scheme.
 * Nothing is sent on the network.
 */
#include "cmd/cmd.h"
#include "passive/passive_glue.h"
#include "core/hash.h"
#include "core/runner.h"
#include "core/util.h"
#include "load/load.h"
#include "report/console.h"
#include "report/validate.h"
#include "report/writer.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct an_opts {
	char *file, *dut, *dut_mac, *scheme, *out;
	char *profile;		/* --profile: the DUT profile, for cases that compare with it */
	strlist_t cases, select;
	bool reveal, quiet, color;
} an_opts_t;

static void
usage(FILE *out)
{
	fputs("usage: iotcert analyze FILE --dut ADDR[,ADDR...] [OPTIONS]\n"
	    "\n"
	    "Runs the passive analyzers over a capture file (pcap or pcapng: Ethernet,\n"
	    "Linux cooked v1/v2, raw IP, VLAN) and writes DIR/report.xml and\n"
	    "DIR/junit.xml with the test cases over the capture: cleartext protocols\n"
	    "and credentials, the device as a TLS client, the endpoints it talks to,\n"
	    "personal data in cleartext.  Findings name frame numbers in FILE, which\n"
	    "is hashed into the report.  Nothing is sent on the network.\n"
	    "\n"
	    "  -D, --dut ADDR[,ADDR]   the device's addresses in the capture (IPv4, IPv6)\n"
	    "  -m, --dut-mac MAC       its MAC address too (aa:bb:cc:dd:ee:ff)\n"
	    "  -P, --profile FILE      the DUT profile, for the cases that compare the\n"
	    "                          traffic with its IXIT (update servers); without\n"
	    "                          it they are INCONCLUSIVE\n"
	    "  -S, --scheme NAME|FILE  scheme profile (default en303645-baseline)\n"
	    "  -c, --cases PATH        test case file or directory (repeatable;\n"
	    "                          default DATADIR/testcases; only cases over the\n"
	    "                          capture are used)\n"
	    "  -s, --select LIST       case-id globs, provision refs or tags\n"
	    "  -o, --out DIR           output directory (default iotcert-analysis)\n"
	    "      --reveal-secrets    show credentials found in the clear unmasked\n"
	    "  -q, --quiet             no summary\n"
	    "      --no-color          plain summary\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "Exit status: 0 no FAIL verdict, 1 at least one FAIL, 2 usage or\n"
	    "configuration error, 3 the file could not be analysed.\n", out);
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	    &end) != 6 && sscanf(s, "%x-%x-%x-%x-%x-%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

/* 0 ok, 1 --help printed, -1 usage error printed. */
static int
parse(an_opts_t *o, int argc, char **argv)
{
	enum { OPT_REVEAL = 256, OPT_NOCOLOR };
	static const struct option opts[] = {
		{ "dut", required_argument, NULL, 'D' },
		{ "dut-mac", required_argument, NULL, 'm' },
		{ "profile", required_argument, NULL, 'P' },
		{ "scheme", required_argument, NULL, 'S' },
		{ "cases", required_argument, NULL, 'c' },
		{ "select", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "reveal-secrets", no_argument, NULL, OPT_REVEAL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-color", no_argument, NULL, OPT_NOCOLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->color = isatty(STDOUT_FILENO);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "D:m:P:S:c:s:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'D': free(o->dut); o->dut = xstrdup(optarg); break;
		case 'm': free(o->dut_mac); o->dut_mac = xstrdup(optarg); break;
		case 'P': free(o->profile); o->profile = xstrdup(optarg); break;
		case 'S': free(o->scheme); o->scheme = xstrdup(optarg); break;
		case 'c': strlist_push(&o->cases, optarg); break;
		case 's': split_list(optarg, &o->select); break;
		case 'o': free(o->out); o->out = xstrdup(optarg); break;
		case OPT_REVEAL: o->reveal = true; break;
		case 'q': o->quiet = true; break;
		case OPT_NOCOLOR: o->color = false; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "iotcert: analyze takes one capture file%s\n\n",
		    optind < argc ? ", no more" : "");
		usage(stderr);
		return -1;
	}
	o->file = xstrdup(argv[optind]);
	if (o->dut == NULL && o->dut_mac == NULL) {
		fprintf(stderr, "iotcert: analyze needs the device: --dut ADDR (and/or --dut-mac)\n");
		return -1;
	}
	if (o->out == NULL)
		o->out = xstrdup("iotcert-analysis");
	return 0;
}

static void
opts_free(an_opts_t *o)
{
	free(o->file);
	free(o->dut);
	free(o->dut_mac);
	free(o->profile);
	free(o->scheme);
	free(o->out);
	strlist_free(&o->cases);
	strlist_free(&o->select);
}

/* Only the cases over the capture: anything else would need the device. */
static void
capture_cases(caseset_t *all, caseset_t *out)
{
	for (size_t i = 0; i < all->n; i++) {
		if (case_on_capture(all->v[i]))
			caseset_add(out, all->v[i]);
		else
			tcase_free(all->v[i]);
		all->v[i] = NULL;
	}
	all->n = 0;
}

static void
record(run_t *r, const an_opts_t *o, const scheme_t *sch, int argc, char **argv,
    const char *sha)
{
	r->tool_version = xstrdup(IOTCERT_VERSION);
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	r->hostname = xstrdup(host);
	strlist_t args = { 0 };
	strlist_push(&args, "iotcert");
	for (int i = 0; i < argc; i++)
		strlist_push(&args, argv[i]);
	r->command_line = strlist_join(&args, " ");
	strlist_free(&args);
	r->target_host = xstrdup(o->dut ? o->dut : o->dut_mac);
	r->scheme = sch;
	run_add_file(r, sch->file, sch->sha256, "scheme");
	run_add_file(r, o->file, sha, "capture");
	r->capture.enabled = true;
	r->capture.note = xasprintf("analysed from the file %s", o->file);
}

static int
analyze(an_opts_t *o, int argc, char **argv)
{
	int rc = EXIT_USAGE;
	char err[512];
	uint8_t mac[6];
	diags_t d = { 0 };
	caseset_t all = { 0 }, cases = { 0 };
	target_t *t = NULL;
	run_t *r = NULL;
	pv_run_t *pv = NULL;
	char *sp = scheme_path(o->scheme ? o->scheme : "en303645-baseline");
	scheme_t *sch = load_scheme(sp, &d);
	free(sp);
	dut_t *dut = sch && o->profile ? load_dut(o->profile, &d) : NULL;
	diags_print(&d, stderr);
	diags_free(&d);
	if (sch == NULL || (o->profile && dut == NULL) || load_case_paths(&o->cases, &all) < 0)
		goto out;
	if (o->dut_mac && parse_mac(o->dut_mac, mac) < 0) {
		warnx_("--dut-mac: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", o->dut_mac);
		goto out;
	}
	if (o->dut && (t = target_new(o->dut, err, sizeof(err))) == NULL) {
		warnx_("--dut: %s", err);
		goto out;
	}
	capture_cases(&all, &cases);
	char sha[SHA256_HEX_LEN];
	if (sha256_file(o->file, sha) < 0) {
		warnx_("%s: %s", o->file, strerror(errno));
		rc = EXIT_RUN;
		goto out;
	}
	pv = passive_analyze(o->file, t, o->dut_mac ? mac : NULL, NULL, NULL, o->reveal, NULL,
	    err, sizeof(err));
	if (pv == NULL) {
		warnx_("%s", err);
		rc = EXIT_RUN;
		goto out;
	}
	if (mkdir_p(o->out) < 0) {
		warnx_("cannot create %s: %s", o->out, strerror(errno));
		rc = EXIT_RUN;
		goto out;
	}
	if (t == NULL)
		t = target_new("0.0.0.0", err, sizeof(err));	/* MAC only: no address */
	r = run_new();
	record(r, o, sch, argc, argv, sha);
	if (dut)
		run_add_file(r, dut->file, dut->sha256, "dut");
	r->target = t;
	r->capture.captured = pv_run_stats(pv)->frames;
	runner_opts_t ro = { .cases = &cases, .select = &o->select, .scheme = sch,
	    .target = t, .dut = dut, .jobs = 1, .passive = pv };
	r->start_ms = wall_ms();
	runner_run(r, &ro);
	runner_run_capture(r, &ro);
	r->end_ms = wall_ms();
	/* Evidence is named relative to the report, wherever the file lies. */
	char *rel = path_from_dir(o->out, o->file);
	for (size_t i = 0; i < r->n_results; i++) {
		run_add_file(r, r->results[i].tc->file, r->results[i].tc->sha256, "testcase");
		evrefs_add(&r->results[i].evrefs, &r->results[i].n_evrefs, rel ? rel : o->file,
		    sha, "pcap")->packets = pv_run_stats(pv)->frames;
	}
	free(rel);
	run_rollup(r);
	if (report_write_all(r, o->out, err, sizeof(err)) < 0) {
		warnx_("cannot write the report: %s", err);
		rc = EXIT_RUN;
		goto out;
	}
	char *xml = xasprintf("%s/report.xml", o->out);
	char *xsd = data_path("reports/iotcert-report.xsd");
	if (access(xsd, R_OK) == 0 && report_validate(xml, xsd, err, sizeof(err)) != 0)
		warnx_("internal error: %s does not validate against %s: %s", xml, xsd, err);
	free(xsd);
	if (!o->quiet) {
		const pv_stats_t *st = pv_run_stats(pv);
		report_console(r, stdout, o->color);
		printf("\ncapture:  %s: %llu frames, %llu flows (%llu of the device), %llu "
		    "malformed\nreport:   %s\n", o->file, (unsigned long long)st->frames,
		    (unsigned long long)st->flows, (unsigned long long)st->dut_flows,
		    (unsigned long long)st->malformed, xml);
	}
	free(xml);
	size_t counts[V__COUNT];
	run_counts(r, counts);
	rc = counts[V_FAIL] ? EXIT_FAILED : EXIT_NO_FAIL;
out:
	pv_run_free(pv);
	run_free(r);
	target_free(t);
	dut_free(dut);
	caseset_free(&cases);
	caseset_free(&all);
	scheme_free(sch);
	return rc;
}

int
cmd_analyze(int argc, char **argv)
{
	an_opts_t o;
	int rc = parse(&o, argc, argv);
	if (rc == 0)
		rc = analyze(&o, argc, argv);
	else
		rc = rc > 0 ? EXIT_NO_FAIL : EXIT_USAGE;
	opts_free(&o);
	return rc;
}
