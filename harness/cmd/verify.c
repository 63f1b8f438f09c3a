/*
 * iotcert verify DIR [--pubkey KEY]: checks a directory sealed by `iotcert
 * sign` or `run --sign`.  One line on stdout per problem, then a verdict
 * line; report/seal.c does the checking.
 */
#include "cmd/cmd.h"
#include "crypto/sign.h"
#include "report/seal.h"
#include "report/tree.h"

#include <stdio.h>
#include <stdlib.h>

static void
usage(FILE *out)
{
	fputs("usage: iotcert verify DIR [--pubkey KEY] [-q]\n"
	    "\n"
	    "Checks a report directory sealed by 'iotcert sign' or 'iotcert run --sign':\n"
	    "the signature in DIR/MANIFEST.sig over DIR/MANIFEST, then every file the\n"
	    "manifest lists (SHA-256 and size), then that no other file is there.\n"
	    "Prints one line per problem, naming the file:\n"
	    "\n"
	    "  altered: PATH: ...     content, size or kind differ from the manifest\n"
	    "  missing: PATH: ...     listed, not there\n"
	    "  unlisted: PATH: ...    there, not listed (also symbolic links)\n"
	    "  unreadable: PATH: ...  listed, there, cannot be read\n"
	    "  manifest: ...          MANIFEST malformed (with its line number)\n"
	    "  signature: ...         MANIFEST.sig missing, undecodable or invalid\n"
	    "  key: ...               signed with another key than --pubkey\n"
	    "\n"
	    "and a last line starting 'verified:' or 'FAILED:'.\n"
	    "\n"
	    "  -p, --pubkey KEY  the signer's PEM public key (a private key also works):\n"
	    "                    the manifest must name this key and its signature must\n"
	    "                    verify with it.  This is what proves who signed.\n"
	    "                    Without it the key embedded in the manifest is used,\n"
	    "                    which proves only that nothing changed since someone\n"
	    "                    signed with that key; its fingerprint is printed so it\n"
	    "                    can be compared with the lab's.\n"
	    "  -q, --quiet       print the problems only, no verdict line\n"
	    "  -h, --help        this text\n"
	    "\n"
	    "Exit status: 0 verified; 1 verification failed; 2 usage error, or DIR,\n"
	    "DIR/MANIFEST or KEY cannot be read.\n", out);
}

static void
print_problem(void *arg, seal_problem_t p, const char *path, const char *detail)
{
	if (path) {
		char *safe = tree_printable(path);
		printf("%s: %s: %s\n", seal_problem_str(p), safe, detail);
		free(safe);
	} else {
		printf("%s: %s\n", seal_problem_str(p), detail);
	}
}

int
cmd_verify(int argc, char **argv)
{
	dir_key_args_t a = { .cmd = "verify", .key_name = "pubkey", .key_letter = 'p',
		.usage = usage };
	int rc;
	if (!parse_dir_key_args(argc, argv, &a, &rc))
		return rc;
	const char *dir = a.dir, *keypath = a.key;
	bool quiet = a.quiet;
	char err[1024];
	sign_key_t *pub = NULL;
	if (keypath && (pub = sign_key_load_public(keypath, err, sizeof(err))) == NULL) {
		warnx_("%s", err);
		return EXIT_USAGE;
	}
	seal_result_t res;
	rc = seal_verify(dir, pub, print_problem, NULL, &res, err, sizeof(err));
	sign_key_free(pub);
	if (rc == SEAL_UNREADABLE) {
		warnx_("verify: %s", err);
		if (!quiet)
			printf("FAILED: %s: cannot be verified: %s\n", dir, err);
		return EXIT_USAGE;
	}
	if (pub == NULL && keypath == NULL && res.key_sha256[0] && !quiet)
		printf("note: checked against the public key embedded in the manifest, "
		    "sha256:%s: this proves the files are unchanged since they were signed "
		    "with that key, not who signed them; compare the fingerprint with the "
		    "lab's, or give --pubkey\n", res.key_sha256);
	if (!quiet) {
		if (rc == SEAL_VERIFIED)
			printf("verified: %s: %zu file%s match the manifest signed %s with key "
			    "sha256:%s\n", dir, res.files, res.files == 1 ? "" : "s",
			    res.signed_at, res.key_sha256);
		else
			printf("FAILED: %s: %zu problem%s\n", dir, res.problems,
			    res.problems == 1 ? "" : "s");
	}
	return rc == SEAL_VERIFIED ? EXIT_NO_FAIL : EXIT_FAILED;
}
