#!/bin/sh
# make demo: start the reference device (weak mode) on a loopback address, run the
# shipped EN 303 645 baseline against it, print the summary and the report and
# evidence paths, stop the device.  Without root there is no capture, and the
# run says so.
set -u
BUILD=${1:-build}
ADDR=${IOTCERT_DEMO_ADDR:-127.0.10.1}
OUT=${IOTCERT_DEMO_OUT:-demo-out}
. tests/lib/refdev.sh

tmp=$(mktemp -d)
trap 'refdev_stop "${REFDEV_PID:-}"; rm -rf "$tmp"' EXIT INT TERM
echo "== starting the reference device (weak mode) on $ADDR"
refdev_start "$ADDR" weak "$tmp/ready" || exit 3
echo "   $(cat "$tmp/ready")"
if [ "$(id -u)" != 0 ]; then
	echo "== not root: the run goes on without packet capture (run 'sudo make demo' for pcap evidence)"
fi
rm -rf "$OUT"
# A lab scans every port (the default).  On loopback, services this machine runs
# on all addresses would show up as the device's, so the demo scans the
# reference device's own ports.
PORTS=1883,2323,8080,8443,8883,9999
echo "== iotcert run --target $ADDR --dut profiles/devices/refdev-weak.yaml --ports $PORTS --out $OUT"
"$BUILD/iotcert" run --target "$ADDR" --dut profiles/devices/refdev-weak.yaml --ports "$PORTS" --out "$OUT"
rc=$?
echo
case $rc in
0) echo "== demo finished: no FAIL verdict (exit 0)";;
1) echo "== demo finished: the weak reference device FAILs as it should (exit 1)"; rc=0;;
*) echo "== demo failed (exit $rc)";;
esac
exit $rc
