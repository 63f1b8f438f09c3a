/*
 * iotcert list: the test cases, filtered like `run --select`, with their
 * provision mappings, so a lab can see what a selection covers.
 */
#include "cmd/cmd.h"
#include "core/expect.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(FILE *out)
{
	fputs("usage: iotcert list [--cases PATH]... [--select LIST] [--long]\n"
	    "\n"
	    "Lists test cases: id, assessment, the services it runs on, and its\n"
	    "mappings (framework[edition]:ref).\n"
	    "\n"
	    "  -c, --cases PATH    test case file or directory (repeatable;\n"
	    "                      default DATADIR/testcases)\n"
	    "  -s, --select LIST   comma-separated case-id globs, provision refs or tags\n"
	    "  -l, --long          also print titles and probes\n"
	    "  -h, --help          this text\n", out);
}

int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "select", required_argument, NULL, 's' },
		{ "long", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	strlist_t paths = { 0 }, sel = { 0 };
	bool lng = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': strlist_push(&paths, optarg); break;
		case 's': split_list(optarg, &sel); break;
		case 'l': lng = true; break;
		case 'h': usage(stdout); strlist_free(&paths); strlist_free(&sel); return 0;
		default: usage(stderr); strlist_free(&paths); strlist_free(&sel); return EXIT_USAGE;
		}
	}
	caseset_t cs = { 0 };
	int rc = EXIT_NO_FAIL;
	if (load_case_paths(&paths, &cs) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	size_t shown = 0;
	for (size_t i = 0; i < cs.n; i++) {
		const tcase_t *t = cs.v[i];
		if (!case_selected_list(t, &sel))
			continue;
		shown++;
		char *svcs = t->services.n ? strlist_join(&t->services, ",") : xstrdup("device");
		printf("%-36s %-10s %-14s", t->id,
		    t->kind == CASE_CONCEPTUAL ? "conceptual" : "functional", svcs);
		for (size_t m = 0; m < t->n_maps; m++)
			printf(" %s%s%s:%s%s%s", t->maps[m].framework, t->maps[m].edition ? "@" : "",
			    t->maps[m].edition ? t->maps[m].edition : "", t->maps[m].ref,
			    t->maps[m].when ? "?" : "", t->maps[m].when ? t->maps[m].when : "");
		putchar('\n');
		if (lng) {
			printf("    %s\n", t->title);
			for (size_t s = 0; s < t->n_steps; s++)
				printf("    step %zu: %s\n", s + 1, t->steps[s].probe);
		}
		free(svcs);
	}
	fflush(stdout);
	fprintf(stderr, "%zu of %zu test cases\n", shown, cs.n);
out:
	caseset_free(&cs);
	strlist_free(&paths);
	strlist_free(&sel);
	return rc;
}
