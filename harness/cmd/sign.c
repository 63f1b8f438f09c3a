/*
 * iotcert sign DIR --key KEY: seals a report directory after the fact (a
 * run without --sign, an `analyze` report, a directory a lab assembled).
 * The work is report/seal.c; this is options, messages and exit codes.
 */
#include "cmd/cmd.h"
#include "crypto/sign.h"
#include "report/seal.h"

#include <stdio.h>

static void
usage(FILE *out)
{
	fputs("usage: iotcert sign DIR --key KEY [-q]\n"
	    "\n"
	    "Seals the report directory DIR so that any later change to it can be\n"
	    "detected: writes DIR/MANIFEST, listing every file under DIR (sorted, with\n"
	    "its SHA-256 and size) after a header naming the iotcert version, the\n"
	    "signing time (UTC), the key algorithm and the public key (PEM and its\n"
	    "SHA-256 fingerprint), and DIR/MANIFEST.sig, the base64 signature over the\n"
	    "exact bytes of MANIFEST.  An earlier MANIFEST is replaced.  Check it with\n"
	    "'iotcert verify DIR --pubkey PUB'.\n"
	    "\n"
	    "Refuses, writing nothing, a directory holding a symbolic link, a FIFO,\n"
	    "socket or device, or a file name with a control character (a newline in\n"
	    "a name could forge a manifest line).  Empty directories are not recorded.\n"
	    "\n"
	    "  -k, --key KEY   PEM private key, unencrypted: Ed25519, or ECDSA on P-256,\n"
	    "                  P-384 or P-521 (signed with SHA-256, -384, -512).  Make\n"
	    "                  one with: openssl genpkey -algorithm ed25519 -out KEY\n"
	    "  -q, --quiet     print nothing on success\n"
	    "  -h, --help      this text\n"
	    "\n"
	    "Exit status: 0 signed; 1 DIR could not be sealed (a refused file, an\n"
	    "unreadable file, a write error); 2 usage error, or the key is unreadable,\n"
	    "encrypted or of an unsupported type.\n", out);
}

int
cmd_sign(int argc, char **argv)
{
	dir_key_args_t a = { .cmd = "sign", .key_name = "key", .key_letter = 'k',
		.key_required = true, .usage = usage };
	int rc;
	if (!parse_dir_key_args(argc, argv, &a, &rc))
		return rc;
	const char *dir = a.dir, *keypath = a.key;
	bool quiet = a.quiet;
	char err[1024];
	sign_key_t *key = sign_key_load_private(keypath, err, sizeof(err));
	if (key == NULL) {
		warnx_("%s", err);
		return EXIT_USAGE;
	}
	size_t files = 0;
	rc = EXIT_NO_FAIL;
	if (seal_sign(dir, key, &files, err, sizeof(err)) < 0) {
		warnx_("%s", err);
		rc = EXIT_FAILED;
	} else if (!quiet) {
		printf("signed %s: %zu file%s listed in %s/MANIFEST, signature in "
		    "%s/MANIFEST.sig\nkey: %s sha256:%s\n", dir, files, files == 1 ? "" : "s",
		    dir, dir, sign_alg_str(sign_key_alg(key)), sign_key_fingerprint(key));
	}
	sign_key_free(key);
	return rc;
}
