#!/bin/sh
# Default-credentials benchmark: iotcert's IOT-5.1-1-DEFAULT-CREDENTIALS
# against hydra, the same targets and the same list, on the integration
# lab's device (tests/integration/lab.sh) running real daemons with the
# accounts of tests/integration/auth_daemons.sh.  Run by hand as root from
# the repository root, after `make`:
#
#   sh bench/credentials.sh [BUILD]        # BENCH_RUNS=3 by default
#
# Services (the defaults each one really has are the "truth" column):
#   telnet       BusyBox telnetd + BusyBox login, tcp/23
#   ssh          Dropbear, tcp/22
#   http-basic   lighttpd mod_auth, Basic realm on /admin/, tcp/80
#   http-digest  lighttpd mod_auth, Digest (MD5) realm on /cgi-bin/, tcp/8080
#   mqtt         Mosquitto with a password file, tcp/1883 (hydra only if its
#                build has the mqtt module; Debian 12's 9.4 has not)
# FTP is left out: no FTP daemon comes with the lab's Debian packages
# (busybox-static has no ftpd).
#
# The list is testcases/credentials/universal.txt + vendor.txt as the probe
# reads them (comments and blank lines out, a repeated pair once), given to
# hydra as its -C user:password file.  For each service and run: hydra -t 4
# on that port, then `iotcert run --select IOT-5.1-1-DEFAULT-CREDENTIALS
# --ports PORT` as shipped (parallel 4, rate 10 attempts/s), then the same
# case with only its rate raised to 1000/s (a copy of the case file), which
# is the like-for-like run (hydra has no rate limit).  Each time is the
# median wall clock of BENCH_RUNS runs; iotcert's includes finding and
# identifying the one port.  Every command runs under `timeout`; all traffic
# stays on the lab's veth pair.  Neither tool is tuned to hide what it
# reports: a pair one tool finds and the truth does not hold is printed.
set -u
BUILD=${1:-build}
RUNS=${BENCH_RUNS:-3}
T_ONE=${BENCH_TIMEOUT:-900}	# seconds, one tool on one service
PAR=4				# hydra -t; the probe's default parallel
FAST_RATE=1000			# attempts/s in the like-for-like case copy
CASE=IOT-5.1-1-DEFAULT-CREDENTIALS

cd "$(dirname "$0")/.." || exit 2
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 2; }
[ -x "$BUILD/iotcert" ] || { echo "bench: no $BUILD/iotcert (run make)" >&2; exit 2; }
command -v hydra >/dev/null 2>&1 || IOTCERT_EXTRA_PKGS=hydra sh scripts/deps.sh ||
	{ echo "bench: cannot install hydra" >&2; exit 2; }
LC_ALL=C
export LC_ALL

. tests/integration/lab.sh
. tests/integration/auth_daemons.sh
lab_up || exit 1
H=$LAB_NS_H
TARGET=$LAB_V4

# service port hydra-module hydra-path truth (pairs that log in)
SERVICES="telnet 23 telnet - admin/admin,root/12345
ssh 22 ssh - pi/raspberry,root/xc3511
http-basic 80 http-get /admin/ admin/admin
http-digest 8080 http-get /cgi-bin/ admin/admin
mqtt 1883 mqtt - admin/password"
# Each daemon also has "support" with a random password: an account that
# exists and has no default.
auth_start_telnet telnetd 23 admin admin root 12345 support "$(auth_password)" &&
auth_start_ssh dropbear 22 root xc3511 pi raspberry support "$(auth_password)" &&
AUTH_HTTP_REALMS=basic auth_start_http lighttpd-basic 80 admin admin support "$(auth_password)" &&
AUTH_HTTP_REALMS=digest auth_start_http lighttpd-digest 8080 admin admin support "$(auth_password)" &&
auth_start_mqtt mosquitto 1883 false admin password support "$(auth_password)" ||
	{ echo "bench: the lab device did not start" >&2; exit 1; }

# The list, as the probe reads it, in hydra's -C format.
for _l in testcases/credentials/universal.txt testcases/credentials/vendor.txt; do
	grep -v '^#' "$_l" | grep ':'
done | awk '!seen[$0]++' >"$LAB_DIR/pairs.txt"
NPAIRS=$(wc -l <"$LAB_DIR/pairs.txt")

# The like-for-like case: the shipped one with only its rate raised.
mkdir -p "$LAB_DIR/cases" &&
cp -R testcases/credentials "$LAB_DIR/cases/" &&
sed "s/^    with:\$/    with:\\
      rate: $FAST_RATE/" testcases/iot-5.1-1-default-credentials.yaml \
	>"$LAB_DIR/cases/fast.yaml" || exit 1
grep -q "rate: $FAST_RATE" "$LAB_DIR/cases/fast.yaml" &&
	"$BUILD/iotcert" check "$LAB_DIR/cases" >"$LAB_DIR/check.log" 2>&1 ||
	{ echo "bench: cannot make the fast case:" >&2; cat "$LAB_DIR/check.log" >&2; exit 1; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# timed LIMIT OUT OKCODES CMD...: CMD in the harness namespace, under
# timeout; the wall-clock ms appended to OUT.ms; non-zero
# when the exit code is not among OKCODES.
timed() {
	_lim=$1; _out=$2; _okc=$3; shift 3
	_s=$(now_ms)
	timeout "$_lim" ip netns exec "$H" "$@" >"$_out.log" 2>&1
	_rc=$?
	echo $(( $(now_ms) - _s )) >>"$_out.ms"
	case " $_okc " in *" $_rc "*) return 0 ;; esac
	echo "bench: exit $_rc: $*" >&2
	tail -3 "$_out.log" >&2
	return 1
}

# Pairs found, one "user/password" a line, sorted: from hydra's JSON and
# from an iotcert report.
hydra_pairs() {
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])).get("results", []):
    print("%s/%s" % (r["login"], r["password"]))' "$1" | sort -u
}
iotcert_pairs() {
	_x="//*[local-name()='finding'][@kind='default-credential']"
	attr_values "$1" "$_x/@username" >"$1.users"
	attr_values "$1" "$_x/@password" >"$1.passwords"
	paste -d/ "$1.users" "$1.passwords" | sort -u
}
# attr_values REPORT XPATH: the value of each attribute XPATH selects, one a line.
attr_values() {
	xmllint --xpath "$2" "$1" 2>/dev/null | sed 's/" /"\n/g' | sed -n 's/^ *[a-z-]*="\(.*\)"$/\1/p'
}
# attempts REPORT: the probe's attempt count.
attempts() {
	xmllint --xpath "string(//*[local-name()='field'][@name='attempts'])" "$1"
}

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'; }
# found FILE...: how many pairs each run found ("2", or "2-5" when runs differ).
found() {
	for _f in "$@"; do wc -l <"$_f"; done | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 }
		END { print (lo == hi) ? lo : lo "-" hi }'
}
words() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# The modules this hydra has, from its "Supported services" line ("-U"
# prints help even for a module the build lacks), "[s]" and "{a|b}" expanded.
HYDRA_MODS=" $(hydra -h 2>&1 | sed -n 's/^Supported services: //p' | tr ' ' '\n' |
	awk '{ n = split($0, v, "[[]s[]]"); if (n > 1) { print v[1] v[2]; print v[1] "s" v[2] } else print }' |
	awk 'match($0, /[{][^}]*[}]/) { n = split(substr($0, RSTART + 1, RLENGTH - 2), a, "|");
		for (k = 1; k <= n; k++) print substr($0, 1, RSTART - 1) a[k] substr($0, RSTART + RLENGTH); next } { print }' |
	tr '\n' ' ')"

echo "credentials benchmark: $(nproc) cores, $(uname -r), $("$BUILD/iotcert" --version 2>/dev/null | head -1)"
echo "$(hydra -h 2>&1 | sed -n 's/^\(Hydra v[0-9.]*\).*/\1/p' | head -1); list: $NPAIRS pairs (universal.txt + vendor.txt)"
echo "lab device $TARGET (netns $LAB_NS_D) reached from netns $H over a veth pair"
echo "hydra -C LIST -t $PAR (4 tasks, default timeouts); iotcert $CASE: parallel 4,"
echo "  rate 10/s as shipped, and rate $FAST_RATE/s in a copy of the case; median of $RUNS runs"
echo

i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	echo "$SERVICES" | while read -r name port mod path truth; do
		o=$LAB_DIR/$name
		if case $HYDRA_MODS in *" $mod "*) true ;; *) false ;; esac; then
			rm -f "$o.hydra.json"
			# shellcheck disable=SC2046
			timed "$T_ONE" "$o.hydra" 0 env -C "$LAB_DIR" hydra -C "$LAB_DIR/pairs.txt" -t $PAR -I \
				-o "$o.hydra.json" -b json -s "$port" "$TARGET" "$mod" \
				$([ "$path" = - ] || echo "$path") || exit 1
			hydra_pairs "$o.hydra.json" >"$o.hydra.pairs.$i"
		fi
		timed "$T_ONE" "$o.iot" "0 1" "$BUILD/iotcert" run -q --no-capture --udp none \
			--ports "$port" --target "$TARGET" --select $CASE --out "$o.iot.out" || exit 1
		iotcert_pairs "$o.iot.out/report.xml" >"$o.iot.pairs.$i"
		attempts "$o.iot.out/report.xml" >>"$o.iot.attempts"
		timed "$T_ONE" "$o.fast" "0 1" "$BUILD/iotcert" run -q --no-capture --udp none \
			--cases "$LAB_DIR/cases" --ports "$port" --target "$TARGET" --select $CASE \
			--out "$o.fast.out" || exit 1
		iotcert_pairs "$o.fast.out/report.xml" >"$o.fast.pairs.$i"
	done || exit 1
	echo "run $i of $RUNS done" >&2
done

printf '%-17s %-25s | %-16s | %-26s | %-16s\n' "" "" "hydra -t $PAR" "iotcert as shipped, 10/s" \
	"iotcert, $FAST_RATE/s"
printf '%-17s %-25s | %8s %7s | %8s %7s %9s | %8s %7s\n' "service" "truth" "seconds" "pairs" \
	"seconds" "pairs" "attempts" "seconds" "pairs"
echo "$SERVICES" | while read -r name port mod path truth; do
	o=$LAB_DIR/$name
	echo "$truth" | tr ',' '\n' | sort -u >"$o.truth"
	if [ -f "$o.hydra.ms" ]; then
		ht=$(median "$o.hydra.ms"); hp=$(found "$o.hydra.pairs".*)
		cat "$o.hydra.pairs".* | sort -u >"$o.hydra.all"
	else
		ht="-"; hp="n/a"
	fi
	cat "$o.iot.pairs".* | sort -u >"$o.iot.all"
	cat "$o.fast.pairs".* | sort -u >"$o.fast.all"
	printf '%-17s %-25s | %8s %7s | %8s %7s %9s | %8s %7s\n' "$name/$port" "$(words "$o.truth")" \
		"$ht" "$hp" "$(median "$o.iot.ms")" "$(found "$o.iot.pairs".*)" \
		"$(sort -n "$o.iot.attempts" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (lo == hi) ? lo : lo "-" hi }')" \
		"$(median "$o.fast.ms")" "$(found "$o.fast.pairs".*)"
done
echo
echo "disagreements (pairs found in any run, against each other and against the truth):"
echo "$SERVICES" | while read -r name port mod path truth; do
	o=$LAB_DIR/$name
	d=""
	if [ -f "$o.hydra.all" ]; then
		x=$(comm -23 "$o.hydra.all" "$o.truth" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    hydra false positives: $x"
		x=$(comm -13 "$o.hydra.all" "$o.truth" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    hydra missed: $x"
		x=$(comm -13 "$o.hydra.all" "$o.iot.all" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    iotcert only: $x"
		x=$(comm -23 "$o.hydra.all" "$o.iot.all" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    hydra only: $x"
	fi
	for v in iot fast; do
		x=$(comm -23 "$o.$v.all" "$o.truth" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    iotcert ($v) false positives: $x"
		x=$(comm -13 "$o.$v.all" "$o.truth" | tr '\n' ' ')
		[ -n "$x" ] && d="$d
    iotcert ($v) missed: $x"
	done
	echo "  $name/$port:${d:- none}"
done
case $HYDRA_MODS in *" mqtt "*) ;; *)
	echo "(this hydra has no mqtt module: iotcert alone on mqtt)" ;;
esac
echo "(iotcert's attempts include the one made-up pair it tries first; hydra reports no count)"
