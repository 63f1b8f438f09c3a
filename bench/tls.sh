#!/bin/sh
# TLS enumeration benchmark: iotcert's IOT-5.5-1-TLS-POSTURE (probe
# tls-posture) against sslscan and testssl.sh, the same servers, one port at
# a time, on the integration lab's device (tests/integration/lab.sh).  Run by
# hand as root from the repository root, after `make`:
#
#   sh bench/tls.sh [BUILD]        # BENCH_RUNS=3 by default
#
# Targets, started in the device namespace with one RSA 2048 self-signed
# certificate made for the run:
#   s_server-weak    openssl s_server -www, TLS 1.0-1.2, ALL:eNULL:@SECLEVEL=0
#                    (RSA, DHE, ECDHE, anonymous and NULL suites), tcp/4433
#   s_server-strong  openssl s_server -www, TLS 1.2 and 1.3, ECDHE with AES-GCM
#                    or ChaCha20 only, tcp/4434
#   lighttpd         lighttpd 1.4 with mod_openssl, its default TLS settings,
#                    tcp/443
#   lighttpd-weak    the same lighttpd, the s_server-weak settings through
#                    ssl.openssl.ssl-conf-cmd, tcp/8443 (lighttpd serves many
#                    connections at once; s_server serves one at a time)
#
# For each target and run, wall clock, each command in the harness namespace:
#   iotcert run --select IOT-5.5-1-TLS-POSTURE --ports PORT --udp none
#       (its time includes finding and identifying the one port; the probe's
#       own time is the test case's duration-ms in report.xml, printed too)
#   sslscan --no-colour --show-cipher-ids HOST:PORT
#       (its defaults: versions, suites, groups, renegotiation, compression,
#       Heartbleed, certificate, much what the probe does)
#   testssl --quiet --color 0 --warnings off --nodns none -E HOST:PORT
#       (-E: the suites of each protocol version, its like-for-like mode)
# and, once per target unless BENCH_TESTSSL_FULL=0, testssl's default run
# (no -E: the standard checks, vulnerabilities included), for scale.
#
# What each tool found is counted as accepted (version, suite) pairs, named
# by the IANA name: iotcert reports them so (field `suites`), testssl.sh's
# JSON carries the IANA name, sslscan's cipher ids are mapped through
# testssl.sh's cipher-mapping.txt.  The script prints the count per version
# for each tool and every pair one tool found and another did not.  Each
# time is the median of BENCH_RUNS runs; pair counts are those of the last
# run (a run that found another count is flagged).  Every command runs under
# `timeout`; the load average is printed at the start and the end, as the
# times mean little on a busy machine.  All traffic stays on the lab's veth
# pair (the harness namespace has no other route: testssl.sh's lookups
# cannot leave it).  Nothing is tuned for any tool.  BENCH_OUT=DIR keeps
# every log, report and list; BENCH_TESTSSL=0 leaves testssl.sh out, and
# BENCH_TESTSSL_RUNS=N runs testssl.sh -E in the first N runs only (it takes
# minutes a target; its median is then of N).
set -u
BUILD=${1:-build}
RUNS=${BENCH_RUNS:-3}
T_ONE=${BENCH_TIMEOUT:-900}		# seconds, one tool on one target
T_FULL=${BENCH_TIMEOUT_FULL:-1800}	# seconds, testssl.sh's default run
TESTSSL=${BENCH_TESTSSL:-1}		# 0: leave testssl.sh out (a quick look)
TS_RUNS=${BENCH_TESTSSL_RUNS:-$RUNS}
[ "$TESTSSL" = 1 ] || TS_RUNS=0
FULL=${BENCH_TESTSSL_FULL:-$TESTSSL}
CASE=IOT-5.5-1-TLS-POSTURE
MAPPING=/etc/testssl/cipher-mapping.txt

cd "$(dirname "$0")/.." || exit 2
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 2; }
[ -x "$BUILD/iotcert" ] || { echo "bench: no $BUILD/iotcert (run make)" >&2; exit 2; }
{ command -v sslscan && command -v testssl; } >/dev/null 2>&1 ||
	IOTCERT_EXTRA_PKGS="sslscan testssl.sh" sh scripts/deps.sh ||
	{ echo "bench: cannot install sslscan and testssl.sh" >&2; exit 2; }
[ -r "$MAPPING" ] || MAPPING=$(dpkg -L testssl.sh 2>/dev/null | grep '/cipher-mapping.txt$' | head -1)
[ -r "$MAPPING" ] || { echo "bench: no cipher-mapping.txt from testssl.sh" >&2; exit 2; }
LC_ALL=C
export LC_ALL

. tests/integration/lab.sh
lab_up || exit 1
H=$LAB_NS_H
TARGET=$LAB_V4
OUT=${BENCH_OUT:-$LAB_DIR/bench}
mkdir -p "$OUT" || exit 1
rm -f "$OUT"/*.ms "$OUT"/*.probe "$OUT"/*.pairs.* "$OUT"/*.last	# of an earlier run

# ---- the targets ----------------------------------------------------------
WEAK_CIPHERS='ALL:eNULL:@SECLEVEL=0'
STRONG_CIPHERS='ECDHE+AESGCM:ECDHE+CHACHA20'
STRONG_SUITES='TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256'
TARGETS="s_server-weak 4433
s_server-strong 4434
lighttpd 443
lighttpd-weak 8443"

lab_cert || exit 1
CERT=$LAB_DIR/tls/cert.pem
KEY=$LAB_DIR/tls/key.pem
# s_server -www answers HTTP and, without -naccept, keeps accepting.
lab_bg s_server-weak openssl s_server -accept 4433 -cert "$CERT" -key "$KEY" -www \
	-min_protocol TLSv1 -max_protocol TLSv1.2 -cipher "$WEAK_CIPHERS"
lab_bg s_server-strong openssl s_server -accept 4434 -cert "$CERT" -key "$KEY" -www \
	-min_protocol TLSv1.2 -cipher "$STRONG_CIPHERS" -ciphersuites "$STRONG_SUITES"
mkdir -p "$LAB_DIR/www" "$LAB_DIR/lighttpd"
echo '<html><body>lab device</body></html>' >"$LAB_DIR/www/index.html"
cat >"$LAB_DIR/lighttpd/lighttpd.conf" <<EOF
server.modules = ( "mod_openssl" )
server.document-root = "$LAB_DIR/www"
server.errorlog = "$LAB_DIR/lighttpd/error.log"
server.pid-file = "$LAB_DIR/lighttpd/pid"
server.port = 8080
server.bind = "127.0.0.1"
index-file.names = ( "index.html" )
\$SERVER["socket"] == "0.0.0.0:443" {
	ssl.engine = "enable"
	ssl.pemfile = "$CERT"
	ssl.privkey = "$KEY"
}
\$SERVER["socket"] == "0.0.0.0:8443" {
	ssl.engine = "enable"
	ssl.pemfile = "$CERT"
	ssl.privkey = "$KEY"
	ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1", "MaxProtocol" => "TLSv1.2",
		"CipherString" => "$WEAK_CIPHERS" )
}
EOF
lab_bg lighttpd lighttpd -D -f "$LAB_DIR/lighttpd/lighttpd.conf"
lab_wait_listen tcp 4433 s_server-weak && lab_wait_listen tcp 4434 s_server-strong &&
lab_wait_listen tcp 443 lighttpd && lab_wait_listen tcp 8443 lighttpd ||
	{ echo "bench: the targets did not start" >&2; exit 1; }

# ---- helpers --------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# timed LIMIT OUT OKCODES CMD...: CMD in the harness namespace, under
# timeout; the wall-clock ms appended to OUT.ms; non-zero when the exit code
# is not among OKCODES.
timed() {
	_lim=$1; _out=$2; _okc=$3; shift 3
	_s=$(now_ms)
	timeout "$_lim" ip netns exec "$H" "$@" >"$_out.log" 2>&1
	_rc=$?
	echo $(( $(now_ms) - _s )) >>"$_out.ms"
	case " $_okc " in *" $_rc "*) return 0 ;; esac
	[ "$_okc" = any ] && [ $_rc -lt 124 ] && return 0
	echo "bench: exit $_rc: $*" >&2
	tail -3 "$_out.log" >&2
	return 1
}

# Accepted pairs, "VERSION IANA-NAME" a line, sorted; versions SSLv3,
# TLS1.0 ... TLS1.3 as iotcert names them.
iotcert_pairs() {	# REPORT PORT
	xmllint --xpath "//*[local-name()='testcase'][@id='$CASE@tcp/$2']//*[local-name()='field'][@name='suites']/*" \
		"$1" 2>/dev/null | sed 's/<item>/\n/g; s/<\/item>//g' | sed -n 's/^\([^:]*\):\(.*\)$/\1 \2/p' |
		sed 's/^SSL3[.0]* /SSLv3 /' | sort -u
}
sslscan_pairs() {	# LOG
	awk -v map="$MAPPING" 'BEGIN {
		while ((getline l < map) > 0) { split(l, f, " "); iana[tolower(f[1])] = f[4] }
	}
	/^(Accepted|Preferred) / {
		v = $2; sub(/^TLSv/, "TLS", v)
		h = tolower($5); id = ""
		if (length(h) == 6) id = "0x" substr(h, 3, 2) ",0x" substr(h, 5, 2)
		n = (id in iana) ? iana[id] : $5 "(" $6 ")"
		print v, n
	}' "$1" | sort -u
}
testssl_pairs() {	# JSON
	python3 - "$1" <<'EOF' | sort -u
import json, re, sys
names = {'ssl3': 'SSLv3', 'tls1': 'TLS1.0', 'tls1_1': 'TLS1.1', 'tls1_2': 'TLS1.2', 'tls1_3': 'TLS1.3'}
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    data = []
if isinstance(data, dict):
    data = [f for s in data.get('scanResult', []) for v in s.values() if isinstance(v, list) for f in v]
for f in data:
    m = re.match(r'cipher-(ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$', f.get('id', ''))
    if m and f.get('finding'):
        print(names[m.group(1)], f['finding'].split()[-1])
EOF
}
probe_ms() {	# REPORT PORT: the test case's own duration, or "-"
	_d=$(xmllint --xpath "string(//*[local-name()='testcase'][@id='$CASE@tcp/$2']/@duration-ms)" "$1" 2>/dev/null)
	echo "${_d:--}"
}

# median FILE / median_ms FILE: of the ms values in FILE, in seconds (the
# mean of the middle two for an even count).
# shellcheck disable=SC2016
MEDIAN='{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f, m / 1000 }'
median() { [ -f "$1" ] || { echo -; return; }; sort -n "$1" | awk -v f=%.2f "$MEDIAN"; }
median_ms() { grep -v '^-$' "$1" | sort -n | awk -v f=%.3f "$MEDIAN"; }
# count FILE: pairs, "(varies)" when some run found another count.
count() {
	_n=$(wc -l <"$1")
	_o=$(for _f in "${1%.last}".pairs.[0-9]*; do wc -l <"$_f"; done | sort -u | wc -l)
	[ "$_o" -gt 1 ] && echo "$_n (varies)" || echo "$_n"
}
# per_version FILE: "TLS1.0:20 TLS1.1:20 TLS1.2:61".
per_version() { awk '{ n[$1]++ } END { for (v in n) printf "%s:%d\n", v, n[v] }' "$1" | sort | tr '\n' ' ' | sed 's/ $//'; }

IOT_VER=$("$BUILD/iotcert" --version 2>/dev/null | head -1)
SSLSCAN_VER=$(sslscan --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk 'NF { print $1; exit }')
TESTSSL_VER=$(dpkg-query -W -f='${Version}' testssl.sh 2>/dev/null)
echo "TLS benchmark: $(nproc) cores, $(uname -r), $IOT_VER, $(openssl version)"
echo "sslscan ${SSLSCAN_VER:-?}, testssl.sh ${TESTSSL_VER:-?}, lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p')"
echo "lab device $TARGET (netns $LAB_NS_D) reached from netns $H over a veth pair; median of $RUNS runs"
[ "$TS_RUNS" -lt "$RUNS" ] && echo "testssl.sh -E in $TS_RUNS of the $RUNS runs"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running skews the times)"
echo

# ---- the runs -------------------------------------------------------------
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	echo "$TARGETS" | while read -r name port; do
		o=$OUT/$name
		rm -rf "$o.iot.out"
		timed "$T_ONE" "$o.iot" "0 1" "$BUILD/iotcert" run -q --no-capture --udp none \
			--ports "$port" --target "$TARGET" --select $CASE --out "$o.iot.out" || exit 1
		iotcert_pairs "$o.iot.out/report.xml" "$port" >"$o.iot.pairs.$i"
		probe_ms "$o.iot.out/report.xml" "$port" >>"$o.iot.probe"
		cp "$o.iot.out/report.xml" "$o.iot.report.$i.xml"
		timed "$T_ONE" "$o.sslscan" 0 sslscan --no-colour --show-cipher-ids "$TARGET:$port" || exit 1
		sslscan_pairs "$o.sslscan.log" >"$o.sslscan.pairs.$i"
		cp "$o.sslscan.log" "$o.sslscan.log.$i"
		echo "  run $i: $name: iotcert and sslscan done" >&2
		[ $i -le "$TS_RUNS" ] || continue
		rm -f "$o.testssl.json"
		timed "$T_ONE" "$o.testssl" any testssl --quiet --color 0 \
			--warnings off --nodns none -E --jsonfile "$o.testssl.json" "$TARGET:$port" || exit 1
		testssl_pairs "$o.testssl.json" >"$o.testssl.pairs.$i"
		cp "$o.testssl.log" "$o.testssl.log.$i"
		echo "  run $i: $name: testssl.sh done" >&2
	done || exit 1
done
if [ "$FULL" = 1 ]; then
	echo "$TARGETS" | while read -r name port; do
		o=$OUT/$name
		rm -f "$o.full.json"
		timed "$T_FULL" "$o.full" any testssl --quiet --color 0 --warnings off --nodns none \
			--jsonfile "$o.full.json" "$TARGET:$port" || echo "-" >"$o.full.ms"
		echo "  testssl.sh default run: $name done" >&2
	done
fi

# ---- the tables -----------------------------------------------------------
echo "$TARGETS" | while read -r name port; do
	for t in iot sslscan testssl; do
		: >"$OUT/$name.$t.last"
		_k=$RUNS
		while [ "$_k" -gt 0 ]; do
			[ -f "$OUT/$name.$t.pairs.$_k" ] && { cp "$OUT/$name.$t.pairs.$_k" "$OUT/$name.$t.last"; break; }
			_k=$((_k - 1))
		done
	done
done

printf '%-20s %-28s %9s %9s  %s\n' "target" "tool" "seconds" "pairs" "pairs per version (last run)"
echo "$TARGETS" | while read -r name port; do
	o=$OUT/$name
	printf '%-20s %-28s %9s %9s  %s\n' "$name/$port" "iotcert run (whole command)" \
		"$(median "$o.iot.ms")" "$(count "$o.iot.last")" "$(per_version "$o.iot.last")"
	printf '%-20s %-28s %9s %9s  %s\n' "" "  of which the probe" "$(median_ms "$o.iot.probe")" "" \
		"$(xmllint --xpath "string(//*[local-name()='inventory']/*[local-name()='service']/@protocol)" \
			"$o.iot.report.$RUNS.xml" 2>/dev/null | sed 's/^/identified as: /')"
	printf '%-20s %-28s %9s %9s  %s\n' "" "sslscan" \
		"$(median "$o.sslscan.ms")" "$(count "$o.sslscan.last")" "$(per_version "$o.sslscan.last")"
	[ "$TS_RUNS" = 0 ] || printf '%-20s %-28s %9s %9s  %s\n' "" "testssl.sh -E" \
		"$(median "$o.testssl.ms")" "$(count "$o.testssl.last")" "$(per_version "$o.testssl.last")"
	if [ -f "$o.full.ms" ]; then
		_f=$(head -1 "$o.full.ms")
		[ "$_f" = - ] || _f=$(awk -v v="$_f" 'BEGIN { printf "%.2f", v / 1000 }')
		printf '%-20s %-28s %9s %9s  %s\n' "" "testssl.sh default (1 run)" "$_f" "-" "(no per-suite list)"
	fi
done
echo
echo "disagreements (last run; IANA names; sslscan's ids mapped with $MAPPING):"
echo "$TARGETS" | while read -r name port; do
	o=$OUT/$name
	d=""
	for t in iot sslscan testssl; do
		[ $t = testssl ] && [ "$TS_RUNS" = 0 ] && continue
		[ -s "$o.$t.last" ] || d="$d
    $t found no pair"
	done
	for pair in "iot sslscan" "iot testssl" "sslscan testssl"; do
		# shellcheck disable=SC2086
		set -- $pair
		if [ ! -s "$o.$1.last" ] || [ ! -s "$o.$2.last" ]; then continue; fi
		x=$(comm -23 "$o.$1.last" "$o.$2.last" | sed 's/^/      /')
		[ -n "$x" ] && d="$d
    $1 only (not $2):
$x"
		x=$(comm -13 "$o.$1.last" "$o.$2.last" | sed 's/^/      /')
		[ -n "$x" ] && d="$d
    $2 only (not $1):
$x"
	done
	echo "  $name/$port:${d:- none}"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(iotcert's seconds include finding and identifying the port; \"the probe\" is the"
if [ -n "${BENCH_OUT:-}" ]; then
	echo " test case's duration-ms in report.xml; logs in $OUT)"
else
	echo " test case's duration-ms in report.xml; BENCH_OUT=DIR keeps the logs)"
fi
