/*
 * iotcert run: load configuration, open the capture (then drop privileges),
 * discover, run the cases, split and hash the evidence, write the reports,
 * print the summary.  SIGINT, SIGTERM and --max-time stop the run within a
 * second: what finished is kept, the rest is NOT_RUN, the capture is closed
 * and hashed and the report says so; --resume DIR (resume.c) continues it.
 * --sign KEY loads the key before anything else and seals the directory
 * once the reports are written (report/seal.c).
 */
#include "cmd/cmd.h"
#include "passive/passive_glue.h"
#include "cmd/run_evidence.h"
#include "cmd/run_opts.h"
#include "cmd/resume.h"
#include "cmd/run_stop.h"
#include "capture/capture.h"
#include "core/conceptual.h"
#include "core/decisions.h"
#include "core/expect.h"
#include "core/hash.h"
#include "core/probe.h"
#include "crypto/policy.h"
#include "crypto/sign.h"
#include "core/runner.h"
#include "core/util.h"
#include "discover/discover.h"
#include "load/load.h"
#include "report/console.h"
#include "report/manifest.h"
#include "report/seal.h"
#include "report/validate.h"
#include "report/writer.h"

#include <errno.h>
#include <limits.h>
#include <curl/curl.h>
#include <libssh/libssh.h>
#include <libxml/xmlversion.h>
#include <libxslt/xslt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

/* After a stop, how long cutting per-case pcaps may go on (of the second). */
#define SPLIT_BUDGET_MS 600

typedef struct run_ctx {
	run_opts_t opts;
	run_stop_t stop;	/* signals, --max-time; stop.cancel is what probes poll */
	bool abandoned;		/* a worker was left running: exit without freeing */
	resume_t *resume;	/* --resume; NULL for a new run */
	caseset_t cases;
	scheme_t *scheme;
	crypto_policy_t *policy;
	dut_t *dut;
	decisions_t *decisions;	/* --decisions; NULL without */
	target_t *target;
	capture_t *cap;
	tls_ctx_t *tls;
	progress_t progress;
	run_t *run;
	evidence_t *discovery;
	sign_key_t *signer;	/* --sign: loaded first, used after the reports */
	bool reported;		/* the reports are on disk: sealing may follow */
} run_ctx_t;

static void
discover_progress(void *arg, const char *phase, size_t done, size_t total)
{
	progress_update(arg, "%s: %zu/%zu", phase, done, total);
}

/* Loads scheme, DUT profile and cases; -1 after printing diagnostics. */
static int
load_config(run_ctx_t *c)
{
	if (c->opts.discover_only)
		return 0;
	diags_t d = { 0 };
	char *sp = scheme_path(c->opts.scheme);
	c->scheme = load_scheme(sp, &d);
	free(sp);
	if (c->scheme) {
		if (c->scheme->crypto_policy == NULL)
			c->scheme->crypto_policy = data_path("profiles/crypto/best-practice.yaml");
		c->policy = crypto_policy_load(c->scheme->crypto_policy, &d);
	}
	if (c->opts.dut)
		c->dut = load_dut(c->opts.dut, &d);
	diags_print(&d, stderr);
	size_t errors = d.errors;
	diags_free(&d);
	if (load_case_paths(&c->opts.cases, &c->cases) < 0 || errors || c->scheme == NULL ||
	    c->policy == NULL ||
	    (c->opts.dut && c->dut == NULL))
		return -1;
	caseset_add_conceptual(&c->cases, c->scheme);
	/* After the cases: each decision must name a loaded conceptual one. */
	if (c->opts.decisions) {
		diags_t dd = { 0 };
		c->decisions = load_decisions(c->opts.decisions, &c->cases, &dd);
		diags_print(&dd, stderr);
		diags_free(&dd);
		if (c->decisions == NULL)
			return -1;
	}
	return 0;
}

/*
 * The credential and password lists the selected cases read (their
 * `lists:`, or the probe's defaults), hashed into the report: a verdict
 * over "default credentials" depends on exactly which pairs were tried.
 */
static void
record_lists(run_ctx_t *c)
{
	const scheme_t *s = c->scheme;
	for (size_t i = 0; i < c->cases.n; i++) {
		const tcase_t *t = c->cases.v[i];
		if ((s && !case_selected_list(t, &s->select)) ||
		    !case_selected_list(t, &c->opts.select) ||
		    (c->opts.exclude.n && case_selected_list(t, &c->opts.exclude)))
			continue;
		for (size_t k = 0; k < t->n_steps; k++) {
			strlist_t paths = { 0 };
			step_list_paths(&t->steps[k], probe_find(t->steps[k].probe), &paths);
			for (size_t j = 0; j < paths.n; j++) {
				char hex[SHA256_HEX_LEN];
				if (sha256_file(paths.v[j], hex) == 0)
					run_add_file(c->run, paths.v[j], hex, "credentials");
			}
			strlist_free(&paths);
		}
	}
}

static void
record_inputs(run_ctx_t *c, int argc, char **argv)
{
	run_t *r = c->run;
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
	/* One by one, so --resume can run them again exactly; discover runs
	 * cannot be resumed and do not record them. */
	if (!c->opts.discover_only) {
		for (int i = 0; i < argc; i++)
			strlist_push(&r->args, argv[i]);
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)))
			r->cwd = xstrdup(cwd);
	}
	r->target_host = xstrdup(c->opts.target);
	r->scheme = c->scheme;
	r->dut = c->dut;
	if (c->scheme)
		run_add_file(r, c->scheme->file, c->scheme->sha256, "scheme");
	if (c->dut)
		run_add_file(r, c->dut->file, c->dut->sha256, "dut");
	for (size_t i = 0; c->scheme && i < c->scheme->n_rules; i++)
		run_add_file(r, c->scheme->rules[i].file, c->scheme->rules[i].sha256,
		    "framework");
	if (c->decisions)
		run_add_file(r, c->decisions->file, c->decisions->sha256, "decisions");
	record_lists(c);
	if (c->policy)
		run_add_file(r, c->scheme->crypto_policy, crypto_policy_sha256(c->policy),
		    "crypto-policy");
	strlist_push_owned(&r->libraries, xstrdup(capture_lib_version()));
	strlist_push_owned(&r->libraries, xstrdup(tls_lib_version()));
	strlist_push_owned(&r->libraries, xasprintf("libyaml %s", yaml_get_version_string()));
	strlist_push_owned(&r->libraries, xasprintf("libxml2 %s", LIBXML_DOTTED_VERSION));
	strlist_push_owned(&r->libraries, xasprintf("libxslt %s", xsltEngineVersion));
	strlist_push_owned(&r->libraries, xasprintf("libssh %s", ssh_version(0)));
	strlist_push_owned(&r->libraries, xasprintf("libcurl %s",
	    curl_version_info(CURLVERSION_NOW)->version));
}

/* Opens the capture if possible; the run goes on without it otherwise. */
static void
open_capture(run_ctx_t *c)
{
	capture_info_t *ci = &c->run->capture;
	if (c->opts.no_capture) {
		ci->note = xstrdup("disabled by --no-capture");
		return;
	}
	char ifname[64] = "", err[512] = "";
	if (c->opts.iface)
		snprintf(ifname, sizeof(ifname), "%s", c->opts.iface);
	else if (capture_route_iface((struct sockaddr *)&c->target->addrs[0].ss,
	    c->target->addrs[0].len, ifname, sizeof(ifname), err, sizeof(err)) < 0) {
		warnx_("capture unavailable: %s; the run goes on without packet evidence", err);
		ci->note = xasprintf("no interface routes to the target: %s", err);
		return;
	}
	struct sockaddr_storage ss[8];
	size_t n = 0;
	for (; n < c->target->n_addrs && n < 8; n++)
		ss[n] = c->target->addrs[n].ss;
	ci->interface = xstrdup(ifname);
	ci->filter = capture_filter_for(ss, n);
	c->cap = capture_open(ifname, ci->filter, err, sizeof(err));
	if (c->cap == NULL) {
		warnx_("capture unavailable: %s; the run goes on without packet evidence", err);
		ci->note = xstrdup(err);
	}
}

/* --observe: the device left alone, the capture still on, cancel honoured. */
static void
observe(run_ctx_t *c)
{
	if (c->opts.observe_s == 0 || c->cap == NULL || c->stop.cancel)
		return;
	uint64_t end = mono_ms() + (uint64_t)c->opts.observe_s * 1000;
	for (uint64_t now = mono_ms(); now < end && !c->stop.cancel; now = mono_ms()) {
		progress_update(&c->progress, "observing the device: %llu s left",
		    (unsigned long long)((end - now + 999) / 1000));
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	progress_clear(&c->progress);
}

/*
 * The cases over the capture, once it has stopped: the passive analyzers
 * read the whole run's pcap (the probes' own traffic and anything else the
 * device sent meanwhile).
 */
static void
run_capture_cases(run_ctx_t *c, runner_opts_t *ro, const char *pcap_rel)
{
	bool any = false;
	for (size_t i = 0; i < c->run->n_results && !any; i++)
		any = c->run->results[i].verdict == V_NONE && case_on_capture(c->run->results[i].tc);
	if (!any)
		return;	/* nothing would read the analysis (discover, a selection without them) */
	char *note = passive_note(c->run), err[512];
	pv_run_t *pv = NULL;
	if (pcap_rel && !c->stop.cancel) {
		char *path = xasprintf("%s/%s", c->opts.out, pcap_rel);
		pv = passive_analyze(path, c->target, NULL, c->run, c->discovery, false,
		    &c->stop.cancel, err, sizeof(err));
		if (pv == NULL) {
			warnx_("the capture could not be analysed: %s", err);
			free(note);
			note = xasprintf("the capture could not be analysed: %s", err);
		}
		free(path);
	}
	ro->passive = pv;
	ro->passive_note = note;
	runner_run_capture(c->run, ro);	/* a cancel makes them NOT_RUN, interrupted */
	ro->passive = NULL;
	ro->passive_note = NULL;
	pv_run_free(pv);
	free(note);
}

/*
 * Links the cases over the capture to this part's pcap and notes its drops
 * in the reasons, on every result but those kept from an interrupted run:
 * those stay exactly as that report had them.
 */
static void
annotate_capture(run_t *r, const char *pcap_rel)
{
	case_result_t *all = r->results;
	size_t n_all = r->n_results, n = 0;
	case_result_t *fresh = xcalloc(n_all ? n_all : 1, sizeof(*fresh));
	for (size_t i = 0; i < n_all; i++)
		if (all[i].kept_xml == NULL)
			fresh[n++] = all[i];
	r->results = fresh;
	r->n_results = n;
	for (size_t i = 0; pcap_rel && i < r->n_evrefs; i++)
		if (strcmp(r->evrefs[i].file, pcap_rel) == 0)
			passive_link_results(r, pcap_rel, r->evrefs[i].sha256, r->evrefs[i].packets);
	if (r->capture.enabled) {
		char *note = passive_note(r);	/* drops */
		passive_note_results(r, note);
		free(note);
	}
	for (size_t i = 0, k = 0; i < n_all; i++)
		if (all[i].kept_xml == NULL)
			all[i] = fresh[k++];
	r->results = all;
	r->n_results = n_all;
	free(fresh);
}

/* TCP and UDP port lists for discovery; EXIT_USAGE after a message, else 0. */
static int
port_lists(run_ctx_t *c, int **ports, size_t *n_ports, int **udp, size_t *n_udp)
{
	char err[512];
	if (c->opts.ports) {
		if (parse_ports(c->opts.ports, ports, n_ports, err, sizeof(err)) < 0) {
			warnx_("--ports: %s", err);
			return EXIT_USAGE;
		}
	} else if (c->scheme && c->scheme->n_tcp_ports) {
		*ports = xcalloc(c->scheme->n_tcp_ports + 1, sizeof(int));
		memcpy(*ports, c->scheme->tcp_ports, c->scheme->n_tcp_ports * sizeof(int));
		*n_ports = c->scheme->n_tcp_ports;
	} else {
		parse_ports("1-65535", ports, n_ports, err, sizeof(err));
	}
	bool no_udp = c->opts.udp && strcmp(c->opts.udp, "none") == 0;
	if (c->opts.udp && !no_udp &&
	    parse_ports(c->opts.udp, udp, n_udp, err, sizeof(err)) < 0) {
		warnx_("--udp: %s", err);
		free(*ports);
		*ports = NULL;
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * A resume that cannot go on leaves DIR as the interrupted run left it, so
 * it can be resumed again: its own capture is thrown away with its
 * directory, and no report is written.
 */
static void
abandon_resume_dir(run_ctx_t *c, const char *evdir)
{
	if (c->cap)
		capture_stop(c->cap, NULL);
	char *pcap = xasprintf("%s/%s/run.pcap", c->opts.out, evdir);
	char *dir = xasprintf("%s/%s", c->opts.out, evdir);
	unlink(pcap);
	rmdir(dir);
	free(pcap);
	free(dir);
}

static int
execute(run_ctx_t *c)
{
	run_t *r = c->run;
	char err[512];
	const char *evdir = c->resume ? resume_evidence_dir(c->resume) : "evidence";
	char *evabs = xasprintf("%s/%s", c->opts.out, evdir);
	if (mkdir_p(evabs) < 0) {
		warnx_("cannot create %s: %s", evabs, strerror(errno));
		free(evabs);
		return EXIT_RUN;
	}
	free(evabs);
	int *ports = NULL, *udp = NULL;
	size_t n_ports = 0, n_udp = 0;
	int rc = port_lists(c, &ports, &n_ports, &udp, &n_udp);
	if (rc != 0)
		return rc;
	char *pcap_rel = NULL;
	if (c->cap) {
		char *rel = xasprintf("%s/run.pcap", evdir);
		char *path = xasprintf("%s/%s", c->opts.out, rel);
		if (capture_start(c->cap, path, err, sizeof(err)) == 0) {
			pcap_rel = rel;
			rel = NULL;
			r->capture.enabled = true;
		} else {
			warnx_("capture could not start: %s", err);
			r->capture.note = xstrdup(err);
		}
		free(rel);
		free(path);
	}

	discover_opts_t dopt = {
		.tcp_ports = ports, .n_tcp_ports = n_ports, .connect_ms = c->opts.connect_ms,
		.retries = 1, .tls = c->tls, .cancel = &c->stop.cancel, .rate = c->opts.rate,
		.udp_ports = udp, .n_udp_ports = n_udp,
		.no_udp = c->opts.udp && strcmp(c->opts.udp, "none") == 0,
		.no_identify = c->opts.no_identify,
		.progress = discover_progress, .progress_arg = &c->progress,
	};
	r->start_ms = wall_ms();
	if (c->resume)
		resume_carry(c->resume, r, r->start_ms);
	c->discovery = evidence_new();
	run_stop_phase(&c->stop, PH_DISCOVERY);
	if (discover_run(c->target, &dopt, c->discovery, err, sizeof(err)) < 0 && !c->stop.cancel)
		warnx_("%s", err);
	run_stop_phase(&c->stop, PH_CASES);
	free(ports);
	free(udp);
	progress_clear(&c->progress);
	bool discovery_cut = run_stop_in_discovery(&c->stop);
	if (!c->opts.quiet)
		fprintf(stderr, "iotcert: %zu open service%s on %s (%zu TCP ports scanned, "
		    "%zu UDP)%s\n", c->target->n_svcs, c->target->n_svcs == 1 ? "" : "s",
		    c->target->host, c->target->ports_scanned, c->target->udp_scanned,
		    discovery_cut ? ", discovery interrupted" : "");
	r->target = c->target;
	if (c->resume && discovery_cut) {
		/* Half an inventory cannot be matched with the kept results. */
		warnx_("interrupted during discovery: %s left as it was; resume it again",
		    c->opts.out);
		abandon_resume_dir(c, evdir);
		free(pcap_rel);
		return EXIT_RUN;
	}
	/*
	 * A resume discovers again rather than rebuild the inventory from the
	 * report: the instances that run again need live services (the probes
	 * use identification details the report holds only in part), and a
	 * device that changed meanwhile must be noticed.  Comparing the new
	 * inventory with the recorded one is what proves that each kept
	 * instance id still names the same service.
	 */
	if (c->resume && resume_check_inventory(c->resume, c->target, err, sizeof(err)) < 0) {
		warnx_("cannot resume %s: %s", c->opts.out, err);
		abandon_resume_dir(c, evdir);
		free(pcap_rel);
		return EXIT_USAGE;
	}

	runner_opts_t ro = {
		.cases = &c->cases, .select = &c->opts.select,
		.exclude = &c->opts.exclude, .scheme = c->scheme, .policy = c->policy,
		.dut = c->dut, .decisions = c->decisions, .target = c->target,
		.tls = c->tls, .jobs = c->opts.jobs,
		.case_timeout_ms = c->opts.timeout_ms, .cancel = &c->stop.cancel,
		.progress = &c->progress, .discovery_incomplete = discovery_cut,
		.adopt = c->resume ? resume_adopt : NULL, .adopt_arg = c->resume,
		.abandoned = &c->abandoned,
	};
	runner_run(r, &ro);
	if (c->resume && resume_error(c->resume)[0]) {
		warnx_("cannot resume %s: %s", c->opts.out, resume_error(c->resume));
		abandon_resume_dir(c, evdir);
		free(pcap_rel);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < r->n_results; i++)
		run_add_file(r, r->results[i].tc->file, r->results[i].tc->sha256, "testcase");
	run_stop_phase(&c->stop, PH_OBSERVE);
	observe(c);

	if (c->cap) {
		capture_stats_t st;
		capture_stop(c->cap, &st);
		r->capture.captured = st.packets;
		r->capture.received = st.ps_recv;
		r->capture.dropped = st.ps_drop;
		r->capture.if_dropped = st.ps_ifdrop;
		if (st.error[0])
			r->capture.note = xstrdup(st.error);
		if (st.ps_drop || st.ps_ifdrop)
			warnx_("the capture dropped %llu packets: evidence is incomplete",
			    (unsigned long long)(st.ps_drop + st.ps_ifdrop));
	}
	run_stop_phase(&c->stop, PH_ANALYSIS);
	run_capture_cases(c, &ro, pcap_rel);
	run_stop_phase(&c->stop, PH_EVIDENCE);
	if (run_stop_early(&c->stop))
		run_stop_record(&c->stop, r, c->opts.discover_only ? NULL : c->opts.out);
	r->end_ms = wall_ms();
	/* After a stop, cut per-case pcaps only while the exit budget lasts:
	 * each cut reads the whole capture, which hashing already must. */
	evidence_budget_t budget = { run_stop_at, &c->stop, SPLIT_BUDGET_MS };
	size_t uncut = evidence_collect(r, c->opts.out, evdir, pcap_rel, c->discovery,
	    &budget);
	if (uncut) {
		char *note = xasprintf("%s%s%zu per-case pcap%s not cut: the run was stopped; "
		    "their packets are in %s", r->capture.note ? r->capture.note : "",
		    r->capture.note ? "; " : "", uncut, uncut == 1 ? "" : "s", pcap_rel);
		free(r->capture.note);
		r->capture.note = note;
	}
	annotate_capture(r, pcap_rel);
	if (c->resume)
		resume_finish(c->resume, r);
	run_rollup(r);
	free(pcap_rel);

	/* One format failing (a missing stylesheet) costs neither the others
	 * nor the summary; the exit status still says the output is short. */
	char *xml = xasprintf("%s/report.xml", c->opts.out);
	bool partial = report_write_all(r, c->opts.out, err, sizeof(err)) < 0;
	if (partial)
		warnx_("cannot write the report: %s", err);
	if (partial && access(xml, F_OK) != 0) {
		free(xml);
		return EXIT_RUN;
	}
	c->reported = true;
	char *xsd = data_path("reports/iotcert-report.xsd");
	if (access(xsd, R_OK) == 0 && report_validate(xml, xsd, err, sizeof(err)) != 0)
		warnx_("internal error: %s does not validate against %s: %s", xml, xsd, err);
	free(xsd);
	if (!c->opts.quiet) {
		if (c->opts.discover_only)
			report_console_inventory(r, stdout);
		else
			report_console(r, stdout, c->opts.color);
		printf("\nreport:   %s\nevidence: %s/evidence/\n", xml, c->opts.out);
		if (!r->capture.enabled)
			printf("capture:  off (%s)\n", r->capture.note ? r->capture.note : "unavailable");
	}
	free(xml);
	if (run_stop_early(&c->stop) || partial)
		return EXIT_RUN;
	if (c->opts.discover_only)
		return EXIT_NO_FAIL;
	size_t counts[V__COUNT];
	run_counts(r, counts);
	return counts[V_FAIL] ? EXIT_FAILED : EXIT_NO_FAIL;
}

/* --sign KEY: read now, while the key may still be readable (root only). */
static int
load_signer(run_ctx_t *c)
{
	char err[1024];
	c->signer = sign_key_load_private(c->opts.sign_key, err, sizeof(err));
	if (c->signer == NULL) {
		warnx_("--sign: %s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * Seals the written reports; after a failure they stay as they are, and
 * the exit status says the run's output is not sealed.  Without --sign, a
 * manifest left from an earlier seal no longer matches: say so.
 */
static int
seal_output(run_ctx_t *c, int rc)
{
	char err[1024];
	if (c->signer == NULL) {
		char *old = xasprintf("%s/%s", c->opts.out, MANIFEST_NAME);
		if (access(old, F_OK) == 0)
			warnx_("%s is from an earlier seal and no longer matches %s: seal it again "
			    "(iotcert sign %s --key KEY) or remove it", old, c->opts.out,
			    c->opts.out);
		free(old);
		return rc;
	}
	size_t files = 0;
	if (seal_sign(c->opts.out, c->signer, &files, err, sizeof(err)) < 0) {
		warnx_("the report is written but NOT signed: %s; seal it with 'iotcert sign "
		    "%s --key KEY'", err, c->opts.out);
		return EXIT_RUN;
	}
	if (!c->opts.quiet)
		printf("signed:   %s/%s (%zu files, %s key sha256:%s)\n", c->opts.out,
		    MANIFEST_NAME, files, sign_alg_str(sign_key_alg(c->signer)),
		    sign_key_fingerprint(c->signer));
	return rc;
}

/*
 * --resume DIR: opens the interrupted run, goes to the directory its options
 * are relative to and takes those options, keeping from this command line
 * only how to show the run, its deadline and the user to drop to.
 */
static int
open_resume(run_ctx_t *c)
{
	char err[1024], dir[PATH_MAX];
	if (realpath(c->opts.resume, dir) == NULL) {
		warnx_("--resume %s: %s", c->opts.resume, strerror(errno));
		return EXIT_USAGE;
	}
	char *xsd_rel = data_path("reports/iotcert-report.xsd"), xsd[PATH_MAX];
	bool have_xsd = realpath(xsd_rel, xsd) != NULL;
	free(xsd_rel);
	c->resume = resume_open(dir, have_xsd ? xsd : NULL, err, sizeof(err));
	if (c->resume == NULL) {
		warnx_("cannot resume: %s", err);
		return EXIT_USAGE;
	}
	const char *cwd = resume_cwd(c->resume);
	if (cwd && chdir(cwd) != 0) {
		warnx_("cannot resume: the run's options are relative to %s: %s", cwd,
		    strerror(errno));
		return EXIT_USAGE;
	}
	const strlist_t *args = resume_args(c->resume);
	if (args->n == 0 || strcmp(args->v[0], "run") != 0) {
		warnx_("cannot resume: %s/report.xml was not written by 'iotcert run'", dir);
		return EXIT_USAGE;
	}
	/* getopt reorders its argv: give it a copy. */
	char **argv = xcalloc(args->n + 1, sizeof(*argv));
	memcpy(argv, args->v, args->n * sizeof(*argv));
	run_opts_t o;
	int rc = run_opts_parse(&o, (int)args->n, argv, false);
	free(argv);
	if (rc != 0) {
		run_opts_free(&o);
		warnx_("cannot resume: the options recorded in %s/report.xml do not parse", dir);
		return EXIT_USAGE;
	}
	free(o.out);
	o.out = xstrdup(dir);
	o.quiet = c->opts.quiet;
	o.color = c->opts.color;
	/* The deadline was the stopped part's; this part has its own, if any. */
	o.max_time_s = c->opts.max_time_s;
	if (c->opts.user) {
		free(o.user);
		o.user = xstrdup(c->opts.user);
	}
	/* A key given now (already loaded) wins over the recorded one, which
	 * run_main loads next, relative to the run's directory. */
	if (c->opts.sign_key) {
		free(o.sign_key);
		o.sign_key = xstrdup(c->opts.sign_key);
	}
	run_opts_free(&c->opts);
	c->opts = o;
	if (!c->opts.quiet)
		fprintf(stderr, "iotcert: resuming the run in %s; new evidence in %s/\n", dir,
		    resume_evidence_dir(c->resume));
	return 0;
}

static int
run_main(int argc, char **argv, bool discover_only)
{
	run_ctx_t *c = xcalloc(1, sizeof(*c));
	int rc = run_opts_parse(&c->opts, argc, argv, discover_only);
	if (rc != 0) {
		run_opts_free(&c->opts);
		free(c);
		return rc > 0 ? EXIT_NO_FAIL : EXIT_USAGE;
	}
	char err[512];
	/* The key first: before the capture opens and privileges are dropped. */
	if (c->opts.sign_key && (rc = load_signer(c)) != 0)
		goto out;
	if (c->opts.resume && (rc = open_resume(c)) != 0)
		goto out;
	if (c->opts.sign_key && c->signer == NULL && (rc = load_signer(c)) != 0)
		goto out;	/* the interrupted run's --sign */
	/* From here a signal stops the run rather than killing it. */
	run_stop_start(&c->stop, c->opts.max_time_s);
	rc = EXIT_USAGE;
	if (load_config(c) < 0)
		goto out;
	c->target = target_new(c->opts.target, err, sizeof(err));
	if (c->target == NULL) {
		warnx_("%s", err);
		goto out;
	}
	c->tls = tls_ctx_new(err, sizeof(err));
	if (c->tls == NULL) {
		warnx_("%s", err);
		rc = EXIT_RUN;
		goto out;
	}
	c->run = run_new();
	record_inputs(c, argc, argv);
	if (c->resume && resume_check_inputs(c->resume, c->run, &c->cases, err,
	    sizeof(err)) < 0) {
		warnx_("cannot resume %s: %s", c->opts.out, err);
		goto out;
	}
	open_capture(c);
	if (privdrop_to_invoker(c->opts.user, err, sizeof(err)) < 0) {
		warnx_("cannot drop privileges: %s", err);
		rc = EXIT_RUN;
		goto out;
	}
	progress_init(&c->progress, stderr, !c->opts.quiet && isatty(STDERR_FILENO));
	rc = execute(c);
	if (c->reported)
		rc = seal_output(c, rc);
	run_stop_end(&c->stop);
	if (!c->abandoned)	/* a worker left running may still report progress */
		progress_destroy(&c->progress);
out:
	run_stop_end(&c->stop);
	if (c->abandoned) {
		/* A worker still runs inside a probe, borrowing the target, the
		 * cases and the TLS context: freeing them (or running atexit
		 * handlers under it) could crash it.  The reports are written. */
		fflush(NULL);
		_exit(rc);
	}
	capture_free(c->cap);
	run_free(c->run);
	evidence_free(c->discovery);
	target_free(c->target);
	tls_ctx_free(c->tls);
	caseset_free(&c->cases);
	scheme_free(c->scheme);
	crypto_policy_free(c->policy);
	dut_free(c->dut);
	decisions_free(c->decisions);
	resume_free(c->resume);
	sign_key_free(c->signer);
	run_opts_free(&c->opts);
	free(c);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, false);
}

int
cmd_discover(int argc, char **argv)
{
	return run_main(argc, argv, true);
}
