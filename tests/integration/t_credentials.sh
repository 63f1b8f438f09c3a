#!/bin/sh
# The full default-credentials probe (EN 303 645 5.1-1) and the
# anonymous-access probe (5.5-4) against real daemons in the lab (see
# lab.sh and auth_daemons.sh): `iotcert run` from the harness namespace,
# as a lab would run it, twice.
#
# 1. Defaults set: BusyBox telnetd + BusyBox login, Dropbear, lighttpd
#    mod_auth (Basic, Digest MD5, Digest SHA-256 realms) and a Mosquitto
#    with a password file, each with accounts whose passwords are list
#    defaults (and one account whose password is not), plus a second
#    Mosquitto open to anonymous clients.  Exactly those pairs must be
#    reported, per port, each with the list line it came from, the open
#    broker must be reported as anonymous access, verdicts FAIL there and
#    PASS elsewhere, exit code 1.
# 2. Defaults not set: the same daemons restarted with random passwords and
#    anonymous access off: no finding, every verdict PASS, exit code 0, and
#    every list pair tried (up to the attempt cap).
#
# Attempt counts are checked against the lists: never more than each pair
# once per surface plus the made-up pair, never over the cap, and at least
# what a sequential run skipping each username after its first success
# would make.  Needs root (network and mount namespaces).
# shellcheck disable=SC2086 # the DEF_* pair lists are split on purpose
set -u
BUILD=${1:-build}
LC_ALL=C	# one sort order for what is expected and what is found
export LC_ALL
. tests/lib/assert.sh
. tests/integration/lab.sh
. tests/integration/auth_daemons.sh

SSH=22
TELNET=23
HTTP=80
MQTT=1883	# password file
MQTT_OPEN=1884	# anonymous access on (defaults set) / off (not set)
PORTS=$SSH,$TELNET,$HTTP,$MQTT,$MQTT_OPEN
CRED=IOT-5.1-1-DEFAULT-CREDENTIALS
ANON=IOT-5.5-4-ANONYMOUS-ACCESS
LISTS="testcases/credentials/universal.txt testcases/credentials/vendor.txt"
CAP=500		# max-attempts: the probe's default, which $CRED keeps
HTTP_REALMS=3	# auth_start_http protects /admin/, /cgi-bin/ and /config
XSD=reports/iotcert-report.xsd
TIMEOUT=${IOTCERT_IT_TIMEOUT:-600}	# seconds for one run

[ -x "$BUILD/iotcert" ] || { echo "t_credentials: $BUILD/iotcert missing (make first)"; exit 1; }
_m=$(auth_missing) && { echo "t_credentials: SKIPPED ($_m missing: make deps)"; exit 0; }

# The pairs the probe tries, in its order: the lists concatenated, blank
# and comment lines skipped, the first ':' separating, a repeated pair
# kept at its first place.  One "user<TAB>password<TAB>file:line" a line.
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
for _l in $LISTS; do
	awk -v f="${_l##*/}" '!/^#/ && length($0) { i = index($0, ":");
		if (i > 1) print substr($0, 1, i - 1) "\t" substr($0, i + 1) "\t" f ":" NR }' "$_l"
done | awk -F'\t' '!seen[$1 "\t" $2]++' >"$T/pairs"
NPAIRS=$(wc -l <"$T/pairs")

# source USER PASS: where the probe takes a pair from (file:line).
source_of() {
	awk -F'\t' -v u="$1" -v p="$2" '$1 == u && $2 == p { print $3; exit }' "$T/pairs"
}
# in_lists USER PASS: the pair is a list pair.
in_lists() { [ -n "$(source_of "$1" "$2")" ]; }

# least USER/PASS...: attempts a sequential run makes on one surface when
# exactly these pairs log in (a username is dropped after its success).
least() {
	awk -F'\t' -v ok=" $* " '!($1 in done) { n++; if (index(ok, " " $1 "/" $2 " ")) done[$1] }
		END { print n + 0 }' "$T/pairs"
}

min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }

# The daemons.  MODE "defaults": the accounts below with list passwords
# (support's is random: an account that exists but has no default), the
# second broker open; MODE "random": the same accounts with random
# passwords, the second broker closed to anonymous clients.
# pw MODE DEFAULT: the password of one account in this mode.
pw() {
	if [ "$1" = defaults ]; then echo "$2"; else auth_password; fi
}
start_device() {
	_m=$1
	auth_start_telnet telnetd-login $TELNET admin "$(pw "$_m" admin)" \
		root "$(pw "$_m" 12345)" support "$(auth_password)" || return 1
	auth_start_ssh dropbear-login $SSH root "$(pw "$_m" xc3511)" \
		pi "$(pw "$_m" raspberry)" support "$(auth_password)" || return 1
	auth_start_http lighttpd-login $HTTP admin "$(pw "$_m" admin)" \
		support "$(auth_password)" || return 1
	auth_start_mqtt mosquitto-login $MQTT false admin "$(pw "$_m" password)" \
		support "$(auth_password)" || return 1
	if [ "$_m" = defaults ]; then
		auth_start_mqtt mosquitto-open $MQTT_OPEN true
	else
		auth_start_mqtt mosquitto-open $MQTT_OPEN false admin "$(auth_password)"
	fi
}
# What the defaults-set device must give away, per port, as in acc().
DEF_TELNET="admin/admin root/12345"
DEF_SSH="pi/raspberry root/xc3511"
DEF_HTTP="admin/admin"
DEF_MQTT="admin/password"
for _p in $DEF_TELNET $DEF_SSH $DEF_HTTP $DEF_MQTT; do
	in_lists "${_p%%/*}" "${_p#*/}" || { echo "t_credentials: $_p is in no list"; exit 1; }
done

# ---- report helpers ------------------------------------------------------
F="//*[local-name()='finding']"
# tags REPORT XPATH NAME: the start tag of each element XPATH selects (its
# local name NAME), one a line.
tags() {
	xmllint --xpath "$2" "$1" 2>/dev/null | tr '\n' ' ' | sed 's/</\n</g' |
		sed -n "s/^\(<\([A-Za-z0-9_.-]*:\)\{0,1\}$3[ >/][^>]*>\{0,1\}\).*/\1/p"
}
# val TAG NAME: the value of attribute NAME in TAG.
val() { printf '%s\n' "$1" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"; }
# attrs REPORT PORT [ATTR]: each default-credential finding on PORT as
# "user/password" (and "=" the value of ATTR), sorted.
attrs() {
	tags "$1" "${F}[@kind='default-credential'][@port='$2']" finding | while read -r _t; do
		echo "$(val "$_t" username)/$(val "$_t" password)${3:+=$(val "$_t" "$3")}"
	done | sort | tr '\n' ' '
}
# acc REPORT PORT: the accepted pairs on PORT as "user/password", sorted.
acc() { attrs "$1" "$2" ""; }
field() {	# field REPORT INSTANCE NAME
	xq "$1" "//*[local-name()='testcase'][@id='$2']//*[local-name()='field'][@name='$3']"
}
instances() {	# instances REPORT: "id=verdict" of every test case, sorted
	tags "$1" "//*[local-name()='testcase']" testcase | while read -r _t; do
		echo "$(val "$_t" id)=$(val "$_t" verdict)"
	done | sort | tr '\n' ' '
}
# sorted WORD...: the words sorted, as the helpers above print them.
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
# verdicts V1 ... V7: the instances with these verdicts, in the order
# 5.1-1 on ssh, telnet, http, mqtt, the second mqtt; 5.5-4 on both mqtt.
verdicts() {
	sorted "$CRED@tcp/$SSH=$1" "$CRED@tcp/$TELNET=$2" "$CRED@tcp/$HTTP=$3" \
		"$CRED@tcp/$MQTT=$4" "$CRED@tcp/$MQTT_OPEN=$5" "$ANON@tcp/$MQTT=$6" \
		"$ANON@tcp/$MQTT_OPEN=$7"
}
# expect_sources REPORT PORT PAIRS...: each finding names its list line.
expect_sources() {
	_r=$1; _port=$2; shift 2
	_want=""
	for _p in "$@"; do
		_want="$_want $_p=$(source_of "${_p%%/*}" "${_p#*/}")"
	done
	# shellcheck disable=SC2086
	assert_eq "tcp/$_port: each pair's source is its list line" \
		"$(sorted $_want)" "$(attrs "$_r" "$_port" source)"
}
# attempts_between WHAT PORT SURFACES PAIRS...: the attempts on PORT, where
# PAIRS log in on each of SURFACES, lie between what a sequential run makes
# and one attempt fewer than every pair on every surface (usernames are
# dropped after a success), plus the made-up pair and any retries, and
# within the cap.
attempts_between() {
	_what=$1; _port=$2; _s=$3; shift 3
	_lo=$(min $CAP $((1 + _s * $(least "$@"))))
	_a=$(field "$R" "$CRED@tcp/$_port" attempts)
	_hi=$(min $CAP $((_s * NPAIRS + $(field "$R" "$CRED@tcp/$_port" inconclusive_attempts))))
	if [ -n "$_a" ] && [ "$_a" -ge "$_lo" ] && [ "$_a" -le "$_hi" ]; then
		ok "$_what tcp/$_port: $_a attempts, within [$_lo, $_hi] (cap $CAP)"
	else
		bad "$_what tcp/$_port: attempts '$_a', expected within [$_lo, $_hi] (cap $CAP)"
	fi
}

# decided PORT: every list pair on PORT was decided in the end and none was
# left untried, or else what the transcript says went wrong.  Dropbear
# resets a connection when 5 unauthenticated ones from the address are
# still open (about one run in five at 4 attempts at a time): the SSH
# authenticator rightly says INCONCLUSIVE, and the probe retries that pair
# alone at the end; a pair undecided even then makes the case INCONCLUSIVE.
decided() {
	_u=$(field "$R" "$CRED@tcp/$1" undecided)/$(field "$R" "$CRED@tcp/$1" untried)
	_i=$(field "$R" "$CRED@tcp/$1" inconclusive_attempts)
	if [ "$_u" = 0/0 ]; then
		ok "tcp/$1: every pair decided ($_i retried)"
	else
		bad "tcp/$1: $_u attempt(s) undecided, the verdict is $(verdict "$R" "$CRED@tcp/$1"): $(
			grep -a -i -E 'error|reset|refused|timeout|timed out|closed' \
			"${R%/report.xml}/evidence/${CRED}_tcp_$1.txt" 2>/dev/null | sort | uniq -c |
			head -3 | tr -s ' \n' ' ')"
	fi
}

# phase MODE: a fresh lab with the device in MODE, then iotcert run in the
# harness namespace; sets R (the report) and RC, fails without a report.
phase() {
	lab_down
	lab_up || { echo "t_credentials: lab did not come up"; exit 1; }
	trap 'lab_down; rm -rf "$T"' EXIT
	start_device "$1" || { echo "t_credentials: lab device did not start"; exit 1; }
	_out=$LAB_DIR/$1
	timeout "$TIMEOUT" ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture \
		--udp none --ports "$PORTS" --target "$LAB_V4" --select "$CRED,$ANON" \
		--out "$_out" >"$_out.log" 2>&1
	RC=$?
	R=$_out/report.xml
	if [ ! -s "$R" ]; then
		bad "$1: no report.xml (exit $RC)"
		sed 's/^/    /' "$_out.log" | tail -5
		return 1
	fi
	if xmllint --noout --schema "$XSD" "$R" 2>"$_out.xsd"; then
		ok "$1: report validates against the XSD"
	else
		bad "$1: report does not validate: $(head -3 "$_out.xsd")"
	fi
}

# ---- 1. defaults set -------------------------------------------------------
echo "== defaults set ($NPAIRS list pairs)"
if phase defaults; then
	assert_eq "defaults: exit code 1 (FAIL verdicts)" 1 "$RC"
	assert_eq "defaults: the instances and their verdicts" \
		"$(verdicts FAIL FAIL FAIL FAIL PASS PASS FAIL)" "$(instances "$R")"

	assert_eq "telnet (BusyBox login): exactly $DEF_TELNET" "$(sorted $DEF_TELNET)" \
		"$(acc "$R" $TELNET)"
	assert_eq "telnet: proven by a shell" \
		"$(sorted admin/admin=telnet-login root/12345=telnet-login)" "$(attrs "$R" $TELNET method)"
	expect_sources "$R" $TELNET $DEF_TELNET
	assert_eq "ssh (Dropbear): exactly $DEF_SSH" "$(sorted $DEF_SSH)" "$(acc "$R" $SSH)"
	assert_eq "ssh: password logins" \
		"$(sorted pi/raspberry=ssh-password root/xc3511=ssh-password)" "$(attrs "$R" $SSH method)"
	expect_sources "$R" $SSH $DEF_SSH
	assert_eq "http (lighttpd mod_auth): $DEF_HTTP on each of the $HTTP_REALMS realms" \
		"$(sorted $DEF_HTTP $DEF_HTTP $DEF_HTTP)" "$(acc "$R" $HTTP)"
	assert_eq "http: one Basic and two Digest realms" \
		"$(sorted admin/admin=http-basic admin/admin=http-digest admin/admin=http-digest)" \
		"$(attrs "$R" $HTTP method)"
	expect_sources "$R" $HTTP $DEF_HTTP $DEF_HTTP $DEF_HTTP
	assert_eq "mqtt with a password file: exactly $DEF_MQTT" "$(sorted $DEF_MQTT)" "$(acc "$R" $MQTT)"
	assert_eq "mqtt: CONNACK 0 to the pair" "$(sorted admin/password=mqtt-3.1.1)" \
		"$(attrs "$R" $MQTT method)"
	expect_sources "$R" $MQTT $DEF_MQTT
	assert_eq "open broker: no default-credential finding (it takes any pair)" "" \
		"$(acc "$R" $MQTT_OPEN)"
	assert_eq "open broker: the made-up pair alone was tried" 1 \
		"$(field "$R" "$CRED@tcp/$MQTT_OPEN" attempts)"
	assert_eq "open broker: anonymous field set by the 5.1-1 probe" true \
		"$(field "$R" "$CRED@tcp/$MQTT_OPEN" anonymous)"
	assert_eq "no other default-credential finding" 8 \
		"$(xq "$R" "count(${F}[@kind='default-credential'])")"
	assert_eq "exactly one anonymous-access finding" 1 \
		"$(xq "$R" "count(${F}[@kind='anonymous-access'])")"
	assert_eq "... on the open broker" "$MQTT_OPEN" \
		"$(xq "$R" "${F}[@kind='anonymous-access']/@port")"
	assert_eq "... found without credentials" mqtt-3.1.1 \
		"$(xq "$R" "${F}[@kind='anonymous-access']/@method")"

	# Attempts: a username is dropped after its first success, so fewer
	# than every pair; at most every pair once per realm, plus the made-up
	# pair, and never over the cap.
	attempts_between telnet $TELNET 1 $DEF_TELNET
	attempts_between ssh $SSH 1 $DEF_SSH
	attempts_between "http, $HTTP_REALMS realms," $HTTP $HTTP_REALMS $DEF_HTTP
	attempts_between mqtt $MQTT 1 $DEF_MQTT
	for _p in $TELNET $SSH $HTTP $MQTT; do
		decided "$_p"
	done
	assert_eq "5.5-4 on the broker with a password file: no access, made-up pair refused" \
		"false/2" "$(field "$R" "$ANON@tcp/$MQTT" anonymous)/$(field "$R" "$ANON@tcp/$MQTT" attempts)"
	assert_eq "UK PSTI Sch.1-1 rolls up to FAIL" FAIL \
		"$(xq "$R" "//*[local-name()='provision'][@framework='uk-psti'][@ref='Sch.1-1']/@verdict")"
fi

# ---- 2. defaults not set ----------------------------------------------------
echo "== defaults not set: random passwords, anonymous access off"
if phase random; then
	assert_eq "random: exit code 0" 0 "$RC"
	assert_eq "random: every instance PASSes" \
		"$(verdicts PASS PASS PASS PASS PASS PASS PASS)" "$(instances "$R")"
	assert_eq "random: no default-credential or anonymous-access finding" 0 \
		"$(xq "$R" "count(${F}[@kind='default-credential' or @kind='anonymous-access'])")"
	# Nothing logs in: every pair once per surface after the made-up one
	# (the three realms take 250 of the 500 the cap allows), and any pair
	# the device cut short once more.
	for _x in "telnet $TELNET 1" "ssh $SSH 1" "http $HTTP $HTTP_REALMS" "mqtt $MQTT 1" \
	    "mqtt $MQTT_OPEN 1"; do
		set -- $_x
		assert_eq "$1 tcp/$2: every list pair tried ($3 x $NPAIRS + 1 + retries, cap $CAP)" \
			"$(min $CAP $((1 + $3 * NPAIRS + $(field "$R" "$CRED@tcp/$2" inconclusive_attempts))))" \
			"$(field "$R" "$CRED@tcp/$2" attempts)"
		decided "$2"
	done
	for _p in $MQTT $MQTT_OPEN; do
		assert_eq "5.5-4 tcp/$_p: anonymous and made-up pair refused" "false/2" \
			"$(field "$R" "$ANON@tcp/$_p" anonymous)/$(field "$R" "$ANON@tcp/$_p" attempts)"
	done
fi

# ---- 3. eight at a time against Dropbear ------------------------------------
# Dropbear drops a connection when 5 unauthenticated ones from the address
# are open, so 8 attempts at once, unpaced, are cut short every run.  The undecided
# pairs must be retried alone at the end and the defaults still found.
echo "== defaults set, 8 attempts at a time against Dropbear"
mkdir -p "$T/cases/credentials"
cp testcases/credentials/*.txt "$T/cases/credentials/"
sed 's/^      lists: \[/      parallel: 8\n      rate: 1000\n      lists: [/' testcases/iot-5.1-1-default-credentials.yaml \
	>"$T/cases/par8.yaml"
lab_down
lab_up || { echo "t_credentials: lab did not come up"; exit 1; }
trap 'lab_down; rm -rf "$T"' EXIT
if start_device defaults; then
	_out=$LAB_DIR/par8
	timeout "$TIMEOUT" ip netns exec "$LAB_NS_H" "$BUILD/iotcert" run -q --no-capture \
		--udp none --ports $SSH --target "$LAB_V4" --cases "$T/cases" --select "$CRED" \
		--out "$_out" >"$_out.log" 2>&1
	R=$_out/report.xml
	assert_eq "the case copy asks for 8 at a time" 1 "$(grep -c '^      parallel: 8$' "$T/cases/par8.yaml")"
	_i=$(field "$R" "$CRED@tcp/$SSH" inconclusive_attempts)
	[ "${_i:-0}" -gt 0 ] && ok "ssh: Dropbear cut $_i attempts short" ||
		bad "ssh: no attempt cut short (inconclusive_attempts '$_i'): the test proves nothing"
	assert_eq "ssh: still exactly $DEF_SSH" "$(sorted $DEF_SSH)" "$(acc "$R" $SSH)"
	decided $SSH
	assert_eq "ssh: FAIL" FAIL "$(verdict "$R" "$CRED@tcp/$SSH")"
else
	bad "par8: lab device did not start"
fi

finish t_credentials
