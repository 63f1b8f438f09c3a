#!/bin/sh
# End-to-end: the roll-ups a lab hands over, against the reference device.
# Verdicts go case -> provision -> category -> scheme from the shipped data
# (profiles/frameworks/): UK PSTI is NOT_COMPLIANT because Sch.1-1 (deemed by
# EN 303 645 5.1-1) FAILs, CLS reaches no level, NIST and EN 18031 views take
# in the mapped provisions.  An assessor's decisions file decides the
# conceptual case; a bad one stops the run before it starts.  The 4-1-1 ICS
# check refuses an unjustified N and an N/A without a condition.
# init-profile writes a template from the run's inventory that loads.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh
NET=${IOTCERT_TEST_NET_SCHEMES:-127.0.68}
PORTS=1883,2323,8080,8443,8883,9999
T=$(mktemp -d)
W=""; H=""
trap 'refdev_stop "$W"; refdev_stop "$H"; rm -rf "$T"' EXIT INT TERM
refdev_start $NET.1 weak "$T/w.ready" || exit 1; W=$REFDEV_PID
refdev_start $NET.2 hardened "$T/h.ready" || exit 1; H=$REFDEV_PID
P="//*[local-name()='provision']"
S="//*[local-name()='scheme-verdict']"

echo "== weak device, baseline scheme, assessor's decisions"
"$BUILD/iotcert" run --no-capture --udp none --ports $PORTS --target $NET.1 \
	--dut profiles/devices/refdev-weak.yaml --decisions tests/data/decisions/refdev.yaml \
	--select 'IOT-5.1-1-*,IOT-5.6-*,IOT-4-1-1-*' --out "$T/weak" >"$T/weak.log" 2>&1
assert_eq "exit code 1 (FAILs)" 1 $?
R=$T/weak/report.xml
valid "$T/weak"
assert_eq "UK PSTI: NOT_COMPLIANT" NOT_COMPLIANT "$(xq "$R" "$S[@framework='uk-psti']/@verdict")"
assert_eq "... because Sch.1-1 FAILs" "Sch.1-1 FAIL" \
	"$(xq "$R" "$S[@framework='uk-psti']/*[local-name()='reason']")"
assert_eq "... weighing its three requirements" 3 \
	"$(xq "$R" "count($S[@framework='uk-psti']/*[local-name()='requirement'])")"
assert_eq "Sch.1-1 is deemed by EN 303 645 5.1-1 (FAIL)" "deemed-by FAIL" \
	"$(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-1']/@basis") $(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-1']/*[local-name()='source'][@ref='5.1-1']/@verdict")"
assert_eq "Sch.1-2 with no assessed source is NOT_RUN" NOT_RUN \
	"$(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-2']/@verdict")"
assert_eq "SG CLS: no level, NOT_COMPLIANT" "none NOT_COMPLIANT" \
	"$(xq "$R" "$S[@framework='sg-cls']/@level") $(xq "$R" "$S[@framework='sg-cls']/@verdict")"
assert_eq "EN 303 645 V2.1.1 over its 33 mandatory provisions: NOT_COMPLIANT" "33 NOT_COMPLIANT" \
	"$(xq "$R" "count($S[@framework='en303645'][@edition='2.1.1']/*[local-name()='requirement'])") $(xq "$R" "$S[@framework='en303645']/@verdict")"
assert_eq "no overall verdict for the mapped-only frameworks" 0 \
	"$(xq "$R" "count($S[@framework='nist-ir-8259a' or @framework='en18031'])")"
assert_eq "EN 18031 AUM-5-1 maps from 5.1-1: FAIL" "mapped-from FAIL" \
	"$(xq "$R" "$P[@framework='en18031'][@ref='AUM-5-1']/@basis") $(xq "$R" "$P[@framework='en18031'][@ref='AUM-5-1']/@verdict")"
assert_eq "NIST cybersecurity state awareness: nothing maps to it, NOT_RUN" NOT_RUN \
	"$(xq "$R" "$P[@framework='nist-ir-8259a'][@ref='cybersecurity-state-awareness']/@verdict")"
assert_eq "NIST device identification: only the case mapped to it directly (5.6-2's)" \
	"0 $(verdict "$R" IOT-5.6-2-UNAUTHENTICATED-DISCLOSURE)" \
	"$(xq "$R" "count($P[@framework='nist-ir-8259a'][@ref='device-identification']/*[local-name()='source'])") $(xq "$R" "$P[@framework='nist-ir-8259a'][@ref='device-identification']/@verdict")"
assert_eq "category 5.1 rolls up to FAIL" FAIL \
	"$(xq "$R" "//*[local-name()='category'][@framework='en303645'][@edition='2.1.1'][@ref='5.1']/@verdict")"
assert_eq "category 5.7 (nothing assessed) NOT_RUN" NOT_RUN \
	"$(xq "$R" "//*[local-name()='category'][@framework='en303645'][@edition='2.1.1'][@ref='5.7']/@verdict")"
assert_eq "a provision carries its status" "M C (1)" \
	"$(xq "$R" "$P[@framework='en303645'][@edition='2.1.1'][@ref='5.1-1']/@status")"
assert_eq "the six included framework files, hashed" 6 \
	"$(xq "$R" "count(//*[local-name()='scheme']/*[local-name()='framework'])")"
f=$(xq "$R" "//*[local-name()='scheme']/*[local-name()='framework'][@name='uk-psti']/@file")
assert_eq "... each with its file's SHA-256" "$(sha256sum "$f" | cut -d' ' -f1)" \
	"$(xq "$R" "//*[local-name()='scheme']/*[local-name()='framework'][@name='uk-psti']/@sha256")"
C=IOT-5.6-1-1-CONCEPTUAL
assert_eq "the conceptual case takes the assessor's verdict" FAIL "$(verdict "$R" $C)"
assert_eq "... with who decided, when and on what" "A. Assessor, Example Lab|2026-11-27|refdev-weak.yaml interfaces; design review 2026-11-26" \
	"$(xq "$R" "//*[local-name()='testcase'][@id='$C']//*[local-name()='field'][@name='assessor']")|$(xq "$R" "//*[local-name()='testcase'][@id='$C']//*[local-name()='field'][@name='assessed_on']")|$(xq "$R" "//*[local-name()='testcase'][@id='$C']//*[local-name()='field'][@name='evidence_reference']")"
assert_eq "the decisions file is recorded with its hash" "$(sha256sum tests/data/decisions/refdev.yaml | cut -d' ' -f1)" \
	"$(xq "$R" "//*[local-name()='file'][@role='decisions']/@sha256")"
assert_eq "the credential lists the cases tried are recorded with their hashes" \
	"2 $(sha256sum testcases/credentials/universal.txt | cut -d' ' -f1)" \
	"$(xq "$R" "count(//*[local-name()='file'][@role='credentials'])") $(xq "$R" "//*[local-name()='file'][@role='credentials'][contains(@path, 'universal.txt')]/@sha256")"
libs=$(xq "$R" "count(//*[local-name()='library'])")
[ "$libs" -ge 7 ] && ok "library versions recorded ($libs)" || bad "only $libs library versions"
assert_eq "the ICS of the weak profile is justified: 4-1-1 PASS" PASS "$(verdict "$R" IOT-4-1-1-ICS-JUSTIFICATION)"
grep -q "^Schemes:" "$T/weak.log" && ok "console summary has the scheme verdicts" || bad "no Schemes: block on the console"
grep -Eq "^  uk-psti +NOT_COMPLIANT +Sch.1-1 FAIL" "$T/weak.log" && ok "console: uk-psti NOT_COMPLIANT Sch.1-1 FAIL" ||
	bad "console line for uk-psti: $(grep uk-psti "$T/weak.log" | head -2)"
grep -Eq "^  sg-cls +NOT_COMPLIANT +level none" "$T/weak.log" && ok "console: sg-cls level none" || bad "console line for sg-cls"

echo "== hardened device: PSTI COMPLIANT once every requirement PASSes"
{
	sed -n '/^device:/,$p' tests/data/profiles/pq-good.yaml
	echo "user-info:"
	echo "  vulnerability-disclosure: https://$NET.2:8443/security-policy"
	echo "  support-period: https://$NET.2:8443/support"
} >"$T/psti.yaml"
"$BUILD/iotcert" run --no-capture --udp none --ports $PORTS --target $NET.2 --dut "$T/psti.yaml" \
	--select 'IOT-5.1-1-*,IOT-5.1-2-*,IOT-5.2-1-*,IOT-5.3-13-*' --out "$T/psti" >"$T/psti.log" 2>&1
assert_eq "exit code 0 (no FAIL)" 0 $?
R=$T/psti/report.xml
valid "$T/psti"
assert_eq "the password list password-quality reads is recorded" \
	"$(sha256sum testcases/credentials/common-passwords.txt | cut -d' ' -f1)" \
	"$(xq "$R" "//*[local-name()='file'][@role='credentials'][contains(@path, 'common-passwords.txt')]/@sha256")"
assert_eq "Sch.1-1, -2, -3 all PASS" "PASS PASS PASS" \
	"$(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-1']/@verdict") $(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-2']/@verdict") $(xq "$R" "$P[@framework='uk-psti'][@ref='Sch.1-3']/@verdict")"
assert_eq "UK PSTI: COMPLIANT" "COMPLIANT|all 3 PASS or NOT_APPLICABLE" \
	"$(xq "$R" "$S[@framework='uk-psti']/@verdict")|$(xq "$R" "$S[@framework='uk-psti']/*[local-name()='reason']")"
assert_eq "EN 303 645 stays INCOMPLETE: most mandatory provisions were not assessed" INCOMPLETE \
	"$(xq "$R" "$S[@framework='en303645']/@verdict")"
assert_eq "SG CLS Level 1 needs more than PSTI: no level yet, INCOMPLETE" "none INCOMPLETE" \
	"$(xq "$R" "$S[@framework='sg-cls']/@level") $(xq "$R" "$S[@framework='sg-cls']/@verdict")"
grep -Eq "^  uk-psti +COMPLIANT " "$T/psti.log" && ok "console: uk-psti COMPLIANT" || bad "console: $(grep uk-psti "$T/psti.log")"

echo "== without a decisions file the conceptual case needs an assessor"
"$BUILD/iotcert" run -q --no-capture --udp none --ports 2323 --target $NET.1 \
	--select IOT-5.6-1-1-CONCEPTUAL --out "$T/nodec" >"$T/nodec.log" 2>&1
assert_eq "NOT_RUN" NOT_RUN "$(verdict "$T/nodec/report.xml" $C)"
assert_eq "... requires an assessor" "conceptual test case: requires an assessor's decision (--decisions FILE)" \
	"$(xq "$T/nodec/report.xml" "//*[local-name()='testcase'][@id='$C']/*[local-name()='reason']")"

echo "== every TS 103 701 conceptual test case is listed, decided or awaiting an assessor"
"$BUILD/iotcert" run -q --no-capture --udp none --ports 8443 --target $NET.2 \
	--dut profiles/devices/refdev-hardened.yaml --decisions tests/data/decisions/ts-conceptual.yaml \
	--select 'TS103701-*' --out "$T/tsc" >"$T/tsc.log" 2>&1
assert_eq "exit code 1 (an assessor's FAIL)" 1 $?
R=$T/tsc/report.xml
valid "$T/tsc"
TC="//*[local-name()='testcase']"
assert_eq "61 conceptual cases of the scheme with no case file (63 less 4-1-1 and 5.6-1-1)" 61 \
	"$(xq "$R" "count($TC[@assessment='conceptual'][starts-with(@id, 'TS103701-')])")"
assert_eq "the decided ones take the assessor's verdicts" "PASS FAIL" \
	"$(verdict "$R" TS103701-5.2-2-1) $(verdict "$R" TS103701-5.3-8-1)"
assert_eq "... with who decided" "A. Assessor, Example Lab" \
	"$(xq "$R" "$TC[@id='TS103701-5.2-2-1']//*[local-name()='field'][@name='assessor']")"
assert_eq "a justified ICS N/A makes one NOT_APPLICABLE, quoted" \
	"NOT_APPLICABLE|ICS marks 5.6-4 not applicable: \"the device has no physically accessible debug interface\"" \
	"$(verdict "$R" TS103701-5.6-4-1)|$(xq "$R" "$TC[@id='TS103701-5.6-4-1']/*[local-name()='reason']")"
assert_eq "the rest await an assessor: NOT_RUN" 58 "$(xq "$R" "count($TC[@verdict='NOT_RUN'])")"
assert_eq "the TS and EN 303 645 roll-ups take them in" "PASS PASS FAIL NOT_RUN" \
	"$(xq "$R" "$P[@framework='ts103701'][@ref='5.2-2-1']/@verdict") $(xq "$R" "$P[@framework='en303645'][@ref='5.2-2']/@verdict") $(xq "$R" "$P[@framework='en303645'][@ref='5.3-8']/@verdict") $(xq "$R" "$P[@framework='en303645'][@ref='5.1-1']/@verdict")"
assert_eq "each maps to its test case and its group's provision, titled from the TS data" \
	"5.3-10-1 5.3-10 TS 103 701 5.3-10-1 (conceptual): Updates delivered over a network interface verified (authenticity+integrity) via a trust relationship" \
	"$(xq "$R" "$TC[@id='TS103701-5.3-10-1']//*[local-name()='map'][@framework='ts103701']/@ref") $(xq "$R" "$TC[@id='TS103701-5.3-10-1']//*[local-name()='map'][@framework='en303645']/@ref") $(xq "$R" "$TC[@id='TS103701-5.3-10-1']/*[local-name()='title']")"

echo "== a decision for a functional case is refused before the run"
"$BUILD/iotcert" run -q --no-capture --ports 2323 --target $NET.1 \
	--decisions tests/data/decisions/refdev-bad.yaml --out "$T/baddec" >"$T/baddec.log" 2>&1
assert_eq "exit code 2" 2 $?
grep -q "refdev-bad.yaml:2:11: error: case 'IOT-5.6-1-SERVICES-DECLARED' is functional" "$T/baddec.log" &&
	ok "error names file:line:col" || bad "error: $(head -3 "$T/baddec.log")"
[ ! -e "$T/baddec" ] && ok "nothing written" || bad "an output directory was created"

echo "== an ICS with an unjustified N and an N/A without a condition"
"$BUILD/iotcert" run -q --no-capture --udp none --ports 2323,8080 --target $NET.1 \
	--dut tests/data/profiles/ics-unjustified.yaml --select IOT-4-1-1-ICS-JUSTIFICATION,IOT-5.6-2-* \
	--out "$T/ics" >"$T/ics.log" 2>&1
R=$T/ics/report.xml
valid "$T/ics"
assert_eq "4-1-1 FAILs" FAIL "$(verdict "$R" IOT-4-1-1-ICS-JUSTIFICATION)"
assert_eq "... naming the unjustified N" "ICS entries marked N or N/A without a justification: 5.6-3 N" \
	"$(xq "$R" "//*[local-name()='testcase'][@id='IOT-4-1-1-ICS-JUSTIFICATION']/*[local-name()='reason']")"
assert_eq "... and the N/A not allowed" "5.6-2" \
	"$(xq "$R" "//*[local-name()='testcase'][@id='IOT-4-1-1-ICS-JUSTIFICATION']//*[local-name()='field'][@name='na_not_allowed']/*[1]")"
assert_eq "the ICS's N/A for unconditional 5.6-2 is not taken: the case runs" FAIL \
	"$(verdict "$R" IOT-5.6-2-UNAUTHENTICATED-DISCLOSURE)"
assert_eq "TS 103 701 4-1-1 rolls up to FAIL" FAIL "$(xq "$R" "$P[@framework='ts103701'][@ref='4-1-1']/@verdict")"
assert_eq "5.6-4 (conditional, justified) is NOT_APPLICABLE with the ICS's words" \
	"NOT_APPLICABLE|no debug interface is physically accessible" \
	"$(xq "$R" "$P[@framework='en303645'][@edition='2.1.1'][@ref='5.6-4']/@verdict")|$(xq "$R" "$P[@framework='en303645'][@edition='2.1.1'][@ref='5.6-4']/*[local-name()='justification']")"
assert_eq "5.6-2's roll-up says why the N/A was not taken" \
	"the ICS marks 5.6-2 N/A, but its status (M) has no condition or feature: N/A is not allowed" \
	"$(xq "$R" "$P[@framework='en303645'][@edition='2.1.1'][@ref='5.6-2']/*[local-name()='note']")"

echo "== init-profile from the run's inventory"
"$BUILD/iotcert" init-profile --from "$T/weak" -o "$T/tmpl.yaml" 2>"$T/init.log"
assert_eq "exit code 0" 0 $?
"$BUILD/iotcert" check "$T/tmpl.yaml" >"$T/check.log" 2>&1
assert_eq "the template loads as written" 0 $?
assert_eq "it lists the five services found" 5 "$(grep -c '^  - {transport: tcp, port: ' "$T/tmpl.yaml")"
grep -q '^  - {transport: tcp, port: 9999, protocol: debug-shell, purpose: FILL-IN}' "$T/tmpl.yaml" &&
	ok "... each with its protocol" || bad "no debug-shell line"
assert_eq "one ICS line per EN 303 645 V2.1.1 provision" 68 "$(grep -c '^#   - {ref: ' "$T/tmpl.yaml")"
"$BUILD/iotcert" init-profile --from "$T/weak" -o "$T/tmpl.yaml" 2>"$T/init2.log"
assert_eq "an existing file is not replaced (exit 2)" 2 $?
grep -q "use --force" "$T/init2.log" && ok "... and the message says how" || bad "message: $(cat "$T/init2.log")"
"$BUILD/iotcert" init-profile --from "$T/nodir" >/dev/null 2>"$T/init3.log"
assert_eq "a missing run directory is exit 2" 2 $?

finish schemes
