#!/bin/sh
# End-to-end: TLS posture (EN 303 645 5.5-1) of the reference device under
# the baseline's crypto policy (profiles/crypto/best-practice.yaml).  The
# weak device's HTTPS takes TLS 1.0 and 1.1, NULL and anonymous suites,
# 1024-bit DH and shows a 1024-bit RSA certificate signed with SHA-1: each a
# finding with its attributes.  The hardened device's HTTPS and MQTTS take
# TLS 1.2 and 1.3 only with a P-256 key: PASS, the self-signed certificate
# reported as a note, not a failure.  Under the strict policy a self-signed
# certificate is a FAIL.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh
NET=${IOTCERT_TEST_NET_TLS:-127.0.22}
XSD=reports/iotcert-report.xsd
T=$(mktemp -d)
W=""; H=""
trap 'refdev_stop "$W"; refdev_stop "$H"; rm -rf "$T"' EXIT INT TERM
refdev_start $NET.1 weak "$T/w.ready" || exit 1; W=$REFDEV_PID
refdev_start $NET.2 hardened "$T/h.ready" || exit 1; H=$REFDEV_PID
TLS=IOT-5.5-1-TLS-POSTURE

run() {	# run NAME TARGET PORTS [ARGS...]
	_n=$1 _t=$2 _p=$3; shift 3
	"$BUILD/iotcert" run -q --no-capture --udp none --ports "$_p" --target "$_t" \
		--select $TLS --out "$T/$_n" "$@" >"$T/$_n.log" 2>&1
}
field() {	# field REPORT INSTANCE NAME: list items joined by spaces
	xmllint --xpath "//*[local-name()='testcase'][@id='$2']//*[local-name()='field'][@name='$3']" "$1" 2>/dev/null |
		sed -n 's/.*<item>\(.*\)<\/item>.*/\1/p; s/.*<field [^>]*>\([^<]*\)<\/field>.*/\1/p' | tr '\n' ' ' | sed 's/ $//'
}
F="//*[local-name()='finding']"

echo "== weak device: HTTPS on 8443"
run weak $NET.1 8443
assert_eq "exit code 1" 1 $?
R=$T/weak/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
assert_eq "FAIL" FAIL "$(verdict "$R" $TLS@tcp/8443)"
assert_eq "versions accepted" "TLS1.0 TLS1.1 TLS1.2 TLS1.3" "$(field "$R" $TLS@tcp/8443 versions)"
assert_eq "tls-version findings" "TLS1.0 TLS1.1" \
	"$(xq "$R" "$F[@kind='tls-version'][1]/@version") $(xq "$R" "$F[@kind='tls-version'][2]/@version")"
assert_eq "NULL suite found in every old version" "TLS1.0 TLS1.1 TLS1.2" \
	"$(xq "$R" "$F[@kind='tls-cipher'][@suite='TLS_RSA_WITH_NULL_SHA']/@version")"
assert_eq "TLS 1.2-only NULL suite" "TLS1.2" \
	"$(xq "$R" "$F[@kind='tls-cipher'][@suite='TLS_RSA_WITH_NULL_SHA256']/@version")"
n=$(xq "$R" "count($F[@kind='tls-cipher'][contains(@suite,'_anon_')])")
[ "${n:-0}" -ge 6 ] && ok "anonymous suites are findings ($n)" || bad "anon suites: $n"
assert_eq "no suite finding for a suite the policy allows" 0 \
	"$(xq "$R" "count($F[@kind='tls-cipher'][@suite='TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'])")"
assert_eq "1024-bit DH parameters" 1024 "$(xq "$R" "$F[@kind='tls-group']/@dh-bits")"
assert_eq "certificate: RSA 1024, SHA-1, self-signed" "RSA:1024 sha1WithRSAEncryption true" \
	"$(field "$R" $TLS@tcp/8443 cert_key) $(field "$R" $TLS@tcp/8443 cert_signature) $(field "$R" $TLS@tcp/8443 cert_self_signed)"
assert_eq "two certificate failures (key size, SHA-1)" 2 \
	"$(xq "$R" "count($F[@kind='certificate'][not(@severity='note')])")"
assert_eq "... with machine-readable attributes" "1024 sha1WithRSAEncryption true" \
	"$(xq "$R" "$F[@kind='certificate'][1]/@key-bits") $(xq "$R" "$F[@kind='certificate'][1]/@signature-algorithm") $(xq "$R" "$F[@kind='certificate'][1]/@self-signed")"
assert_eq "secure renegotiation, no compression, no Heartbleed" "yes no no" \
	"$(field "$R" $TLS@tcp/8443 secure_renegotiation) $(field "$R" $TLS@tcp/8443 compression) $(field "$R" $TLS@tcp/8443 heartbleed)"
assert_eq "the policy named" best-practice "$(field "$R" $TLS@tcp/8443 policy)"
assert_eq "the policy file is an input of the run" 1 \
	"$(xq "$R" "count(//*[local-name()='file'][@role='crypto-policy'])")"
assert_eq "5.5-1 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='2.1.1'][@ref='5.5-1']/@verdict")"

echo "== hardened device: HTTPS 8443 and MQTTS 8883"
run hard $NET.2 8443,8883
assert_eq "exit code 0" 0 $?
R=$T/hard/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
for p in 8443 8883; do
	assert_eq "tcp/$p PASSes" PASS "$(verdict "$R" $TLS@tcp/$p)"
	assert_eq "tcp/$p: TLS 1.2 and 1.3 only" "TLS1.2 TLS1.3" "$(field "$R" $TLS@tcp/$p versions)"
	assert_eq "tcp/$p: P-256 key" "EC:256" "$(field "$R" $TLS@tcp/$p cert_key)"
	case "$(field "$R" $TLS@tcp/$p notes)" in
	*"self-signed"*) ok "tcp/$p: self-signed reported as a note" ;;
	*) bad "tcp/$p notes: $(field "$R" $TLS@tcp/$p notes)" ;;
	esac
done
assert_eq "no failing finding" 0 "$(xq "$R" "count($F[not(@severity='note')])")"
assert_eq "the web UI's login page: HTTPS carries logins (5.1-3)" "true|observed: login page at /" \
	"$(field "$R" $TLS@tcp/8443 carries_logins)|$(field "$R" $TLS@tcp/8443 logins_how)"
assert_eq "the broker wants credentials: MQTTS carries logins" "true" \
	"$(field "$R" $TLS@tcp/8883 carries_logins)"
M="//*[local-name()='testcase'][@id='$TLS@tcp/8443']//*[local-name()='map']"
assert_eq "... so the case maps to 5.1-3, marked conditional" "carries_logins" \
	"$(xq "$R" "$M[@framework='en303645'][@edition='2.1.1'][@ref='5.1-3']/@when")"
assert_eq "no DUT profile: no personal data, no 5.8 mapping" "false 0" \
	"$(field "$R" $TLS@tcp/8443 personal_data) $(xq "$R" "count(//*[local-name()='map'][@ref='5.8-1'])")"
# Declaring exactly what was seen must PASS: the suites of the MQTTS port, as found.
SUITES8883=$(field "$R" $TLS@tcp/8883 suites | tr ' ' '\n' | sed 's/^[^:]*://' | sort -u | paste -sd, -)

echo "== hardened device against its DUT profile's communication declaration"
cat >"$T/dut.yaml" <<EOD
device: {manufacturer: Ref, model: RD-1, hardware-version: "1", software-version: "1", serial: RD1-1}
communication:
  - {port: 8443, protocol: https, versions: [TLS1.3], personal-data: true}
  - {port: 8883, protocol: mqtts, versions: [TLS1.2, TLS1.3], suites: [$SUITES8883]}
EOD
run declared $NET.2 8443,8883 --dut "$T/dut.yaml"
assert_eq "exit code 1" 1 $?
R=$T/declared/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
assert_eq "tcp/8443 FAILs: TLS 1.2 accepted, only TLS 1.3 declared" FAIL "$(verdict "$R" $TLS@tcp/8443)"
assert_eq "one undeclared-crypto finding, with attributes" "1 TLS1.2 TLS1.3" \
	"$(xq "$R" "count($F[@kind='undeclared-crypto'])") $(xq "$R" "$F[@kind='undeclared-crypto']/@version") $(xq "$R" "$F[@kind='undeclared-crypto']/@declared")"
assert_eq "the undeclared field" "version:TLS1.2" "$(field "$R" $TLS@tcp/8443 undeclared)"
assert_eq "tcp/8883 declared as found: PASS" PASS "$(verdict "$R" $TLS@tcp/8883)"
assert_eq "personal data over 8443 only" "true false" \
	"$(field "$R" $TLS@tcp/8443 personal_data) $(field "$R" $TLS@tcp/8883 personal_data)"
assert_eq "8443 maps to 5.8-1 and 5.8-2 (both editions) and TS 5.8-1-2, 5.8-2-2" 6 \
	"$(xq "$R" "count($M[@when='personal_data'])")"
assert_eq "8883 does not" 0 \
	"$(xq "$R" "count(//*[local-name()='testcase'][@id='$TLS@tcp/8883']//*[local-name()='map'][@when='personal_data'])")"
P="//*[local-name()='provision'][@framework='en303645'][@edition='3.1.3']"
assert_eq "roll-up: 5.8-1 and 5.1-3 FAIL through 8443" "FAIL FAIL" \
	"$(xq "$R" "$P[@ref='5.8-1']/@verdict") $(xq "$R" "$P[@ref='5.1-3']/@verdict")"

echo "== hardened device under the strict policy"
cat >"$T/strict-scheme.yaml" <<EOS
scheme: strict-tls
title: Baseline with the strict crypto policy (test)
version: "1"
source: "test data for tests/e2e/tls.sh"
frameworks: [en303645]
crypto-policy: $(pwd)/profiles/crypto/strict.yaml
discovery:
  tcp: ["1-65535"]
EOS
run strict $NET.2 8443 --scheme "$T/strict-scheme.yaml"
R=$T/strict/report.xml
assert_eq "self-signed is a FAIL there" FAIL "$(verdict "$R" $TLS@tcp/8443)"
assert_eq "policy strict" strict "$(field "$R" $TLS@tcp/8443 policy)"
case "$(field "$R" $TLS@tcp/8443 violations)" in
*"self-signed"*) ok "the violation names the self-signed certificate" ;;
*) bad "violations: $(field "$R" $TLS@tcp/8443 violations)" ;;
esac

finish tls
