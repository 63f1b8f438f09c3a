#!/bin/sh
# Installs the Debian packages iotcert needs to build, test and demo, when they
# are missing.  As root it runs apt-get; otherwise through sudo when available;
# elsewhere it prints the packages to install and fails.
set -u
BUILD_PKGS="build-essential pkg-config clang libclang-rt-14-dev libpcap-dev libssl-dev libyaml-dev libxml2-dev libxslt1-dev libcurl4-openssl-dev check libxml2-utils libssh-dev"
TEST_PKGS="iproute2 tcpdump python3 valgrind time openssl dropbear-bin busybox-static lighttpd lighttpd-mod-openssl mosquitto libcoap3-bin minissdpd snmpd dnsmasq-base chrony nftables openssh-server chromium"
PKGS="$BUILD_PKGS $TEST_PKGS ${IOTCERT_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "iotcert: installing missing packages:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "iotcert: cannot install packages (not root, no sudo). Install them with:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when an install fails on stale ones.
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
	$SUDO apt-get update -q >/dev/null &&
	$SUDO apt-get install -y -q --no-install-recommends $missing
} || { echo "iotcert: package installation failed" >&2; exit 1; }
