#!/bin/sh
# Passive-analysis benchmark: `iotcert analyze FILE --dut ADDR --out DIR`
# against a tshark conversation pass (`tshark -r FILE -q -z conv,tcp -z
# conv,udp`) on one capture of at least BENCH_SIZE_MB (default 300) MB of
# real traffic.  Run by hand as root from the repository root, after `make`:
#
#   sh bench/analyze.sh [BUILD]        # BENCH_RUNS=3 by default
#
# 1. Records a few MB of real traffic in the integration lab
#    (tests/integration/lab.sh; tcpdump on lab0 in the harness namespace,
#    capture filter "ip", veth offloads off so frames are wire-sized): the
#    exchanges of tests/data/pcap/ repeated, with the lab device
#    (198.51.100.2, the DUT) as server and as client:
#      - lighttpd: GET /admin/ with Basic auth, small pages, and bulk
#        downloads of 1 MB files (BENCH_BULK of them, default 4);
#      - Mosquitto with a password file: single publishes with credentials
#        and personal data, and one long-lived connection publishing 200
#        telemetry lines;
#      - BusyBox telnetd + login: scripted logins running "exit";
#      - snmpd: SNMPv2c gets with community "private";
#      - openssl s_server -tls1: TLS 1.0 handshakes with SNI;
#      - the DUT as client: publishes to a broker in the harness namespace,
#        and DNS (dnsmasq in the harness namespace) then HTTPS (TLS 1.3, SNI
#        cloud.example.test) to a server there.
#    All of it stays on the lab's veth pair.
# 2. Replicates it with bench/pcap_replicate.py to at least BENCH_SIZE_MB
#    (each copy's peers moved to 198.18.0.0/15, ephemeral ports and
#    timestamps shifted, checksums updated: the flows stay distinct).
# 3. Times each tool BENCH_RUNS times on the page-cached file (one warm-up
#    read first): wall clock (median), MB/s (10^6 bytes / median seconds),
#    CPU seconds (user + system from /usr/bin/time -v, median: the steadier
#    figure on a machine shared with other work), peak RSS (/usr/bin/time -v
#    "Maximum resident set size", the largest of the runs).  `iotcert analyze` is detected with `iotcert analyze --help`;
#    a build without it gets the row "iotcert analyze: not available".
#
# The recorded and replicated captures stay in BENCH_WORK (default
# /tmp/iotcert-bench-analyze) and are reused by the next run; BENCH_RERECORD=1
# records anew.  Every command runs under `timeout` (BENCH_TIMEOUT, default
# 1800 s).
set -u
BUILD=${1:-build}
RUNS=${BENCH_RUNS:-3}
SIZE_MB=${BENCH_SIZE_MB:-300}
BULK=${BENCH_BULK:-4}
T_ONE=${BENCH_TIMEOUT:-1800}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/iotcert-bench-analyze}
DUT=198.51.100.2

cd "$(dirname "$0")/.." || exit 2
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, capture)" >&2; exit 2; }
command -v tshark >/dev/null 2>&1 ||
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
IOTCERT_EXTRA_PKGS="tcpdump ethtool tshark time mosquitto-clients snmp bind9-dnsutils curl" \
	sh scripts/deps.sh || { echo "bench: missing packages" >&2; exit 2; }
LC_ALL=C
export LC_ALL
mkdir -p "$WORK" || exit 2
BASE=$WORK/base.pcap
BIG=$WORK/big-${SIZE_MB}MB.pcap

fail() { echo "bench: $*" >&2; exit 1; }

# ---- 1. the real traffic ------------------------------------------------
record_base() {
	. tests/integration/lab.sh
	. tests/integration/auth_daemons.sh
	lab_up || exit 1
	H=$LAB_NS_H
	CLI=$LAB_NET4.1
	ip -n "$LAB_NS_H" neigh replace "$DUT" lladdr 02:1c:e7:00:00:02 dev "$LAB_IF_H" nud permanent
	ip -n "$LAB_NS_D" neigh replace "$CLI" lladdr 02:1c:e7:00:00:01 dev "$LAB_IF_D" nud permanent
	lab_h ethtool -K "$LAB_IF_H" tx off tso off gso off gro off >/dev/null 2>&1
	lab_d ethtool -K "$LAB_IF_D" tx off tso off gso off gro off >/dev/null 2>&1

	# The device: servers.
	AUTH_HTTP_REALMS=basic auth_start_http lighttpd 80 admin s3cret || fail "lighttpd"
	i=0
	while [ $i -lt "$BULK" ]; do
		i=$((i + 1))
		head -c 1000000 /dev/urandom >"$LAB_DIR/lighttpd/www/firmware-$i.bin"
	done
	chmod 644 "$LAB_DIR/lighttpd/www/"*
	auth_start_mqtt mosquitto 1883 false sensor hunter2 || fail "mosquitto"
	auth_start_telnet telnetd 23 admin admin || fail "telnetd"
	mkdir -p "$LAB_DIR/snmpd"
	printf '%s\n' "agentAddress udp:$DUT:161" "rocommunity private default" \
		"sysDescr iotcert lab device (Net-SNMP)" >"$LAB_DIR/snmpd/snmpd.conf"
	lab_bg snmpd snmpd -f -Lo -C -I -smux -c "$LAB_DIR/snmpd/snmpd.conf" \
		-p "$LAB_DIR/snmpd/pid" -M /usr/share/snmp/mibs -m ""
	lab_wait_listen udp 161 snmpd || fail "snmpd"
	mkdir -p "$LAB_DIR/tls10"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cam.example.test" \
		-keyout "$LAB_DIR/tls10/key.pem" -out "$LAB_DIR/tls10/cert.pem" >/dev/null 2>&1 || fail "cert"
	lab_bg tls10 openssl s_server -tls1 -cipher 'ALL:@SECLEVEL=0' -accept 4433 \
		-cert "$LAB_DIR/tls10/cert.pem" -key "$LAB_DIR/tls10/key.pem" -www
	lab_wait_listen tcp 4433 tls10 || fail "s_server"

	# The cloud, in the harness namespace: a broker, a DNS server, HTTPS.
	C=$LAB_DIR/cloud
	mkdir -p "$C"
	printf '%s\n' "user root" "persistence false" "log_dest stderr" "allow_anonymous true" \
		"listener 1883 $CLI" >"$C/mosquitto.conf"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=cloud.example.test" -addext "subjectAltName=DNS:cloud.example.test" \
		-keyout "$C/key.pem" -out "$C/cert.pem" >/dev/null 2>&1 || fail "cert"
	ip netns exec "$H" mosquitto -c "$C/mosquitto.conf" >"$C/mosquitto.log" 2>&1 </dev/null &
	ip netns exec "$H" dnsmasq -k -C /dev/null --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$CLI" --port=53 --user=root --pid-file="$C/dnsmasq.pid" \
		--address=/cloud.example.test/"$CLI" >"$C/dnsmasq.log" 2>&1 </dev/null &
	ip netns exec "$H" openssl s_server -accept 443 -cert "$C/cert.pem" -key "$C/key.pem" \
		-www >"$C/s_server.log" 2>&1 </dev/null &
	_i=0
	until [ -n "$(lab_h ss -Hltn 'sport = :1883')" ] && [ -n "$(lab_h ss -Hltn 'sport = :443')" ] &&
	    [ -n "$(lab_h ss -Hlun 'sport = :53')" ]; do
		_i=$((_i + 1)); [ $_i -gt 100 ] && fail "the harness-side servers did not start"
		sleep 0.1
	done

	ip netns exec "$H" tcpdump -i "$LAB_IF_H" -w "$LAB_DIR/base.pcap" -U -n -Z root ip \
		>"$LAB_DIR/tcpdump.log" 2>&1 </dev/null &
	CAP=$!
	_i=0
	until grep -q 'listening on' "$LAB_DIR/tcpdump.log"; do
		_i=$((_i + 1)); [ $_i -gt 50 ] && fail "tcpdump does not start"; sleep 0.1
	done
	sleep 0.3
	n=0
	while [ $n -lt 10 ]; do
		n=$((n + 1))
		lab_h curl -sS -o /dev/null -u admin:s3cret "http://$DUT/admin/" || fail "curl /admin/"
		lab_h curl -sS -o /dev/null "http://$DUT/" || fail "curl /"
		lab_h mosquitto_pub -h "$DUT" -i "sensor-$n" -u sensor -P hunter2 -t "home/sensor/$n" \
			-m "temp=2$((n % 10)).5 lat=51.50$n lon=-0.12$n owner=jane.doe@example.com" ||
			fail "mosquitto_pub"
		lab_d mosquitto_pub -h "$CLI" -i "dut-$n" -t "devices/cam-01/state" \
			-m "{\"online\":true,\"ssid\":\"HomeNet\",\"email\":\"john.smith@example.org\",\"n\":$n}" ||
			fail "mosquitto_pub from the DUT"
		lab_h snmpget -v2c -c private -r 0 -t 3 -m "" "$DUT" 1.3.6.1.2.1.1.1.0 >/dev/null ||
			fail "snmpget"
		lab_h snmpget -v2c -c private -r 0 -t 3 -m "" "$DUT" 1.3.6.1.2.1.1.3.0 >/dev/null ||
			fail "snmpget"
		if [ $((n % 2)) = 0 ]; then
			lab_h python3 tests/lib/telnet_login.py "$DUT" 23 admin admin || fail "telnet"
			printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$H" openssl s_client -tls1 \
				-cipher 'DEFAULT:@SECLEVEL=0' -servername cam.example.test \
				-connect "$DUT:4433" -ign_eof >/dev/null 2>&1 || fail "s_client -tls1"
			a=$(lab_d dig @"$CLI" cloud.example.test A +short +tries=1 +time=3)
			[ "$a" = "$CLI" ] || fail "dig from the DUT answered '$a'"
			lab_d curl -sS -o /dev/null --cacert "$C/cert.pem" \
				--resolve "cloud.example.test:443:$a" https://cloud.example.test/ ||
				fail "https from the DUT"
		fi
	done
	i=0
	while [ $i -lt "$BULK" ]; do
		i=$((i + 1))
		lab_h curl -sS -o /dev/null "http://$DUT/firmware-$i.bin" || fail "bulk download"
	done
	n=0
	while [ $n -lt 200 ]; do
		n=$((n + 1))
		echo "{\"seq\":$n,\"temp\":21.$((n % 10)),\"hum\":4$((n % 10))}"
	done | lab_h mosquitto_pub -h "$DUT" -i telemetry -u sensor -P hunter2 -t home/telemetry -l ||
		fail "mosquitto_pub -l"
	sleep 1
	kill -INT "$CAP"
	wait "$CAP"
	mv "$LAB_DIR/base.pcap" "$BASE.new" && mv "$BASE.new" "$BASE" || exit 1
	lab_down
}

if [ ! -s "$BASE" ] || [ "${BENCH_RERECORD:-0}" = 1 ]; then
	rm -f "$BIG"
	( record_base ) || exit 1
fi
# ---- 2. replicated to SIZE_MB -------------------------------------------
if [ ! -s "$BIG" ]; then
	python3 bench/pcap_replicate.py "$BASE" "$BIG.new" --dut "$DUT" \
		--min-bytes $((SIZE_MB * 1000000)) && mv "$BIG.new" "$BIG" || fail "replication failed"
fi
BYTES=$(wc -c <"$BIG")
BASEBYTES=$(wc -c <"$BASE")
PKTS=$(capinfos -c -M "$BIG" 2>/dev/null | sed -n 's/^Number of packets: *//p')
BASEPKTS=$(capinfos -c -M "$BASE" 2>/dev/null | sed -n 's/^Number of packets: *//p')
cat "$BIG" >/dev/null	# warm-up: both tools read from the page cache

# ---- 3. the runs ----------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# timed NAME OKCODES CMD...: appends wall ms to $WORK/NAME.ms, user +
# system CPU seconds to $WORK/NAME.cpu and the peak RSS (kB) to $WORK/NAME.rss.
timed() {
	_n=$1; _okc=$2; shift 2
	_s=$(now_ms)
	timeout "$T_ONE" /usr/bin/time -v -o "$WORK/$_n.time" "$@" >"$WORK/$_n.out" 2>"$WORK/$_n.err"
	_rc=$?
	echo $(( $(now_ms) - _s )) >>"$WORK/$_n.ms"
	sed -n 's/.*Maximum resident set size (kbytes): *//p' "$WORK/$_n.time" >>"$WORK/$_n.rss"
	awk '/User time \(seconds\)|System time \(seconds\)/ { c += $NF } END { print c + 0 }' \
		"$WORK/$_n.time" >>"$WORK/$_n.cpu"
	case " $_okc " in *" $_rc "*) return 0 ;; esac
	echo "bench: exit $_rc: $*" >&2
	tail -3 "$WORK/$_n.err" >&2
	return 1
}
median_ms() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
row() {	# NAME LABEL
	_m=$(median_ms "$WORK/$1.ms")
	_r=$(sort -n "$WORK/$1.rss" | tail -1)
	_c=$(sort -n "$WORK/$1.cpu" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf '%-38s %10.2f %10.1f %10.2f %12.1f\n' "$2" "$(echo "$_m" | awk '{ print $1 / 1000 }')" \
		"$(awk -v b="$BYTES" -v m="$_m" 'BEGIN { print b / 1e6 / (m / 1000) }')" "$_c" \
		"$(echo "$_r" | awk '{ print $1 / 1024 }')"
	printf '%-38s %s\n' "" "runs (s): $(awk '{ printf("%s%.2f", (NR > 1 ? " " : ""), $1 / 1000) }' "$WORK/$1.ms")"
}

HAVE_IOT=no
[ -x "$BUILD/iotcert" ] && "$BUILD/iotcert" analyze --help >/dev/null 2>&1 && HAVE_IOT=yes
rm -f "$WORK"/tshark.ms "$WORK"/tshark.rss "$WORK"/tshark.cpu \
	"$WORK"/iotcert.ms "$WORK"/iotcert.rss "$WORK"/iotcert.cpu
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	timed tshark 0 tshark -r "$BIG" -q -z conv,tcp -z conv,udp || exit 1
	if [ $HAVE_IOT = yes ]; then
		rm -rf "$WORK/iotcert.outdir"
		timed iotcert "0 1" "$BUILD/iotcert" analyze "$BIG" --dut "$DUT" \
			--out "$WORK/iotcert.outdir" || exit 1
	fi
	echo "run $i of $RUNS done" >&2
done

# tshark prints the two tables in either order: count each table's rows.
CONV=$(awk '/^TCP Conversations/ { s = "t" } /^UDP Conversations/ { s = "u" }
	/<->/ { if (s == "t") t++; else if (s == "u") u++ } END { print t + 0, u + 0 }' "$WORK/tshark.out")
TCPCONV=${CONV% *}
UDPCONV=${CONV#* }
echo "passive-analysis benchmark: $(nproc) cores, $(uname -r), $(tshark --version 2>/dev/null | head -1 | sed 's/ (Git.*//')"
echo "iotcert: $("$BUILD/iotcert" --version 2>/dev/null | head -1)"
echo "capture: $BIG"
echo "  $BYTES bytes ($(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB), $PKTS packets;" \
	"replicated from $BASEBYTES bytes, $BASEPKTS packets of lab traffic"
echo "  tshark finds $TCPCONV TCP and $UDPCONV UDP conversations; DUT $DUT"
echo "median wall clock and CPU (user + system) of $RUNS runs, page-cached file; MB = 10^6 bytes;"
echo "  MB/s from the wall clock; peak RSS = largest of the runs; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-38s %10s %10s %10s %12s\n' "tool" "seconds" "MB/s" "CPU s" "peak RSS MB"
row tshark "tshark -q -z conv,tcp -z conv,udp"
if [ $HAVE_IOT = yes ]; then
	row iotcert "iotcert analyze --dut $DUT"
else
	echo "iotcert analyze: not available"
fi
