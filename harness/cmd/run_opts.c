/*
 * `iotcert run` option parsing and help text.
 */
#include "cmd/run_opts.h"
#include "cmd/cmd.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage_discover(FILE *out)
{
	fputs("usage: iotcert discover --target HOST [OPTIONS]\n"
	    "\n"
	    "Finds every service the device exposes and writes DIR/report.xml holding\n"
	    "the inventory (the same document as `iotcert run`, without test cases):\n"
	    "TCP connect scan (open, closed and filtered told apart; filtered ports\n"
	    "retried), identification of each open port by what it says (TLS, SSH,\n"
	    "telnet, HTTP, MQTT, RTSP, FTP, ADB, CoAP over TCP, ...), protocol-correct\n"
	    "probes of the UDP services IoT devices run, and what each service discloses\n"
	    "without authentication.\n"
	    "\n"
	    "  -t, --target HOST       device address or name; every IPv4 and IPv6 address\n"
	    "                          it resolves to is scanned (fe80::1%eth0 works)\n"
	    "  -p, --ports LIST        TCP ports (default 1-65535)\n"
	    "  -U, --udp LIST          UDP ports (default 53,69,123,161,1900,5353,5683,\n"
	    "                          5684), or 'none'\n"
	    "  -r, --rate N            at most N TCP connection attempts a second\n"
	    "      --connect-timeout MS  per connection attempt (default 1500)\n"
	    "      --no-identify       list open ports without identifying them (a bare\n"
	    "                          sweep, as nmap -sT does)\n"
	    "      --max-time SECONDS  deadline of the whole discovery; SIGINT, SIGTERM\n"
	    "                          and the deadline stop it within a second, report\n"
	    "                          written\n"
	    "  -o, --out DIR           output directory (default iotcert-out)\n"
	    "  -i, --interface IF      capture interface (default: routes to the target)\n"
	    "  -n, --no-capture        do not capture traffic\n"
	    "  -u, --user USER         user to drop to after opening the capture\n"
	    "      --sign KEY          seal DIR when the report is written: DIR/MANIFEST\n"
	    "                          and DIR/MANIFEST.sig, as 'iotcert sign' does; KEY\n"
	    "                          (PEM, Ed25519 or ECDSA P-256/384/521) is read first\n"
	    "  -q, --quiet             no progress and no summary\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "Exit status: 0 done, 2 usage error, 3 the discovery could not be carried out\n"
	    "or was interrupted.\n",
	    out);
}

static void
usage(FILE *out)
{
	fputs("usage: iotcert run --target HOST [OPTIONS]\n"
	    "\n"
	    "Discovers the services of the device under test, runs the selected test\n"
	    "cases against it while capturing its traffic, and writes DIR/report.xml,\n"
	    "DIR/junit.xml and DIR/evidence/ (pcaps and transcripts, each hashed in the\n"
	    "report).\n"
	    "\n"
	    "  -t, --target HOST[,HOST] the device: addresses or names, IPv4 and IPv6\n"
	    "                          (fe80::1%eth0 with its scope); all are tested\n"
	    "  -d, --dut FILE          DUT profile: identity, declared interfaces, ICS\n"
	    "      --decisions FILE    the assessor's verdicts of conceptual cases (who,\n"
	    "                          when, why, on what evidence); without it they are\n"
	    "                          NOT_RUN\n"
	    "  -S, --scheme NAME|FILE  scheme profile (default en303645-baseline)\n"
	    "  -c, --cases PATH        test case file or directory (repeatable;\n"
	    "                          default DATADIR/testcases)\n"
	    "  -s, --select LIST       comma-separated case-id globs, provision refs\n"
	    "                          (5.5-1) or tags\n"
	    "  -x, --exclude LIST      the same kinds of selector, for cases not to run\n"
	    "                          (e.g. brute-force, which may lock the device)\n"
	    "  -o, --out DIR           output directory (default iotcert-out)\n"
	    "  -i, --interface IF      capture interface (default: the one routing to\n"
	    "                          the target)\n"
	    "  -n, --no-capture        do not capture traffic\n"
	    "  -p, --ports LIST        TCP ports to scan, e.g. 1-65535 or 22,80,8000-8100\n"
	    "                          (default: the scheme's list, 1-65535 in the baseline)\n"
	    "  -U, --udp LIST          UDP ports to probe (default 53,69,123,161,1900,5353,\n"
	    "                          5683,5684), or 'none'\n"
	    "  -r, --rate N            at most N TCP connection attempts a second\n"
	    "  -j, --jobs N            test case instances run in parallel (default 4)\n"
	    "      --timeout MS        default deadline per test case (default 60000)\n"
	    "      --connect-timeout MS  per connection attempt in discovery (default 1500)\n"
	    "      --observe SECONDS   after the cases, leave the device alone and keep\n"
	    "                          capturing this long: the cases over the capture\n"
	    "                          then see what it does by itself (default 0)\n"
	    "      --max-time SECONDS  deadline of the whole run: when it passes the run\n"
	    "                          stops as on SIGINT (default: none)\n"
	    "      --resume DIR        continue the run in DIR that a signal or --max-time\n"
	    "                          stopped, with its options: results that were final\n"
	    "                          are kept, the interrupted instances run again, new\n"
	    "                          evidence goes to DIR/evidence/resume-N/; refused when\n"
	    "                          the run was complete or its case, profile or evidence\n"
	    "                          files changed.  Only -q, --no-color, --max-time (of\n"
	    "                          the resumed part; the first part's does not carry\n"
	    "                          over), --user and --sign may be given with it\n"
	    "  -u, --user USER         user to drop to after opening the capture (default:\n"
	    "                          the sudo invoker)\n"
	    "      --sign KEY          seal DIR once its reports are written (also after an\n"
	    "                          interruption or a --resume): DIR/MANIFEST lists every\n"
	    "                          file with its SHA-256, DIR/MANIFEST.sig signs it, as\n"
	    "                          'iotcert sign' does (see 'iotcert sign --help').  KEY\n"
	    "                          is a PEM private key, unencrypted, Ed25519 or ECDSA\n"
	    "                          on P-256, P-384 or P-521; it is read and checked\n"
	    "                          before anything else (so it may be readable by root\n"
	    "                          only) and kept in memory.  With --resume: the\n"
	    "                          resumed run is sealed with this key; without it,\n"
	    "                          with the key the interrupted run was started with\n"
	    "  -q, --quiet             no progress and no summary table\n"
	    "      --no-color          plain summary\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "SIGINT or SIGTERM stops the run within a second: finished results are kept,\n"
	    "unfinished instances are NOT_RUN (interrupted), the capture is closed and\n"
	    "hashed, and the report says the run was interrupted; --resume DIR continues\n"
	    "it.  A second signal exits at once, without a report.\n"
	    "\n"
	    "Exit status: 0 no FAIL verdict, 1 at least one FAIL, 2 usage or\n"
	    "configuration error (also: nothing to resume in DIR, or it changed), 3 the\n"
	    "run could not be carried out, or was interrupted or stopped by --max-time\n"
	    "(its report is written), or the report is written but could not be signed.\n",
	    out);
}

static int
parse_uint(const char *s, const char *what, unsigned *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 86400000) {
		fprintf(stderr, "iotcert: %s must be a positive number, not '%s'\n", what, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Whether --user names someone: a passwd entry, or a plain numeric uid
 * (privdrop accepts one without an entry).  Checked before anything runs,
 * so a typo is a usage error rather than a run given up half-way. */
static bool
user_exists(const char *user)
{
	if (*user >= '0' && *user <= '9' && user[strspn(user, "0123456789")] == '\0')
		return true;
	char buf[16384];
	struct passwd pw, *res = NULL;
	return getpwnam_r(user, &pw, buf, sizeof(buf), &res) == 0 && res != NULL;
}

int
run_opts_parse(run_opts_t *o, int argc, char **argv, bool discover_only)
{
	void (*help)(FILE *) = discover_only ? usage_discover : usage;
	enum { OPT_TIMEOUT = 256, OPT_CONNECT, OPT_NOCOLOR, OPT_NOID, OPT_OBSERVE,
		OPT_MAXTIME, OPT_RESUME, OPT_SIGN, OPT_DECISIONS };
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "dut", required_argument, NULL, 'd' },
		{ "scheme", required_argument, NULL, 'S' },
		{ "cases", required_argument, NULL, 'c' },
		{ "select", required_argument, NULL, 's' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "out", required_argument, NULL, 'o' },
		{ "interface", required_argument, NULL, 'i' },
		{ "no-capture", no_argument, NULL, 'n' },
		{ "ports", required_argument, NULL, 'p' },
		{ "udp", required_argument, NULL, 'U' },
		{ "rate", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "connect-timeout", required_argument, NULL, OPT_CONNECT },
		{ "user", required_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-color", no_argument, NULL, OPT_NOCOLOR },
		{ "no-identify", no_argument, NULL, OPT_NOID },
		{ "observe", required_argument, NULL, OPT_OBSERVE },
		{ "max-time", required_argument, NULL, OPT_MAXTIME },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "sign", required_argument, NULL, OPT_SIGN },
		{ "decisions", required_argument, NULL, OPT_DECISIONS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->discover_only = discover_only;
	o->color = isatty(STDOUT_FILENO);
	int c;
	bool others = false;	/* an option --resume does not take */
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:d:S:c:s:x:o:i:np:U:r:j:u:qh", opts, NULL)) != -1) {
		others |= c != 'q' && c != OPT_NOCOLOR && c != OPT_MAXTIME && c != 'u' &&
		    c != OPT_RESUME && c != OPT_SIGN && c != 'h';
		switch (c) {
		case 't': free(o->target); o->target = xstrdup(optarg); break;
		case 'd': free(o->dut); o->dut = xstrdup(optarg); break;
		case 'S': free(o->scheme); o->scheme = xstrdup(optarg); break;
		case 'c': strlist_push(&o->cases, optarg); break;
		case 's': split_list(optarg, &o->select); break;
		case 'x': split_list(optarg, &o->exclude); break;
		case 'o': free(o->out); o->out = xstrdup(optarg); break;
		case 'i': free(o->iface); o->iface = xstrdup(optarg); break;
		case 'n': o->no_capture = true; break;
		case 'p': free(o->ports); o->ports = xstrdup(optarg); break;
		case 'U': free(o->udp); o->udp = xstrdup(optarg); break;
		case 'r': if (parse_uint(optarg, "--rate", &o->rate) < 0) return -1; break;
		case 'j': if (parse_uint(optarg, "--jobs", &o->jobs) < 0) return -1; break;
		case OPT_TIMEOUT: if (parse_uint(optarg, "--timeout", &o->timeout_ms) < 0) return -1; break;
		case OPT_CONNECT: if (parse_uint(optarg, "--connect-timeout", &o->connect_ms) < 0) return -1; break;
		case 'u': free(o->user); o->user = xstrdup(optarg); break;
		case 'q': o->quiet = true; break;
		case OPT_NOCOLOR: o->color = false; break;
		case OPT_NOID: o->no_identify = true; break;
		case OPT_OBSERVE: if (parse_uint(optarg, "--observe", &o->observe_s) < 0) return -1; break;
		case OPT_MAXTIME: if (parse_uint(optarg, "--max-time", &o->max_time_s) < 0) return -1; break;
		case OPT_RESUME: free(o->resume); o->resume = xstrdup(optarg); break;
		case OPT_SIGN: free(o->sign_key); o->sign_key = xstrdup(optarg); break;
		case OPT_DECISIONS: free(o->decisions); o->decisions = xstrdup(optarg); break;
		case 'h': help(stdout); return 1;
		default: help(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iotcert: unexpected argument '%s'\n", argv[optind]);
		help(stderr);
		return -1;
	}
	if (o->user && !user_exists(o->user)) {
		fprintf(stderr, "iotcert: --user %s: no such user (a name or a numeric uid)\n",
		    o->user);
		return -1;
	}
	if (o->resume && discover_only) {
		fputs("iotcert discover: --resume belongs to 'iotcert run'\n", stderr);
		return -1;
	}
	if (o->resume && others) {
		fputs("iotcert run: --resume DIR runs the interrupted run's own options; only "
		    "--quiet, --no-color, --max-time, --user and --sign may be given with it\n",
		    stderr);
		return -1;
	}
	if (o->resume)
		return 0;
	if (o->target == NULL) {
		fputs("iotcert: --target HOST is required\n", stderr);
		help(stderr);
		return -1;
	}
	if (!discover_only && o->no_identify) {
		fputs("iotcert run: --no-identify belongs to 'iotcert discover' (cases need "
		    "identified services)\n", stderr);
		return -1;
	}
	if (discover_only && (o->dut || o->scheme || o->cases.n || o->select.n || o->exclude.n || o->jobs ||
	    o->timeout_ms || o->decisions)) {
		fputs("iotcert discover: --dut, --scheme, --cases, --select, --exclude, --jobs, "
		    "--timeout and --decisions belong to 'iotcert run'\n", stderr);
		return -1;
	}
	if (o->jobs > 64)
		o->jobs = 64;
	if (o->out == NULL)
		o->out = xstrdup("iotcert-out");
	if (o->scheme == NULL && !discover_only)
		o->scheme = xstrdup("en303645-baseline");
	return 0;
}

void
run_opts_free(run_opts_t *o)
{
	free(o->target);
	free(o->iface);
	free(o->dut);
	free(o->scheme);
	strlist_free(&o->cases);
	strlist_free(&o->select);
	strlist_free(&o->exclude);
	free(o->out);
	free(o->user);
	free(o->ports);
	free(o->udp);
	free(o->resume);
	free(o->sign_key);
	free(o->decisions);
}
