/*
 * SNMP v1/v2c messages (RFC 1157, RFC 3416) in BER, pure: a GetRequest built
 * by hand and a strict decoder for what comes back.  The decoder walks the
 * fixed message shape with no recursion; lengths must fit their container,
 * indefinite lengths and multi-byte tags are rejected, and at most
 * SNMP_MAX_VARS variable bindings are kept (all are checked).
 */
#ifndef IOTCERT_SNMP_H
#define IOTCERT_SNMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNMP_V1		0
#define SNMP_V2C	1

#define SNMP_GET_REQUEST	0xa0
#define SNMP_GET_RESPONSE	0xa2

#define SNMP_MAX_VARS	8
#define SNMP_OID_MAX	128	/* dotted text */
#define SNMP_VALUE_MAX	512

/* Writes a GetRequest for the dotted OIDs; returns its length or 0. */
size_t snmp_get_build(uint8_t *out, size_t cap, int version, const char *community,
    int32_t request_id, const char *const *oids, size_t n_oids);

typedef struct snmp_var {
	char oid[SNMP_OID_MAX];
	uint8_t type;		/* BER tag of the value */
	bool has_value;		/* false for NULL and noSuchObject/Instance, endOfMibView */
	char value[SNMP_VALUE_MAX];	/* text: strings printable-copied, numbers decimal */
} snmp_var_t;

typedef struct snmp_msg {
	long version;
	char community[128];
	uint8_t pdu_type;
	int32_t request_id;
	long error_status, error_index;
	snmp_var_t vars[SNMP_MAX_VARS];
	size_t n_vars;		/* kept; the message may hold more */
} snmp_msg_t;

/* 0 when p is one well-formed v1/v2c message (any PDU type). */
int snmp_parse(const uint8_t *p, size_t n, snmp_msg_t *m);
/* The value bound to oid in m, or NULL. */
const snmp_var_t *snmp_find(const snmp_msg_t *m, const char *oid);

#endif
