/*
 * The DUT profile's `communication:` section: IXIT 11-ComMech (protocol,
 * versions, cipher suites, SSH algorithms of each secured interface) and
 * whether logins (5.1-3) or personal data (IXIT 21-PersData, 5.8) travel
 * over it.  Names are checked here, against the suite table and the
 * version names the report uses, so a typo is a file:line:col error and
 * not a silent "undeclared" FAIL later.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/suites.h"
#include "dut_load.h"

enum { M_TRANSPORT, M_PORT, M_PROTOCOL, M_VERSIONS, M_SUITES, M_SSH, M_LOGINS, M_PERSONAL,
	M__N };
static const skey_t commech_keys[M__N] = {
	[M_TRANSPORT] = { "transport", ST_STR, false },
	[M_PORT] = { "port", ST_INT, true },
	[M_PROTOCOL] = { "protocol", ST_STR, false },
	[M_VERSIONS] = { "versions", ST_SEQ, false },
	[M_SUITES] = { "suites", ST_SEQ, false },
	[M_SSH] = { "ssh-algorithms", ST_SEQ, false },
	[M_LOGINS] = { "carries-logins", ST_BOOL, false },
	[M_PERSONAL] = { "personal-data", ST_BOOL, false },
};

static const char *const version_names[] = {
	"SSLv3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "DTLS1.0", "DTLS1.2", "DTLS1.3",
};

static void
check_versions(const sctx_t *sc, const ynode_t *list, dut_commech_t *m)
{
	if (!sget_strlist(sc, list, "versions", &m->versions))
		return;
	size_t nv = sizeof(version_names) / sizeof(version_names[0]);
	for (size_t i = 0; i < m->versions.n; i++) {
		const char *v = m->versions.v[i];
		bool ok = false;
		for (size_t k = 0; k < nv && !ok; k++)
			ok = strcmp(v, version_names[k]) == 0;
		if (ok)
			continue;
		const char *near = nearest(v, version_names, nv);
		schema_err(sc, list->items[i], "unknown protocol version '%s'%s%s%s (known: "
		    "SSLv3, TLS1.0-TLS1.3, DTLS1.0, DTLS1.2, DTLS1.3)", v,
		    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	schema_dups(sc, (const ynode_t *const *)list->items,
	    (const char *const *)m->versions.v, m->versions.n, "version");
}

static void
check_suites(const sctx_t *sc, const ynode_t *list, dut_commech_t *m)
{
	if (!sget_strlist(sc, list, "suites", &m->suites))
		return;
	size_t n;
	const tls_suite_info_t *all = tls_suite_all(&n);
	const char **names = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = all[i].name;
	for (size_t i = 0; i < m->suites.n; i++) {
		const char *s = m->suites.v[i];
		bool ok = false;
		for (size_t k = 0; k < n && !ok; k++)
			ok = strcmp(s, names[k]) == 0;
		if (ok)
			continue;
		const char *near = nearest(s, names, n);
		schema_err(sc, list->items[i], "unknown cipher suite '%s'%s%s%s (IANA names, "
		    "e.g. TLS_AES_128_GCM_SHA256)", s, near ? " (did you mean '" : "",
		    near ? near : "", near ? "'?)" : "");
	}
	free(names);
	schema_dups(sc, (const ynode_t *const *)list->items,
	    (const char *const *)m->suites.v, m->suites.n, "suite");
}

static void
check_ssh(const sctx_t *sc, const ynode_t *list, dut_commech_t *m)
{
	if (!sget_strlist(sc, list, "ssh-algorithms", &m->ssh_algorithms))
		return;
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._+-";
	for (size_t i = 0; i < m->ssh_algorithms.n; i++) {
		const char *a = m->ssh_algorithms.v[i];
		if (*a == '\0' || strspn(a, ok) != strlen(a))
			schema_err(sc, list->items[i], "'%s' is not an SSH algorithm name", a);
	}
	schema_dups(sc, (const ynode_t *const *)list->items,
	    (const char *const *)m->ssh_algorithms.v, m->ssh_algorithms.n, "SSH algorithm");
}

static void
load_entry(const sctx_t *sc, const ynode_t *n, dut_commech_t *m)
{
	const ynode_t *v[M__N];
	schema_check(sc, n, "communication entry", commech_keys, M__N, v);
	m->pos = (srcpos_t){ sc->file, n->line, n->col };
	m->logins = -1;
	if (v[M_TRANSPORT]) {
		if (sget_str(sc, v[M_TRANSPORT], "transport", &m->transport) &&
		    strcmp(m->transport, "tcp") != 0 && strcmp(m->transport, "udp") != 0)
			schema_err(sc, v[M_TRANSPORT], "transport must be tcp or udp, got '%s'",
			    m->transport);
	} else {
		m->transport = xstrdup("tcp");
	}
	long long port;
	if (v[M_PORT] && sget_int(sc, v[M_PORT], "port", 1, 65535, &port))
		m->port = (int)port;
	if (v[M_PROTOCOL] && sget_str(sc, v[M_PROTOCOL], "protocol", &m->protocol))
		dut_check_protocol(sc, v[M_PROTOCOL], "protocol", m->protocol);
	if (v[M_VERSIONS])
		check_versions(sc, v[M_VERSIONS], m);
	if (v[M_SUITES])
		check_suites(sc, v[M_SUITES], m);
	if (v[M_SSH])
		check_ssh(sc, v[M_SSH], m);
	bool b;
	if (v[M_LOGINS] && sget_bool(sc, v[M_LOGINS], "carries-logins", &b))
		m->logins = b;
	if (v[M_PERSONAL])
		sget_bool(sc, v[M_PERSONAL], "personal-data", &m->personal_data);
}

/* communication: [{transport?, port, protocol?, versions?, suites?, ...}], one per interface. */
void
dut_load_commech(const sctx_t *sc, const ynode_t *list, dut_t *t)
{
	size_t n = list->n_items;
	if (n == 0)
		return;
	t->commech = xcalloc(n, sizeof(*t->commech));
	dut_keys_t k;
	dut_keys_init(&k, n);
	for (size_t i = 0; i < n; i++) {
		dut_commech_t *m = &t->commech[t->n_commech++];
		load_entry(sc, list->items[i], m);
		if (m->port == 0 || m->transport == NULL)
			continue;	/* no key to compare */
		char *key = xasprintf("%s/%d", m->transport, m->port);
		strlist_push_owned(&k.owned, key);
		dut_keys_add(&k, list->items[i], key);
	}
	dut_keys_check(sc, &k, "communication entry for");
}
