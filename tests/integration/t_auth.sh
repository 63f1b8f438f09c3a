#!/bin/sh
# Credential checks (EN 303 645 5.1-1) against real daemons in the lab (see
# lab.sh): BusyBox telnetd + BusyBox login with accounts of our own,
# lighttpd mod_auth (Basic, Digest MD5 and SHA-256), mosquitto with a
# password file, plus the standard device's open HTTP(S) and MQTT(S).  The
# accounts live in passwd/shadow files bind-mounted over /etc in a private
# mount namespace of the telnet daemon only: the host's accounts are never
# read, tried or changed.  Each attempt runs build/tests/test_auth_lab in
# the harness namespace.  Needs root (network namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh

DRIVER=$BUILD/tests/test_auth_lab
if [ ! -x "$DRIVER" ]; then
	echo "t_auth: SKIPPED ($DRIVER missing: make unit builds it)"
	echo "t_auth: 0 passed, 0 failed"
	exit 0
fi
TELNET_PORT=2324
HTTP_AUTH_PORT=8082
MQTT_AUTH_PORT=1884

# The device's accounts: admin/admin (the universal default), guest with an
# empty password field in passwd itself (BusyBox login then asks none).
auth_accounts() {
	mkdir -p "$LAB_DIR/auth" || return 1
	_hash=$(openssl passwd -6 -salt labsalt0 admin) || return 1
	printf '%s\n' "root:x:0:0:root:/root:/bin/sh" \
		"admin:x:1000:1000:admin:/tmp:/bin/sh" \
		"guest::1001:1001:guest:/tmp:/bin/sh" >"$LAB_DIR/auth/passwd"
	printf '%s\n' "root:*:19000:0:99999:7:::" \
		"admin:$_hash:19000:0:99999:7:::" \
		"guest::19000:0:99999:7:::" >"$LAB_DIR/auth/shadow"
	chmod 644 "$LAB_DIR/auth/passwd"
	chmod 600 "$LAB_DIR/auth/shadow"
	# telnetd -l takes a program without arguments.
	printf '#!/bin/sh\nexec busybox login "$@"\n' >"$LAB_DIR/auth/login"
	chmod 755 "$LAB_DIR/auth/login"
}

start_telnet_login() {
	auth_accounts || { lab_log "cannot write the accounts"; return 1; }
	_bb=$(command -v busybox) || { lab_log "busybox missing"; return 1; }
	lab_bg telnetd-auth unshare -m --propagation private sh -c "
		mount --bind '$LAB_DIR/auth/passwd' /etc/passwd &&
		mount --bind '$LAB_DIR/auth/shadow' /etc/shadow &&
		exec '$_bb' telnetd -F -p $TELNET_PORT -l '$LAB_DIR/auth/login'"
	lab_wait_listen tcp $TELNET_PORT telnetd-auth
}

start_http_auth() {
	_w=$LAB_DIR/httpauth/www
	mkdir -p "$_w/basic" "$_w/digest" "$_w/digest256" || return 1
	for _d in basic digest digest256; do
		echo "<html><body>$_d area</body></html>" >"$_w/$_d/index.html"
	done
	echo "admin:admin" >"$LAB_DIR/httpauth/users"
	printf '%s\n' \
		'server.modules = ( "mod_auth", "mod_authn_file" )' \
		"server.document-root = \"$_w\"" \
		"server.errorlog = \"$LAB_DIR/httpauth/error.log\"" \
		"server.port = $HTTP_AUTH_PORT" \
		'server.bind = "0.0.0.0"' \
		'index-file.names = ( "index.html" )' \
		'mimetype.assign = ( ".html" => "text/html" )' \
		'auth.backend = "plain"' \
		"auth.backend.plain.userfile = \"$LAB_DIR/httpauth/users\"" \
		'auth.require = (' \
		'  "/basic/" => ( "method" => "basic", "realm" => "lab", "require" => "valid-user" ),' \
		'  "/digest/" => ( "method" => "digest", "realm" => "lab", "require" => "valid-user" ),' \
		'  "/digest256/" => ( "method" => "digest", "realm" => "lab", "require" => "valid-user",' \
		'                     "algorithm" => "SHA-256" ),' \
		')' >"$LAB_DIR/httpauth/lighttpd.conf"
	lab_bg lighttpd-auth lighttpd -D -f "$LAB_DIR/httpauth/lighttpd.conf"
	lab_wait_listen tcp $HTTP_AUTH_PORT lighttpd-auth
}

start_mqtt_auth() {
	mkdir -p "$LAB_DIR/mqttauth" || return 1
	: >"$LAB_DIR/mqttauth/passwd"
	chmod 600 "$LAB_DIR/mqttauth/passwd"
	mosquitto_passwd -b "$LAB_DIR/mqttauth/passwd" admin admin >/dev/null 2>&1 ||
		{ lab_log "mosquitto_passwd failed"; return 1; }
	printf '%s\n' "user root" "persistence false" "log_dest stderr" \
		"allow_anonymous false" "password_file $LAB_DIR/mqttauth/passwd" \
		"listener $MQTT_AUTH_PORT" >"$LAB_DIR/mqttauth/mosquitto.conf"
	lab_bg mosquitto-auth mosquitto -c "$LAB_DIR/mqttauth/mosquitto.conf"
	lab_wait_listen tcp $MQTT_AUTH_PORT mosquitto-auth
}

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
start_telnet_login || { echo "t_auth: telnetd with login did not start"; exit 1; }
start_http_auth || { echo "t_auth: lighttpd with mod_auth did not start"; exit 1; }
start_mqtt_auth || { echo "t_auth: mosquitto with a password file did not start"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

# BusyBox login: the pair proven by a shell echoing our marker; a wrong
# password ends with "Login incorrect" and a fresh prompt after BusyBox's
# failure delay; an account without password is let in at the user name.
try ACCEPTED telnet $TELNET_PORT admin admin
try REJECTED telnet $TELNET_PORT admin wrong
try REJECTED telnet $TELNET_PORT nosuchuser admin
try ACCEPTED telnet $TELNET_PORT guest ""
try REJECTED telnet $TELNET_PORT - admin

# lighttpd mod_auth.
try ACCEPTED http $HTTP_AUTH_PORT admin admin /basic/
try REJECTED http $HTTP_AUTH_PORT admin wrong /basic/
try REJECTED http $HTTP_AUTH_PORT - - /basic/
try ACCEPTED http $HTTP_AUTH_PORT admin admin /digest/
try REJECTED http $HTTP_AUTH_PORT admin wrong /digest/
try ACCEPTED http $HTTP_AUTH_PORT admin admin /digest256/
try REJECTED http $HTTP_AUTH_PORT admin wrong /digest256/
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
