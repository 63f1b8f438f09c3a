/*
 * Sub-commands and what they share: where shipped data lives, loading the
 * configuration a command names, exit codes.
 */
#ifndef IOTCERT_CMD_H
#define IOTCERT_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/model.h"

/* Exit codes scripts can rely on. */
enum {
	EXIT_NO_FAIL = 0,	/* no FAIL verdict */
	EXIT_FAILED = 1,	/* at least one FAIL */
	EXIT_USAGE = 2,		/* usage or configuration error */
	EXIT_RUN = 3,		/* the run could not be carried out */
};

int cmd_run(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_init_profile(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/*
 * The directory holding testcases/, profiles/ and reports/: $IOTCERT_DATA,
 * else the current directory when it has testcases/, else the install
 * location.  Static string.
 */
const char *datadir(void);
/* DATADIR/rel, without a leading "./". Caller frees. */
char *data_path(const char *rel);
/* NAME → DATADIR/profiles/NAME.yaml; a path (has '/' or .yaml) stays. Caller frees. */
char *scheme_path(const char *name_or_file);
/* Loads every --cases path (default DATADIR/testcases); prints diags; -1 on errors. */
int load_case_paths(const strlist_t *paths, caseset_t *out);
/* Parses "1-1024,8080" into a sorted unique list; -1 with msg on error. */
int parse_ports(const char *s, int **out, size_t *n, char *err, size_t errlen);
/* Splits "a,b, c" into items appended to l. */
void split_list(const char *s, strlist_t *l);
/* mkdir -p: creates path and its missing parents (0755); 0 or -1 (errno). */
int mkdir_p(const char *path);
/* `file` as a path relative to `dir` (both must exist): "../caps/x.pcap".
 * Caller frees; NULL when either cannot be resolved. */
char *path_from_dir(const char *dir, const char *file);
/* Prints "iotcert: " + message to stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The command line of `sign` and `verify`: one directory, one key file
 * (--KEY_NAME KEY / -L KEY), -q and -h.  One parser so both say the same
 * thing about the same mistake.
 */
typedef struct dir_key_args {
	const char *cmd;		/* "sign": starts each message */
	const char *key_name;		/* the key option's long name */
	char key_letter;		/* and its letter */
	bool key_required;
	void (*usage)(FILE *out);
	const char *dir, *key;		/* results: key NULL when not given */
	bool quiet;
} dir_key_args_t;
/* Parses argv into a.  False when the command is done: --help printed usage
 * on stdout (*rc EXIT_NO_FAIL), or a usage error was reported with usage on
 * stderr (*rc EXIT_USAGE). */
bool parse_dir_key_args(int argc, char **argv, dir_key_args_t *a, int *rc);

#endif
