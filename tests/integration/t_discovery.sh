#!/bin/sh
# Discovery against a lab device made of real Debian daemons (see lab.sh):
# the inventory must be exactly the services below, identified by content,
# over IPv4, over IPv6 (ULA) and over IPv6 link-local with a scope, and each
# report must validate against the XSD.  Needs root (network namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh

# ---- What the lab device runs, and so what discovery must report --------
# transport port protocol tls product      ("-": product not asserted)
EXPECTED="
tcp    22 ssh    false dropbear
tcp   443 https  true  lighttpd
tcp  1883 mqtt   false -
tcp  2222 ssh    false dropbear
tcp  2323 telnet false -
tcp  5683 coap   false -
tcp  8081 http   false lighttpd
tcp  8883 mqtts  true  -
udp   161 snmp   false -
udp  1900 upnp   false -
udp  5683 coap   false -
"
# Daemons: dropbear (22, 2222), busybox telnetd + login (2323), lighttpd
# (https 443, http 8081), mosquitto (1883, TLS 8883), libcoap coap-server
# (udp 5683, and CoAP over TCP, RFC 8323, on tcp 5683: libcoap 4.3 always
# opens both), minissdpd (SSDP, udp 1900), snmpd (community public, udp 161).
TCP_PORTS=1-65535
UDP_PORTS=53,69,123,161,1900,5353,5683,5684
TIMEOUT=${IOTCERT_IT_TIMEOUT:-300}	# seconds for one discovery run
XSD=reports/iotcert-report.xsd

# `iotcert discover` when this build has it; until then `run` selecting no
# test case, which still writes the inventory.
if "$BUILD/iotcert" discover --help >/dev/null 2>&1; then
	CMD="discover"
else
	CMD="run --select NONE"
fi
HELP=$("$BUILD/iotcert" ${CMD%% *} --help 2>&1)
OPTS=""
case $HELP in *--no-capture*) OPTS="--no-capture" ;; esac
UDP=no
case $HELP in
*--udp*) OPTS="$OPTS --udp $UDP_PORTS"; UDP=yes ;;
*) echo "note: 'iotcert ${CMD%% *}' has no --udp: the udp rows cannot be found" ;;
esac

lab_up || { echo "t_discovery: lab did not come up"; exit 1; }
lab_device_start || { echo "t_discovery: lab device did not start"; exit 1; }
echo "lab device: $LAB_V4, $LAB_V6, $LAB_LL_SCOPED (harness netns $LAB_NS_H)"

# svc REPORT TRANSPORT PORT ATTR: an attribute of one inventory service.
svc() {
	xq "$1" "//*[local-name()='inventory']/*[local-name()='service'][@transport='$2'][@port='$3']/@$4"
}

# listing REPORT: "transport/port" of every inventory service, sorted.
listing() {
	_n=$(xq "$1" "count(//*[local-name()='inventory']/*[local-name()='service'])")
	_k=1
	while [ "$_k" -le "${_n:-0}" ]; do
		_s="(//*[local-name()='inventory']/*[local-name()='service'])[$_k]"
		echo "$(xq "$1" "$_s/@transport")/$(xq "$1" "$_s/@port")"
		_k=$((_k + 1))
	done | sort
}

# check_inventory LABEL TARGET: discover TARGET from the harness namespace
# and assert the exact inventory.
check_inventory() {
	echo "== $1: iotcert $CMD --target $2"
	out=$LAB_DIR/out-$(echo "$1" | tr -c 'A-Za-z0-9\n' _)
	timeout "$TIMEOUT" ip netns exec "$LAB_NS_H" "$BUILD/iotcert" $CMD -q $OPTS \
		--target "$2" --ports "$TCP_PORTS" --out "$out" >"$out.log" 2>&1
	rc=$?
	assert_eq "$1: exit code 0" 0 "$rc"
	[ "$rc" -eq 0 ] || sed 's/^/    /' "$out.log" | tail -5
	R=$out/report.xml
	if [ ! -s "$R" ]; then
		bad "$1: no report.xml"
		return
	fi
	if xmllint --noout --schema "$XSD" "$R" 2>"$out.xsd"; then
		ok "$1: report validates against the XSD"
	else
		bad "$1: report does not validate: $(head -3 "$out.xsd")"
	fi
	inv="//*[local-name()='inventory']"
	ntcp=$(echo "$EXPECTED" | grep -c '^tcp')
	assert_eq "$1: all TCP ports scanned" 65535 "$(xq "$R" "$inv/@ports-scanned")"
	assert_eq "$1: every other TCP port closed (RST)" $((65535 - ntcp)) "$(xq "$R" "$inv/@closed")"
	assert_eq "$1: no TCP port filtered" 0 "$(xq "$R" "$inv/@filtered")"
	if [ "$UDP" = yes ]; then
		nudp=$(echo "$UDP_PORTS" | tr ',' '\n' | grep -c .)
		assert_eq "$1: all UDP ports probed" "$nudp" "$(xq "$R" "$inv/@udp-ports-scanned")"
		assert_eq "$1: the other UDP ports closed (ICMP unreachable)" \
			$((nudp - $(echo "$EXPECTED" | grep -c '^udp'))) "$(xq "$R" "$inv/@udp-closed")"
	fi
	while read -r tr port proto tls product; do
		[ -n "$tr" ] || continue
		got=$(svc "$R" "$tr" "$port" protocol)
		if [ -z "$got" ]; then
			bad "$1: $tr/$port is $proto: not in the inventory"
			continue
		fi
		assert_eq "$1: $tr/$port is $proto" "$proto" "$got"
		assert_eq "$1: $tr/$port tls=$tls" "$tls" "$(svc "$R" "$tr" "$port" tls)"
		[ "$product" = - ] ||
			assert_eq "$1: $tr/$port product $product" "$product" "$(svc "$R" "$tr" "$port" product)"
	done <<EOF
$EXPECTED
EOF
	echo "$EXPECTED" | awk 'NF { print $1 "/" $2 }' | sort >"$out.want"
	listing "$R" >"$out.got"
	if cmp -s "$out.want" "$out.got"; then
		ok "$1: exactly the expected services, no other"
	else
		bad "$1: inventory differs: missing [$(comm -23 "$out.want" "$out.got" | tr '\n' ' ')]" \
			"extra [$(comm -13 "$out.want" "$out.got" | tr '\n' ' ')]"
	fi
	wrong=$(xq "$R" "count(//*[local-name()='inventory']/*[local-name()='service'][@address!='$2'])")
	assert_eq "$1: every service carries the target address" 0 "$wrong"
}

# The lab first: what the device really listens on (its sockets, read with
# ss inside its namespace) must be the expected list, so that a failure
# below is iotcert's and not the lab's.
echo "== lab self-check: listening sockets of the device"
# port-of TRANSPORT: "transport/port" of each non-loopback socket ss lists.
port_of() {
	awk -v t="$1" '$4 !~ /^(127\.|\[::1\])/ { p = $4; sub(/.*:/, "", p); print t "/" p }'
}
{ lab_d ss -Hltn | port_of tcp; lab_d ss -Hlun | port_of udp; } | sort -u >"$LAB_DIR/listening"
echo "$EXPECTED" | awk 'NF { print $1 "/" $2 }' | sort >"$LAB_DIR/expected"
assert_eq "device listens on exactly the expected ports" \
	"$(tr '\n' ' ' <"$LAB_DIR/expected")" "$(tr '\n' ' ' <"$LAB_DIR/listening")"

check_inventory "IPv4" "$LAB_V4"
check_inventory "IPv6 ULA" "$LAB_V6"
check_inventory "IPv6 link-local" "$LAB_LL_SCOPED"

echo "== cleartext logins of the lab device (5.5-1): telnet and SNMP v1/v2c"
timeout 300 ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture --ports 2323 \
	--udp 161 --target "$LAB_V4" --select IOT-5.5-1-CLEARTEXT-LOGIN --out "$LAB_DIR/clear" \
	>"$LAB_DIR/clear.log" 2>&1
R=$LAB_DIR/clear/report.xml
assert_eq "snmpd answering v2c with community public FAILs 5.5-1" FAIL \
	"$(verdict "$R" IOT-5.5-1-CLEARTEXT-LOGIN@udp/161)"
assert_eq "... with a cleartext-login finding naming the port" "udp 161" \
	"$(xq "$R" "//*[local-name()='finding'][@kind='cleartext-login'][@protocol='snmp']/@transport") $(xq "$R" "//*[local-name()='finding'][@kind='cleartext-login'][@protocol='snmp']/@port")"
assert_eq "BusyBox telnetd's login prompt FAILs 5.5-1" FAIL \
	"$(verdict "$R" IOT-5.5-1-CLEARTEXT-LOGIN@tcp/2323)"

echo "== teardown"
ns_h=$LAB_NS_H; ns_d=$LAB_NS_D; pids=$LAB_PIDS
lab_down
left=$(ip netns list | grep -c -e "^$ns_h\b" -e "^$ns_d\b")
assert_eq "no lab namespace left" 0 "$left"
alive=""
for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
assert_eq "no daemon left running" "" "$alive"

finish t_discovery
