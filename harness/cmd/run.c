/*
 * iotcert run: load configuration, open the capture (then drop privileges),
 * discover, run the cases, split and hash the evidence, write the reports,
 * print the summary.  SIGINT/SIGTERM cancel the run; what finished is kept.
 */
#include "cmd/cmd.h"
#include "passive/passive_glue.h"
#include "cmd/run_evidence.h"
#include "cmd/run_opts.h"
#include "capture/capture.h"
#include "core/hash.h"
#include "crypto/policy.h"
#include "core/runner.h"
#include "core/util.h"
#include "discover/discover.h"
#include "load/load.h"
#include "report/console.h"
#include "report/validate.h"
#include "report/writer.h"

#include <errno.h>
#include <libxml/xmlversion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

typedef struct run_ctx {
	run_opts_t opts;
	volatile int cancel;
	pthread_t sigthread;
	bool have_sigthread;
	caseset_t cases;
	scheme_t *scheme;
	crypto_policy_t *policy;
	dut_t *dut;
	target_t *target;
	capture_t *cap;
	tls_ctx_t *tls;
	progress_t progress;
	run_t *run;
	evidence_t *discovery;
} run_ctx_t;

static void *
signal_thread(void *arg)
{
	run_ctx_t *c = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);	/* sent by ourselves at the end */
	int sig = 0;
	while (sigwait(&set, &sig) == 0) {
		if (sig == SIGUSR1)
			break;
		if (!c->cancel)
			fprintf(stderr, "\niotcert: %s: stopping; completed results are kept\n",
			    strsignal(sig));
		c->cancel = 1;
	}
	return NULL;
}

static void
start_signals(run_ctx_t *c)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* inherited by every worker */
	signal(SIGPIPE, SIG_IGN);
	c->have_sigthread = pthread_create(&c->sigthread, NULL, signal_thread, c) == 0;
}

static void
stop_signals(run_ctx_t *c)
{
	if (c->have_sigthread) {
		pthread_kill(c->sigthread, SIGUSR1);
		pthread_join(c->sigthread, NULL);
	}
}

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
	return 0;
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
	r->target_host = xstrdup(c->opts.target);
	r->scheme = c->scheme;
	r->dut = c->dut;
	if (c->scheme)
		run_add_file(r, c->scheme->file, c->scheme->sha256, "scheme");
	if (c->dut)
		run_add_file(r, c->dut->file, c->dut->sha256, "dut");
	if (c->policy)
		run_add_file(r, c->scheme->crypto_policy, crypto_policy_sha256(c->policy),
		    "crypto-policy");
	strlist_push_owned(&r->libraries, xstrdup(capture_lib_version()));
	strlist_push_owned(&r->libraries, xstrdup(tls_lib_version()));
	strlist_push_owned(&r->libraries, xasprintf("libyaml %s", yaml_get_version_string()));
	strlist_push_owned(&r->libraries, xasprintf("libxml2 %s", LIBXML_DOTTED_VERSION));
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
	if (c->opts.observe_s == 0 || c->cap == NULL || c->cancel)
		return;
	uint64_t end = mono_ms() + (uint64_t)c->opts.observe_s * 1000;
	for (uint64_t now = mono_ms(); now < end && !c->cancel; now = mono_ms()) {
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
	if (pcap_rel && !c->cancel) {
		char *path = xasprintf("%s/%s", c->opts.out, pcap_rel);
		pv = passive_analyze(path, c->target, NULL, c->run, c->discovery, false, &c->cancel,
		    err, sizeof(err));
		if (pv == NULL) {
			warnx_("the capture could not be analysed: %s", err);
			free(note);
			note = xasprintf("the capture could not be analysed: %s", err);
		}
		free(path);
	}
	ro->passive = pv;
	ro->passive_note = note;
	runner_run_capture(c->run, ro);
	ro->passive = NULL;
	ro->passive_note = NULL;
	pv_run_free(pv);
	free(note);
}

static int
execute(run_ctx_t *c)
{
	run_t *r = c->run;
	char err[512];
	char *evdir = xasprintf("%s/evidence", c->opts.out);
	if (mkdir_p(evdir) < 0) {
		warnx_("cannot create %s: %s", evdir, strerror(errno));
		free(evdir);
		return EXIT_RUN;
	}
	free(evdir);
	const char *pcap_rel = NULL;
	if (c->cap) {
		char *path = xasprintf("%s/evidence/run.pcap", c->opts.out);
		if (capture_start(c->cap, path, err, sizeof(err)) == 0) {
			pcap_rel = "evidence/run.pcap";
			r->capture.enabled = true;
		} else {
			warnx_("capture could not start: %s", err);
			r->capture.note = xstrdup(err);
		}
		free(path);
	}

	int *ports = NULL, *udp = NULL;
	size_t n_ports = 0, n_udp = 0;
	if (c->opts.ports) {
		if (parse_ports(c->opts.ports, &ports, &n_ports, err, sizeof(err)) < 0) {
			warnx_("--ports: %s", err);
			return EXIT_USAGE;
		}
	} else if (c->scheme && c->scheme->n_tcp_ports) {
		ports = xcalloc(c->scheme->n_tcp_ports + 1, sizeof(int));
		memcpy(ports, c->scheme->tcp_ports, c->scheme->n_tcp_ports * sizeof(int));
		n_ports = c->scheme->n_tcp_ports;
	} else {
		parse_ports("1-65535", &ports, &n_ports, err, sizeof(err));
	}
	bool no_udp = c->opts.udp && strcmp(c->opts.udp, "none") == 0;
	if (c->opts.udp && !no_udp &&
	    parse_ports(c->opts.udp, &udp, &n_udp, err, sizeof(err)) < 0) {
		warnx_("--udp: %s", err);
		free(ports);
		return EXIT_USAGE;
	}
	discover_opts_t dopt = {
		.tcp_ports = ports, .n_tcp_ports = n_ports, .connect_ms = c->opts.connect_ms,
		.retries = 1, .tls = c->tls, .cancel = &c->cancel, .rate = c->opts.rate,
		.udp_ports = udp, .n_udp_ports = n_udp, .no_udp = no_udp,
		.no_identify = c->opts.no_identify,
		.progress = discover_progress, .progress_arg = &c->progress,
	};
	r->start_ms = wall_ms();
	c->discovery = evidence_new();
	if (discover_run(c->target, &dopt, c->discovery, err, sizeof(err)) < 0)
		warnx_("%s", err);
	free(ports);
	free(udp);
	progress_clear(&c->progress);
	if (!c->opts.quiet)
		fprintf(stderr, "iotcert: %zu open service%s on %s (%zu TCP ports scanned, "
		    "%zu UDP)\n", c->target->n_svcs, c->target->n_svcs == 1 ? "" : "s",
		    c->target->host, c->target->ports_scanned, c->target->udp_scanned);
	r->target = c->target;

	runner_opts_t ro = {
		.cases = &c->cases, .select = &c->opts.select,
		.exclude = &c->opts.exclude, .scheme = c->scheme, .policy = c->policy,
		.dut = c->dut, .target = c->target, .tls = c->tls, .jobs = c->opts.jobs,
		.case_timeout_ms = c->opts.timeout_ms, .cancel = &c->cancel,
		.progress = &c->progress,
	};
	runner_run(r, &ro);
	for (size_t i = 0; i < r->n_results; i++)
		run_add_file(r, r->results[i].tc->file, r->results[i].tc->sha256, "testcase");
	if (c->cancel)
		r->interrupted = xstrdup("interrupted by a signal; unfinished cases are NOT_RUN");
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
	run_capture_cases(c, &ro, pcap_rel);
	r->end_ms = wall_ms();
	evidence_collect(r, c->opts.out, pcap_rel, c->discovery);
	for (size_t i = 0; pcap_rel && i < r->n_evrefs; i++)
		if (strcmp(r->evrefs[i].file, pcap_rel) == 0)
			passive_link_results(r, pcap_rel, r->evrefs[i].sha256, r->evrefs[i].packets);
	if (r->capture.enabled) {
		char *note = passive_note(r);	/* drops */
		passive_note_results(r, note);
		free(note);
	}
	run_rollup(r);

	if (report_write_all(r, c->opts.out, err, sizeof(err)) < 0) {
		warnx_("cannot write the report: %s", err);
		return EXIT_RUN;
	}
	char *xml = xasprintf("%s/report.xml", c->opts.out);
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
	if (c->cancel)
		return EXIT_RUN;
	if (c->opts.discover_only)
		return EXIT_NO_FAIL;
	size_t counts[V__COUNT];
	run_counts(r, counts);
	return counts[V_FAIL] ? EXIT_FAILED : EXIT_NO_FAIL;
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
	open_capture(c);
	if (privdrop_to_invoker(c->opts.user, err, sizeof(err)) < 0) {
		warnx_("cannot drop privileges: %s", err);
		rc = EXIT_RUN;
		goto out;
	}
	progress_init(&c->progress, stderr, !c->opts.quiet && isatty(STDERR_FILENO));
	start_signals(c);
	rc = execute(c);
	stop_signals(c);
	progress_destroy(&c->progress);
out:
	capture_free(c->cap);
	run_free(c->run);
	evidence_free(c->discovery);
	target_free(c->target);
	tls_ctx_free(c->tls);
	caseset_free(&c->cases);
	scheme_free(c->scheme);
	crypto_policy_free(c->policy);
	dut_free(c->dut);
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
