#!/bin/sh
# Runs every end-to-end script in tests/e2e (each starts its own reference
# devices on its own loopback /24, so they do not collide) and totals them.
BUILD=${1:-build}
pass=0; fail=0
for t in tests/e2e/*.sh; do
	[ "$t" = tests/e2e/run.sh ] && continue
	echo "== $t"
	t0=$(date +%s)
	if sh "$t" "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	echo "== $t: $(($(date +%s) - t0)) s"
done
echo "e2e scripts: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
