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

# valid DIR: DIR/report.xml validates against the report schema.
valid() {
	_xsd=${XSD:-reports/iotcert-report.xsd}
	_err=${TMPDIR:-/tmp}/iotcert-xsd.$$
	if xmllint --noout --schema "$_xsd" "$1/report.xml" 2>"$_err"; then
		ok "$1/report.xml validates against the XSD"
	else
		bad "$1/report.xml does not validate: $(head -3 "$_err")"
	fi
	rm -f "$_err"
}

# hashes DIR: every evidence file the report names exists and matches its SHA-256.
hashes() {
	n=0; wrong=0
	for pair in $(xmllint --xpath "//*[local-name()='evidence']/@file | //*[local-name()='evidence']/@sha256" "$1/report.xml" 2>/dev/null |
	    tr ' ' '\n' | sed -n 's/^\(file\|sha256\)="\(.*\)"$/\2/p' | paste -d: - -); do
		f=${pair%%:*}; h=${pair#*:}
		n=$((n + 1))
		[ "$(sha256sum "$1/$f" 2>/dev/null | cut -d' ' -f1)" = "$h" ] || wrong=$((wrong + 1))
	done
	if [ "$n" -gt 0 ] && [ "$wrong" -eq 0 ]; then ok "$n evidence files match their SHA-256"
	else bad "evidence hashes: $n files, $wrong wrong"; fi
}

finish() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
