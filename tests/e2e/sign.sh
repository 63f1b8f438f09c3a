#!/bin/sh
# End-to-end: sealing report directories.  A real `iotcert run --sign`
# against the reference device, then `iotcert verify` must pass and must
# name every change: a byte flipped in report.xml and in each capture, a
# deleted evidence file, an added file, a corrupted signature, another
# signer's key.  Keys come from the openssl CLI; an RSA, an encrypted, a
# public-only and an unreadable key are refused before any traffic.  The
# signature is also checked with openssl alone, and an interrupted run and
# its --resume are sealed too.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/lib/refdev.sh

NET=${IOTCERT_TEST_NET_SIGN:-127.0.62}
# Explicit ports: this host has services of its own on every address.
PORTS=1883,2323,8080,8443,8883,9999
T=$(mktemp -d)
chmod 755 "$T"	# the run drops to nobody, who must reach its output directory
DEV=""
trap 'refdev_stop "$DEV"; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM
IC="$BUILD/iotcert"

# Cases by file, so an edit elsewhere in testcases/ cannot break this suite.
mkdir -p "$T/cases"
for f in iot-5.5-1-cleartext-login iot-5.1-1-default-credentials iot-5.5-4-unauthenticated-shell \
    iot-5.6-1-services-declared iot-5.5-1-capture-cleartext; do
	cp "testcases/$f.yaml" "$T/cases/"
done
RUNARGS="--no-color --ports $PORTS --udp none --target $NET.1 --cases $T/cases --dut profiles/devices/refdev-weak.yaml"

K=$T/keys
mkdir -m 700 "$K"
openssl genpkey -algorithm ed25519 -out "$K/ed.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K/p256.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:lab-secret -out "$K/enc.pem" 2>/dev/null
for k in ed p256 rsa; do openssl pkey -in "$K/$k.pem" -pubout -out "$K/$k.pub" 2>/dev/null; done
chmod 600 "$K"/*.pem
[ -s "$K/ed.pem" ] && [ -s "$K/p256.pem" ] && [ -s "$K/rsa.pem" ] && [ -s "$K/enc.pem" ] &&
	ok "keys made with openssl" || { bad "openssl could not make the keys"; finish sign; exit 1; }
FPR=$(openssl pkey -in "$K/ed.pem" -pubout -outform DER | sha256sum | cut -d' ' -f1)

refdev_start $NET.1 weak "$T/dev.ready" || exit 1
DEV=$REFDEV_PID

# flip FILE [OFFSET]: xor one byte (default: the middle one) with 0x01
flip() {
	python3 - "$1" "${2:-}" <<'PY'
import sys
p, off = sys.argv[1], sys.argv[2]
b = bytearray(open(p, 'rb').read())
i = int(off) if off else len(b) // 2
b[i] ^= 1
open(p, 'wb').write(bytes(b))
PY
}

# verify_named WHAT DIR PATTERN [ARGS]: verify fails (exit 1) with a line matching PATTERN
verify_named() {
	_what=$1; _dir=$2; _pat=$3; shift 3
	"$IC" verify "$_dir" "$@" >"$T/v.out" 2>"$T/v.err"
	_rc=$?
	if [ $_rc -eq 1 ] && grep -q -- "$_pat" "$T/v.out" && tail -1 "$T/v.out" | grep -q '^FAILED: '; then
		ok "$_what: exit 1, '$(grep -- "$_pat" "$T/v.out" | head -1 | cut -c1-90)'"
	else
		bad "$_what: exit $_rc, wanted a line matching '$_pat': $(head -5 "$T/v.out" "$T/v.err" | tr '\n' ' ')"
	fi
}

verify_ok() {	# verify_ok WHAT DIR [ARGS]
	_what=$1; _dir=$2; shift 2
	"$IC" verify "$_dir" "$@" >"$T/v.out" 2>"$T/v.err"
	_rc=$?
	if [ $_rc -eq 0 ] && tail -1 "$T/v.out" | grep -q '^verified: '; then ok "$_what"
	else bad "$_what: exit $_rc: $(head -5 "$T/v.out" "$T/v.err" | tr '\n' ' ')"; fi
}

echo "== keys that cannot sign are refused before anything happens"
refused() {	# refused WHAT KEY PATTERN
	rm -rf "$T/refused"
	t0=$(date +%s%N)
	"$IC" run $RUNARGS --sign "$2" --out "$T/refused" >"$T/refused.log" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	assert_eq "$1: exit 2" 2 $rc
	grep -q -- "$3" "$T/refused.log" && ok "$1: the message says '$3'" ||
		bad "$1: message: $(cat "$T/refused.log")"
	[ ! -e "$T/refused" ] && ok "$1: no output directory created (${ms} ms)" ||
		bad "$1: $T/refused was created: $(ls -R "$T/refused" | head -5)"
	grep -q "open service" "$T/refused.log" && bad "$1: discovery ran" || ok "$1: no discovery ran"
}
refused "RSA key" "$K/rsa.pem" "RSA keys are not supported"
refused "encrypted key" "$K/enc.pem" "encrypted"
refused "public key only" "$K/ed.pub" "public key"
refused "missing key" "$K/none.pem" "No such file"
"$IC" sign "$T/cases" --key "$K/rsa.pem" >"$T/s.log" 2>&1
assert_eq "iotcert sign with an RSA key: exit 2" 2 $?
[ ! -e "$T/cases/MANIFEST" ] && ok "... nothing written" || bad "an RSA key wrote a MANIFEST"
"$IC" sign "$T/cases" --key "$K/enc.pem" >"$T/s.log" 2>&1
assert_eq "iotcert sign with an encrypted key: exit 2" 2 $?
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -m 1777 "$T/nob"
	cp "$K/ed.pem" "$T/nob/root-only.pem"; chmod 600 "$T/nob/root-only.pem"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$IC" run $RUNARGS --no-capture \
		--sign "$T/nob/root-only.pem" --out "$T/nob/out" >"$T/nob.log" 2>&1
	assert_eq "a key the user cannot read: exit 2" 2 $?
	grep -q "Permission denied" "$T/nob.log" && ok "... saying permission denied" ||
		bad "unreadable key: $(cat "$T/nob.log")"
	[ ! -e "$T/nob/out" ] && ok "... no output directory" || bad "unreadable key: output created"
fi

echo "== run --sign: a root-only key, privileges dropped, the directory sealed"
W=$T/w
mkdir -m 1777 "$W"
USERARG=""
[ "$(id -u)" = 0 ] && USERARG="--user nobody"
"$IC" run $RUNARGS $USERARG --sign "$K/ed.pem" --out "$W/run" >"$T/run.log" 2>&1
rc=$?
assert_eq "the run completes with its verdicts (exit 1: FAIL verdicts)" 1 $rc
R=$W/run
valid "$R"
grep -q "^signed: .*MANIFEST" "$T/run.log" && ok "run says it signed: $(grep '^signed:' "$T/run.log" | cut -c1-80)" ||
	bad "no 'signed:' line: $(tail -5 "$T/run.log")"
[ -s "$R/MANIFEST" ] && [ -s "$R/MANIFEST.sig" ] && ok "MANIFEST and MANIFEST.sig written" ||
	bad "no MANIFEST/MANIFEST.sig"
[ "$(id -u)" = 0 ] && assert_eq "report written as nobody (privileges dropped before signing)" \
	"$(id -u nobody)" "$(stat -c %u "$R/report.xml")"
assert_eq "the manifest names the key's fingerprint" "$FPR" "$(sed -n 's/^# key-sha256: //p' "$R/MANIFEST")"
assert_eq "the manifest names the algorithm" ed25519 "$(sed -n 's/^# algorithm: //p' "$R/MANIFEST")"
grep -q '^# signed: [0-9-]*T[0-9:]*Z$' "$R/MANIFEST" && ok "signing time in UTC" || bad "no UTC signing time"
nfiles=$(find "$R" -type f ! -name MANIFEST ! -name MANIFEST.sig | wc -l)
assert_eq "every file listed" "$nfiles" "$(grep -vc '^#' "$R/MANIFEST")"
assert_eq "'# files:' agrees" "$nfiles" "$(sed -n 's/^# files: //p' "$R/MANIFEST")"
(cd "$R" && grep -v '^#' MANIFEST | awk '{ print $1 "  " $3 }' | sha256sum -c --quiet >/dev/null 2>&1) &&
	ok "sha256sum agrees with every listed hash" || bad "sha256sum disagrees with the manifest"
base64 -d "$R/MANIFEST.sig" >"$T/sig.bin"
openssl pkeyutl -verify -pubin -inkey "$K/ed.pub" -rawin -in "$R/MANIFEST" -sigfile "$T/sig.bin" \
	>/dev/null 2>&1 && ok "openssl alone verifies MANIFEST.sig" || bad "openssl does not verify MANIFEST.sig"

echo "== a seal that fails after the run keeps the report"
mkdir -p "$T/fail"
ln -s /etc/hostname "$T/fail/stray-link"	# sealing refuses links: it must fail
"$IC" run $RUNARGS --sign "$K/ed.pem" --out "$T/fail" >"$T/fail.log" 2>&1
assert_eq "the report is written but cannot be sealed: exit 3" 3 $?
grep -q "NOT signed.*stray-link" "$T/fail.log" && ok "... saying so, naming the link" ||
	bad "failed seal: $(tail -3 "$T/fail.log")"
valid "$T/fail"
[ ! -e "$T/fail/MANIFEST" ] && ok "... and no MANIFEST written" || bad "a MANIFEST was written"

echo "== verify"
verify_ok "verify --pubkey: exit 0" "$R" --pubkey "$K/ed.pub"
verify_ok "verify with the embedded key: exit 0" "$R"
grep -q "^note: .*embedded.*$FPR.*not who signed" "$T/v.out" &&
	ok "without --pubkey: says it proves integrity only, with the fingerprint" ||
	bad "no integrity-only note: $(cat "$T/v.out")"
verify_ok "verify --pubkey with the private key file: exit 0" "$R" --pubkey "$K/ed.pem"

cp -a "$R" "$T/pristine"
restore() { rm -rf "$R"; cp -a "$T/pristine" "$R"; }

flip "$R/report.xml"
verify_named "a byte flipped in report.xml" "$R" '^altered: report.xml: SHA-256 differs' --pubkey "$K/ed.pub"
restore
verify_ok "restored: exit 0" "$R" --pubkey "$K/ed.pub"
npcap=0
for p in $(cd "$R" && find . -name '*.pcap' | sed 's|^\./||' | sort); do
	npcap=$((npcap + 1))
	flip "$R/$p" 100
	verify_named "a byte flipped in $p" "$R" "^altered: $p: SHA-256 differs" --pubkey "$K/ed.pub"
	restore
done
if [ "$(id -u)" = 0 ]; then
	[ "$npcap" -gt 1 ] && ok "$npcap captures checked" || bad "only $npcap capture files"
fi
flip "$R/junit.xml" 0
verify_named "a byte flipped in junit.xml, embedded key" "$R" '^altered: junit.xml'
restore
ev=$(cd "$R" && find evidence -name '*.txt' | sort | head -1)
if [ -n "$ev" ]; then
	rm "$R/$ev"
	verify_named "a deleted evidence file" "$R" "^missing: $ev" --pubkey "$K/ed.pub"
	restore
else
	bad "no transcript in evidence/"
fi
echo "added" >"$R/evidence/added.txt"
verify_named "an added file" "$R" '^unlisted: evidence/added.txt' --pubkey "$K/ed.pub"
rm "$R/evidence/added.txt"
ln -s /etc/passwd "$R/evidence/link"
verify_named "an added symbolic link" "$R" '^unlisted: evidence/link: .*symbolic link' --pubkey "$K/ed.pub"
rm "$R/evidence/link"
truncate -s -1 "$R/report.xml"
verify_named "a truncated report.xml" "$R" '^altered: report.xml: .* bytes, listed with' --pubkey "$K/ed.pub"
restore
flip "$R/MANIFEST.sig" 5
verify_named "a corrupted MANIFEST.sig" "$R" '^signature: ' --pubkey "$K/ed.pub"
restore
flip "$R/MANIFEST.sig" 5
verify_named "a corrupted MANIFEST.sig, embedded key" "$R" '^signature: '
restore
# A forger who edits a hash in MANIFEST and keeps the old signature.
c=$(sed -n '10s/^\(.\).*/\1/p' "$R/MANIFEST")
[ "$c" = 0 ] && c=1 || c=0
sed -i "10s/^./$c/" "$R/MANIFEST"
verify_named "an edited MANIFEST line" "$R" '^signature: ' --pubkey "$K/ed.pub"
restore
printf 'garbage line\n' >>"$R/MANIFEST"
verify_named "a malformed MANIFEST line, named by number" "$R" \
	"^manifest: MANIFEST line $(($(wc -l <"$T/pristine/MANIFEST") + 1)): " --pubkey "$K/ed.pub"
restore
verify_named "another signer's --pubkey" "$R" '^key: the manifest was signed with key' --pubkey "$K/p256.pub"
grep -q '^signature: ' "$T/v.out" && ok "... and the signature does not verify with it" ||
	bad "other key: $(cat "$T/v.out")"
"$IC" verify "$R" --pubkey "$K/rsa.pub" >/dev/null 2>"$T/v.err"
assert_eq "verify --pubkey with an RSA key: exit 2" 2 $?
"$IC" verify "$T/nowhere" >/dev/null 2>&1
assert_eq "verify of a missing directory: exit 2" 2 $?
"$IC" verify "$T/cases" >/dev/null 2>&1
assert_eq "verify of an unsigned directory: exit 2" 2 $?
"$IC" verify >/dev/null 2>&1
assert_eq "verify without a directory: exit 2" 2 $?

echo "== iotcert sign on an existing run directory"
"$IC" sign "$R" --key "$K/p256.pem" >"$T/s.log" 2>&1
assert_eq "re-sign with a P-256 key: exit 0" 0 $?
assert_eq "ECDSA P-256 is named" ecdsa-p256-sha256 "$(sed -n 's/^# algorithm: //p' "$R/MANIFEST")"
verify_ok "verify --pubkey p256: exit 0" "$R" --pubkey "$K/p256.pub"
verify_named "the old key no longer matches" "$R" '^key: ' --pubkey "$K/ed.pub"
base64 -d "$R/MANIFEST.sig" >"$T/sig.bin"
openssl dgst -sha256 -verify "$K/p256.pub" -signature "$T/sig.bin" "$R/MANIFEST" >/dev/null 2>&1 &&
	ok "openssl dgst -sha256 verifies the ECDSA signature" || bad "openssl does not verify the ECDSA signature"
cp -a "$T/pristine" "$T/unsigned"
rm "$T/unsigned/MANIFEST" "$T/unsigned/MANIFEST.sig"
"$IC" sign "$T/unsigned" --key "$K/ed.pem" >"$T/s.log" 2>&1
assert_eq "sign an unsigned run directory: exit 0" 0 $?
verify_ok "... then verify passes" "$T/unsigned" --pubkey "$K/ed.pub"
assert_eq "... listing the same files as run --sign did" \
	"$(grep -v '^#' "$T/pristine/MANIFEST")" "$(grep -v '^#' "$T/unsigned/MANIFEST")"
ln -s ../report.xml "$T/unsigned/evidence/link"
"$IC" sign "$T/unsigned" --key "$K/ed.pem" >"$T/s.log" 2>&1
assert_eq "sign refuses a tree holding a symbolic link: exit 1" 1 $?
grep -q "evidence/link" "$T/s.log" && ok "... naming it" || bad "symlink refusal: $(cat "$T/s.log")"
rm "$T/unsigned/evidence/link"
touch "$T/unsigned/evidence/bad
name"
"$IC" sign "$T/unsigned" --key "$K/ed.pem" >"$T/s.log" 2>&1
assert_eq "sign refuses a file name with a newline: exit 1" 1 $?
grep -q 'bad\\x0aname' "$T/s.log" && ok "... naming it, escaped" || bad "newline refusal: $(cat "$T/s.log")"
rm "$T/unsigned/evidence/bad
name"
verify_ok "the refused signings left the earlier seal as it was" "$T/unsigned" --pubkey "$K/ed.pub"

echo "== an interrupted run is sealed, and its --resume"
# SIGINT once discovery is over: the cases (the brute-force measurement
# last, alone, for seconds) are still to run, at any speed.
cp -r "$T/cases" "$T/cases-int"
cp testcases/iot-5.1-5-brute-force.yaml "$T/cases-int/"
INTARGS="--no-color --ports $PORTS --udp none --target $NET.1 --cases $T/cases-int --dut profiles/devices/refdev-weak.yaml"
# interrupt_run DIR ARGS...: runs iotcert with ARGS into DIR, SIGINT after discovery
interrupt_run() {
	_dir=$1; shift
	"$IC" run $INTARGS --jobs 1 "$@" --out "$_dir" >"$_dir.log" 2>&1 &
	_pid=$!
	_i=0
	while ! grep -q "open service" "$_dir.log" 2>/dev/null && [ $_i -lt 1200 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	kill -INT $_pid 2>/dev/null || bad "the run ended before the signal"
	wait $_pid
}
interrupt_run "$T/int" --sign "$K/ed.pem"
assert_eq "an interrupted run: exit 3" 3 $?
assert_eq "... its report says so" SIGINT \
	"$(xq "$T/int/report.xml" "//*[local-name()='run']/*[local-name()='interrupted']/@cause")"
verify_ok "... and it is sealed" "$T/int" --pubkey "$K/ed.pub"
"$IC" run -q --resume "$T/int" >"$T/res.log" 2>&1
rc=$?
[ $rc -le 1 ] && ok "resume, with the interrupted run's --sign key: exit $rc" ||
	bad "resume exit $rc: $(tail -3 "$T/res.log")"
assert_eq "... the report records the resume" 1 "$(xq "$T/int/report.xml" "count(//*[local-name()='resumed'])")"
verify_ok "the resumed run is sealed" "$T/int" --pubkey "$K/ed.pub"
grep -q '  evidence/resume-1/' "$T/int/MANIFEST" && ok "the seal covers evidence/resume-1/" ||
	bad "evidence/resume-1 not in the manifest"
"$IC" run -q --resume "$T/int" --sign "$K/p256.pem" >"$T/res2.log" 2>&1
assert_eq "a complete run is not resumed, even with --sign: exit 2" 2 $?
verify_ok "... and its seal is left as it was" "$T/int" --pubkey "$K/ed.pub"

interrupt_run "$T/int2"
assert_eq "an interrupted run without --sign: exit 3" 3 $?
[ ! -e "$T/int2/MANIFEST" ] && ok "... not sealed" || bad "an unsigned run wrote a MANIFEST"
"$IC" run -q --resume "$T/int2" --sign "$K/p256.pem" >"$T/res3.log" 2>&1
rc=$?
[ $rc -le 1 ] && ok "resume --sign KEY: exit $rc" || bad "resume --sign exit $rc: $(tail -3 "$T/res3.log")"
verify_ok "the resume is sealed with the key given to it" "$T/int2" --pubkey "$K/p256.pub"

finish sign
