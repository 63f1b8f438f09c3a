#!/bin/sh
# report.html end to end: a real run against the weak reference device, the
# page rendered by headless Chromium (DOM dump and screenshot) and checked
# against report.xml by tests/lib/html_check.py; then a run whose data
# directory has no stylesheet still writes the other formats and names the
# path it tried.  Skipped (with a message) only when Chromium is missing.
# KEEP=1 keeps the scratch directory (reports, DOM dump, screenshot).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh

NET=${IOTCERT_TEST_NET_HTML:-127.0.64}
PORTS=1883,2323,8080,8443,8883,9999
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "html.sh: skipped: chromium is not installed (scripts/deps.sh installs it)"
	exit 0
fi
T=$(mktemp -d)
PID=""
trap 'refdev_stop "$PID"; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM

# Headless, with its own profile, and no way out but loopback: the page must
# need nothing from the network, and the test must not reach it either.
browse() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chrome" --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-default-apps \
		--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost" \
		--proxy-server=127.0.0.1:9 --window-size=1280,2000 "$@" 2>>"$T/chrome.log"
}

refdev_start $NET.1 weak "$T/weak.ready" || exit 1
PID=$REFDEV_PID

echo "== weak reference device: report.html"
"$BUILD/iotcert" run -q --ports $PORTS --target $NET.1 --dut profiles/devices/refdev-weak.yaml \
	--exclude brute-force --out "$T/weak" >"$T/weak.log" 2>&1
assert_eq "exit code 1 (FAIL verdicts)" 1 $?
R=$T/weak
[ -s "$R/report.html" ] && ok "report.html written" || bad "no report.html: $(tail -3 "$T/weak.log")"
left=$(ls -A "$R" | grep -e '\.tmp$' -e '\.xml-' | tr '\n' ' ')
assert_eq "no temporary files left beside the reports" "" "$left"
head -c 15 "$R/report.html" | grep -qi '^<!DOCTYPE html>' && ok "HTML5 doctype" || bad "doctype: $(head -c 40 "$R/report.html")"

browse --dump-dom "file://$R/report.html" >"$T/dom.html"
[ -s "$T/dom.html" ] && ok "chromium rendered the page" || bad "chromium dumped nothing: $(tail -3 "$T/chrome.log")"
browse --screenshot="$T/shot.png" "file://$R/report.html" >/dev/null
# Printed (the @media print rules): a PDF of several pages.
browse --print-to-pdf="$T/report.pdf" "file://$R/report.html" >/dev/null
pages=$(grep -ac '/Type */Page\b' "$T/report.pdf" 2>/dev/null)
[ "$(head -c 5 "$T/report.pdf" 2>/dev/null)" = "%PDF-" ] && [ "${pages:-0}" -gt 1 ] &&
	ok "prints to a PDF ($pages pages)" || bad "print to PDF failed: $(tail -3 "$T/chrome.log")"
python3 tests/lib/html_check.py "$R/report.xml" "$T/dom.html" "$R" "$T/shot.png" >"$T/check.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"bad "*) bad "${line#bad }" ;;
	*) bad "html_check.py: $line" ;;
	esac
done <"$T/check.out"
assert_eq "a FAIL case shown as FAIL" 1 \
	"$(grep -c 'class="tc v-FAIL" data-id="IOT-5.5-1-CLEARTEXT-LOGIN@tcp/2323"' "$T/dom.html")"

echo "== no stylesheet in the data directory"
# A data directory with the case files and profiles but no reports/.
mkdir -p "$T/data"
ln -s "$PWD/testcases" "$T/data/testcases"
ln -s "$PWD/profiles" "$T/data/profiles"
IOTCERT_DATA=$T/data "$BUILD/iotcert" run -q --ports 2323 --target $NET.1 \
	--dut profiles/devices/refdev-weak.yaml --select IOT-5.5-4-UNAUTHENTICATED-SHELL \
	--out "$T/nosheet" >"$T/nosheet.log" 2>&1
rc=$?
assert_eq "the failed report format is not silent: exit 3 (output incomplete)" 3 "$rc"
grep -q "$T/data/reports/iotcert-report.xsl" "$T/nosheet.log" &&
	ok "the error names the stylesheet path tried" || bad "error: $(cat "$T/nosheet.log" | head -3)"
[ -s "$T/nosheet/report.xml" ] && [ -s "$T/nosheet/junit.xml" ] &&
	ok "report.xml and junit.xml written all the same" || bad "other formats missing: $(ls "$T/nosheet")"
[ ! -e "$T/nosheet/report.html" ] && ok "no report.html" || bad "a report.html without a stylesheet"
xmllint --noout --schema reports/iotcert-report.xsd "$T/nosheet/report.xml" 2>/dev/null &&
	ok "that report.xml validates" || bad "that report.xml does not validate"

finish html
