#!/bin/sh
# The SSH authenticator across a real network path (see lab.sh): Dropbear
# in the device namespace, attempts from the harness namespace over IPv4,
# IPv6 (ULA) and IPv6 link-local with a scope (fe80::...%lab0), each with
# the right password (ACCEPTED, shell marker echoed), a wrong one (REJECTED)
# and a closed port (INCONCLUSIVE).  Each attempt must record exactly one
# flow, to the device's address.  A small driver is compiled here against
# $BUILD/libiotcert.a, since no command runs a single authenticator.
# Needs root (network and mount namespaces).
set -u
BUILD=${1:-build}
. tests/lib/assert.sh
. tests/integration/lab.sh
. tests/integration/auth_daemons.sh

LIB=$BUILD/libiotcert.a
[ -f "$LIB" ] || { echo "auth-ssh: $LIB missing (make first)"; exit 1; }
command -v dropbear >/dev/null 2>&1 || { echo "auth-ssh: SKIPPED (dropbear-bin missing)"; exit 0; }

lab_up || exit 1

# The account the device's Dropbear checks, with a random password, in the
# daemon's own private /etc (auth_daemons.sh): the host's accounts are
# never read, tried or changed.
USER_NAME=iotcssh
SSH_PASS=$(auth_password)
auth_start_ssh dropbear-auth "22 2222" "$USER_NAME" "$SSH_PASS" ||
	{ bad "dropbear did not start"; finish auth-ssh; exit 1; }

# The driver: one attempt, printed as RESULT|method|flows|remote|reason.
cat >"$LAB_DIR/drv.c" <<'EOF'
#include "auth/auth.h"
#include "core/util.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
extern const authenticator_t auth_ssh;
int main(int argc, char **argv)
{
	static const char *const names[] = { "ACCEPTED", "REJECTED", "NOT_REQUIRED",
		"LOCKED", "INCONCLUSIVE", "ERROR" };
	if (argc != 6)
		return 2;
	char err[256];
	target_t *t = target_new(argv[1], err, sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	service_t svc = { .transport = "tcp", .port = atoi(argv[2]), .protocol = "ssh",
		.addr = &t->addrs[0] };
	evidence_t *ev = evidence_new();
	auth_target_t at = { .svc = &svc, .ev = ev };
	auth_outcome_t o;
	auth_ssh.try_login(&at, argv[3], argv[4], mono_ms() + (uint64_t)atoi(argv[5]), &o);
	char remote[INET6_ADDRSTRLEN] = "-";
	if (ev->n_flows)
		inet_ntop(ev->flows[0].family, ev->flows[0].remote, remote, sizeof(remote));
	printf("%s|%s|%zu|%s|%s\n", names[o.result], o.method, ev->n_flows, remote, o.reason);
	evidence_free(ev);
	target_free(t);
	return 0;
}
EOF
CC_DRV=${CC:-cc}
SAN_FLAGS=""
# An AddressSanitizer build links only with its sanitizer runtime.
if nm "$LIB" 2>/dev/null | grep -q __asan_; then
	SAN_FLAGS="-fsanitize=address,undefined"
	command -v clang >/dev/null 2>&1 && CC_DRV=clang
fi
# shellcheck disable=SC2046
$CC_DRV -std=c11 -D_GNU_SOURCE -Iharness $SAN_FLAGS -o "$LAB_DIR/drv" "$LAB_DIR/drv.c" "$LIB" \
	$(pkg-config --libs libpcap openssl yaml-0.1 libxml-2.0 libssh) -lpthread \
	>"$LAB_DIR/drv-build.log" 2>&1 || {
	bad "driver does not build (auth_ssh missing from $LIB?)"; cat "$LAB_DIR/drv-build.log"
	finish auth-ssh; exit 1; }

attempt() { lab_h "$LAB_DIR/drv" "$@" 2>>"$LAB_DIR/drv.err"; }
field() { echo "$1" | cut -d'|' -f"$2"; }

for target in "$LAB_V4" "$LAB_V6" "$LAB_LL_SCOPED"; do
	bare=${target%%%*}
	r=$(attempt "$target" 22 "$USER_NAME" "$SSH_PASS" 8000)
	assert_eq "$target right password" ACCEPTED "$(field "$r" 1)"
	assert_eq "$target method" ssh-password "$(field "$r" 2)"
	assert_eq "$target one flow" 1 "$(field "$r" 3)"
	assert_eq "$target flow to the device" "$bare" "$(field "$r" 4)"
	case $(field "$r" 5) in
	*"shell echoed marker"*) ok "$target shell echoed the marker" ;;
	*) bad "$target no marker: $r" ;;
	esac
	r=$(attempt "$target" 2222 "$USER_NAME" "wrong-$SSH_PASS" 8000)
	assert_eq "$target wrong password" REJECTED "$(field "$r" 1)"
	r=$(attempt "$target" 2200 "$USER_NAME" "$SSH_PASS" 3000)
	assert_eq "$target closed port" INCONCLUSIVE "$(field "$r" 1)"
	case $(field "$r" 5) in
	*refused*) ok "$target closed port says refused" ;;
	*) bad "$target closed port: $r" ;;
	esac
done
if [ -s "$LAB_DIR/drv.err" ]; then
	bad "the authenticator wrote on stderr: $(head -c 300 "$LAB_DIR/drv.err")"
else
	ok "nothing on stderr"
fi

finish auth-ssh
