#!/bin/sh
# End-to-end: brute-force resistance (EN 303 645 5.1-5) against the reference
# device.  The weak device answers wrong passwords as fast as they come (or
# with a per-connection delay that parallel guessing defeats) and FAILs; the
# hardened device with --lockout 5:15 locks after exactly 5 failures, its web
# UI saying so (429) and its broker silently, and the figures are judged
# against the scheme's thresholds (baseline: FAIL, 20 guesses a minute through
# 15 s lockouts; a lenient scheme: PASS) and the DUT profile's declaration.
# The case runs after every other case.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh
NET=${IOTCERT_TEST_NET_BF:-127.0.20}
XSD=reports/iotcert-report.xsd
T=$(mktemp -d)
W=""; H=""
trap 'refdev_stop "$W"; refdev_stop "$H"; rm -rf "$T"' EXIT INT TERM
refdev_start $NET.1 weak "$T/w.ready" || exit 1; W=$REFDEV_PID
refdev_start $NET.2 hardened "$T/h.ready" --admin-password Adm1n-x7Qz \
	--mqtt-password Mq-4kPv2 --lockout 5:15 || exit 1; H=$REFDEV_PID

run() {	# run NAME TARGET PORTS PROFILE [ARGS...]
	_n=$1 _t=$2 _p=$3 _d=$4; shift 4
	"$BUILD/iotcert" run -q --no-capture --udp none --ports "$_p" --target "$_t" --dut "$_d" \
		--out "$T/$_n" "$@" >"$T/$_n.log" 2>&1
}
field() {	# field REPORT INSTANCE NAME
	xq "$1" "//*[local-name()='testcase'][@id='$2']//*[local-name()='field'][@name='$3']"
}
BF=IOT-5.1-5-BRUTE-FORCE

echo "== weak device: no prevention anywhere"
run weak $NET.1 1883,2323,8080,8443 profiles/devices/refdev-weak.yaml \
	--select $BF,IOT-5.1-1-DEFAULT-CREDENTIALS
assert_eq "exit code 1" 1 $?
R=$T/weak/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
for p in 2323 8080 8443; do
	assert_eq "tcp/$p FAILs 5.1-5" FAIL "$(verdict "$R" $BF@tcp/$p)"
	assert_eq "tcp/$p: all 30 wrong passwords refused, none locked" "30 false" \
		"$(field "$R" $BF@tcp/$p rejected) $(field "$R" $BF@tcp/$p locked)"
done
assert_eq "HTTP answers at the harness's own cap (20/s)" true "$(field "$R" $BF@tcp/8080 rate_capped)"
d=$(field "$R" $BF@tcp/2323 median_delay_ms)
[ "${d:-0}" -ge 900 ] && ok "telnet's per-connection failure delay measured (${d} ms)" || bad "telnet delay: $d"
r=$(field "$R" $BF@tcp/2323 late_per_minute)
[ "${r:-0}" -gt 60 ] && ok "... which 4 parallel guesses defeat ($r a minute)" || bad "telnet rate: $r"
assert_eq "one brute-force finding per failing surface" "2323 8080 8443" \
	"$(xmllint --xpath "//*[local-name()='finding'][@kind='brute-force']/@port" "$R" 2>/dev/null |
		sed 's/[^0-9 ]//g' | tr -s ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ' | sed 's/ $//')"
assert_eq "a broker taking any password has nothing to guess" "PASS false" \
	"$(verdict "$R" $BF@tcp/1883) $(field "$R" $BF@tcp/1883 auth_surface)"
assert_eq "the baseline's thresholds recorded" "10 10" \
	"$(field "$R" $BF@tcp/8080 threshold_free_attempts) $(field "$R" $BF@tcp/8080 threshold_per_minute)"
# Disruptive cases run alone, after the rest.
last_other=$(xmllint --xpath "//*[local-name()='testcase'][@case='IOT-5.1-1-DEFAULT-CREDENTIALS']/@end" "$R" 2>/dev/null |
	tr ' ' '\n' | sed -n 's/end="\(.*\)"/\1/p' | sort | tail -1)
first_bf=$(xmllint --xpath "//*[local-name()='testcase'][@case='$BF']/@start" "$R" 2>/dev/null |
	tr ' ' '\n' | sed -n 's/start="\(.*\)"/\1/p' | sort | head -1)
[ -n "$last_other" ] && [ "$first_bf" \> "$last_other" ] || [ "$first_bf" = "$last_other" ] &&
	ok "brute-force starts after every other case ($first_bf >= $last_other)" ||
	bad "brute-force started $first_bf, before $last_other"
run excl $NET.1 2323 profiles/devices/refdev-weak.yaml --select $BF --exclude brute-force
assert_eq "--exclude brute-force leaves the case out" 0 \
	"$(xq "$T/excl/report.xml" "count(//*[local-name()='testcase'][@case='$BF'])")"

echo "== hardened device, --lockout 5:15, as declared"
run lock $NET.2 8443,8883 tests/data/profiles/bf-hardened-lockout.yaml --select $BF
R=$T/lock/report.xml
xmllint --noout --schema $XSD "$R" 2>/dev/null && ok "report validates" || bad "report invalid"
assert_eq "HTTPS locks after exactly 5 failures, saying so" "true 5 true" \
	"$(field "$R" $BF@tcp/8443 locked) $(field "$R" $BF@tcp/8443 lockout_after) $(field "$R" $BF@tcp/8443 lockout_ended)"
ms=$(field "$R" $BF@tcp/8443 lockout_ms)
[ "${ms:-0}" -ge 14000 ] && [ "${ms:-0}" -le 19000 ] && ok "lockout measured at ${ms} ms (15 s, polled every 2 s)" || bad "lockout_ms: $ms"
assert_eq "... but 5 guesses every 15 s is 20 a minute: FAIL under the baseline" FAIL "$(verdict "$R" $BF@tcp/8443)"
assert_eq "... with the reason" "locked after 5 failures, but only for" \
	"$(field "$R" $BF@tcp/8443 assessment | cut -c1-37)"
assert_eq "the declaration matches" "" "$(field "$R" $BF@tcp/8443 declaration_mismatch)"
assert_eq "MQTT refuses the right password after the series: silent lockout" "refused true -1" \
	"$(field "$R" $BF@tcp/8883 right_password) $(field "$R" $BF@tcp/8883 locked) $(field "$R" $BF@tcp/8883 lockout_after)"
assert_eq "... which is prevention: PASS" PASS "$(verdict "$R" $BF@tcp/8883)"
assert_eq "... seen to end" true "$(field "$R" $BF@tcp/8883 lockout_ended)"

echo "== the same device under a scheme allowing 30 guesses a minute"
run lenient $NET.2 8443 tests/data/profiles/bf-hardened-lockout.yaml \
	--scheme tests/data/profiles/scheme-bf-lenient.yaml
assert_eq "exit code 0" 0 $?
R=$T/lenient/report.xml
assert_eq "HTTPS PASSes" PASS "$(verdict "$R" $BF@tcp/8443)"
assert_eq "the scheme's threshold used" 30 "$(field "$R" $BF@tcp/8443 threshold_per_minute)"

echo "== a declaration the device does not live up to"
run decl $NET.2 8443 tests/data/profiles/bf-hardened-wrongdecl.yaml \
	--scheme tests/data/profiles/scheme-bf-lenient.yaml
R=$T/decl/report.xml
assert_eq "FAIL on the declaration alone" FAIL "$(verdict "$R" $BF@tcp/8443)"
assert_eq "resistant by the scheme's figures" true "$(field "$R" $BF@tcp/8443 resistant)"
m=$(xmllint --xpath "//*[local-name()='testcase'][@id='$BF@tcp/8443']//*[local-name()='field'][@name='declaration_mismatch']" "$R" 2>/dev/null)
case $m in *"declared a lockout after 3 failures, observed after 5"*) ok "attempts mismatch named" ;; *) bad "mismatch: $m" ;; esac
case $m in *"declared a lockout of 60 s, observed 1"[4-9]" s"*) ok "duration mismatch named" ;; *) bad "mismatch: $m" ;; esac
assert_eq "declaration-mismatch findings" 2 \
	"$(xq "$R" "count(//*[local-name()='finding'][@kind='brute-force'][@issue='declaration-mismatch'])")"
for f in "$T"/*/report.xml "$T"/*.log; do
	if grep -q -e Adm1n-x7Qz -e Mq-4kPv2 "$f"; then bad "a DUT password leaked into $f"; fi
done
ok "the DUT profile's passwords appear in no report or log"

finish bruteforce
