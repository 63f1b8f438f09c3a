#!/bin/sh
# End-to-end tests of 5.6-2 (unauthenticated disclosure): the real iotcert
# binary against the reference device in both modes and in hostile variants,
# on its own loopback /24, asserting exact verdicts, findings (by XPath),
# undeclared lists against full, partial and missing DUT profiles, and schema
# validity of every report.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh

XSD=reports/iotcert-report.xsd
NET=${IOTCERT_DISCLOSURE_NET:-127.0.60}
PORTS=1883,2323,8080,8443,8883,9999
CASE=IOT-5.6-2-UNAUTHENTICATED-DISCLOSURE
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do refdev_stop "$p"; done; rm -rf "$T"' EXIT INT TERM

start() {	# start ADDR MODE [ARGS...]
	_a=$1; _m=$2; shift 2
	refdev_start "$_a" "$_m" "$T/$_a.ready" "$@" || exit 1
	PIDS="$PIDS $REFDEV_PID"
}

run() {		# run NAME ADDR [ARGS...]: one run of the 5.6-2 case; sets RC and R
	_n=$1; _a=$2; shift 2
	"$BUILD/iotcert" run -q --no-capture --target "$_a" --ports $PORTS --select 5.6-2 \
		--out "$T/$_n" "$@" >"$T/$_n.log" 2>&1
	RC=$?
	R=$T/$_n/report.xml
	if xmllint --noout --schema "$XSD" "$R" 2>"$T/xsd.err"; then
		ok "$_n: report validates against the XSD"
	else
		bad "$_n: report does not validate: $(head -3 "$T/xsd.err")"
	fi
}

F="//*[local-name()='finding'][@kind='disclosure']"
finding() {	# finding PORT FIELD VALUE ATTR: one attribute of that finding
	xq "$R" "$F[@port='$1'][@field='$2'][@value='$3']/@$4"
}
field_items() {	# field_items NAME: number of items of an evidence list
	xq "$R" "count(//*[local-name()='field'][@name='$1']/*[local-name()='item'])"
}
has_item() {	# has_item NAME ITEM: 1 if the evidence list holds ITEM
	xq "$R" "count(//*[local-name()='field'][@name='$1']/*[local-name()='item'][.='$2'])"
}

start $NET.1 weak
start $NET.2 hardened

echo "== weak device, its DUT profile declares no disclosure"
run weak $NET.1 --dut profiles/devices/refdev-weak.yaml
assert_eq "exit code 1" 1 "$RC"
assert_eq "5.6-2 FAILs" FAIL "$(verdict "$R" $CASE)"
assert_eq "9 undeclared security-relevant disclosures" 9 "$(field_items undeclared)"
for p in 8080 8443; do
	proto=http; [ $p = 8443 ] && proto=https
	assert_eq "firmware 1.0.3 from $proto /status.json" "$proto /status.json" \
		"$(finding $p firmware-version 1.0.3 source)"
	assert_eq "firmware on $p is security-relevant" true "$(finding $p firmware-version 1.0.3 security-relevant)"
	assert_eq "firmware on $p is not declared" no "$(finding $p firmware-version 1.0.3 declared)"
	assert_eq "serial on $p" "/status.json" "$(finding $p serial RD100-000123 path)"
	assert_eq "model on $p" true "$(finding $p model RD-100 security-relevant)"
	assert_eq "Server header on $p" "$proto / Server" "$(finding $p product-version refdev-httpd/1.0 source)"
	assert_eq "page title on $p is not security-relevant" false \
		"$(finding $p title 'RefDev Camera Admin' security-relevant)"
	assert_eq "undeclared lists firmware on $p" 1 "$(has_item undeclared "tcp/$p firmware-version=1.0.3")"
done
assert_eq "broker version from \$SYS" 'mqtt $SYS/broker/version' \
	"$(finding 1883 broker-version 'refdev-mqtt 1.0' source)"
assert_eq "broker version undeclared" 1 "$(has_item undeclared 'tcp/1883 broker-version=refdev-mqtt 1.0')"
assert_eq "telnet prompt names the host" "telnet banner" "$(finding 2323 hostname refdev source)"
assert_eq "no security-relevant finding on telnet" 0 \
	"$(xq "$R" "count($F[@port='2323'][@security-relevant='true'])")"
assert_eq "reason names an undeclared item" 1 \
	"$(xq "$R" "count(//*[local-name()='testcase'][@id='$CASE']/*[local-name()='reason'][contains(., 'tcp/8080 serial=RD100-000123')])")"
assert_eq "nothing unexamined" 0 "$(field_items unexamined)"
assert_eq "dut_profile true" true "$(xq "$R" "//*[local-name()='field'][@name='dut_profile']")"
assert_eq "5.6-2 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='2.1.1'][@ref='5.6-2']/@verdict")"
assert_eq "TS 103 701 5.6-2-2 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='ts103701'][@ref='5.6-2-2']/@verdict")"

echo "== hardened device, its DUT profile declares the Server header"
run hard $NET.2 --dut profiles/devices/refdev-hardened.yaml
assert_eq "exit code 0" 0 "$RC"
assert_eq "5.6-2 PASSes" PASS "$(verdict "$R" $CASE)"
assert_eq "Server header on 8443 is declared" yes "$(finding 8443 product-version refdev-httpd/1.0 declared)"
assert_eq "the 401 realm is recorded" "https /status.json WWW-Authenticate" \
	"$(finding 8443 realm 'RefDev Admin' source)"
assert_eq "no status body disclosure behind the login" 0 \
	"$(xq "$R" "count($F[@field='firmware-version' or @field='serial'])")"
assert_eq "anonymous-refusing mqtts discloses nothing" 0 "$(xq "$R" "count($F[@port='8883'])")"
assert_eq "undeclared empty" 0 "$(field_items undeclared)"
assert_eq "one security-relevant disclosure" 1 "$(field_items security_relevant)"

echo "== hardened device without a DUT profile"
run nodut $NET.2
assert_eq "exit code 0" 0 "$RC"
assert_eq "5.6-2 INCONCLUSIVE without a declaration" INCONCLUSIVE "$(verdict "$R" $CASE)"

echo "== weak device, a DUT profile declaring the plain-HTTP interface only"
sed -e 's|\(port: 8080, protocol: http,.*\)}$|\1, discloses: [product-version, model, firmware-version, serial]}|' \
    -e 's|\(port: 1883, protocol: mqtt,.*\)}$|\1, discloses: [broker-version]}|' \
	profiles/devices/refdev-weak.yaml >"$T/partial.yaml"
"$BUILD/iotcert" check "$T/partial.yaml" >/dev/null 2>&1
assert_eq "partial profile is valid" 0 $?
run partial $NET.1 --dut "$T/partial.yaml"
assert_eq "exit code 1" 1 "$RC"
assert_eq "5.6-2 still FAILs" FAIL "$(verdict "$R" $CASE)"
assert_eq "only the 4 https items are undeclared" 4 "$(field_items undeclared)"
assert_eq "... all of them on 8443" 4 \
	"$(xq "$R" "count(//*[local-name()='field'][@name='undeclared']/*[local-name()='item'][starts-with(., 'tcp/8443 ')])")"
assert_eq "serial on 8080 declared" yes "$(finding 8080 serial RD100-000123 declared)"
assert_eq "serial on 8443 not declared" no "$(finding 8443 serial RD100-000123 declared)"

echo "== a DUT profile with a misspelt disclosure field"
sed 's|\(port: 8080, protocol: http,.*\)}$|\1, discloses: [firmware_version]}|' \
	profiles/devices/refdev-weak.yaml >"$T/typo.yaml"
"$BUILD/iotcert" check "$T/typo.yaml" >"$T/typo.log" 2>&1
assert_eq "check exits 2" 2 $?
grep -q "unknown disclosure field 'firmware_version' (did you mean 'firmware-version'?)" "$T/typo.log" &&
	ok "the typo is named, with a suggestion" || bad "typo message: $(cat "$T/typo.log")"

echo "== hostile: response heads beyond the cap on a hardened device"
start $NET.3 hardened --misbehave https:http-huge-headers
run huge $NET.3 --dut profiles/devices/refdev-hardened.yaml
assert_eq "exit code 0" 0 "$RC"
assert_eq "INCONCLUSIVE, never PASS" INCONCLUSIVE "$(verdict "$R" $CASE)"
assert_eq "the reason says why" 1 \
	"$(xq "$R" "count(//*[local-name()='testcase'][@id='$CASE']/*[local-name()='reason'][contains(., 'response head exceeds 16 KiB')])")"

echo "== hostile: bare-LF HTTP, a malformed CONNACK"
start $NET.4 weak --misbehave http:http-no-crlf,mqtt:mqtt-bad-connack
run lf $NET.4 --dut profiles/devices/refdev-weak.yaml
assert_eq "exit code 1" 1 "$RC"
assert_eq "FAIL: the undeclared disclosures decide" FAIL "$(verdict "$R" $CASE)"
assert_eq "firmware read through bare LF framing" "http /status.json" \
	"$(finding 8080 firmware-version 1.0.3 source)"
assert_eq "the broker is listed as unexamined" 1 \
	"$(xq "$R" "count(//*[local-name()='field'][@name='unexamined']/*[local-name()='item'][starts-with(., 'tcp/1883 mqtt: no valid CONNACK')])")"

echo "== hostile: endless output on http"
start $NET.5 weak --misbehave http:endless
t0=$(date +%s)
run endless $NET.5 --dut profiles/devices/refdev-weak.yaml --timeout 60000
took=$(( $(date +%s) - t0 ))
[ "$RC" -le 1 ] && ok "run completes (exit $RC)" || bad "exit $RC: $(tail -3 "$T/endless.log")"
[ "$took" -lt $((45 * ${IOTCERT_TEST_SLOWDOWN:-1})) ] && ok "finished in ${took}s despite endless output" || bad "took ${took}s"
assert_eq "FAIL from the other interfaces" FAIL "$(verdict "$R" $CASE)"
assert_eq "https still examined" "https /status.json" "$(finding 8443 serial RD100-000123 source)"

finish disclosure
