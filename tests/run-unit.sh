#!/bin/sh
# Runs every unit-test executable, then prints one closing line with the totals
# so a failing module is easy to spot among the per-suite Check lines.
build=$1; shift
pass=0; fail=0
for t in "$@"; do
	if CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30} "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAILED: $t" >&2
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
