/*
 * The configuration model: test cases, scheme profiles and DUT profiles as
 * loaded from YAML.  Loaders in load/ build these; the runner and writers read
 * them.  Every object records where it came from (file, line, col) so that
 * later checks can still point at the YAML.  The *_free functions accept NULL
 * and free everything the object owns.
 */
#ifndef IOTCERT_MODEL_H
#define IOTCERT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "value.h"
#include "verdict.h"

typedef struct srcpos {
	const char *file;	/* borrowed from the owning document's `file` */
	int line, col;
} srcpos_t;

/* One mapping of a case to a provision of a framework. */
typedef struct mapping {
	char *framework;	/* token: en303645, ts103701, uk-psti, sg-cls, nist-ir-8259a, en18031, ... */
	char *edition;		/* "2.1.1", "3.1.3" for en303645; NULL where not versioned */
	char *ref;		/* "5.6-1", "5.6-1-2", "Sch.1-1", "L1", "AUM-5-1" */
	char *when;		/* NULL: always; else the name of a boolean
				 * evidence field that must be true in the
				 * instance for the mapping to hold (`maps-when:`,
				 * e.g. carries_logins for 5.1-3) */
} mapping_t;

typedef enum expect_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_CONTAINS, OP_NOT_CONTAINS, OP_MATCHES, OP_NOT_MATCHES,
	OP_EMPTY, OP_NOT_EMPTY, OP_PRESENT, OP_ABSENT,
	OP__COUNT
} expect_op_t;

const char *expect_op_str(expect_op_t op);	/* the YAML spelling: "equals", ... */
int expect_op_parse(const char *s, expect_op_t *op);
bool expect_op_takes_value(expect_op_t op);

/*
 * One expectation over an evidence field.  When it does not hold, the step's
 * verdict is `otherwise` (FAIL by default, or INCONCLUSIVE) with `reason`,
 * in which {field} and {port}/{protocol}/{service} placeholders expand.
 */
typedef struct expect {
	char *field;
	expect_op_t op;
	value_t value;		/* VT_NONE for ops that take none */
	verdict_t otherwise;	/* V_FAIL or V_INCONCLUSIVE */
	char *reason;		/* may be NULL: a default is generated */
	srcpos_t pos;
} expect_t;

/* A parameter given to a probe; validated against the probe's param specs. */
typedef struct param {
	char *name;
	value_t val;
	srcpos_t pos;
} param_t;

typedef struct step {
	char *probe;		/* a probe kind name from the registry */
	param_t *params;
	size_t n_params;
	expect_t *expects;
	size_t n_expects;
	srcpos_t pos;
} step_t;

typedef enum case_kind { CASE_FUNCTIONAL, CASE_CONCEPTUAL } case_kind_t;

typedef struct tcase {
	char *id;		/* stable, e.g. "IOT-5.6-1-INVENTORY" */
	char *title;
	char *description;
	case_kind_t kind;
	mapping_t *maps;
	size_t n_maps;
	strlist_t tags;
	/* Applicability. */
	strlist_t services;	/* protocol tokens; empty = once per device */
	bool needs_dut;		/* INCONCLUSIVE without a DUT profile */
	char *ics_ref;		/* NOT_APPLICABLE when the ICS marks it N/A; may be NULL */
	step_t *steps;
	size_t n_steps;
	unsigned timeout_ms;	/* whole case deadline; 0 = default */
	char *file;		/* owned path */
	char *sha256;		/* hex of the file's bytes, owned */
	srcpos_t pos;
} tcase_t;

void tcase_free(tcase_t *c);

/* A set of loaded cases. */
typedef struct caseset {
	tcase_t **v;
	size_t n, cap;
} caseset_t;

void caseset_add(caseset_t *s, tcase_t *c);	/* takes c */
void caseset_free(caseset_t *s);		/* frees the cases too */

/* A provision a scheme lists (so the roll-up can show what was not tested). */
typedef struct provision {
	char *framework;
	char *edition;
	char *ref;
	char *title;
	char *status;		/* "M", "R", "M C (1)", ... as the source says */
	char *category;		/* "5.1", "6": EN 303 645 clause; NULL elsewhere */
	char *kind;		/* TS 103 701: "conceptual" / "functional"; NULL */
	/*
	 * Provisions whose roll-ups this one's verdict also takes in, as
	 * "framework[-edition] ref" keys ("en303645 5.1-1": any loaded edition;
	 * "en303645 mandatory": every M provision of it).  `basis` says why:
	 * "deemed-by" (the scheme itself says so, e.g. PSTI Schedule 2) or
	 * "mapped-from" (an analyst's correspondence, e.g. NIST IR 8259A).
	 */
	strlist_t from;
	char *basis;
} provision_t;

/* Whether a provision's status makes it conditional (C or F): only such a
 * provision may be NOT_APPLICABLE. */
bool provision_conditional(const provision_t *p);
/* Whether its status makes it mandatory (M...). */
bool provision_mandatory(const provision_t *p);

/* How a framework's overall verdict follows from its provisions. */
typedef enum scheme_rule_kind {
	RULE_NONE,		/* roll-ups only, no overall verdict */
	RULE_ALL_MANDATORY,	/* every M provision PASS or NOT_APPLICABLE */
	RULE_ALL,		/* every provision PASS or NOT_APPLICABLE */
	RULE_LEVELS,		/* provisions are cumulative levels (CLS L1, L2):
				 * the highest whose verdict is PASS */
} scheme_rule_kind_t;

/* One framework definition file a scheme includes (profiles/frameworks/). */
typedef struct scheme_rule {
	char *framework, *edition;	/* edition NULL where not versioned */
	char *title, *version, *source;
	scheme_rule_kind_t kind;
	char *file, *sha256;		/* the framework file, for the report */
} scheme_rule_t;

typedef struct scheme {
	char *name;		/* token, e.g. "en303645-baseline" */
	char *title;
	char *source;		/* where the data comes from */
	char *version;
	strlist_t frameworks;	/* framework tokens the report rolls up to */
	strlist_t select;	/* case selectors (ids/globs/refs/tags); empty = all */
	int *tcp_ports;		/* discovery port list */
	size_t n_tcp_ports;
	int *udp_ports;
	size_t n_udp_ports;
	provision_t *provisions;
	size_t n_provisions;
	char *crypto_policy;	/* path of the crypto policy file (`crypto-policy:`);
				 * NULL: the installed best-practice policy */
	param_t *thresholds;	/* named figures probes judge against, e.g.
				 * brute-force-max-per-minute (`thresholds:`) */
	size_t n_thresholds;
	scheme_rule_t *rules;	/* from the included framework files, in order */
	size_t n_rules;
	char *file;
	char *sha256;
} scheme_t;

void scheme_free(scheme_t *s);
/* A scheme's integer threshold, or `def` when the scheme (or s) has none. */
long long scheme_threshold(const scheme_t *s, const char *name, long long def);

/* An interface the DUT profile declares. */
typedef struct dut_iface {
	char *transport;	/* "tcp" / "udp" */
	int port;
	char *protocol;		/* token, may be NULL */
	bool enabled;		/* status: enabled / disabled */
	char *purpose;
	strlist_t discloses;	/* disclosure field tokens documented as shown
				 * without authentication (5.6-2), may be empty */
	srcpos_t pos;
} dut_iface_t;

/* ICS entry: the manufacturer's statement per provision. */
typedef struct ics_entry {
	char *ref;		/* provision ref, e.g. "5.1-1" */
	char *support;		/* "Y", "N", "N/A" */
	char *detail;		/* justification / detail text */
} ics_entry_t;

/* A credential the DUT profile states (IXIT 1-AuthMech). */
typedef struct dut_cred {
	char *user;
	char *password;
	bool unique;		/* the unit's unique or user-set password: never
				 * reported as a default; false = a model-specific
				 * default the probes add to their lists */
	char *service;		/* protocol token it applies to, NULL = any */
	srcpos_t pos;
} dut_cred_t;

/*
 * One unit's pre-installed password with the identifiers the unit shows
 * (label, Wi-Fi, network), for the password-quality check (5.1-2, PSTI
 * Sch.1 §1(3)).  Two or more samples of the same model let the check compare
 * them.  The password is a secret: never written to reports or logs.
 */
typedef struct dut_sample {
	char *serial;		/* any identifier may be NULL */
	char *mac;		/* as written in the profile, any separators */
	char *ssid;		/* the Wi-Fi network name the unit broadcasts */
	char *user;		/* the account it belongs to, may be NULL */
	char *password;		/* secret */
	srcpos_t pos;
} dut_sample_t;

/* Brute-force prevention mechanisms a DUT profile can declare (5.1-5). */
typedef enum bf_mech {
	BF_NONE,		/* declared: no prevention */
	BF_LOCKOUT,		/* refuses further attempts after `attempts` failures */
	BF_DELAY,		/* adds `delay_ms` (or growing delays) after failures */
	BF_RATE_LIMIT,		/* allows at most `per_minute` attempts a minute */
} bf_mech_t;

const char *bf_mech_str(bf_mech_t m);	/* "none", "lockout", "delay", "rate-limit" */

/* IXIT 1-AuthMech: the brute-force prevention of one surface (or all). */
typedef struct dut_bruteforce {
	char *service;		/* protocol token, NULL = every authentication surface */
	bf_mech_t mechanism;
	int attempts;		/* lockout: failures before it engages, 0 = not stated */
	unsigned duration_ms;	/* lockout: how long it lasts, 0 = not stated */
	unsigned delay_ms;	/* delay: the added delay after a failure, 0 = not stated */
	int per_minute;		/* rate-limit: attempts a minute allowed, 0 = not stated */
	srcpos_t pos;
} dut_bruteforce_t;

/*
 * IXIT 11-ComMech (and 21-PersData) for one interface: the secured
 * communication the manufacturer documents.  An empty list means "not
 * declared", not "none".  Anything observed beyond a declared list is a
 * FAIL (TS 103 701 5.5-1-2).
 */
typedef struct dut_commech {
	char *transport;	/* "tcp" / "udp" */
	int port;
	char *protocol;		/* token, may be NULL */
	strlist_t versions;	/* TLS/DTLS versions: "TLS1.2", "DTLS1.2", ... */
	strlist_t suites;	/* IANA cipher suite names */
	strlist_t ssh_algorithms;	/* SSH algorithm names of any kind */
	int logins;		/* carries logins: 1 yes, 0 no, -1 not stated */
	bool personal_data;	/* personal data flows over it (5.8-1/5.8-2) */
	srcpos_t pos;
} dut_commech_t;

/*
 * IXIT 2-UserInfo: where the manufacturer publishes its vulnerability
 * disclosure policy (5.2-1) and the defined support period (5.3-13), as
 * the DUT profile's `user-info:` states them.  Any field may be NULL.
 */
typedef struct dut_userinfo {
	char *disclosure_url;	/* http(s) URL of the published policy */
	char *support_url;	/* http(s) URL of the published support period */
	char *support_end;	/* the stated end date, YYYY-MM-DD */
	int security_txt;	/* serves /.well-known/security.txt: 1, 0, -1 not stated */
	srcpos_t pos;
} dut_userinfo_t;

/*
 * IXIT 7-UpdMech: one way the device receives software updates, as the DUT
 * profile's `update:` states it (5.3-2, 5.3-7, 5.3-9, 5.3-10).  The
 * update-channel probe compares the servers and protocol stated here with
 * the device's traffic in the capture.  Strings may be NULL (not stated).
 */
typedef struct dut_updmech {
	char *id;		/* the IXIT entry id, e.g. "UpdMech-1" */
	char *description;
	char *delivery;		/* "network", "local" or "none" */
	char *initiation;	/* "automatic", "user" or "both" */
	strlist_t servers;	/* host names or addresses it fetches from */
	char *protocol;		/* "https", "http", "mqtts", "mqtt", "coaps", "coap", "other" */
	char *authenticity;	/* "signature" or "none": how an image is verified */
	char *crypto;		/* the stated cryptography, free text */
	srcpos_t pos;
} dut_updmech_t;

typedef struct dut {
	char *manufacturer, *model, *hw_version, *sw_version, *serial;
	char *mac;		/* the tested unit's MAC address, may be NULL */
	strlist_t addresses;	/* optional: declared addresses */
	dut_iface_t *ifaces;
	size_t n_ifaces;
	ics_entry_t *ics;
	size_t n_ics;
	dut_cred_t *creds;	/* secrets: never written to reports or logs */
	size_t n_creds;
	dut_sample_t *samples;	/* password samples of units of this model */
	size_t n_samples;
	dut_bruteforce_t *bruteforce;	/* declared prevention per surface */
	size_t n_bruteforce;
	dut_commech_t *commech;	/* `communication:` per interface */
	size_t n_commech;
	char *file;
	char *sha256;
	dut_userinfo_t *userinfo;	/* `user-info:`, owned; NULL when absent */
	dut_updmech_t *updmech;	/* `update:` entries */
	size_t n_updmech;
} dut_t;

void dut_free(dut_t *d);
const ics_entry_t *dut_ics(const dut_t *d, const char *ref); /* NULL if absent */
/* The declared brute-force prevention for a protocol: an entry naming it,
 * else one for every surface, else NULL (nothing declared). */
const dut_bruteforce_t *dut_bruteforce_for(const dut_t *d, const char *protocol);
/* The declared communication mechanism of transport/port, or NULL. */
const dut_commech_t *dut_commech_for(const dut_t *d, const char *transport, int port);

#endif
