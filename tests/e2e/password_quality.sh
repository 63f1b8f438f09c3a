#!/bin/sh
# End-to-end: password quality (5.1-2) over the DUT profiles in
# tests/data/profiles/pq-*.yaml: exactly one issue per weak sample, PASS for
# random passwords, INCONCLUSIVE without samples, NOT_APPLICABLE when the ICS
# says no password is pre-installed, and no sample password anywhere in what
# the run writes.  The probe sends nothing, so no reference device is needed:
# the target is an unused loopback address, scanned on one port.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
NET=${IOTCERT_TEST_NET_PQ:-127.0.18}
XSD=reports/iotcert-report.xsd
CASE=IOT-5.1-2-PASSWORD-QUALITY
P=tests/data/profiles
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

run() {	# run NAME PROFILE: stdout and stderr to $T/NAME.log
	"$BUILD/iotcert" run --no-capture --no-color --udp none --ports 1 --target $NET.1 \
		--dut "$2" --select $CASE --out "$T/$1" >"$T/$1.log" 2>&1
}
issues() {	# issues REPORT: "sample=issue" of every weak-password finding, sorted
	xmllint --xpath "//*[local-name()='finding'][@kind='weak-password']" "$1" 2>/dev/null |
		sed 's/<finding /\n&/g' |
		sed -n 's/.*sample="\([^"]*\)" issue="\([^"]*\)".*/\1=\2/p' | sort | tr '\n' ' '
}
field() {	# field REPORT NAME
	xq "$1" "//*[local-name()='testcase'][@id='$CASE']//*[local-name()='field'][@name='$2']"
}
reason() {
	xq "$1" "//*[local-name()='testcase'][@id='$CASE']/*[local-name()='reason']"
}
# secrets FILE...: fails if any password of the profiles appears in a file.
secrets() {
	leaked=""
	for pw in 'x5e100201Q' 'sunshine' 'Tq8vN4wEz!' 'Hm4-Kz7q-1041' 'Hm4-Kz7q-1042' \
	    'Wifi7q2k9pass' 'Rq7#Lp2$Vz9!' 'a8F3kq2ZpL9w' 'Jw6!nB3rXe7M' 'Yp2@hT9vKc4S' \
	    'Lm5$Qe8#Rt2w'; do
		grep -rqF -- "$pw" "$@" && leaked="$leaked $pw"
	done
	assert_eq "no sample password in $(echo "$@" | sed "s|$T/||g")" "" "$leaked"
}
# check NAME PROFILE EXIT VERDICT: runs, then the exit code, the schema, the
# verdict and the secrets; leaves the report in $R.
check() {
	run "$1" "$2"
	assert_eq "exit code $3" "$3" $?
	R=$T/$1/report.xml
	xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
	assert_eq "5.1-2 $4" "$4" "$(verdict "$R" $CASE)"
	secrets "$T/$1.log" "$T/$1"
}

echo "== weak samples"
check weak $P/pq-weak.yaml 1 FAIL
assert_eq "one issue per weak sample" \
	"RD100-000201=derived-mac RD100-000202=common-list RD100-000203=shared RD100-000204=shared RD100-000207=derived-ssid sample 5=counter sample 6=counter " \
	"$(issues "$R")"
assert_eq "seven samples and the unit's own password judged" 8 "$(field "$R" samples)"
assert_eq "checked" true "$(field "$R" checked)"
assert_eq "reason lists them" "pre-installed passwords that automated attacks on the device class would find: RD100-000201: derived-mac, RD100-000202: common-list, RD100-000203: shared, RD100-000204: shared, sample 5: counter, sample 6: counter, RD100-000207: derived-ssid" \
	"$(reason "$R")"
assert_eq "UK PSTI Sch.1-1 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='uk-psti'][@ref='Sch.1-1']/@verdict")"
assert_eq "TS 103 701 5.1-2-2 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='provision'][@framework='ts103701'][@ref='5.1-2-2']/@verdict")"
assert_eq "junit counts the failure" 1 "$(xq "$T/weak/junit.xml" "//testsuite/@failures")"
assert_eq "samples without an identifier are warned about" 2 \
	"$(grep -c 'warning: password sample has no serial, mac or ssid' "$T/weak.log")"

echo "== random samples"
check good $P/pq-good.yaml 0 PASS
assert_eq "no weak-password finding" "" "$(issues "$R")"
assert_eq "three samples and the unit judged" 4 "$(field "$R" samples)"

echo "== no samples: INCONCLUSIVE, never PASS"
check none $P/pq-none.yaml 0 INCONCLUSIVE
assert_eq "says what is missing" \
	"the DUT profile supplies no pre-installed password samples (password-samples:)" \
	"$(reason "$R")"
assert_eq "nothing checked" false "$(field "$R" checked)"

echo "== ICS: no pre-installed password"
check na $P/pq-na.yaml 0 NOT_APPLICABLE
assert_eq "with the ICS justification" \
	'ICS marks 5.1-2 not applicable: "the user sets every password at set-up; none is pre-installed"' \
	"$(reason "$R")"

echo "== without a DUT profile"
"$BUILD/iotcert" run --no-capture --udp none --ports 1 --target $NET.1 --select $CASE \
	--out "$T/nodut" >"$T/nodut.log" 2>&1
assert_eq "exit code 0" 0 $?
assert_eq "INCONCLUSIVE" INCONCLUSIVE "$(verdict "$T/nodut/report.xml" $CASE)"

finish password_quality
