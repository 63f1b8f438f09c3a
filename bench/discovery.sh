#!/bin/sh
# Discovery benchmark: iotcert against nmap on the integration lab's device
# (real dropbear, busybox telnetd, lighttpd, mosquitto, libcoap in a network
# namespace; see tests/integration/lab.sh).  Run by hand as root from the
# repository root, after `make`:
#
#   sh bench/discovery.sh [BUILD]          # BENCH_RUNS=3 by default
#
# (a) full TCP inventory of 65535 ports: `iotcert discover --ports 1-65535
#     --udp none` against `nmap -sT -p- -n -Pn --max-retries 1` (and -T4);
# (b) identification of every open service: `iotcert discover` on the open
#     ports (TCP, plus udp/5683) against `nmap -sV` on the same ports (and
#     -T4); the per-port table is that of the last default-timing run.
# Each figure is the median wall-clock time of BENCH_RUNS runs; every command
# runs under `timeout`.  All traffic stays on the lab's veth pair.
set -u
BUILD=${1:-build}
RUNS=${BENCH_RUNS:-3}
T_SWEEP=${BENCH_TIMEOUT_SWEEP:-600}	# seconds, one full sweep
T_IDENT=${BENCH_TIMEOUT_IDENT:-900}	# seconds, one identification run

cd "$(dirname "$0")/.." || exit 2
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 2; }
[ -x "$BUILD/iotcert" ] || { echo "bench: no $BUILD/iotcert (run make)" >&2; exit 2; }
"$BUILD/iotcert" discover --help >/dev/null 2>&1 ||
	{ echo "bench: this iotcert has no 'discover' command" >&2; exit 2; }
if ! command -v nmap >/dev/null 2>&1; then
	echo "bench: installing nmap"
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 apt-get install -y -q --no-install-recommends nmap >/dev/null 2>&1 || {
		timeout 300 apt-get update -q >/dev/null &&
		timeout 600 apt-get install -y -q --no-install-recommends nmap >/dev/null
	} || { echo "bench: cannot install nmap" >&2; exit 2; }
fi

. tests/integration/lab.sh
LAB_SERVICES="ssh telnet http mqtt coap"
lab_up || exit 1
lab_device_start || exit 1
H=$LAB_NS_H
TARGET=$LAB_V4

# What the device runs (transport/port protocol), for the "correct" column.
TRUTH="tcp/22 ssh
tcp/443 https
tcp/1883 mqtt
tcp/2222 ssh
tcp/2323 telnet
tcp/5683 coap
tcp/8081 http
tcp/8883 mqtts
udp/5683 coap"
echo "$TRUTH" >"$LAB_DIR/truth"

# Reads an iotcert report or an nmap XML file; prints one line per open
# port: transport/port, normalised protocol, product/version, identified
# (1: by content; nmap's port-table guesses are 0), correct (vs truth).
cat >"$LAB_DIR/parse.py" <<'EOF'
import sys
import xml.etree.ElementTree as ET

kind, path, truthfile = sys.argv[1:4]
truth = dict(l.split() for l in open(truthfile) if l.strip())
rows = []
root = ET.parse(path).getroot()
local = lambda e: e.tag.rsplit('}', 1)[-1]
if kind == 'iotcert':
    for e in root.iter():
        if local(e) != 'service' or e.get('port') is None or e.get('address') is None:
            continue
        proto = e.get('protocol', 'unknown')
        prod = ' '.join(x for x in (e.get('product'), e.get('version')) if x)
        rows.append(('%s/%s' % (e.get('transport'), e.get('port')), proto, prod,
                     proto not in ('unknown', '')))
else:
    for p in root.iter('port'):
        st = p.find('state')
        if st is None or not st.get('state', '').startswith('open'):
            continue
        s = p.find('service')
        name = s.get('name', '') if s is not None else ''
        tunnel = s.get('tunnel', '') if s is not None else ''
        method = s.get('method', '') if s is not None else ''
        # nmap 7.93 names a Mosquitto broker "mosquitto version X".
        norm = 'mqtt' if name.startswith('mosquitto') else name
        norm = {'secure-mqtt': 'mqtts'}.get(norm, norm)
        if tunnel == 'ssl':
            norm = {'http': 'https', 'mqtt': 'mqtts'}.get(norm, 'tls/' + norm)
        prod = ' '.join(x for x in (s.get('product'), s.get('version')) if x) if s is not None else ''
        if name.startswith('mosquitto') and not prod:
            prod = name
        rows.append(('%s/%s' % (p.get('protocol'), p.get('portid')), norm or '-',
                     prod, method == 'probed'))
for port, proto, prod, ident in sorted(rows, key=lambda r: (r[0][:3], int(r[0][4:]))):
    print('%s\t%s\t%s\t%d\t%d' % (port, proto, prod or '-', ident,
                                 ident and truth.get(port) == proto))
EOF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# timed LIMIT OUTFILE CMD...: run CMD in the harness namespace under
# timeout; append the wall-clock milliseconds to OUTFILE; non-zero on error.
timed() {
	_lim=$1; _out=$2; shift 2
	_s=$(now_ms)
	timeout "$_lim" ip netns exec "$H" "$@" >"$_out.log" 2>&1
	_rc=$?
	_e=$(now_ms)
	echo $((_e - _s)) >>"$_out.ms"
	if [ $_rc -ne 0 ]; then
		echo "bench: exit $_rc: $*" >&2
		tail -3 "$_out.log" >&2
	fi
	return $_rc
}

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
count() { awk -F'\t' -v c="$2" '$c == 1 { n++ } END { print n + 0 }' "$1"; }

echo "iotcert discovery benchmark: $(nproc) cores, $(uname -r), $("$BUILD/iotcert" --version 2>/dev/null | head -1)"
echo "$(nmap --version | head -1)"
echo "lab device $TARGET (netns $LAB_NS_D) reached from netns $H over a veth pair"
echo "median of $RUNS runs"
echo

# ---- (a) full TCP sweep --------------------------------------------------
A_IOT=$LAB_DIR/a-iot; A_NM=$LAB_DIR/a-nmap; A_T4=$LAB_DIR/a-nmapT4; A_SW=$LAB_DIR/a-iotsweep
i=0
while [ $i -lt "$RUNS" ]; do
	timed "$T_SWEEP" "$A_IOT" "$BUILD/iotcert" discover -q --no-capture --udp none \
		--ports 1-65535 --target "$TARGET" --out "$A_IOT.out" || exit 1
	timed "$T_SWEEP" "$A_SW" "$BUILD/iotcert" discover -q --no-capture --udp none --no-identify \
		--ports 1-65535 --target "$TARGET" --out "$A_SW.out" || exit 1
	timed "$T_SWEEP" "$A_NM" nmap -sT -p- -n -Pn --max-retries 1 -oX "$A_NM.xml" "$TARGET" || exit 1
	timed "$T_SWEEP" "$A_T4" nmap -sT -p- -n -Pn --max-retries 1 -T4 -oX "$A_T4.xml" "$TARGET" || exit 1
	i=$((i + 1))
done
python3 "$LAB_DIR/parse.py" iotcert "$A_IOT.out/report.xml" "$LAB_DIR/truth" >"$A_IOT.rows"
python3 "$LAB_DIR/parse.py" nmap "$A_NM.xml" "$LAB_DIR/truth" >"$A_NM.rows"
python3 "$LAB_DIR/parse.py" nmap "$A_T4.xml" "$LAB_DIR/truth" >"$A_T4.rows"
ta=$(median "$A_IOT.ms"); tn=$(median "$A_NM.ms"); t4=$(median "$A_T4.ms"); tsw=$(median "$A_SW.ms")

echo "(a) full TCP inventory, ports 1-65535"
printf '%-52s %8s %6s %11s\n' "command" "seconds" "open" "identified"
printf '%-52s %8s %6s %11s\n' "iotcert discover --ports 1-65535 --udp none" "$ta" \
	"$(wc -l <"$A_IOT.rows")" "$(count "$A_IOT.rows" 4)"
printf '%-52s %8s %6s %11s\n' "iotcert discover ... --no-identify (bare sweep)" "$tsw" \
	"$(xmllint --xpath "count(//*[local-name()='inventory']/*[local-name()='service'])" "$A_SW.out/report.xml")" "(none)"
printf '%-52s %8s %6s %11s\n' "nmap -sT -p- -n -Pn --max-retries 1" "$tn" "$(wc -l <"$A_NM.rows")" "(none)"
printf '%-52s %8s %6s %11s\n' "nmap -sT -p- -n -Pn --max-retries 1 -T4" "$t4" "$(wc -l <"$A_T4.rows")" "(none)"
echo "ratio iotcert / nmap: $(ratio "$ta" "$tn") (default timing), $(ratio "$ta" "$t4") (-T4)"
echo "bare sweeps, like for like: iotcert --no-identify / nmap -sT = $(ratio "$tsw" "$tn")"
echo "(iotcert's time includes identifying every open port; nmap -sT only finds them)"
echo

# ---- (b) identification of the open services ------------------------------
OPEN=$(cut -f1 "$A_NM.rows" | sed -n 's|^tcp/||p' | paste -sd, -)
[ -n "$OPEN" ] || { echo "bench: nmap found no open port" >&2; exit 1; }
B_IOT=$LAB_DIR/b-iot; B_NM=$LAB_DIR/b-nmap; B_T4=$LAB_DIR/b-nmapT4
i=0
while [ $i -lt "$RUNS" ]; do
	timed "$T_IDENT" "$B_IOT" "$BUILD/iotcert" discover -q --no-capture --ports "$OPEN" \
		--udp 5683 --target "$TARGET" --out "$B_IOT.out" || exit 1
	timed "$T_IDENT" "$B_NM" nmap -sV -sS -sU -n -Pn -p "T:$OPEN,U:5683" -oX "$B_NM.xml" "$TARGET" || exit 1
	timed "$T_IDENT" "$B_T4" nmap -sV -sS -sU -n -Pn -T4 -p "T:$OPEN,U:5683" -oX "$B_T4.xml" "$TARGET" || exit 1
	i=$((i + 1))
done
python3 "$LAB_DIR/parse.py" iotcert "$B_IOT.out/report.xml" "$LAB_DIR/truth" >"$B_IOT.rows"
python3 "$LAB_DIR/parse.py" nmap "$B_NM.xml" "$LAB_DIR/truth" >"$B_NM.rows"
python3 "$LAB_DIR/parse.py" nmap "$B_T4.xml" "$LAB_DIR/truth" >"$B_T4.rows"
tb=$(median "$B_IOT.ms"); tv=$(median "$B_NM.ms"); tv4=$(median "$B_T4.ms")

echo "(b) identification of the open services: tcp $OPEN and udp 5683"
printf '%-10s %-8s | %-9s %-22s | %-9s %-30s\n' "port" "truth" "iotcert" "product" "nmap -sV" "product"
echo "$TRUTH" | while read -r port want; do
	iot=$(awk -F'\t' -v p="$port" '$1 == p { print $2 "\t" $3 }' "$B_IOT.rows")
	nm=$(awk -F'\t' -v p="$port" '$1 == p { print $2 ($4 == 1 ? "" : "?") "\t" $3 }' "$B_NM.rows")
	printf '%-10s %-8s | %-9s %-22.22s | %-9s %-30.30s\n' "$port" "$want" \
		"$(echo "${iot:--}" | cut -f1)" "$(echo "${iot:--	-}" | cut -f2)" \
		"$(echo "${nm:--}" | cut -f1)" "$(echo "${nm:--	-}" | cut -f2)"
done
echo "(nmap names ending in '?' come from its port table, not from the service)"
printf '%-52s %8s %6s %11s %8s\n' "command" "seconds" "open" "identified" "correct"
printf '%-52s %8s %6s %11s %8s\n' "iotcert discover --ports OPEN --udp 5683" "$tb" \
	"$(wc -l <"$B_IOT.rows")" "$(count "$B_IOT.rows" 4)" "$(count "$B_IOT.rows" 5)"
printf '%-52s %8s %6s %11s %8s\n' "nmap -sV -sS -sU -n -Pn -p T:OPEN,U:5683" "$tv" \
	"$(wc -l <"$B_NM.rows")" "$(count "$B_NM.rows" 4)" "$(count "$B_NM.rows" 5)"
printf '%-52s %8s %6s %11s %8s\n' "nmap -sV -sS -sU -n -Pn -T4 -p T:OPEN,U:5683" "$tv4" \
	"$(wc -l <"$B_T4.rows")" "$(count "$B_T4.rows" 4)" "$(count "$B_T4.rows" 5)"
echo "ratio iotcert / nmap: $(ratio "$tb" "$tv") (default timing), $(ratio "$tb" "$tv4") (-T4)"
echo "($(echo "$TRUTH" | wc -l) services run on the device)"
