#!/bin/sh
# DTLS posture (EN 303 645 5.5-1, IOT-5.5-1-DTLS-POSTURE) against real
# daemons in the lab (see lab.sh), `iotcert run` from the harness namespace:
#
# - libcoap's coap-server with OpenSSL and a pre-shared key (CoAP over DTLS
#   on udp/5684, discovered as coaps): DTLS 1.2 only, PSK suites only,
#   TLS_PSK_WITH_AES_128_CCM_8 among them; nothing the policy refuses, so
#   PASS, with PSK's missing forward secrecy in the notes;
# - `openssl s_server -dtls1` at security level 0 on udp/4433 (discovered
#   as tls): DTLS 1.0 and anonymous suites, each a finding: FAIL.
#
# Needs root (network namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh

CASE=IOT-5.5-1-DTLS-POSTURE
XSD=reports/iotcert-report.xsd
TIMEOUT=${IOTCERT_IT_TIMEOUT:-300}	# seconds for one run

[ -x "$BUILD/iotcert" ] || { echo "t_dtls: $BUILD/iotcert missing (make first)"; exit 1; }
COAPS=$(command -v coap-server-openssl) ||
	{ echo "t_dtls: SKIPPED (coap-server-openssl missing: libcoap3-bin)"; exit 0; }

# run NAME [ARGS...]: iotcert run in the harness namespace; sets R and RC.
run() {
	_n=$1; shift
	timeout "$TIMEOUT" ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture \
		--target "$LAB_V4" --ports 1 --udp 4433,5684 --out "$LAB_DIR/$_n" "$@" \
		>"$LAB_DIR/$_n.log" 2>&1
	RC=$?
	R=$LAB_DIR/$_n/report.xml
	xmllint --noout --schema "$XSD" "$R" 2>/dev/null
	assert_eq "$_n: report valid against the XSD" 0 $?
}

TC="//*[local-name()='testcase']"
items() {	# items INSTANCE FIELD: the items of an evidence list, space-separated
	xmllint --xpath "$TC[@id='$1']//*[local-name()='field'][@name='$2']/*[local-name()='item']/text()" \
		"$R" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}
nfind() {	# nfind INSTANCE KIND
	xq "$R" "count($TC[@id='$1']//*[local-name()='finding'][@kind='$2'])"
}

lab_up || { echo "t_dtls: lab did not come up"; exit 1; }
lab_cert || exit 1
# -p 5683: CoAP on 5683, CoAP over DTLS on 5683+1.
lab_bg coaps "$COAPS" -A "$LAB_V4" -p 5683 -k lab-psk-secret
lab_wait_listen udp 5684 coaps || { echo "t_dtls: coap-server did not start"; exit 1; }
lab_bg dtls10 openssl s_server -dtls1 -listen -accept "$LAB_V4:4433" -quiet \
	-cert "$LAB_DIR/tls/cert.pem" -key "$LAB_DIR/tls/key.pem" -cipher 'ALL:@SECLEVEL=0'
lab_wait_listen udp 4433 dtls10 || { echo "t_dtls: s_server did not start"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

t0=$(date +%s)
run std --select $CASE
t1=$(date +%s)
echo "  (run took $((t1 - t0)) s)"
assert_eq "exit code 1 (a FAIL)" 1 "$RC"
assert_eq "two instances" 2 "$(xq "$R" "count($TC[@case='$CASE'])")"

I=$CASE@udp/5684
assert_eq "coaps PASSes" PASS "$(verdict "$R" $I)"
assert_eq "coaps: DTLS 1.2 only" DTLS1.2 "$(items $I versions)"
case " $(items $I suites) " in
*" DTLS1.2:TLS_PSK_WITH_AES_128_CCM_8 "*) ok "coaps: CoAP's PSK suite found" ;;
*) bad "coaps: no TLS_PSK_WITH_AES_128_CCM_8 in: $(items $I suites)" ;;
esac
assert_eq "coaps: every suite a PSK one" "" \
	"$(items $I suites | tr ' ' '\n' | grep -v '_PSK_' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "coaps: no violation" "" "$(items $I violations)"
case "$(items $I notes)" in
*"forward secrecy"*) ok "coaps: PSK without forward secrecy noted" ;;
*) bad "coaps: notes: $(items $I notes)" ;;
esac

I=$CASE@udp/4433
assert_eq "DTLS 1.0 server FAILs" FAIL "$(verdict "$R" $I)"
[ "$(verdict "$R" $I)" = FAIL ] ||
	echo "  (reason: $(xq "$R" "$TC[@id='$I']/*[local-name()='reason']"))"
assert_eq "it accepts DTLS 1.0 only" DTLS1.0 "$(items $I versions)"
assert_eq "one tls-version finding" 1 "$(nfind $I tls-version)"
assert_eq "... for DTLS1.0" DTLS1.0 \
	"$(xq "$R" "$TC[@id='$I']//*[local-name()='finding'][@kind='tls-version']/@version")"
assert_eq "six anonymous suites refused" 6 \
	"$(xq "$R" "count($TC[@id='$I']//*[local-name()='finding'][@kind='tls-cipher'][contains(@suite, '_anon_')])")"
assert_eq "each for DTLS1.0" 6 \
	"$(xq "$R" "count($TC[@id='$I']//*[local-name()='finding'][@kind='tls-cipher'][@version='DTLS1.0'])")"

finish t_dtls
