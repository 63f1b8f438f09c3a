#!/bin/sh
# End-to-end tests of the published-information cases (5.2-1 vulnerability
# disclosure policy, 5.3-13 support period): the real iotcert binary against
# the reference device's /security-policy, /support and
# /.well-known/security.txt, behaving and with each published-page
# misbehave switch, on its own loopback /24 (127.0.66.x), asserting
# verdicts, reasons, evidence fields and the schema validity of every report.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh

XSD=reports/iotcert-report.xsd
NET=${IOTCERT_PUBLISHED_NET:-127.0.66}
PORTS=8080,8443
VD=IOT-5.2-1-VULNERABILITY-DISCLOSURE
SP=IOT-5.3-13-SUPPORT-PERIOD
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do refdev_stop "$p"; done; rm -rf "$T"' EXIT INT TERM
END_YEAR=$(( $(date -u +%Y) + 5 ))	# refdev's /support: PUB_SUPPORT_YEARS ahead
# Only the two cases under test, so the script does not depend on the rest.
mkdir "$T/cases"
cp testcases/iot-5.2-1-vulnerability-disclosure.yaml testcases/iot-5.3-13-support-period.yaml "$T/cases/"

start() {	# start ADDR [ARGS...]
	_a=$1; shift
	refdev_start "$_a" weak "$T/$_a.ready" --port telnet=0 --port mqtt=0 --port debug=0 "$@" ||
		exit 1
	PIDS="$PIDS $REFDEV_PID"
}

# dut NAME ADDR [DISCLOSURE-URL [SUPPORT-URL [SECURITY-TXT]]]: a DUT profile
# with user-info pointing at ADDR's pages (or the URLs given; "-" leaves one out)
dut() {
	_n=$1; _a=$2
	_vd=${3:-http://$_a:8080/security-policy}
	_sp=${4:-http://$_a:8080/support}
	_st=${5:-true}
	{
		cat profiles/devices/refdev-weak.yaml
		echo "user-info:"
		[ "$_vd" = - ] || echo "  vulnerability-disclosure: $_vd"
		[ "$_sp" = - ] || echo "  support-period: $_sp"
		[ "$_sp" = - ] || echo "  support-period-end: $END_YEAR-12-31"
		echo "  security-txt: $_st"
	} >"$T/$_n.yaml"
	"$BUILD/iotcert" check "$T/$_n.yaml" >"$T/$_n.check" 2>&1 ||
		bad "$_n: DUT profile does not check: $(cat "$T/$_n.check")"
}

run() {		# run NAME ADDR [ARGS...]: one run of both cases; sets RC and R
	_n=$1; _a=$2; shift 2
	"$BUILD/iotcert" run -q --no-capture --target "$_a" --ports $PORTS --cases "$T/cases" \
		--out "$T/$_n" "$@" >"$T/$_n.log" 2>&1
	RC=$?
	R=$T/$_n/report.xml
	if xmllint --noout --schema "$XSD" "$R" 2>"$T/xsd.err"; then
		ok "$_n: report validates against the XSD"
	else
		bad "$_n: report does not validate: $(head -3 "$T/xsd.err")"
	fi
}

field() {	# field CASE NAME: an evidence field's value (lists joined by spaces)
	xq "$R" "//*[local-name()='testcase'][@id='$1']//*[local-name()='field'][@name='$2']"
}
reason() {	# reason CASE
	xq "$R" "//*[local-name()='testcase'][@id='$1']/*[local-name()='reason']"
}
reason_has() {	# reason_has WHAT CASE TEXT
	_r=$(reason "$2")
	case "$_r" in
	*"$3"*) ok "$1" ;;
	*) bad "$1: reason '$_r' lacks '$3'" ;;
	esac
}

start $NET.1
start $NET.2 --misbehave http:policy-login,http:support-expired
start $NET.3 --misbehave http:policy-incomplete
start $NET.4 --misbehave http:securitytxt-expired
start $NET.5 --misbehave http:securitytxt-garbage

echo "== behaving device, DUT profile with user-info"
dut good $NET.1
run good $NET.1 --dut "$T/good.yaml"
assert_eq "exit code 0" 0 "$RC"
assert_eq "5.2-1 PASSes" PASS "$(verdict "$R" $VD)"
assert_eq "5.3-13 PASSes" PASS "$(verdict "$R" $SP)"
assert_eq "policy URL from the DUT profile" dut-profile "$(field $VD url_source)"
assert_eq "contact found" security@refdev.example "$(field $VD contact)"
assert_eq "acknowledgement timescale quoted" "We acknowledge every report within 7 days of receiving it" \
	"$(field $VD ack_timeline)"
assert_eq "security.txt found" true "$(field $VD securitytxt_found)"
assert_eq "security.txt Policy" "http://$NET.1:8080/security-policy" "$(field $VD securitytxt_policy)"
assert_eq "self-signed https recorded as a TLS problem" true "$(field $VD tls_problem)"
assert_eq "security-txt findings on both services" 2 \
	"$(xq "$R" "count(//*[local-name()='finding'][@kind='security-txt'])")"
assert_eq "support end found" "$END_YEAR-12-31" "$(field $SP support_end)"
assert_eq "support end matches the declaration" true "$(field $SP support_end_consistent)"
assert_eq "TS 103 701 5.2-1-2 rolls up to PASS" PASS \
	"$(xq "$R" "//*[local-name()='provision'][@framework='ts103701'][@ref='5.2-1-2']/@verdict")"
assert_eq "5.2-1 itself waits for its conceptual half (5.2-1-1, an assessor's): NOT_RUN" NOT_RUN \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='2.1.1'][@ref='5.2-1']/@verdict")"
assert_eq "TS 103 701 5.3-13-2 rolls up to PASS" PASS \
	"$(xq "$R" "//*[local-name()='provision'][@framework='ts103701'][@ref='5.3-13-2']/@verdict")"

echo "== no user-info: the policy from the device's security.txt, no support URL"
run nouserinfo $NET.1 --dut profiles/devices/refdev-weak.yaml
assert_eq "5.2-1 PASSes through security.txt" PASS "$(verdict "$R" $VD)"
assert_eq "... URL source security.txt" security.txt "$(field $VD url_source)"
assert_eq "5.3-13 INCONCLUSIVE" INCONCLUSIVE "$(verdict "$R" $SP)"
reason_has "... no URL declared" $SP "no published URL declared (IXIT 2-UserInfo support-period)"

echo "== no user-info and no HTTP service: nothing to go on"
"$BUILD/iotcert" run -q --no-capture --target $NET.1 --ports 1 --cases "$T/cases" \
	--dut profiles/devices/refdev-weak.yaml --out "$T/nothing" >"$T/nothing.log" 2>&1
R=$T/nothing/report.xml
assert_eq "5.2-1 INCONCLUSIVE" INCONCLUSIVE "$(verdict "$R" $VD)"
reason_has "... says why" $VD "no published URL declared (IXIT 2-UserInfo) and no security.txt"
assert_eq "5.3-13 INCONCLUSIVE" INCONCLUSIVE "$(verdict "$R" $SP)"

echo "== policy behind a login, support period over"
dut login $NET.2
run login $NET.2 --dut "$T/login.yaml"
assert_eq "exit code 1" 1 "$RC"
assert_eq "5.2-1 FAILs" FAIL "$(verdict "$R" $VD)"
reason_has "... the policy requires a login" $VD "requires a login (HTTP 401)"
assert_eq "requires_login" true "$(field $VD requires_login)"
assert_eq "5.3-13 FAILs" FAIL "$(verdict "$R" $SP)"
reason_has "... ended on 2020-03-31" $SP "ended on 2020-03-31"
reason_has "... (first failing expectation)" $SP "no more security updates"

echo "== policy without timescales"
dut incomplete $NET.3
run incomplete $NET.3 --dut "$T/incomplete.yaml"
assert_eq "5.2-1 FAILs" FAIL "$(verdict "$R" $VD)"
reason_has "... no acknowledgement timescale" $VD "gives no timescale for acknowledging a report"
assert_eq "contact still found" true "$(field $VD has_contact)"
assert_eq "no status timescale either" false "$(field $VD has_status_timeline)"
assert_eq "missing-content findings" 2 \
	"$(xq "$R" "count(//*[local-name()='finding'][@kind='published-missing'])")"
assert_eq "5.3-13 still PASSes" PASS "$(verdict "$R" $SP)"

echo "== security.txt expired"
dut expired $NET.4
run expired $NET.4 --dut "$T/expired.yaml"
assert_eq "5.2-1 FAILs" FAIL "$(verdict "$R" $VD)"
reason_has "... security.txt expired" $VD "http://$NET.4:8080/.well-known/security.txt: expired on 2020-01-01T00:00:00Z"

echo "== security.txt is binary junk"
dut garbage $NET.5
run garbage $NET.5 --dut "$T/garbage.yaml"
assert_eq "5.2-1 FAILs" FAIL "$(verdict "$R" $VD)"
reason_has "... NUL bytes" $VD "contains NUL bytes"
reason_has "... the long line" $VD "longer than 2048 bytes"
reason_has "... no Contact" $VD "no Contact field"
assert_eq "5.3-13 unaffected" PASS "$(verdict "$R" $SP)"

echo "== a published URL on a closed port, and one that does not exist"
dut closed $NET.1 "http://$NET.1:1/security-policy" "http://$NET.1:8080/no-such-page"
run closed $NET.1 --dut "$T/closed.yaml"
assert_eq "5.2-1 INCONCLUSIVE (network error)" INCONCLUSIVE "$(verdict "$R" $VD)"
reason_has "... says it could not connect" $VD "could not fetch the vulnerability disclosure policy at http://$NET.1:1/security-policy"
assert_eq "5.3-13 FAILs on the 404" FAIL "$(verdict "$R" $SP)"
reason_has "... not reachable" $SP "is not reachable (HTTP 404"

echo "== security.txt declared, but no HTTP service serves one"
dut declared $NET.1
"$BUILD/iotcert" run -q --no-capture --target $NET.1 --ports 1 --cases "$T/cases" --select 5.2-1 \
	--dut "$T/declared.yaml" --out "$T/declared" >"$T/declared.log" 2>&1
R=$T/declared/report.xml
assert_eq "5.2-1 FAILs" FAIL "$(verdict "$R" $VD)"
reason_has "... names the missing file" $VD "says the device serves /.well-known/security.txt"

finish published
