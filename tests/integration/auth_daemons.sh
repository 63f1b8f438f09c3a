# Daemons that check passwords, for the credential tests in the lab (see
# lab.sh): the accounts and passwords are arguments, so one test can start
# them with universal defaults and again with passwords no list holds.
# Sourced (POSIX sh) after lab.sh; each function starts its daemon in the
# device namespace with lab_bg (so lab_down ends it) and waits until it
# listens.  NAME names the daemon's log ($LAB_DIR/NAME.log) and its files
# ($LAB_DIR/NAME/).
#
#   auth_start_telnet NAME PORT USER PASS [USER PASS]...
#       BusyBox telnetd handing each connection to BusyBox login.
#   auth_start_ssh NAME "PORT [PORT]..." USER PASS [USER PASS]...
#       Dropbear, password logins, host keys made for this run.
#   auth_start_http NAME PORT USER PASS [USER PASS]...
#       lighttpd mod_auth: Basic on /admin/, Digest MD5 on /cgi-bin/,
#       Digest SHA-256 on /config (paths the credential probe looks at);
#       "/" is open.  AUTH_HTTP_REALMS (words basic, digest, digest-sha256;
#       default all three) chooses the realms.
#   auth_start_mqtt NAME PORT ANONYMOUS [USER PASS]...
#       Mosquitto; ANONYMOUS is true or false; the pairs go to a password
#       file (none: no password file).
#   auth_password
#       prints a random password that no credential list holds.
#   auth_missing
#       prints the first program these daemons need that is not installed
#       (and fails when none is missing).
#
# Telnet and SSH accounts: the daemon runs in a private mount namespace of
# its own in which /etc is an overlay whose top layer holds a passwd and a
# shadow of its own ("root" gets uid 0, and a locked root is added if root
# is not given; an empty PASS is an account without password).  The host's
# accounts are never read, tried or changed.  An overlay of the directory,
# not a bind mount of the two files: a bind mount on /etc/passwd is
# detached (and the host's file shows through) as soon as anything on the
# host replaces the file, as useradd and chpasswd do.

# auth_password: Lab- and 24 random hex digits.
auth_password() {
	printf 'Lab-%s\n' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
}

auth_missing() {
	for _c in busybox dropbear dropbearkey lighttpd mosquitto mosquitto_passwd openssl unshare; do
		command -v "$_c" >/dev/null 2>&1 || { echo "$_c"; return 0; }
	done
	return 1
}

# auth_accounts DIR USER PASS [USER PASS]...: DIR/etc/passwd and shadow.
auth_accounts() {
	_dir=$1; shift
	mkdir -p "$_dir/etc" || return 1
	: >"$_dir/etc/passwd.new"; : >"$_dir/etc/shadow.new"
	_uid=1000
	_root=no
	while [ $# -ge 2 ]; do
		if [ "$1" = root ]; then
			_id=0; _home=/root; _root=yes
		else
			_uid=$((_uid + 1)); _id=$_uid; _home=/tmp
		fi
		if [ -z "$2" ]; then
			_pw=""; _hash=""
		else
			_pw=x
			_hash=$(printf '%s\n' "$2" | openssl passwd -6 -stdin) || return 1
		fi
		echo "$1:$_pw:$_id:$_id:$1:$_home:/bin/sh" >>"$_dir/etc/passwd.new"
		echo "$1:$_hash:19000:0:99999:7:::" >>"$_dir/etc/shadow.new"
		shift 2
	done
	if [ $_root = no ]; then
		echo "root:x:0:0:root:/root:/bin/sh" >>"$_dir/etc/passwd.new"
		echo "root:*:19000:0:99999:7:::" >>"$_dir/etc/shadow.new"
	fi
	chmod 644 "$_dir/etc/passwd.new"
	chmod 600 "$_dir/etc/shadow.new"
	mv "$_dir/etc/passwd.new" "$_dir/etc/passwd" &&
		mv "$_dir/etc/shadow.new" "$_dir/etc/shadow"
}

# auth_private NAME DIR CMD...: lab_bg NAME CMD, in a mount namespace of its
# own where DIR/etc lies over /etc.
auth_private() {
	_name=$1; _dir=$2; shift 2
	# shellcheck disable=SC2016
	lab_bg "$_name" unshare -m --propagation private sh -c '
		mount -t overlay iotcert-etc -o "lowerdir=$1/etc:/etc" /etc || exit 1
		shift; exec "$@"' sh "$_dir" "$@"
}

# auth_check_accounts NAME: the daemon NAME, listening by now, sees the
# lab's passwd and shadow, not the host's (the overlay took).
auth_check_accounts() {
	_pid=""
	eval "_pid=\${LAB_PID_$(echo "$1" | tr -c 'A-Za-z0-9\n' _):-}"
	for _f in passwd shadow; do
		cmp -s "/proc/$_pid/root/etc/$_f" "$LAB_DIR/$1/etc/$_f" 2>/dev/null || {
			lab_log "$1 does not see the lab's /etc/$_f"
			tail -3 "$LAB_DIR/$1.log" >&2
			return 1
		}
	done
}

auth_start_telnet() {
	_n=$1; _port=$2; shift 2
	_bb=$(command -v busybox) || { lab_log "busybox missing"; return 1; }
	auth_accounts "$LAB_DIR/$_n" "$@" || { lab_log "cannot write the accounts"; return 1; }
	# telnetd -l takes a program without arguments.
	printf '#!/bin/sh\nexec %s login "$@"\n' "$_bb" >"$LAB_DIR/$_n/login"
	chmod 755 "$LAB_DIR/$_n/login"
	auth_private "$_n" "$LAB_DIR/$_n" "$_bb" telnetd -F -p "$_port" -l "$LAB_DIR/$_n/login"
	lab_wait_listen tcp "$_port" "$_n" && auth_check_accounts "$_n"
}

auth_start_ssh() {
	_n=$1; _ports=$2; shift 2
	command -v dropbear >/dev/null 2>&1 || { lab_log "dropbear missing"; return 1; }
	auth_accounts "$LAB_DIR/$_n" "$@" || { lab_log "cannot write the accounts"; return 1; }
	dropbearkey -t ed25519 -f "$LAB_DIR/$_n/ed25519" >/dev/null 2>&1 &&
	dropbearkey -t ecdsa -f "$LAB_DIR/$_n/ecdsa" >/dev/null 2>&1 || {
		lab_log "dropbearkey failed"; return 1; }
	_pargs=""
	for _p in $_ports; do _pargs="$_pargs -p $_p"; done
	# shellcheck disable=SC2086
	auth_private "$_n" "$LAB_DIR/$_n" dropbear -F -E $_pargs -r "$LAB_DIR/$_n/ed25519" \
		-r "$LAB_DIR/$_n/ecdsa" -P "$LAB_DIR/$_n/pid"
	for _p in $_ports; do
		lab_wait_listen tcp "$_p" "$_n" || return 1
	done
	auth_check_accounts "$_n"
}

auth_start_http() {
	_n=$1; _port=$2; shift 2
	_w=$LAB_DIR/$_n/www
	mkdir -p "$_w/admin" "$_w/cgi-bin" || return 1
	echo "<html><body>open</body></html>" >"$_w/index.html"
	echo "<html><body>admin area</body></html>" >"$_w/admin/index.html"
	echo "<html><body>cgi area</body></html>" >"$_w/cgi-bin/index.html"
	echo "<html><body>config</body></html>" >"$_w/config"
	: >"$LAB_DIR/$_n/users"
	while [ $# -ge 2 ]; do
		echo "$1:$2" >>"$LAB_DIR/$_n/users"
		shift 2
	done
	printf '%s\n' \
		'server.modules = ( "mod_auth", "mod_authn_file" )' \
		"server.document-root = \"$_w\"" \
		"server.errorlog = \"$LAB_DIR/$_n/error.log\"" \
		"server.port = $_port" \
		'server.bind = "0.0.0.0"' \
		'index-file.names = ( "index.html" )' \
		'mimetype.assign = ( ".html" => "text/html", "" => "text/html" )' \
		'auth.backend = "plain"' \
		"auth.backend.plain.userfile = \"$LAB_DIR/$_n/users\"" \
		'auth.require = (' >"$LAB_DIR/$_n/lighttpd.conf"
	for _r in ${AUTH_HTTP_REALMS:-basic digest digest-sha256}; do
		case $_r in
		basic) _path=/admin/; _how='"method" => "basic"' ;;
		digest) _path=/cgi-bin/; _how='"method" => "digest"' ;;
		digest-sha256) _path=/config; _how='"method" => "digest", "algorithm" => "SHA-256"' ;;
		*) lab_log "unknown realm $_r"; return 1 ;;
		esac
		echo "  \"$_path\" => ( $_how, \"realm\" => \"lab\", \"require\" => \"valid-user\" )," \
			>>"$LAB_DIR/$_n/lighttpd.conf"
	done
	echo ')' >>"$LAB_DIR/$_n/lighttpd.conf"
	lab_bg "$_n" lighttpd -D -f "$LAB_DIR/$_n/lighttpd.conf"
	lab_wait_listen tcp "$_port" "$_n"
}

auth_start_mqtt() {
	_n=$1; _port=$2; _anon=$3; shift 3
	mkdir -p "$LAB_DIR/$_n" || return 1
	printf '%s\n' "user root" "persistence false" "log_dest stderr" \
		"allow_anonymous $_anon" "listener $_port" >"$LAB_DIR/$_n/mosquitto.conf"
	if [ $# -ge 2 ]; then
		: >"$LAB_DIR/$_n/passwd"
		chmod 600 "$LAB_DIR/$_n/passwd"
		while [ $# -ge 2 ]; do
			mosquitto_passwd -b "$LAB_DIR/$_n/passwd" "$1" "$2" >/dev/null 2>&1 ||
				{ lab_log "mosquitto_passwd failed"; return 1; }
			shift 2
		done
		echo "password_file $LAB_DIR/$_n/passwd" >>"$LAB_DIR/$_n/mosquitto.conf"
	fi
	lab_bg "$_n" mosquitto -c "$LAB_DIR/$_n/mosquitto.conf"
	lab_wait_listen tcp "$_port" "$_n"
}
