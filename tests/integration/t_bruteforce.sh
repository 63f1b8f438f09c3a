#!/bin/sh
# Brute-force resistance (EN 303 645 5.1-5) measured on real daemons in the
# lab (see lab.sh and auth_daemons.sh): BusyBox telnetd + BusyBox login,
# Dropbear, lighttpd mod_auth Basic and Mosquitto with a password file, each
# with an admin account whose password only the DUT profile knows.  None of
# them limits guessing: BusyBox login's and lighttpd's failure delays hold
# each connection, but four connections at once defeat them, as they would
# for an attacker; Mosquitto answers as fast as asked.  Every surface must FAIL with the
# measured figures, the right password must still log in after the series
# (no silent lockout), the declaration in the DUT profile ("no prevention")
# must match, and the password must appear in no report or log.
#
# Then a second Mosquitto behind the device's own firewall (nftables: new
# connections from one address limited to a burst of 15, then 1 a minute,
# the rest reset).  Discovery's own connections (connect scan, first
# contact, identification) spend part of the burst, so the probe gets a few
# answered guesses, then refused connections: it must see the ban as a
# lockout, watch it end about a minute later, and PASS it (a handful of
# guesses a minute through the bans).  Needs root (network and mount
# namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh
. tests/integration/auth_daemons.sh

SSH=22
TELNET=23
HTTP=80
MQTT=1883
MQTT_FW=1885	# behind the rate-limiting firewall
BF=IOT-5.1-5-BRUTE-FORCE
XSD=reports/iotcert-report.xsd

[ -x "$BUILD/iotcert" ] || { echo "t_bruteforce: $BUILD/iotcert missing (make first)"; exit 1; }
for _c in busybox dropbear lighttpd mosquitto; do
	command -v "$_c" >/dev/null 2>&1 ||
		{ echo "t_bruteforce: SKIPPED ($_c missing: make deps)"; exit 0; }
done
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
PW=$(auth_password)

lab_up || { echo "t_bruteforce: lab did not come up"; exit 1; }
trap 'lab_down; rm -rf "$T"' EXIT
auth_start_telnet bf-telnet $TELNET admin "$PW" || { echo "t_bruteforce: telnetd did not start"; exit 1; }
auth_start_ssh bf-ssh $SSH admin "$PW" || { echo "t_bruteforce: dropbear did not start"; exit 1; }
AUTH_HTTP_REALMS=basic auth_start_http bf-http $HTTP admin "$PW" ||
	{ echo "t_bruteforce: lighttpd did not start"; exit 1; }
auth_start_mqtt bf-mqtt $MQTT false admin "$PW" || { echo "t_bruteforce: mosquitto did not start"; exit 1; }
auth_start_mqtt bf-mqtt-fw $MQTT_FW false admin "$PW" || { echo "t_bruteforce: mosquitto did not start"; exit 1; }
lab_d nft add table inet bf &&
lab_d nft add chain inet bf in '{ type filter hook input priority 0; }' &&
lab_d nft add rule inet bf in tcp dport $MQTT_FW ct state new \
	meter bfban '{ ip saddr limit rate over 1/minute burst 15 packets }' reject with tcp reset ||
	{ echo "t_bruteforce: cannot set up the firewall"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

cat >"$T/dut.yaml" <<EOP
device: {manufacturer: Lab, model: BF-1, hardware-version: "1", software-version: "1", serial: BF1-0001}
interfaces:
  - {transport: tcp, port: $SSH, protocol: ssh}
  - {transport: tcp, port: $TELNET, protocol: telnet}
  - {transport: tcp, port: $HTTP, protocol: http}
  - {transport: tcp, port: $MQTT, protocol: mqtt}
credentials:
  - {user: admin, password: "$PW", kind: unique}
brute-force:
  - {mechanism: none}
EOP
OUT=$LAB_DIR/bf
timeout 600 ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture --udp none \
	--ports $SSH,$TELNET,$HTTP,$MQTT --target "$LAB_V4" --dut "$T/dut.yaml" --select $BF \
	--out "$OUT" >"$OUT.log" 2>&1
assert_eq "exit code 1" 1 $?
R=$OUT/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
field() {	# field PORT NAME
	xq "$R" "//*[local-name()='testcase'][@id='$BF@tcp/$1']//*[local-name()='field'][@name='$2']"
}
for p in $SSH $TELNET $HTTP $MQTT; do
	m=$(field $p method)
	assert_eq "tcp/$p ($m) FAILs 5.1-5" FAIL "$(verdict "$R" $BF@tcp/$p)"
	assert_eq "tcp/$p: 30 wrong passwords refused, no lockout" "30 30 false" \
		"$(field $p attempts) $(field $p rejected) $(field $p locked)"
	assert_eq "tcp/$p: the right password still logs in" accepted "$(field $p right_password)"
	assert_eq "tcp/$p: as declared (no prevention)" "" "$(field $p declaration_mismatch)"
	r=$(field $p late_per_minute)
	[ "${r:-0}" -gt 10 ] && ok "tcp/$p: $r wrong guesses a minute after the first 10" ||
		bad "tcp/$p late rate: $r"
done
assert_eq "methods" "ssh-password telnet-login http-basic mqtt-3.1.1" \
	"$(field $SSH method) $(field $TELNET method) $(field $HTTP method) $(field $MQTT method)"
d=$(field $TELNET median_delay_ms)
[ "${d:-0}" -ge 1000 ] && ok "BusyBox login's failure delay measured (${d} ms a refusal)" ||
	bad "telnet delay: $d"
# lighttpd (1.4.69 here) holds a refused request for about a second too.
d=$(field $HTTP median_delay_ms)
[ "${d:-0}" -ge 500 ] && ok "lighttpd's failure delay measured (${d} ms a refusal)" ||
	bad "http delay: $d"
assert_eq "Mosquitto answers at the harness's cap" true "$(field $MQTT rate_capped)"
assert_eq "one brute-force finding per surface" 4 \
	"$(xq "$R" "count(//*[local-name()='finding'][@kind='brute-force'][@issue='no-effective-prevention'])")"
if grep -rqF -- "$PW" "$OUT" "$OUT.log"; then
	bad "the DUT profile's password leaked into the report, evidence or log"
else
	ok "the DUT profile's password appears in no report, transcript or log"
fi

echo "== a firewall that bans after a burst, declared as a one-minute lockout"
sed 's/{mechanism: none}/{mechanism: lockout, duration: 60s}/' "$T/dut.yaml" >"$T/dut-fw.yaml"
OUT=$LAB_DIR/bffw
timeout 600 ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture --udp none \
	--ports $MQTT_FW --target "$LAB_V4" --dut "$T/dut-fw.yaml" --select $BF \
	--out "$OUT" >"$OUT.log" 2>&1
R=$OUT/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
assert_eq "locked by refusing connections" "true true" "$(field $MQTT_FW locked) $(field $MQTT_FW blocked)"
n=$(field $MQTT_FW lockout_after)
[ "${n:-0}" -ge 1 ] && [ "${n:-0}" -le 10 ] && ok "... after $n answered failures (the rest of the burst)" ||
	bad "lockout_after: $n"
ms=$(field $MQTT_FW lockout_ms)
[ "${ms:-0}" -ge 50000 ] && [ "${ms:-0}" -le 66000 ] && ok "ban measured at ${ms} ms (1 a minute)" ||
	bad "ban length: $ms"
assert_eq "a handful of guesses a minute through the bans, as declared: PASS" "PASS true" \
	"$(verdict "$R" $BF@tcp/$MQTT_FW) $(field $MQTT_FW resistant)"
assert_eq "no declaration mismatch" "" "$(field $MQTT_FW declaration_mismatch)"

finish t_bruteforce
