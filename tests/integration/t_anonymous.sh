#!/bin/sh
# Anonymous access to device functions over HTTP(S) and CoAP (EN 303 645
# 5.5-4/5.5-5, IOT-5.5-4-ANONYMOUS-RESOURCES) against real daemons in the
# lab (see lab.sh), `iotcert run` from the harness namespace:
#
# - libcoap's coap-server (udp/5683, and CoAP over TCP on tcp/5683): every
#   resource its /.well-known/core lists answers anyone, and exactly those
#   are reported; with try-write, exactly the one that takes a PUT of its
#   own value (/time) is reported writable, and the block-wise one is never
#   written back;
# - the standard lighttpd static site (http 8081, https 443): a public page
#   is no finding, the device-function paths are all absent: PASS;
# - a lighttpd of this test's own (http 8088) that answers every unknown
#   path 200 with its index page, as single-page apps do, and serves a
#   camera's system.ini: only system.ini is reported, every other path is
#   recognised as the catch-all page.
#
# Needs root (network namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh

CASE=IOT-5.5-4-ANONYMOUS-RESOURCES
SPA_PORT=8088
PORTS=443,5683,8081,$SPA_PORT
XSD=reports/iotcert-report.xsd
TIMEOUT=${IOTCERT_IT_TIMEOUT:-300}	# seconds for one run
SYSTEM_INI='[network]
ssid=LabCam
wifi_key=labcam-wifi-key
[user]
admin_name=admin
admin_password=labcam
'

[ -x "$BUILD/iotcert" ] || { echo "t_anonymous: $BUILD/iotcert missing (make first)"; exit 1; }
command -v lighttpd >/dev/null 2>&1 || { echo "t_anonymous: SKIPPED (lighttpd missing: make deps)"; exit 0; }
command -v coap-server-notls >/dev/null 2>&1 || command -v coap-server-openssl >/dev/null 2>&1 ||
	command -v coap-server >/dev/null 2>&1 ||
	{ echo "t_anonymous: SKIPPED (coap-server missing: make deps)"; exit 0; }

# A web app answering every unknown path with its index page (status 200).
start_spa() {
	_d=$LAB_DIR/spa
	mkdir -p "$_d/www" || return 1
	echo '<html><head><title>LabCam</title></head><body><div id="app"></div></body></html>' \
		>"$_d/www/index.html"
	printf '%s' "$SYSTEM_INI" >"$_d/www/system.ini"
	printf '%s\n' "server.document-root = \"$_d/www\"" \
		"server.errorlog = \"$_d/error.log\"" \
		"server.port = $SPA_PORT" \
		'server.bind = "0.0.0.0"' \
		'index-file.names = ( "index.html" )' \
		'mimetype.assign = ( ".html" => "text/html", ".ini" => "text/plain" )' \
		'server.error-handler-404 = "/index.html"' >"$_d/lighttpd.conf"
	lab_bg lighttpd-spa lighttpd -D -f "$_d/lighttpd.conf"
	lab_wait_listen tcp $SPA_PORT lighttpd-spa
}

# run NAME [ARGS...]: iotcert run in the harness namespace; sets R and RC.
run() {
	_n=$1; shift
	timeout "$TIMEOUT" ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture \
		--target "$LAB_V4" --ports $PORTS --udp 5683 --out "$LAB_DIR/$_n" "$@" \
		>"$LAB_DIR/$_n.log" 2>&1
	RC=$?
	R=$LAB_DIR/$_n/report.xml
	xmllint --noout --schema "$XSD" "$R" 2>/dev/null
	assert_eq "$_n: report valid against the XSD" 0 $?
}

TC="//*[local-name()='testcase']"
F="//*[local-name()='finding'][@kind='anonymous-access']"
items() {	# items INSTANCE FIELD: the items of an evidence list, space-separated
	xmllint --xpath "$TC[@id='$1']//*[local-name()='field'][@name='$2']/*[local-name()='item']/text()" \
		"$R" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}
field() {	# field INSTANCE NAME
	xq "$R" "$TC[@id='$1']//*[local-name()='field'][@name='$2']"
}
fattr() {	# fattr TRANSPORT PORT RESOURCE-ATTR VALUE ATTR
	xq "$R" "$F[@transport='$1'][@port='$2'][@$3='$4']/@$5"
}
nfind() {	# nfind TRANSPORT PORT
	xq "$R" "count($F[@transport='$1'][@port='$2'])"
}

lab_up || { echo "t_anonymous: lab did not come up"; exit 1; }
LAB_SERVICES="http coap" lab_device_start || { echo "t_anonymous: lab device did not start"; exit 1; }
start_spa || { echo "t_anonymous: the catch-all lighttpd did not start"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

echo "== the shipped case"
run std --select $CASE
assert_eq "exit code 1" 1 "$RC"
assert_eq "five instances" 5 "$(xq "$R" "count($TC[@case='$CASE'])")"

# coap-server's /async answers separately, after 4 s: over UDP its empty ACK
# says so and the probe waits; over TCP nothing does, and 3 s pass first.
assert_eq "coap udp/5683 FAILs" FAIL "$(verdict "$R" $CASE@udp/5683)"
assert_eq "every listed resource open over UDP" "/ /time /async /example_data" \
	"$(items $CASE@udp/5683 resources)"
assert_eq "one finding each" 4 "$(nfind udp 5683)"
for res in / /time /async /example_data; do
	assert_eq "udp $res: GET" GET "$(fattr udp 5683 resource $res method)"
	assert_eq "udp $res: 2.05" 2.05 "$(fattr udp 5683 resource $res status)"
	assert_eq "udp $res: writable unknown" "" "$(fattr udp 5683 resource $res writable)"
done
assert_eq "the first block of /example_data" 1024 "$(fattr udp 5683 resource /example_data bytes)"
assert_eq "nothing left unexamined over UDP" "" "$(items $CASE@udp/5683 unexamined)"
assert_eq "nothing written without try-write" "" "$(items $CASE@udp/5683 writable)"
assert_eq "coap tcp/5683 FAILs" FAIL "$(verdict "$R" $CASE@tcp/5683)"
assert_eq "the same resources over TCP, /async too slow" "/ /time /example_data" \
	"$(items $CASE@tcp/5683 resources)"
assert_eq "... and said so" "GET /async: no answer within 3000 ms" \
	"$(items $CASE@tcp/5683 unexamined)"
assert_eq "three findings over TCP" 3 "$(nfind tcp 5683)"

for p in 8081 443; do
	assert_eq "static site on tcp/$p PASSes" PASS "$(verdict "$R" $CASE@tcp/$p)"
	assert_eq "no finding on tcp/$p" 0 "$(nfind tcp $p)"
	assert_eq "no resource open on tcp/$p" "" "$(items $CASE@tcp/$p resources)"
	assert_eq "all 16 paths answered on tcp/$p" 16 "$(field $CASE@tcp/$p checked)"
	assert_eq "a made-up path gets 404 on tcp/$p" false "$(field $CASE@tcp/$p catch_all)"
	assert_eq "the public page is not asked for" 0 \
		"$(xq "$R" "count($TC[@id='$CASE@tcp/$p']//*[local-name()='item'][starts-with(., '/ ')])")"
done

assert_eq "catch-all site FAILs" FAIL "$(verdict "$R" $CASE@tcp/$SPA_PORT)"
assert_eq "it answers a made-up path" true "$(field $CASE@tcp/$SPA_PORT catch_all)"
assert_eq "only system.ini is open" /system.ini "$(items $CASE@tcp/$SPA_PORT resources)"
assert_eq "one finding" 1 "$(nfind tcp $SPA_PORT)"
assert_eq "system.ini as text" text/plain "$(fattr tcp $SPA_PORT path /system.ini content-type)"
assert_eq "system.ini whole" "$(printf '%s' "$SYSTEM_INI" | wc -c)" \
	"$(fattr tcp $SPA_PORT path /system.ini bytes)"
assert_eq "the index page everywhere else" 15 \
	"$(xq "$R" "count($TC[@id='$CASE@tcp/$SPA_PORT']//*[local-name()='item'][contains(., ' 200 same as a made-up path')])")"

echo "== try-write"
mkdir -p "$LAB_DIR/cases"
sed -e "s/^id: .*/id: LAB-ANONYMOUS-WRITE/" \
    -e 's/^  - probe: anonymous-resources$/  - probe: anonymous-resources\n    with:\n      try-write: true/' \
	testcases/iot-5.5-4-anonymous-resources.yaml >"$LAB_DIR/cases/write.yaml"
run write --cases "$LAB_DIR/cases"
W=LAB-ANONYMOUS-WRITE
assert_eq "exit code 1" 1 "$RC"
for tr in udp tcp; do
	assert_eq "$tr: /time takes a PUT of its own value" /time "$(items $W@$tr/5683 writable)"
	assert_eq "$tr: finding says PUT" PUT "$(fattr $tr 5683 resource /time method)"
	assert_eq "$tr: answered 2.04" 2.04 "$(fattr $tr 5683 resource /time status)"
	assert_eq "$tr: writable" true "$(fattr $tr 5683 resource /time writable)"
	assert_eq "$tr: / refuses the write" false "$(fattr $tr 5683 resource / writable)"
	assert_eq "$tr: a block-wise value is never written back" "" \
		"$(fattr $tr 5683 resource /example_data writable)"
	case $(xq "$R" "$TC[@id='$W@$tr/5683']/*[local-name()='reason']") in
	*"change configuration without authentication (5.5-5): /time") ok "$tr: the reason names 5.5-5" ;;
	*) bad "$tr: reason: $(xq "$R" "$TC[@id='$W@$tr/5683']/*[local-name()='reason']")" ;;
	esac
done
assert_eq "udp: /async refuses the write" false "$(fattr udp 5683 resource /async writable)"
assert_eq "web sites are never written to" PASS "$(verdict "$R" $W@tcp/8081)"

finish t_anonymous
