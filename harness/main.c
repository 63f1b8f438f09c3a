/*
 * iotcert: command-line dispatch only.  Each sub-command lives in cmd/.
 */
#include "cmd/cmd.h"
#include "capture/capture.h"
#include "net/tls.h"

#include <libxml/xmlversion.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "discover the device, run the test cases, write the report" },
	{ "discover", cmd_discover, "find and identify every service the device exposes" },
	{ "list", cmd_list, "list test cases with their mappings" },
	{ "analyze", cmd_analyze, "run the passive analyzers over a capture file, write the report" },
	{ "check", cmd_check, "validate test cases and profiles (file:line:col errors)" },
	{ "init-profile", cmd_init_profile, "write a commented DUT profile (ICS/IXIT) template" },
	{ "sign", cmd_sign, "seal a report directory: signed manifest of every file" },
	{ "verify", cmd_verify, "check a sealed report directory: signature, then each file" },
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: iotcert COMMAND [OPTIONS]\n"
	    "\n"
	    "Conformance test harness for consumer IoT devices (ETSI EN 303 645 /\n"
	    "TS 103 701, UK PSTI, Singapore CLS).\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	    "\n"
	    "Run 'iotcert COMMAND --help' for a command's options.\n"
	    "\n"
	    "Exit status: 0 no FAIL verdict, 1 at least one FAIL, 2 usage or\n"
	    "configuration error, 3 the run could not be carried out.\n");
}

static void
version(void)
{
	printf("iotcert %s\n", IOTCERT_VERSION);
	printf("  %s\n  %s\n  libyaml %s\n  libxml2 %s\n", capture_lib_version(),
	    tls_lib_version(), yaml_get_version_string(), LIBXML_DOTTED_VERSION);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_NO_FAIL;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		version();
		return EXIT_NO_FAIL;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "iotcert: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
