#!/bin/sh
# The end-to-end suite with the harness under valgrind's memcheck.  Every
# `iotcert` the scripts start goes through a wrapper (BUILD/vg/bin/iotcert)
# that runs the real binary under valgrind with one log per process; the
# reference device and the rest run natively.  The suite's own checks must
# pass, and every log must be free of errors and definite leaks.
#   sh tests/valgrind/run.sh BUILD [E2E-SCRIPT...]
set -u
BUILD=${1:-build}
shift
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed"; exit 1; }
ROOT=$(pwd)
VG=$ROOT/$BUILD/vg
rm -rf "$VG"
mkdir -p "$VG/bin" "$VG/log"
# World-writable log directory: the harness drops root to the invoking user
# (SUDO_UID) after opening the capture, and valgrind writes as that user.
chmod 1777 "$VG/log"
cat >"$VG/bin/iotcert" <<WRAP
#!/bin/sh
exec valgrind --quiet --vgdb=no --error-exitcode=97 --leak-check=full \\
	--show-leak-kinds=definite --errors-for-leak-kinds=definite \\
	--log-file="$VG/log/vg.%p.log" "$ROOT/$BUILD/iotcert" "\$@"
WRAP
chmod 755 "$VG/bin/iotcert"
ln -s "$ROOT/$BUILD/iotcert-refdev" "$VG/bin/iotcert-refdev"
# Scripts that bound a run's wall time scale the bound by this factor.
export IOTCERT_TEST_SLOWDOWN=${IOTCERT_TEST_SLOWDOWN:-8}

rc=0
if [ $# -gt 0 ]; then
	for t in "$@"; do sh "$t" "$BUILD/vg/bin" || rc=1; done
else
	sh tests/e2e/run.sh "$BUILD/vg/bin" || rc=1
fi

runs=$(ls "$VG/log" | wc -l)
dirty=0
for f in "$VG/log"/vg.*.log; do
	[ -s "$f" ] || continue
	dirty=$((dirty + 1))
	echo "== valgrind: $f"
	head -60 "$f"
done
echo "valgrind: $runs harness processes, $dirty with errors or definite leaks"
[ "$dirty" -eq 0 ] && [ "$runs" -gt 0 ] || rc=1
exit $rc
