#!/bin/sh
# End-to-end: the passive analysis over the live capture of `iotcert run`.
# The reference device phones home (--cloud: a simulated cloud on another
# loopback address, posts every second from the device's own address); the
# run keeps capturing for 3 s after its cases (--observe) and the cases over
# the capture judge what the device did by itself.  Weak: cleartext HTTP
# with Basic credentials, the owner's e-mail and location, each a finding
# with its frame in run.pcap.  Hardened: the same over TLS 1.2+, nothing but
# a TLS-client record and the endpoint.  The harness's own connections
# (telnet and HTTP probes) are left out of the analysis, and without a
# capture the cases are NOT_RUN, saying why.  Needs capture privilege
# (root or CAP_NET_RAW); without it, says SKIPPED.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh
NET=${IOTCERT_TEST_NET_CAPTURE:-127.0.24}
XSD=reports/iotcert-report.xsd
T=$(mktemp -d)
W=""; H=""
trap 'refdev_stop "$W"; refdev_stop "$H"; rm -rf "$T"' EXIT INT TERM
F="//*[local-name()='finding']"
CT=IOT-5.5-1-CAPTURE-CLEARTEXT
CR=IOT-5.5-7-CAPTURE-CREDENTIALS
TC=IOT-5.5-1-CAPTURE-TLS-CLIENT
PD=IOT-5.8-1-CAPTURE-PERSONAL-DATA
EP=IOT-5.10-1-CAPTURE-ENDPOINTS
UP=IOT-5.3-2-CAPTURE-UPDATE-CHANNEL

if [ "$(id -u)" != 0 ]; then
	echo "capture: SKIPPED (the live capture needs root or CAP_NET_RAW)"
	exit 0
fi
refdev_start $NET.1 weak "$T/w.ready" --cloud $NET.9:8000 --cloud-interval 1 || exit 1; W=$REFDEV_PID
refdev_start $NET.2 hardened "$T/h.ready" --cloud $NET.9:8001 --cloud-interval 1 || exit 1; H=$REFDEV_PID

run() {	# run NAME TARGET PORTS [ARGS...]
	_n=$1 _t=$2 _p=$3; shift 3
	"$BUILD/iotcert" run -q --udp none --ports "$_p" --target "$_t" \
		--select 'IOT-*-CAPTURE-*,IOT-5.5-1-CLEARTEXT-LOGIN' --out "$T/$_n" "$@" \
		>"$T/$_n.log" 2>&1
}

echo "== weak device phoning home in cleartext"
run weak $NET.1 2323,8080 --observe 3 --dut profiles/devices/refdev-weak.yaml
assert_eq "exit code 1" 1 $?
R=$T/weak/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
if [ "$(xq "$R" "//*[local-name()='capture']/@enabled")" != true ]; then
	echo "capture: SKIPPED (no capture here: $(xq "$R" "//*[local-name()='capture']/*[local-name()='note']"))"
	exit 0
fi
assert_eq "cleartext protocol FAILs: the device's HTTP client" "FAIL http client $NET.9 8000" \
	"$(verdict "$R" $CT) $(xq "$R" "$F[@kind='cleartext-protocol']/@protocol") $(xq "$R" "$F[@kind='cleartext-protocol']/@role") $(xq "$R" "$F[@kind='cleartext-protocol']/@host") $(xq "$R" "$F[@kind='cleartext-protocol']/@port")"
assert_eq "... and only it: the harness's own telnet and HTTP probes are left out" 1 \
	"$(xq "$R" "count($F[@kind='cleartext-protocol'])")"
assert_eq "the active case still FAILs the device's telnet and HTTP logins" FAIL \
	"$(verdict "$R" IOT-5.5-1-CLEARTEXT-LOGIN@tcp/2323)"
assert_eq "credentials FAIL: the cloud account, masked, sent by the device" \
	"FAIL RD100-000123 c********** basic client" \
	"$(verdict "$R" $CR) $(xq "$R" "$F[@kind='cleartext-credential']/@username") $(xq "$R" "$F[@kind='cleartext-credential']/@password") $(xq "$R" "$F[@kind='cleartext-credential']/@method") $(xq "$R" "$F[@kind='cleartext-credential']/@role")"
assert_eq "the password is nowhere in the report" 0 "$(grep -c 'cl0udS3cret' "$R")"
fr=$(xq "$R" "$F[@kind='cleartext-credential']/@frame")
assert_eq "its frame in run.pcap carries the Authorization header" 1 \
	"$(tcpdump -nn -r "$T/weak/evidence/run.pcap" -A 2>/dev/null | awk -v n="$fr" '/^[0-9][0-9]:/{i++} i==n' | grep -c 'Authorization: Basic')"
assert_eq "the case points at run.pcap" evidence/run.pcap \
	"$(xq "$R" "//*[local-name()='testcase'][@id='$CR']/*[local-name()='evidence']/@file")"
assert_eq "personal data FAILs: e-mail and coordinates" "FAIL j***@example.com 51.5,-0.1" \
	"$(verdict "$R" $PD) $(xq "$R" "$F[@pattern='email']/@value") $(xq "$R" "$F[@pattern='coordinates']/@value")"
assert_eq "the endpoint is named from the Host header, a note" "cloud.refdev.test note PASS" \
	"$(xq "$R" "$F[@kind='endpoint']/@host") $(xq "$R" "$F[@kind='endpoint']/@severity") $(verdict "$R" $EP)"
assert_eq "no TLS client: PASS" PASS "$(verdict "$R" $TC)"
assert_eq "update channel FAILs: updates.refdev.test over http, the IXIT states https" \
	"FAIL http updates.refdev.test https high" \
	"$(verdict "$R" $UP) $(xq "$R" "$F[@kind='update-channel']/@protocol") $(xq "$R" "$F[@kind='update-channel']/@server") $(xq "$R" "$F[@kind='update-channel']/@stated-protocol") $(xq "$R" "$F[@kind='update-channel']/@severity")"
case "$(xq "$R" "//*[local-name()='testcase'][@id='$UP']/*[local-name()='reason']")" in
*"otherwise than its IXIT states"*"updates.refdev.test"*) ok "... the reason names the server" ;;
*) bad "reason: $(xq "$R" "//*[local-name()='testcase'][@id='$UP']/*[local-name()='reason']")" ;;
esac
fr=$(xq "$R" "$F[@kind='update-channel']/@frame")
assert_eq "... its frame in run.pcap is the device's flow to the update server" 1 \
	"$(tcpdump -nn -r "$T/weak/evidence/run.pcap" -A 2>/dev/null | awk -v n="$fr" '/^[0-9][0-9]:/{i++} i==n' | grep -c "$NET.1")"
"$BUILD/iotcert" analyze -q "$T/weak/evidence/run.pcap" --dut $NET.1 --out "$T/an-noprof" --select $UP >/dev/null 2>&1
case "$(xq "$T/an-noprof/report.xml" "//*[local-name()='testcase'][@id='$UP']/@verdict")|$(xq "$T/an-noprof/report.xml" "//*[local-name()='testcase'][@id='$UP']/*[local-name()='reason']")" in
INCONCLUSIVE*"--profile FILE"*) ok "analyze without the DUT profile: INCONCLUSIVE, saying how" ;;
*) bad "analyze without --profile: $(xq "$T/an-noprof/report.xml" "//*[local-name()='testcase'][@id='$UP']/@verdict")" ;;
esac
"$BUILD/iotcert" analyze -q "$T/weak/evidence/run.pcap" --dut $NET.1 --profile profiles/devices/refdev-weak.yaml \
	--out "$T/an-prof" --select $UP >/dev/null 2>&1
rc=$?
assert_eq "analyze --profile re-derives the FAIL from the stored capture, the profile hashed" \
	"1 FAIL $(sha256sum profiles/devices/refdev-weak.yaml | cut -d' ' -f1)" \
	"$rc $(verdict "$T/an-prof/report.xml" $UP) $(xq "$T/an-prof/report.xml" "//*[local-name()='file'][@role='dut']/@sha256")"

echo "== hardened device phoning home over TLS"
run hard $NET.2 8443 --observe 3 --dut profiles/devices/refdev-hardened.yaml
assert_eq "exit code 0" 0 $?
R=$T/hard/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
assert_eq "every case over the capture PASSes" "PASS PASS PASS PASS PASS" \
	"$(verdict "$R" $CT) $(verdict "$R" $CR) $(verdict "$R" $TC) $(verdict "$R" $PD) $(verdict "$R" $EP)"
assert_eq "the device as TLS client: TLS 1.3 and 1.2 offered, SNI, a note" \
	"TLS1.3 TLS1.2 cloud.refdev.test note" \
	"$(xq "$R" "$F[@kind='tls-client']/@version") $(xq "$R" "$F[@kind='tls-client']/@sni") $(xq "$R" "$F[@kind='tls-client']/@severity")"
assert_eq "nothing else but the endpoint" "0 tls" \
	"$(xq "$R" "count($F[not(@severity='note')])") $(xq "$R" "$F[@kind='endpoint']/@protocol")"
assert_eq "update channel PASSes: updates.refdev.test over TLS as stated, a note" \
	"PASS tls updates.refdev.test note" \
	"$(verdict "$R" $UP) $(xq "$R" "$F[@kind='update-channel']/@protocol") $(xq "$R" "$F[@kind='update-channel']/@server") $(xq "$R" "$F[@kind='update-channel']/@severity")"

echo "== no capture"
run nocap $NET.1 2323 --no-capture
R=$T/nocap/report.xml
assert_eq "the cases over the capture are NOT_RUN" NOT_RUN "$(verdict "$R" $CR)"
case "$(xq "$R" "//*[local-name()='testcase'][@id='$CR']/*[local-name()='reason']")" in
*"no capture"*"--no-capture"*) ok "... saying why" ;;
*) bad "reason: $(xq "$R" "//*[local-name()='testcase'][@id='$CR']/*[local-name()='reason']")" ;;
esac

finish capture
