#!/bin/sh
# Integration tests against real daemons in network namespaces.  They need
# root and `ip netns`; without them this says so and skips (exit 0).
BUILD=${1:-build}
if [ "$(id -u)" != 0 ]; then
	echo "integration: SKIPPED (needs root to create network namespaces)"
	exit 0
fi
# A name of our own, so that runs side by side do not collide.
probe=iotcert-probe-$$
if ! ip netns add "$probe" 2>/dev/null; then
	echo "integration: SKIPPED (cannot create network namespaces here)"
	exit 0
fi
if ! ip netns exec "$probe" true 2>/dev/null; then
	ip netns del "$probe"
	echo "integration: SKIPPED (cannot enter network namespaces here)"
	exit 0
fi
ip netns del "$probe"
pass=0; fail=0
for t in tests/integration/t_*.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	if sh "$t" "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
