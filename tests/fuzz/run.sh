#!/bin/sh
# Runs each libFuzzer harness given for TIME seconds on its seeds
# (tests/fuzz/corpus/<name>/, read only) plus a working corpus kept next to
# the binary (<bindir>/corpus/<name>/, where new inputs go), and prints one
# line per harness: executions, exec/s, coverage, PASS or CRASH.  A crash,
# leak, timeout or out-of-memory input is saved as
# tests/fuzz/crashes/<name>-<kind>-<sha1> and the log kept as
# <bindir>/<name>.log.  Exits 1 when any harness failed.  TIME 0 fuzzes
# nothing: every seed and working-corpus input is run once (a regression
# check).
#   usage: sh tests/fuzz/run.sh TIME BIN...
set -u
time=${1:?usage: run.sh TIME BIN...}; shift
here=$(dirname "$0")
crashes=$here/crashes
mkdir -p "$crashes"

# Largest input each harness gets: what its parser would really be given.
max_len() {
	case $1 in
	fuzz_pv_pipeline) echo 65536 ;;
	fuzz_tls_server) echo 32768 ;;
	fuzz_yaml|fuzz_http|fuzz_upnp|fuzz_pv_decode) echo 16384 ;;
	fuzz_ssh|fuzz_html) echo 8192 ;;
	fuzz_dns|fuzz_dtls|fuzz_tls_client_hello) echo 4096 ;;
	fuzz_coap|fuzz_udp_services) echo 2048 ;;
	*) echo 1024 ;;
	esac
}

if [ "$time" -gt 0 ] 2>/dev/null; then
	budget="-max_total_time=$time"
else
	budget="-runs=0"	# libFuzzer reads 0 as no limit: only the corpus, once
fi

fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	dir=$(dirname "$bin")
	work=$dir/corpus/$name
	log=$dir/$name.log
	mkdir -p "$work"
	seeds=$here/corpus/$name
	[ -d "$seeds" ] || seeds=
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$bin" $budget -max_len="$(max_len "$name")" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$crashes/$name-" "$work" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		verdict=PASS
	else
		verdict=CRASH; fail=1
	fi
	printf '%-24s %-5s execs=%s exec/s=%s cov=%s ft=%s corpus=%s\n' "$name" "$verdict" \
	    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
	if [ "$verdict" = CRASH ]; then
		# libFuzzer writes <prefix>crash-<sha1> (or leak-, timeout-, oom-).
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
		    "$log" | head -n 8 | sed 's/^/    /'
		grep -E '^ +#[0-9]+ ' "$log" | grep -v -E 'fuzzer::|libc_start|_start | in main ' |
		    head -n 6 | sed 's/^ */      /'
		echo "    log: $log"
	fi
done
[ "$fail" -eq 0 ]
