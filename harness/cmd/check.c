/*
 * iotcert check PATH...: validates test cases and profiles without running
 * anything, every error as file:line:col, exit 2 on any error (like httpd -n).
 */
#include "cmd/cmd.h"
#include "load/load.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void
usage(FILE *out)
{
	fputs("usage: iotcert check [--quiet] PATH...\n"
	    "\n"
	    "Validates test cases (testcases/*.yaml), scheme profiles and DUT profiles\n"
	    "(profiles/...).  Directories are searched recursively for .yaml/.yml files.\n"
	    "Each problem is printed as FILE:LINE:COL: error: MESSAGE; loading goes on\n"
	    "after an error so every mistake shows at once.\n"
	    "\n"
	    "  -q, --quiet   print only errors\n"
	    "  -h, --help    this text\n"
	    "\n"
	    "Exit status: 0 all valid, 2 at least one error.\n", out);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return EXIT_NO_FAIL;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("iotcert check: name at least one file or directory\n", stderr);
		usage(stderr);
		return EXIT_USAGE;
	}
	diags_t d = { 0 };
	size_t files = 0;
	load_check_paths(argv + optind, (size_t)(argc - optind), &d, &files);
	fflush(stdout);
	diags_print(&d, stderr);
	size_t errors = d.errors;
	diags_free(&d);
	fflush(stderr);
	if (!quiet || errors)
		printf("%zu file%s checked, %zu error%s\n", files, files == 1 ? "" : "s",
		    errors, errors == 1 ? "" : "s");
	return errors ? EXIT_USAGE : EXIT_NO_FAIL;
}
