# Assertion helpers for the shell test suites.  Each check prints one line;
# finish prints "NAME: N passed, M failed" and returns non-zero on failures.
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "  ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL $*"; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}

# xq FILE XPATH: string value of an XPath over a report (namespace-agnostic
# by using local-name()).
xq() {
	xmllint --xpath "string($2)" "$1" 2>/dev/null
}

# verdict FILE INSTANCE-ID
verdict() {
	xq "$1" "//*[local-name()='testcase'][@id='$2']/@verdict"
}

finish() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
