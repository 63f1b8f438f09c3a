#!/bin/sh
# End-to-end: `iotcert analyze` over the captures of real clients and
# servers in tests/data/pcap/ (how they were recorded, and which frame holds
# what: tests/data/pcap/README.md).  Every finding the test cases over the
# capture report is asserted exactly, frame numbers included, both ways:
# what must be found, and nothing on a capture where the device is not.
# No network: the analysis reads files only.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
D=tests/data/pcap
XSD=reports/iotcert-report.xsd
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
F="//*[local-name()='finding']"
CT=IOT-5.5-1-CAPTURE-CLEARTEXT
CR=IOT-5.5-7-CAPTURE-CREDENTIALS
TC=IOT-5.5-1-CAPTURE-TLS-CLIENT
PD=IOT-5.8-1-CAPTURE-PERSONAL-DATA
EP=IOT-5.10-1-CAPTURE-ENDPOINTS

an() {	# an NAME FILE DUT [ARGS...]: analyse, keep the exit code in $RC, report in $R
	_n=$1 _f=$2 _d=$3; shift 3
	"$BUILD/iotcert" analyze "$D/$_f" --dut "$_d" --out "$T/$_n" -q "$@" >"$T/$_n.log" 2>&1
	RC=$?
	R=$T/$_n/report.xml
	xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "$_n: report validates" ||
		bad "$_n: report invalid ($(head -3 "$T/$_n.log"))"
}
cred() {	# cred ATTR: that attribute of the one cleartext-credential finding
	xq "$R" "$F[@kind='cleartext-credential']/@$1"
}
count() { xq "$R" "count($F[@kind='$1'])"; }

echo "== HTTP Basic to the device (server)"
an http http-basic.pcap 198.51.100.2
assert_eq "exit code 1 (FAILs)" 1 "$RC"
assert_eq "credentials case FAILs" FAIL "$(verdict "$R" $CR)"
assert_eq "one credential: admin, masked, method basic, received, frame 4" \
	"1 admin s***** basic server 4 198.51.100.1 80" \
	"$(count cleartext-credential) $(cred username) $(cred password) $(cred method) $(cred role) $(cred frame) $(cred host) $(cred port)"
assert_eq "the password is nowhere in the report" 0 "$(grep -c 's3cret' "$R")"
assert_eq "cleartext HTTP served, from frame 1" "FAIL http server 1" \
	"$(verdict "$R" $CT) $(xq "$R" "$F[@kind='cleartext-protocol']/@protocol") $(xq "$R" "$F[@kind='cleartext-protocol']/@role") $(xq "$R" "$F[@kind='cleartext-protocol']/@frame")"
assert_eq "no TLS client, no personal data: PASS" "PASS PASS" "$(verdict "$R" $TC) $(verdict "$R" $PD)"
assert_eq "the capture is an input of the report, hashed" \
	"$(sha256sum "$D/http-basic.pcap" | cut -d' ' -f1)" \
	"$(xq "$R" "//*[local-name()='file'][@role='capture']/@sha256")"
ev=$(xq "$R" "//*[local-name()='testcase'][@id='$CR']/*[local-name()='evidence']/@file")
case "$ev" in /*) bad "evidence path is absolute: $ev" ;; *) ok "evidence path is relative to the report" ;; esac
assert_eq "each case points at the capture its frames count in" "$(realpath "$D/http-basic.pcap")" \
	"$(realpath "$T/http/$ev" 2>/dev/null)"
assert_eq "roll-up: 5.5-7 FAILs" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='3.1.3'][@ref='5.5-7']/@verdict")"

an reveal http-basic.pcap 198.51.100.2 --reveal-secrets
assert_eq "--reveal-secrets shows it" s3cret "$(cred password)"

an ng http-basic.pcapng 198.51.100.2
assert_eq "pcapng: the same finding, the same frame" "admin s***** 4" \
	"$(cred username) $(cred password) $(cred frame)"

an mac http-basic.pcap 198.51.100.99 --dut-mac 02:1c:e7:00:00:02
assert_eq "the device by its MAC alone" "admin 4" "$(cred username) $(cred frame)"

an other http-basic.pcap 192.0.2.7
assert_eq "a device not in the capture: no finding, exit 0" "0 0" "$RC $(xq "$R" "count($F)")"
assert_eq "... and every case PASSes but the one that needs the DUT profile (--profile)" \
	"0 INCONCLUSIVE" \
	"$(xq "$R" "count(//*[local-name()='testcase'][@verdict!='PASS'][@id!='IOT-5.3-2-CAPTURE-UPDATE-CHANNEL'])") $(xq "$R" "//*[local-name()='testcase'][@id='IOT-5.3-2-CAPTURE-UPDATE-CHANNEL']/@verdict")"

echo "== MQTT client sending credentials and personal data"
an mqtt mqtt-connect.pcap 198.51.100.1
assert_eq "credential sensor, masked, sent by the device, frame 4" \
	"sensor h****** connect client 4 1883" \
	"$(cred username) $(cred password) $(cred method) $(cred role) $(cred frame) $(cred port)"
assert_eq "personal data FAILs" FAIL "$(verdict "$R" $PD)"
assert_eq "an e-mail address, masked, frame 8" "j***@example.com sent 8" \
	"$(xq "$R" "$F[@pattern='email']/@value") $(xq "$R" "$F[@pattern='email']/@direction") $(xq "$R" "$F[@pattern='email']/@frame")"
assert_eq "coordinates, rounded, frame 8" "51.5,-0.1 8" \
	"$(xq "$R" "$F[@pattern='coordinates']/@value") $(xq "$R" "$F[@pattern='coordinates']/@frame")"
assert_eq "roll-up: 5.8-1 FAILs" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='en303645'][@edition='3.1.3'][@ref='5.8-1']/@verdict")"

echo "== telnet, FTP and SNMP logins to the device"
an telnet telnet-login.pcap 198.51.100.2
assert_eq "telnet login admin, masked, the frame of the password" "1 admin a**** login 17" \
	"$(count cleartext-credential) $(cred username) $(cred password) $(cred method) $(cred frame)"
an ftp ftp-login.pcap 198.51.100.2
assert_eq "FTP USER/PASS, frame 9" "user p*** user-pass 9 21" \
	"$(cred username) $(cred password) $(cred method) $(cred frame) $(cred port)"
an snmp snmp-community.pcap 198.51.100.2
assert_eq "SNMP v2c community, frame 1" "p****** community-v2c 1 udp" \
	"$(cred password) $(cred method) $(cred frame) $(xq "$R" "$F[@kind='cleartext-credential']/@transport")"

echo "== the device as a TLS client"
an tls10 tls10-client.pcap 198.51.100.1
assert_eq "TLS client case FAILs" FAIL "$(verdict "$R" $TC)"
assert_eq "offered TLS 1.0 only, SNI, ClientHello in frame 4" "TLS1.0 cam.example.test 4" \
	"$(xq "$R" "$F[@kind='tls-client']/@version") $(xq "$R" "$F[@kind='tls-client']/@sni") $(xq "$R" "$F[@kind='tls-client']/@frame")"
assert_eq "negotiated TLS 1.0 with the suite of the ServerHello" \
	"TLS1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" "$(xq "$R" "$F[@kind='tls-client']/@negotiated")"
assert_eq "no cleartext protocol, no credential" "PASS PASS" "$(verdict "$R" $CT) $(verdict "$R" $CR)"

an cloud dns-then-https.pcap 198.51.100.1
assert_eq "TLS 1.3 negotiated with cloud.example.test, hello in frame 6" \
	"cloud.example.test TLS1.3 TLS_AES_256_GCM_SHA384 6" \
	"$(xq "$R" "$F[@kind='tls-client']/@sni") $(xq "$R" "$F[@kind='tls-client']/@negotiated") $(xq "$R" "$F[@kind='tls-client']/@frame")"
assert_eq "... but TLS 1.0 and 1.1 offered: FAIL" "FAIL offers TLS1.1; offers TLS1.0" \
	"$(verdict "$R" $TC) $(xq "$R" "$F[@kind='tls-client']/@issue")"
assert_eq "endpoints named from the DNS answer and SNI" "cloud.example.test cloud.example.test" \
	"$(xq "$R" "$F[@kind='endpoint'][@port='53']/@host") $(xq "$R" "$F[@kind='endpoint'][@port='443']/@host")"
assert_eq "DNS is infrastructure: a note, not a failure" "note PASS" \
	"$(xq "$R" "$F[@kind='cleartext-protocol']/@severity") $(verdict "$R" $CT)"

echo "== bad input"
"$BUILD/iotcert" analyze "$D/README.md" --dut 198.51.100.2 --out "$T/bad" -q >"$T/bad.log" 2>&1
assert_eq "not a capture: exit 3" 3 $?
grep -q "README.md" "$T/bad.log" && ok "... naming the file" || bad "message: $(cat "$T/bad.log")"
"$BUILD/iotcert" analyze "$D/http-basic.pcap" --out "$T/x" -q >"$T/nodut.log" 2>&1
assert_eq "no device given: exit 2" 2 $?
"$BUILD/iotcert" analyze "$D/http-basic.pcap" --dut 198.51.100.2 --dut-mac zz --out "$T/x" -q \
	>"$T/mac.log" 2>&1
assert_eq "bad MAC: exit 2" 2 $?

finish analyze
