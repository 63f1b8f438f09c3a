#!/bin/sh
# Open, closed and filtered TCP ports told apart, and filtered ports retried:
# the device namespace's firewall (nftables) drops SYNs to 8500-8503, it
# listens on 8081 and leaves 9000 closed.  The capture proves the retry: two
# SYNs per filtered port.
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh

lab_up || exit 1
lab_bg listener python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8081)); s.listen(8); time.sleep(120)'
lab_wait_listen tcp 8081 listener || exit 1
lab_d nft add table inet lab &&
lab_d nft add chain inet lab in '{ type filter hook input priority 0; }' &&
lab_d nft add rule inet lab in tcp dport 8500-8503 drop || { bad "cannot set up the firewall"; finish filtered; exit 1; }

OUT=$LAB_DIR/filtered
start=$(date +%s)
lab_h "$BUILD/iotcert" discover -q --target "$LAB_V4" --ports 8081,8500-8503,9000 \
	--udp none --connect-timeout 500 --out "$OUT" >"$LAB_DIR/discover.log" 2>&1
assert_eq "discover exits 0" 0 $?
took=$(( $(date +%s) - start ))
R=$OUT/report.xml
INV="//*[local-name()='inventory']"
assert_eq "6 ports scanned" 6 "$(xq "$R" "$INV/@ports-scanned")"
assert_eq "1 closed (RST)" 1 "$(xq "$R" "$INV/@closed")"
assert_eq "4 filtered (no answer)" 4 "$(xq "$R" "$INV/@filtered")"
assert_eq "1 open service" 1 "$(xq "$R" "count($INV/*[local-name()='service'])")"
assert_eq "the open one is 8081" 8081 "$(xq "$R" "$INV/*[local-name()='service']/@port")"
[ "$took" -le 8 ] && ok "filtered ports cost bounded time (${took}s)" || bad "took ${took}s"
syns=$(tcpdump -nr "$OUT/evidence/run.pcap" 'tcp[tcpflags] == tcp-syn and dst port 8500' 2>/dev/null | wc -l)
assert_eq "filtered port retried once (2 SYNs)" 2 "$syns"
syns=$(tcpdump -nr "$OUT/evidence/run.pcap" 'tcp[tcpflags] == tcp-syn and dst port 9000' 2>/dev/null | wc -l)
assert_eq "closed port not retried (1 SYN)" 1 "$syns"
xmllint --noout --schema reports/iotcert-report.xsd "$R" 2>/dev/null && ok "report validates" || bad "report invalid"

finish filtered
