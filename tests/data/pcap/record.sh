#!/bin/sh
# Re-records the capture fixtures of tests/data/pcap/ (see README.md there):
# real clients talking to real Debian daemons in the integration lab
# (tests/integration/lab.sh), captured with tcpdump on lab0 in the harness
# namespace.  Run by hand, as root, from anywhere:
#
#   sh tests/data/pcap/record.sh [OUTDIR]     # default: tests/data/pcap
#
# Every exchange runs between the two lab namespaces (198.51.100.1 in the
# harness namespace, 198.51.100.2 in the device namespace) over their veth
# pair; nothing reaches the host's network.  The files are written to a
# temporary directory and copied to OUTDIR only when every one of them was
# recorded and its exchange succeeded.
#
# Re-recording changes the bytes (random TCP sequence numbers, ports, keys,
# times) and may move frames: the frame numbers in README.md are those of
# the files checked in, and the tests assert them.  After a re-record, read
# the frame list this script prints at the end (tshark, or tcpdump when
# tshark is missing) and update README.md and the tests together.
#
# To keep the files small and the frame numbers stable, the capture filter
# is "ip" (no IPv6 router/neighbour/MLD chatter), the two ends know each
# other's MAC address from permanent neighbour entries (no ARP), and the
# veth offloads are off (frames no larger than the MTU, real checksums).
set -u
cd "$(dirname "$0")/../../.." || exit 2
OUT=${1:-tests/data/pcap}
[ "$(id -u)" = 0 ] || { echo "record: needs root (network namespaces, capture)" >&2; exit 2; }

# tcpdump is in scripts/deps.sh's TEST_PKGS; the clients and the FTP daemon
# are not.
IOTCERT_EXTRA_PKGS="tcpdump ethtool vsftpd mosquitto-clients snmp bind9-dnsutils curl" \
	sh scripts/deps.sh || { echo "record: missing packages" >&2; exit 2; }
LC_ALL=C
export LC_ALL

. tests/integration/lab.sh
. tests/integration/auth_daemons.sh
lab_up || exit 1
H=$LAB_NS_H
DEV=$LAB_V4			# 198.51.100.2
CLI=$LAB_NET4.1			# 198.51.100.1
TMP=$LAB_DIR/pcap
mkdir -p "$TMP" && chmod 755 "$TMP"

ip -n "$LAB_NS_H" neigh replace "$DEV" lladdr 02:1c:e7:00:00:02 dev "$LAB_IF_H" nud permanent &&
ip -n "$LAB_NS_D" neigh replace "$CLI" lladdr 02:1c:e7:00:00:01 dev "$LAB_IF_D" nud permanent ||
	{ echo "record: cannot set the neighbour entries" >&2; exit 1; }
lab_h ethtool -K "$LAB_IF_H" tx off tso off gso off gro off >/dev/null 2>&1
lab_d ethtool -K "$LAB_IF_D" tx off tso off gso off gro off >/dev/null 2>&1

fail() { echo "record: $*" >&2; exit 1; }

# cap_start NAME: tcpdump on lab0 into $TMP/NAME, returns once it listens.
# cap_stop: lets the last segments (FIN, ACK) through, then stops it.
CAP_PID=""
cap_start() {
	CAP_FILE=$TMP/$1
	ip netns exec "$H" tcpdump -i "$LAB_IF_H" -w "$CAP_FILE" -U -n -Z root ip \
		>"$LAB_DIR/tcpdump.log" 2>&1 </dev/null &
	CAP_PID=$!
	_i=0
	until grep -q 'listening on' "$LAB_DIR/tcpdump.log" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && fail "tcpdump does not start: $(cat "$LAB_DIR/tcpdump.log")"
		sleep 0.1
	done
	sleep 0.3
}
cap_stop() {
	sleep 1
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=""
	echo "record: $(basename "$CAP_FILE"): $(sed -n 's/ packets captured//p' "$LAB_DIR/tcpdump.log") frames" >&2
}

# ---- http-basic.pcap: DUT = server 198.51.100.2 --------------------------
AUTH_HTTP_REALMS=basic auth_start_http lighttpd-basic 80 admin s3cret ||
	fail "lighttpd did not start"
cap_start http-basic.pcap
lab_h curl -sS -u admin:s3cret "http://$DEV/admin/" >"$LAB_DIR/http.out" 2>&1
cap_stop
grep -q 'admin area' "$LAB_DIR/http.out" || fail "curl did not get /admin/: $(cat "$LAB_DIR/http.out")"

# ---- mqtt-connect.pcap: DUT = client 198.51.100.1 ------------------------
auth_start_mqtt mosquitto 1883 false sensor hunter2 || fail "mosquitto did not start"
cap_start mqtt-connect.pcap
lab_h mosquitto_pub -h "$DEV" -i lab-sensor-01 -u sensor -P hunter2 -t t \
	-m 'temp=21.5 lat=51.5074 lon=-0.1278 owner=jane.doe@example.com' \
	>"$LAB_DIR/mqtt.out" 2>&1 || fail "mosquitto_pub: $(cat "$LAB_DIR/mqtt.out")"
cap_stop
grep -q "u'sensor'" "$LAB_DIR/mosquitto.log" || fail "mosquitto did not log the login"

# ---- telnet-login.pcap: DUT = server 198.51.100.2 ------------------------
# As auth_start_telnet does it (BusyBox telnetd + login, the lab's /etc
# overlay), plus a UTS namespace, an issue.net and an empty motd of its
# own: the prompt and banner do not carry the recording host's name or
# release.
TD=$LAB_DIR/telnetd
auth_accounts "$TD" admin admin || fail "cannot write the telnet accounts"
echo "lab device" >"$TD/etc/issue.net" && : >"$TD/etc/motd" &&
chmod 644 "$TD/etc/issue.net" "$TD/etc/motd" || exit 1
printf '#!/bin/sh\nexec %s login "$@"\n' "$(command -v busybox)" >"$TD/login"
chmod 755 "$TD/login"
# shellcheck disable=SC2016
lab_bg telnetd unshare -m -u --propagation private sh -c '
	hostname lab-device &&
	mount -t overlay iotcert-etc -o "lowerdir=$1/etc:/etc" /etc || exit 1
	shift; exec "$@"' sh "$TD" "$(command -v busybox)" telnetd -F -p 23 -l "$TD/login"
lab_wait_listen tcp 23 telnetd && auth_check_accounts telnetd || fail "telnetd did not start"
cap_start telnet-login.pcap
# tests/lib/telnet_login.py logs in and leaves, one line at a time.
lab_h python3 tests/lib/telnet_login.py "$DEV" 23 admin admin >"$LAB_DIR/telnet.out" 2>&1 ||
	fail "telnet login: $(cat "$LAB_DIR/telnet.out")"
cap_stop

# ---- ftp-login.pcap: DUT = server 198.51.100.2 ---------------------------
# vsftpd, local users through PAM; the accounts (user/pass, and "nobody"
# for vsftpd's unprivileged child) in the lab's /etc overlay as for telnet.
F=$LAB_DIR/vsftpd
auth_accounts "$F" user pass nobody "$(auth_password)" || fail "cannot write the FTP accounts"
mkdir -p "$F/empty" "$F/root" && chmod 755 "$F/empty" "$F/root" &&
echo "lab device FTP area" >"$F/root/readme.txt" && chmod 644 "$F/root/readme.txt" || exit 1
cat >"$F/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$DEV
listen_port=21
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
pam_service_name=vsftpd
secure_chroot_dir=$F/empty
chroot_local_user=YES
local_root=$F/root
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40000
seccomp_sandbox=NO
xferlog_enable=NO
vsftpd_log_file=$F/vsftpd.log
ftpd_banner=lab device FTP
EOF
auth_private vsftpd "$F" vsftpd "$F/vsftpd.conf"
lab_wait_listen tcp 21 vsftpd || fail "vsftpd did not start"
cap_start ftp-login.pcap
lab_h curl -sS "ftp://user:pass@$DEV/" >"$LAB_DIR/ftp.out" 2>&1
cap_stop
grep -q 'readme.txt' "$LAB_DIR/ftp.out" || fail "curl ftp: $(cat "$LAB_DIR/ftp.out")"

# ---- snmp-community.pcap: DUT = agent 198.51.100.2 -----------------------
mkdir -p "$LAB_DIR/snmpd"
cat >"$LAB_DIR/snmpd/snmpd.conf" <<EOF
agentAddress udp:$DEV:161
rocommunity private default
sysLocation lab bench
sysContact lab@example.invalid
sysName lab-device
sysDescr iotcert lab device (Net-SNMP)
EOF
lab_bg snmpd snmpd -f -Lo -C -I -smux -c "$LAB_DIR/snmpd/snmpd.conf" -p "$LAB_DIR/snmpd/pid" \
	-M /usr/share/snmp/mibs -m ""
lab_wait_listen udp 161 snmpd || fail "snmpd did not start"
sleep 0.5
cap_start snmp-community.pcap
# sysDescr.0 by number: Debian ships no SNMPv2-MIB file to name it.
lab_h snmpget -v2c -c private -r 0 -t 3 -m "" "$DEV" 1.3.6.1.2.1.1.1.0 \
	>"$LAB_DIR/snmp.out" 2>&1
cap_stop
grep -q 'iotcert lab device' "$LAB_DIR/snmp.out" || fail "snmpget: $(cat "$LAB_DIR/snmp.out")"

# ---- tls10-client.pcap: DUT = client 198.51.100.1 ------------------------
T=$LAB_DIR/tls10
mkdir -p "$T"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cam.example.test" \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "no certificate"
lab_bg tls10 openssl s_server -tls1 -cipher 'ALL:@SECLEVEL=0' -accept 4433 \
	-cert "$T/cert.pem" -key "$T/key.pem" -www
lab_wait_listen tcp 4433 tls10 || fail "s_server did not start"
cap_start tls10-client.pcap
printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$H" openssl s_client -tls1 \
	-cipher 'DEFAULT:@SECLEVEL=0' -servername cam.example.test -connect "$DEV:4433" \
	-ign_eof >"$LAB_DIR/tls10.out" 2>&1
cap_stop
grep -q 'Protocol *: TLSv1$' "$LAB_DIR/tls10.out" ||
	fail "TLS 1.0 handshake did not complete: $(tail -5 "$LAB_DIR/tls10.out")"

# ---- dns-then-https.pcap: DUT = client 198.51.100.1 ----------------------
C=$LAB_DIR/cloud
mkdir -p "$C"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=cloud.example.test" -addext "subjectAltName=DNS:cloud.example.test" \
	-keyout "$C/key.pem" -out "$C/cert.pem" >/dev/null 2>&1 || fail "no certificate"
lab_bg dnsmasq dnsmasq -k -C /dev/null --no-resolv --no-hosts --bind-interfaces \
	--listen-address="$DEV" --port=53 --user=root --pid-file="$C/dnsmasq.pid" \
	--address=/cloud.example.test/"$DEV" --log-queries --log-facility=-
lab_bg cloud openssl s_server -accept 443 -cert "$C/cert.pem" -key "$C/key.pem" -www
lab_wait_listen udp 53 dnsmasq && lab_wait_listen tcp 443 cloud || fail "dnsmasq/s_server did not start"
cap_start dns-then-https.pcap
A=$(lab_h dig @"$DEV" cloud.example.test A +short +tries=1 +time=3)
[ "$A" = "$DEV" ] || { cap_stop; fail "dig answered '$A'"; }
lab_h curl -sS --cacert "$C/cert.pem" --resolve "cloud.example.test:443:$A" \
	https://cloud.example.test/ >"$LAB_DIR/https.out" 2>&1
cap_stop
grep -q 'TLSv1.3' "$LAB_DIR/https.out" || fail "https: $(tail -3 "$LAB_DIR/https.out")"

# ---- http-basic.pcapng: the same frames as http-basic.pcap ---------------
if command -v editcap >/dev/null 2>&1; then
	editcap -F pcapng "$TMP/http-basic.pcap" "$TMP/http-basic.pcapng" || fail "editcap failed"
else
	echo "record: no editcap (tshark/wireshark-common): http-basic.pcapng not written" >&2
fi

mkdir -p "$OUT"
for f in "$TMP"/*.pcap "$TMP"/*.pcapng; do
	[ -f "$f" ] || continue
	cp "$f" "$OUT/" && chmod 644 "$OUT/$(basename "$f")"
done

# The frame list, to check README.md against.
for f in "$TMP"/*.pcap; do
	echo "== $(basename "$f") ($(wc -c <"$f") bytes)"
	if command -v tshark >/dev/null 2>&1; then
		tshark -r "$f" -n -o tcp.relative_sequence_numbers:TRUE 2>/dev/null
	else
		tcpdump -r "$f" -nn -# 2>/dev/null
	fi
done
