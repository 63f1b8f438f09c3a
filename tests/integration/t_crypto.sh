#!/bin/sh
# Crypto posture (EN 303 645 5.5-1, 5.1-3; TS 103 701 5.5-1-2) measured on
# real daemons in the lab (see lab.sh): the tls-posture probe
# (IOT-5.5-1-TLS-POSTURE) and the ssh-algorithms probe
# (IOT-5.5-1-SSH-ALGORITHMS), each judged by the default crypto policy
# profiles/crypto/best-practice.yaml, and asserted exactly both ways: every
# weak configuration FAILs with exactly the findings the policy implies
# (kind and attributes), every strong one PASSes with none but the notes
# the policy only reports (a self-signed certificate).
#
# TLS, each daemon once weak and once strong:
#   openssl s_server -www   weak: TLS 1.0-1.2, NULL, anonymous DH (1024-bit
#                           temporary parameters), static RSA and CBC-SHA1
#                           suites, a 1024-bit RSA certificate signed with
#                           SHA-1 that names no address.  It serves one
#                           connection at a time, as many small devices do.
#                           strong: TLS 1.2 and 1.3, ECDHE-ECDSA with
#                           AES-GCM/ChaCha20 only, P-256 certificate naming
#                           the device's address.
#   lighttpd (mod_openssl)  weak: MinProtocol TLSv1, SECLEVEL 0, DHE with a
#                           1024-bit dh-file (lighttpd itself refuses the
#                           NULL and anonymous suites: checked below).
#                           strong: TLS 1.2+, ECDHE-RSA AEAD suites, RSA
#                           3072 certificate naming the address.
#   Mosquitto 2 listener    weak: tls_version tlsv1.1 (its lowest: a minimum,
#                           so TLS 1.3 stays on), ciphers at SECLEVEL 0.
#                           strong: tls_version tlsv1.2, ECDHE AEAD only.
# Debian 12's OpenSSL 3.0 has no 3DES, RC4 or DES suites left, even at
# SECLEVEL 0: the suites the policy refuses here are NULL and anonymous ones.
# SSH:
#   OpenSSH sshd            weak: the defaults plus the legacy names a
#                           vendor adds "for old clients" (SHA-1 exchanges,
#                           CBC and 3DES, MD5 and 96-bit MACs, ssh-rsa with a
#                           1024-bit key, ssh-dss).  strong: sntrup/curve25519,
#                           chacha20/AES-GCM, ETM MACs, an Ed25519 key only.
#   Dropbear 2022.83        as Debian builds it (no run-time algorithm
#                           options): once with Ed25519+ECDSA keys, once
#                           with a single 1024-bit RSA key.
# Before the harness runs, the lab checks itself with independent clients
# (openssl s_client, ssh -vv) so that a failure below is iotcert's, not the
# lab's.  All weak services are judged in one run, all strong ones in a
# second; both reports must validate against the XSD.  Needs root (network
# namespaces; sshd's privilege separation).
set -u
BUILD=${1:-build}
LC_ALL=C; export LC_ALL	# sort and comm below compare byte-wise
. tests/lib/assert.sh
. tests/integration/lab.sh

TLS=IOT-5.5-1-TLS-POSTURE
SSH=IOT-5.5-1-SSH-ALGORITHMS
XSD=reports/iotcert-report.xsd
# One port per daemon.
S_WEAK=4431; S_STRONG=4432		# openssl s_server
L_WEAK=4433; L_STRONG=4434		# lighttpd
M_WEAK=8883; M_STRONG=8884		# mosquitto
SSHD_WEAK=2201; SSHD_STRONG=2202	# OpenSSH
DB_DEF=2203; DB_RSA=2204		# dropbear
WEAK_PORTS=$S_WEAK,$L_WEAK,$M_WEAK,$SSHD_WEAK,$DB_DEF,$DB_RSA
STRONG_PORTS=$S_STRONG,$L_STRONG,$M_STRONG,$SSHD_STRONG
SSHD=/usr/sbin/sshd

[ -x "$BUILD/iotcert" ] || { echo "t_crypto: $BUILD/iotcert missing (make first)"; exit 1; }
for _c in openssl lighttpd mosquitto dropbear dropbearkey ssh-keygen xmllint; do
	command -v "$_c" >/dev/null 2>&1 ||
		{ echo "t_crypto: SKIPPED ($_c missing: make deps)"; exit 0; }
done
[ -x "$SSHD" ] || { echo "t_crypto: SKIPPED ($SSHD missing: make deps)"; exit 0; }

lab_up || { echo "t_crypto: lab did not come up"; exit 1; }
echo "lab device: $LAB_V4 (harness netns $LAB_NS_H)"

# ---- certificates and keys, made for this run ---------------------------
K=$LAB_DIR/keys
mkdir -p "$K" && chmod 755 "$K"
# Weak: RSA 1024, SHA-1 signature, a name that is not the device's address.
openssl req -x509 -newkey rsa:1024 -sha1 -nodes -days 2 -subj "/CN=weak.lab-device.invalid" \
	-keyout "$K/weak.key" -out "$K/weak.crt" >/dev/null 2>&1 &&
# Strong: ECDSA P-256 / RSA 3072, SHA-256, the address in subjectAltName.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -nodes -days 2 \
	-subj "/CN=lab-device.invalid" -addext "subjectAltName=IP:$LAB_V4" \
	-keyout "$K/ec.key" -out "$K/ec.crt" >/dev/null 2>&1 &&
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 2 \
	-subj "/CN=lab-device.invalid" -addext "subjectAltName=IP:$LAB_V4" \
	-keyout "$K/rsa3072.key" -out "$K/rsa3072.crt" >/dev/null 2>&1 &&
# 1024-bit DH parameters for lighttpd's DHE suites (DSA-style: fast to make).
openssl dhparam -dsaparam -out "$K/dh1024.pem" 1024 >/dev/null 2>&1 ||
	{ echo "t_crypto: openssl cannot make the certificates"; exit 1; }
chmod 644 "$K"/*

# Cipher lists (TLS <= 1.2; TLS 1.3 suites are all AEAD and left at defaults).
WEAK_CIPHERS='NULL-MD5:NULL-SHA256:ADH-AES128-SHA:AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'
L_WEAK_CIPHERS='NULL-MD5:ADH-AES128-SHA:DHE-RSA-AES128-SHA:AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'
EC_CIPHERS='ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305'
RSA_CIPHERS='ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305'

# ---- the daemons ---------------------------------------------------------
lab_bg s_weak openssl s_server -www -accept $S_WEAK -cert "$K/weak.crt" -key "$K/weak.key" \
	-cipher "$WEAK_CIPHERS" -min_protocol TLSv1 -max_protocol TLSv1.2
lab_bg s_strong openssl s_server -www -accept $S_STRONG -cert "$K/ec.crt" -key "$K/ec.key" \
	-cipher "$EC_CIPHERS" -min_protocol TLSv1.2

# crypto_lighttpd NAME PORT CERT KEY EXTRA-LINE
crypto_lighttpd() {
	mkdir -p "$LAB_DIR/$1/www"
	echo "<html><body>lab device</body></html>" >"$LAB_DIR/$1/www/index.html"
	printf '%s\n' \
		'server.modules = ( "mod_openssl" )' \
		"server.document-root = \"$LAB_DIR/$1/www\"" \
		"server.errorlog = \"$LAB_DIR/$1/error.log\"" \
		"server.port = $2" \
		'server.bind = "0.0.0.0"' \
		'index-file.names = ( "index.html" )' \
		'ssl.engine = "enable"' \
		"ssl.pemfile = \"$3\"" \
		"ssl.privkey = \"$4\"" \
		"$5" >"$LAB_DIR/$1/lighttpd.conf"
	lab_bg "$1" lighttpd -D -f "$LAB_DIR/$1/lighttpd.conf"
}
crypto_lighttpd l_weak $L_WEAK "$K/weak.crt" "$K/weak.key" \
	"ssl.dh-file = \"$K/dh1024.pem\"
ssl.openssl.ssl-conf-cmd = ( \"MinProtocol\" => \"TLSv1\", \"MaxProtocol\" => \"TLSv1.2\", \"CipherString\" => \"$L_WEAK_CIPHERS\" )"
crypto_lighttpd l_strong $L_STRONG "$K/rsa3072.crt" "$K/rsa3072.key" \
	"ssl.openssl.ssl-conf-cmd = ( \"MinProtocol\" => \"TLSv1.2\", \"CipherString\" => \"$RSA_CIPHERS\" )"

# crypto_mosquitto NAME PORT CERT KEY TLS_VERSION CIPHERS
crypto_mosquitto() {
	mkdir -p "$LAB_DIR/$1"
	printf '%s\n' "user root" "persistence false" "log_dest stderr" "allow_anonymous true" \
		"listener $2" "certfile $3" "keyfile $4" "tls_version $5" "ciphers $6" \
		>"$LAB_DIR/$1/mosquitto.conf"
	lab_bg "$1" mosquitto -c "$LAB_DIR/$1/mosquitto.conf"
}
crypto_mosquitto m_weak $M_WEAK "$K/weak.crt" "$K/weak.key" tlsv1.1 "$WEAK_CIPHERS"
crypto_mosquitto m_strong $M_STRONG "$K/ec.crt" "$K/ec.key" tlsv1.2 "$EC_CIPHERS"

# crypto_sshd NAME PORT HOSTKEY-FILES ALGORITHM-LINES
crypto_sshd() {
	_c=$LAB_DIR/$1.conf
	{
		echo "ListenAddress 0.0.0.0:$2"
		for _k in $3; do echo "HostKey $_k"; done
		printf '%s\n' "PidFile $LAB_DIR/$1.pid" "UsePAM no" "PasswordAuthentication no" \
			"KbdInteractiveAuthentication no" "StrictModes no" "LogLevel ERROR" "$4"
	} >"$_c"
	lab_bg "$1" "$SSHD" -D -e -f "$_c"
}
H=$LAB_DIR/hostkeys
mkdir -p "$H" && chmod 700 "$H"
ssh-keygen -q -N '' -t ed25519 -f "$H/ed25519" &&
ssh-keygen -q -N '' -t rsa -b 1024 -f "$H/rsa1024" &&
ssh-keygen -q -N '' -t dsa -f "$H/dsa" || { echo "t_crypto: ssh-keygen failed"; exit 1; }
# sshd refuses to start without its privilege separation directory.
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }
crypto_sshd sshd_weak $SSHD_WEAK "$H/ed25519 $H/rsa1024 $H/dsa" \
"KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +aes128-cbc,3des-cbc
MACs +hmac-sha1-96,hmac-md5
HostKeyAlgorithms +ssh-rsa,ssh-dss"
crypto_sshd sshd_strong $SSHD_STRONG "$H/ed25519" \
"KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com
HostKeyAlgorithms ssh-ed25519"

D=$LAB_DIR/dropbear
mkdir -p "$D"
dropbearkey -t ed25519 -f "$D/ed25519" >/dev/null 2>&1 &&
dropbearkey -t ecdsa -f "$D/ecdsa" >/dev/null 2>&1 &&
dropbearkey -t rsa -s 1024 -f "$D/rsa1024" >/dev/null 2>&1 || { echo "t_crypto: dropbearkey failed"; exit 1; }
lab_bg db_def dropbear -F -E -p $DB_DEF -r "$D/ed25519" -r "$D/ecdsa" -P "$D/def.pid"
lab_bg db_rsa dropbear -F -E -p $DB_RSA -r "$D/rsa1024" -P "$D/rsa.pid"

for _d in s_weak:$S_WEAK s_strong:$S_STRONG l_weak:$L_WEAK l_strong:$L_STRONG \
    m_weak:$M_WEAK m_strong:$M_STRONG sshd_weak:$SSHD_WEAK sshd_strong:$SSHD_STRONG \
    db_def:$DB_DEF db_rsa:$DB_RSA; do
	lab_wait_listen tcp "${_d#*:}" "${_d%%:*}" || { echo "t_crypto: ${_d%%:*} did not start"; exit 1; }
done

# ---- lab self-check: what the daemons really accept ----------------------
echo "== lab self-check with openssl s_client and ssh -vv"
# handshake PORT VERSION-OPTION [CIPHERS]: s_client's view ("cipher" or "-").
handshake() {
	lab_h timeout 10 openssl s_client -connect "$LAB_V4:$1" "$2" \
		-cipher "${3:-ALL:COMPLEMENTOFALL:@SECLEVEL=0}" </dev/null 2>/dev/null |
		sed -n 's/^New, [^,]*, Cipher is \(.*\)$/\1/p' | sed 's/^(NONE)$/-/' | head -1
}
# accepts PORT: the versions s_client completes a handshake with.
accepts() {
	_v=""
	for _o in tls1:TLS1.0 tls1_1:TLS1.1 tls1_2:TLS1.2 tls1_3:TLS1.3; do
		_c=$(handshake "$1" "-${_o%%:*}")
		[ -n "$_c" ] && [ "$_c" != - ] && _v="$_v ${_o#*:}"
	done
	echo "${_v# }"
}
assert_eq "s_server weak accepts TLS 1.0-1.2" "TLS1.0 TLS1.1 TLS1.2" "$(accepts $S_WEAK)"
assert_eq "lighttpd weak accepts TLS 1.0-1.2" "TLS1.0 TLS1.1 TLS1.2" "$(accepts $L_WEAK)"
assert_eq "mosquitto weak accepts TLS 1.1-1.3" "TLS1.1 TLS1.2 TLS1.3" "$(accepts $M_WEAK)"
for _p in $S_STRONG $L_STRONG $M_STRONG; do
	assert_eq "strong tcp/$_p accepts TLS 1.2-1.3" "TLS1.2 TLS1.3" "$(accepts "$_p")"
done
assert_eq "s_server and mosquitto weak take NULL-MD5 and ADH over TLS 1.2" \
	"NULL-MD5 ADH-AES128-SHA NULL-MD5 ADH-AES128-SHA" \
	"$(handshake $S_WEAK -tls1_2 NULL-MD5:@SECLEVEL=0) $(handshake $S_WEAK -tls1_2 ADH-AES128-SHA:@SECLEVEL=0) $(handshake $M_WEAK -tls1_2 NULL-MD5:@SECLEVEL=0) $(handshake $M_WEAK -tls1_2 ADH-AES128-SHA:@SECLEVEL=0)"
assert_eq "lighttpd weak refuses NULL and anonymous suites, takes DHE" "- - DHE-RSA-AES128-SHA" \
	"$(handshake $L_WEAK -tls1_2 NULL-MD5:@SECLEVEL=0) $(handshake $L_WEAK -tls1_2 ADH-AES128-SHA:@SECLEVEL=0) $(handshake $L_WEAK -tls1_2 DHE-RSA-AES128-SHA:@SECLEVEL=0)"
assert_eq "s_server's and Mosquitto's anonymous DH and lighttpd's DHE use 1024-bit groups" \
	"DH, 1024 bits|DH, 1024 bits|DH, 1024 bits" \
	"$(for _x in $S_WEAK:ADH-AES128-SHA $M_WEAK:ADH-AES128-SHA $L_WEAK:DHE-RSA-AES128-SHA; do
		lab_h timeout 10 openssl s_client -connect "$LAB_V4:${_x%%:*}" -tls1_2 \
			-cipher "${_x#*:}:@SECLEVEL=0" </dev/null 2>/dev/null |
			sed -n 's/^Server Temp Key: //p'; done | paste -sd'|')"

# peer_kexinit PORT: the server's KEXINIT lists as OpenSSH's client logs
# them, "kex|hostkeys|ciphers|macs" (client-to-server directions).
peer_kexinit() {
	lab_h timeout 10 ssh -vv -F /dev/null -p "$1" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
		-o PubkeyAuthentication=no -o PasswordAuthentication=no \
		-o KbdInteractiveAuthentication=no -o GSSAPIAuthentication=no \
		-o HostbasedAuthentication=no labcheck@"$LAB_V4" true 2>&1 </dev/null | tr -d '\r' |
	awk '/peer server KEXINIT proposal/ { p = 1; next }
	     p && /debug2: KEX algorithms:/ { k = $NF }
	     p && /debug2: host key algorithms:/ { h = $NF }
	     p && /debug2: ciphers ctos:/ { c = $NF }
	     p && /debug2: MACs ctos:/ { m = $NF; print k "|" h "|" c "|" m; exit }'
}
KEXINIT_OK=yes
command -v ssh >/dev/null 2>&1 || { KEXINIT_OK=no; echo "  note: no ssh client: KEXINIT cross-checks left out"; }
for _p in $SSHD_WEAK $SSHD_STRONG $DB_DEF $DB_RSA; do
	[ $KEXINIT_OK = yes ] || break
	eval "PEER_$_p=\$(peer_kexinit $_p)"
	eval "_k=\$PEER_$_p"
	[ -n "$_k" ] && ok "ssh -vv reads the KEXINIT of tcp/$_p" || bad "ssh -vv read no KEXINIT on tcp/$_p"
done
if [ $KEXINIT_OK = yes ]; then
	# Dropbear 2022.83 announces RSA host key algorithms without an RSA key.
	eval "_k=\$PEER_$DB_DEF"
	assert_eq "dropbear with Ed25519+ECDSA keys still announces rsa-sha2-256,ssh-rsa" \
		"ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-256,ssh-rsa" "$(echo "$_k" | cut -d'|' -f2)"
	assert_eq "dropbear's MACs (hmac-sha1 is not refused by best-practice)" "hmac-sha1,hmac-sha2-256" \
		"$(echo "$_k" | cut -d'|' -f4)"
fi

# ---- reading reports -----------------------------------------------------
tc="//*[local-name()='testcase']"
# items REPORT INSTANCE FIELD: the items of a list field, one a line.
items() {
	xmllint --xpath "${tc}[@id='$2']/*[local-name()='fields']/*[local-name()='field'][@name='$3']/*/text()" \
		"$1" 2>/dev/null
}
# joined REPORT INSTANCE FIELD [SEP]: the same, on one line.
joined() { items "$1" "$2" "$3" | paste -sd"${4:- }"; }
field() {
	xq "$1" "${tc}[@id='$2']/*[local-name()='fields']/*[local-name()='field'][@name='$3']"
}
# findings REPORT INSTANCE: each finding of the instance as one line, kind
# then the attributes that describe it in a fixed order (the volatile ones,
# sha256 and not-after, and the service's own are left to other checks).
findings() {
	xmllint --xpath "${tc}[@id='$2']/*[local-name()='finding']/@*" "$1" 2>/dev/null |
	awk 'BEGIN { n = split("severity suite version group dh-bits feature type algorithm key-type key-bits signature-algorithm self-signed issue", order, " ") }
	function flush(  i, s) {
		if (kind == "") return
		s = kind
		for (i = 1; i <= n; i++) if (order[i] in a) s = s "|" order[i] "=" a[order[i]]
		print s
		delete a; kind = ""
	}
	{
		line = $0; sub(/^ +/, "", line)
		eq = index(line, "=\""); if (eq == 0) next
		name = substr(line, 1, eq - 1); val = substr(line, eq + 2); sub(/"$/, "", val)
		gsub(/&quot;/, "\"", val); gsub(/&lt;/, "<", val); gsub(/&gt;/, ">", val); gsub(/&amp;/, "\\&", val)
		if (name == "kind") { flush(); kind = val; next }
		a[name] = val
	}
	END { flush() }' | sort
}
# expect_findings REPORT INSTANCE PROTOCOL PORT <<EOF: the instance's
# findings are exactly the lines given (any order), and each names the
# service (transport, port, protocol).
expect_findings() {
	_want=$(grep -v '^[[:space:]]*$' | sort)
	_got=$(findings "$1" "$2")
	_nw=$(printf '%s' "$_want" | grep -c .)
	if [ "$_want" = "$_got" ]; then
		ok "$2: exactly the expected findings ($_nw)"
	else
		bad "$2: findings differ"
		printf '%s\n' "$_want" >"$LAB_DIR/want"; printf '%s\n' "$_got" >"$LAB_DIR/got"
		comm -23 "$LAB_DIR/want" "$LAB_DIR/got" | grep . | sed 's/^/         missing: /'
		comm -13 "$LAB_DIR/want" "$LAB_DIR/got" | grep . | sed 's/^/         extra:   /'
	fi
	_f="${tc}[@id='$2']/*[local-name()='finding']"
	assert_eq "$2: $_nw findings name $3 on tcp/$4" "$_nw" \
		"$(xq "$1" "count(${_f}[@transport='tcp'][@port='$4'][@protocol='$3'])")"
}
# empty_list REPORT INSTANCE FIELD: the list field is there, and empty.
empty_list() {
	_x="${tc}[@id='$2']/*[local-name()='fields']/*[local-name()='field'][@name='$3']"
	assert_eq "$2: $3 is an empty list" "1 0" "$(xq "$1" "count($_x)") $(xq "$1" "count($_x/*)")"
}
# reason_is REPORT INSTANCE PREFIX FIELD: the verdict's reason is PREFIX
# followed by the items of FIELD, comma-separated.
reason_is() {
	assert_eq "$2: reason" "$3$(items "$1" "$2" "$4" | awk 'NR > 1 { printf ", " } { printf "%s", $0 }')" \
		"$(xq "$1" "${tc}[@id='$2']/*[local-name()='reason']")"
}
svc() {
	xq "$1" "//*[local-name()='inventory']/*[local-name()='service'][@transport='tcp'][@port='$2']/@$3"
}
# identified REPORT PORT PROTOCOL TLS
identified() {
	assert_eq "discovery: tcp/$2 is $3 (tls=$4)" "$3 $4" "$(svc "$1" "$2" protocol) $(svc "$1" "$2" tls)"
}
# run_iotcert NAME PORTS: one run of both cases; sets R.
run_iotcert() {
	_o=$LAB_DIR/$1
	timeout 600 ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture --udp none \
		--ports "$2" --target "$LAB_V4" --select $TLS,$SSH --out "$_o" >"$_o.log" 2>&1
	RC=$?
	R=$_o/report.xml
	if [ ! -s "$R" ]; then
		bad "$1 run: no report.xml (exit $RC)"
		sed 's/^/    /' "$_o.log" | tail -5
		return 1
	fi
	if xmllint --noout --schema $XSD "$R" 2>"$_o.xsd"; then
		ok "$1 run: report validates against the XSD"
	else
		bad "$1 run: report does not validate: $(head -3 "$_o.xsd")"
	fi
}

# Certificate findings: the same facts ride on each.
CERT_WEAK='key-type=RSA|key-bits=1024|signature-algorithm=sha1WithRSAEncryption|self-signed=true'
CERT_EC='key-type=EC|key-bits=256|signature-algorithm=ecdsa-with-SHA256|self-signed=true'
CERT_RSA3072='key-type=RSA|key-bits=3072|signature-algorithm=sha256WithRSAEncryption|self-signed=true'
WEAK_CERT_FINDINGS="certificate|$CERT_WEAK|issue=the certificate's RSA key has 1024 bits, below the 2048 bits crypto policy best-practice requires
certificate|$CERT_WEAK|issue=the certificate is signed with SHA1, whose collisions are practical
certificate|severity=note|$CERT_WEAK|issue=the certificate is self-signed
certificate|severity=note|$CERT_WEAK|issue=the certificate does not name the address or host name tested"

# ---- the weak device -----------------------------------------------------
echo "== weak configurations: iotcert run --ports $WEAK_PORTS"
T0=$(date +%s)
if run_iotcert weak "$WEAK_PORTS"; then
	assert_eq "weak run: exit code 1 (a FAIL)" 1 "$RC"
	identified "$R" $S_WEAK https true
	identified "$R" $L_WEAK https true
	identified "$R" $M_WEAK mqtts true
	for _p in $SSHD_WEAK $DB_DEF $DB_RSA; do identified "$R" "$_p" ssh false; done

	echo "-- openssl s_server -www, weak (tcp/$S_WEAK)"
	I=$TLS@tcp/$S_WEAK
	assert_eq "$I FAILs" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I versions" "TLS1.0 TLS1.1 TLS1.2" "$(joined "$R" "$I" versions)"
	assert_eq "$I suites (sorted)" \
		"$( (printf '%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA \
			TLS_RSA_WITH_NULL_MD5 TLS_DH_anon_WITH_AES_128_CBC_SHA | sed 's/^/TLS1.0:/'
		  printf '%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA \
			TLS_RSA_WITH_NULL_MD5 TLS_DH_anon_WITH_AES_128_CBC_SHA | sed 's/^/TLS1.1:/'
		  printf '%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA \
			TLS_RSA_WITH_NULL_MD5 TLS_DH_anon_WITH_AES_128_CBC_SHA TLS_RSA_WITH_NULL_SHA256 \
			TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 | sed 's/^/TLS1.2:/') | sort | paste -sd' ')" \
		"$(items "$R" "$I" suites | sort | paste -sd' ')"
	assert_eq "$I certificate fields" "RSA:1024 sha1WithRSAEncryption true" \
		"$(field "$R" "$I" cert_key) $(field "$R" "$I" cert_signature) $(field "$R" "$I" cert_self_signed)"
	assert_eq "$I notes: static RSA and CBC-SHA1 reported, not failed" \
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA uses CBC mode with an HMAC-SHA1 record MAC (TLS1.0 TLS1.1 TLS1.2)|TLS_RSA_WITH_AES_128_CBC_SHA has no forward secrecy (static key exchange) (TLS1.0 TLS1.1 TLS1.2)|the certificate does not name the address or host name tested|the certificate is self-signed" \
		"$(items "$R" "$I" notes | sort | paste -sd'|')"
	expect_findings "$R" "$I" https $S_WEAK <<EOF
tls-version|version=TLS1.0
tls-version|version=TLS1.1
tls-cipher|suite=TLS_RSA_WITH_NULL_MD5|version=TLS1.0 TLS1.1 TLS1.2
tls-cipher|suite=TLS_DH_anon_WITH_AES_128_CBC_SHA|version=TLS1.0 TLS1.1 TLS1.2
tls-cipher|suite=TLS_RSA_WITH_NULL_SHA256|version=TLS1.2
tls-group|dh-bits=1024
$WEAK_CERT_FINDINGS
EOF

	echo "-- lighttpd, weak (tcp/$L_WEAK)"
	I=$TLS@tcp/$L_WEAK
	assert_eq "$I FAILs" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I versions" "TLS1.0 TLS1.1 TLS1.2" "$(joined "$R" "$I" versions)"
	assert_eq "$I suites (sorted)" \
		"$( (for _v in TLS1.0 TLS1.1 TLS1.2; do
			printf '%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_DHE_RSA_WITH_AES_128_CBC_SHA \
				TLS_RSA_WITH_AES_128_CBC_SHA | sed "s/^/$_v:/"; done
		   echo TLS1.2:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) | sort | paste -sd' ')" \
		"$(items "$R" "$I" suites | sort | paste -sd' ')"
	assert_eq "$I notes" \
		"TLS_DHE_RSA_WITH_AES_128_CBC_SHA uses CBC mode with an HMAC-SHA1 record MAC (TLS1.0 TLS1.1 TLS1.2)|TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA uses CBC mode with an HMAC-SHA1 record MAC (TLS1.0 TLS1.1 TLS1.2)|TLS_RSA_WITH_AES_128_CBC_SHA has no forward secrecy (static key exchange) (TLS1.0 TLS1.1 TLS1.2)|the certificate does not name the address or host name tested|the certificate is self-signed" \
		"$(items "$R" "$I" notes | sort | paste -sd'|')"
	# The reason names the service once, then the policy's refusals.
	reason_is "$R" "$I" "https on tcp/$L_WEAK: " violations
	expect_findings "$R" "$I" https $L_WEAK <<EOF
tls-version|version=TLS1.0
tls-version|version=TLS1.1
tls-group|dh-bits=1024
$WEAK_CERT_FINDINGS
EOF

	echo "-- Mosquitto TLS listener, weak (tcp/$M_WEAK)"
	I=$TLS@tcp/$M_WEAK
	assert_eq "$I FAILs" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I versions (tls_version is a minimum)" "TLS1.1 TLS1.2 TLS1.3" "$(joined "$R" "$I" versions)"
	assert_eq "$I suites (sorted)" \
		"$( (printf 'TLS1.1:%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA \
			TLS_RSA_WITH_NULL_MD5 TLS_DH_anon_WITH_AES_128_CBC_SHA
		  printf 'TLS1.2:%s\n' TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA \
			TLS_RSA_WITH_NULL_MD5 TLS_DH_anon_WITH_AES_128_CBC_SHA TLS_RSA_WITH_NULL_SHA256 \
			TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
		  printf 'TLS1.3:%s\n' TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
			TLS_CHACHA20_POLY1305_SHA256) | sort | paste -sd' ')" \
		"$(items "$R" "$I" suites | sort | paste -sd' ')"
	expect_findings "$R" "$I" mqtts $M_WEAK <<EOF
tls-version|version=TLS1.1
tls-cipher|suite=TLS_RSA_WITH_NULL_MD5|version=TLS1.1 TLS1.2
tls-cipher|suite=TLS_DH_anon_WITH_AES_128_CBC_SHA|version=TLS1.1 TLS1.2
tls-cipher|suite=TLS_RSA_WITH_NULL_SHA256|version=TLS1.2
tls-group|dh-bits=1024
$WEAK_CERT_FINDINGS
EOF

	echo "-- OpenSSH, weak (tcp/$SSHD_WEAK)"
	I=$SSH@tcp/$SSHD_WEAK
	assert_eq "$I FAILs" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I weak" "kex:diffie-hellman-group1-sha1|kex:diffie-hellman-group14-sha1|host-key:ssh-dss|cipher:aes128-cbc|cipher:3des-cbc|mac:hmac-sha1-96|mac:hmac-md5|host-key:ssh-rsa (1024 bits)" \
		"$(joined "$R" "$I" weak '|')"
	expect_findings "$R" "$I" ssh $SSHD_WEAK <<EOF
ssh-algorithm|type=kex|algorithm=diffie-hellman-group1-sha1
ssh-algorithm|type=kex|algorithm=diffie-hellman-group14-sha1
ssh-algorithm|type=host-key|algorithm=ssh-dss
ssh-algorithm|type=cipher|algorithm=aes128-cbc
ssh-algorithm|type=cipher|algorithm=3des-cbc
ssh-algorithm|type=mac|algorithm=hmac-sha1-96
ssh-algorithm|type=mac|algorithm=hmac-md5
ssh-algorithm|type=host-key|algorithm=ssh-rsa|key-bits=1024
EOF
	assert_eq "$I host keys read" "ssh-ed25519:256 ssh-rsa:1024" \
		"$(items "$R" "$I" host_key_bits | sort | paste -sd' ')"

	echo "-- Dropbear, Ed25519 and ECDSA keys (tcp/$DB_DEF)"
	I=$SSH@tcp/$DB_DEF
	assert_eq "$I FAILs (SHA-1 group 14 exchange)" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I weak" "kex:diffie-hellman-group14-sha1" "$(joined "$R" "$I" weak '|')"
	reason_is "$R" "$I" "ssh on tcp/$DB_DEF offers " weak
	expect_findings "$R" "$I" ssh $DB_DEF <<EOF
ssh-algorithm|type=kex|algorithm=diffie-hellman-group14-sha1
EOF
	assert_eq "$I host keys read" "ecdsa-sha2-nistp256:256 ssh-ed25519:256" \
		"$(items "$R" "$I" host_key_bits | sort | paste -sd' ')"
	assert_eq "$I: the announced RSA key that is not there is an error, not a finding" \
		"rsa-sha2-256,ssh-rsa" "$(items "$R" "$I" host_key_errors | sed 's/:.*//' | paste -sd' ')"

	echo "-- Dropbear, one 1024-bit RSA key (tcp/$DB_RSA)"
	I=$SSH@tcp/$DB_RSA
	assert_eq "$I FAILs" FAIL "$(verdict "$R" "$I")"
	assert_eq "$I weak" "kex:diffie-hellman-group14-sha1|host-key:ssh-rsa (1024 bits)" \
		"$(joined "$R" "$I" weak '|')"
	# ssh-rsa stands beside rsa-sha2-256: not "SHA-1 signatures only".
	expect_findings "$R" "$I" ssh $DB_RSA <<EOF
ssh-algorithm|type=kex|algorithm=diffie-hellman-group14-sha1
ssh-algorithm|type=host-key|algorithm=ssh-rsa|key-bits=1024
EOF

	if [ $KEXINIT_OK = yes ]; then
		for _p in $SSHD_WEAK $DB_DEF $DB_RSA; do
			eval "_k=\$PEER_$_p"
			I=$SSH@tcp/$_p
			assert_eq "$I: kex, host keys, ciphers, MACs as ssh -vv read them" "$_k" \
				"$(joined "$R" "$I" kex ,)|$(joined "$R" "$I" host_keys ,)|$(joined "$R" "$I" ciphers ,)|$(joined "$R" "$I" macs ,)"
		done
	fi
fi
T1=$(date +%s)

# ---- the strong device ---------------------------------------------------
echo "== strong configurations: iotcert run --ports $STRONG_PORTS"
if run_iotcert strong "$STRONG_PORTS"; then
	assert_eq "strong run: exit code 0 (no FAIL)" 0 "$RC"
	identified "$R" $S_STRONG https true
	identified "$R" $L_STRONG https true
	identified "$R" $M_STRONG mqtts true
	identified "$R" $SSHD_STRONG ssh false
	for _x in "$S_STRONG:https:$CERT_EC:ECDSA" "$L_STRONG:https:$CERT_RSA3072:RSA" \
	    "$M_STRONG:mqtts:$CERT_EC:ECDSA"; do
		_p=${_x%%:*}; _r=${_x#*:}; _proto=${_r%%:*}; _r=${_r#*:}; _cert=${_r%:*}; _au=${_r##*:}
		I=$TLS@tcp/$_p
		echo "-- $_proto, strong (tcp/$_p)"
		assert_eq "$I PASSes" PASS "$(verdict "$R" "$I")"
		assert_eq "$I versions" "TLS1.2 TLS1.3" "$(joined "$R" "$I" versions)"
		assert_eq "$I suites (sorted)" \
			"$( (printf "TLS1.2:TLS_ECDHE_${_au}_WITH_%s\n" AES_128_GCM_SHA256 AES_256_GCM_SHA384 \
				CHACHA20_POLY1305_SHA256
			    printf 'TLS1.3:%s\n' TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
				TLS_CHACHA20_POLY1305_SHA256) | sort | paste -sd' ')" \
			"$(items "$R" "$I" suites | sort | paste -sd' ')"
		empty_list "$R" "$I" violations
		assert_eq "$I notes: only the self-signed certificate" "the certificate is self-signed" \
			"$(joined "$R" "$I" notes '|')"
		expect_findings "$R" "$I" "$_proto" "$_p" <<EOF
certificate|severity=note|$_cert|issue=the certificate is self-signed
EOF
	done

	echo "-- OpenSSH, strong (tcp/$SSHD_STRONG)"
	I=$SSH@tcp/$SSHD_STRONG
	assert_eq "$I PASSes" PASS "$(verdict "$R" "$I")"
	empty_list "$R" "$I" weak
	expect_findings "$R" "$I" ssh $SSHD_STRONG </dev/null
	assert_eq "$I host keys read" "ssh-ed25519:256" "$(joined "$R" "$I" host_key_bits)"
	if [ $KEXINIT_OK = yes ]; then
		eval "_k=\$PEER_$SSHD_STRONG"
		assert_eq "$I: kex, host keys, ciphers, MACs as ssh -vv read them" "$_k" \
			"$(joined "$R" "$I" kex ,)|$(joined "$R" "$I" host_keys ,)|$(joined "$R" "$I" ciphers ,)|$(joined "$R" "$I" macs ,)"
	fi
fi
T2=$(date +%s)
echo "   (weak run and checks $((T1 - T0)) s, strong $((T2 - T1)) s)"

finish t_crypto
