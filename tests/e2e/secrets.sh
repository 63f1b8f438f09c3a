#!/bin/sh
# End-to-end: the secrets a DUT profile hands the harness (the unit's own
# passwords, used by the brute-force probe to log in, and the password
# samples of other units) never reach the report, the JUnit file, the
# transcripts, the terminal or a later `iotcert analyze` of the capture.
# The capture itself is evidence of what crossed the wire and is left out.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh
NET=${IOTCERT_TEST_NET_SECRETS:-127.0.32}
T=$(mktemp -d)
H=""
trap 'refdev_stop "$H"; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM

ADMIN_PW='Adm1n-SECRET-9f3K'
MQTT_PW='Mq-SECRET-77xQ'
SAMPLE1='Smpl-SECRET-a81'
SAMPLE2='Smpl-SECRET-b92'
refdev_start $NET.1 hardened "$T/h.ready" --admin-password "$ADMIN_PW" \
	--mqtt-password "$MQTT_PW" --lockout 5:2 || exit 1
H=$REFDEV_PID

cat >"$T/dut.yaml" <<YAML
device:
  manufacturer: RefDev Ltd
  model: RD-100H
  hardware-version: "B"
  software-version: "2.0.0"
  serial: RD100H-000077
interfaces:
  - {transport: tcp, port: 8443, protocol: https, status: enabled, purpose: "web administration over TLS", discloses: [product-version]}
  - {transport: tcp, port: 8883, protocol: mqtts, status: enabled, purpose: "telemetry over TLS"}
credentials:
  - {user: admin, password: "$ADMIN_PW", kind: unique, service: https}
  - {user: device, password: "$MQTT_PW", kind: unique, service: mqtts}
password-samples:
  - {serial: RD100H-000078, password: "$SAMPLE1"}
  - {serial: RD100H-000079, password: "$SAMPLE2"}
brute-force:
  - {service: https, mechanism: lockout, attempts: 5, duration: 2s}
  - {service: mqtts, mechanism: lockout, attempts: 5, duration: 2s}
YAML

leaks() {	# leaks WHAT FILE...: names the secrets found in the files
	_what=$1; shift
	_found=""
	for s in "$ADMIN_PW" "$MQTT_PW" "$SAMPLE1" "$SAMPLE2"; do
		grep -rqF -- "$s" "$@" 2>/dev/null && _found="$_found $s"
	done
	[ -z "$_found" ] && ok "no secret in $_what" || bad "secrets in $_what:$_found"
}

echo "== a run that logs in with the unit's own passwords"
# Progress and the summary on, so the terminal output is what a lab sees.
"$BUILD/iotcert" run --no-color --udp none --ports 8443,8883 --target $NET.1 \
	--dut "$T/dut.yaml" --out "$T/run" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -le 1 ] && ok "run completes (exit $rc)" || bad "run exit $rc: $(tail -3 "$T/stderr")"
R=$T/run/report.xml
# The secrets were really used, or the checks below prove nothing: the
# broker's silent lockout is told apart by logging in with the real password,
# the web lockout is watched until the real password is let in again.
bf() { xq "$R" "//*[local-name()='testcase'][@id='IOT-5.1-5-BRUTE-FORCE@tcp/$1']//*[local-name()='field'][@name='$2']"; }
case "$(bf 8883 right_password)" in
accepted|refused) ok "the broker's real password was tried ($(bf 8883 right_password))" ;;
*) bad "the broker's real password was not tried: $(bf 8883 right_password)" ;;
esac
assert_eq "the web lockout was watched to its end with the real password" true "$(bf 8443 lockout_ended)"
n=$(xq "$R" "count(//*[local-name()='testcase'][@case='IOT-5.1-2-PASSWORD-QUALITY']//*[local-name()='field'])")
[ "${n:-0}" -gt 0 ] && ok "the password samples were judged ($n fields)" || bad "password quality did not run"
leaks "report.xml" "$R"
leaks "junit.xml" "$T/run/junit.xml"
leaks "the terminal (stdout and stderr)" "$T/stdout" "$T/stderr"
find "$T/run" -type f ! -name '*.pcap' ! -name '*.pcapng' >"$T/files"
leaks "any output file but the pcaps ($(wc -l <"$T/files") files)" $(cat "$T/files")

if [ -f "$T/run/evidence/run.pcap" ]; then
	echo "== analyze of the run's capture"
	"$BUILD/iotcert" analyze "$T/run/evidence/run.pcap" --dut $NET.1 --out "$T/an" \
		>"$T/an.out" 2>&1
	leaks "analyze's report and terminal" "$T/an" "$T/an.out"
fi

echo "== diagnostics about a credential entry"
sed 's/kind: unique, service: https/kind: bogus, service: https/' "$T/dut.yaml" >"$T/bad.yaml"
"$BUILD/iotcert" check "$T/bad.yaml" >"$T/check.out" 2>&1
assert_eq "a mistake in a credential entry is an error" 2 $?
grep -q "bad.yaml:[0-9]*:[0-9]*: error: kind must be unique or default" "$T/check.out" &&
	ok "the error names file:line:col" || bad "check output: $(cat "$T/check.out")"
leaks "check's diagnostics" "$T/check.out"

finish secrets
