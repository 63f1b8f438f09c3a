# Shell helpers to start and stop the reference device (sourced by the demo and
# the end-to-end tests).  refdev_start ADDR MODE READYFILE [ARGS...] starts it in
# the background, waits up to 10 s for its ready line, and sets REFDEV_PID.
refdev_start() {
	_addr=$1; _mode=$2; _ready=$3; shift 3
	rm -f "$_ready"
	"$BUILD/iotcert-refdev" --mode "$_mode" --addr "$_addr" --ready-file "$_ready" \
		--quiet "$@" >/dev/null 2>"$_ready.log" &
	REFDEV_PID=$!
	_i=0
	while [ ! -s "$_ready" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$REFDEV_PID" 2>/dev/null; then
			echo "reference device did not start on $_addr:" >&2
			cat "$_ready.log" >&2
			return 1
		fi
		sleep 0.1
	done
	return 0
}

refdev_stop() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
