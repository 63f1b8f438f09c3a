/*
 * iotcert-refdev: command line, start-up and shutdown of the reference device.
 * Start-up order matters to the harness: credentials and the certificate are
 * ready and every listener is bound before the single "ready" line appears,
 * so a test may connect the moment it reads that line.  Signals arrive through
 * a signalfd, so there is no signal-handler state at all.
 */
#include "refdev.h"

#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define PASSWORD_LEN 16
#define SHUTDOWN_GRACE_MS 800

static void
usage(FILE *out)
{
	fprintf(out,
	    "Usage: " REFDEV_PROG " [--mode weak|hardened] [--addr ADDR]\n"
	    "         [--port SERVICE=PORT]... [--misbehave SPEC[,SPEC...]]\n"
	    "         [--ready-file FILE] [--quiet] [--help] [--version]\n"
	    "\n"
	    "Play a consumer IoT device (an IP camera) on a local address, for testing\n"
	    "the iotcert harness and a lab's own set-up against ETSI EN 303 645.  No\n"
	    "privileges are needed: every default port is above 1024.\n"
	    "\n"
	    "Options:\n"
	    "  --mode weak|hardened     device profile (default weak)\n"
	    "  --addr ADDR              address to listen on, IPv4 or IPv6 literal\n"
	    "                           (default 127.0.0.1; e.g. ::1)\n"
	    "  --port SERVICE=PORT      listen for SERVICE on PORT instead of the default;\n"
	    "                           PORT 0 or 'off' disables the service, 'auto' takes a\n"
	    "                           free port (see the ready line); repeatable\n"
	    "  --misbehave SPEC[,SPEC]  turn on misbehaviour switches (below); SPEC is NAME\n"
	    "                           for every service it applies to, or SERVICE:NAME;\n"
	    "                           repeatable\n"
	    "  --admin-password PW      hardened admin password (default: 16 random\n"
	    "                           characters, printed on stderr at start-up)\n"
	    "  --mqtt-user USER         hardened MQTT user (default 'device')\n"
	    "  --mqtt-password PW       hardened MQTT password (default: the admin password)\n"
	    "  --idle-timeout SECONDS   close connections idle this long (default 30)\n"
	    "  --lockout N:SECONDS      after N failed logins in a row (web and MQTT),\n"
	    "                           refuse every login for SECONDS: the web UI says\n"
	    "                           429, the broker refuses silently (default: off)\n"
	    "  --cloud ADDR:PORT        phone home: simulate a cloud service listening on\n"
	    "                           ADDR:PORT and post telemetry to it from --addr\n"
	    "                           every --cloud-interval (weak: cleartext HTTP with\n"
	    "                           Basic credentials, the owner's e-mail and location;\n"
	    "                           hardened: the same over TLS 1.2+)\n"
	    "  --cloud-interval SECONDS between posts (default 2)\n"
	    "  --ready-file FILE        also write the ready line to FILE (atomically)\n"
	    "  -q, --quiet              no per-connection log on stderr\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n"
	    "\n"
	    "Services (default port in weak / hardened mode, '-' = off):\n");
	for (int s = 0; s < SVC_COUNT; s++) {
		const svc_info_t *si = svc_get((enum svc)s);
		char w[8] = "-", h[8] = "-";
		if (si->weak_port)
			snprintf(w, sizeof(w), "%d", si->weak_port);
		if (si->hardened_port)
			snprintf(h, sizeof(h), "%d", si->hardened_port);
		fprintf(out, "  %-7s %5s / %-5s  %s\n", si->name, w, h, si->what);
	}
	fprintf(out,
	    "  A service that is off by default runs when --port gives it a port.\n"
	    "  coap and ssdp are UDP.  ssdp answers unicast M-SEARCH (ST ssdp:all,\n"
	    "  upnp:rootdevice, its uuid or device type) with LOCATION\n"
	    "  http://ADDR:UPNPPORT/description.xml; turning ssdp on also starts upnp\n"
	    "  (on a free port unless --port upnp= says).\n"
	    "\n"
	    "Modes:\n"
	    "  weak      What a cheap, badly made device looks like.\n"
	    "            telnet: log in as admin/admin or root/12345 (BusyBox banner, root\n"
	    "              shell knowing echo, id and exit); 3 wrong logins close.\n"
	    "            http/https: admin UI; form login and Basic auth (realm \"RefDev\n"
	    "              Admin\") take admin/admin; GET /status.json discloses model,\n"
	    "              firmware and serial without a login.\n"
	    "            mqtt: anonymous and any credentials accepted; subscribing to\n"
	    "              $SYS/# or $SYS/broker/version yields 'refdev-mqtt 1.0'.\n"
	    "            TLS: RSA 1024 key, SHA-1 self-signed certificate CN=refdev.local,\n"
	    "              TLS 1.0 to 1.3, cipher list ALL at security level 0, client\n"
	    "              renegotiation allowed.\n"
	    "            debug: no login at all.\n"
	    "            coap: GET /.well-known/core lists </sensors/temp> and </config>;\n"
	    "              both readable and anyone may PUT /config (2.04 Changed).\n"
	    "            upnp: /description.xml names maker, model, serial and UDN.\n"
	    "  hardened  What EN 303 645 expects.  Only https and mqtts run by default.\n"
	    "            Admin UI and telnet take admin with the per-device admin\n"
	    "              password only; /status.json needs it too; failed logins are\n"
	    "              delayed; security headers and HSTS are sent.\n"
	    "            mqtt/mqtts: anonymous CONNECT refused (3.1.1 code 5, v5 0x87),\n"
	    "              wrong credentials refused (4 / 0x86).\n"
	    "            coap: the directory is public, every resource answers 4.01\n"
	    "              Unauthorized (GET and PUT).\n"
	    "            TLS: EC P-256 key, SHA-256 certificate with subjectAltName, TLS 1.2\n"
	    "              minimum, ECDHE with AES-GCM or ChaCha20-Poly1305 only, security\n"
	    "              level 2, no renegotiation.\n"
	    "  The certificate is generated in memory at every start.\n"
	    "\n"
	    "Misbehaviour switches:\n");
	misbehave_help(out);
	fprintf(out,
	    "\n"
	    "Limits: %d concurrent connections (more are closed at once); a connection\n"
	    "idle for the idle timeout is closed (MQTT: 1.5 x keep-alive if longer); no\n"
	    "connection lives more than %d minutes; an HTTP request must arrive within\n"
	    "30 s and a telnet login end within 60 s; HTTP request heads are capped at\n"
	    "16 KiB and bodies at 8 KiB, MQTT packets at 64 KiB, input lines at 1 KiB,\n"
	    "datagrams at 2 KiB.\n"
	    "HTTP serves one request per connection (Connection: close).\n"
	    "\n"
	    "Output: once every listener is bound, one line on stdout such as\n"
	    "  ready telnet=2323 http=8080 mqtt=1883 https=8443 debug=9999\n"
	    "naming the services listening and their actual ports.  Per-connection log\n"
	    "lines go to stderr unless --quiet.\n"
	    "\n"
	    "Exit status: 0 after SIGTERM or SIGINT; 1 if start-up fails; 2 for a usage\n"
	    "error or a port that cannot be bound.\n"
	    "\n"
	    "Example:\n"
	    "  " REFDEV_PROG " --mode weak --port http=18080 --misbehave telnet:slow\n",
	    REFDEV_MAX_CONNS, REFDEV_CONN_LIFETIME_MS / 60000);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, REFDEV_PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" REFDEV_PROG " --help' for more information.\n");
	return EXIT_USAGE;
}

static int
parse_port(refdev_cfg_t *cfg, const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (eq == NULL)
		return usage_error("--port wants SERVICE=PORT, not '%s'", spec);
	char *name = xstrndup(spec, (size_t)(eq - spec));
	int s = svc_by_name(name);
	free(name);
	if (s < 0)
		return usage_error("unknown service in --port '%s' (telnet, http, mqtt, https, "
		                   "mqtts, debug, coap, ssdp, upnp)", spec);
	const char *v = eq + 1;
	if (strcmp(v, "off") == 0) {
		cfg->port[s] = 0;
		return 0;
	}
	if (strcmp(v, "auto") == 0) {
		cfg->port[s] = PORT_AUTO;
		return 0;
	}
	char *end;
	errno = 0;
	long p = strtol(v, &end, 10);
	if (*v == '\0' || *end || errno || p < 0 || p > 65535)
		return usage_error("bad port in --port '%s' (0-65535, off or auto)", spec);
	cfg->port[s] = (int)p;
	return 0;
}

static int
set_string(char **dst, const char *v, const char *opt)
{
	if (*v == '\0')
		return usage_error("%s must not be empty", opt);
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

enum {
	OPT_MODE = 256, OPT_ADDR, OPT_PORT, OPT_MISBEHAVE, OPT_READY, OPT_ADMIN_PW,
	OPT_MQTT_USER, OPT_MQTT_PW, OPT_IDLE, OPT_LOCKOUT,
	OPT_CLOUD, OPT_CLOUD_INT
};

/* Returns -1 to go on, or an exit status (help, version, usage error). */
static int
parse_args(refdev_cfg_t *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "addr", required_argument, NULL, OPT_ADDR },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "misbehave", required_argument, NULL, OPT_MISBEHAVE },
		{ "ready-file", required_argument, NULL, OPT_READY },
		{ "admin-password", required_argument, NULL, OPT_ADMIN_PW },
		{ "mqtt-user", required_argument, NULL, OPT_MQTT_USER },
		{ "mqtt-password", required_argument, NULL, OPT_MQTT_PW },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "lockout", required_argument, NULL, OPT_LOCKOUT },
		{ "cloud", required_argument, NULL, OPT_CLOUD },
		{ "cloud-interval", required_argument, NULL, OPT_CLOUD_INT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int o, rc;
	char err[1024];
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":qhV", opts, NULL)) != -1) {
		rc = 0;
		switch (o) {
		case OPT_MODE:
			if (strcmp(optarg, "weak") == 0)
				cfg->mode = MODE_WEAK;
			else if (strcmp(optarg, "hardened") == 0)
				cfg->mode = MODE_HARDENED;
			else
				rc = usage_error("--mode is weak or hardened, not '%s'", optarg);
			break;
		case OPT_ADDR:
			rc = set_string(&cfg->addr, optarg, "--addr");
			break;
		case OPT_PORT:
			rc = parse_port(cfg, optarg);
			break;
		case OPT_MISBEHAVE:
			if (misbehave_parse(cfg, optarg, err, sizeof(err)) < 0)
				rc = usage_error("%s", err);
			break;
		case OPT_READY:
			rc = set_string(&cfg->ready_file, optarg, "--ready-file");
			break;
		case OPT_ADMIN_PW:
			rc = set_string(&cfg->admin_password, optarg, "--admin-password");
			break;
		case OPT_MQTT_USER:
			rc = set_string(&cfg->mqtt_user, optarg, "--mqtt-user");
			break;
		case OPT_MQTT_PW:
			rc = set_string(&cfg->mqtt_password, optarg, "--mqtt-password");
			break;
		case OPT_IDLE: {
			char *end;
			long s = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || s < 1 || s > 3600)
				rc = usage_error("--idle-timeout wants 1 to 3600 seconds, not '%s'", optarg);
			else
				cfg->idle_ms = (int)s * 1000;
			break;
		}
		case OPT_LOCKOUT: {
			int n, secs, used = 0;
			if (sscanf(optarg, "%d:%d%n", &n, &secs, &used) != 2 || optarg[used] ||
			    n < 1 || n > 1000 || secs < 1 || secs > 86400)
				rc = usage_error("--lockout wants N:SECONDS (1-1000 failures, "
				    "1-86400 seconds), not '%s'", optarg);
			else {
				cfg->lockout_attempts = n;
				cfg->lockout_ms = secs * 1000;
			}
			break;
		}
		case OPT_CLOUD: {
			struct sockaddr_storage ss;
			socklen_t sl;
			if (cloud_parse(optarg, &ss, &sl) < 0)
				rc = usage_error("--cloud wants ADDR:PORT with a numeric address "
				    "([ADDR]:PORT for IPv6), not '%s'", optarg);
			else
				rc = set_string(&cfg->cloud, optarg, "--cloud");
			break;
		}
		case OPT_CLOUD_INT: {
			char *end;
			long s = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || s < 1 || s > 3600)
				rc = usage_error("--cloud-interval wants 1 to 3600 seconds, not '%s'",
				    optarg);
			else
				cfg->cloud_interval_ms = (int)s * 1000;
			break;
		}
		case 'q':
			cfg->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(REFDEV_PROG " " REFDEV_VERSION "\n");
			return 0;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

static void
cfg_free(refdev_cfg_t *cfg)
{
	free(cfg->addr);
	free(cfg->ready_file);
	free(cfg->admin_password);
	free(cfg->mqtt_user);
	free(cfg->mqtt_password);
	free(cfg->cloud);
}

/*
 * Fills in the defaults that depend on the mode; -1 if no service is left,
 * -3 if SSDP would point at a description nobody serves.
 */
static int
finish_cfg(refdev_cfg_t *cfg)
{
	int enabled = 0;
	/* SSDP answers with a LOCATION: the description server comes with it. */
	if (cfg->port[SVC_SSDP] != PORT_UNSET && cfg->port[SVC_SSDP] != 0) {
		if (cfg->port[SVC_UPNP] == PORT_UNSET)
			cfg->port[SVC_UPNP] = PORT_AUTO;
		else if (cfg->port[SVC_UPNP] == 0)
			return -3;
	}
	for (int s = 0; s < SVC_COUNT; s++) {
		if (cfg->port[s] == PORT_UNSET) {
			const svc_info_t *si = svc_get((enum svc)s);
			cfg->port[s] = cfg->mode == MODE_HARDENED ? si->hardened_port : si->weak_port;
		}
		enabled += cfg->port[s] != 0;
	}
	if (cfg->addr == NULL)
		cfg->addr = xstrdup("127.0.0.1");
	if (cfg->admin_password == NULL) {
		cfg->admin_password = random_password(PASSWORD_LEN);
		if (cfg->admin_password == NULL)
			return -2;
		cfg->admin_password_generated = true;
	}
	if (cfg->mqtt_user == NULL)
		cfg->mqtt_user = xstrdup("device");
	if (cfg->mqtt_password == NULL)
		cfg->mqtt_password = xstrdup(cfg->admin_password);
	return enabled ? 0 : -1;
}

static char *
ready_line(const refdev_t *rd)
{
	buf_t b;
	buf_init(&b, 4096);
	buf_printf(&b, "ready");
	for (size_t i = 0; i < rd->nlis; i++)
		buf_printf(&b, " %s=%d", svc_get(rd->lis[i].svc)->name, rd->lis[i].port);
	buf_printf(&b, "\n");
	return buf_steal(&b);
}

static int
write_ready_file(const char *path, const char *line)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = -1;
	if (f != NULL) {
		bool ok = fputs(line, f) >= 0;
		ok = fclose(f) == 0 && ok;
		if (ok && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc < 0) {
		fprintf(stderr, REFDEV_PROG ": cannot write ready file %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static bool
tls_needed(const refdev_cfg_t *cfg)
{
	for (int s = 0; s < SVC_COUNT; s++)
		if (cfg->port[s] != 0 && svc_get((enum svc)s)->tls)
			return true;
	return false;
}

/* Signals as file descriptors: a signalfd for the loop, a stop pipe for threads. */
static int
setup_signals(refdev_t *rd)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Threads inherit this mask, so only the signalfd ever sees the signals. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	rd->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	int p[2];
	if (rd->sig_fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	rd->stop_rd = p[0];
	rd->stop_wr = p[1];
	return 0;
}

static void
refdev_init(refdev_t *rd)
{
	memset(rd, 0, sizeof(*rd));
	rd->sig_fd = rd->stop_rd = rd->stop_wr = -1;
	for (int s = 0; s < SVC_COUNT; s++)
		rd->cfg.port[s] = PORT_UNSET;
	rd->cfg.idle_ms = REFDEV_IDLE_MS_DEFAULT;
	rd->cfg.cloud_interval_ms = 2000;
	rd->cloud_fd = -1;
	pthread_mutex_init(&rd->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rd->drained, &ca);
	pthread_condattr_destroy(&ca);
}

static void
refdev_release(refdev_t *rd)
{
	listeners_close(rd);
	tls_ctx_free(rd->tls);
	if (rd->sig_fd >= 0)
		close(rd->sig_fd);
	if (rd->stop_rd >= 0)
		close(rd->stop_rd);
	if (rd->stop_wr >= 0)
		close(rd->stop_wr);
	pthread_cond_destroy(&rd->drained);
	pthread_mutex_destroy(&rd->lock);
	cfg_free(&rd->cfg);
}

int
main(int argc, char **argv)
{
	refdev_t rd;
	refdev_init(&rd);
	int rc = parse_args(&rd.cfg, argc, argv);
	if (rc >= 0)
		goto out;
	int f = finish_cfg(&rd.cfg);
	if (f == -1) {
		rc = usage_error("%s", "every service is off: nothing to do");
		goto out;
	}
	if (f == -3) {
		rc = usage_error("%s", "ssdp needs the upnp service for its LOCATION: "
		                 "do not turn upnp off");
		goto out;
	}
	rc = 1;
	if (f < 0) {
		fprintf(stderr, REFDEV_PROG ": no randomness for the admin password\n");
		goto out;
	}
	if (setup_signals(&rd) < 0) {
		fprintf(stderr, REFDEV_PROG ": cannot set up signal handling: %s\n", strerror(errno));
		goto out;
	}
	if (listeners_open(&rd) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	/* Bound first so a busy port is reported at once; the backlog holds clients. */
	if (tls_needed(&rd.cfg) || (rd.cfg.cloud && rd.cfg.mode == MODE_HARDENED)) {
		char err[512];
		rd.tls = tls_ctx_new(rd.cfg.mode, rd.cfg.quiet, err, sizeof(err));
		if (rd.tls == NULL) {
			fprintf(stderr, REFDEV_PROG ": %s\n", err);
			goto out;
		}
	}
	if (cloud_start(&rd) < 0) {
		if (write(rd.stop_wr, "x", 1) < 0) {
			/* cannot happen with an empty pipe */
		}
		cloud_stop(&rd);
		goto out;
	}
	if (rd.cfg.mode == MODE_HARDENED && rd.cfg.admin_password_generated)
		fprintf(stderr, "admin password: %s\n", rd.cfg.admin_password);
	char *line = ready_line(&rd);
	fputs(line, stdout);
	fflush(stdout);
	if (rd.cfg.ready_file && write_ready_file(rd.cfg.ready_file, line) < 0) {
		free(line);
		goto out;
	}
	free(line);

	serve(&rd);

	listeners_close(&rd);
	if (write(rd.stop_wr, "x", 1) < 0) {
		/* Cannot happen with an empty pipe; threads still end on their deadlines. */
	}
	cloud_stop(&rd);
	if (!refdev_wait_drained(&rd, SHUTDOWN_GRACE_MS)) {
		/* A thread is still inside a call; exit without freeing what it uses. */
		fflush(NULL);
		_exit(0);
	}
	rc = 0;
out:
	refdev_release(&rd);
	return rc;
}
