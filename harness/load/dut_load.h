/*
 * What the two halves of the DUT profile loader share: dut_load.c (device,
 * interfaces, ICS, the document) and dut_authmech.c (credentials, password
 * samples, brute-force prevention).  Internal to load/.
 */
#ifndef IOTCERT_DUT_LOAD_H
#define IOTCERT_DUT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/util.h"
#include "schema.h"

/*
 * The keys of a list's entries (interface transport/port, ICS ref, ...),
 * gathered while the entries load and checked for duplicates at the end, so
 * a repeat is reported at the later entry naming the first.
 */
typedef struct dut_keys {
	const char **keys;	/* borrowed, or owned through `owned` */
	const ynode_t **nodes;
	size_t n;
	strlist_t owned;
} dut_keys_t;

void dut_keys_init(dut_keys_t *k, size_t cap);
void dut_keys_add(dut_keys_t *k, const ynode_t *node, const char *key);
/* Reports every repeat as "duplicate <what> '<key>'" and frees `k`'s contents. */
void dut_keys_check(const sctx_t *sc, dut_keys_t *k, const char *what);

/* A protocol token, or an error at `n` ("unknown <what> 'x'") with a suggestion. */
bool dut_check_protocol(const sctx_t *sc, const ynode_t *n, const char *what,
    const char *tok);
/*
 * A MAC address into *out (owned), as written: 12 hex digits, optionally
 * separated by ':', '-' or '.'; an unquoted 02005e100001 is an int, its text
 * is taken.  Reports at `n` when it is not one.
 */
void dut_load_mac(const sctx_t *sc, const ynode_t *n, char **out);

/* The top-level sequences of dut_authmech.c, into `t`. */
void dut_load_creds(const sctx_t *sc, const ynode_t *list, dut_t *t);
void dut_load_samples(const sctx_t *sc, const ynode_t *list, dut_t *t);
void dut_load_bruteforce(const sctx_t *sc, const ynode_t *list, dut_t *t);
/* dut_commech.c: the `communication:` section. */
void dut_load_commech(const sctx_t *sc, const ynode_t *list, dut_t *t);
/* dut_userinfo.c: the `user-info:` mapping (IXIT 2-UserInfo). */
void dut_load_userinfo(const sctx_t *sc, const ynode_t *map, dut_t *t);
/* dut_updmech.c: the `update:` section (IXIT 7-UpdMech). */
void dut_load_updmech(const sctx_t *sc, const ynode_t *list, dut_t *t);

#endif
