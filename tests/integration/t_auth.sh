#!/bin/sh
# Credential checks (EN 303 645 5.1-1) against real daemons in the lab (see
# lab.sh): BusyBox telnetd + BusyBox login with accounts of our own,
# lighttpd mod_auth (Basic, Digest MD5 and SHA-256), mosquitto with a
# password file (started by auth_daemons.sh), plus the standard device's
# open HTTP(S) and MQTT(S).  The telnet accounts live in a passwd and shadow
# of the daemon's own private /etc: the host's accounts are never read,
# tried or changed.  Each attempt runs build/tests/test_auth_lab in the
# harness namespace.  Needs root (network and mount namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh
. tests/integration/auth_daemons.sh

DRIVER=$BUILD/tests/test_auth_lab
if [ ! -x "$DRIVER" ]; then
	echo "t_auth: SKIPPED ($DRIVER missing: make unit builds it)"
	echo "t_auth: 0 passed, 0 failed"
	exit 0
fi
TELNET_PORT=2324
HTTP_AUTH_PORT=8082
MQTT_AUTH_PORT=1884

# try EXPECT PROTO PORT USER PASS [PATH]: one attempt, one check line
# ("-" as USER: anonymous / no user).
try() {
	_what="$2/$3${6:+ $6} $4/$5 -> $1"
	_out=$(lab_h env IOTCERT_AUTH_PROTO="$2" IOTCERT_AUTH_ADDR="$LAB_V4" \
		IOTCERT_AUTH_PORT="$3" IOTCERT_AUTH_USER="$4" IOTCERT_AUTH_PASS="$5" \
		IOTCERT_AUTH_PATH="${6:-}" IOTCERT_AUTH_EXPECT="$1" "$DRIVER" 2>&1)
	_rc=$?
	_line=$(printf '%s\n' "$_out" | grep -a -- ' -> ' | head -1)
	if [ $_rc -eq 0 ]; then
		ok "$_what (${_line#* -> })"
	else
		bad "$_what: ${_line:-$(printf '%s\n' "$_out" | tail -3)}"
	fi
}

lab_up || { echo "t_auth: lab did not come up"; exit 1; }
LAB_SERVICES="http mqtt" lab_device_start || { echo "t_auth: lab device did not start"; exit 1; }
# admin/admin is the universal default; guest has an empty password field
# (BusyBox login then asks none).
auth_start_telnet telnetd-auth $TELNET_PORT admin admin guest "" ||
	{ echo "t_auth: telnetd with login did not start"; exit 1; }
auth_start_http lighttpd-auth $HTTP_AUTH_PORT admin admin ||
	{ echo "t_auth: lighttpd with mod_auth did not start"; exit 1; }
auth_start_mqtt mosquitto-auth $MQTT_AUTH_PORT false admin admin ||
	{ echo "t_auth: mosquitto with a password file did not start"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

# BusyBox login: the pair proven by a shell echoing our marker; a wrong
# password ends with "Login incorrect" and a fresh prompt after BusyBox's
# failure delay; an account without password is let in at the user name.
try ACCEPTED telnet $TELNET_PORT admin admin
try REJECTED telnet $TELNET_PORT admin wrong
try REJECTED telnet $TELNET_PORT nosuchuser admin
try ACCEPTED telnet $TELNET_PORT guest ""
try REJECTED telnet $TELNET_PORT - admin

# lighttpd mod_auth: Basic, Digest MD5, Digest SHA-256.
try ACCEPTED http $HTTP_AUTH_PORT admin admin /admin/
try REJECTED http $HTTP_AUTH_PORT admin wrong /admin/
try REJECTED http $HTTP_AUTH_PORT - - /admin/
try ACCEPTED http $HTTP_AUTH_PORT admin admin /cgi-bin/
try REJECTED http $HTTP_AUTH_PORT admin wrong /cgi-bin/
try ACCEPTED http $HTTP_AUTH_PORT admin admin /config
try REJECTED http $HTTP_AUTH_PORT admin wrong /config
# The standard device's web pages have no login at all.
try NOT_REQUIRED http 8081 admin admin /
try NOT_REQUIRED https 443 admin admin /

# mosquitto: password file on 1884; the standard broker is open.
try ACCEPTED mqtt $MQTT_AUTH_PORT admin admin
try REJECTED mqtt $MQTT_AUTH_PORT admin wrong
try REJECTED mqtt $MQTT_AUTH_PORT - -
try NOT_REQUIRED mqtt 1883 - -
try NOT_REQUIRED mqtts 8883 - -

finish t_auth
