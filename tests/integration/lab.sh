# Integration lab: a device under test made of real Debian daemons in a
# network namespace of its own, reached by the harness, in a second
# namespace, through a veth pair.  Sourced (POSIX sh); needs root, iproute2
# and the daemons' packages (scripts/deps.sh TEST_PKGS).
#
# Topology (both ends are namespaces this file creates: the host's own
# interfaces, addresses and routes are never touched):
#
#   netns $LAB_NS_H (harness)                 netns $LAB_NS_D (device)
#   lab0  198.51.100.1/24     <-- veth -->    lab1  198.51.100.2/24
#         fdec:303:645::1/64                        fdec:303:645::2/64
#         fe80::1c:e7ff:fe00:1                      fe80::1c:e7ff:fe00:2
#
# 198.51.100.0/24 is TEST-NET-2 (RFC 5737) and fdec:303:645::/64 a ULA
# (RFC 4193); neither is routed anywhere outside the pair.  Override with
# LAB_NET4 (first three octets) and LAB_NET6 (a /64 prefix without "::").
#
# Usage:
#   . tests/integration/lab.sh
#   lab_up            # namespaces, veth, addresses; installs an EXIT trap
#   lab_device_start  # the standard device (see lab_device_start below)
#   lab_h CMD...      # run CMD in the harness namespace
#   lab_d CMD...      # run CMD in the device namespace
#   lab_down          # idempotent teardown (also run by the trap)
#
# lab_up replaces the caller's EXIT/INT/TERM traps; a script with cleanup of
# its own puts it in a trap set after lab_up that also calls lab_down.
#
# After lab_up: LAB_DIR (temp dir for configs and logs), LAB_NS_H, LAB_NS_D,
# LAB_IF_H / LAB_IF_D (interface names inside the namespaces), LAB_V4 /
# LAB_V6 / LAB_LL (the device's IPv4, ULA and link-local addresses),
# LAB_LL_SCOPED (link-local with the harness-side scope, fe80::...%lab0).

LAB_NET4=${LAB_NET4:-198.51.100}
LAB_NET6=${LAB_NET6:-fdec:303:645:}
LAB_IF_H=lab0
LAB_IF_D=lab1
LAB_PIDS=""
LAB_NS_H=""
LAB_NS_D=""
LAB_DIR=""
LAB_WAIT=${LAB_WAIT:-100}	# readiness polls, 0.1 s apart
LAB_UUID=8f1a3c2e-0000-4000-8000-021ce7000002	# the UPnP device's UDN

lab_log() { echo "lab: $*" >&2; }

lab_h() { ip netns exec "$LAB_NS_H" "$@"; }
lab_d() { ip netns exec "$LAB_NS_D" "$@"; }

# Namespaces are named iotcert-lab-<PID>-{h,d} after the shell that made
# them, and so is the temp dir; those of a shell that no longer exists
# (killed with -9) are leftovers of this lab, removed with their processes.
lab_reap_stale() {
	for _ns in $(ip netns list 2>/dev/null | sed -n 's/^\(iotcert-lab-[0-9]*-[hd]\)\b.*/\1/p'); do
		_owner=${_ns#iotcert-lab-}; _owner=${_owner%-?}
		kill -0 "$_owner" 2>/dev/null && continue
		lab_log "removing stale namespace $_ns"
		lab_ns_kill "$_ns"
		ip netns del "$_ns" 2>/dev/null
	done
	for _d in "${TMPDIR:-/tmp}"/iotcert-lab-*.*; do
		[ -d "$_d" ] || continue
		_owner=${_d##*/iotcert-lab-}; _owner=${_owner%%.*}
		case $_owner in *[!0-9]*|'') continue ;; esac
		kill -0 "$_owner" 2>/dev/null || rm -rf "$_d"
	done
}

# lab_ns_kill NS: end every process living in a namespace this lab made.
lab_ns_kill() {
	_p=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$_p" ] || return 0
	kill $_p 2>/dev/null
	_i=0
	while [ -n "$(ip netns pids "$1" 2>/dev/null)" ] && [ $_i -lt 30 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	_p=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$_p" ] && kill -9 $_p 2>/dev/null
	return 0
}

lab_up() {
	lab_reap_stale
	LAB_NS_H=iotcert-lab-$$-h
	LAB_NS_D=iotcert-lab-$$-d
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/iotcert-lab-$$.XXXXXX") || return 1
	chmod 755 "$LAB_DIR"
	trap 'lab_down' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	ip netns add "$LAB_NS_H" || { lab_log "cannot create $LAB_NS_H"; return 1; }
	ip netns add "$LAB_NS_D" || { lab_log "cannot create $LAB_NS_D"; return 1; }
	for _ns in "$LAB_NS_H" "$LAB_NS_D"; do
		ip netns exec "$_ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0 >/dev/null 2>&1
		ip -n "$_ns" link set lo up
	done
	# Closed UDP ports answer ICMP port unreachable every time, not at the
	# kernel's default of one a second per peer: discovery results must not
	# depend on timing.
	ip netns exec "$LAB_NS_D" sysctl -qw net.ipv4.icmp_ratelimit=0 \
		net.ipv6.icmp.ratelimit=0 >/dev/null 2>&1
	# Created inside the harness namespace, the peer directly inside the
	# device namespace: the root namespace never sees either end.
	ip -n "$LAB_NS_H" link add "$LAB_IF_H" address 02:1c:e7:00:00:01 type veth \
		peer name "$LAB_IF_D" address 02:1c:e7:00:00:02 netns "$LAB_NS_D" ||
		{ lab_log "cannot create the veth pair"; return 1; }
	ip netns exec "$LAB_NS_H" sysctl -qw net.ipv6.conf.$LAB_IF_H.accept_dad=0 >/dev/null 2>&1
	ip netns exec "$LAB_NS_D" sysctl -qw net.ipv6.conf.$LAB_IF_D.accept_dad=0 >/dev/null 2>&1
	ip -n "$LAB_NS_H" addr add "$LAB_NET4.1/24" dev "$LAB_IF_H"
	ip -n "$LAB_NS_D" addr add "$LAB_NET4.2/24" dev "$LAB_IF_D"
	ip -n "$LAB_NS_H" -6 addr add "$LAB_NET6:1/64" dev "$LAB_IF_H" nodad
	ip -n "$LAB_NS_D" -6 addr add "$LAB_NET6:2/64" dev "$LAB_IF_D" nodad
	ip -n "$LAB_NS_H" link set "$LAB_IF_H" up
	ip -n "$LAB_NS_D" link set "$LAB_IF_D" up
	# Multicast (SSDP, mDNS) leaves through the veth too.
	ip -n "$LAB_NS_D" route add 224.0.0.0/4 dev "$LAB_IF_D" 2>/dev/null
	ip -n "$LAB_NS_H" route add 224.0.0.0/4 dev "$LAB_IF_H" 2>/dev/null
	LAB_V4=$LAB_NET4.2
	LAB_V6=$LAB_NET6:2
	_i=0
	LAB_LL=""
	while :; do
		LAB_LL=$(ip -n "$LAB_NS_D" -6 -o addr show dev "$LAB_IF_D" scope link 2>/dev/null |
			grep -v tentative | sed -n 's/.* inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p' | head -1)
		_hl=$(ip -n "$LAB_NS_H" -6 -o addr show dev "$LAB_IF_H" scope link 2>/dev/null | grep -v tentative)
		[ -n "$LAB_LL" ] && [ -n "$_hl" ] && break
		_i=$((_i + 1))
		[ $_i -gt "$LAB_WAIT" ] && { lab_log "no link-local address on $LAB_IF_D"; return 1; }
		sleep 0.1
	done
	LAB_LL_SCOPED="$LAB_LL%$LAB_IF_H"
	# Both ends must have carrier before anything is started.
	_i=0
	until ip -n "$LAB_NS_H" link show "$LAB_IF_H" | grep -q 'LOWER_UP.* state UP' &&
	    ip -n "$LAB_NS_D" link show "$LAB_IF_D" | grep -q 'LOWER_UP.* state UP'; do
		_i=$((_i + 1))
		[ $_i -gt "$LAB_WAIT" ] && { lab_log "veth pair does not come up"; return 1; }
		sleep 0.1
	done
	return 0
}

# lab_bg NAME CMD...: start CMD in the device namespace in the background
# (it must stay in the foreground itself), log to $LAB_DIR/NAME.log.
lab_bg() {
	_name=$1; shift
	ip netns exec "$LAB_NS_D" "$@" >"$LAB_DIR/$_name.log" 2>&1 </dev/null &
	LAB_PIDS="$LAB_PIDS $!"
	eval "LAB_PID_$(echo "$_name" | tr -c 'A-Za-z0-9\n' _)=$!"
}

# lab_wait_listen PROTO PORT [NAME]: bounded wait until something listens on
# PROTO (tcp|udp) PORT in the device namespace.
lab_wait_listen() {
	_opt=-Hltn; [ "$1" = udp ] && _opt=-Hlun
	_i=0
	until [ -n "$(ip netns exec "$LAB_NS_D" ss $_opt "sport = :$2" 2>/dev/null)" ]; do
		_i=$((_i + 1))
		if [ $_i -gt "$LAB_WAIT" ]; then
			lab_log "${3:-daemon} not listening on $1/$2 after $((LAB_WAIT / 10)) s"
			[ -n "${3:-}" ] && [ -f "$LAB_DIR/$3.log" ] && tail -5 "$LAB_DIR/$3.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# lab_wait_v6 PROTO PORT NAME: the same, for a socket that accepts IPv6
# (a v6 or dual-stack wildcard, or the ULA address).
lab_wait_v6() {
	_opt=-Hltn6; [ "$1" = udp ] && _opt=-Hlun6
	_i=0
	until [ -n "$(ip netns exec "$LAB_NS_D" ss $_opt "sport = :$2" 2>/dev/null)" ]; do
		_i=$((_i + 1))
		[ $_i -gt "$LAB_WAIT" ] && { lab_log "$3 not listening on IPv6 $1/$2"; return 1; }
		sleep 0.1
	done
}

lab_down() {
	trap - EXIT INT TERM HUP
	for _p in $LAB_PIDS; do kill "$_p" 2>/dev/null; done
	for _p in $LAB_PIDS; do
		_i=0
		while kill -0 "$_p" 2>/dev/null && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
		kill -9 "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	LAB_PIDS=""
	for _ns in "$LAB_NS_D" "$LAB_NS_H"; do
		[ -n "$_ns" ] || continue
		lab_ns_kill "$_ns"
		ip netns del "$_ns" 2>/dev/null	# takes the veth pair with it
	done
	LAB_NS_D=""; LAB_NS_H=""
	[ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ] && rm -rf "$LAB_DIR"
	LAB_DIR=""
	return 0
}

# ---- the standard device ------------------------------------------------

# A self-signed certificate for the TLS services, made at test time.
lab_cert() {
	[ -f "$LAB_DIR/tls/cert.pem" ] && return 0
	mkdir -p "$LAB_DIR/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lab-device.invalid" \
		-keyout "$LAB_DIR/tls/key.pem" -out "$LAB_DIR/tls/cert.pem" >/dev/null 2>&1 ||
		{ lab_log "openssl cannot make a certificate"; return 1; }
	chmod 644 "$LAB_DIR/tls/"*.pem
}

# Dropbear on 22 and on the odd port 2222, keys made for this run.
lab_start_ssh() {
	mkdir -p "$LAB_DIR/dropbear"
	dropbearkey -t ed25519 -f "$LAB_DIR/dropbear/ed25519" >/dev/null 2>&1 &&
	dropbearkey -t ecdsa -f "$LAB_DIR/dropbear/ecdsa" >/dev/null 2>&1 || {
		lab_log "dropbearkey failed"; return 1; }
	lab_bg dropbear dropbear -F -E -p 22 -p 2222 -r "$LAB_DIR/dropbear/ed25519" \
		-r "$LAB_DIR/dropbear/ecdsa" -P "$LAB_DIR/dropbear/pid"
	lab_wait_listen tcp 22 dropbear && lab_wait_listen tcp 2222 dropbear
}

# BusyBox telnetd on 2323 handing the connection to login(1).
lab_start_telnet() {
	_bb=$(command -v busybox) || { lab_log "busybox missing"; return 1; }
	lab_bg telnetd "$_bb" telnetd -F -p 2323 -l /bin/login
	lab_wait_listen tcp 2323 telnetd
}

# lighttpd: https on 443 (self-signed) and plain http on 8081.
lab_start_http() {
	lab_cert || return 1
	mkdir -p "$LAB_DIR/www" "$LAB_DIR/lighttpd"
	echo '<html><head><title>Lab device</title></head><body>lab device</body></html>' \
		>"$LAB_DIR/www/index.html"
	# The UPnP device description that the SSDP answers point to.
	cat >"$LAB_DIR/www/description.xml" <<EOF
<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>1</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
    <friendlyName>iotcert lab device</friendlyName>
    <manufacturer>iotcert lab</manufacturer>
    <modelName>LabDevice</modelName>
    <modelNumber>1.0</modelNumber>
    <UDN>uuid:$LAB_UUID</UDN>
  </device>
</root>
EOF
	cat >"$LAB_DIR/lighttpd/lighttpd.conf" <<EOF
server.modules = ( "mod_openssl" )
server.document-root = "$LAB_DIR/www"
server.errorlog = "$LAB_DIR/lighttpd/error.log"
server.pid-file = "$LAB_DIR/lighttpd/pid"
server.port = 8081
server.bind = "0.0.0.0"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".xml" => "text/xml" )
\$SERVER["socket"] == "[::]:8081" { }
\$SERVER["socket"] == "0.0.0.0:443" {
	ssl.engine = "enable"
	ssl.pemfile = "$LAB_DIR/tls/cert.pem"
	ssl.privkey = "$LAB_DIR/tls/key.pem"
}
\$SERVER["socket"] == "[::]:443" {
	ssl.engine = "enable"
	ssl.pemfile = "$LAB_DIR/tls/cert.pem"
	ssl.privkey = "$LAB_DIR/tls/key.pem"
}
EOF
	lab_bg lighttpd lighttpd -D -f "$LAB_DIR/lighttpd/lighttpd.conf"
	lab_wait_listen tcp 8081 lighttpd && lab_wait_listen tcp 443 lighttpd
}

# Mosquitto: anonymous MQTT on 1883, MQTT over TLS on 8883.
lab_start_mqtt() {
	lab_cert || return 1
	mkdir -p "$LAB_DIR/mosquitto"
	cat >"$LAB_DIR/mosquitto/mosquitto.conf" <<EOF
user root
persistence false
log_dest stderr
per_listener_settings false
allow_anonymous true
pid_file $LAB_DIR/mosquitto/pid
listener 1883
listener 8883
certfile $LAB_DIR/tls/cert.pem
keyfile $LAB_DIR/tls/key.pem
EOF
	lab_bg mosquitto mosquitto -c "$LAB_DIR/mosquitto/mosquitto.conf"
	lab_wait_listen tcp 1883 mosquitto && lab_wait_listen tcp 8883 mosquitto
}

# libcoap's example server: CoAP on udp/5683.
lab_start_coap() {
	_cs=$(command -v coap-server-notls || command -v coap-server-openssl ||
		command -v coap-server) || { lab_log "coap-server missing (libcoap3-bin)"; return 1; }
	lab_bg coap-server "$_cs" -A :: -p 5683
	lab_wait_listen udp 5683 coap-server
}

# Net-SNMP's snmpd, read-only community "public", on udp/161 (v4 and v6).
lab_start_snmp() {
	mkdir -p "$LAB_DIR/snmpd"
	cat >"$LAB_DIR/snmpd/snmpd.conf" <<EOF
agentAddress udp:161,udp6:161
rocommunity public default
rocommunity6 public default
sysLocation lab bench
sysContact lab@example.invalid
sysName lab-device
sysDescr iotcert lab device (Net-SNMP)
EOF
	lab_bg snmpd snmpd -f -Lo -C -I -smux -c "$LAB_DIR/snmpd/snmpd.conf" -p "$LAB_DIR/snmpd/pid" \
		-M /usr/share/snmp/mibs -m ""
	lab_wait_listen udp 161 snmpd
}

# SSDP/UPnP on udp/1900: minissdpd (v4 and v6) answers M-SEARCH, unicast
# included, for the root device registered through its socket here; the
# LOCATION is the description.xml that lighttpd serves on 8081.
lab_start_ssdp() {
	mkdir -p "$LAB_DIR/ssdp"
	lab_bg minissdpd minissdpd -d -6 -i "$LAB_IF_D" -s "$LAB_DIR/ssdp/sock" \
		-p "$LAB_DIR/ssdp/pid"
	lab_wait_listen udp 1900 minissdpd || return 1
	_i=0
	until [ -S "$LAB_DIR/ssdp/sock" ]; do
		_i=$((_i + 1))
		[ $_i -gt "$LAB_WAIT" ] && { lab_log "minissdpd made no socket"; return 1; }
		sleep 0.1
	done
	lab_d python3 - "$LAB_DIR/ssdp/sock" "$LAB_UUID" "http://$LAB_V4:8081/description.xml" <<'EOF' ||
import socket, sys, time

def field(s):  # minissdpd's length prefix: 7-bit groups, high bit = more
    b = s.encode()
    n, groups = len(b) >> 7, [len(b) & 0x7f]
    while n:
        groups.insert(0, (n & 0x7f) | 0x80)
        n >>= 7
    return bytes(groups) + b

sock, uuid, location = sys.argv[1:4]
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.settimeout(5)
u.connect(sock)
for st in ("upnp:rootdevice", "urn:schemas-upnp-org:device:Basic:1"):
    u.sendall(bytes([4]) + field(st) + field("uuid:%s::%s" % (uuid, st)) +
              field("Linux UPnP/1.1 LabDevice/1.0") + field(location))
time.sleep(0.2)  # let minissdpd read both before the socket closes
u.close()
EOF
	{ lab_log "cannot register the UPnP device with minissdpd"; return 1; }
	_i=0
	until grep -q "location=.*description.xml" "$LAB_DIR/minissdpd.log" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt "$LAB_WAIT" ] && { lab_log "minissdpd did not take the registration"; return 1; }
		sleep 0.1
	done
}

# The standard lab device: every daemon above.  LAB_SERVICES chooses a
# subset (words: ssh telnet http mqtt coap ssdp snmp).
lab_device_start() {
	for _s in ${LAB_SERVICES:-ssh telnet http mqtt coap ssdp snmp}; do
		"lab_start_$_s" || { lab_log "$_s did not start"; return 1; }
	done
}
