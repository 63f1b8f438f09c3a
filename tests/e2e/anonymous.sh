#!/bin/sh
# End-to-end tests of IOT-5.5-4-ANONYMOUS-RESOURCES (anonymous-resources
# probe): the real iotcert binary against the reference device on its own
# loopback /24.  The weak device FAILs on exactly its unguarded /api/config,
# over HTTP and HTTPS, and nothing else (its login page, its Basic realm and
# the paths it does not have are no findings); the hardened device PASSes; a
# hostile one is INCONCLUSIVE, never PASS.  Every report validates.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh

XSD=reports/iotcert-report.xsd
NET=${IOTCERT_ANON_NET:-127.0.16}
PORTS=1883,2323,8080,8443,8883,9999
CASE=IOT-5.5-4-ANONYMOUS-RESOURCES
CONFIG_BYTES=164	# the weak device's /api/config JSON
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do refdev_stop "$p"; done; rm -rf "$T"' EXIT INT TERM

start() {	# start ADDR MODE [ARGS...]
	_a=$1; _m=$2; shift 2
	refdev_start "$_a" "$_m" "$T/$_a.ready" "$@" || exit 1
	PIDS="$PIDS $REFDEV_PID"
}

run() {		# run NAME ADDR [ARGS...]: one run of the case; sets RC and R
	_n=$1; _a=$2; shift 2
	"$BUILD/iotcert" run -q --no-capture --udp none --target "$_a" --ports $PORTS \
		--select $CASE --out "$T/$_n" "$@" >"$T/$_n.log" 2>&1
	RC=$?
	R=$T/$_n/report.xml
	xmllint --noout --schema "$XSD" "$R" 2>/dev/null
	assert_eq "$_n: report valid against the XSD" 0 $?
}

F="//*[local-name()='finding'][@kind='anonymous-access']"
fattr() {	# fattr PORT ATTR: an attribute of the one finding on PORT
	xq "$R" "$F[@port='$1']/@$2"
}
items() {	# items INSTANCE FIELD: the items of an evidence list, space-separated
	xmllint --xpath "//*[local-name()='testcase'][@id='$1']//*[local-name()='field'][@name='$2']/*[local-name()='item']/text()" \
		"$R" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}
reason() {	# reason INSTANCE
	xq "$R" "//*[local-name()='testcase'][@id='$1']/*[local-name()='reason']"
}

start $NET.1 weak
start $NET.2 hardened
start $NET.3 hardened --misbehave https:http-huge-headers

echo "== weak device"
run weak $NET.1
assert_eq "exit code 1" 1 "$RC"
for p in 8080 8443; do
	assert_eq "FAIL on tcp/$p" FAIL "$(verdict "$R" $CASE@tcp/$p)"
	assert_eq "exactly one finding on tcp/$p" 1 "$(xq "$R" "count($F[@port='$p'])")"
	assert_eq "... for /api/config" /api/config "$(fattr $p path)"
	assert_eq "... read with GET" GET "$(fattr $p method)"
	assert_eq "... answered 200" 200 "$(fattr $p status)"
	assert_eq "... as JSON" application/json "$(fattr $p content-type)"
	assert_eq "... $CONFIG_BYTES bytes" $CONFIG_BYTES "$(fattr $p bytes)"
	assert_eq "resources on tcp/$p" /api/config "$(items $CASE@tcp/$p resources)"
	assert_eq "the Basic realm is protected, not open" /admin "$(items $CASE@tcp/$p protected)"
	assert_eq "a made-up path is not answered" false \
		"$(xq "$R" "//*[local-name()='testcase'][@id='$CASE@tcp/$p']//*[local-name()='field'][@name='catch_all']")"
	assert_eq "16 paths checked" 16 \
		"$(xq "$R" "//*[local-name()='testcase'][@id='$CASE@tcp/$p']//*[local-name()='field'][@name='checked']")"
done
assert_eq "no other anonymous-access finding" 2 "$(xq "$R" "count($F)")"
assert_eq "the reason names the path" \
	"http on tcp/8080 gives device functionality without authentication: /api/config" \
	"$(reason $CASE@tcp/8080)"
assert_eq "EN 303 645 5.5-4 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='2.1.1'][@ref='5.5-4']/@verdict")"
assert_eq "TS 103 701 5.5-5-2 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='ts103701'][@ref='5.5-5-2']/@verdict")"

echo "== hardened device"
run hard $NET.2
assert_eq "exit code 0" 0 "$RC"
assert_eq "PASS on tcp/8443" PASS "$(verdict "$R" $CASE@tcp/8443)"
assert_eq "no anonymous-access finding" 0 "$(xq "$R" "count($F)")"
assert_eq "no resource open" "" "$(items $CASE@tcp/8443 resources)"
assert_eq "/admin asks for a login" /admin "$(items $CASE@tcp/8443 protected)"
assert_eq "/api/config does not exist" 1 \
	"$(xq "$R" "count(//*[local-name()='field'][@name='answers']/*[local-name()='item'][.='/api/config 404 absent'])")"

echo "== hostile: response heads beyond the cap"
run huge $NET.3
assert_eq "exit code 0" 0 "$RC"
assert_eq "INCONCLUSIVE, never PASS" INCONCLUSIVE "$(verdict "$R" $CASE@tcp/8443)"
case $(reason $CASE@tcp/8443) in
"no usable HTTP answer from tcp/8443 (GET /iotcert-"*"response head exceeds 16 KiB"*)
	ok "the reason says why" ;;
*)	bad "reason: $(reason $CASE@tcp/8443)" ;;
esac

finish anonymous
