/*
 * iotcert init-profile: writes a commented DUT profile template for the
 * manufacturer (or the lab) to fill in -- identity, interfaces, the ICS
 * for the scheme's EN 303 645 provisions, the IXIT sections -- optionally
 * with the interfaces a discovery run found, so nothing found is forgotten.
 */
#include "cmd/cmd.h"
#include "core/util.h"
#include "load/dut_template.h"
#include "load/load.h"
#include "report/report_read.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
usage(FILE *out)
{
	fputs("usage: iotcert init-profile [--scheme NAME|FILE] [--from DIR|REPORT]\n"
	    "                            [-o FILE [--force]]\n"
	    "\n"
	    "Writes a commented DUT profile template: the device's identity, its\n"
	    "interfaces (IXIT 15-Intf), one ICS line per EN 303 645 provision of the\n"
	    "scheme (commented out: the manufacturer decides each), and the IXIT\n"
	    "sections the functional test cases compare the device with.  The\n"
	    "template loads as written; replace every FILL-IN.\n"
	    "\n"
	    "  -s, --scheme NAME|FILE  scheme whose provisions the ICS lists\n"
	    "                          (default en303645-baseline)\n"
	    "  -f, --from DIR|REPORT   pre-fill the interfaces from the inventory of a\n"
	    "                          run or `iotcert discover --out DIR` (its report.xml)\n"
	    "  -o, --output FILE       write there instead of standard output\n"
	    "      --force             replace an existing FILE\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "Exit status: 0 written, 2 usage or input error.\n", out);
}

static report_doc_t *
read_inventory(const char *from)
{
	struct stat st;
	char *path = stat(from, &st) == 0 && S_ISDIR(st.st_mode) ?
	    xasprintf("%s/report.xml", from) : xstrdup(from);
	char err[512];
	report_doc_t *doc = report_read(path, err, sizeof(err));
	if (doc == NULL)
		warnx_("--from %s: %s", path, err);
	else if (!doc->has_inventory) {
		warnx_("--from %s: the report has no inventory (was discovery run?)", path);
		report_doc_free(doc);
		doc = NULL;
	}
	free(path);
	return doc;
}

static int
write_out(const char *path, bool force, const scheme_t *s, const tmpl_svc_t *svcs,
    size_t n, const char *from)
{
	if (path == NULL)
		return dut_template_write(stdout, s, svcs, n, from) == 0 &&
		    fflush(stdout) == 0 ? EXIT_NO_FAIL : EXIT_USAGE;
	/* O_EXCL: a filled-in profile is hours of a manufacturer's work. */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		warnx_("%s: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (use --force to replace it)" : "");
		return EXIT_USAGE;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		warnx_("%s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	int rc = dut_template_write(f, s, svcs, n, from);
	if (fclose(f) != 0 || rc != 0) {
		warnx_("%s: write failed", path);
		return EXIT_USAGE;
	}
	fprintf(stderr, "iotcert: wrote %s\n", path);
	return EXIT_NO_FAIL;
}

int
cmd_init_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scheme", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scheme_arg = "en303645-baseline", *from = NULL, *outp = NULL;
	bool force = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': scheme_arg = optarg; break;
		case 'f': from = optarg; break;
		case 'o': outp = optarg; break;
		case 'F': force = true; break;
		case 'h': usage(stdout); return EXIT_NO_FAIL;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	char *sp = scheme_path(scheme_arg);
	diags_t d = { 0 };
	scheme_t *s = load_scheme(sp, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	free(sp);
	if (s == NULL)
		return EXIT_USAGE;
	report_doc_t *inv = NULL;
	if (from && (inv = read_inventory(from)) == NULL) {
		scheme_free(s);
		return EXIT_USAGE;
	}
	size_t n = inv ? inv->n_svcs : 0;
	tmpl_svc_t *svcs = xcalloc(n ? n : 1, sizeof(*svcs));
	for (size_t i = 0; i < n; i++)
		svcs[i] = (tmpl_svc_t){ inv->svcs[i].transport, inv->svcs[i].protocol,
		    inv->svcs[i].address, inv->svcs[i].port };
	int rc = write_out(outp, force, s, svcs, n, from);
	free(svcs);
	report_doc_free(inv);
	scheme_free(s);
	return rc;
}
